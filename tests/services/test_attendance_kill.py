"""A mark shown as saved survives a power cut: the process is SIGKILLed right after mark()
returns (while it goes on marking the next trainees), and the reopened database has the mark
and its change_log row."""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from otop_desktop.services import enrollments, trainees, workshops
from otop_desktop.services.attendance import attendance_id
from otop_desktop.services.attendance_sheet import session_roster
from otop_desktop.services.context import open_context
from tests.helpers import new_context

# A power cut while SQLite writes its file; a PostgreSQL hub's durability is its server's.
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]
# The child marks one trainee after another and says SAVED only once mark() has returned.
CHILD = textwrap.dedent(
    """
    import sys
    import time
    from pathlib import Path
    from otop_desktop.services.attendance import mark
    from otop_desktop.services.context import open_context

    data, session_id, *trainee_ids = sys.argv[1:]
    ctx = open_context(Path(data))
    for trainee_id in trainee_ids:
        mark(ctx, session_id, trainee_id, "present")
        sys.stdout.write("SAVED " + trainee_id + "\\n")
        sys.stdout.flush()
    time.sleep(60)  # killed long before; the database is never closed
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("kill_after", [1, 5])
def test_a_mark_reported_saved_survives_sigkill(tmp_path: Path, kill_after: int) -> None:
    data = tmp_path / "data"
    ctx = new_context(data)
    try:
        w = workshops.create_workshop(ctx, title="Bambú")
        session_id = workshops.add_session(ctx, w.id, dt.date.today()).id
        ids = []
        for index in range(8):
            t = trainees.add_trainee(ctx, given_names=f"Persona {index}").id
            enrollments.enrol(ctx, w.id, t)
            ids.append(t)
    finally:
        ctx.close()

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data), session_id, *ids],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    saved: list[str] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("SAVED "):
                saved.append(line.split()[1])
                if len(saved) == kill_after:
                    child.send_signal(signal.SIGKILL)  # at once: the next mark is under way
                    break
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
        err = child.stderr.read() if child.stderr else ""
        for stream in (child.stdout, child.stderr):
            if stream:
                stream.close()
    assert len(saved) == kill_after, err
    assert child.returncode == -signal.SIGKILL

    # The raw file first: SQLite recovers the write-ahead log; the rows and changes are there.
    with sqlite3.connect(data / "otop.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for trainee_id in saved:
            row_id = attendance_id(session_id, trainee_id)
            status = conn.execute(
                "SELECT status FROM attendance WHERE id = ? AND cl % 2 = 1", (row_id,)
            ).fetchone()
            assert status == ("present",)
            changes = conn.execute(
                "SELECT count(*) FROM change_log WHERE tbl = 'attendance' AND row_id = ?",
                (row_id,),
            ).fetchone()[0]
            assert changes == 1
    # Then as the app reopens it.
    ctx = open_context(data)
    try:
        statuses = {line.trainee_id: line.status for line in session_roster(ctx, session_id).lines}
    finally:
        ctx.close()
    assert all(statuses[t] == "present" for t in saved)

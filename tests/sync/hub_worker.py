"""A coordinator's process for the concurrent hub tests: loads the app once, then runs jobs.

`python -m tests.sync.hub_worker CONTROL NAME` prints "ready" once the whole app (every CLI
command, the PostgreSQL driver) is imported, then for round N waits for CONTROL/job-N-NAME.json
and then for its barrier file, and runs the job:
- {"cli": [ARGS...]}: the same as `python -m otop_desktop ARGS...`;
- {"edit": [DATA_DIR, URL, PHONE, TRAINEE_ID...]}: saves one phone per trainee on the hub, one
  unit of work each, as the trainee form does.
The exit code and the output go to CONTROL/result-N-NAME.json. Waiting on files after loading
starts the processes' real work within milliseconds of each other, so their transactions
overlap; CONTROL/stop ends the process.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import psycopg  # noqa: F401  (loaded before the race, like the rest of the app)

from otop_desktop.cli import build_parser, run
from otop_desktop.services import trainees
from otop_desktop.services.context import open_context

POLL_S = 0.001
TIMEOUT_S = 120


def _wait_for(path: Path, stop: Path) -> bool:
    """True once `path` exists; False when told to stop."""
    deadline = time.monotonic() + TIMEOUT_S
    while not path.exists():
        if stop.exists() or time.monotonic() > deadline:
            return False
        time.sleep(POLL_S)
    return True


def _edit(data_dir: str, url: str, phone: str, trainee_ids: list[str]) -> int:
    ctx = open_context(Path(data_dir), url)
    try:
        for index, trainee_id in enumerate(trainee_ids):
            trainees.edit_trainee(ctx, trainee_id, phone=f"{phone}{index:02d}")
    finally:
        ctx.close()
    return 0


def _run(job: dict[str, Any]) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = run(job["cli"]) if "cli" in job else _edit(*job["edit"][:3], job["edit"][3:])
        except Exception as exc:  # reported to the test, which fails with it
            code = 99
            err.write(f"{type(exc).__name__}: {exc}")
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


def main(control: Path, name: str) -> int:
    build_parser()  # imports every command's module
    print("ready", flush=True)
    stop = control / "stop"
    number = 0
    while _wait_for(job_path := control / f"job-{number}-{name}.json", stop):
        job = json.loads(job_path.read_text(encoding="utf-8"))
        if not _wait_for(Path(job["barrier"]), stop):
            break
        result = _run(job)
        temp = control / f".result-{number}-{name}.json"
        temp.write_text(json.dumps(result), encoding="utf-8")
        os.replace(temp, control / f"result-{number}-{name}.json")
        number += 1
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))

"""The lists a window loads for a whole workshop stay light: peak Python memory per trainee.

The attendance page, the certificates page and the due follow-ups each read every trainee of
a workshop. Read as ORM rows (trainees and marks), a workshop of 12,500 took 60-170 MB at the
peak, and the window kept that resident long after (issue #10: idle under 250 MB with
50,000 trainees). Measured with tracemalloc, which counts Python allocations exactly, rather
than the resident size, which is noisy. Bounds: about 1.5x what the light rows take, half of
what ORM rows took.
"""

from __future__ import annotations

import datetime as dt
import gc
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from otop_desktop.db.models import Enrollment, TrainingSession
from otop_desktop.services.attendance_sheet import session_roster
from otop_desktop.services.certificate_list import certificate_candidates
from otop_desktop.services.context import AppContext
from otop_desktop.services.demo import build_demo
from otop_desktop.services.follow_up_due import due_follow_ups
from otop_desktop.services.follow_ups import follow_up_trainees
from tests.helpers import new_context

pytestmark = pytest.mark.one_engine

# Bytes of peak Python memory per trainee read (ORM rows took about 6.4 / 17 / 5.4 KB).
ROSTER_BOUND = 3_500
CANDIDATES_BOUND = 9_000
DUE_BOUND = 4_000
# Bytes kept per due line while the Follow-ups page shows the list (as records: about 200).
DUE_KEPT_BOUND = 100
# The follow-up table's trainees (through list_enrolled's ORM rows: about 4.5 KB, now 1.7 KB).
FOLLOW_UP_TRAINEES_BOUND = 3_000


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, str, str, int]]:
    """A demo of 600 trainees: its biggest workshop, that workshop's first session, its size."""
    ctx = new_context(Path(tmp_path_factory.mktemp("list-memory")))
    try:
        build_demo(ctx, trainees=600, sessions=6, photos=0, seed=3)
        with ctx.read() as session:
            biggest = session.execute(
                select(Enrollment.workshop_id, func.count())
                .group_by(Enrollment.workshop_id)
                .order_by(func.count().desc())
            ).first()
            assert biggest is not None
            workshop_id, size = biggest
            session_id = session.scalar(
                select(TrainingSession.id)
                .where(TrainingSession.workshop_id == workshop_id)
                .order_by(TrainingSession.date)
            )
        assert workshop_id and session_id and size >= 200
        yield ctx, workshop_id, session_id, size
    finally:
        ctx.close()


def _measure(load: Callable[[], Any]) -> tuple[int, int, Any]:
    """Peak bytes allocated by `load()`, bytes still allocated while its result is held, and
    that result (after one call to warm query caches)."""
    load()
    gc.collect()
    tracemalloc.start()
    try:
        result = load()
        gc.collect()
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, kept, result


def test_attendance_roster_is_light(demo: tuple[AppContext, str, str, int]) -> None:
    ctx, _workshop_id, session_id, size = demo
    peak, _kept, roster = _measure(lambda: session_roster(ctx, session_id))
    assert len(roster.lines) >= size * 0.9  # the whole list was read
    per_trainee = peak / size
    assert per_trainee < ROSTER_BOUND, f"{per_trainee:.0f} bytes per trainee"


def test_certificate_candidates_are_light(demo: tuple[AppContext, str, str, int]) -> None:
    ctx, workshop_id, _session_id, size = demo
    peak, _kept, found = _measure(lambda: certificate_candidates(ctx, workshop_id))
    assert len(found.candidates) >= size * 0.9
    per_trainee = peak / size
    assert all(c.name or c.chinese_name for c in found.candidates)
    assert per_trainee < CANDIDATES_BOUND, f"{per_trainee:.0f} bytes per trainee"


def test_due_follow_ups_are_light(demo: tuple[AppContext, str, str, int]) -> None:
    ctx, _workshop_id, _session_id, _size = demo
    # Far ahead: every period of every workshop is due, so every enrolled trainee is read.
    peak, _kept, due = _measure(lambda: due_follow_ups(ctx, today=dt.date(2100, 1, 1)))
    trainees = len({d.trainee_id for d in due})
    assert trainees >= 500 and len(due) >= 2 * trainees
    assert all(d.trainee_name for d in due)
    per_trainee = peak / trainees
    assert per_trainee < DUE_BOUND, f"{per_trainee:.0f} bytes per trainee"


def test_follow_up_trainees_are_light(demo: tuple[AppContext, str, str, int]) -> None:
    ctx, workshop_id, _session_id, size = demo
    peak, _kept, listed = _measure(lambda: follow_up_trainees(ctx, workshop_id))
    assert len(listed) >= size * 0.9
    assert all(name for _id, name in listed)
    per_trainee = peak / size
    assert per_trainee < FOLLOW_UP_TRAINEES_BOUND, f"{per_trainee:.0f} bytes per trainee"


def test_due_follow_ups_are_kept_packed(demo: tuple[AppContext, str, str, int]) -> None:
    ctx, _workshop_id, _session_id, _size = demo
    _peak, kept, due = _measure(lambda: due_follow_ups(ctx, today=dt.date(2100, 1, 1)))
    assert len(due) >= 1_000
    per_line = kept / len(due)
    assert per_line < DUE_KEPT_BOUND, f"{per_line:.0f} bytes per line"
    # Read back, a line is the record it always was.
    first, last = due[0], due[-1]
    assert first.due_on <= last.due_on and first.overdue and first.trainee_name
    assert due[len(due) - 1] == last and due[-len(due)] == first

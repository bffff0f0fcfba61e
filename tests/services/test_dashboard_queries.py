"""The dashboard's grouped SQL: people it must leave out, baselines counted once, and the
covering indexes its big queries read (so they never read whole rows of the big tables)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event

from otop_desktop.db.models import Attendance, Enrollment, FollowUp
from otop_desktop.services import attendance, enrollments, trainees, workshops
from otop_desktop.services.attendance_summary import workshop_summary
from otop_desktop.services.context import AppContext
from otop_desktop.services.dashboard import DashboardFilter, dashboard_figures
from otop_desktop.services.enrollments import enrollment_id
from otop_desktop.services.follow_ups import follow_up_id
from tests.helpers import new_context

TODAY = dt.date(2026, 6, 1)
GHOST = "0000ghost-no-trainee-row"


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path)
    yield context
    context.close()


def _programme(ctx: AppContext) -> str:
    """One workshop: ana (baseline and later follow-ups), carla (no baseline), dora (withdrawn
    after a mark), eli (the trainer), beto (deleted) and a ghost (enrolled, marked and
    followed up, but no trainee row at all)."""
    w = workshops.create_workshop(
        ctx, title="Jícaras", country="HN", start_date="2026-01-10", end_date="2026-02-07"
    ).id
    s1, s2 = (workshops.add_session(ctx, w, d).id for d in ("2026-01-10", "2026-01-17"))
    people = {
        name: trainees.add_trainee(ctx, given_names=name, family_names="Prueba").id
        for name in ("ana", "beto", "carla", "dora", "eli")
    }
    for name in ("ana", "beto", "carla", "dora"):
        enrollments.enrol(ctx, w, people[name])
    enrollments.enrol(ctx, w, people["eli"], role="trainer")
    for session_id, name, status in (
        (s1, "ana", "present"),
        (s1, "carla", "absent"),
        (s1, "dora", "present"),
        (s1, "eli", "present"),
        (s1, "beto", "present"),
        (s2, "ana", "late"),
        (s2, "carla", "present"),
        (s2, "eli", "absent"),
        (s2, "beto", "present"),
    ):
        attendance.mark(ctx, session_id, people[name], status, today=TODAY)
    enrollments.withdraw(ctx, w, people["dora"])
    people["ghost"] = GHOST
    jan, may, aug, nov = (dt.date(2026, m, 12) for m in (1, 5, 8, 11))
    with ctx.unit_of_work() as session:
        session.add(Enrollment(id=enrollment_id(w, GHOST), workshop_id=w, trainee_id=GHOST))
        for session_id in (s1, s2):
            session.add(
                Attendance(
                    # Ids are 36 characters, as PostgreSQL's VARCHAR(36) insists.
                    id=session_id[:-6] + "ghost0",
                    session_id=session_id,
                    trainee_id=GHOST,
                    status="present",
                )
            )
        for name, period, day, income, currency, units in (
            ("ana", "baseline", jan, "1000", "HNL", 10),
            ("ana", "month_3", may, "1500", "HNL", 20),
            ("ana", "month_6", aug, "1200", "HNL", 30),
            ("ana", "month_12", nov, "100", "USD", None),  # not the baseline's currency
            ("carla", "month_3", may, "2000", "HNL", 5),  # no baseline: counted once
            ("carla", "month_6", aug, "2100", "HNL", -1),  # invalid units
            ("beto", "baseline", jan, "500", "HNL", 1000),  # deleted: nowhere
            ("beto", "month_3", may, "9000", "HNL", 1000),
            ("ghost", "baseline", jan, "100", "HNL", 1000),  # no trainee row: nowhere
            ("ghost", "month_3", may, "99999", "HNL", 1000),
            ("dora", "baseline", jan, "1", "HNL", 1000),  # withdrawn: not trained
            ("dora", "month_3", may, "2", "HNL", 1000),
        ):
            session.add(
                FollowUp(
                    id=follow_up_id(w, people[name], period),
                    workshop_id=w,
                    trainee_id=people[name],
                    period=period,
                    date=day,
                    monthly_income=Decimal(income),
                    currency=currency,
                    units_sold=units,
                )
            )
    trainees.delete_trainee(ctx, people["beto"])
    return w


def test_deleted_and_missing_trainees_are_left_out_everywhere(ctx: AppContext) -> None:
    w = _programme(ctx)
    fig = dashboard_figures(ctx, DashboardFilter(), today=TODAY)
    assert fig.trainees == 2  # ana, carla (dora withdrawn, eli the trainer)
    # Held S1 S2, listed ana carla eli each (3 + 3) + dora withdrawn but marked at S1 = 7;
    # attended S1 ana dora eli, S2 ana (late counts) carla = 5.
    assert fig.attendance_rate == pytest.approx(5 / 7)
    assert workshop_summary(ctx, w, today=TODAY).rate == pytest.approx(5 / 7)
    income = {s.currency: {p.period: (p.value, p.n) for p in s.points} for s in fig.income_change}
    assert income == {"HNL": {"month_3": (500.0, 1), "month_6": (200.0, 1), "month_12": (None, 0)}}
    assert fig.mixed_currency == 1
    assert fig.missing_baseline == 1
    assert fig.invalid_follow_ups == 1
    units = {p.period: (p.value, p.n) for p in fig.units_sold}
    assert units["baseline"] == (10.0, 1)
    assert units["month_3"] == (25.0, 2)
    assert units["month_6"] == (30.0, 1)


@pytest.mark.sqlite_only  # SQLite's query planner; PostgreSQL plans with its own statistics
def test_the_big_queries_read_covering_indexes(ctx: AppContext) -> None:
    _programme(ctx)
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if any(
            f"{table} " in statement for table in ("attendance a", "follow_up f", "enrollment e")
        ):
            seen.append((statement, parameters))

    event.listen(ctx.engine, "before_cursor_execute", record)
    try:
        dashboard_figures(ctx, DashboardFilter(), today=TODAY)
    finally:
        event.remove(ctx.engine, "before_cursor_execute", record)
    plans: list[str] = []
    with ctx.read() as session:
        conn = session.connection()
        for statement, parameters in seen:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)  # type: ignore[arg-type]
            plans.append("\n".join(str(r[3]) for r in rows))
    text = "\n".join(plans)
    for index in (
        "ix_attendance_trainee_marks",
        "ix_enrollment_workshop_people",
        "ix_follow_up_workshop_period",
        "ix_follow_up_workshop_trainee",
    ):
        assert f"COVERING INDEX {index}" in text, index
    # No big table is read row by row, nor through an index that needs its rows.
    for line in text.splitlines():
        for alias in ("a", "e", "f", "b"):
            assert not line.startswith(f"SCAN {alias} "), line
            assert not line.startswith(f"SEARCH {alias} USING INDEX"), line

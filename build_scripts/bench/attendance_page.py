"""attendance_page_open_ms: what opening the attendance page of one session reads.

`session_roster()` of a 60-trainee session in a database of 1,000,000 attendance marks (1,667
workshops of 60 trainees and 10 sessions, every trainee marked at every session; a few trainees
merged into a duplicate and a few withdrawn, as in real programmes). The dataset is written
with raw sqlite3 inserts into a database made by the app's migrations (rows valid for the
models, derived columns filled by the model's own function), built once and cached. The
baseline is the same rows through a raw sqlite3 connection: the session and workshop, then one
query joining enrolments, trainees and the session's marks.
"""

from __future__ import annotations

import random
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import datasets
from common import SEED, Sizes, copy_data_dir, log, median, percentile, scratch
from table import Row

TRAINEES_PER_WORKSHOP = 60
SESSIONS_PER_WORKSHOP = 10
FULL_MARKS = 1_000_000
QUICK_MARKS = 100_000
SAMPLES = 40  # sessions opened (each a different workshop), timed REPS times each
REPS = 3
STATUSES = (("present", 0.78), ("late", 0.09), ("excused", 0.05), ("absent", 0.08))

BASELINE_SQL = """
SELECT t.id, t.given_names, t.family_names, t.chinese_name, t.phone, t.sort_key,
       t.search_key, a.status, a.note
FROM enrollment e
JOIN trainee t ON t.id = e.trainee_id AND t.cl % 2 = 1
LEFT JOIN attendance a ON a.session_id = ? AND a.trainee_id = t.id AND a.cl % 2 = 1
WHERE e.workshop_id = ? AND e.cl % 2 = 1 AND e.status != 'withdrawn'
ORDER BY t.sort_key, t.id
"""


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [tuple(r[c] for c in columns) for r in rows],
    )


def _person(rng: random.Random, index: int) -> dict[str, Any]:
    from otop_desktop.services import demo_names as names

    if index % 5 == 4:  # a Taiwanese programme's trainee
        family, family_latin = rng.choice(names.CHINESE_FAMILY)
        given, given_latin = rng.choice(names.CHINESE_GIVEN)
        return {
            "given_names": given_latin,
            "family_names": family_latin,
            "chinese_name": family + given,
            "phone": f"09{rng.randint(10, 99)}-{rng.randint(100, 999)}-{rng.randint(100, 999)}",
            "town": rng.choice(names.TAIWAN_TOWNS),
            "country": "TW",
        }
    female = rng.random() < 0.6
    return {
        "given_names": rng.choice(names.SPANISH_GIVEN_F if female else names.SPANISH_GIVEN_M),
        "family_names": " ".join(rng.sample(names.SPANISH_FAMILY, 2)),
        "chinese_name": None,
        "phone": f"{rng.choice('389')}{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
        "town": rng.choice(names.HONDURAS_TOWNS),
        "country": "HN",
    }


def _build(folder: Path, marks: int, seed: int) -> None:
    import datetime as dt

    from otop_desktop.db.models import Trainee
    from otop_desktop.domain.ids import pair_id
    from otop_desktop.services.context import initialise, open_context

    ctx = open_context(folder)
    try:
        initialise(ctx, "bench-attendance")
    finally:
        ctx.close()
    rng = random.Random(seed)
    statuses = [s for s, _w in STATUSES]
    weights = [w for _s, w in STATUSES]
    workshops = -(-marks // (TRAINEES_PER_WORKSHOP * SESSIONS_PER_WORKSHOP))
    conn = sqlite3.connect(folder / "otop.sqlite3", isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        start = dt.date(2024, 1, 8)
        for w_index in range(workshops):
            workshop_id = _uuid(rng)
            first = start + dt.timedelta(days=(w_index * 3) % 700)
            _insert(
                conn,
                "workshop",
                [
                    {
                        "id": workshop_id,
                        "cl": 1,
                        "clocks": "{}",
                        "title": f"Taller {w_index + 1}",
                        "category": "textiles",
                        "country": "HN",
                        "start_date": first.isoformat(),
                        "end_date": (first + dt.timedelta(weeks=9)).isoformat(),
                        "languages": "es",
                        "archived": 0,
                    }
                ],
            )
            sessions = [
                {
                    "id": _uuid(rng),
                    "cl": 1,
                    "clocks": "{}",
                    "workshop_id": workshop_id,
                    "date": (first + dt.timedelta(weeks=k)).isoformat(),
                    "start_time": "09:00",
                    "hours": 3.0,
                    "topic": f"Sesión {k + 1}",
                }
                for k in range(SESSIONS_PER_WORKSHOP)
            ]
            _insert(conn, "training_session", sessions)
            people: list[dict[str, Any]] = []
            for p_index in range(TRAINEES_PER_WORKSHOP):
                fields = _person(rng, p_index)
                people.append(
                    {
                        "id": _uuid(rng),
                        "cl": 1,
                        "clocks": "{}",
                        **fields,
                        "merged_into": None,
                        **Trainee.derive_values(fields),
                    }
                )
            # One trainee in twenty workshops was registered twice and merged afterwards.
            if w_index % 20 == 0:
                people[1]["merged_into"] = people[0]["id"]
            _insert(conn, "trainee", people)
            _insert(
                conn,
                "enrollment",
                [
                    {
                        "id": pair_id("enrollment", workshop_id, p["id"]),
                        "cl": 1,
                        "clocks": "{}",
                        "workshop_id": workshop_id,
                        "trainee_id": p["id"],
                        "role": "trainee",
                        "status": "withdrawn" if p_index == 59 and w_index % 7 == 0 else "enrolled",
                    }
                    for p_index, p in enumerate(people)
                ],
            )
            drawn = rng.choices(statuses, weights, k=len(sessions) * len(people))
            _insert(
                conn,
                "attendance",
                [
                    {
                        "id": pair_id("attendance", s["id"], p["id"]),
                        "cl": 1,
                        "clocks": "{}",
                        "session_id": s["id"],
                        "trainee_id": p["id"],
                        "status": drawn[s_index * len(people) + p_index],
                        "note": None,
                    }
                    for s_index, s in enumerate(sessions)
                    for p_index, p in enumerate(people)
                ],
            )
            if (w_index + 1) % 200 == 0:
                log(f"  {(w_index + 1) * 600:,} / {workshops * 600:,} marks")
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def attendance_db(marks: int, seed: int = SEED) -> Path:
    """A cached database of about `marks` attendance marks (see the module's docstring)."""
    return datasets._cached(f"attendance-m{marks}-s{seed}", lambda f: _build(f, marks, seed))


def _raw_open(conn: sqlite3.Connection, session_id: str) -> list[Any]:
    session = conn.execute(
        "SELECT id, workshop_id, date, start_time, hours, topic FROM training_session "
        "WHERE id = ? AND cl % 2 = 1",
        (session_id,),
    ).fetchone()
    conn.execute(
        "SELECT title, archived, late_counts, excused_counts, languages, country FROM workshop "
        "WHERE id = ? AND cl % 2 = 1",
        (session[1],),
    ).fetchone()
    return conn.execute(BASELINE_SQL, (session_id, session[1])).fetchall()


def attendance_page(sizes: Sizes) -> list[Row]:
    from otop_desktop.services.attendance_sheet import session_roster
    from otop_desktop.services.context import open_context

    marks = QUICK_MARKS if sizes.quick else FULL_MARKS
    source = attendance_db(marks)
    with scratch("attendance-page") as work:
        data_dir = copy_data_dir(source, work / "data")
        raw = sqlite3.connect(data_dir / "otop.sqlite3")
        total = raw.execute("SELECT count(*) FROM attendance").fetchone()[0]
        picked = raw.execute(
            "SELECT id FROM training_session WHERE cl % 2 = 1 ORDER BY id"
        ).fetchall()
        sample = [row[0] for row in random.Random(11).sample(picked, SAMPLES)]
        ctx = open_context(data_dir)
        ours: list[float] = []
        base: list[float] = []
        lines: list[int] = []
        try:
            for session_id in sample[:3]:  # warm-up: statement caches, the first pages read
                session_roster(ctx, session_id)
                _raw_open(raw, session_id)
            for session_id in sample:
                for _rep in range(REPS):
                    start = time.perf_counter()
                    roster = session_roster(ctx, session_id)
                    middle = time.perf_counter()
                    rows = _raw_open(raw, session_id)
                    end = time.perf_counter()
                    ours.append((middle - start) * 1000)
                    base.append((end - middle) * 1000)
                lines.append(len(roster.lines))
                if abs(len(rows) - len(roster.lines)) > 1:  # a merged pair shows once
                    log(f"session {session_id}: page {len(roster.lines)} lines, raw {len(rows)}")
        finally:
            ctx.close()
            raw.close()
    value = median(ours)
    baseline = median(base)
    return [
        Row(
            "attendance_page_open_ms",
            value=value,
            unit="ms",
            baseline=baseline,
            ratio=value / baseline,
            target="<= 100 ms median",
            ok=value <= 100.0,
            note=(
                f"session_roster(), {SAMPLES} sessions x {REPS} of {min(lines)}-{max(lines)} "
                f"trainees, {total:,} marks; p90 {percentile(ours, 0.9):.1f} ms, max "
                f"{max(ours):.1f} ms; baseline = the same rows via raw sqlite3"
            ),
        )
    ]

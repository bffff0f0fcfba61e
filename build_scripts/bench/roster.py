"""Roster import speed: 5,000 rows into a big programme, duplicate detection included."""

from __future__ import annotations

import csv
import io
import random
import sqlite3
import time
from pathlib import Path

import datasets
from common import SEED, Sizes, copy_data_dir, log, median, scratch
from table import Row

ROSTER_ROWS = 5_000
KNOWN_SHARE = 0.05  # rows of people already registered: found as duplicates or updates
HEADERS = ("Nombres", "Apellidos", "Sexo", "Año de nacimiento", "Teléfono", "Correo", "Municipio")
FIELDS = ("given_names", "family_names", "gender", "birth_year", "phone", "email", "town")
GENDER = {"female": "F", "male": "M"}


def _known_people(db: Path, count: int) -> list[dict[str, object]]:
    """`count` trainees of the database, as a roster row would give them."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            f"SELECT {', '.join(FIELDS)} FROM trainee WHERE cl % 2 = 1 ORDER BY id"
        ).fetchall()
    return [dict(r) for r in random.Random(SEED).sample(rows, count)]


def _write_roster(path: Path, db: Path) -> int:
    """A roster as Excel writes it (UTF-8 with BOM): new people, and some already known."""
    known = _known_people(db, int(ROSTER_ROWS * KNOWN_SHARE))
    new = list(datasets.record_fields(ROSTER_ROWS - len(known), seed=SEED + 1))
    people = [(p, True) for p in new] + [(p, False) for p in known]
    random.Random(SEED).shuffle(people)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for index, (person, is_new) in enumerate(people):
        cells = [person.get(f) for f in FIELDS]
        cells[2] = GENDER.get(str(cells[2]), cells[2])
        if is_new:
            cells[5] = f"roster{index}@example.org"  # new e-mails: not those of the database
        writer.writerow(["" if c is None else c for c in cells])
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    return len(known)


def _raw_insert(csv_path: Path, db: Path) -> float:
    """Seconds to parse the CSV and executemany its rows into a plain table (one commit)."""
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"CREATE TABLE person (id INTEGER PRIMARY KEY, {', '.join(FIELDS)})")
        conn.execute("BEGIN")
        conn.executemany(
            f"INSERT INTO person ({', '.join(FIELDS)}) VALUES ({', '.join('?' * len(FIELDS))})",
            rows,
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return time.perf_counter() - start


def _measure(sizes: Sizes, records: int, name: str, who: str) -> Row:
    from otop_desktop.services.context import open_context
    from otop_desktop.services.roster_import import RowAction, apply_roster, preview_roster
    from otop_desktop.services.workshops import create_workshop

    source = datasets.records_db(records)
    ours: list[float] = []
    previews: list[float] = []
    base: list[float] = []
    with scratch("roster") as work:
        roster = work / "roster.csv"
        known = _write_roster(roster, source / "otop.sqlite3")
        counts: dict[RowAction, int] = {}
        for rep in range(sizes.import_reps):
            data_dir = copy_data_dir(source, work / f"data{rep}")
            ctx = open_context(data_dir)
            try:
                workshop = create_workshop(ctx, title="Taller de bambú").id
                start = time.perf_counter()
                preview = preview_roster(ctx, roster, workshop)
                middle = time.perf_counter()
                result = apply_roster(ctx, preview)
                end = time.perf_counter()
            finally:
                ctx.close()
            counts = preview.counts()
            ours.append(end - start)
            previews.append(middle - start)
            log(f"roster import {end - start:.2f} s (preview {middle - start:.2f} s): {result}")
        for _rep in range(sizes.raw_reps):
            base.append(_raw_insert(roster, work / "raw.sqlite3"))
    value = median(ours)
    baseline = median(base)
    found = counts.get(RowAction.UPDATE, 0) + counts.get(RowAction.DUPLICATE, 0)
    return Row(
        name,
        value=value,
        unit="s",
        baseline=baseline,
        ratio=value / baseline,
        target="<= 3 s",
        ok=value <= 3.0,
        note=(
            f"{ROSTER_ROWS:,} CSV rows ({known} already registered, {found} found) into "
            f"{records:,} trainees ({who}), enrolled in a workshop; preview "
            f"{median(previews):.2f} s; median of {len(ours)}; baseline = csv parse + raw "
            "sqlite3 executemany, WAL, synchronous=FULL"
        ),
    )


# A workshop laptop holds its programme's trainees (a few thousand); a coordinator's hub may
# hold a whole country's. The target is for the laptop; the hub row shows how it scales.
LAPTOP_TRAINEES = 10_000


def roster_import(sizes: Sizes) -> list[Row]:
    rows = [_measure(sizes, LAPTOP_TRAINEES, "roster_import_5000_s", "a workshop laptop")]
    if sizes.records > LAPTOP_TRAINEES:
        rows.append(
            _measure(sizes, sizes.records, "roster_import_5000_hub_s", "a coordinator's hub")
        )
    return rows

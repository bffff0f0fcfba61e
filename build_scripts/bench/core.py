"""Everyday speed on a big programme: start to window, one attendance mark, trainee search."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import subprocess
import time
from pathlib import Path

import datasets
from common import (
    HERE,
    PYTHON,
    ROOT,
    Sizes,
    child_env,
    copy_data_dir,
    log,
    median,
    percentile,
    scratch,
)
from table import Row
from window_probe import MARK, NOT_AVAILABLE

WINDOW_TIMEOUT = 120.0
STATUSES = ("present", "late", "excused", "absent")
# What people type: prefixes of names and towns, with and without accents, Chinese, phones.
QUERIES = (
    "nu",
    "nuñez",
    "nunez",
    "núñez m",
    "lopez r",
    "lópez r",
    "chen",
    "美玲",
    "陳美",
    "9876",
    "3312",
    "0912",
    "mar",
    "maria",
    "maría elena",
    "jose lu",
    "hernandez",
    "garcía p",
    "ordóñez",
    "comayagua",
    "rabinal",
    "鶯歌",
    "wang",
    "lin chih",
    "mei-ling",
    "sic",
    "tz",
    "a",
    "xyzzy",
    "",
)


# --- start_to_window -------------------------------------------------------------------------


def _start_once(args: list[str], env_extra: dict[str, str]) -> tuple[float | None, str]:
    """Seconds from spawn until the probe printed MARK; (None, why) when it did not."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [PYTHON, str(HERE / "window_probe.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(env_extra),
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == MARK:
                return time.perf_counter() - start, ""
            if line.strip() == NOT_AVAILABLE:
                return None, "not available"
        proc.wait(timeout=WINDOW_TIMEOUT)
        if env_extra.get("OTOP_SCREENSHOT") and Path(env_extra["OTOP_SCREENSHOT"]).exists():
            return time.perf_counter() - start, "timed to exit via OTOP_SCREENSHOT"
        err = (proc.stderr.read() if proc.stderr else "").strip().splitlines()[-3:]
        return None, f"exited {proc.returncode} without a window: {' | '.join(err)}"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def start_to_window(sizes: Sizes) -> list[Row]:
    source = datasets.demo_db(sizes.demo_trainees)
    row = Row("start_to_window", unit="s", target="<= 3x bare QMainWindow")
    with scratch("window") as work:
        data_dir = copy_data_dir(source, work / "data")
        shot = work / "shot.png"
        ours: list[float] = []
        bare: list[float] = []
        note = ""
        # One start of each first, not counted: it warms the disk cache for both alike.
        _start_once(["bare"], {})
        seconds, note = _start_once(["app", str(data_dir)], {"OTOP_SCREENSHOT": str(shot)})
        if seconds is None:
            row.error = note
            return [row]
        for _rep in range(sizes.window_reps):
            seconds, _why = _start_once(["bare"], {})
            if seconds is not None:
                bare.append(seconds)
            seconds, why = _start_once(["app", str(data_dir)], {"OTOP_SCREENSHOT": str(shot)})
            if seconds is None:
                row.error = why
                return [row]
            ours.append(seconds)
            note = why or note
    row.value = median(ours)
    row.baseline = median(bare)
    row.ratio = row.value / row.baseline
    row.ok = row.ratio <= 3.0
    row.note = (
        f"{sizes.demo_trainees:,} trainees; median of {len(ours)} (ours "
        f"{min(ours):.2f}-{max(ours):.2f} s){'; ' + note if note else ''}"
    )
    return [row]


# --- attendance_mark_ms ----------------------------------------------------------------------


def _pairs(db: Path, count: int) -> list[tuple[str, str, str]]:
    """(session, trainee, current status) of `count` enrolled trainees at random sessions."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT a.session_id, a.trainee_id, a.status FROM attendance a "
            "WHERE a.cl % 2 = 1 ORDER BY a.id"
        ).fetchall()
    return random.Random(7).sample(rows, count)


def _raw_mark_table(path: Path, size: int) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE mark (id TEXT PRIMARY KEY, session_id TEXT, trainee_id TEXT, "
        "status TEXT, note TEXT)"
    )
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO mark VALUES (?, ?, ?, ?, NULL)",
        ((f"m{i:08d}", f"s{i % 18}", f"t{i}", STATUSES[i % 4]) for i in range(size)),
    )
    conn.execute("COMMIT")
    return conn


def attendance_mark(sizes: Sizes) -> list[Row]:
    from otop_desktop.services.attendance import mark
    from otop_desktop.services.context import open_context

    source = datasets.demo_db(sizes.demo_trainees)
    warmup = 5
    with scratch("mark") as work:
        data_dir = copy_data_dir(source, work / "data")
        pairs = _pairs(data_dir / "otop.sqlite3", sizes.marks + warmup)
        raw = _raw_mark_table(work / "raw.sqlite3", sizes.demo_trainees * 6)
        ctx = open_context(data_dir)
        today = dt.date(2030, 1, 1)
        ours: list[float] = []
        base: list[float] = []
        try:
            for index, (session_id, trainee_id, current) in enumerate(pairs):
                # Cycle through the statuses, never re-marking the status it already has.
                status = STATUSES[index % 4]
                if status == current:
                    status = STATUSES[(index + 1) % 4]
                start = time.perf_counter()
                raw.execute("BEGIN")
                raw.execute(
                    "INSERT OR REPLACE INTO mark VALUES (?, ?, ?, ?, NULL)",
                    (f"m{index * 97 % 1000:08d}", session_id, trainee_id, status),
                )
                raw.execute("COMMIT")
                middle = time.perf_counter()
                mark(ctx, session_id, trainee_id, status, today=today)
                end = time.perf_counter()
                if index >= warmup:
                    base.append((middle - start) * 1000)
                    ours.append((end - middle) * 1000)
        finally:
            ctx.close()
            raw.close()
    value = median(ours)
    return [
        Row(
            "attendance_mark_ms",
            value=value,
            unit="ms",
            baseline=median(base),
            ratio=value / median(base),
            target="<= 10 ms median",
            ok=value <= 10.0,
            note=(
                f"{len(ours)} marks, {sizes.demo_trainees:,} trainees; p90 "
                f"{percentile(ours, 0.9):.1f} ms, max {max(ours):.1f} ms "
                f"(baseline p90 {percentile(base, 0.9):.1f}, max {max(base):.1f}); baseline = raw "
                "INSERT OR REPLACE + commit, WAL, synchronous=FULL"
            ),
        )
    ]


# --- trainee_search_ms -----------------------------------------------------------------------


def _raw_search_sql(text: str) -> tuple[str, list[str]]:
    """The same query as services.trainees.search_trainees, written by hand."""
    from otop_desktop.domain.text import digits, fold

    where = ["cl % 2 = 1", "merged_into IS NULL"]
    params: list[str] = []

    def like(word: str) -> str:
        return "%" + word.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"

    for word in fold(text).split():
        number = digits(word)
        if len(number) >= 4 and len(number) == len(word.replace("-", "").replace("+", "")):
            where.append("(search_key LIKE ? ESCAPE '/' OR phone_digits LIKE ? ESCAPE '/')")
            params += [like(word), like(number)]
        else:
            where.append("search_key LIKE ? ESCAPE '/'")
            params.append(like(word))
    sql = (
        "SELECT id, given_names, family_names, chinese_name, gender, birth_year, phone, email, "
        "town, country, organisation_id, business_name, preferred_language, consent_data, "
        f"consent_photos, notes, merged_into FROM trainee WHERE {' AND '.join(where)} "
        "ORDER BY coalesce(family_names, chinese_name), given_names, id LIMIT 200"
    )
    return sql, params


def trainee_search(sizes: Sizes) -> list[Row]:
    from otop_desktop.services.context import open_context
    from otop_desktop.services.trainees import search_trainees

    source = datasets.demo_db(sizes.demo_trainees)
    with scratch("search") as work:
        data_dir = copy_data_dir(source, work / "data")
        ctx = open_context(data_dir)
        raw = sqlite3.connect(data_dir / "otop.sqlite3")
        ours: dict[str, float] = {}
        base: dict[str, float] = {}
        hits: dict[str, int] = {}
        try:
            for text in QUERIES:  # warm-up: page cache, SQLAlchemy statement cache
                search_trainees(ctx, text, limit=200)
            for text in QUERIES:
                sql, params = _raw_search_sql(text)
                mine: list[float] = []
                theirs: list[float] = []
                for _rep in range(sizes.search_reps):
                    start = time.perf_counter()
                    found = search_trainees(ctx, text, limit=200)
                    middle = time.perf_counter()
                    rows = raw.execute(sql, params).fetchall()
                    end = time.perf_counter()
                    mine.append((middle - start) * 1000)
                    theirs.append((end - middle) * 1000)
                if len(found) != len(rows):
                    log(f"search {text!r}: app {len(found)} rows, raw {len(rows)} rows")
                ours[text] = median(mine)
                base[text] = median(theirs)
                hits[text] = len(found)
        finally:
            ctx.close()
            raw.close()
    value = median(list(ours.values()))
    baseline = median(list(base.values()))
    slowest = sorted(ours, key=ours.__getitem__, reverse=True)[:3]
    log(
        "search ms per query (app / raw / rows): "
        + ", ".join(f"{t!r} {ours[t]:.1f}/{base[t]:.1f}/{hits[t]}" for t in QUERIES)
    )
    return [
        Row(
            "trainee_search_ms",
            value=value,
            unit="ms",
            baseline=baseline,
            ratio=value / baseline,
            target="<= 30 ms median",
            ok=value <= 30.0,
            note=(
                f"{len(QUERIES)} queries x {sizes.search_reps}, {sizes.demo_trainees:,} trainees; "
                f"p90 {percentile(list(ours.values()), 0.9):.1f} ms; slowest "
                + ", ".join(f"{t!r} {ours[t]:.0f} ms" for t in slowest)
                + "; baseline = same SQL via raw sqlite3"
            ),
        )
    ]

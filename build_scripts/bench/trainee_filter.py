"""trainee_filter_keystroke_ms: one key typed in the trainees filter, over 100,000 trainees.

Measured in a child process (this file run as a script, Qt offscreen): the time from
`TraineeTableModel.set_filter(text)` until the first page is shown, that is until the row
count has arrived and the data of every visible row can be read without a placeholder. Names
are typed letter by letter, as a trainer types them; each prefix is one keystroke. The
baseline, in the same process and on the same database, is what a plain database search
costs for the same text: `count(*)` and the first 200 rows with `search_key LIKE`, through a
raw sqlite3 connection.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":
    sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

from common import (  # noqa: E402
    PYTHON,
    ROOT,
    Sizes,
    child_env,
    copy_data_dir,
    emit_result,
    log,
    median,
    percentile,
    scratch,
)
from table import Row  # noqa: E402

FULL_TRAINEES = 100_000
QUICK_TRAINEES = 20_000
# What trainers type, letter by letter: Spanish names with and without accents, a town,
# Chinese names, a phone number.
NAMES = (
    "maria lopez",
    "nuñez",
    "hernandez r",
    "comayagua",
    "chen",
    "陳美玲",
    "0912-3",
    "jose luis",
)
# Rows a 1366x768 window shows at once.
VISIBLE_ROWS = 25
TIMEOUT_S = 600


def _raw_sql(text: str) -> tuple[list[str], list[str]]:
    """The WHERE clause of a plain search (names, town, phone digits) and its parameters."""
    from otop_desktop.domain.text import fold
    from otop_desktop.services.trainees import phone_part

    where = ["cl % 2 = 1", "merged_into IS NULL"]
    params: list[str] = []

    def like(word: str) -> str:
        return "%" + word.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"

    for word in fold(text).split():
        number = phone_part(word)
        if number:
            where.append("(search_key LIKE ? ESCAPE '/' OR phone_digits LIKE ? ESCAPE '/')")
            params += [like(word), like(number)]
        else:
            where.append("search_key LIKE ? ESCAPE '/'")
            params.append(like(word))
    return where, params


def _raw_search(db: sqlite3.Connection, text: str) -> tuple[int, int]:
    where, params = _raw_sql(text)
    clause = " AND ".join(where)
    (count,) = db.execute(f"SELECT count(*) FROM trainee WHERE {clause}", params).fetchone()
    rows = db.execute(
        f"SELECT * FROM trainee WHERE {clause} ORDER BY sort_key, id LIMIT 200", params
    ).fetchall()
    return count, len(rows)


def measure(data_dir: Path) -> dict[str, Any]:
    """Run in the child: type every name and time each key (ours, then the raw baseline)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from otop_desktop.services.context import open_context
    from otop_desktop.ui.models.trainee_table import PLACEHOLDER, TraineeTableModel
    from otop_desktop.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    ctx = open_context(data_dir)
    runner = TaskRunner()
    model = TraineeTableModel(ctx, runner)
    loop = QEventLoop()
    model.counted.connect(loop.quit)
    give_up = QTimer()
    give_up.setSingleShot(True)
    give_up.setInterval(TIMEOUT_S * 1000)
    give_up.timeout.connect(loop.quit)

    def show(text: str) -> float:
        start = time.perf_counter()
        model.set_filter(text)
        give_up.start()
        loop.exec()
        give_up.stop()
        for row in range(min(VISIBLE_ROWS, model.rowCount())):
            for column in range(model.columnCount()):
                if model.index(row, column).data() == PLACEHOLDER:
                    raise RuntimeError(f"row {row} not loaded for {text!r}")
        seconds = time.perf_counter() - start
        if model.filter_text != text:
            raise RuntimeError(f"filter {text!r} not shown")
        return seconds

    try:
        index_load = show("")  # loads the index of every trainee: once, not a keystroke
        keys: list[float] = []
        typed: list[str] = []
        counts: dict[str, int] = {}
        for name in NAMES:
            for end in range(1, len(name) + 1):
                if name[end - 1] == " ":
                    continue  # the space alone changes no result; the next letter is timed
                typed.append(name[:end])
                keys.append(show(name[:end]) * 1000)
                counts[name[:end]] = model.rowCount()
            show("")
        raw = sqlite3.connect(data_dir / "otop.sqlite3")
        base: list[float] = []
        try:
            for text in typed:
                start = time.perf_counter()
                count, _rows = _raw_search(raw, text)
                base.append((time.perf_counter() - start) * 1000)
                if count != counts[text]:
                    log(f"filter {text!r}: table {counts[text]} rows, raw LIKE {count}")
        finally:
            raw.close()
    finally:
        runner.shutdown()
        ctx.close()
        app.processEvents()
    slowest = sorted(zip(keys, typed, strict=True), reverse=True)[:3]
    return {
        "keys": keys,
        "base": base,
        "index_load_s": index_load,
        "trainees": model.rowCount(),
        "slowest": [[ms, text] for ms, text in slowest],
    }


def trainee_filter(sizes: Sizes) -> list[Row]:
    """The row trainee_filter_keystroke_ms (see the module docstring)."""
    import subprocess

    import datasets

    trainees = QUICK_TRAINEES if sizes.quick else FULL_TRAINEES
    source = datasets.demo_db(trainees)
    with scratch("filter") as work:
        data_dir = copy_data_dir(source, work / "data")
        proc = subprocess.run(
            [PYTHON, str(Path(__file__).resolve()), str(data_dir)],
            capture_output=True,
            check=False,
            text=True,
            timeout=TIMEOUT_S,
            env=child_env(),
            cwd=ROOT,
        )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("BENCH-RESULT ")]
    if not lines:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"trainee filter child failed (exit {proc.returncode}):\n{tail}")
    result = json.loads(lines[-1][len("BENCH-RESULT ") :])
    keys, base = result["keys"], result["base"]
    value, baseline = median(keys), median(base)
    slowest = ", ".join(f"{text!r} {ms:.0f}" for ms, text in result["slowest"])
    return [
        Row(
            "trainee_filter_keystroke_ms",
            value=value,
            unit="ms",
            baseline=baseline,
            ratio=value / baseline if baseline else None,
            target="<= 30 ms median",
            ok=value <= 30.0,
            note=(
                f"{len(keys)} keys typing {len(NAMES)} names over {trainees:,} trainees, "
                f"set_filter to {VISIBLE_ROWS} visible rows readable; p90 "
                f"{percentile(keys, 0.9):.1f} ms; slowest {slowest} ms; index loaded once in "
                f"{result['index_load_s']:.2f} s; baseline = raw sqlite3 count(*) + first 200 "
                "rows with search_key LIKE"
            ),
        )
    ]


if __name__ == "__main__":
    emit_result(measure(Path(sys.argv[1])))

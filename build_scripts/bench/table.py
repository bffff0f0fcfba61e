"""The result table: one Row per measurement, printed as aligned plain text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    """One measured value, its same-run baseline and how it compares with its target.

    `ok` is None when the row has no target or could not be measured; `error` replaces the
    value when the benchmark crashed or the feature is not available.
    """

    name: str
    value: float | None = None
    unit: str = ""
    baseline: float | None = None
    ratio: float | None = None
    ratio_unit: str = "x"
    target: str = "-"
    ok: bool | None = None
    note: str = ""
    error: str = ""
    crashed: bool = False


def number(value: float | None, unit: str = "") -> str:
    """A value with a sensible number of digits and its unit."""
    if value is None:
        return "-"
    size = abs(value)
    if size >= 1000:
        text = f"{value:,.0f}"
    elif size >= 100:
        text = f"{value:.0f}"
    elif size >= 10:
        text = f"{value:.1f}"
    elif size >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}".rstrip()


def _ratio(row: Row) -> str:
    if row.ratio is None:
        return "-"
    if row.ratio_unit == "%":
        return f"{row.ratio * 100:.2f} %"
    return f"{row.ratio:.2f}x"


def _verdict(row: Row) -> str:
    if row.crashed:
        return "CRASH"
    if row.error:
        return "n/a"
    if row.ok is None:
        return "info"
    return "pass" if row.ok else "FAIL"


HEADERS = ["benchmark", "measured", "baseline", "ratio", "target", "result", "notes"]


def render(rows: list[Row], title: str = "") -> str:
    """The table as text (header, one line per row)."""
    lines = [
        [
            r.name,
            r.error if r.error else number(r.value, r.unit),
            number(r.baseline, r.unit) if not r.error else "-",
            _ratio(r) if not r.error else "-",
            r.target,
            _verdict(r),
            r.note,
        ]
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(HEADERS, *lines, strict=False)]
    widths[-1] = 0  # the notes column is last and never padded
    out = [title] if title else []
    for index, line in enumerate([HEADERS, *lines]):
        out.append("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if index == 0:
            out.append("  ".join("-" * max(w, 5) for w in widths[:-1]) + "  -----")
    return "\n".join(out) + "\n"

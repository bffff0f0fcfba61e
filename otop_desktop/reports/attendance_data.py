"""What a workshop's attendance report shows, as plain values shared by its PDF and its XLSX.

The service fills these from services.attendance_summary.workshop_summary, so the report's
numbers are the summary's numbers; the writers only lay them out in the document's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from babel.lists import format_list

from otop_desktop.domain.enums import AttendanceStatus
from otop_desktop.i18n import _, pgettext
from otop_desktop.i18n.catalogs import babel_locale

Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# Glyphs the embedded font has (it has no U+2717 "✗", hence the heavy ballot X).
PRESENT_MARK = "✓"
ABSENT_MARK = "✘"
UNMARKED_MARK = "·"
_ENGLISH_KEYS = {AttendanceStatus.LATE.value: "L", AttendanceStatus.EXCUSED.value: "E"}


@dataclass(frozen=True)
class ReportSession:
    """One session: when, and its counts by the workshop's rule (rate None when not held)."""

    number: int
    heading: str  # the column title of the attendance export ("2026-11-18", "… 14:00")
    date: dt.date | None
    start_time: str | None
    topic: str | None
    held: bool
    present: int
    late: int
    excused: int
    absent: int
    unmarked: int
    attended: int
    listed: int
    rate: float | None


@dataclass(frozen=True)
class ReportTrainee:
    """One trainee: the name shown, a mark per session (None = not marked) and the totals."""

    name: str
    trainee_id: str
    marks: tuple[str | None, ...]
    attended: int
    held: int
    rate: float | None
    withdrawn: bool = False


@dataclass(frozen=True)
class AttendanceReportData:
    """Everything the attendance report of one workshop prints; `locale` is its language."""

    workshop_title: str
    town: str | None
    country: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    min_rate: float
    late_counts: bool
    excused_counts: bool
    sessions: tuple[ReportSession, ...]
    trainees: tuple[ReportTrainee, ...]
    locale: str
    today: dt.date

    @property
    def held_count(self) -> int:
        return sum(1 for s in self.sessions if s.held)

    @property
    def attended_total(self) -> int:
        """Attended marks over the held sessions (the numerator of the workshop's rate)."""
        return sum(s.attended for s in self.sessions if s.held)

    @property
    def listed_total(self) -> int:
        return sum(s.listed for s in self.sessions if s.held)

    @property
    def rate(self) -> float | None:
        """The workshop's rate, as WorkshopSummary.rate counts it."""
        return self.attended_total / self.listed_total if self.listed_total else None

    def below_minimum(self, rate: float | None) -> bool:
        """Whether a trainee's rate is under the minimum for a certificate."""
        return rate is not None and rate < self.min_rate


def status_letters() -> dict[str, str]:
    """The letters of late and excused in the current language, as the attendance page's keys
    (Spanish T and J); the English letter when a translation is not one distinct letter."""
    translated = {
        AttendanceStatus.LATE.value: pgettext("attendance key", "L"),
        AttendanceStatus.EXCUSED.value: pgettext("attendance key", "E"),
    }
    letters = {k: v.strip().upper() for k, v in translated.items()}
    if any(len(v) != 1 or not v.isalpha() for v in letters.values()) or len(
        set(letters.values())
    ) < len(letters):
        return dict(_ENGLISH_KEYS)
    return letters


def mark_symbols() -> dict[str | None, str]:
    """The compact mark of each status on the PDF grid, in the current language."""
    letters = status_letters()
    return {
        AttendanceStatus.PRESENT.value: PRESENT_MARK,
        AttendanceStatus.LATE.value: letters[AttendanceStatus.LATE.value],
        AttendanceStatus.EXCUSED.value: letters[AttendanceStatus.EXCUSED.value],
        AttendanceStatus.ABSENT.value: ABSENT_MARK,
        None: UNMARKED_MARK,
    }


def legend() -> str:
    """ "✓ Present · T Late · J Excused · ✘ Absent · · Not marked" in the current language."""
    symbols = mark_symbols()
    parts = [f"{symbols[s.value]} {s.label()}" for s in AttendanceStatus]
    parts.append(f"{UNMARKED_MARK} {_('Not marked')}")
    return "   ".join(parts)


def mark_word(status: str | None) -> str:
    """A mark as a word in the current language ("" when not marked)."""
    if not status:
        return ""
    try:
        return AttendanceStatus(status).label()
    except ValueError:
        return status  # a value from a newer version: shown as stored


def counted_text(late_counts: bool, excused_counts: bool) -> str:
    """Which marks count as attended, as a list in the current language ("Present and Late")."""
    counted = [AttendanceStatus.PRESENT.label()]
    if late_counts:
        counted.append(AttendanceStatus.LATE.label())
    if excused_counts:
        counted.append(AttendanceStatus.EXCUSED.label())
    return str(format_list(counted, locale=babel_locale()))

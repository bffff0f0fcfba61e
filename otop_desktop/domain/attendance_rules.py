"""What counts toward the attendance rate: one rule used by summaries and certificates alike."""

from __future__ import annotations

from dataclasses import dataclass

from otop_desktop.domain.enums import AttendanceStatus

DEFAULT_MIN_RATE = 0.8


@dataclass(frozen=True)
class AttendanceRule:
    """A workshop's setting: late counts as attended by default, excused does not."""

    late_counts: bool = True
    excused_counts: bool = False

    def attended(self, status: str | None) -> bool:
        """Whether a mark with `status` counts as attended."""
        if status == AttendanceStatus.PRESENT:
            return True
        if status == AttendanceStatus.LATE:
            return self.late_counts
        if status == AttendanceStatus.EXCUSED:
            return self.excused_counts
        return False

    def rate(self, statuses: list[str | None], sessions_held: int) -> float | None:
        """Share of `sessions_held` attended, from the marks of one trainee; None if none held."""
        if sessions_held <= 0:
            return None
        return sum(1 for s in statuses if self.attended(s)) / sessions_held

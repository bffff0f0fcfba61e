"""At start: is this laptop's clock behind what it already stored (a dead clock battery)?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from otop_desktop.db.local_models import ReplicaState
from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.sync.hlc import MAX_AHEAD_MS, wall_ms_of

# Receiving a bundle may move the stored clock up to a day past the wall clock (see hlc.py), so
# only a larger difference says the wall clock went back (a dead battery resets it by years).
TOLERANCE_MS = MAX_AHEAD_MS + 10 * 60 * 1000


@dataclass(frozen=True)
class ClockStatus:
    wall_ms: int
    newest_ms: int

    @property
    def behind_ms(self) -> int:
        return max(0, self.newest_ms - self.wall_ms)

    @property
    def is_behind(self) -> bool:
        return self.behind_ms > TOLERANCE_MS

    def message(self) -> str:
        """A warning for the user, naming the newest date already recorded."""
        newest = dt.datetime.fromtimestamp(self.newest_ms / 1000, dt.timezone.utc)
        return _(
            "This laptop's clock seems to be behind: data recorded here or received from other "
            "laptops is dated up to {date}, later than the clock's current time. Check the date "
            "and time in the system settings (a flat clock battery resets them)."
        ).format(date=newest.strftime("%Y-%m-%d %H:%M UTC"))


def clock_status(ctx: AppContext) -> ClockStatus:
    """The wall clock against the newest stamp this laptop's clock has given or accepted."""
    with ctx.read() as session:
        own = session.scalar(select(ReplicaState.last_hlc)) or 0
    return ClockStatus(ctx.sync.clock.wall_ms(), wall_ms_of(own))

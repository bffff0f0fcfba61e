"""Hybrid logical clock: wall milliseconds and a counter packed into one sortable integer.

An HLC value is `wall_ms << 16 | counter`; ties between replicas are broken by replica id.
The clock never moves more than `MAX_AHEAD_MS` past this laptop's own wall time because of what it
received, so one laptop whose clock is set years ahead cannot drag every other laptop with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1
MAX_AHEAD_MS = 24 * 3600 * 1000


def pack(wall_ms: int, counter: int = 0) -> int:
    """The HLC integer of (`wall_ms`, `counter`)."""
    return (wall_ms << COUNTER_BITS) | counter


def wall_ms_of(hlc: int) -> int:
    """The wall-clock milliseconds part of `hlc`."""
    return hlc >> COUNTER_BITS


def system_wall_ms() -> int:
    """This machine's wall clock in Unix milliseconds."""
    return int(time.time() * 1000)


class HybridClock:
    """A thread-safe HLC; `wall` is injectable so tests can skew or rewind time."""

    def __init__(self, wall: Callable[[], int] = system_wall_ms, last: int = 0) -> None:
        self._wall = wall
        self._last = last
        self._lock = threading.Lock()

    @property
    def last(self) -> int:
        return self._last

    def wall_ms(self) -> int:
        return self._wall()

    def observe(self, stored: int) -> None:
        """Never go below a value already stored (a restart, or a wall clock that went back)."""
        with self._lock:
            if stored > self._last:
                self._last = min(stored, pack(self._wall() + MAX_AHEAD_MS, COUNTER_MASK))

    def now(self) -> int:
        """A new HLC value, greater than every value this clock gave or observed."""
        with self._lock:
            physical = pack(self._wall())
            if physical > self._last:
                self._last = physical
            else:
                self._last += 1
            return self._last

    def receive(self, remote: int) -> None:
        """Take a remote stamp into account, but never past a day ahead of local wall time."""
        self.observe(remote)

    def is_far_future(self, remote: int) -> bool:
        """Whether a received stamp is more than a day ahead of this laptop's wall clock."""
        return wall_ms_of(remote) > self._wall() + MAX_AHEAD_MS

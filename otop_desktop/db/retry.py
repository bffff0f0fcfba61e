"""Re-running a whole transaction when the database server asks for it (a PostgreSQL hub).

PostgreSQL may end a transaction with a serialization failure (SQLSTATE 40001), a deadlock
(40P01) or a lock it could not get within `lock_timeout` (55P03): the transaction was rolled
back and the server's advice is to run it again. Only work that is one transaction, and safe to
repeat from its start, is wrapped: a bundle import is (what a first attempt merged was rolled
back, and the merge skips what is already there).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from otop_desktop.domain.errors import DatabaseError
from otop_desktop.i18n import _

T = TypeVar("T")

RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
ATTEMPTS = 5
FIRST_DELAY_S = 0.05


def sqlstate_of(exc: BaseException) -> str | None:
    """The SQLSTATE of the driver error behind `exc` (through SQLAlchemy and our wrappers)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for candidate in (current, getattr(current, "orig", None)):
            state = getattr(candidate, "sqlstate", None)
            if isinstance(state, str):
                return state
        current = current.__cause__ or current.__context__
    return None


def is_retryable(exc: BaseException) -> bool:
    """Whether the server rolled the transaction back and asks for it to be run again."""
    return sqlstate_of(exc) in RETRY_SQLSTATES


def run_with_retry(
    work: Callable[[], T],
    *,
    attempts: int = ATTEMPTS,
    first_delay: float = FIRST_DELAY_S,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """`work()`, run again (up to `attempts` times in all) while the server asks for a retry."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except Exception as exc:
            if not is_retryable(exc):
                raise
            if attempt == attempts:
                raise DatabaseError(
                    _(
                        "The database stayed busy with other users' work: this was tried {count} "
                        "times and nothing was saved. Try again in a moment."
                    ).format(count=attempts)
                ) from exc
            # Jitter, so that two processes that collided do not collide again in step.
            sleep(first_delay * 2 ** (attempt - 1) * (0.5 + random.random()))
    raise AssertionError("unreachable")  # pragma: no cover

"""Record ids: UUIDv7 made on the device, and uuid5 for rows that stand for a pair."""

from __future__ import annotations

import os
import random
import time
import uuid

# Fixed for ever: changing it would give the same attendance two ids on two laptops.
PAIR_NAMESPACE = uuid.UUID("6f1c2f4e-3b7a-5d8e-9a41-0c7e5b2d9f10")


def uuid7(unix_ms: int | None = None, rand: random.Random | None = None) -> str:
    """A time-ordered UUIDv7 (RFC 9562) as text; `rand` makes it reproducible for demos."""
    ms = int(time.time() * 1000) if unix_ms is None else unix_ms
    tail = rand.getrandbits(74) if rand is not None else int.from_bytes(os.urandom(10), "big") >> 6
    rand_a = tail >> 62
    rand_b = tail & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def pair_id(kind: str, first: str, second: str) -> str:
    """The id of the row that stands for (`first`, `second`): equal on every laptop."""
    return str(uuid.uuid5(PAIR_NAMESPACE, f"{kind}:{first}:{second}"))


class IdFactory:
    """Makes new ids; a seeded factory makes the same ids in the same order (demo data)."""

    def __init__(self, seed: int | None = None, start_ms: int = 1_767_225_600_000) -> None:
        self._rand = random.Random(seed) if seed is not None else None
        self._ms = start_ms

    def new(self) -> str:
        if self._rand is None:
            return uuid7()
        self._ms += 1
        return uuid7(self._ms, self._rand)

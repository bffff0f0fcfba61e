"""Trimming the C heap after big loads (otop_desktop/memory_trim.py)."""

from __future__ import annotations

import sys

import pytest

from otop_desktop import memory_trim

CLOCK = [1000.0]


def _advance(seconds: float) -> None:
    CLOCK[0] += seconds


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count trims instead of trimming, on a clock the test moves (CLOCK)."""
    counted: list[int] = []
    monkeypatch.setattr(memory_trim, "_trimmer", lambda: counted.append(1))
    monkeypatch.setattr(memory_trim, "_looked_up", True)
    monkeypatch.setattr(memory_trim, "_last", CLOCK[0] - memory_trim.MIN_INTERVAL_S)
    monkeypatch.setattr(memory_trim, "_pending", False)
    monkeypatch.setattr(memory_trim.time, "monotonic", lambda: CLOCK[0])
    return counted


def test_requests_are_throttled_and_a_put_off_one_runs_later(calls: list[int]) -> None:
    memory_trim.request_trim()
    assert len(calls) == 1
    _advance(0.5)
    memory_trim.request_trim()  # too soon: put off
    memory_trim.trim_if_requested()
    assert len(calls) == 1
    _advance(memory_trim.MIN_INTERVAL_S)
    memory_trim.trim_if_requested()  # the put-off one
    assert len(calls) == 2
    _advance(memory_trim.MIN_INTERVAL_S * 3)
    memory_trim.trim_if_requested()  # nothing asked since: nothing done
    assert len(calls) == 2
    memory_trim.request_trim()
    assert len(calls) == 3


def test_trimming_for_real_does_not_fail() -> None:
    memory_trim.trim_heap()
    memory_trim.request_trim()
    memory_trim.trim_if_requested()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_linux_trims_with_malloc_trim() -> None:
    import platform

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc")
    assert memory_trim._find_trimmer() is not None

"""The certificate rule: a rate against the minimum, or an exception with a reason."""

from __future__ import annotations

from otop_desktop.domain.certificate_eligibility import (
    CertificateStatus,
    certificate_status,
    is_eligible,
    may_print,
    min_rate_of,
)


def test_rate_against_minimum_at_the_boundary() -> None:
    assert is_eligible(4 / 5, 0.8)  # 80 % of five sessions meets 80 % despite float rounding
    assert is_eligible(0.8, min_rate_of(None))
    assert not is_eligible(0.79, 0.8)
    assert not is_eligible(None, 0.0)  # no session held: nobody yet
    assert is_eligible(0.5, 0.5) and not is_eligible(0.49, 0.5)


def test_exception_lets_print_only_with_a_reason() -> None:
    assert not may_print(0.5, 0.8, None)
    assert not may_print(0.5, 0.8, "   ")
    assert may_print(0.5, 0.8, "medical absence")
    assert may_print(0.9, 0.8, None)


def test_status_order() -> None:
    assert certificate_status(True, None, True) is CertificateStatus.ISSUED
    assert certificate_status(True, "x", False) is CertificateStatus.ELIGIBLE
    assert certificate_status(False, "x", False) is CertificateStatus.EXCEPTION
    assert certificate_status(False, None, False) is CertificateStatus.NOT_ELIGIBLE
    assert CertificateStatus.NOT_ELIGIBLE.label() == "not yet eligible"

"""Who may receive a workshop's certificate: the attendance rate against the workshop's
minimum, or an exception the coordinator granted with a reason."""

from __future__ import annotations

from otop_desktop.domain.attendance_rules import DEFAULT_MIN_RATE
from otop_desktop.domain.enums import LabelledEnum
from otop_desktop.i18n import N_, _

# A rate computed as 4/5 must meet a minimum typed as 80 %, whatever the float rounding.
_TOLERANCE = 1e-9


class CertificateStatus(LabelledEnum):
    """Where a trainee stands: certificate printed, may print, exception, not (yet) eligible."""

    ISSUED = "issued"
    ELIGIBLE = "eligible"
    EXCEPTION = "exception"
    NOT_ELIGIBLE = "not_eligible"

    def label(self) -> str:
        return _(_STATUS_LABELS[self])

    def untranslated(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    CertificateStatus.ISSUED: N_("certificate issued"),
    CertificateStatus.ELIGIBLE: N_("eligible"),
    CertificateStatus.EXCEPTION: N_("exception granted"),
    CertificateStatus.NOT_ELIGIBLE: N_("not yet eligible"),
}


def min_rate_of(value: float | None) -> float:
    """The workshop's minimum rate (0..1), the default 80 % when unset."""
    return DEFAULT_MIN_RATE if value is None else value


def is_eligible(rate: float | None, min_rate: float = DEFAULT_MIN_RATE) -> bool:
    """Whether attendance `rate` (None = no session held yet) meets `min_rate`."""
    return rate is not None and rate + _TOLERANCE >= min_rate


def may_print(rate: float | None, min_rate: float, exception_reason: str | None) -> bool:
    """Whether a certificate may be printed: eligible by rate, or an exception granted."""
    return is_eligible(rate, min_rate) or bool((exception_reason or "").strip())


def certificate_status(
    eligible: bool, exception_reason: str | None, issued: bool
) -> CertificateStatus:
    """The status shown beside a trainee in the certificates list."""
    if issued:
        return CertificateStatus.ISSUED
    if eligible:
        return CertificateStatus.ELIGIBLE
    if (exception_reason or "").strip():
        return CertificateStatus.EXCEPTION
    return CertificateStatus.NOT_ELIGIBLE

"""Certificates of a workshop: who may receive one, and exceptions granted by the coordinator.

Eligibility counts attendance exactly as the summaries do (services.attendance_summary: the
workshop's AttendanceRule, held sessions, merged trainees as their survivor). A trainee below
the minimum may still receive a certificate when the coordinator grants an exception with a
reason: a certificate row with `exception_reason` and no `issued_at` yet. Printing
(services.certificates) sets `issued_at` the first time only, so a reprint keeps the code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from otop_desktop.db.models import Certificate, Trainee, Workshop
from otop_desktop.domain.certificate_codes import certificate_code
from otop_desktop.domain.certificate_eligibility import (
    CertificateStatus,
    certificate_status,
    is_eligible,
    min_rate_of,
)
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.i18n import SUPPORTED_LOCALES, _, current_locale
from otop_desktop.reports.language import language_of, supported_locale
from otop_desktop.reports.paper import paper_for_country
from otop_desktop.services.attendance import trainee_rows_with_survivors, trainees_with_survivors
from otop_desktop.services.attendance_summary import WorkshopSummary, workshop_summary
from otop_desktop.services.certificate_register import (
    certificate_id,
    certificate_trainees,
    code_for,
    latin_name,
    live_rows_by_final,
)
from otop_desktop.services.common import get_live, revive, soft_delete
from otop_desktop.services.context import AppContext

__all__ = [
    "CertificateCandidate",
    "CertificateCandidates",
    "certificate_candidates",
    "code_for",
    "grant_exception",
    "parse_languages",
    "withdraw_exception",
]

MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class CertificateCandidate:
    """One trainee of the workshop: attendance, eligibility and register state."""

    trainee_id: str
    name: str  # Latin-script name, "María Fernanda López Reyes"; "" if only a Chinese name
    chinese_name: str | None
    rate: float | None
    sessions_attended: int
    sessions_held: int
    hours_attended: float | None
    eligible: bool  # rate >= the workshop's minimum
    exception_reason: str | None  # set when the coordinator granted an exception
    code: str | None  # set once the certificate has been issued (printed)
    issued_at: str | None
    language: str | None
    given_names: str | None = None
    family_names: str | None = None
    certificate_id: str | None = None  # the register row standing for this trainee, if any

    @property
    def may_print(self) -> bool:
        """Eligible by attendance, or an exception granted."""
        return self.eligible or bool(self.exception_reason)

    @property
    def shown_name(self) -> str:
        """Both scripts when there are two: "陳美玲 (Mei-ling Chen)"."""
        if self.chinese_name and self.name:
            return f"{self.chinese_name} ({self.name})"
        return self.chinese_name or self.name or self.trainee_id

    @property
    def status(self) -> CertificateStatus:
        """Issued, eligible, exception granted, or not yet eligible."""
        return certificate_status(self.eligible, self.exception_reason, bool(self.issued_at))


@dataclass(frozen=True)
class CertificateCandidates:
    """Every trainee of a workshop as a candidate for its certificate, with the defaults."""

    workshop_id: str
    title: str
    min_rate: float
    sessions_held: int
    languages: tuple[str, ...]  # default languages for the batch, from the workshop's
    paper: str  # default "a4" / "letter", from the workshop's country
    candidates: list[CertificateCandidate]  # sorted like the trainee list
    session_count: int = 0  # sessions planned, held or not
    country: str | None = None

    @property
    def printable(self) -> list[CertificateCandidate]:
        """The candidates who may receive a certificate now."""
        return [c for c in self.candidates if c.may_print]

    @property
    def notice(self) -> str | None:
        """Why nobody can be printed yet (no sessions, none held), else None."""
        if self.session_count == 0:
            return no_sessions_message(self.title)
        if self.sessions_held == 0:
            return _(
                "No session of “{title}” has been held yet: rates count from the first "
                "session that took place."
            ).format(title=self.title)
        return None


def no_sessions_message(title: str) -> str:
    """The message for a workshop without sessions."""
    return _(
        "The workshop “{title}” has no sessions: add its sessions and take attendance "
        "before issuing certificates."
    ).format(title=title)


def default_languages(workshop_languages: str | None) -> tuple[str, ...]:
    """The workshop's first supported language, else the interface's."""
    chosen = language_of(workshop_languages) or current_locale()
    return (chosen if chosen in SUPPORTED_LOCALES else "en",)


def parse_languages(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...] | None:
    """One or two supported locales from "es,zh_Hant_TW" or a sequence; None when empty."""
    if value is None:
        return None
    parts = (
        value.replace(";", ",").replace("+", ",").split(",") if isinstance(value, str) else value
    )
    out: list[str] = []
    for part in parts:
        if part.strip():
            locale = supported_locale(part)
            if locale not in out:
                out.append(locale)
    if not out:
        return None
    if len(out) > 2:
        raise ValidationError(
            _("A certificate is printed in one language or two side by side, not {count}.").format(
                count=len(out)
            ),
            "languages",
        )
    return tuple(out)


def _hours(summary: WorkshopSummary, statuses: dict[str, str | None]) -> float | None:
    """Hours of the held sessions attended; None when no held session has its length set."""
    lengths = {s.session.id: s.session.hours for s in summary.sessions}
    if all(lengths.get(s) is None for s in summary.held):
        return None
    return float(
        sum(lengths.get(s) or 0.0 for s in summary.held if summary.rule.attended(statuses.get(s)))
    )


def _candidates(
    session: Session, summary: WorkshopSummary, workshop: Workshop
) -> list[CertificateCandidate]:
    listed = [t.trainee_id for t in summary.trainees]
    rows, finals = trainee_rows_with_survivors(
        session, [*listed, *certificate_trainees(session, workshop.id)]
    )
    certificates = live_rows_by_final(session, workshop.id, finals)
    held = len(summary.held)
    out: list[CertificateCandidate] = []
    for line in summary.trainees:
        cert = certificates.get(line.trainee_id)
        if line.trainee_id in summary.withdrawn and cert is None:
            continue  # left the workshop: listed for its marks, not for a certificate
        trainee = rows[line.trainee_id]
        issued = cert is not None and cert.issued_at is not None
        out.append(
            CertificateCandidate(
                trainee_id=line.trainee_id,
                name=latin_name(trainee) or ("" if trainee.chinese_name else line.name),
                chinese_name=trainee.chinese_name,
                rate=line.rate,
                sessions_attended=sum(
                    1 for s in summary.held if summary.rule.attended(line.statuses.get(s))
                ),
                sessions_held=held,
                hours_attended=_hours(summary, line.statuses),
                eligible=is_eligible(line.rate, summary.min_rate),
                exception_reason=cert.exception_reason if cert is not None else None,
                code=(cert.code or certificate_code(cert.id)) if issued and cert else None,
                issued_at=cert.issued_at if cert is not None else None,
                language=cert.language if issued and cert else None,
                given_names=trainee.given_names,
                family_names=trainee.family_names,
                certificate_id=cert.id if cert is not None else None,
            )
        )
    return out


def certificate_candidates(
    ctx: AppContext, workshop_id: str, *, today: dt.date | None = None
) -> CertificateCandidates:
    """Each trainee of a workshop with rate, hours, eligibility, exception and code."""
    summary = workshop_summary(ctx, workshop_id, today=today)
    with ctx.read() as session:
        workshop = get_live(session, Workshop, workshop_id, _("workshop"))
        candidates = _candidates(session, summary, workshop)
        return CertificateCandidates(
            workshop_id=workshop_id,
            title=workshop.title or "",
            min_rate=min_rate_of(workshop.min_attendance_rate),
            sessions_held=len(summary.held),
            languages=default_languages(workshop.languages),
            paper=paper_for_country(workshop.country),
            candidates=candidates,
            session_count=len(summary.sessions),
            country=workshop.country,
        )


def find_candidate(
    ctx: AppContext,
    candidates: CertificateCandidates,
    trainee_id: str,
) -> CertificateCandidate:
    """The candidate standing for `trainee_id` (a merged duplicate's id finds its survivor)."""
    with ctx.read() as session:
        rows, finals = trainees_with_survivors(session, [trainee_id])
    row = rows.get(trainee_id)
    if row is None or not row.alive:
        raise NotFoundError(_("trainee"), trainee_id)
    final = finals.get(trainee_id, trainee_id)
    for candidate in candidates.candidates:
        if candidate.trainee_id == final:
            return candidate
    raise ValidationError(
        _("{name} is not a trainee of the workshop “{title}”.").format(
            name=_display(row) or trainee_id, title=candidates.title
        ),
        "trainee",
    )


def _display(t: Trainee) -> str:
    latin = latin_name(t)
    if t.chinese_name and latin:
        return f"{t.chinese_name} ({latin})"
    return t.chinese_name or latin


def grant_exception(
    ctx: AppContext,
    workshop_id: str,
    trainee_id: str,
    reason: str,
    *,
    today: dt.date | None = None,
) -> None:
    """Let a trainee below the minimum receive the certificate; the reason is recorded."""
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError(
            _("Say why the exception is granted (for example: a medical absence)."), "reason"
        )
    if len(text) > MAX_REASON:
        raise ValidationError(
            _("The reason is too long: at most {count} characters.").format(count=MAX_REASON),
            "reason",
        )
    candidate = find_candidate(
        ctx, certificate_candidates(ctx, workshop_id, today=today), trainee_id
    )
    with ctx.unit_of_work() as session:
        row_id = candidate.certificate_id or certificate_id(workshop_id, candidate.trainee_id)
        row = session.get(Certificate, row_id)
        if row is None:
            session.add(
                Certificate(
                    id=row_id,
                    trainee_id=candidate.trainee_id,
                    workshop_id=workshop_id,
                    code=certificate_code(row_id),
                    exception_reason=text,
                )
            )
            return
        revive(row)
        if row.exception_reason != text:
            row.exception_reason = text
        if row.code is None:
            row.code = certificate_code(row.id)


def withdraw_exception(
    ctx: AppContext, workshop_id: str, trainee_id: str, *, today: dt.date | None = None
) -> None:
    """Take back an exception not printed yet; refused once its certificate was issued."""
    candidate = find_candidate(
        ctx, certificate_candidates(ctx, workshop_id, today=today), trainee_id
    )
    if not candidate.exception_reason or candidate.certificate_id is None:
        raise ValidationError(
            _("{name} has no exception to withdraw.").format(name=candidate.shown_name),
            "trainee",
        )
    if candidate.issued_at:
        raise ValidationError(
            _(
                "The certificate of {name} was already printed (code {code}): its exception "
                "stays on record and cannot be withdrawn."
            ).format(name=candidate.shown_name, code=candidate.code),
            "trainee",
        )
    with ctx.unit_of_work() as session:
        row = get_live(session, Certificate, candidate.certificate_id, _("certificate"))
        row.exception_reason = None
        # A row without an issue date stood for the exception only.
        soft_delete(row)

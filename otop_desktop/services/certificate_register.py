"""The certificate register: which row stands for a trainee's certificate, and verifying a code.

A certificate row's id is the uuid5 of (workshop, trainee) and its code derives from the id, so
two laptops issuing the same certificate write the same row and print the same code. A trainee
merged into another keeps the certificates issued to them: they count for the survivor, and
verification names the survivor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from otop_desktop.db.models import Certificate, Trainee, Workshop
from otop_desktop.domain.certificate_codes import certificate_code, normalise_code
from otop_desktop.domain.ids import pair_id
from otop_desktop.i18n import _
from otop_desktop.i18n.formatting import day
from otop_desktop.services.attendance import TraineeRow, trainees_with_survivors
from otop_desktop.services.context import AppContext


def certificate_id(workshop_id: str, trainee_id: str) -> str:
    """The id of the certificate of `trainee_id` in `workshop_id`: equal on every laptop."""
    return pair_id("certificate", workshop_id, trainee_id)


def code_for(workshop_id: str, trainee_id: str) -> str:
    """The code the certificate of this trainee in this workshop has, or will have."""
    return certificate_code(certificate_id(workshop_id, trainee_id))


def _preference(row: Certificate, final: str) -> tuple[int, str, int, str]:
    # The certificate already printed first (its code is on paper), then the survivor's own row.
    issued = row.issued_at is not None
    return (0 if issued else 1, row.issued_at or "", 0 if row.trainee_id == final else 1, row.id)


def live_rows_by_final(
    session: Session, workshop_id: str, finals: dict[str, str]
) -> dict[str, Certificate]:
    """The live certificate row standing for each final trainee of a workshop, by final id;
    `finals` maps merged trainee ids to their survivors (others map to themselves)."""
    rows = session.scalars(
        select(Certificate).where(Certificate.workshop_id == workshop_id, Certificate.cl % 2 == 1)
    )
    out: dict[str, Certificate] = {}
    for row in rows:
        trainee_id = row.trainee_id or ""
        final = finals.get(trainee_id, trainee_id)
        current = out.get(final)
        if current is None or _preference(row, final) < _preference(current, final):
            out[final] = row
    return out


def certificate_trainees(session: Session, workshop_id: str) -> Iterable[str]:
    """Ids of the trainees named by any certificate row of a workshop (live or not)."""
    return {
        t or ""
        for t in session.scalars(
            select(Certificate.trainee_id).where(Certificate.workshop_id == workshop_id)
        )
    }


@dataclass(frozen=True)
class Verification:
    """What the register says about a code: genuine or not, and for whom and what."""

    code: str
    genuine: bool
    message: str  # a translated sentence with the verdict
    trainee_name: str | None = None
    chinese_name: str | None = None
    workshop_title: str | None = None
    town: str | None = None
    country: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    issued_at: str | None = None
    rate: float | None = None
    exception_reason: str | None = None
    language: str | None = None
    trainee_id: str | None = None
    workshop_id: str | None = None


def latin_name(t: Trainee | TraineeRow) -> str:
    """Given names then family names: "María Fernanda López Reyes"."""
    return " ".join(p for p in (t.given_names, t.family_names) if p)


def _shown(name: str, chinese: str | None) -> str:
    if chinese and name:
        return f"{chinese} ({name})"
    return chinese or name


def issued_day(issued_at: str | None) -> dt.date | None:
    """The local date of an `issued_at` time (UTC ISO text), or None."""
    if not issued_at:
        return None
    try:
        moment = dt.datetime.fromisoformat(issued_at)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.date()


def _issued_text(issued_at: str | None) -> str:
    when = issued_day(issued_at)
    return day(when) if when is not None else (issued_at or "")


def verify_certificate(ctx: AppContext, code_text: str) -> Verification:
    """Whether `code_text` is the code of a certificate this laptop's data knows as issued;
    ValidationError when it is not a well-formed code (mistyped)."""
    code = normalise_code(code_text)
    with ctx.read() as session:
        rows = sorted(
            session.scalars(select(Certificate).where(Certificate.code == code)),
            key=lambda r: (not r.alive, r.issued_at is None, r.id),
        )
        if not rows:
            return Verification(
                code,
                False,
                _(
                    "Not genuine: no certificate with the code {code} is in this laptop's data. "
                    "If it was printed on another laptop, sync first and check again."
                ).format(code=code),
            )
        row = rows[0]
        workshop = session.get(Workshop, row.workshop_id or "")
        trainee_rows, finals = trainees_with_survivors(session, [row.trainee_id or ""])
        trainee_id = row.trainee_id or ""
        final_id = finals.get(trainee_id, trainee_id)
        trainee = trainee_rows.get(final_id)
        own = trainee_rows.get(trainee_id)
        name = latin_name(trainee) if trainee is not None else ""
        chinese = trainee.chinese_name if trainee is not None else None
        facts = Verification(
            code=code,
            genuine=False,
            message="",
            trainee_name=name or None,
            chinese_name=chinese,
            workshop_title=workshop.title if workshop is not None else None,
            town=workshop.town if workshop is not None else None,
            country=workshop.country if workshop is not None else None,
            start_date=workshop.start_date if workshop is not None else None,
            end_date=workshop.end_date if workshop is not None else None,
            issued_at=row.issued_at,
            rate=row.attendance_rate,
            exception_reason=row.exception_reason,
            language=row.language,
            trainee_id=final_id,
            workshop_id=row.workshop_id,
        )
        who = _shown(name, chinese) or final_id
        title = (workshop.title if workshop is not None else None) or row.workshop_id or ""
        message = _problem(row, workshop, own, trainee, code, who, title)
        if message is not None:
            return _replace(facts, False, message)
        return _replace(
            facts,
            True,
            _("Genuine: certificate {code} was issued to {name} for “{title}” on {day}.").format(
                code=code, name=who, title=title, day=_issued_text(row.issued_at)
            ),
        )


def _problem(
    row: Certificate,
    workshop: Workshop | None,
    own: Trainee | None,
    trainee: Trainee | None,
    code: str,
    who: str,
    title: str,
) -> str | None:
    """Why the certificate of `row` is not genuine, or None when it is."""
    if not row.alive:
        return _("Not genuine: the certificate {code} of {name} was withdrawn.").format(
            code=code, name=who
        )
    if row.issued_at is None:
        return _(
            "Not genuine: the code {code} belongs to an exception granted to {name} for "
            "“{title}”, but that certificate was never printed."
        ).format(code=code, name=who, title=title)
    if workshop is None or not workshop.alive:
        return _(
            "Not genuine: the certificate {code} is for the workshop “{title}”, which was deleted."
        ).format(code=code, title=title)
    if own is None or trainee is None or not own.alive or not trainee.alive:
        return _(
            "Not genuine: the certificate {code} is for {name}, who was deleted from the trainees."
        ).format(code=code, name=who)
    return None


def _replace(facts: Verification, genuine: bool, message: str) -> Verification:
    return replace(facts, genuine=genuine, message=message)

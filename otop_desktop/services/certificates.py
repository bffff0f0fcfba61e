"""Certificates: candidates, exceptions, printing in batches with the register, verification.

Printing is all-or-nothing: the pages are gathered, written to a temporary file (or folder)
beside the target, then the register records every certificate in one transaction, and only
then do the files take their names. On an error or a cancel the register is untouched and no
file is left behind. A reprint keeps the code and the first issue date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from otop_desktop.atomic_file import replacing
from otop_desktop.db.models import Certificate, TrainingSession, Workshop
from otop_desktop.domain.certificate_codes import certificate_code
from otop_desktop.domain.errors import OperationCancelled, ValidationError
from otop_desktop.i18n import _, formatting
from otop_desktop.reports.paper import parse_paper
from otop_desktop.services.certificate_list import (
    CertificateCandidate,
    CertificateCandidates,
    certificate_candidates,
    find_candidate,
    grant_exception,
    no_sessions_message,
    parse_languages,
    withdraw_exception,
)
from otop_desktop.services.certificate_register import (
    Verification,
    certificate_id,
    code_for,
    issued_day,
    verify_certificate,
)
from otop_desktop.services.common import get_live, revive
from otop_desktop.services.context import AppContext, utc_now
from otop_desktop.services.workshops import partner_names

if TYPE_CHECKING:
    from otop_desktop.reports.certificate import CertificateData

__all__ = [
    "BatchResult",
    "CertificateCandidate",
    "CertificateCandidates",
    "Verification",
    "certificate_candidates",
    "certificate_pages",
    "code_for",
    "grant_exception",
    "parse_languages",
    "verify_certificate",
    "withdraw_exception",
    "write_certificate_batch",
]

log = logging.getLogger(__name__)

_CHUNK = 500  # ids per IN (...) list, well under SQLite's limit on parameters
Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class BatchResult:
    """What a batch wrote: the PDF file(s), how many certificates, and their codes."""

    paths: list[Path]
    count: int
    codes: list[str]


def _selected(
    ctx: AppContext, candidates: CertificateCandidates, trainee_ids: Sequence[str] | None
) -> list[CertificateCandidate]:
    """The candidates to print: those asked for (each must be allowed), else all allowed."""
    if trainee_ids is None:
        chosen = candidates.printable
    else:
        chosen, seen = [], set()
        for trainee_id in trainee_ids:
            candidate = find_candidate(ctx, candidates, trainee_id)
            if candidate.trainee_id not in seen:
                seen.add(candidate.trainee_id)
                chosen.append(candidate)
        refused = [c for c in chosen if not c.may_print]
        if refused:
            raise ValidationError(
                _(
                    "No certificate for {names}: attendance is below the minimum of {minimum} "
                    "and no exception was granted."
                ).format(
                    names=", ".join(
                        _("{name} ({rate})").format(
                            name=c.shown_name, rate=formatting.percent(c.rate)
                        )
                        for c in refused
                    ),
                    minimum=formatting.percent(candidates.min_rate),
                ),
                "trainee",
            )
    if not chosen:
        raise ValidationError(
            candidates.notice
            or _(
                "Nobody in “{title}” may receive a certificate yet: nobody reached {minimum} "
                "attendance and no exception was granted."
            ).format(title=candidates.title, minimum=formatting.percent(candidates.min_rate)),
            "trainee",
        )
    for c in chosen:
        if not (c.name or c.chinese_name):
            raise ValidationError(
                _("The trainee {id} has no name to print; add it on the trainees page.").format(
                    id=c.trainee_id
                ),
                "trainee",
            )
    return chosen


def certificate_pages(
    ctx: AppContext,
    workshop_id: str,
    chosen: Sequence[CertificateCandidate],
    *,
    today: dt.date | None = None,
) -> list[CertificateData]:
    """The facts printed on the certificate of each of `chosen`, in that order."""
    from otop_desktop.reports.certificate import CertificateData

    issue_day = today or dt.date.today()
    partners = tuple(partner_names(ctx, workshop_id))
    with ctx.read() as session:
        w = get_live(session, Workshop, workshop_id, _("workshop"))
        dates = sorted(
            d
            for d in session.scalars(
                select(TrainingSession.date).where(
                    TrainingSession.workshop_id == workshop_id, TrainingSession.cl % 2 == 1
                )
            )
            if d is not None
        )
        # A workshop without its dates set shows the span of its sessions.
        start = w.start_date or (dates[0] if dates else None)
        end = w.end_date or (dates[-1] if dates else None)
        return [
            CertificateData(
                code=code_for_candidate(workshop_id, c),
                trainee_name=c.name,
                chinese_name=c.chinese_name,
                workshop_title=w.title or "",
                category=w.category,
                programme=w.programme,
                town=w.town,
                country=w.country,
                start_date=start,
                end_date=end,
                hours_attended=c.hours_attended,
                sessions_attended=c.sessions_attended,
                sessions_held=c.sessions_held,
                rate=c.rate,
                partners=partners,
                trainers=w.trainers,
                # A reprint carries the date the certificate was first issued.
                issued_on=issued_day(c.issued_at) or issue_day,
                sort_name=", ".join(p for p in (c.family_names, c.given_names) if p) or None,
            )
            for c in chosen
        ]


def code_for_candidate(workshop_id: str, c: CertificateCandidate) -> str:
    """The code of a candidate's certificate: its register row's, or the one it will get."""
    if c.code:
        return c.code
    return certificate_code(c.certificate_id or certificate_id(workshop_id, c.trainee_id))


def _record(
    ctx: AppContext,
    workshop_id: str,
    chosen: Sequence[CertificateCandidate],
    language: str,
) -> None:
    """Record the printed certificates in the register, in one transaction."""
    now = utc_now()
    wanted = [c.certificate_id or certificate_id(workshop_id, c.trainee_id) for c in chosen]
    with ctx.unit_of_work() as session:
        # One read of the rows there are, rather than a get (and an autoflush) per trainee.
        existing: dict[str, Certificate] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            existing.update(
                (row.id, row)
                for row in session.scalars(select(Certificate).where(Certificate.id.in_(chunk)))
            )
        for c, row_id in zip(chosen, wanted, strict=True):
            row = existing.get(row_id)
            if row is None:
                session.add(
                    Certificate(
                        id=row_id,
                        trainee_id=c.trainee_id,
                        workshop_id=workshop_id,
                        code=certificate_code(row_id),
                        issued_at=now,
                        language=language,
                        attendance_rate=c.rate,
                    )
                )
                continue
            revive(row)
            # Only what changed is assigned, so a reprint logs no needless change.
            values = {
                "code": row.code or certificate_code(row_id),
                "issued_at": row.issued_at or now,
                "language": language,
                "attendance_rate": c.rate,
            }
            for key, value in values.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)


def _cannot_write(path: Path, exc: OSError) -> ValidationError:
    return ValidationError(
        _("{path} cannot be written: {reason}. Nothing was printed.").format(
            path=path, reason=exc.strerror or exc
        ),
        "path",
    )


def _single_target(out: Path) -> Path:
    """The final path of one PDF: `out`, with .pdf added when it has another ending."""
    target = Path(out)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    if target.is_dir():
        raise ValidationError(
            _("{path} is a folder; give the name of the PDF file to write.").format(path=target),
            "path",
        )
    return target


def _folder_target(out: Path) -> tuple[Path, Path, bool]:
    """(folder, temporary folder inside it, whether the folder was made now)."""
    folder = Path(out)
    made = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".certificates-"))
    except OSError as exc:
        if made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise _cannot_write(folder, exc) from exc
    return folder, staging, made


def write_certificate_batch(
    ctx: AppContext,
    workshop_id: str,
    out: Path,
    *,
    trainee_ids: Sequence[str] | None = None,
    languages: tuple[str, ...] | str | None = None,
    paper: str | None = None,
    one_file_per_trainee: bool = False,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
    today: dt.date | None = None,
) -> BatchResult:
    """Print the certificates of a workshop (every one allowed, or `trainee_ids`) as one PDF
    at `out`, or one PDF per trainee in the folder `out`, and record them in the register."""
    from otop_desktop.reports import certificate as printing

    chosen_languages = parse_languages(languages)  # typos fail before any work
    chosen_paper = parse_paper(paper) if paper else None
    candidates = certificate_candidates(ctx, workshop_id, today=today)
    if candidates.session_count == 0:
        raise ValidationError(no_sessions_message(candidates.title), "workshop")
    chosen = _selected(ctx, candidates, trainee_ids)
    pages = certificate_pages(ctx, workshop_id, chosen, today=today)
    langs = chosen_languages or candidates.languages
    size = chosen_paper or candidates.paper
    if cancelled is not None and cancelled():
        raise OperationCancelled()
    if one_file_per_trainee:
        folder, staging, made = _folder_target(out)
        try:
            written = printing.write_certificate_files(
                pages, staging, languages=langs, paper=size, report=report, cancelled=cancelled
            )
            if cancelled is not None and cancelled():
                raise OperationCancelled()
            _record(ctx, workshop_id, chosen, ",".join(langs))
            paths = []
            for path in written:
                os.replace(path, folder / path.name)
                paths.append(folder / path.name)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if made:
                shutil.rmtree(folder, ignore_errors=True)
            raise
        shutil.rmtree(staging, ignore_errors=True)
    else:
        target = _single_target(out)
        try:
            with replacing(target, suffix=".part.pdf") as part:
                printing.write_certificates(
                    pages, part, languages=langs, paper=size, report=report, cancelled=cancelled
                )
                if cancelled is not None and cancelled():
                    raise OperationCancelled()
                _record(ctx, workshop_id, chosen, ",".join(langs))
        except OSError as exc:
            raise _cannot_write(target, exc) from exc
        paths = [target]
    # Ids and counts only: the certificates bear names, the log does not.
    log.info(
        "Certificates of workshop %s written: %d pages in %d files (%s, %s)",
        workshop_id,
        len(pages),
        len(paths),
        ",".join(langs),
        size,
    )
    return BatchResult(paths=paths, count=len(pages), codes=[p.code for p in pages])

"""CLI commands for certificates: print a batch, list who is eligible, exceptions, verify a code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from otop_desktop.cli import AppContext, list_output, print_json, with_context
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _, formatting, ngettext, pgettext
from otop_desktop.services import certificates
from otop_desktop.services.certificates import CertificateCandidate, Verification


def register(commands: Any) -> None:
    """Add the certificate commands to the sub-command parser."""
    p = commands.add_parser(
        "certificates", help=_("print the certificates of a workshop and record them")
    )
    p.add_argument("--workshop", required=True, help=_("workshop id"))
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help=_("one PDF with every certificate"))
    where.add_argument("--folder", type=Path, help=_("a folder for one PDF per trainee"))
    p.add_argument(
        "--languages",
        help=_(
            "one or two languages side by side, e.g. es or es,zh_Hant_TW (default: the workshop's)"
        ),
    )
    p.add_argument("--paper", help=_("letter or a4 (default: the usual one in the country)"))
    p.add_argument(
        "--trainee",
        action="append",
        dest="trainees",
        metavar="ID",
        help=_("only this trainee (repeat for more; default: everyone who may receive one)"),
    )
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=with_context(_print))

    p = commands.add_parser(
        "certificates-eligible",
        help=_("who may receive the certificate of a workshop, with rates and codes"),
    )
    p.add_argument("--workshop", required=True, help=_("workshop id"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=with_context(_eligible))

    p = commands.add_parser(
        "certificate-exception",
        help=_("let a trainee below the minimum attendance receive the certificate"),
    )
    p.add_argument("--workshop", required=True, help=_("workshop id"))
    p.add_argument("--trainee", required=True, help=_("trainee id"))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--reason", help=_("why the exception is granted"))
    what.add_argument(
        "--withdraw", action="store_true", help=_("take back an exception not printed yet")
    )
    p.set_defaults(handler=with_context(_exception))

    p = commands.add_parser(
        "verify-certificate", help=_("say whether a certificate code is genuine")
    )
    p.add_argument(
        "code",
        nargs="+",
        help=_("the code printed under the QR code, e.g. K7QM2-XDR9P-4 (spaces allowed)"),
    )
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=with_context(_verify))


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _print(args: argparse.Namespace, ctx: AppContext) -> int:
    folder = args.folder is not None
    result = certificates.write_certificate_batch(
        ctx,
        args.workshop,
        args.folder if folder else args.out,
        trainee_ids=args.trainees,
        languages=args.languages,
        paper=args.paper,
        one_file_per_trainee=folder,
    )
    if args.json:
        print_json(
            {
                "count": result.count,
                "paths": [str(p) for p in result.paths],
                "codes": result.codes,
            }
        )
        return 0
    where = args.folder if folder else result.paths[0]
    _say(
        ngettext(
            "{count} certificate written to {path}.",
            "{count} certificates written to {path}.",
            result.count,
        ).format(count=result.count, path=where)
    )
    return 0


def _candidate_json(c: CertificateCandidate) -> dict[str, Any]:
    return {
        "trainee_id": c.trainee_id,
        "name": c.name,
        "chinese_name": c.chinese_name,
        "rate": c.rate,
        "sessions_attended": c.sessions_attended,
        "sessions_held": c.sessions_held,
        "hours_attended": c.hours_attended,
        "eligible": c.eligible,
        "may_print": c.may_print,
        "status": c.status.value,
        "exception_reason": c.exception_reason,
        "code": c.code,
        "issued_at": c.issued_at,
        "language": c.language,
    }


def _eligible(args: argparse.Namespace, ctx: AppContext) -> int:
    found = certificates.certificate_candidates(ctx, args.workshop)
    data = {
        "workshop_id": found.workshop_id,
        "title": found.title,
        "min_rate": found.min_rate,
        "sessions_held": found.sessions_held,
        "languages": list(found.languages),
        "paper": found.paper,
        "notice": found.notice,
        "candidates": [_candidate_json(c) for c in found.candidates],
    }
    rows = [
        [
            c.shown_name,
            formatting.percent(c.rate),
            formatting.number(c.hours_attended) if c.hours_attended is not None else "",
            _("{status}: {reason}").format(status=c.status.label(), reason=c.exception_reason)
            if c.exception_reason and not c.eligible
            else c.status.label(),
            c.code or "",
        ]
        for c in found.candidates
    ]
    if found.notice and not args.json:
        sys.stderr.write(found.notice + "\n")
    return list_output(
        args,
        data,
        rows,
        [pgettext("person", "Name"), _("Rate"), _("Hours"), _("Status"), _("Code")],
    )


def _exception(args: argparse.Namespace, ctx: AppContext) -> int:
    if args.withdraw:
        certificates.withdraw_exception(ctx, args.workshop, args.trainee)
        _say(_("Exception withdrawn."))
    else:
        certificates.grant_exception(ctx, args.workshop, args.trainee, args.reason)
        _say(_("Exception granted and recorded."))
    return 0


def _verification_json(v: Verification) -> dict[str, Any]:
    return {
        "code": v.code,
        "genuine": v.genuine,
        "message": v.message,
        "trainee_name": v.trainee_name,
        "chinese_name": v.chinese_name,
        "workshop_title": v.workshop_title,
        "town": v.town,
        "country": v.country,
        "start_date": v.start_date,
        "end_date": v.end_date,
        "issued_at": v.issued_at,
        "rate": v.rate,
        "exception_reason": v.exception_reason,
        "language": v.language,
    }


def _verify(args: argparse.Namespace, ctx: AppContext) -> int:
    typed = " ".join(args.code)
    try:
        verdict = certificates.verify_certificate(ctx, typed)
    except ValidationError as exc:
        if not args.json:
            raise
        print_json({"code": typed, "genuine": False, "malformed": True, "message": str(exc)})
        return 1
    if args.json:
        print_json({**_verification_json(verdict), "malformed": False})
        return 0 if verdict.genuine else 1
    _say(verdict.message)
    if verdict.genuine:
        place = ", ".join(p for p in (verdict.town, formatting.country_name(verdict.country)) if p)
        dates = " – ".join(formatting.day(d) for d in (verdict.start_date, verdict.end_date) if d)
        for label, value in (
            (_("Workshop"), verdict.workshop_title),
            (_("Place"), place),
            (_("Dates"), dates),
            (_("Attendance"), formatting.percent(verdict.rate) if verdict.rate is not None else ""),
            (_("Exception"), verdict.exception_reason),
        ):
            if value:
                _say(_("{label}: {value}").format(label=label, value=value))
    return 0 if verdict.genuine else 1

"""CLI commands on records: workshops, sessions, trainees, enrollments, attendance, partners."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from otop_desktop.cli import (
    AppContext,
    add_command,
    add_group,
    add_json_flag,
    list_output,
    print_json,
    print_table,
)
from otop_desktop.domain.enums import AttendanceStatus
from otop_desktop.i18n import _, formatting, ngettext, pgettext
from otop_desktop.services import (
    attendance,
    attendance_export,
    attendance_summary,
    duplicates,
    enrollments,
    organisations,
    sign_in_sheets,
    trainee_merge,
    trainees,
    workshops,
)

WORKSHOP_OPTIONS = {
    "title": lambda: _("workshop title"),
    "category": lambda: _("product category: bamboo, pottery, textiles, food, farm, other"),
    "programme": lambda: _("programme name"),
    "country": lambda: _("country code, e.g. HN, GT, TW"),
    "town": lambda: _("town"),
    "venue": lambda: _("venue"),
    "start_date": lambda: _("first day (YYYY-MM-DD)"),
    "end_date": lambda: _("last day (YYYY-MM-DD)"),
    "languages": lambda: _("languages, e.g. es or es,zh_Hant_TW"),
    "trainers": lambda: _("trainers' names"),
    "min_attendance_rate": lambda: _("minimum attendance for a certificate, as a percentage"),
    "follow_up_schedule": lambda: _(
        "follow-ups after the end, e.g. month_3,month_12 (default: month_3,month_6,month_12)"
    ),
}
TRAINEE_OPTIONS = {
    "given_names": lambda: _("given names"),
    "family_names": lambda: _("family names"),
    "chinese_name": lambda: _("name in Chinese characters"),
    "gender": lambda: _("female, male, other or undisclosed"),
    "birth_year": lambda: _("year of birth"),
    "phone": lambda: _("phone number, as written locally"),
    "email": lambda: _("e-mail address"),
    "town": lambda: _("town"),
    "country": lambda: _("country code, e.g. HN"),
    "organisation_id": lambda: _("id of the trainee's organisation"),
    "business_name": lambda: _("business or workshop name"),
    "preferred_language": lambda: _("en, es or zh_Hant_TW"),
    "consent_data": lambda: _("consent to keep data: yes or no"),
    "consent_photos": lambda: _("consent to photos: yes or no"),
    "notes": lambda: _("notes"),
}


def _add_options(parser: argparse.ArgumentParser, options: dict[str, Any]) -> None:
    for field, helptext in options.items():
        parser.add_argument(
            "--" + field.replace("_", "-"), dest=field, default=argparse.SUPPRESS, help=helptext()
        )


def _fields(args: argparse.Namespace, options: dict[str, Any]) -> dict[str, Any]:
    return {k: getattr(args, k) for k in options if hasattr(args, k)}


def register(commands: Any) -> None:
    """Add the record commands to the sub-command parser."""
    group = add_group(commands, "workshop", _("workshops"))
    p = add_command(group, "add", _("create a workshop"), _workshop_add)
    _add_options(p, WORKSHOP_OPTIONS)
    p = add_command(group, "edit", _("change fields of a workshop"), _workshop_edit)
    p.add_argument("id")
    _add_options(p, WORKSHOP_OPTIONS)
    p = add_command(group, "delete", _("delete a workshop"), _workshop_delete)
    p.add_argument("id")
    p = add_command(group, "list", _("list workshops"), _workshop_list)
    add_json_flag(p)
    p = add_command(
        group, "partner", _("link a partner organisation to a workshop"), _workshop_partner
    )
    p.add_argument("id")
    p.add_argument("organisation_id")

    group = add_group(commands, "session", _("sessions of a workshop"))
    p = add_command(group, "add", _("add a session to a workshop"), _session_add)
    p.add_argument("--workshop", required=True, help=_("workshop id"))
    p.add_argument("--date", required=True, help=_("date (YYYY-MM-DD)"))
    p.add_argument("--start", help=_("start time (HH:MM)"))
    p.add_argument("--hours", help=_("length in hours"))
    p.add_argument("--topic", help=_("topic"))
    p = add_command(group, "list", _("list the sessions of a workshop"), _session_list)
    p.add_argument("--workshop", required=True, help=_("workshop id"))
    add_json_flag(p)
    p = add_command(
        group, "sign-in-sheet", _("write the printable sign-in sheet of a session"), _sign_in_sheet
    )
    p.add_argument("session_id")
    p.add_argument("--out", required=True, type=Path, help=_("the PDF file to write"))
    p.add_argument("--paper", help=_("letter or a4 (default: the usual one in the country)"))
    p.add_argument(
        "--pdf-lang",
        help=_("language of the sheet: en, es or zh_Hant_TW (default: the workshop's)"),
    )

    group = add_group(commands, "trainee", _("trainees"))
    p = add_command(group, "add", _("register a trainee"), _trainee_add)
    _add_options(p, TRAINEE_OPTIONS)
    p.add_argument("--workshop", help=_("also enrol in this workshop"))
    p = add_command(group, "edit", _("change fields of a trainee"), _trainee_edit)
    p.add_argument("id")
    _add_options(p, TRAINEE_OPTIONS)
    p = add_command(group, "delete", _("delete a trainee"), _trainee_delete)
    p.add_argument("id")
    p = add_command(group, "list", _("list or search trainees"), _trainee_list)
    p.add_argument("--search", default="", help=_("words of the name, town or phone"))
    p.add_argument("--workshop", help=_("only trainees of this workshop"))
    p.add_argument("--limit", type=int, default=1000, help=_("at most this many"))
    add_json_flag(p)
    p = add_command(
        group, "duplicates", _("likely duplicates of one trainee, or every pair"), _duplicates
    )
    p.add_argument("id", nargs="?", help=_("trainee id (without it: every likely pair)"))
    p.add_argument("--limit", type=int, default=200, help=_("at most this many"))
    add_json_flag(p)
    p = add_command(
        group, "merge", _("merge a duplicate into the trainee that stays"), _trainee_merge
    )
    p.add_argument("survivor_id")
    p.add_argument("duplicate_id")
    p = add_command(group, "unmerge", _("undo the merge of a duplicate"), _trainee_unmerge)
    p.add_argument("id")
    p = add_command(group, "enrol", _("enrol a trainee in a workshop"), _trainee_enrol)
    p.add_argument("id")
    p.add_argument("--workshop", required=True, help=_("workshop id"))
    p.add_argument("--role", default="trainee", help=_("trainee, trainer or assistant"))

    group = add_group(commands, "attendance", _("attendance marks"))
    p = add_command(group, "mark", _("mark a trainee at a session"), _attendance_mark)
    p.add_argument("session_id")
    p.add_argument("trainee_id")
    p.add_argument("status", help=_("present, late, excused or absent"))
    p.add_argument("--note", help=_("a note"))
    p = add_command(group, "list", _("marks of a session"), _attendance_list)
    p.add_argument("--session", required=True, help=_("session id"))
    add_json_flag(p)
    p = add_command(
        group, "summary", _("attendance counts and rates of a workshop"), _attendance_summary
    )
    p.add_argument("--workshop", required=True, help=_("workshop id"))
    add_json_flag(p)
    p = add_command(
        group, "export", _("write a workshop's attendance to .xlsx or .csv"), _attendance_export
    )
    p.add_argument("--workshop", required=True, help=_("workshop id"))
    p.add_argument("file", type=Path, help=_("the file to write (.xlsx or .csv)"))

    group = add_group(commands, "organisation", _("partner organisations"))
    p = add_command(group, "add", _("add an organisation"), _organisation_add)
    p.add_argument("--name", required=True, help=_("name"))
    p.add_argument(
        "--kind", dest="org_kind", help=_("ngo, cooperative, sme, community, government or mission")
    )
    p.add_argument("--country", help=_("country code"))
    p.add_argument("--town", help=_("town"))
    p = add_command(group, "list", _("list organisations"), _organisation_list)
    add_json_flag(p)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _workshop_add(args: argparse.Namespace, ctx: AppContext) -> int:
    info = workshops.create_workshop(ctx, **_fields(args, WORKSHOP_OPTIONS))
    _say(info.id)
    return 0


def _workshop_edit(args: argparse.Namespace, ctx: AppContext) -> int:
    workshops.edit_workshop(ctx, args.id, **_fields(args, WORKSHOP_OPTIONS))
    _say(_("Workshop saved."))
    return 0


def _workshop_delete(args: argparse.Namespace, ctx: AppContext) -> int:
    workshops.delete_workshop(ctx, args.id)
    _say(_("Workshop deleted."))
    return 0


def _workshop_partner(args: argparse.Namespace, ctx: AppContext) -> int:
    workshops.add_partner(ctx, args.id, args.organisation_id)
    _say(_("Partner linked."))
    return 0


def _workshop_list(args: argparse.Namespace, ctx: AppContext) -> int:
    items = workshops.list_workshops(ctx)
    return list_output(
        args,
        [
            {
                "id": w.id,
                "title": w.title,
                "category": w.category,
                "programme": w.programme,
                "country": w.country,
                "town": w.town,
                "venue": w.venue,
                "start_date": w.start_date,
                "end_date": w.end_date,
                "archived": w.archived,
                "trainees": w.trainee_count,
                "sessions": w.session_count,
                "attendance_rate": w.attendance_rate,
            }
            for w in items
        ],
        [
            [w.id, w.title, w.country or "", str(w.start_date or ""), str(w.trainee_count)]
            for w in items
        ],
        [_("Id"), _("Title"), _("Country"), _("Start"), _("Trainees")],
    )


def _session_add(args: argparse.Namespace, ctx: AppContext) -> int:
    info = workshops.add_session(
        ctx, args.workshop, args.date, start_time=args.start, hours=args.hours, topic=args.topic
    )
    _say(info.id)
    return 0


def _session_list(args: argparse.Namespace, ctx: AppContext) -> int:
    items = workshops.list_sessions(ctx, args.workshop)
    return list_output(
        args,
        items,
        [
            [s.id, str(s.date or ""), s.start_time or "", str(s.hours or ""), s.topic or ""]
            for s in items
        ],
        [_("Id"), _("Date"), _("Start"), _("Hours"), _("Topic")],
    )


def _sign_in_sheet(args: argparse.Namespace, ctx: AppContext) -> int:
    path = sign_in_sheets.sign_in_sheet(
        ctx, args.session_id, args.out, locale=args.pdf_lang, paper=args.paper
    )
    _say(_("Sign-in sheet written to {path}.").format(path=path))
    return 0


def _trainee_add(args: argparse.Namespace, ctx: AppContext) -> int:
    fields = _fields(args, TRAINEE_OPTIONS)
    info = trainees.add_trainee(ctx, **fields)
    if args.workshop:
        enrollments.enrol(ctx, args.workshop, info.id)
    _say(info.id)
    # Scripts read the id on stdout; the warning goes to stderr and the exit code stays 0,
    # as the window saves anyway when asked to (`trainee merge` joins the two later).
    for found in duplicates.find_duplicates(ctx, fields, exclude_id=info.id):
        sys.stderr.write(
            _("Possible duplicate of {name} ({id}): {reasons}").format(
                name=found.trainee.display_name,
                id=found.trainee.id,
                reasons="; ".join(found.reasons),
            )
            + "\n"
        )
    return 0


def _trainee_edit(args: argparse.Namespace, ctx: AppContext) -> int:
    fields = _fields(args, TRAINEE_OPTIONS)
    if not fields:
        from otop_desktop.cli import UsageError

        raise UsageError(_("name at least one field to change, e.g. --phone 9876-5432"))
    trainees.edit_trainee(ctx, args.id, **fields)
    _say(_("Trainee saved."))
    return 0


def _trainee_delete(args: argparse.Namespace, ctx: AppContext) -> int:
    trainees.delete_trainee(ctx, args.id)
    _say(_("Trainee deleted."))
    return 0


def _trainee_list(args: argparse.Namespace, ctx: AppContext) -> int:
    if args.workshop:
        items = [e.trainee for e in enrollments.list_enrolled(ctx, args.workshop)]
        if args.search:
            from otop_desktop.domain.text import fold

            words = fold(args.search).split()
            items = [
                t
                for t in items
                if all(w in fold(f"{t.display_name} {t.town or ''}") for w in words)
            ]
    else:
        items = trainees.search_trainees(ctx, args.search, limit=args.limit)
    return list_output(
        args,
        [t.as_dict() for t in items],
        [[t.id, t.display_name, t.town or "", t.phone or ""] for t in items],
        [_("Id"), _("Name"), _("Town"), _("Phone")],
    )


def _duplicates(args: argparse.Namespace, ctx: AppContext) -> int:
    if args.id:
        fields = trainees.get_trainee(ctx, args.id).as_dict()
        found = duplicates.find_duplicates(ctx, fields, exclude_id=args.id, limit=args.limit)
        return list_output(
            args,
            [
                {"trainee": c.trainee.as_dict(), "score": c.score, "reasons": list(c.reasons)}
                for c in found
            ],
            [
                [c.trainee.id, c.trainee.display_name, f"{c.score:.0f}", ", ".join(c.reasons)]
                for c in found
            ],
            [_("Id"), _("Name"), _("Score"), _("Reasons")],
        )
    pairs = trainee_merge.list_duplicate_pairs(ctx, limit=args.limit)
    return list_output(
        args,
        [
            {"trainees": [a.as_dict(), b.as_dict()], "score": score, "reasons": list(reasons)}
            for a, b, score, reasons in pairs
        ],
        [
            [a.id, a.display_name, b.id, b.display_name, f"{score:.0f}", ", ".join(reasons)]
            for a, b, score, reasons in pairs
        ],
        [_("Id"), _("Name"), _("Id"), _("Name"), _("Score"), _("Reasons")],
    )


def _trainee_merge(args: argparse.Namespace, ctx: AppContext) -> int:
    info = trainee_merge.merge_trainees(ctx, args.survivor_id, args.duplicate_id)
    _say(_("Merged into {name}.").format(name=info.display_name))
    return 0


def _trainee_unmerge(args: argparse.Namespace, ctx: AppContext) -> int:
    info = trainee_merge.unmerge_trainee(ctx, args.id)
    _say(_("{name} is a trainee of their own again.").format(name=info.display_name))
    return 0


def _trainee_enrol(args: argparse.Namespace, ctx: AppContext) -> int:
    enrollments.enrol(ctx, args.workshop, args.id, args.role)
    _say(_("Trainee enrolled."))
    return 0


def _attendance_mark(args: argparse.Namespace, ctx: AppContext) -> int:
    mark = attendance.mark(ctx, args.session_id, args.trainee_id, args.status, args.note)
    _say(_("Marked {status}.").format(status=attendance.parse_status(mark.status).label()))
    return 0


def _attendance_list(args: argparse.Namespace, ctx: AppContext) -> int:
    marks = attendance.marks_for_session(ctx, args.session)
    return list_output(
        args,
        sorted(marks.values(), key=lambda m: m.trainee_id),
        [[m.trainee_id, m.status, m.note or ""] for m in marks.values()],
        [_("Trainee"), _("Status"), _("Note")],
    )


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.0f}%"


def _attendance_summary(args: argparse.Namespace, ctx: AppContext) -> int:
    summary = attendance_summary.workshop_summary(ctx, args.workshop)
    if args.json:
        print_json(
            {
                "workshop_id": summary.workshop_id,
                "title": summary.title,
                "rule": summary.rule,
                "min_rate": summary.min_rate,
                "rate": summary.rate,
                "sessions": [
                    {
                        "session": s.session,
                        "held": s.session.id in summary.held,
                        "counts": s.counts,
                        "rate": s.rate,
                    }
                    for s in summary.sessions
                ],
                "trainees": [
                    {
                        "trainee_id": t.trainee_id,
                        "name": t.name,
                        "rate": t.rate,
                        "withdrawn": t.trainee_id in summary.withdrawn,
                        "statuses": t.statuses,
                    }
                    for t in summary.trainees
                ],
            }
        )
        return 0
    print_table(
        [
            [
                str(s.session.date or ""),
                s.session.topic or "",
                *(
                    str(n)
                    for n in (
                        s.counts.present,
                        s.counts.late,
                        s.counts.excused,
                        s.counts.absent,
                        s.counts.unmarked,
                    )
                ),
                _percent(s.rate),
            ]
            for s in summary.sessions
        ],
        [
            _("Date"),
            _("Topic"),
            *(formatting.first_upper(status.label()) for status in AttendanceStatus),
            _("Not marked"),
            _("Rate"),
        ],
    )
    _say("")
    print_table(
        [[t.trainee_id, t.name, _percent(t.rate)] for t in summary.trainees],
        [_("Id"), pgettext("person", "Name"), _("Rate")],
    )
    return 0


def _attendance_export(args: argparse.Namespace, ctx: AppContext) -> int:
    count = attendance_export.export_attendance(ctx, args.workshop, args.file)
    _say(
        ngettext(
            "Wrote {count} trainee to {path}.", "Wrote {count} trainees to {path}.", count
        ).format(count=count, path=args.file)
    )
    if args.file.suffix.lower() == ".csv":
        path = attendance_export.sessions_csv_path(args.file)
        _say(_("Session counts written to {path}.").format(path=path))
    return 0


def _organisation_add(args: argparse.Namespace, ctx: AppContext) -> int:
    info = organisations.add_organisation(
        ctx, name=args.name, org_kind=args.org_kind, country=args.country, town=args.town
    )
    _say(info.id)
    return 0


def _organisation_list(args: argparse.Namespace, ctx: AppContext) -> int:
    items = organisations.list_organisations(ctx)
    return list_output(
        args,
        items,
        [[o.id, o.name, o.org_kind or "", o.country or ""] for o in items],
        [_("Id"), _("Name"), _("Kind"), _("Country")],
    )

"""CLI commands for rosters: import a CSV/XLSX roster (preview first), export, blank template."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from otop_desktop.cli import (
    AppContext,
    UsageError,
    add_command,
    add_group,
    add_json_flag,
    print_json,
    print_table,
)
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import _, current_locale, ngettext, pgettext
from otop_desktop.services import roster_export, roster_import
from otop_desktop.services.roster_files import read_roster
from otop_desktop.services.roster_headers import (
    ROSTER_FIELDS,
    field_label,
    guess_mapping,
    header_key,
)

_IGNORE = ("", "-", "ignore", "none")
_NAME_FIELDS = ("full_name", "given_names", "chinese_name")


def register(commands: Any) -> None:
    """Add the roster commands to the sub-command parser."""
    group = add_group(commands, "roster", _("roster files: import, export, blank template"))
    p = add_command(
        group,
        "import",
        _("import trainees from a CSV or XLSX roster (shows a preview unless --yes)"),
        _import,
    )
    p.add_argument("file", type=Path, help=_("roster file (.xlsx or .csv)"))
    p.add_argument("--workshop", help=_("enrol the imported trainees in this workshop"))
    p.add_argument("--yes", action="store_true", help=_("import, after the preview"))
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help=_('the field a column holds, e.g. "Celular=phone" (FIELD “ignore” skips it)'),
    )
    add_json_flag(p)
    p = add_command(group, "export", _("write the trainee list to .xlsx or .csv"), _export)
    p.add_argument("file", type=Path, help=_("file to write"))
    p.add_argument("--format", choices=("csv", "xlsx"), help=_("file type (default: by name)"))
    p.add_argument("--workshop", help=_("only trainees of this workshop"))
    p.add_argument("--search", default="", help=_("words of the name, town or phone"))
    p = group.add_parser("template", help=_("write a blank roster to fill in and import"))
    p.add_argument("file", type=Path, help=_("file to write (.xlsx or .csv)"))
    p.add_argument(
        "--lang", dest="template_lang", help=_("language of the headers: en, es or zh_Hant_TW")
    )
    p.set_defaults(handler=_template)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _mapping(headers: list[str], options: list[str]) -> dict[int, str | None]:
    """The guessed mapping, changed by each --map "Header=field"."""
    mapping = guess_mapping(headers)
    for option in options:
        header, sep, field = option.rpartition("=")
        field = field.strip()
        if not sep or not header.strip():
            raise UsageError(_('--map needs HEADER=FIELD, e.g. "Celular=phone".'))
        if field.lower() not in _IGNORE and field not in ROSTER_FIELDS:
            raise UsageError(
                _("Unknown field “{value}”: use one of {choices}.").format(
                    value=field, choices=", ".join(ROSTER_FIELDS)
                )
            )
        wanted = header.strip()
        column = next((i for i, h in enumerate(headers) if h == wanted), None)
        if column is None:
            column = next(
                (i for i, h in enumerate(headers) if header_key(h) == header_key(wanted)), None
            )
        if column is None:
            raise ValidationError(
                _("The file has no column “{header}”; its columns are: {columns}.").format(
                    header=wanted, columns=", ".join(headers)
                )
            )
        mapping[column] = None if field.lower() in _IGNORE else field
    return mapping


def _preview_json(preview: roster_import.RosterPreview) -> dict[str, Any]:
    return {
        "file": str(preview.path),
        "file_kind": preview.file_kind,
        "encoding": preview.encoding,
        "delimiter": preview.delimiter,
        "workshop_id": preview.workshop_id,
        "columns": [
            {"header": h, "field": preview.mapping.get(i)} for i, h in enumerate(preview.headers)
        ],
        "ignored_columns": preview.unknown_headers,
        "counts": {a.value: n for a, n in preview.counts().items()},
        "rows": [
            {
                "row": r.row_number,
                "action": r.action.value,
                "fields": r.fields,
                "reason": r.reason,
                "match_id": r.match_id,
                "match_name": r.match_name,
                "same_as_row": r.same_as_row,
            }
            for r in preview.rows
        ],
    }


def _print_preview(preview: roster_import.RosterPreview) -> None:
    columns = [
        _("{header} → {field}").format(header=h, field=field_label(f))
        for i, h in enumerate(preview.headers)
        if (f := preview.mapping.get(i))
    ]
    _say(_("Columns: {columns}").format(columns="; ".join(columns)))
    if preview.unknown_headers:
        _say(
            _('Ignored columns: {columns} (map them with --map "Header=field").').format(
                columns="; ".join(preview.unknown_headers)
            )
        )
    rows = [
        [
            str(r.row_number),
            r.action.label(),
            roster_import.display_name(r.fields),
            str(r.fields.get("phone") or ""),
            r.reason,
        ]
        for r in preview.rows
    ]
    if rows:
        print_table(
            rows, [_("Row"), _("Action"), pgettext("person", "Name"), _("Phone"), _("Reason")]
        )
    counts = preview.counts()
    _say(
        _(
            "{create} new, {update} to update, {duplicate} already registered, {reject} rejected."
        ).format(**{a.value: n for a, n in counts.items()})
    )


def _import(args: argparse.Namespace, ctx: AppContext) -> int:
    table = read_roster(args.file)
    mapping = _mapping(table.headers, args.map)
    if not any(f in _NAME_FIELDS for f in mapping.values()):
        raise ValidationError(
            _(
                "No column of {name} holds the names (its columns: {columns}). Say which one "
                'with --map "Header=given_names" (or full_name, chinese_name).'
            ).format(name=args.file.name, columns=", ".join(table.headers))
        )
    preview = roster_import.preview_table(ctx, args.file, table, args.workshop, mapping)
    result = roster_import.apply_roster(ctx, preview) if args.yes else None
    if args.json:
        print_json({**_preview_json(preview), "result": result, "written": result is not None})
        return 0
    _print_preview(preview)
    if result is None:
        _say(_("Nothing was written; run again with --yes to import."))
        return 0
    _say(
        _(
            "Imported: {created} created, {updated} updated, {skipped} skipped, "
            "{rejected} rejected; {enrolled} enrolled in the workshop."
        ).format(
            created=result.created,
            updated=result.updated,
            skipped=result.skipped,
            rejected=result.rejected,
            enrolled=result.enrolled,
        )
    )
    return 0


def _export(args: argparse.Namespace, ctx: AppContext) -> int:
    path: Path = args.file
    if args.format:
        suffix = "." + args.format
        if path.suffix.lower() in (".csv", ".xlsx") and path.suffix.lower() != suffix:
            raise UsageError(
                _("--format {format} does not match the file name {name}.").format(
                    format=args.format, name=path.name
                )
            )
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
    count = roster_export.export_trainees(ctx, path, workshop_id=args.workshop, text=args.search)
    _say(
        ngettext(
            "{count} trainee written to {path}.", "{count} trainees written to {path}.", count
        ).format(count=count, path=path)
    )
    return 0


def _template(args: argparse.Namespace) -> int:
    roster_export.write_template(args.file, args.template_lang or current_locale())
    _say(_("Blank roster written to {path}.").format(path=args.file))
    return 0

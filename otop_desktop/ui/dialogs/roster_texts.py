"""The words of roster import and export: file types, the file read, the button, the summary."""

from __future__ import annotations

from collections.abc import Mapping

from otop_desktop.i18n import _, formatting, ngettext
from otop_desktop.services.roster_files import RosterTable
from otop_desktop.services.roster_import import RosterResult, RowAction
from otop_desktop.ui.file_chooser import FileType

# Encodings as people know them from Excel's and Notepad's "Save as" dialogs.
_ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf_8": "UTF-8",
    "utf_8_sig": "UTF-8",
    "cp1252": "Windows-1252",
    "windows-1252": "Windows-1252",
    "big5": "Big5",
    "cp950": "Big5",
    "big5hkscs": "Big5",
}


def xlsx_type() -> FileType:
    return FileType(_("Excel workbooks"), (".xlsx",))


def csv_type() -> FileType:
    return FileType(_("CSV files"), (".csv",))


def roster_file_types() -> list[FileType]:
    """What a roster may be: both kinds first, as most people do not know which theirs is."""
    return [FileType(_("Rosters (Excel or CSV)"), (".xlsx", ".csv")), xlsx_type(), csv_type()]


def encoding_name(encoding: str | None) -> str:
    """An encoding's everyday name ("Windows-1252" for cp1252)."""
    if not encoding:
        return ""
    return _ENCODINGS.get(encoding.lower(), encoding)


def delimiter_name(delimiter: str | None) -> str:
    """The separator of a CSV file in words where a sign alone would be hard to see."""
    if delimiter == "\t":
        return _("tabs")
    if delimiter == ";":
        return _("semicolons (;)")
    if delimiter == ",":
        return _("commas (,)")
    return delimiter or ""


def file_description(table: RosterTable) -> str:
    """What was read, in a sentence: the kind of file (encoding, separator) and its rows."""
    rows = len(table.rows)
    if table.file_kind == "csv":
        return ngettext(
            "CSV file in {encoding}, separated by {delimiter}: {n} row.",
            "CSV file in {encoding}, separated by {delimiter}: {n} rows.",
            rows,
        ).format(
            encoding=encoding_name(table.encoding),
            delimiter=delimiter_name(table.delimiter),
            n=formatting.number(rows),
        )
    return ngettext("Excel workbook: {n} row.", "Excel workbook: {n} rows.", rows).format(
        n=formatting.number(rows)
    )


def import_button_text(counts: Mapping[RowAction, int], enrolling: bool) -> str:
    """ "Import 12 trainees", or what else the click would do."""
    new_or_changed = counts.get(RowAction.CREATE, 0) + counts.get(RowAction.UPDATE, 0)
    if new_or_changed:
        return ngettext("&Import {n} trainee", "&Import {n} trainees", new_or_changed).format(
            n=formatting.number(new_or_changed)
        )
    registered = counts.get(RowAction.DUPLICATE, 0)
    if enrolling and registered:
        return ngettext(
            "E&nrol {n} registered trainee", "E&nrol {n} registered trainees", registered
        ).format(n=formatting.number(registered))
    return _("&Import")


def summary_text(result: RosterResult, workshop: str | None) -> str:
    """What an import did, a line for each kind of row it met."""
    lines = [
        _("The roster was imported."),
        ngettext("{n} trainee registered.", "{n} trainees registered.", result.created),
        ngettext("{n} trainee updated.", "{n} trainees updated.", result.updated),
        ngettext(
            "{n} row skipped: already registered.",
            "{n} rows skipped: already registered.",
            result.skipped,
        ),
        ngettext("{n} row rejected.", "{n} rows rejected.", result.rejected),
    ]
    counts = [None, result.created, result.updated, result.skipped, result.rejected]
    if workshop:
        lines.append(
            ngettext(
                "{n} trainee enrolled in {workshop}.",
                "{n} trainees enrolled in {workshop}.",
                result.enrolled,
            )
        )
        counts.append(result.enrolled)
    shown = []
    for line, count in zip(lines, counts, strict=True):
        if count is None:
            shown.append(line)
        elif count:
            shown.append(line.format(n=formatting.number(count), workshop=workshop))
    return "\n".join(shown)

"""Roster import: a preview of what each row would do, then one transaction when confirmed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from otop_desktop.db.models import Enrollment, Organisation, Trainee, Workshop
from otop_desktop.domain.enums import EnrollmentRole, EnrollmentStatus
from otop_desktop.domain.errors import ValidationError
from otop_desktop.domain.text import digits, fold, fold_words
from otop_desktop.i18n import N_, _
from otop_desktop.services.common import get_live
from otop_desktop.services.context import AppContext
from otop_desktop.services.duplicates import DuplicateIndex
from otop_desktop.services.enrollments import enrollment_id
from otop_desktop.services.roster_files import RosterCancelled, RosterTable, read_roster
from otop_desktop.services.roster_headers import ROSTER_FIELDS, field_label, guess_mapping
from otop_desktop.services.roster_values import m_means_female, row_fields
from otop_desktop.services.trainees import TRAINEE_FIELDS, clean_trainee_fields

Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]
log = logging.getLogger(__name__)

_ROW_ID = "row:"  # ids under which rows of the file itself are put in the duplicate index
_CHUNK = 500  # ids per IN (...) query: well under SQLite's parameter limit
_SAME_NAME = 90  # rapidfuzz token_sort_ratio from which two folded names are the same name


class RowAction(str, Enum):
    """What importing a row does."""

    CREATE = "create"
    UPDATE = "update"
    DUPLICATE = "duplicate"
    REJECT = "reject"

    def label(self) -> str:
        return _(_ACTION_LABELS[self])


_ACTION_LABELS = {
    RowAction.CREATE: N_("new trainee"),
    RowAction.UPDATE: N_("update"),
    RowAction.DUPLICATE: N_("already registered"),
    RowAction.REJECT: N_("rejected"),
}


@dataclass(frozen=True)
class PreviewRow:
    """One row of the file: its number as the user sees it, what it does, and why."""

    row_number: int
    action: RowAction
    fields: dict[str, Any]
    reason: str
    match_id: str | None
    match_name: str | None
    same_as_row: int | None = None  # a DUPLICATE of an earlier row of the same file


@dataclass(frozen=True)
class RosterPreview:
    """Everything the import would do, computed without writing anything."""

    path: Path
    workshop_id: str | None
    headers: list[str]
    mapping: dict[int, str | None]
    unknown_headers: list[str]  # headers of the columns that will be ignored
    rows: list[PreviewRow]
    file_kind: str = "csv"
    encoding: str | None = None
    delimiter: str | None = None

    def counts(self) -> dict[RowAction, int]:
        """How many rows of each action."""
        out = dict.fromkeys(RowAction, 0)
        for row in self.rows:
            out[row.action] += 1
        return out


@dataclass(frozen=True)
class RosterResult:
    created: int
    updated: int
    skipped: int
    rejected: int
    enrolled: int


def display_name(fields: Mapping[str, Any]) -> str:
    """A row's name as shown: romanised name, with the Chinese-character name beside it."""
    latin = " ".join(str(fields[k]) for k in ("given_names", "family_names") if fields.get(k))
    chinese = fields.get("chinese_name")
    if chinese and latin:
        return f"{chinese} ({latin})"
    return str(chinese or latin)


def _phone_key(value: Any) -> str:
    number = digits(value if isinstance(value, str) else None)
    return number[-8:] if len(number) >= 7 else ""


def same_person(row: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """Surely the same person: same phone and a very similar name, or same name, town/year."""
    chinese_a, chinese_b = row.get("chinese_name"), other.get("chinese_name")
    latin_a = fold_words(row.get("given_names"), row.get("family_names"))
    latin_b = fold_words(other.get("given_names"), other.get("family_names"))
    if chinese_a and chinese_b:
        name_equal = chinese_a == chinese_b
        similar = name_equal
    elif latin_a and latin_b:
        name_equal = latin_a == latin_b
        words_a, words_b = set(latin_a.split()), set(latin_b.split())
        # Imported here: the window loads this module at start, most never import a roster.
        from rapidfuzz import fuzz

        similar = fuzz.token_sort_ratio(latin_a, latin_b) >= _SAME_NAME or (
            min(len(words_a), len(words_b)) >= 2 and (words_a <= words_b or words_b <= words_a)
        )
    else:
        return False
    phone_a, phone_b = _phone_key(row.get("phone")), _phone_key(other.get("phone"))
    if phone_a and phone_b:
        return phone_a == phone_b and similar
    # No phone to compare: the very same name and the same town or birth year.
    town_a, town_b = fold(row.get("town")), fold(other.get("town"))
    year_a, year_b = row.get("birth_year"), other.get("birth_year")
    return name_equal and (bool(town_a and town_a == town_b) or bool(year_a and year_a == year_b))


def changes(row: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """What a row changes in a matched trainee: not the same phone written another way, not a
    shorter or accent-less form of the name it already has."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        old = current.get(key)
        if old == value:
            continue
        if key == "phone" and _phone_key(value) and _phone_key(value) == _phone_key(old):
            continue
        if key in ("given_names", "family_names") and old:
            new_words, old_words = set(fold(value).split()), set(fold(old).split())
            if new_words < old_words or (new_words == old_words and _marks(value) <= _marks(old)):
                continue  # fewer words, or no accent more: the name already there is better
        out[key] = value
    return out


def _marks(text: str) -> int:
    return sum(1 for ch in text if not ch.isascii())


def _trainee_fields(trainee: Trainee) -> dict[str, Any]:
    return {k: getattr(trainee, k) for k in TRAINEE_FIELDS}


def _checked_mapping(
    headers: list[str], mapping: Mapping[int, str | None] | None
) -> dict[int, str | None]:
    chosen = dict(guess_mapping(headers) if mapping is None else mapping)
    for column, name in chosen.items():
        if name is not None and name not in ROSTER_FIELDS:
            raise ValidationError(_("Unknown trainee field: {name}").format(name=name), "mapping")
        if not 0 <= column < len(headers):
            raise ValidationError(_("The file has no column {n}.").format(n=column + 1), "mapping")
    return {i: chosen.get(i) for i in range(len(headers))}


def _reason(error: ValidationError, mapping: dict[int, str | None], headers: list[str]) -> str:
    """The error, after the header of the column it is about."""
    wanted = {error.field}
    if error.field in ("given_names", "family_names", "chinese_name"):
        wanted.add("full_name")
    column = next((i for i, f in mapping.items() if f in wanted), None)
    if column is None:
        return error.message
    return _("{column}: {message}").format(column=headers[column], message=error.message)


def preview_roster(
    ctx: AppContext,
    path: Path,
    workshop_id: str | None,
    mapping: dict[int, str | None] | None = None,
    *,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> RosterPreview:
    """What importing `path` would do, row by row; nothing is written."""
    table = read_roster(path, cancelled=cancelled)
    return preview_table(ctx, path, table, workshop_id, mapping, report=report, cancelled=cancelled)


def preview_table(
    ctx: AppContext,
    path: Path,
    table: RosterTable,
    workshop_id: str | None,
    mapping: Mapping[int, str | None] | None = None,
    *,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> RosterPreview:
    """`preview_roster` of a table already read."""
    columns = _checked_mapping(table.headers, mapping)
    genders = [c for c, f in columns.items() if f == "gender"]
    m_is_female = bool(genders) and m_means_female([cells[genders[0]] for _n, cells in table.rows])
    total = len(table.rows)
    with ctx.read() as session:
        if workshop_id:
            get_live(session, Workshop, workshop_id, _("workshop"))
        organisations = {
            fold(name): org_id
            for org_id, name in session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.cl % 2 == 1)
            ).tuples()
            if name
        }
        index = DuplicateIndex.load(session)
        planner = _Planner(session, index)
        rows: list[PreviewRow] = []
        for done, (number, cells) in enumerate(table.rows, start=1):
            if cancelled is not None and done % 200 == 0 and cancelled():
                raise RosterCancelled()
            raw, notes, error = row_fields(cells, columns, organisations, m_is_female)
            try:
                if error is not None:
                    raise error
                cleaned = clean_trainee_fields(session, raw)
            except ValidationError as exc:
                reason = _reason(exc, columns, table.headers)
                rows.append(PreviewRow(number, RowAction.REJECT, raw, reason, None, None))
            else:
                decided = planner.plan(number, cleaned, notes)
                if decided is not None:
                    rows.append(decided)
            if report is not None and (done % 100 == 0 or done == total):
                report(done, total)
        rows.extend(planner.finish())
    rows.sort(key=lambda r: r.row_number)
    ignored = [h for i, h in enumerate(table.headers) if columns[i] is None]
    return RosterPreview(
        path,
        workshop_id,
        table.headers,
        columns,
        ignored,
        rows,
        table.file_kind,
        table.encoding,
        table.delimiter,
    )


@dataclass
class _Planner:
    """Decides each valid row against the database and the earlier rows of the file."""

    session: Session
    index: DuplicateIndex
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)
    claimed: dict[str, int] = field(default_factory=dict)  # trainee id -> the row that took it

    pending: list[tuple[int, dict[str, Any], list[str], list[tuple[str, tuple[str, ...]]]]] = field(
        default_factory=list
    )

    def plan(self, number: int, cleaned: dict[str, Any], notes: list[str]) -> PreviewRow | None:
        """A duplicate of an earlier row at once; otherwise None, decided by `finish`."""
        matches: list[tuple[str, tuple[str, ...]]] = []
        for match_id, _score, reasons in self.index.matches(cleaned, limit=5):
            if match_id.startswith(_ROW_ID):
                earlier = int(match_id[len(_ROW_ID) :])
                if same_person(cleaned, self.rows[earlier]):
                    name = display_name(self.rows[earlier])
                    return self._duplicate_of_row(number, cleaned, earlier, name)
            matches.append((match_id, tuple(reasons)))
        self.index.add(f"{_ROW_ID}{number}", cleaned)
        self.rows[number] = cleaned
        self.pending.append((number, cleaned, notes, matches))
        return None

    def finish(self) -> list[PreviewRow]:
        """The rows left by `plan`, decided against the trainees they may be (read at once)."""
        ids = sorted({m for *_rest, found in self.pending for m, _r in found if m[:4] != _ROW_ID})
        known: dict[str, dict[str, Any]] = {}
        columns = [getattr(Trainee, k) for k in ("id", *TRAINEE_FIELDS)]
        for start in range(0, len(ids), _CHUNK):
            query = select(*columns).where(Trainee.id.in_(ids[start : start + _CHUNK]))
            for row in self.session.execute(query):
                values = dict(row._mapping)
                known[values.pop("id")] = values
        return [self._decide(*entry, known) for entry in self.pending]

    def _decide(
        self,
        number: int,
        cleaned: dict[str, Any],
        notes: list[str],
        matches: list[tuple[str, tuple[str, ...]]],
        known: dict[str, dict[str, Any]],
    ) -> PreviewRow:
        possible: tuple[str, str, tuple[str, ...]] | None = None
        for match_id, reasons in matches:
            if match_id.startswith(_ROW_ID):
                other = self.rows[int(match_id[len(_ROW_ID) :])]
            elif match_id in known:
                other = known[match_id]
                if same_person(cleaned, other):
                    return self._matched(
                        number, cleaned, match_id, other, display_name(other), notes
                    )
            else:
                continue
            if possible is None:
                possible = (match_id, display_name(other), reasons)
        if possible is not None:
            match_id, name, reasons = possible
            notes = [
                _("Possibly the same person as {name} ({reasons}); check before importing.").format(
                    name=name, reasons=", ".join(reasons)
                ),
                *notes,
            ]
            if match_id.startswith(_ROW_ID):
                match_id = ""
        else:
            match_id, name = "", ""
        return PreviewRow(
            number, RowAction.CREATE, cleaned, " ".join(notes), match_id or None, name or None
        )

    def _duplicate_of_row(
        self, number: int, cleaned: dict[str, Any], earlier: int, name: str
    ) -> PreviewRow:
        reason = _("Same person as row {row}: skipped.").format(row=earlier)
        return PreviewRow(number, RowAction.DUPLICATE, cleaned, reason, None, name, earlier)

    def _matched(
        self,
        number: int,
        cleaned: dict[str, Any],
        match_id: str,
        current: dict[str, Any],
        name: str,
        notes: list[str],
    ) -> PreviewRow:
        earlier = self.claimed.get(match_id)
        if earlier is not None:
            reason = _("Same person as row {row}: skipped.").format(row=earlier)
            return PreviewRow(number, RowAction.DUPLICATE, cleaned, reason, match_id, name)
        self.claimed[match_id] = number
        changed = list(changes(cleaned, current))
        if not changed:
            reason = _("Already registered as {name}; nothing new.").format(name=name)
            return PreviewRow(number, RowAction.DUPLICATE, cleaned, reason, match_id, name)
        labels = ", ".join(field_label(_label_key(k)) for k in changed)
        reason = " ".join(
            [
                _("Same person as {name}; changes: {fields}.").format(name=name, fields=labels),
                *notes,
            ]
        )
        return PreviewRow(number, RowAction.UPDATE, cleaned, reason, match_id, name)


def _label_key(key: str) -> str:
    return "organisation" if key == "organisation_id" else key


# --- apply -----------------------------------------------------------------------------------


def apply_roster(
    ctx: AppContext,
    preview: RosterPreview,
    *,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> RosterResult:
    """Import the previewed rows in one transaction, checking them again against the database."""
    total = len(preview.rows)
    with ctx.unit_of_work() as session:
        if preview.workshop_id:
            get_live(session, Workshop, preview.workshop_id, _("workshop"))
        applier = _Applier(session, preview.rows)
        # One flush at the end: a flush per row (autoflush before each query) is ten times slower.
        with session.no_autoflush:
            for done, row in enumerate(preview.rows, start=1):
                if cancelled is not None and done % 200 == 0 and cancelled():
                    raise RosterCancelled()
                if report is not None and (done % 100 == 0 or done == total):
                    report(done, total)
                applier.apply(row)
        session.flush()
        enrolled = (
            _enrol(session, preview.workshop_id, applier.to_enrol) if preview.workshop_id else 0
        )
    counts = applier.counts
    log.info(
        "Roster imported into workshop %s: %d created, %d updated, %d skipped, %d rejected, "
        "%d enrolled",
        preview.workshop_id or "-",
        counts["created"],
        counts["updated"],
        counts["skipped"],
        counts["rejected"],
        enrolled,
    )
    return RosterResult(
        counts["created"], counts["updated"], counts["skipped"], counts["rejected"], enrolled
    )


class _Applier:
    """Writes the rows of a preview, checked again: the database may have changed since."""

    def __init__(self, session: Session, rows: list[PreviewRow]) -> None:
        self.session = session
        self.counts = dict.fromkeys(("created", "updated", "skipped", "rejected"), 0)
        self.by_row: dict[int, Trainee] = {}
        self.to_enrol: list[Trainee] = []
        self.existing = _Existing(session, [r.fields for r in rows if r.action == "create"])
        wanted = sorted({r.match_id for r in rows if r.match_id and r.action != "create"})
        self.targets: dict[str, Trainee] = {}
        for start in range(0, len(wanted), _CHUNK):
            query = select(Trainee).where(Trainee.id.in_(wanted[start : start + _CHUNK]))
            for trainee in session.scalars(query):
                if trainee.alive and not trainee.merged_into:
                    self.targets[trainee.id] = trainee

    def _done(self, row: PreviewRow, count: str, trainee: Trainee | None) -> None:
        self.counts[count] += 1
        if trainee is not None:
            self.by_row[row.row_number] = trainee
            self.to_enrol.append(trainee)

    def apply(self, row: PreviewRow) -> None:
        if row.action is RowAction.REJECT:
            self.counts["rejected"] += 1
            return
        target = self.targets.get(row.match_id or "")
        if row.action is RowAction.DUPLICATE:
            self._done(row, "skipped", self.by_row.get(row.same_as_row or 0) or target)
            return
        try:
            if row.action is RowAction.UPDATE and target is not None:
                cleaned = clean_trainee_fields(self.session, row.fields, target)
                changed = changes(cleaned, _trainee_fields(target))
                for key, value in changed.items():
                    setattr(target, key, value)
                self._done(row, "updated" if changed else "skipped", target)
                return
            # A matched trainee deleted or merged since the preview: the row is created.
            cleaned = clean_trainee_fields(self.session, row.fields)
        except ValidationError:
            # The database changed since the preview (an organisation deleted...).
            self.counts["rejected"] += 1
            return
        twin = self.existing.twin(cleaned)
        if twin is not None:
            # Already imported since the preview (the same file twice): not created again.
            self._done(row, "skipped", twin)
            return
        trainee = Trainee(**cleaned)
        self.session.add(trainee)
        self._done(row, "created", trainee)


class _Existing:
    """Live trainees sharing the phone digits or the sort name of rows about to be created."""

    def __init__(self, session: Session, rows: list[dict[str, Any]]) -> None:
        phones = sorted({digits(r.get("phone")) for r in rows if r.get("phone")})
        names = sorted({_sort_key(r) for r in rows if not r.get("phone")})
        self.by_key: dict[str, list[Trainee]] = {}
        for column, values in ((Trainee.phone_digits, phones), (Trainee.sort_key, names)):
            for start in range(0, len(values), _CHUNK):
                query = select(Trainee).where(
                    column.in_(values[start : start + _CHUNK]),
                    Trainee.cl % 2 == 1,
                    Trainee.merged_into.is_(None),
                )
                for trainee in session.scalars(query):
                    self.by_key.setdefault(trainee.phone_digits, []).append(trainee)
                    self.by_key.setdefault(trainee.sort_key, []).append(trainee)

    def twin(self, row: dict[str, Any]) -> Trainee | None:
        """The trainee that is surely the person of `row`, if one exists."""
        key = digits(row.get("phone")) if row.get("phone") else _sort_key(row)
        return next(
            (t for t in self.by_key.get(key, []) if same_person(row, _trainee_fields(t))), None
        )


def _sort_key(row: dict[str, Any]) -> str:
    return str(Trainee.derive_values(row)["sort_key"])


def _enrol(session: Session, workshop_id: str, trainees: list[Trainee]) -> int:
    """Enrol each trainee once; returns how many were not enrolled before."""
    ids = list(dict.fromkeys(t.id for t in trainees))
    wanted = {enrollment_id(workshop_id, t): t for t in ids}
    keys = list(wanted)
    rows: dict[str, Enrollment] = {}
    for start in range(0, len(keys), _CHUNK):
        query = select(Enrollment).where(Enrollment.id.in_(keys[start : start + _CHUNK]))
        rows.update((e.id, e) for e in session.scalars(query))
    count = 0
    for row_id, trainee_id in wanted.items():
        row = rows.get(row_id)
        if row is None:
            session.add(
                Enrollment(
                    id=row_id,
                    workshop_id=workshop_id,
                    trainee_id=trainee_id,
                    role=EnrollmentRole.TRAINEE.value,
                    status=EnrollmentStatus.ENROLLED.value,
                )
            )
            count += 1
            continue
        if not row.alive or row.status != EnrollmentStatus.ENROLLED.value:
            count += 1
        if not row.alive:
            row.cl += 1
        if row.status != EnrollmentStatus.ENROLLED.value:
            row.status = EnrollmentStatus.ENROLLED.value
    return count

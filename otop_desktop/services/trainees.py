"""Trainees: register, edit, delete (tombstone), find."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from otop_desktop.db.models import Organisation, Trainee
from otop_desktop.domain import validation as v
from otop_desktop.domain.enums import Gender
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.domain.text import digits, fold
from otop_desktop.i18n import SUPPORTED_LOCALES, _
from otop_desktop.services.common import country_code, get_live, revive, soft_delete
from otop_desktop.services.context import AppContext

TRAINEE_FIELDS = (
    "given_names",
    "family_names",
    "chinese_name",
    "gender",
    "birth_year",
    "phone",
    "email",
    "town",
    "country",
    "organisation_id",
    "business_name",
    "preferred_language",
    "consent_data",
    "consent_photos",
    "notes",
)


@dataclass(frozen=True)
class TraineeInfo:
    id: str
    given_names: str | None
    family_names: str | None
    chinese_name: str | None
    gender: str | None
    birth_year: int | None
    phone: str | None
    email: str | None
    town: str | None
    country: str | None
    organisation_id: str | None
    business_name: str | None
    preferred_language: str | None
    consent_data: bool
    consent_photos: bool
    notes: str | None
    merged_into: str | None

    @property
    def display_name(self) -> str:
        """The name as printed: romanised name, with the Chinese-character name beside it."""
        latin = " ".join(p for p in (self.given_names, self.family_names) if p)
        if self.chinese_name and latin:
            return f"{self.chinese_name} ({latin})"
        return self.chinese_name or latin

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("id", *TRAINEE_FIELDS, "merged_into")}


def trainee_info(t: Trainee) -> TraineeInfo:
    """The plain record of an ORM trainee."""
    return TraineeInfo(
        id=t.id,
        given_names=t.given_names,
        family_names=t.family_names,
        chinese_name=t.chinese_name,
        gender=t.gender,
        birth_year=t.birth_year,
        phone=t.phone,
        email=t.email,
        town=t.town,
        country=t.country,
        organisation_id=t.organisation_id,
        business_name=t.business_name,
        preferred_language=t.preferred_language,
        consent_data=bool(t.consent_data),
        consent_photos=bool(t.consent_photos),
        notes=t.notes,
        merged_into=t.merged_into,
    )


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return fold(value) in ("1", "true", "yes", "y", "si", "sí", "是", "x")
    return bool(value)


def clean_trainee_fields(
    session: Session, fields: dict[str, Any], current: Trainee | None = None
) -> dict[str, Any]:
    """Validated values of the given trainee fields; errors name the field."""
    unknown = set(fields) - set(TRAINEE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown trainee field: {name}").format(name=", ".join(sorted(unknown)))
        )
    out: dict[str, Any] = {}
    for key, label in (("given_names", _("Given names")), ("family_names", _("Family names"))):
        if key in fields:
            out[key] = v.optional_text(fields[key], key, label, v.MAX_NAME)
    if "chinese_name" in fields:
        out["chinese_name"] = v.optional_text(
            fields["chinese_name"], "chinese_name", _("Name in Chinese characters"), 60
        )
    merged = {
        k: getattr(current, k) if current else None
        for k in ("given_names", "family_names", "chinese_name")
    }
    merged.update({k: out[k] for k in merged if k in out})
    if not merged["given_names"] and not merged["chinese_name"]:
        raise ValidationError(
            _("A trainee needs a name: given names, or a name in Chinese characters."),
            "given_names",
        )
    if "gender" in fields:
        if fields["gender"] in (None, ""):
            out["gender"] = None
        else:
            try:
                out["gender"] = Gender.parse(str(fields["gender"])).value
            except ValueError:
                raise ValidationError(
                    _(
                        "Unknown gender “{value}”: use female, male, other or prefer not to say."
                    ).format(value=fields["gender"]),
                    "gender",
                ) from None
    if "birth_year" in fields:
        out["birth_year"] = v.birth_year(fields["birth_year"])
    if "phone" in fields:
        out["phone"] = v.phone(fields["phone"])
    if "email" in fields:
        out["email"] = v.email(fields["email"])
    for key, label in (
        ("town", _("Town")),
        ("business_name", _("Business")),
        ("notes", _("Notes")),
    ):
        if key in fields:
            out[key] = v.optional_text(fields[key], key, label)
    if "country" in fields:
        out["country"] = country_code(fields["country"])
    if "preferred_language" in fields:
        lang = (fields["preferred_language"] or "").strip() or None
        if lang is not None and lang not in SUPPORTED_LOCALES:
            raise ValidationError(
                _("Unknown language “{value}”: use one of {choices}.").format(
                    value=lang, choices=", ".join(SUPPORTED_LOCALES)
                ),
                "preferred_language",
            )
        out["preferred_language"] = lang
    if "organisation_id" in fields:
        org = fields["organisation_id"] or None
        if org is not None:
            get_live(session, Organisation, org, _("organisation"))
        out["organisation_id"] = org
    for key in ("consent_data", "consent_photos"):
        if key in fields:
            out[key] = _bool(fields[key])
    return out


def add_trainee(ctx: AppContext, **fields: Any) -> TraineeInfo:
    """Register a trainee."""
    with ctx.unit_of_work() as session:
        values = clean_trainee_fields(session, fields)
        trainee = Trainee(**values)
        session.add(trainee)
        session.flush()
        return trainee_info(trainee)


def edit_trainee(ctx: AppContext, trainee_id: str, **fields: Any) -> TraineeInfo:
    """Change the given fields of a trainee (only changed cells become part of the change)."""
    with ctx.unit_of_work() as session:
        trainee = get_live(session, Trainee, trainee_id, _("trainee"))
        for key, value in clean_trainee_fields(session, fields, trainee).items():
            if getattr(trainee, key) != value:
                setattr(trainee, key, value)
        session.flush()
        return trainee_info(trainee)


def delete_trainee(ctx: AppContext, trainee_id: str) -> None:
    """Mark a trainee deleted; undo with `undelete_trainee`."""
    delete_trainees(ctx, [trainee_id])


def delete_trainees(ctx: AppContext, trainee_ids: Sequence[str]) -> None:
    """Mark several trainees deleted in one change (all or none); undo with
    `undelete_trainees`. The deletions sync like any edit."""
    with ctx.unit_of_work() as session:
        for trainee_id in trainee_ids:
            soft_delete(get_live(session, Trainee, trainee_id, _("trainee")))


def undelete_trainee(ctx: AppContext, trainee_id: str) -> TraineeInfo:
    """Bring back a deleted trainee."""
    return undelete_trainees(ctx, [trainee_id])[0]


def undelete_trainees(ctx: AppContext, trainee_ids: Sequence[str]) -> list[TraineeInfo]:
    """Bring back deleted trainees (the undo of `delete_trainees`)."""
    with ctx.unit_of_work() as session:
        revived = []
        for trainee_id in trainee_ids:
            trainee = session.get(Trainee, trainee_id)
            if trainee is None:
                raise NotFoundError(_("trainee"), trainee_id)
            revive(trainee)
            revived.append(trainee)
        session.flush()
        return [trainee_info(t) for t in revived]


def get_trainee(ctx: AppContext, trainee_id: str) -> TraineeInfo:
    """One live trainee."""
    with ctx.read() as session:
        return trainee_info(get_live(session, Trainee, trainee_id, _("trainee")))


# The columns a list of trainees can be sorted by (the table's columns, in its order).
SORT_COLUMNS = ("name", "town", "country", "organisation", "phone", "gender")


def phone_part(word: str) -> str:
    """The digits of a typed word that reads as (part of) a phone number, else ""."""
    number = digits(word)
    if len(number) >= 4 and len(number) == len(word.replace("-", "").replace("+", "")):
        return number
    return ""


def organisation_keys(session: Session) -> dict[str, str]:
    """Every live organisation's id with its folded name (there are few: a dict is enough)."""
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.cl % 2 == 1)
    ).tuples()
    return {org_id: fold(name) for org_id, name in rows if name}


def search_condition(text: str, organisations: dict[str, str] | None = None) -> Any:
    """A WHERE clause matching every word of `text` in names/town, the organisation's name
    (from `organisations`, id -> folded name) or, for digits, the phone."""
    clauses = []
    for word in fold(text).split():
        options = [Trainee.search_key.contains(word, autoescape=True)]
        number = phone_part(word)
        if number:
            options.append(Trainee.phone_digits.contains(number, autoescape=True))
        org_ids = [org_id for org_id, name in (organisations or {}).items() if word in name]
        if org_ids:
            options.append(Trainee.organisation_id.in_(org_ids))
        clauses.append(or_(*options) if len(options) > 1 else options[0])
    return and_(*clauses) if clauses else None


def _live_trainees(session: Session, text: str, query: Select[Any]) -> Select[Any]:
    query = query.where(Trainee.cl % 2 == 1, Trainee.merged_into.is_(None))
    condition = search_condition(text, organisation_keys(session) if text.strip() else None)
    return query if condition is None else query.where(condition)


def sorted_query(query: Select[Any], sort: str = "name", descending: bool = False) -> Select[Any]:
    """`query` (of trainees) ordered by the column `sort`, then by name and id: a stable order.

    Empty values come last (first when descending: the order is exactly reversed). Only the
    name order has an index; the others sort in the database, which takes a fraction of a
    second for 100,000 trainees.
    """
    if sort not in SORT_COLUMNS:
        raise ValidationError(
            _("Unknown column “{value}”: use one of {choices}.").format(
                value=sort, choices=", ".join(SORT_COLUMNS)
            ),
            "sort",
        )
    keys: list[Any] = []
    if sort == "organisation":
        org = aliased(Organisation)
        query = query.outerjoin(org, and_(org.id == Trainee.organisation_id, org.cl % 2 == 1))
        keys = [org.name.is_(None), func.lower(org.name)]
    elif sort == "town":
        keys = [Trainee.town.is_(None), func.lower(Trainee.town)]
    elif sort == "country":
        keys = [Trainee.country.is_(None), Trainee.country]
    elif sort == "phone":
        keys = [Trainee.phone_digits == "", Trainee.phone_digits]
    elif sort == "gender":
        keys = [Trainee.gender.is_(None), Trainee.gender]
    keys += [Trainee.sort_key, Trainee.id]
    return query.order_by(*(k.desc() for k in keys) if descending else keys)


def search_trainees(
    ctx: AppContext,
    text: str = "",
    *,
    limit: int = 200,
    offset: int = 0,
    sort: str = "name",
    descending: bool = False,
) -> list[TraineeInfo]:
    """Live, unmerged trainees whose names, town, organisation or phone match `text`, ordered
    by `sort` (one of SORT_COLUMNS; by family name unless told)."""
    with ctx.read() as session:
        query = sorted_query(_live_trainees(session, text, select(Trainee)), sort, descending)
        return [trainee_info(t) for t in session.scalars(query.limit(limit).offset(offset))]


def count_trainees(ctx: AppContext, text: str = "") -> int:
    """How many live, unmerged trainees match `text`."""
    with ctx.read() as session:
        query = _live_trainees(session, text, select(func.count()).select_from(Trainee))
        return int(session.scalar(query) or 0)


_INFO_COLUMNS = tuple(getattr(Trainee, name) for name in ("id", *TRAINEE_FIELDS, "merged_into"))


def get_trainees(ctx: AppContext, ids: Sequence[str]) -> list[TraineeInfo | None]:
    """The trainees of `ids`, in that order; None for an id that is gone or deleted."""
    found: dict[str, TraineeInfo] = {}
    with ctx.read() as session:
        # Plain rows, not ORM objects: a page of the table is read on every key typed.
        # Chunks stay under every database's limit of bound parameters.
        for start in range(0, len(ids), 500):
            query = select(*_INFO_COLUMNS).where(
                Trainee.id.in_(list(ids[start : start + 500])), Trainee.cl % 2 == 1
            )
            for row in session.execute(query):
                values = row._asdict()
                values["consent_data"] = bool(values["consent_data"])
                values["consent_photos"] = bool(values["consent_photos"])
                found[row.id] = TraineeInfo(**values)
    return [found.get(trainee_id) for trainee_id in ids]

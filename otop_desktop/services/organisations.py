"""Partner organisations: NGOs, cooperatives, small enterprises, community groups, offices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from otop_desktop.db.models import Organisation, Trainee, Workshop, WorkshopPartner
from otop_desktop.domain import validation as v
from otop_desktop.domain.enums import OrganisationKind
from otop_desktop.domain.errors import NotFoundError, ValidationError
from otop_desktop.i18n import _
from otop_desktop.services.common import country_code, get_live, revive, soft_delete
from otop_desktop.services.context import AppContext


@dataclass(frozen=True)
class OrganisationInfo:
    id: str
    name: str
    org_kind: str | None
    country: str | None
    town: str | None
    contact_name: str | None
    phone: str | None
    email: str | None
    notes: str | None


def _info(o: Organisation) -> OrganisationInfo:
    return OrganisationInfo(
        o.id,
        o.name or "",
        o.org_kind,
        o.country,
        o.town,
        o.contact_name,
        o.phone,
        o.email,
        o.notes,
    )


def _clean(fields: dict[str, Any], creating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in fields or creating:
        out["name"] = v.required_text(fields.get("name"), "name", _("Name"), 200)
    if fields.get("org_kind"):
        try:
            out["org_kind"] = OrganisationKind.parse(str(fields["org_kind"])).value
        except ValueError:
            raise ValidationError(
                _("Unknown kind of organisation: {value}").format(value=fields["org_kind"]),
                "org_kind",
            ) from None
    elif "org_kind" in fields and not creating:
        out["org_kind"] = None  # a kind chosen by mistake can be taken back
    if "country" in fields:
        out["country"] = country_code(fields["country"])
    for key, label in (
        ("town", _("Town")),
        ("contact_name", _("Contact person")),
        ("notes", _("Notes")),
    ):
        if key in fields:
            out[key] = v.optional_text(fields[key], key, label)
    if "phone" in fields:
        out["phone"] = v.phone(fields["phone"])
    if "email" in fields:
        out["email"] = v.email(fields["email"])
    return out


def add_organisation(ctx: AppContext, **fields: Any) -> OrganisationInfo:
    """A new organisation; `name` is required."""
    values = _clean(fields, creating=True)
    with ctx.unit_of_work() as session:
        org = Organisation(**values)
        session.add(org)
        session.flush()
        return _info(org)


def edit_organisation(ctx: AppContext, organisation_id: str, **fields: Any) -> OrganisationInfo:
    """Change the given fields of an organisation."""
    values = _clean(fields, creating=False)
    with ctx.unit_of_work() as session:
        org = get_live(session, Organisation, organisation_id, _("organisation"))
        for key, value in values.items():
            setattr(org, key, value)
        session.flush()
        return _info(org)


def delete_organisation(ctx: AppContext, organisation_id: str) -> None:
    """Mark an organisation deleted (syncs)."""
    with ctx.unit_of_work() as session:
        soft_delete(get_live(session, Organisation, organisation_id, _("organisation")))


def list_organisations(ctx: AppContext) -> list[OrganisationInfo]:
    """Live organisations by name."""
    with ctx.read() as session:
        rows = session.scalars(
            select(Organisation).where(Organisation.cl % 2 == 1).order_by(Organisation.name)
        )
        return [_info(o) for o in rows]


@dataclass(frozen=True)
class OrganisationSummary:
    """An organisation with how many live workshops it partners and trainees belong to it."""

    organisation: OrganisationInfo
    workshop_count: int
    trainee_count: int


def get_organisation(ctx: AppContext, organisation_id: str) -> OrganisationInfo:
    """One live organisation."""
    with ctx.read() as session:
        return _info(get_live(session, Organisation, organisation_id, _("organisation")))


def undelete_organisation(ctx: AppContext, organisation_id: str) -> OrganisationInfo:
    """Bring back a deleted organisation (the undo of `delete_organisation`; syncs)."""
    with ctx.unit_of_work() as session:
        org = session.get(Organisation, organisation_id)
        if org is None:
            raise NotFoundError(_("organisation"), organisation_id)
        revive(org)
        session.flush()
        return _info(org)


def organisation_summaries(ctx: AppContext) -> list[OrganisationSummary]:
    """Live organisations by name, each with its live workshops and live, unmerged trainees."""
    with ctx.read() as session:
        workshops = dict(
            session.execute(
                select(WorkshopPartner.organisation_id, func.count())
                .join(Workshop, Workshop.id == WorkshopPartner.workshop_id)
                .where(WorkshopPartner.cl % 2 == 1, Workshop.cl % 2 == 1)
                .group_by(WorkshopPartner.organisation_id)
            )
            .tuples()
            .all()
        )
        trainees = dict(
            session.execute(
                select(Trainee.organisation_id, func.count())
                .where(
                    Trainee.cl % 2 == 1,
                    Trainee.merged_into.is_(None),
                    Trainee.organisation_id.is_not(None),
                )
                .group_by(Trainee.organisation_id)
            )
            .tuples()
            .all()
        )
        rows = session.scalars(
            select(Organisation).where(Organisation.cl % 2 == 1).order_by(Organisation.name)
        )
        return [
            OrganisationSummary(_info(o), workshops.get(o.id, 0), trainees.get(o.id, 0))
            for o in rows
        ]


def partnered_workshops(ctx: AppContext, organisation_id: str) -> list[str]:
    """Titles of the live workshops an organisation partners, sorted."""
    with ctx.read() as session:
        titles = session.scalars(
            select(Workshop.title)
            .join(WorkshopPartner, WorkshopPartner.workshop_id == Workshop.id)
            .where(
                WorkshopPartner.organisation_id == organisation_id,
                WorkshopPartner.cl % 2 == 1,
                Workshop.cl % 2 == 1,
            )
        )
        return sorted(t for t in titles if t)

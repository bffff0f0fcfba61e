"""Typed SQLAlchemy models of every entity (DESIGN.md section 3) and the local sync tables.

Synced tables share `SyncedRow`: a device-made id, the row's causal length (`cl`, odd = alive,
even = deleted) and a clock per cell (`clocks`: column -> [hlc, replica]). Their data columns are
nullable in the database on purpose: a bundle may deliver an edit of a row before the change that
created it (relays, gaps), and the merge must store what it has. Required fields are enforced by
the services. Likewise, references between synced rows are plain ids without database foreign
keys (as in cr-sqlite, which refuses them on replicated tables): a row may arrive before the row
it names, and rows are never deleted, only tombstoned.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Float,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from otop_desktop.db.types import DecimalText, IsoDate
from otop_desktop.domain.text import digits, fold, fold_words

ID = String(36)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class SyncedRow(Base):
    """Columns every synced table has; the data columns are all the others."""

    __abstract__ = True
    # Columns filled on this device only, from the data columns; never synced, never dumped.
    derived_columns: ClassVar[tuple[str, ...]] = ()
    # The short name used in messages ("trainee", "workshop").
    kind: ClassVar[str] = "record"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    cl: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    clocks: Mapped[str] = mapped_column(Text, default="{}", nullable=False)

    @property
    def alive(self) -> bool:
        return self.cl % 2 == 1

    def derive(self) -> None:
        """Recompute the derived columns from the data columns."""

    @classmethod
    def derive_values(cls, values: dict[str, Any]) -> dict[str, Any]:
        """The derived columns for a row whose data columns are `values` (used by the merge)."""
        return {}


SYNC_COLUMNS = ("id", "cl", "clocks")


class Organisation(SyncedRow):
    __tablename__ = "organisation"
    kind = "organisation"

    name: Mapped[str | None] = mapped_column(String(200))
    org_kind: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    town: Mapped[str | None] = mapped_column(String(120))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str | None] = mapped_column(Text)


class Workshop(SyncedRow):
    __tablename__ = "workshop"
    kind = "workshop"

    title: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(20))
    programme: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    town: Mapped[str | None] = mapped_column(String(120))
    venue: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[dt.date | None] = mapped_column(IsoDate)
    end_date: Mapped[dt.date | None] = mapped_column(IsoDate)
    languages: Mapped[str | None] = mapped_column(String(60))
    trainers: Mapped[str | None] = mapped_column(Text)
    min_attendance_rate: Mapped[float | None] = mapped_column(Float)
    late_counts: Mapped[bool | None] = mapped_column(Boolean)
    excused_counts: Mapped[bool | None] = mapped_column(Boolean)
    archived: Mapped[bool | None] = mapped_column(Boolean)
    # Comma list of the follow-up periods after the end date ("month_3,month_6,month_12");
    # None = all three. The baseline is always due at enrolment.
    follow_up_schedule: Mapped[str | None] = mapped_column(String(60))


class WorkshopPartner(SyncedRow):
    """A partner organisation of a workshop; the id is the pair's uuid5."""

    __tablename__ = "workshop_partner"
    kind = "partner"

    workshop_id: Mapped[str | None] = mapped_column(ID, index=True)
    organisation_id: Mapped[str | None] = mapped_column(ID)


class TrainingSession(SyncedRow):
    """One session of a workshop (called Session in DESIGN.md)."""

    __tablename__ = "training_session"
    kind = "session"

    workshop_id: Mapped[str | None] = mapped_column(ID, index=True)
    date: Mapped[dt.date | None] = mapped_column(IsoDate)
    start_time: Mapped[str | None] = mapped_column(String(5))
    hours: Mapped[float | None] = mapped_column(Float)
    topic: Mapped[str | None] = mapped_column(String(300))


class Trainee(SyncedRow):
    __tablename__ = "trainee"
    kind = "trainee"
    derived_columns = ("search_key", "sort_key", "phone_digits")

    given_names: Mapped[str | None] = mapped_column(String(120))
    family_names: Mapped[str | None] = mapped_column(String(120))
    chinese_name: Mapped[str | None] = mapped_column(String(60))
    gender: Mapped[str | None] = mapped_column(String(20))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    town: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(2))
    organisation_id: Mapped[str | None] = mapped_column(ID)
    business_name: Mapped[str | None] = mapped_column(String(200))
    preferred_language: Mapped[str | None] = mapped_column(String(20))
    consent_data: Mapped[bool | None] = mapped_column(Boolean)
    consent_photos: Mapped[bool | None] = mapped_column(Boolean)
    merged_into: Mapped[str | None] = mapped_column(ID)
    notes: Mapped[str | None] = mapped_column(Text)

    search_key: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # Family name (or Chinese name) then given names, folded: an indexed order for long lists.
    sort_key: Mapped[str] = mapped_column(Text, default="", nullable=False)
    phone_digits: Mapped[str] = mapped_column(String(40), default="", nullable=False)

    __table_args__ = (
        Index("ix_trainee_sort", "sort_key", "id"),
        Index("ix_trainee_phone_digits", "phone_digits"),
        Index("ix_trainee_merged_into", "merged_into"),
    )

    @classmethod
    def derive_values(cls, values: dict[str, Any]) -> dict[str, Any]:
        get = values.get
        return {
            "search_key": fold_words(
                get("given_names"), get("family_names"), get("chinese_name"), get("town")
            ),
            "sort_key": fold(get("family_names") or get("chinese_name") or "")
            + "\x1f"
            + fold(get("given_names")),
            "phone_digits": digits(get("phone")),
        }

    def derive(self) -> None:
        for key, value in self.derive_values(
            {
                k: getattr(self, k)
                for k in ("given_names", "family_names", "chinese_name", "town", "phone")
            }
        ).items():
            setattr(self, key, value)


class Enrollment(SyncedRow):
    """A trainee in a workshop; the id is the uuid5 of (workshop, trainee)."""

    __tablename__ = "enrollment"
    kind = "enrollment"

    workshop_id: Mapped[str | None] = mapped_column(ID, index=True)
    trainee_id: Mapped[str | None] = mapped_column(ID, index=True)
    role: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(20))

    # Covering the dashboard's counts of a workshop's people (migration 0004).
    __table_args__ = (
        Index("ix_enrollment_workshop_people", "workshop_id", "trainee_id", "status", "role", "cl"),
    )


class Attendance(SyncedRow):
    """A mark of one trainee at one session; the id is the uuid5 of (session, trainee)."""

    __tablename__ = "attendance"
    kind = "attendance"

    session_id: Mapped[str | None] = mapped_column(ID, index=True)
    trainee_id: Mapped[str | None] = mapped_column(ID, index=True)
    status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)

    # Covering the dashboard's counts of an enrolled trainee's marks (migration 0004).
    __table_args__ = (
        Index("ix_attendance_trainee_marks", "trainee_id", "session_id", "status", "cl"),
    )


class Product(SyncedRow):
    __tablename__ = "product"
    kind = "product"

    name: Mapped[str | None] = mapped_column(String(200))
    owner_trainee_id: Mapped[str | None] = mapped_column(ID, index=True)
    owner_organisation_id: Mapped[str | None] = mapped_column(ID)
    workshop_id: Mapped[str | None] = mapped_column(ID, index=True)
    category: Mapped[str | None] = mapped_column(String(20))
    origin_town: Mapped[str | None] = mapped_column(String(120))
    origin_country: Mapped[str | None] = mapped_column(String(2))
    description: Mapped[str | None] = mapped_column(Text)
    materials: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal | None] = mapped_column(DecimalText)
    currency: Mapped[str | None] = mapped_column(String(3))

    # Covering the gallery's products of a workshop in name order (migration 0005).
    __table_args__ = (Index("ix_product_workshop_gallery", "workshop_id", "name", "id", "cl"),)


class Photo(SyncedRow):
    """A photo of a product; the bytes live in the content-addressed store under `sha256`."""

    __tablename__ = "photo"
    kind = "photo"

    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    product_id: Mapped[str | None] = mapped_column(ID, index=True)
    byte_size: Mapped[int | None] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    caption: Mapped[str | None] = mapped_column(Text)
    taken_at: Mapped[str | None] = mapped_column(String(32))
    consent: Mapped[bool | None] = mapped_column(Boolean)

    # Covering the gallery's photos of a product in the order they were taken (migration 0005).
    __table_args__ = (Index("ix_photo_product_gallery", "product_id", "taken_at", "id", "cl"),)


class FollowUp(SyncedRow):
    """An outcome measurement of a trainee: the time series that shows results."""

    __tablename__ = "follow_up"
    kind = "follow-up"

    trainee_id: Mapped[str | None] = mapped_column(ID, index=True)
    workshop_id: Mapped[str | None] = mapped_column(ID, index=True)
    date: Mapped[dt.date | None] = mapped_column(IsoDate)
    period: Mapped[str | None] = mapped_column(String(20))
    monthly_income: Mapped[Decimal | None] = mapped_column(DecimalText)
    currency: Mapped[str | None] = mapped_column(String(3))
    employed_paid: Mapped[int | None] = mapped_column(Integer)
    employed_family: Mapped[int | None] = mapped_column(Integer)
    units_sold: Mapped[int | None] = mapped_column(Integer)
    main_price: Mapped[Decimal | None] = mapped_column(DecimalText)
    new_markets: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    # Covering the dashboard's queries (migration 0004): a trainee's follow-ups in a workshop
    # (the baseline of a later one), and a workshop's by period and currency with the figures.
    __table_args__ = (
        Index(
            "ix_follow_up_workshop_trainee",
            "workshop_id",
            "trainee_id",
            "period",
            "cl",
            "currency",
            "monthly_income",
            "date",
        ),
        Index(
            "ix_follow_up_workshop_period",
            "workshop_id",
            "period",
            "currency",
            "trainee_id",
            "cl",
            "monthly_income",
            "date",
            "employed_paid",
            "employed_family",
            "units_sold",
        ),
    )


class ExchangeRate(SyncedRow):
    """A rate the coordinator entered: 1 `currency` = `rate` `target_currency` from `valid_from`."""

    __tablename__ = "exchange_rate"
    kind = "exchange-rate"

    currency: Mapped[str | None] = mapped_column(String(3))
    target_currency: Mapped[str | None] = mapped_column(String(3))
    rate: Mapped[Decimal | None] = mapped_column(DecimalText)
    valid_from: Mapped[dt.date | None] = mapped_column(IsoDate)
    note: Mapped[str | None] = mapped_column(Text)


class Certificate(SyncedRow):
    """An issued certificate; the id is the uuid5 of (workshop, trainee), so reprints reuse it."""

    __tablename__ = "certificate"
    kind = "certificate"

    trainee_id: Mapped[str | None] = mapped_column(ID, index=True)
    workshop_id: Mapped[str | None] = mapped_column(ID, index=True)
    code: Mapped[str | None] = mapped_column(String(20), index=True)
    issued_at: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(20))
    attendance_rate: Mapped[float | None] = mapped_column(Float)
    exception_reason: Mapped[str | None] = mapped_column(Text)


SYNCED_MODELS: tuple[type[SyncedRow], ...] = (
    Organisation,
    Workshop,
    WorkshopPartner,
    TrainingSession,
    Trainee,
    Enrollment,
    Attendance,
    Product,
    Photo,
    FollowUp,
    ExchangeRate,
    Certificate,
)
MODEL_BY_TABLE: dict[str, type[SyncedRow]] = {m.__tablename__: m for m in SYNCED_MODELS}


def data_columns(model: type[SyncedRow]) -> tuple[str, ...]:
    """The synced data columns of `model`, in table order."""
    skip = set(SYNC_COLUMNS) | set(model.derived_columns)
    return tuple(c.key for c in model.__table__.columns if c.key not in skip)

"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 11:05:21.068667
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "attendance",
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.Column("trainee_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_trainee_id"), ["trainee_id"], unique=False)

    op.create_table(
        "bundle_record",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bundle_id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("peer_replica", sa.String(length=36), nullable=True),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("bundle_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bundle_record_bundle_id"), ["bundle_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_bundle_record_file_sha256"), ["file_sha256"], unique=False
        )

    op.create_table(
        "certificate",
        sa.Column("trainee_id", sa.String(length=36), nullable=True),
        sa.Column("workshop_id", sa.String(length=36), nullable=True),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.Column("issued_at", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=20), nullable=True),
        sa.Column("attendance_rate", sa.Float(), nullable=True),
        sa.Column("exception_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificate_trainee_id"), ["trainee_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_certificate_workshop_id"), ["workshop_id"], unique=False
        )

    op.create_table(
        "change_log",
        sa.Column("replica_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("base", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("replica_id", "seq"),
    )
    op.create_table(
        "conflict",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("col_name", sa.String(length=60), nullable=False),
        sa.Column("kept_value", sa.Text(), nullable=True),
        sa.Column("kept_hlc", sa.BigInteger(), nullable=False),
        sa.Column("kept_replica", sa.String(length=36), nullable=False),
        sa.Column("lost_value", sa.Text(), nullable=True),
        sa.Column("lost_hlc", sa.BigInteger(), nullable=False),
        sa.Column("lost_replica", sa.String(length=36), nullable=False),
        sa.Column("detected_at", sa.String(length=32), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.create_index("ix_conflict_open", ["resolved", "tbl", "row_id"], unique=False)

    op.create_table(
        "enrollment",
        sa.Column("workshop_id", sa.String(length=36), nullable=True),
        sa.Column("trainee_id", sa.String(length=36), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrollment_trainee_id"), ["trainee_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_enrollment_workshop_id"), ["workshop_id"], unique=False
        )

    op.create_table(
        "follow_up",
        sa.Column("trainee_id", sa.String(length=36), nullable=True),
        sa.Column("workshop_id", sa.String(length=36), nullable=True),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("period", sa.String(length=20), nullable=True),
        sa.Column("monthly_income", sa.String(length=40), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("employed_paid", sa.Integer(), nullable=True),
        sa.Column("employed_family", sa.Integer(), nullable=True),
        sa.Column("units_sold", sa.Integer(), nullable=True),
        sa.Column("main_price", sa.String(length=40), nullable=True),
        sa.Column("new_markets", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_trainee_id"), ["trainee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "local_setting",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "organisation",
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("org_kind", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("town", sa.String(length=120), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "peer",
        sa.Column("replica_id", sa.String(length=36), nullable=False),
        sa.Column("device_name", sa.String(length=120), nullable=True),
        sa.Column("public_key", sa.Text(), nullable=True),
        sa.Column("first_seen_at", sa.String(length=32), nullable=True),
        sa.Column("last_bundle_at", sa.String(length=32), nullable=True),
        sa.Column("their_seen", sa.Text(), nullable=False),
        sa.Column("key_changed_at", sa.String(length=32), nullable=True),
        sa.Column("wants", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("replica_id"),
    )
    op.create_table(
        "photo",
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("product_id", sa.String(length=36), nullable=True),
        sa.Column("byte_size", sa.Integer(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("taken_at", sa.String(length=32), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photo_product_id"), ["product_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_photo_sha256"), ["sha256"], unique=False)

    op.create_table(
        "product",
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("owner_trainee_id", sa.String(length=36), nullable=True),
        sa.Column("owner_organisation_id", sa.String(length=36), nullable=True),
        sa.Column("workshop_id", sa.String(length=36), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("origin_town", sa.String(length=120), nullable=True),
        sa.Column("origin_country", sa.String(length=2), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("materials", sa.Text(), nullable=True),
        sa.Column("price", sa.String(length=40), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_owner_trainee_id"), ["owner_trainee_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_product_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "replica_seen",
        sa.Column("replica_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("replica_id"),
    )
    op.create_table(
        "replica_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("replica_id", sa.String(length=36), nullable=False),
        sa.Column("device_name", sa.String(length=120), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hlc", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("home", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "trainee",
        sa.Column("given_names", sa.String(length=120), nullable=True),
        sa.Column("family_names", sa.String(length=120), nullable=True),
        sa.Column("chinese_name", sa.String(length=60), nullable=True),
        sa.Column("gender", sa.String(length=20), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("town", sa.String(length=120), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("business_name", sa.String(length=200), nullable=True),
        sa.Column("preferred_language", sa.String(length=20), nullable=True),
        sa.Column("consent_data", sa.Boolean(), nullable=True),
        sa.Column("consent_photos", sa.Boolean(), nullable=True),
        sa.Column("merged_into", sa.String(length=36), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("search_key", sa.Text(), nullable=False),
        sa.Column("sort_key", sa.Text(), nullable=False),
        sa.Column("phone_digits", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("trainee", schema=None) as batch_op:
        batch_op.create_index("ix_trainee_sort", ["sort_key", "id"], unique=False)
        batch_op.create_index("ix_trainee_phone_digits", ["phone_digits"], unique=False)

    op.create_table(
        "training_session",
        sa.Column("workshop_id", sa.String(length=36), nullable=True),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("start_time", sa.String(length=5), nullable=True),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.Column("topic", sa.String(length=300), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_session_workshop_id"), ["workshop_id"], unique=False
        )

    op.create_table(
        "workshop",
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("programme", sa.String(length=200), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("town", sa.String(length=120), nullable=True),
        sa.Column("venue", sa.String(length=200), nullable=True),
        sa.Column("start_date", sa.String(length=10), nullable=True),
        sa.Column("end_date", sa.String(length=10), nullable=True),
        sa.Column("languages", sa.String(length=60), nullable=True),
        sa.Column("trainers", sa.Text(), nullable=True),
        sa.Column("min_attendance_rate", sa.Float(), nullable=True),
        sa.Column("late_counts", sa.Boolean(), nullable=True),
        sa.Column("excused_counts", sa.Boolean(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "workshop_partner",
        sa.Column("workshop_id", sa.String(length=36), nullable=True),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("workshop_partner", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_partner_workshop_id"), ["workshop_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("workshop_partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_partner_workshop_id"))

    op.drop_table("workshop_partner")
    op.drop_table("workshop")
    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_session_workshop_id"))

    op.drop_table("training_session")
    with op.batch_alter_table("trainee", schema=None) as batch_op:
        batch_op.drop_index("ix_trainee_phone_digits")
        batch_op.drop_index("ix_trainee_sort")

    op.drop_table("trainee")
    op.drop_table("replica_state")
    op.drop_table("replica_seen")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_product_owner_trainee_id"))

    op.drop_table("product")
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photo_sha256"))
        batch_op.drop_index(batch_op.f("ix_photo_product_id"))

    op.drop_table("photo")
    op.drop_table("peer")
    op.drop_table("organisation")
    op.drop_table("local_setting")
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_follow_up_trainee_id"))

    op.drop_table("follow_up")
    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollment_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_enrollment_trainee_id"))

    op.drop_table("enrollment")
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.drop_index("ix_conflict_open")

    op.drop_table("conflict")
    op.drop_table("change_log")
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_certificate_trainee_id"))
        batch_op.drop_index(batch_op.f("ix_certificate_code"))

    op.drop_table("certificate")
    with op.batch_alter_table("bundle_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bundle_record_bundle_id"))

    op.drop_table("bundle_record")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_trainee_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_session_id"))

    op.drop_table("attendance")

"""covering indexes for the programme dashboard

The dashboard counts marks, enrolments and follow-ups of whole programmes with grouped queries.
Through these indexes those queries read only the columns they need, in the order they group
by, instead of the whole rows (the rows carry per-column sync clocks): 50,000 trainees with
150,000 follow-ups and 300,000 marks go from 1.6 s to about 0.6 s. Only indexes: what syncs does
not change, so bundles stay stamped 0003 (migrate.DATA_HEAD).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Name, table, columns; the same as the Index entries of db/models.py.
INDEXES: tuple[tuple[str, str, list[str]], ...] = (
    (
        "ix_attendance_trainee_marks",
        "attendance",
        ["trainee_id", "session_id", "status", "cl"],
    ),
    (
        "ix_enrollment_workshop_people",
        "enrollment",
        ["workshop_id", "trainee_id", "status", "role", "cl"],
    ),
    (
        "ix_follow_up_workshop_trainee",
        "follow_up",
        ["workshop_id", "trainee_id", "period", "cl", "currency", "monthly_income", "date"],
    ),
    (
        "ix_follow_up_workshop_period",
        "follow_up",
        [
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
        ],
    ),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)

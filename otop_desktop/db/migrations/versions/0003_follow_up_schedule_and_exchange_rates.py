"""workshop.follow_up_schedule and the exchange_rate table

Workshops say which follow-ups they schedule after their end date (issue #9), and coordinators
enter dated exchange rates so amounts in different currencies are converted, never summed as if
equal. Both change synced data, so bundles are stamped 0003 from here on.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_schedule", sa.String(length=60), nullable=True))

    op.create_table(
        "exchange_rate",
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("target_currency", sa.String(length=3), nullable=True),
        sa.Column("rate", sa.String(length=40), nullable=True),
        sa.Column("valid_from", sa.String(length=10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cl", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("exchange_rate")
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_column("follow_up_schedule")

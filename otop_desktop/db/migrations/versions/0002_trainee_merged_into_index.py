"""index trainee.merged_into

Every list that follows merges asks which trainees are merged into which; with the index that
is a look at the few merged rows, not a scan of every trainee (a mark at 50,000 trainees).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 15:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trainee", schema=None) as batch_op:
        batch_op.create_index("ix_trainee_merged_into", ["merged_into"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trainee", schema=None) as batch_op:
        batch_op.drop_index("ix_trainee_merged_into")

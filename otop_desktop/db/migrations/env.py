"""Alembic environment: runs on the connection the app hands over in `config.attributes`."""

from __future__ import annotations

from alembic import context

from otop_desktop.db import local_models  # noqa: F401  (registers the local tables)
from otop_desktop.db.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

"""Storage: engine (SQLite by default, PostgreSQL by URL), typed models, Alembic migrations."""

"""Persistence: SQLAlchemy models, engine/session helpers, Alembic migrations."""

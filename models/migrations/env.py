"""Alembic environment: runs on the connection passed by models.db.migrate."""

from __future__ import annotations

from alembic import context

from models.schema import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Use models.db.migrate(engine): it passes the connection to Alembic.")

context.configure(connection=connection, target_metadata=target_metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()

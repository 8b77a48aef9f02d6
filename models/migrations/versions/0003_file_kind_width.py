"""source_files.file_kind wide enough for "desconocido"

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # VARCHAR(10) could not hold "desconocido": PostgreSQL refused a quarantined text file.
    with op.batch_alter_table("source_files", schema=None) as batch_op:
        batch_op.alter_column("file_kind", existing_type=sa.String(length=10),
                              type_=sa.String(length=20), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("source_files", schema=None) as batch_op:
        batch_op.alter_column("file_kind", existing_type=sa.String(length=20),
                              type_=sa.String(length=10), existing_nullable=False)

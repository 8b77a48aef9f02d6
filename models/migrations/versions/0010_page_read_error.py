"""pages.read_error: a page the OCR engine failed on, kept with its reason

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Pages stored before were all read (a failure quarantined the whole file): NULL.
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("read_error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_column("read_error")

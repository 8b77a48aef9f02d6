"""The procedure after the review: deadlines (documents.due_on, due_step, registered_on)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registered_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("due_step", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_due_on"), ["due_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_due_on"))
        batch_op.drop_column("due_step")
        batch_op.drop_column("due_on")
        batch_op.drop_column("registered_on")

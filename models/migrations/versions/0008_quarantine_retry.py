"""source_files.transient: quarantined for a cause that may pass, retried on the next run

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Files quarantined before this column existed keep their quarantine: their cause is
    # not known, and `buzon ingest --reintentar` reads them again.
    with op.batch_alter_table("source_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transient", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # The causes already told apart before: a task lost with its workers, a page on which
    # Tesseract ran out of time or failed (texts as intake wrote them then).
    source_files = sa.table("source_files", sa.column("status", sa.String),
                            sa.column("error", sa.Text), sa.column("transient", sa.Boolean))
    op.execute(source_files.update().where(
        source_files.c.status == "cuarentena",
        sa.or_(source_files.c.error == "falló la lectura del archivo en el clúster",
               source_files.c.error.like("página %: Tesseract %"))).values(transient=True))


def downgrade() -> None:
    with op.batch_alter_table("source_files", schema=None) as batch_op:
        batch_op.drop_column("transient")

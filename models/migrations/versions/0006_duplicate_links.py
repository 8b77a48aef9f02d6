"""petition_history (imported SIADE/SINAPP petitions), match_keys (duplicate search by key)
and duplicate_links (proposed repeats and related petitions, confirmed or rejected)

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
    op.create_table(
        "petition_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("folio", sa.String(length=60), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("nss", sa.String(length=11), nullable=True),
        sa.Column("nombre", sa.String(length=200), nullable=True),
        sa.Column("tipo", sa.String(length=80), nullable=True),
        sa.Column("servicio", sa.String(length=120), nullable=True),
        sa.Column("resumen", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=120), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "folio", name="uq_petition_history_folio"),
    )
    with op.batch_alter_table("petition_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_history_registered_on"),
                              ["registered_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_petition_history_unit"), ["unit"], unique=False)

    op.create_table(
        "match_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("history_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["history_id"], ["petition_history.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("match_keys", schema=None) as batch_op:
        batch_op.create_index("ix_match_keys_lookup", ["key", "received_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_keys_document_id"), ["document_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_match_keys_history_id"), ["history_id"],
                              unique=False)

    op.create_table(
        "duplicate_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("other_document_id", sa.Integer(), nullable=True),
        sa.Column("history_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["history_id"], ["petition_history.id"]),
        sa.ForeignKeyConstraint(["other_document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("duplicate_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duplicate_links_document_id"), ["document_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_duplicate_links_other_document_id"),
                              ["other_document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_duplicate_links_history_id"), ["history_id"],
                              unique=False)


def downgrade() -> None:
    op.drop_table("duplicate_links")
    op.drop_table("match_keys")
    op.drop_table("petition_history")

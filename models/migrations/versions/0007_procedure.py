"""The procedure after the review: deadlines (documents.due_on, due_step, registered_on),
forwarding to the area and its answer (forwardings), informing the person and archiving
(documents.informed_on, informed_how, archived_on), contact attempts (contact_attempts),
e-mail notices (outbox, users.email)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registered_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("due_step", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_due_on"), ["due_on"], unique=False)
        batch_op.add_column(sa.Column("informed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("informed_how", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("archived_on", sa.Date(), nullable=True))
    op.create_table(
        "forwardings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=120), nullable=False),
        sa.Column("forwarded_on", sa.Date(), nullable=False),
        sa.Column("forwarded_by", sa.Integer(), nullable=True),
        sa.Column("reminded_1_on", sa.Date(), nullable=True),
        sa.Column("reminded_2_on", sa.Date(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answer_summary", sa.Text(), nullable=True),
        sa.Column("answer_path", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["forwarded_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["answered_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("forwardings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forwardings_document_id"), ["document_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_forwardings_area"), ["area"], unique=False)
        batch_op.create_index(batch_op.f("ix_forwardings_forwarded_on"), ["forwarded_on"],
                              unique=False)
    op.create_table(
        "contact_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("attempted_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_attempts_document_id"), ["document_id"],
                              unique=False)


    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_document_id"), ["document_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_next_attempt_at"), ["next_attempt_at"],
                              unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")
    op.drop_table("outbox")
    op.drop_table("contact_attempts")
    op.drop_table("forwardings")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("archived_on")
        batch_op.drop_column("informed_how")
        batch_op.drop_column("informed_on")
        batch_op.drop_index(batch_op.f("ix_documents_due_on"))
        batch_op.drop_column("due_step")
        batch_op.drop_column("due_on")
        batch_op.drop_column("registered_on")

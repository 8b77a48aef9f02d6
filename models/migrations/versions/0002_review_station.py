"""review station: route reason, contact outcome, escalation, merges, queue index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 14:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('route_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('contact_outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('contact_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_documents_merged_into_id_documents', 'documents',
                                    ['merged_into_id'], ['id'])
        batch_op.create_index('ix_documents_queue', ['status', 'urgent', 'needs_review',
                                                     'received_on', 'created_at', 'id'],
                              unique=False)
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_user_id'))
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_queue')
        batch_op.drop_constraint('fk_documents_merged_into_id_documents', type_='foreignkey')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('contact_note')
        batch_op.drop_column('contact_outcome')
        batch_op.drop_column('route_reason')

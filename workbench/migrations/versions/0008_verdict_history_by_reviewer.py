"""verdict history: index by reviewer then id, so a reviewer's latest change is one look-up

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 14:10:00
"""

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('verdict_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verdict_history_reviewer_id'))
        batch_op.create_index('ix_verdict_history_reviewer_id_id', ['reviewer_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('verdict_history', schema=None) as batch_op:
        batch_op.drop_index('ix_verdict_history_reviewer_id_id')
        batch_op.create_index(batch_op.f('ix_verdict_history_reviewer_id'), ['reviewer_id'], unique=False)

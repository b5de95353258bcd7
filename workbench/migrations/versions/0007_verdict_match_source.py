"""verdict history: the matched claim a verdict was applied from

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 02:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('verdict_history', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_claim_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_verdict_history_source_claim_id_claim'), 'claim', ['source_claim_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade() -> None:
    with op.batch_alter_table('verdict_history', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_verdict_history_source_claim_id_claim'), type_='foreignkey')
        batch_op.drop_column('source_claim_id')

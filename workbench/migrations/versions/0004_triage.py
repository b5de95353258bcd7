"""triage: signals and check-worthiness per claim, queue order per collection

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('claim_signal',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('checkworthiness', sa.Float(), nullable=False),
    sa.Column('kinds', sa.String(length=300), nullable=False),
    sa.Column('signals', sa.JSON(), nullable=False),
    sa.Column('quote_start', sa.Integer(), nullable=True),
    sa.Column('quote_end', sa.Integer(), nullable=True),
    sa.Column('quote_speaker', sa.String(length=200), nullable=True),
    sa.Column('quote_verb', sa.String(length=60), nullable=True),
    sa.Column('claim_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_claim_signal_claim_id_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_claim_signal'))
    )
    op.create_index(op.f('ix_claim_signal_checkworthiness'), 'claim_signal', ['checkworthiness'], unique=False)
    op.create_table('collection_triage',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('queue_order', sa.String(length=20), nullable=False),
    sa.CheckConstraint("queue_order IN ('article', 'checkworthiness')", name=op.f('ck_collection_triage_queue_order_known')),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_collection_triage_collection_id_collection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection_id', name=op.f('pk_collection_triage'))
    )


def downgrade() -> None:
    op.drop_table('collection_triage')
    op.drop_index(op.f('ix_claim_signal_checkworthiness'), table_name='claim_signal')
    op.drop_table('claim_signal')

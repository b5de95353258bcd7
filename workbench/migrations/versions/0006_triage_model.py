"""triage model: a collection's check-worthiness model trained on its verdicts, claim scores

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('triage_model',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('intercept', sa.Float(), nullable=False),
    sa.Column('examples', sa.Integer(), nullable=False),
    sa.Column('checkable', sa.Integer(), nullable=False),
    sa.Column('roc_auc', sa.Float(), nullable=False),
    sa.Column('average_precision', sa.Float(), nullable=False),
    sa.Column('rule_roc_auc', sa.Float(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('trained_by', sa.Integer(), nullable=True),
    sa.Column('trained_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_triage_model_collection_id_collection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trained_by'], ['reviewer.id'], name=op.f('fk_triage_model_trained_by_reviewer'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('collection_id', name=op.f('pk_triage_model'))
    )
    op.create_table('claim_model_score',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_claim_model_score_claim_id_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_claim_model_score'))
    )
    op.create_index(op.f('ix_claim_model_score_score'), 'claim_model_score', ['score'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_claim_model_score_score'), table_name='claim_model_score')
    op.drop_table('claim_model_score')
    op.drop_table('triage_model')

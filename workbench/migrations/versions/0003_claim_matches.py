"""claim matches: the same claim across articles

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('claim_match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_a_id', sa.Integer(), nullable=False),
    sa.Column('claim_b_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('tier', sa.String(length=20), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('same_collection', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('claim_a_id < claim_b_id', name=op.f('ck_claim_match_ordered_pair')),
    sa.CheckConstraint("tier IN ('linked', 'suggested')", name=op.f('ck_claim_match_tier_known')),
    sa.CheckConstraint("status IN ('suggested', 'confirmed', 'rejected')", name=op.f('ck_claim_match_status_known')),
    sa.ForeignKeyConstraint(['claim_a_id'], ['claim.id'], name=op.f('fk_claim_match_claim_a_id_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['claim_b_id'], ['claim.id'], name=op.f('fk_claim_match_claim_b_id_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by'], ['reviewer.id'], name=op.f('fk_claim_match_decided_by_reviewer'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_match')),
    sa.UniqueConstraint('claim_a_id', 'claim_b_id', name=op.f('uq_claim_match_claim_a_id_claim_b_id'))
    )
    with op.batch_alter_table('claim_match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_match_claim_b_id'), ['claim_b_id'], unique=False)

    op.create_table('match_term',
    sa.Column('term', sa.BigInteger(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_match_term_claim_id_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term', 'claim_id', name=op.f('pk_match_term'))
    )
    with op.batch_alter_table('match_term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_term_claim_id'), ['claim_id'], unique=False)

    op.create_table('match_settings',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('link_threshold', sa.Float(), nullable=False),
    sa.Column('suggest_threshold', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_match_settings_collection_id_collection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection_id', name=op.f('pk_match_settings'))
    )


def downgrade() -> None:
    op.drop_table('match_settings')
    with op.batch_alter_table('match_term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_term_claim_id'))
    op.drop_table('match_term')
    with op.batch_alter_table('claim_match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_match_claim_b_id'))
    op.drop_table('claim_match')

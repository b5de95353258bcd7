"""control claims: adjudicated claims mixed into queues to measure reviewers' accuracy

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('control_claim',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['reviewer.id'], name=op.f('fk_control_claim_added_by_reviewer')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_control_claim_claim_id_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_control_claim'))
    )
    op.create_table('control_setting',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('rate', sa.Float(), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rate >= 0 AND rate <= 0.5', name=op.f('ck_control_setting_rate_range')),
    sa.CheckConstraint('threshold >= 0 AND threshold <= 1', name=op.f('ck_control_setting_threshold_range')),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_control_setting_collection_id_collection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection_id', name=op.f('pk_control_setting'))
    )


def downgrade() -> None:
    op.drop_table('control_setting')
    op.drop_table('control_claim')

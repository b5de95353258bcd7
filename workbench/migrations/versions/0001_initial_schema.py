"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 17:06:34.230974
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('collection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('reviewers_per_claim', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('reviewers_per_claim IS NULL OR reviewers_per_claim >= 1', name=op.f('ck_collection_reviewers_per_claim_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection')),
    sa.UniqueConstraint('name', name=op.f('uq_collection_name'))
    )
    op.create_table('reviewer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('reviewer', 'lead')", name=op.f('ck_reviewer_role_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewer')),
    sa.UniqueConstraint('name', name=op.f('uq_reviewer_name'))
    )
    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=1000), nullable=False),
    sa.Column('source', sa.String(length=2000), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_article_collection_id_collection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article')),
    sa.UniqueConstraint('collection_id', 'content_hash', name=op.f('uq_article_collection_id_content_hash'))
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_collection_id'), ['collection_id'], unique=False)

    op.create_table('assignment',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_assignment_collection_id_collection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id'], name=op.f('fk_assignment_reviewer_id_reviewer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection_id', 'reviewer_id', name=op.f('pk_assignment'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('guideline',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definitions', sa.JSON(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['reviewer.id'], name=op.f('fk_guideline_author_id_reviewer')),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_guideline'))
    )
    op.create_table('claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start_char', sa.Integer(), nullable=False),
    sa.Column('end_char', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('paragraph', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('claim', 'title', 'heading', 'metadata', 'boilerplate', 'embed')", name=op.f('ck_claim_kind_known')),
    sa.CheckConstraint('start_char >= 0 AND end_char > start_char', name=op.f('ck_claim_offsets_valid')),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_claim_article_id_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim'))
    )
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index('ix_claim_article_position', ['article_id', 'position'], unique=False)
        batch_op.create_index('ix_claim_kind_article', ['kind', 'article_id'], unique=False)

    op.create_table('final_verdict',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("label IN ('supported', 'disputed', 'editorial_framing')", name=op.f('ck_final_verdict_label_known')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_final_verdict_claim_id_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by'], ['reviewer.id'], name=op.f('fk_final_verdict_decided_by_reviewer')),
    sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_final_verdict'))
    )
    op.create_table('final_verdict_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('old_label', sa.String(length=32), nullable=True),
    sa.Column('new_label', sa.String(length=32), nullable=True),
    sa.Column('old_rationale', sa.Text(), nullable=True),
    sa.Column('new_rationale', sa.Text(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['reviewer.id'], name=op.f('fk_final_verdict_history_actor_id_reviewer')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_final_verdict_history_claim_id_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_final_verdict_history'))
    )
    with op.batch_alter_table('final_verdict_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_final_verdict_history_claim_id'), ['claim_id'], unique=False)

    op.create_table('verdict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('guideline_version', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("label IN ('supported', 'disputed', 'editorial_framing')", name=op.f('ck_verdict_label_known')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_verdict_claim_id_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id'], name=op.f('fk_verdict_reviewer_id_reviewer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdict')),
    sa.UniqueConstraint('claim_id', 'reviewer_id', name=op.f('uq_verdict_claim_id_reviewer_id'))
    )
    with op.batch_alter_table('verdict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verdict_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('verdict_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('old_label', sa.String(length=32), nullable=True),
    sa.Column('new_label', sa.String(length=32), nullable=True),
    sa.Column('old_note', sa.Text(), nullable=True),
    sa.Column('new_note', sa.Text(), nullable=True),
    sa.Column('old_evidence', sa.JSON(), nullable=True),
    sa.Column('new_evidence', sa.JSON(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['reviewer.id'], name=op.f('fk_verdict_history_actor_id_reviewer')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_verdict_history_claim_id_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id'], name=op.f('fk_verdict_history_reviewer_id_reviewer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdict_history'))
    )
    with op.batch_alter_table('verdict_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verdict_history_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_verdict_history_reviewer_id'), ['reviewer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('verdict_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verdict_history_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_verdict_history_claim_id'))

    op.drop_table('verdict_history')
    with op.batch_alter_table('verdict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verdict_reviewer_id'))

    op.drop_table('verdict')
    with op.batch_alter_table('final_verdict_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_final_verdict_history_claim_id'))

    op.drop_table('final_verdict_history')
    op.drop_table('final_verdict')
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_kind_article')
        batch_op.drop_index('ix_claim_article_position')

    op.drop_table('claim')
    op.drop_table('guideline')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_reviewer_id'))

    op.drop_table('assignment')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_collection_id'))

    op.drop_table('article')
    op.drop_table('reviewer')
    op.drop_table('collection')

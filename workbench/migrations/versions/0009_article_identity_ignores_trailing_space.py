"""articles: the duplicate check's hash ignores trailing spaces, blank lines at either end and
Unicode composition, so a re-saved file is the same article; existing hashes are recomputed

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:45:00
"""

import hashlib
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BATCH = 500


def identity(text: str) -> str:
    """``workbench.ingest.content_hash`` as of this revision (copied: a migration never changes)."""
    lines = unicodedata.normalize("NFC", text).split("\n")
    comparable = "\n".join(line.rstrip() for line in lines).strip("\n")
    return hashlib.sha256(comparable.encode("utf-8")).hexdigest()


def upgrade() -> None:
    connection = op.get_bind()
    article = sa.table(
        "article", sa.column("id", sa.Integer), sa.column("collection_id", sa.Integer),
        sa.column("text", sa.Text), sa.column("content_hash", sa.String(64)),
    )
    taken = {(collection, digest) for collection, digest in connection.execute(sa.select(article.c.collection_id, article.c.content_hash))}
    last = 0
    while True:
        rows = connection.execute(
            sa.select(article.c.id, article.c.collection_id, article.c.text, article.c.content_hash)
            .where(article.c.id > last).order_by(article.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        for article_id, collection_id, text, old in rows:
            new = identity(text)
            if new != old and (collection_id, new) not in taken:  # two articles alike already: the later keeps its hash
                connection.execute(article.update().where(article.c.id == article_id).values(content_hash=new))
                taken.add((collection_id, new))
        last = rows[-1][0]


def downgrade() -> None:
    """The old hashes were of the text as stored, exactly: recomputed so."""
    connection = op.get_bind()
    article = sa.table("article", sa.column("id", sa.Integer), sa.column("text", sa.Text), sa.column("content_hash", sa.String(64)))
    for article_id, text in connection.execute(sa.select(article.c.id, article.c.text)).all():
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        connection.execute(article.update().where(article.c.id == article_id).values(content_hash=digest))

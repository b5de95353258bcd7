"""Importing articles from the app: pasted text or uploads, a preview of how they would be split,
then the import itself (leads only).

Performance: the preview runs the pipeline on at most :data:`PREVIEW_LIMIT` documents and reads
only the content hashes of those documents; nothing is written until :func:`import_documents`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.access import Actor, require_active, require_lead
from workbench.articles import ArticleError
from workbench.db import Database
from workbench.ingest import (
    DEFAULT_COLLECTION,
    Document,
    IngestReport,
    InputError,
    check_article_text,
    content_hash,
    ingest_documents,
    parse_url,
    read_upload,
)
from workbench.links import MAX_URL_CHARS
from workbench.models import Article, Collection
from workbench.names import same_name
from workbench.vocabulary import ClaimKind

PREVIEW_LIMIT = 20
"""Documents shown in an import preview; the rest are counted and imported but not previewed."""
PASTED_SOURCE = "pasted text"


def pasted_document(
    text: str, title: str = "", url: str = "", published: date | None = None
) -> Document:
    """A Document from text pasted into the import page, checked like a file would be."""
    check_article_text(PASTED_SOURCE, text)
    url = url.strip()
    if len(url) > MAX_URL_CHARS:
        raise InputError(f"{PASTED_SOURCE}: the URL is longer than {MAX_URL_CHARS:,} characters.")
    return Document(
        source=PASTED_SOURCE,
        text=text,
        title=title.strip()[:1000] or None,
        url=parse_url(PASTED_SOURCE, url),
        published=published,
    )


def read_uploads(files: list[tuple[str, bytes]]) -> tuple[list[Document], list[str]]:
    """Documents from uploaded ``(name, bytes)`` files and one message per file that cannot be read.

    A bad file contributes nothing; the others are still read, as ``workbench ingest`` does.
    """
    documents: list[Document] = []
    errors: list[str] = []
    for name, data in files:
        try:
            documents.extend(read_upload(name, data))
        except InputError as error:
            errors.append(str(error))
    return documents, errors


@dataclass(frozen=True)
class PreviewUnit:
    kind: str
    text: str
    paragraph: int


@dataclass(frozen=True)
class DocumentPreview:
    """One document as it would be imported: its title, units and whether it is already there."""

    source: str
    title: str
    url: str | None
    published: date | None
    units: tuple[PreviewUnit, ...]
    duplicate: bool

    @property
    def claims(self) -> int:
        return sum(unit.kind == ClaimKind.CLAIM for unit in self.units)


def preview_documents(
    session: Session, documents: list[Document], collection: str, nlp, limit: int = PREVIEW_LIMIT
) -> list[DocumentPreview]:
    """How the first ``limit`` documents would be split, without writing anything."""
    from workbench.extract import extract, normalise_text
    from workbench.ingest import article_title

    known: set[str] = set()
    shown = documents[:limit]
    texts = [normalise_text(document.text) for document in shown]
    target = session.scalar(select(Collection.id).where(same_name(Collection.name, collection)))
    if target is not None:
        known = set(
            session.scalars(
                select(Article.content_hash).where(
                    Article.collection_id == target,
                    Article.content_hash.in_({content_hash(text) for text in texts}),
                )
            )
        )
    previews = []
    for document, text in zip(shown, texts):
        extraction = extract(text, nlp, document.headlines)
        previews.append(
            DocumentPreview(
                source=document.source,
                title=article_title(document, extraction),
                url=document.url,
                published=document.published or extraction.published,
                units=tuple(PreviewUnit(unit.kind, unit.text, unit.paragraph) for unit in extraction.units),
                duplicate=content_hash(text) in known,
            )
        )
    return previews


def import_documents(
    database: Database, actor: Actor, documents: list[Document], collection: str = DEFAULT_COLLECTION, nlp=None
) -> IngestReport:
    """Store previewed documents (active leads only), all in one transaction, as ``workbench ingest`` does."""
    require_lead(actor, "import articles")
    with database.session() as session:
        require_active(session, actor)
    if not documents:
        raise ArticleError("Nothing to import: paste some text or upload a file first.")
    return ingest_documents(database, documents, collection, nlp)

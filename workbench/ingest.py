"""Articles in: read files and folders, split them into claims, store them whole or not at all."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench.db import Database
from workbench.extract import Extraction, extract_many, load_pipeline, normalise_text
from workbench.match_search import match_articles
from workbench.models import Article, Claim, Collection, MatchTerm
from workbench.names import find_named, same_name
from workbench.reading import (  # noqa: F401  (re-exported: the reading half of ingest)
    MAX_FILE_BYTES,
    SUPPORTED_SUFFIXES,
    Document,
    InputError,
    check_article_text,
    clean_title,
    expand_paths,
    parse_url,
    read_path,
    read_upload,
)
from workbench.triage_store import prepare_signals, store_article_signals
from workbench.vocabulary import ClaimKind, counted

DEFAULT_COLLECTION = "default"


@dataclass
class IngestReport:
    """What an ingest did: counts, per-file messages and the new articles' ids."""

    added: int = 0
    duplicates: int = 0
    failed: int = 0
    claims: int = 0
    messages: list[str] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{counted(self.added, 'article')} added, "
            f"{self.duplicates} skipped as duplicates, {self.failed} failed; "
            f"{counted(self.claims, 'claim')} created."
        )


# --- storing ---------------------------------------------------------------------------------


def content_hash(text: str) -> str:
    """An article's identity for the duplicate check: its text with Unicode composed (NFC), trailing
    spaces cut from every line and blank lines cut from both ends, so a file saved again by an
    editor (a final newline added, NFD from a Mac) is the same article. Migration 0009 holds a copy."""
    lines = unicodedata.normalize("NFC", text).split("\n")
    comparable = "\n".join(line.rstrip() for line in lines).strip("\n")
    return hashlib.sha256(comparable.encode("utf-8")).hexdigest()


def valid_collection_name(name: str) -> str:
    """``name`` without surrounding spaces, or an ``InputError`` unless it has 1 to 200 characters."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InputError("A collection name is 1 to 200 characters.")
    return name


def get_or_create_collection(session: Session, name: str) -> Collection:
    name = valid_collection_name(name)
    collection = find_named(session, Collection, name)
    if collection is None:
        try:
            with session.begin_nested():
                collection = Collection(name=name)
                session.add(collection)
        except IntegrityError:  # created meanwhile by a concurrent import (PostgreSQL): use that one
            collection = find_named(session, Collection, name)
            if collection is None:
                raise
    return collection


def article_title(document: Document, extraction: Extraction) -> str:
    """The document's own title, else the headline found in the text, else its first claim."""
    if title := clean_title(document.title) or clean_title(extraction.title):
        return title
    first = next((unit.text for unit in extraction.units if unit.kind == ClaimKind.CLAIM), "")
    return (first[:97] + "…") if len(first) > 100 else first


def already_imported(session: Session, collection: str, hashes: list[str]) -> set[str]:
    """Which of ``hashes`` the named collection already holds."""
    return set(
        session.scalars(
            select(Article.content_hash)
            .join(Collection, Collection.id == Article.collection_id)
            .where(same_name(Collection.name, collection), Article.content_hash.in_(set(hashes)))
        )
    )


def ingest_documents(
    database: Database,
    documents: list[Document],
    collection: str = DEFAULT_COLLECTION,
    nlp=None,
) -> IngestReport:
    """Split, store and match ``documents`` in one transaction: all of them land with their
    matches, or none do."""
    report = IngestReport()
    normalised = [normalise_text(document.text) for document in documents]
    hashes = [content_hash(text) for text in normalised]
    with database.read_session() as session:
        previously = already_imported(session, collection, hashes)
    known = set(previously)
    fresh = []
    for document, text, digest in zip(documents, normalised, hashes):
        if digest in known:
            report.duplicates += 1
            report.messages.append(f"{document.source}: already imported; skipped.")
        else:
            known.add(digest)
            fresh.append((document, text, digest))
    # Split before taking the write lock, so reviewers can save while a big import runs.
    extractions = list(
        extract_many(((text, document.headlines) for document, text, _ in fresh), nlp or load_pipeline())
    )
    signals = prepare_signals(extractions)
    with database.transaction() as session:
        target = get_or_create_collection(session, collection)
        # One import at a time per collection: a concurrent one (PostgreSQL) waits here for this one
        # to commit, then finds its articles below and skips them as duplicates. FOR NO KEY UPDATE:
        # rows that only refer to the collection (an assignment, a setting) are not held up.
        session.execute(select(Collection.id).where(Collection.id == target.id).with_for_update(key_share=True))
        raced = already_imported(session, collection, [digest for _, _, digest in fresh])
        for (document, text, digest), extraction in zip(fresh, extractions):
            if digest in raced:
                report.duplicates += 1
                report.messages.append(f"{document.source}: already imported; skipped.")
                continue
            article = Article(
                collection_id=target.id,
                title=article_title(document, extraction),
                source=document.source[:2000],
                url=document.url,
                published=document.published or extraction.published,
                text=extraction.text,
                content_hash=digest,
            )
            session.add(article)
            session.flush()
            units = [
                {
                    "article_id": article.id,
                    "position": position,
                    "text": unit.text,
                    "start_char": unit.start,
                    "end_char": unit.end,
                    "kind": unit.kind,
                    "paragraph": unit.paragraph,
                    "version": 1,
                }
                for position, unit in enumerate(extraction.units)
            ]
            if units:
                session.execute(insert(Claim), units)
                store_article_signals(session, article.id, extraction, signals)
            report.added += 1
            report.claims += sum(unit.kind == ClaimKind.CLAIM for unit in extraction.units)
            report.article_ids.append(article.id)
        # Matched in the same transaction, under the collection's lock: a concurrent import into
        # this collection waits, then matches against these claims; a stop leaves nothing half done.
        stopped = unmatched_articles(session, collection, list(previously)) if previously else []
        match_articles(session, report.article_ids + stopped)
    return report


def unmatched_articles(session: Session, collection: str, hashes: list[str]) -> list[int]:
    """Articles among ``hashes`` with claims none of which were indexed for matching: left by a
    version that stored and matched in two transactions, when stopped (Ctrl-C) between the two.
    Importing them again repairs that."""
    indexed = select(MatchTerm.claim_id).join(Claim, Claim.id == MatchTerm.claim_id).where(Claim.article_id == Article.id)
    claims = select(Claim.id).where(Claim.article_id == Article.id, Claim.reviewable)
    return list(session.scalars(
        select(Article.id)
        .join(Collection, Collection.id == Article.collection_id)
        .where(same_name(Collection.name, collection), Article.content_hash.in_(set(hashes)))
        .where(claims.exists(), ~indexed.exists())
    ))


def ingest_paths(
    database: Database,
    paths: Iterable[Path | str],
    collection: str = DEFAULT_COLLECTION,
    nlp=None,
    on_file: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Ingest files and folders, one transaction per file; a bad file is reported and skipped (a bad
    collection name is refused before any file is read)."""
    valid_collection_name(collection)
    report = IngestReport()
    nlp = nlp or load_pipeline()
    for path in expand_paths(Path(p) for p in paths):
        try:
            part = ingest_documents(database, read_path(path), collection, nlp)
        except InputError as error:
            report.failed += 1
            report.messages.append(str(error))
        else:
            report.added += part.added
            report.duplicates += part.duplicates
            report.claims += part.claims
            report.messages.extend(part.messages)
            report.article_ids.extend(part.article_ids)
        if on_file is not None:
            on_file(path)
    return report

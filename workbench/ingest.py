"""Articles in: read files and folders, split them into claims, store them whole or not at all."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from workbench.config import MAX_ARTICLE_CHARS
from workbench.db import Database
from workbench.errors import WorkbenchError
from workbench.extract import Extraction, extract_many, load_pipeline, normalise_text
from workbench.links import web_link
from workbench.models import Article, Claim, Collection
from workbench.triage_store import prepare_signals, store_article_signals

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".csv", ".jsonl")
MAX_FILE_BYTES = 50 * 1024 * 1024
DEFAULT_COLLECTION = "default"
TEXT_COLUMNS = ("text", "body", "content", "article")
TITLE_COLUMNS = ("title", "headline")
URL_COLUMNS = ("url", "link")
DATE_COLUMNS = ("date", "published", "published_date")


class InputError(WorkbenchError):
    """A file or row cannot be imported; the message names the file (and line)."""


@dataclass(frozen=True)
class Document:
    """One article as read from its source, before splitting."""

    source: str
    text: str
    title: str | None = None
    url: str | None = None
    published: date | None = None


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
            f"{self.added} article{'s' if self.added != 1 else ''} added, "
            f"{self.duplicates} skipped as duplicates, {self.failed} failed; "
            f"{self.claims} claims created."
        )


# --- reading ---------------------------------------------------------------------------------


def decode(name: str, data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or BOM-marked UTF-16; anything else is refused."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputError(f"{name}: marked as UTF-16 but not valid UTF-16 ({error.reason}).") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: this looks like a binary file, not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            f"{name}: not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}). "
            "Save the file as UTF-8 and import it again."
        ) from None


def read_upload(name: str, data: bytes) -> list[Document]:
    """Documents from a file's name and bytes (an upload, or a file read from disk)."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{name}: unsupported file type {suffix or '(none)'}; use one of {', '.join(SUPPORTED_SUFFIXES)}."
        )
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{name}: the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    text = decode(name, data)
    if suffix in (".html", ".htm"):
        documents = [html_document(name, text)]
    elif suffix == ".csv":
        documents = list(csv_documents(name, text))
    elif suffix == ".jsonl":
        documents = list(jsonl_documents(name, text))
    elif suffix in (".md", ".markdown"):
        documents = [markdown_document(name, text)]
    else:
        documents = [Document(source=name, text=text)]
    for document in documents:
        check_article_text(document.source, document.text)
    return documents


def read_path(path: Path) -> list[Document]:
    """Documents from one file on disk."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder.")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"{path}: the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    return read_upload(str(path), path.read_bytes())


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and the supported files inside folders named (sorted, hidden ones skipped)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                child
                for child in path.rglob("*")
                if child.is_file()
                and child.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in child.relative_to(path).parts)
            )
        else:
            yield path


def check_article_text(source: str, text: str) -> None:
    if not text.strip():
        raise InputError(f"{source}: the article text is empty.")
    if len(text) > MAX_ARTICLE_CHARS:
        raise InputError(
            f"{source}: the article has {len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,}."
        )


def parse_date(source: str, value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(f"{source}: date {value!r} is not an ISO date (YYYY-MM-DD).") from None


def parse_url(source: str, value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    link = web_link(value)
    if link is None:
        raise InputError(f"{source}: the URL must be an http:// or https:// link, not {value[:80]!r}.")
    return link


def pick_column(columns: Iterable[str], candidates: tuple[str, ...]) -> str | None:
    by_lower = {column.strip().lower(): column for column in columns if column}
    return next((by_lower[name] for name in candidates if name in by_lower), None)


def record_document(source: str, record: dict, text_key: str | None) -> Document:
    """A Document from one CSV row or JSON object, with its optional title, url and date."""
    text = record.get(text_key) if text_key else None
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{source}: the text is empty.")
    title_key = pick_column(record, TITLE_COLUMNS)
    url_key = pick_column(record, URL_COLUMNS)
    date_key = pick_column(record, DATE_COLUMNS)
    optional = {key: record.get(key) for key in (title_key, url_key, date_key) if key}
    for key, value in optional.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"{source}: {key!r} must be text.")
    return Document(
        source=source,
        text=text,
        title=(optional.get(title_key) or "").strip() or None,
        url=parse_url(source, optional.get(url_key)),
        published=parse_date(source, optional.get(date_key)),
    )


def csv_documents(name: str, text: str) -> Iterator[Document]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    text_key = pick_column(reader.fieldnames or (), TEXT_COLUMNS)
    if text_key is None:
        raise InputError(
            f"{name}: no text column; the header needs one of {', '.join(TEXT_COLUMNS)} "
            f"(found: {', '.join(reader.fieldnames or []) or 'nothing'})."
        )
    errors, documents = [], []
    line = reader.line_num + 1
    try:
        for row in reader:
            if None in row:
                errors.append(f"{name}:{line}: more cells than header columns.")
            else:
                try:
                    documents.append(record_document(f"{name}:{line}", row, text_key))
                except InputError as error:
                    errors.append(str(error))
            line = reader.line_num + 1
    except csv.Error as error:
        errors.append(f"{name}:{line}: {error}.")
    raise_all(name, errors)
    if not documents:
        raise InputError(f"{name}: no rows below the header.")
    yield from documents


def jsonl_documents(name: str, text: str) -> Iterator[Document]:
    errors, documents = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(f"{source}: not valid JSON ({error.msg}).")
            continue
        if not isinstance(record, dict):
            errors.append(f"{source}: each line must be a JSON object.")
            continue
        text_key = pick_column(record, TEXT_COLUMNS)
        if text_key is None:
            errors.append(f"{source}: no text field; use one of {', '.join(TEXT_COLUMNS)}.")
            continue
        try:
            documents.append(record_document(source, record, text_key))
        except InputError as error:
            errors.append(str(error))
    raise_all(name, errors)
    if not documents:
        raise InputError(f"{name}: no JSON lines found.")
    yield from documents


def raise_all(name: str, errors: list[str], shown: int = 20) -> None:
    if not errors:
        return
    more = f"\n… and {len(errors) - shown} more." if len(errors) > shown else ""
    raise InputError(
        f"{name}: {len(errors)} problem{'s' if len(errors) > 1 else ''}; nothing imported from this file.\n"
        + "\n".join(errors[:shown])
        + more
    )


def html_document(name: str, html: str) -> Document:
    """The main text of a web page (trafilatura), with its title, URL and date when it has them."""
    import trafilatura

    result = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, fast=True
    )
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise InputError(f"{name}: no article text found in this HTML page.")
    published = None
    if result.date:
        try:
            published = date.fromisoformat(result.date[:10])
        except ValueError:
            published = None
    return Document(
        source=name, text=text, title=result.title or None, url=web_link(result.url), published=published
    )


MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")


def markdown_document(name: str, text: str) -> Document:
    """Markdown as plain text: headings, links and emphasis marks dropped; the first ``#`` heading is the title."""
    lines, title = [], None
    for line in text.splitlines():
        heading = MARKDOWN_HEADING.match(line)
        if heading:
            line = heading.group(1)
            title = title or line
        line = MARKDOWN_EMPHASIS.sub(r"\2", MARKDOWN_LINK.sub(r"\1", line))
        lines.append(line)
    return Document(source=name, text="\n".join(lines), title=title)


# --- storing ---------------------------------------------------------------------------------


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def get_or_create_collection(session: Session, name: str) -> Collection:
    name = name.strip()
    if not name or len(name) > 200:
        raise InputError("A collection name is 1 to 200 characters.")
    collection = session.scalar(select(Collection).where(Collection.name == name))
    if collection is None:
        collection = Collection(name=name)
        session.add(collection)
        session.flush()
    return collection


def article_title(document: Document, extraction: Extraction) -> str:
    if document.title:
        return document.title[:1000]
    if extraction.title:
        return extraction.title[:1000]
    first = next((unit.text for unit in extraction.units if unit.kind == "claim"), "")
    return (first[:97] + "…") if len(first) > 100 else first


def already_imported(session: Session, collection: str, hashes: list[str]) -> set[str]:
    """Which of ``hashes`` the named collection already holds."""
    return set(
        session.scalars(
            select(Article.content_hash)
            .join(Collection, Collection.id == Article.collection_id)
            .where(Collection.name == collection.strip(), Article.content_hash.in_(set(hashes)))
        )
    )


def ingest_documents(
    database: Database,
    documents: list[Document],
    collection: str = DEFAULT_COLLECTION,
    nlp=None,
) -> IngestReport:
    """Split and store ``documents`` in one transaction: all of them land, or none do."""
    report = IngestReport()
    normalised = [normalise_text(document.text) for document in documents]
    hashes = [content_hash(text) for text in normalised]
    with database.read_session() as session:
        known = already_imported(session, collection, hashes)
    fresh = []
    for document, text, digest in zip(documents, normalised, hashes):
        if digest in known:
            report.duplicates += 1
            report.messages.append(f"{document.source}: already imported; skipped.")
        else:
            known.add(digest)
            fresh.append((document, text, digest))
    # Split before taking the write lock, so reviewers can save while a big import runs.
    extractions = list(extract_many((text for _, text, _ in fresh), nlp or load_pipeline()))
    signals = prepare_signals(extractions)
    with database.transaction() as session:
        target = get_or_create_collection(session, collection)
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
            report.claims += sum(unit.kind == "claim" for unit in extraction.units)
            report.article_ids.append(article.id)
    return report


def ingest_paths(
    database: Database,
    paths: Iterable[Path | str],
    collection: str = DEFAULT_COLLECTION,
    nlp=None,
    on_file: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Ingest files and folders, one transaction per file; a bad file is reported and skipped."""
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

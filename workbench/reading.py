"""Articles from files: read ``.txt .md .html .csv .jsonl`` into Documents, or refuse them with a message.

Reading imports no database module (and trafilatura only for HTML), so ``workbench split``
starts fast. Every reader is linear in the size of its input; a file that cannot be read
raises ``InputError`` naming the file and line, never another exception.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workbench.config import MAX_ARTICLE_CHARS, MAX_FILE_BYTES
from workbench.errors import WorkbenchError
from workbench.links import web_link
from workbench.text_bytes import Undecodable, UndecodableBytes, allow_long_csv_cells, decode_bytes
from workbench.vocabulary import counted

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".csv", ".jsonl")
MAX_MARKDOWN_CHARS = 2 * MAX_ARTICLE_CHARS
"""Markdown longer than this is refused unread (its text would be over ``MAX_ARTICLE_CHARS`` anyway
unless it is mostly markup)."""
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
    headlines: tuple[str, ...] = ()
    """Lines the source marks as its headline (a page's ``<h1>`` and ``<title>``): never claims."""


# --- reading ---------------------------------------------------------------------------------


def decode(name: str, data: bytes) -> str:
    """Bytes to text (``workbench.text_bytes``); anything else is refused naming the file."""
    try:
        return decode_bytes(data)
    except UndecodableBytes as problem:
        raise InputError(f"{name}: {_UNDECODABLE[problem.why].format(problem=problem)}") from None


_UNDECODABLE = {
    Undecodable.EMPTY: "the file is empty.",
    Undecodable.BAD_UTF16: "marked as UTF-16 but not valid UTF-16 ({problem.reason}).",
    Undecodable.BINARY: "this looks like a binary file, not text.",
    Undecodable.UTF16_WITHOUT_BOM: "saved as UTF-16 without a byte-order mark; save it as UTF-8 and import it again.",
    Undecodable.NOT_UTF8: "not UTF-8 text (byte 0x{problem.byte:02x} on line {problem.line}). "
    "Save the file as UTF-8 and import it again.",
}


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


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_TITLE_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def check_characters(source: str, field_name: str, value: str | None) -> None:
    """Refuse a lone surrogate (``"\\ud800"`` in JSON): it cannot be stored or shown."""
    if value and (bad := _SURROGATE.search(value)):
        raise InputError(
            f"{source}: the {field_name} holds an invalid character (a lone surrogate, "
            f"U+{ord(bad[0]):04X}, at character {bad.start() + 1:,})."
        )


def clean_title(title: str | None) -> str | None:
    """A title on one line: control characters and line breaks become spaces, at most 1,000 characters."""
    title = " ".join(_TITLE_CONTROL_CHARACTERS.sub(" ", title or "").split())
    return title[:1000] or None


def read_path(path: Path) -> list[Document]:
    """Documents from one file on disk; their source is the file's name, not its server path."""
    return read_upload(*read_file(path))


def read_file(path: Path) -> tuple[str, bytes]:
    """A file's name (as shown: never its server path) and its bytes, within ``MAX_FILE_BYTES``."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder.")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file.")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{path}: the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error}).") from None
    # A name that is not valid UTF-8 (Linux allows any bytes) is shown with escapes, never stored raw.
    return path.name.encode("utf-8", "backslashreplace").decode("utf-8"), data


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
    """Refuse an empty or over-long article text, or one no database can store."""
    check_characters(source, "text", text)
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
    if text is not None and not isinstance(text, str):
        raise InputError(f"{source}: {text_key!r} must be text, not {_json_kind(text)}.")
    if not text or not text.strip():
        raise InputError(f"{source}: the text is empty.")
    title_key = pick_column(record, TITLE_COLUMNS)
    url_key = pick_column(record, URL_COLUMNS)
    date_key = pick_column(record, DATE_COLUMNS)
    optional = {key: record.get(key) for key in (title_key, url_key, date_key) if key}
    for key, value in optional.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"{source}: {key!r} must be text.")
        check_characters(source, repr(key), value)
    check_characters(source, "text", text)
    return Document(
        source=source,
        text=text,
        title=clean_title(optional.get(title_key)),
        url=parse_url(source, optional.get(url_key)),
        published=parse_date(source, optional.get(date_key)),
    )


def _json_kind(value: object) -> str:
    """What a JSON value is, in words (``a number``, ``a list``)."""
    kinds = {bool: "true or false", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return kinds.get(type(value), "a value of another kind")


def csv_documents(name: str, text: str) -> Iterator[Document]:
    """One Document per row; an unterminated quote or a repeated column name is refused with its line."""
    allow_long_csv_cells()  # a cell may hold a whole article
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as error:
        raise InputError(f"{name}:1: the header cannot be read ({error}).") from None
    seen: dict[str, str] = {}
    for column in fieldnames:
        key = column.strip().lower()
        if key and key in seen:
            raise InputError(f"{name}:1: the header names the column {seen[key]!r} twice; rename one of them.")
        seen[key] = column.strip()
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
        unclosed = "unexpected end of data" in str(error)
        errors.append(
            f"{name}:{line}: a quote (\") opened in this row is never closed; close it or remove it."
            if unclosed else f"{name}:{line}: {error}."
        )
    raise_all(name, errors)
    if not documents:
        raise InputError(f"{name}: no rows below the header.")
    yield from documents


def json_lines(name: str, text: str) -> Iterator[tuple[str, dict | str]]:
    """``(source, object)`` per non-blank line, or ``(source, what is wrong)`` for a line that is
    not a JSON object. Lines end at ``\n`` only: JSON strings may hold U+2028 or U+0085."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        source = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield source, f"{source}: not valid JSON ({error.msg.removesuffix(' at')} at column {error.colno})."
            continue
        except RecursionError:
            yield source, f"{source}: the JSON is nested too deeply."
            continue
        yield source, record if isinstance(record, dict) else f"{source}: each line must be a JSON object."


ARTICLE_KEYS = frozenset(TEXT_COLUMNS + TITLE_COLUMNS + URL_COLUMNS + DATE_COLUMNS) - {"text"}
"""Keys that make a JSON Lines object an article rather than a sentence (``workbench triage``)."""


def _sentence_like(record: dict) -> bool:
    """An ``id`` and no article field: a sentence's line, whether or not its ``text`` is right."""
    return "id" in record and ARTICLE_KEYS.isdisjoint(key.strip().lower() for key in record)


def _is_sentence(record: dict) -> bool:
    return _sentence_like(record) and "text" in record


def jsonl_sentences(name: str, text: str) -> list[tuple[str | int | float, str]] | None:
    """``(id, text)`` per line of a JSON Lines file of sentences: objects with an ``id`` and a
    ``text`` and no article field (``title``, ``body``, ``url``, ``date``, …; other keys, such as a
    dataset's ``label``, are ignored). ``None`` when its first object is an article (the file is read
    with ``jsonl_documents``); a later line that is not a sentence is refused with its line number."""
    errors: list[str] = []
    sentences: list[tuple[str | int | float, str]] = []
    decided = False
    for source, record in json_lines(name, text):
        if isinstance(record, str):
            errors.append(record)
            continue
        if not decided and not _sentence_like(record):
            return None  # the first object decides: an article file
        decided = True
        identifier, sentence = record.get("id"), record.get("text")
        valid_id = isinstance(identifier, (str, int)) and not isinstance(identifier, bool) or (
            isinstance(identifier, float) and math.isfinite(identifier)
        )
        if not _is_sentence(record) or not isinstance(sentence, str) or not valid_id:
            errors.append(
                f'{source}: each line needs an "id" (text or a number) and a "text" string, and no article field.'
            )
            continue
        try:
            check_characters(source, "text", sentence)
            check_characters(source, "id", str(identifier))
            if len(sentence) > MAX_ARTICLE_CHARS:
                raise InputError(f"{source}: the text has {len(sentence):,} characters; the limit is {MAX_ARTICLE_CHARS:,}.")
        except InputError as error:
            errors.append(str(error))
            continue
        sentences.append((identifier, sentence))
    raise_all(name, errors)
    return sentences or None


def jsonl_documents(name: str, text: str) -> Iterator[Document]:
    errors, documents = [], []
    for source, record in json_lines(name, text):
        if isinstance(record, str):
            errors.append(record)
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
    """Refuse the whole file for its problems (the first ``shown`` of them listed), if it has any."""
    if not errors:
        return
    more = f"\n… and {len(errors) - shown} more." if len(errors) > shown else ""
    raise InputError(
        f"{name}: {counted(len(errors), 'problem')}; nothing was read from this file.\n"
        + "\n".join(errors[:shown])
        + more
    )


_SITE_NAME_SEPARATORS = (" | ", " - ", " – ", " — ")
SITE_NAME_MAX_WORDS = 6


def title_without_site_name(title: str, site_name: str | None = None) -> str:
    """A page ``<title>`` without the site name after ``|`` or `` - `` (``Cities split | The Post``)."""
    for separator in _SITE_NAME_SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and head.strip() and (
            len(tail.split()) <= SITE_NAME_MAX_WORDS or (site_name and tail.strip() == site_name.strip())
        ):
            return head.strip()
    return title.strip()


def html_document(name: str, html: str) -> Document:
    """The main text of a web page (trafilatura), with its title, URL and date when it has them.

    The page's ``<h1>`` headings and its ``<title>`` (without the site name) are passed on as
    headlines, so that those lines of the text are set aside rather than reviewed. The date is the
    original publication date the markup states (meta tags, ``<time>``, the URL): never a guess
    from loose text such as a ``Copyright 2024`` footer, which would invent 2024-01-01.
    """
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False, fast=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (RecursionError, ValueError) as error:
        raise InputError(f"{name}: this HTML page cannot be read ({type(error).__name__}).") from None
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise InputError(f"{name}: no article text found in this HTML page.")
    published = None
    if result.date:
        try:
            published = date.fromisoformat(result.date[:10])
        except ValueError:
            published = None
    title = clean_title(title_without_site_name(result.title, result.sitename)) if result.title else None
    headlines = tuple(dict.fromkeys(line for line in (*_html_headings(html), title, result.title) if line))
    return Document(
        source=name, text=text, title=title, url=web_link(result.url), published=published, headlines=headlines
    )


def _html_headings(html: str) -> list[str]:
    """The text of the page's ``<h1>`` and ``<title>`` elements (scripts inside them left out)."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    for element in tree.xpath("//h1//script | //h1//style | //title//script"):
        element.drop_tree()
    headings = []
    for element in tree.xpath("//h1 | //title"):
        text = clean_title(element.text_content())
        if text:
            headings.append(text)
            if element.tag == "title":
                headings.append(title_without_site_name(text))
    return headings


def markdown_document(name: str, text: str) -> Document:
    """Markdown as plain text (see ``workbench.markdown``); the first heading is the title."""
    from workbench.markdown import markdown_text

    if len(text) > MAX_MARKDOWN_CHARS:  # refused before parsing: markup costs up to ~12 µs a character
        raise InputError(f"{name}: the file has {len(text):,} characters; Markdown is read up to {MAX_MARKDOWN_CHARS:,}.")
    plain, title = markdown_text(text)
    return Document(source=name, text=plain, title=clean_title(title))

"""Split an article into units (claims, title, headings, chrome, ...) with exact offsets.

>>> extraction = extract(" date 2022-11-29 Balenciaga Sues Its Producers\\nIt filed suit. It said so.")
>>> [(unit.kind, unit.text) for unit in extraction.units]  # doctest: +NORMALIZE_WHITESPACE
[('metadata', 'date 2022-11-29'), ('title', 'Balenciaga Sues Its Producers'),
 ('claim', 'It filed suit.'), ('claim', 'It said so.')]
"""

from __future__ import annotations

import datetime
import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc

from workbench.nlp import (
    METADATA,
    TITLE,
    build_pipeline,
    doc_text,
    line_break_offsets,
    make_doc,
    metadata_date,
    unit_rows,
)

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 control characters other than tab and line feed."""


@dataclass(frozen=True, slots=True)
class Unit:
    """A span of the article: a sentence-level claim, or a non-claim part of the page."""

    text: str
    """Exactly ``extraction.text[start:end]``."""
    start: int
    end: int
    kind: str
    """One of ``workbench.models.CLAIM_KINDS``."""
    paragraph: int
    """0-based index of the paragraph (line) the unit is in."""


@dataclass(frozen=True)
class Extraction:
    """An article's normalised text, its headline and date, and all of its units."""

    text: str
    """The normalised article text all offsets refer to."""
    title: str | None
    published: datetime.date | None
    units: list[Unit]
    """In order; every non-whitespace character of ``text`` is in exactly one unit."""


def normalise_text(raw: str) -> str:
    """CRLF and CR to LF, drop a leading BOM and control characters other than tab and LF."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    return _CONTROL_CHARACTERS.sub("", text)


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The shared extraction pipeline (built once per process)."""
    return build_pipeline()


def extract(text: str, nlp: Language | None = None, headlines: Iterable[str] = ()) -> Extraction:
    """Normalise ``text`` and split it into units.

    ``nlp`` defaults to ``load_pipeline()``; another pipeline needs the workbench components.
    ``headlines`` are lines known to be the headline (a web page's ``<h1>`` and ``<title>``):
    a line of the text that equals one is set aside, never a claim.
    Texts longer than ``nlp.max_length`` (1,000,000 characters) raise spaCy's ValueError.
    """
    pipeline = nlp or load_pipeline()
    with _collector_paused():
        return _extraction(pipeline(make_doc(pipeline, normalise_text(text), headlines)))


def extract_many(
    texts: Iterable[str | tuple[str, Iterable[str]]], nlp: Language | None = None, batch_size: int = 256
) -> Iterator[Extraction]:
    """``extract`` for many texts (or ``(text, headlines)`` pairs) at once, through ``nlp.pipe``."""
    pipeline = nlp or load_pipeline()
    docs = (
        make_doc(pipeline, normalise_text(item), ())
        if isinstance(item, str)
        else make_doc(pipeline, normalise_text(item[0]), item[1])
        for item in texts
    )
    extractions = (_extraction(doc) for doc in pipeline.pipe(docs, batch_size=batch_size))
    while True:
        # Paused for this article only, not across the yield: the caller's work is collected.
        with _collector_paused():
            extraction = next(extractions, None)
        if extraction is None:
            return
        yield extraction


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while an article is split.

    Splitting allocates a few objects per token, line and unit and frees none of them until it
    ends, so the collector would walk ever more live objects for nothing: a third of the time
    of 500,000 one-word lines. Reference counting still frees everything as usual; cycles made
    meanwhile are collected once the collector is back on. If it was already off (the caller's
    choice, or another thread splitting at the same time) it is left off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _extraction(doc: Doc) -> Extraction:
    """The units of a processed Doc; a line break between two units starts a paragraph.

    Offsets and paragraphs are worked out on arrays for all units at once."""
    text = doc_text(doc)
    rows = unit_rows(doc)
    if not rows:
        return Extraction(text=text, title=None, published=None, units=[])
    first_tokens, end_tokens, kinds = zip(*rows)
    columns = doc.to_array([IDX, LENGTH])
    last_tokens = numpy.array(end_tokens) - 1
    starts = columns[list(first_tokens), 0]
    ends = columns[last_tokens, 0] + columns[last_tokens, 1]
    breaks = line_break_offsets(text)
    new_paragraph = numpy.searchsorted(breaks, starts[1:]) > numpy.searchsorted(breaks, ends[:-1])
    paragraphs = numpy.concatenate(([0], numpy.cumsum(new_paragraph))).tolist()
    units = [
        Unit(text[start:end], start, end, kind, paragraph)
        for start, end, kind, paragraph in zip(starts.tolist(), ends.tolist(), kinds, paragraphs)
    ]
    title = next((unit.text for unit in units if unit.kind == TITLE), None)
    published = next(
        (date for unit in units if unit.kind == METADATA if (date := metadata_date(unit.text))),
        None,
    )
    return Extraction(text=text, title=title, published=published, units=units)

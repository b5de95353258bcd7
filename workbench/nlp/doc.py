"""The Doc's text and what the components share about it.

``make_doc`` keeps the text (and any known headlines) in ``doc.user_data`` so that the
components never rejoin the tokens: ``doc_text`` costs nothing after the first call.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy
from spacy.language import Language
from spacy.tokens import Doc

_TEXT_KEY = ("workbench", "text")
"""Where ``doc_text`` keeps the joined text in ``doc.user_data``."""
_HEADLINES_KEY = ("workbench", "headlines")
"""Where ``make_doc`` keeps the known headlines in ``doc.user_data``."""

LINE_BREAKS = ("\n", "\u2028", "\u2029")
"""Characters that end a line (normalised text has no CR or other vertical whitespace)."""


def count_line_breaks(text: str) -> int:
    """How many line breaks ``text`` holds."""
    return text.count("\n") + text.count("\u2028") + text.count("\u2029")


def line_break_offsets(text: str) -> numpy.ndarray:
    """The offsets of the line breaks of ``text``, ascending, found on its code points at once."""
    code_points = numpy.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    breaks = (code_points == 0x0A) | (code_points == 0x2028) | (code_points == 0x2029)
    return numpy.flatnonzero(breaks)


def make_doc(nlp: Language, text: str, headlines: Iterable[str] = ()) -> Doc:
    """Tokenise ``text``, keeping it for the components so they need not rejoin the tokens.

    ``headlines``: lines known to be the headline (from a page's markup); see
    ``workbench.nlp.units.classify_units``.
    """
    doc = nlp.make_doc(text)
    doc.user_data[_TEXT_KEY] = text
    if known := {headline_key(line) for line in headlines if line and line.strip()}:
        doc.user_data[_HEADLINES_KEY] = known
    return doc


def headline_key(line: str) -> str:
    """How a line is compared with a known headline: case and spacing ignored."""
    return " ".join(line.split()).casefold()


def known_headlines(doc: Doc) -> frozenset[str] | set[str]:
    """The ``headline_key`` of each headline given to ``make_doc`` (empty if none)."""
    return doc.user_data.get(_HEADLINES_KEY, frozenset())


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined at most once per Doc (joining walks every token)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text

"""The sentence component: ``mark_sentence_starts`` sets ``token.is_sent_start``.

Decisions are made once per candidate boundary (a line break, a run of sentence-final
punctuation followed by whitespace, an inline list marker), never once per token: time is
linear in the text, and a long run of punctuation is read a bounded number of times.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.tokens import Doc

from workbench.english import SENTENCE_STARTERS
from workbench.nlp.dates import METADATA_PREFIX
from workbench.nlp.doc import count_line_breaks, doc_text, line_break_offsets

# fmt: off
PREFIX_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "mx", "dr", "prof", "st", "mt", "ft", "gen", "gov", "sen", "rep", "rev",
    "hon", "pres", "supt", "capt", "cmdr", "col", "lt", "sgt", "cpl", "pvt", "adm", "maj",
    "brig", "atty", "messrs", "mme", "mlle", "fr", "v", "vs", "cf", "viz", "e.g", "i.e",
    "approx", "ca", "est", "p", "pp", "para", "fig", "figs", "eq", "vol", "vols", "ch", "sec",
    "art", "n°", "nr", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "mon", "tue", "tues", "thu", "thur", "thurs", "fri",
    "th", "thos", "wm", "geo", "chas", "jas", "jno", "benj", "saml", "robt", "edw", "richd"
})
# fmt: on
"""Abbreviations that always lead into more of the same sentence (``Mr.``, ``v.``, ``Jan.``)."""

# fmt: off
SUFFIX_ABBREVIATIONS = frozenset({
    "inc", "co", "corp", "ltd", "llc", "plc", "bros", "jr", "sr", "esq", "etc", "al", "ave",
    "blvd", "rd", "dept", "univ", "assn", "intl", "govt"
})
# fmt: on
"""Abbreviations that may end a sentence (``... Pitt, Briggs & Co. It closed.``)."""

TIME_ABBREVIATIONS = frozenset({"a.m", "p.m"})
OPENING_TIME_MAX_WORDS = 3
"""A time no longer than this (``At 5 a.m.``) opens a sentence rather than ending one."""
SO_FAR_WINDOW = 200
"""How many characters before a time abbreviation are read to count the sentence's words."""

# fmt: off
TIME_ZONE_WORDS = frozenset({
    "ET", "EST", "EDT", "CT", "CST", "CDT", "MT", "MST", "MDT", "PT", "PST", "PDT", "GMT",
    "UTC", "BST", "CET", "CEST", "Eastern", "Central", "Mountain", "Pacific", "local"
})
# fmt: on


EXCLAMATION_NAMES = frozenset({"Yahoo", "OK", "Jeopardy"})
"""Names spelled with a final ``!`` (``As OK! previously reported``)."""

_OPENERS = "\"'“‘«([{"
_OPENING_QUOTES = "\"“‘«"
CLOSERS = "\"'”’»)]}"

_TERMINAL = re.compile(
    r"(?<![.!?…‼⁇⁈⁉])(?<!\. )"
    r"(?P<term>[.!?…‼⁇⁈⁉](?:(?: \.){2,}|[.!?…‼⁇⁈⁉]*+))[\"'”’»)\]}]*+"
    r"(?:[ \t]*+\[[ \t]*+\d{1,4}+(?:[ \t]*+[-–,][ \t]*+\d{1,4}+)*+[ \t]*+\])*+"
    r"(?P<space>\s++)"
)
"""Sentence-final punctuation (or a spaced ellipsis ``. . .``), closing quotes, citation marks
(``[10]``, ``[1 - 3]``: they belong to the sentence they follow), whitespace.

A match starts only at the start of a run of punctuation (a spaced ellipsis included), and
only the spaced ellipsis gives back what it took, one dot at a time: a long run is read a
bounded number of times (linear time, not quadratic).
"""
_LINE_BREAK = re.compile(r"[\n\u2028\u2029]\s*+")
_BLANK = re.compile(r"\s*+")
_FIRST_WORD = re.compile(r"\S+")
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\Z")
_CAMEL_WORD = re.compile(r"[a-z]+[A-Z]")
_LIST_MARKER = re.compile(
    r"(?<!\S)(?:[•⁃▪‣◦]\s?)?(?P<label>\d{1,3}|[a-z])(?P<punct>\.\)|[.)])\s+(?=[A-Z])"
)
"""An enumeration marker (``1.)``, ``2)``, ``• 9.``, ``a.``) before a capitalised item."""
_LIST_AFTER_COLON = re.compile(r":\s+(?=(?:[•⁃▪‣◦]\s?)?(?:\d{1,3}|[a-z])(?:\.\)|[.)])\s+[A-Z])")


def _succeeds(previous: str, label: str) -> bool:
    """Whether list label ``label`` directly follows ``previous`` (``1``→``2``, ``a``→``b``)."""
    if previous.isdigit() and label.isdigit():
        return int(label) == int(previous) + 1
    return not previous.isdigit() and not label.isdigit() and ord(label) == ord(previous) + 1


class _LineBreaks:
    """Where the line breaks of a text are, to find a position's line in logarithmic time."""

    def __init__(self, text: str) -> None:
        self.positions = line_break_offsets(text).tolist()
        self.length = len(text)

    def line_start(self, position: int) -> int:
        """Offset of the start of the line ``position`` is on."""
        index = bisect.bisect_left(self.positions, position)
        return self.positions[index - 1] + 1 if index else 0

    def line_end(self, position: int) -> int:
        """Offset of the end of the line ``position`` is on."""
        index = bisect.bisect_left(self.positions, position)
        return self.positions[index] if index < len(self.positions) else self.length


def _list_items(text: str, line_starts: list[int], breaks: _LineBreaks) -> tuple[list[int], set[int]]:
    """Starts of inline enumerated items (``1) … 2) …``) and where their markers' dots are.

    Only a run of two or more consecutively numbered markers on one line counts, and the
    run has to open its line or follow a colon, so that numbers in prose are left alone.
    An opener inside a run already read is skipped (its run is part of that one), so each
    marker is read about once.
    """
    openers = [start for start in line_starts if _LIST_MARKER.match(text, start)]
    openers += [match.end() for match in _LIST_AFTER_COLON.finditer(text)]
    starts: list[int] = []
    marker_dots: set[int] = set()
    read_up_to = -1
    for opener in sorted(set(openers)):
        if opener < read_up_to:
            continue
        run: list[re.Match[str]] = []
        for match in _LIST_MARKER.finditer(text, opener, breaks.line_end(opener)):
            if run and not _succeeds(run[-1]["label"], match["label"]):
                break
            run.append(match)
        if run:
            read_up_to = run[-1].end()
        if len(run) > 1:
            starts.extend(item.start() for item in run)
            marker_dots.update(item.start("punct") for item in run)
    return starts, marker_dots


def starts_like_sentence(word: str) -> bool:
    """Whether ``word`` could open a sentence: not lower case (``iPhone`` aside), not a digit.

    Leading quotes and brackets are skipped.
    """
    word = word.lstrip(_OPENERS)
    if not word:
        return False
    first = word[0]
    return (
        first.isupper() or not (first.islower() or first.isdigit()) or bool(_CAMEL_WORD.match(word))
    )


def _ends_after_period(word: str, following: str, sentence_so_far: Callable[[], str]) -> bool:
    """Whether a single ``.`` after ``word`` ends the sentence, given a capitalised next word."""
    next_word = following.lstrip(_OPENERS)
    key = word.lower()
    if key in PREFIX_ABBREVIATIONS:
        return False
    if key in TIME_ABBREVIATIONS:
        opening = len(sentence_so_far().split()) <= OPENING_TIME_MAX_WORDS
        return not opening and next_word not in TIME_ZONE_WORDS
    if (
        key in SUFFIX_ABBREVIATIONS
        or _INITIALISM.match(word)
        or (len(word) == 1 and word.isupper())
    ):
        return next_word.rstrip(",;:") in SENTENCE_STARTERS
    return True


def _word_before(text: str, position: int) -> str:
    """The whitespace-delimited word ending at ``position``, without quotes or brackets.

    Read from a window of 64 characters with one split (a regex search for the last word
    there retried at every position of the window).
    """
    window = text[max(0, position - 64) : position]
    if not window or window[-1].isspace():
        return ""
    return window.rsplit(None, 1)[-1].strip(_OPENERS + CLOSERS)


def _start_after(
    text: str, terminal: re.Match[str], sentence_start: int, breaks: _LineBreaks
) -> int | None:
    """Where the next sentence starts after ``terminal`` punctuation, or None if it goes on."""
    following_at = terminal.end()
    if following_at >= len(text):
        return None  # the end of the text ends the sentence anyway
    space = terminal["space"]
    if space != " " and count_line_breaks(space):
        return None  # so does a line break
    following = _FIRST_WORD.match(text, following_at)[0]
    if not starts_like_sentence(following):
        return None
    term, term_start = terminal["term"], terminal.start("term")
    if term[0] != ".":  # ! ? … and friends
        if term[0] == "…" or (
            term == "!"
            and term_start
            and not text[term_start - 1].isspace()
            and _word_before(text, term_start) in EXCLAMATION_NAMES
        ):
            return None
        return following_at
    if " " in term:  # spaced ellipsis: ". . ." goes on; ". . . ." ends the sentence
        if term.count(".") < 4:
            return None
        attached = term_start > 0 and not text[term_start - 1].isspace()
        return term_start + 2 if attached else following_at  # "word. . . . Next": after "word."
    if len(term) == 3:  # "..." goes on, unless a new quotation opens after it
        return following_at if following[0] in _OPENING_QUOTES and following[1:2].isupper() else None
    if len(term) > 3:
        return following_at  # "...." is an ellipsis and a full stop
    word = _word_before(text, term_start)
    number_start = term_start - len(word)
    if (
        word.isdigit()
        and len(word) <= 3
        and text.startswith(word, number_start)
        and _BLANK.fullmatch(text, breaks.line_start(term_start), number_start)
    ):
        return None  # "5. Atoms are ...": a numbered item opening its line

    def sentence_so_far() -> str:  # only the last few words matter: read a bounded window
        window_start = max(sentence_start, breaks.line_start(term_start), term_start - SO_FAR_WINDOW)
        return text[window_start:term_start]

    if _ends_after_period(word, following, sentence_so_far):
        return following_at
    return None


def sentence_start_offsets(text: str) -> list[int]:
    """Character offsets (ascending, excluding 0) where a new sentence starts in ``text``."""
    starts: set[int] = set()
    dateline = METADATA_PREFIX.match(text)
    if dateline and dateline.end() < len(text) and starts_like_sentence(text[dateline.end()]):
        starts.add(dateline.end())
    line_starts = [len(text) - len(text.lstrip())]
    line_starts += [match.end() for match in _LINE_BREAK.finditer(text)]
    starts.update(line_starts)
    breaks = _LineBreaks(text)
    list_starts, marker_dots = _list_items(text, line_starts, breaks)
    starts.update(list_starts)
    sentence_start = 0
    for terminal in _TERMINAL.finditer(text):
        if terminal.start("term") in marker_dots:
            continue
        start = _start_after(text, terminal, sentence_start, breaks)
        if start is not None:
            starts.add(start)
            sentence_start = start
    starts.discard(0)
    return sorted(starts)


def mark_sentence_starts(doc: Doc) -> Doc:
    """Set ``is_sent_start`` on every token from ``sentence_start_offsets`` of the text."""
    if not len(doc):
        return doc
    token_starts = doc.to_array(IDX)
    values = numpy.full(len(doc), -1, dtype="int64")
    values[0] = 1
    offsets = numpy.asarray(sentence_start_offsets(doc_text(doc)), dtype="uint64")
    positions = numpy.searchsorted(token_starts, offsets)
    inside = positions < len(doc)
    positions, offsets = positions[inside], offsets[inside]
    values[positions[token_starts[positions] == offsets]] = 1  # offsets inside a token are dropped
    doc.from_array([SENT_START], values.astype("uint64").reshape(-1, 1))
    return doc


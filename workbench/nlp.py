"""Every workbench spaCy component, and ``build_pipeline()`` which assembles them.

This is the one module that registers spaCy components. The pipeline is a blank English
tokenizer followed by:

``workbench_sentences``
    Marks sentence starts (``token.is_sent_start``). Decisions are made once per
    candidate boundary (a line break, a run of sentence-final punctuation followed by
    whitespace, an inline list marker), never once per token.
``workbench_units``
    Groups the sentences into lines and classifies them, storing the result as
    ``doc.spans["units"]``: one span per unit, labelled with its kind from
    ``workbench.models.CLAIM_KINDS``. Units never start or end with whitespace.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

import numpy
import spacy
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

SENTENCES_COMPONENT = "workbench_sentences"
UNITS_COMPONENT = "workbench_units"
TOKENIZER = "workbench.whitespace_tokenizer.v1"
UNITS_KEY = "units"
"""Key of the span group holding an article's units."""
_TEXT_KEY = ("workbench", "text")
"""Where ``doc_text`` keeps the joined text in ``doc.user_data``."""
_HEADLINES_KEY = ("workbench", "headlines")
"""Where ``make_doc`` keeps the known headlines in ``doc.user_data``."""

CLAIM, TITLE, HEADING, METADATA, BOILERPLATE, EMBED = (
    "claim",
    "title",
    "heading",
    "metadata",
    "boilerplate",
    "embed",
)

LINE_BREAKS = ("\n", "\u2028", "\u2029")
"""Characters that end a line (normalised text has no CR or other vertical whitespace)."""

# --------------------------------------------------------------------------- sentences

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

# fmt: off
SENTENCE_STARTERS = frozenset({
    "A", "An", "And", "Are", "As", "At", "After", "Also", "Although", "Because", "Before",
    "Being", "Both", "But", "By", "Can", "Could", "Did", "Do", "Does", "During", "Each",
    "Earlier", "Even", "Every", "For", "From", "Had", "Has", "Have", "He", "Her", "Here",
    "His", "How", "However", "I", "If", "In", "Indeed", "Instead", "Is", "It", "Its", "Last",
    "Later", "Many", "Meanwhile", "Millions", "More", "Most", "My", "Next", "Now", "On", "One",
    "Or", "Other", "Others", "Our", "She", "Should", "Since", "So", "Some", "Still", "Such",
    "That", "The", "Their", "Then", "There", "These", "They", "This", "Those", "Though",
    "Thus", "To", "Today", "Under", "Until", "Was", "We", "Were", "What", "When", "Where",
    "Which", "While", "Who", "Why", "Will", "With", "Would", "Yet", "Yesterday", "You", "Your"
})
# fmt: on
"""Closed-class words that start sentences; after an ambiguous abbreviation they mean a new one."""

EXCLAMATION_NAMES = frozenset({"Yahoo", "OK", "Jeopardy"})
"""Names spelled with a final ``!`` (``As OK! previously reported``)."""

_OPENERS = "\"'“‘«([{"
_OPENING_QUOTES = "\"“‘«"
_CLOSERS = "\"'”’»)]}"

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
_BREAK_CHARACTER = re.compile(r"[\n\u2028\u2029]")
_BLANK = re.compile(r"\s*+")
_FIRST_WORD = re.compile(r"\S+")
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\Z")
_CAMEL_WORD = re.compile(r"[a-z]+[A-Z]")
_LIST_MARKER = re.compile(
    r"(?<!\S)(?:[•⁃▪‣◦]\s?)?(?P<label>\d{1,3}|[a-z])(?P<punct>\.\)|[.)])\s+(?=[A-Z])"
)
"""An enumeration marker (``1.)``, ``2)``, ``• 9.``, ``a.``) before a capitalised item."""
_LIST_AFTER_COLON = re.compile(r":\s+(?=(?:[•⁃▪‣◦]\s?)?(?:\d{1,3}|[a-z])(?:\.\)|[.)])\s+[A-Z])")

_MONTH_NAMES = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = re.compile(
    r"\b(?:(?P<iso_year>\d{4})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2})"
    rf"|(?P<month>{_MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"
    rf"|(?P<day_first>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month_second>{_MONTH_NAMES})\.?,?"
    r"\s+(?P<year_last>\d{4}))\b",
    re.IGNORECASE,
)
"""A date: ``2022-11-29``, ``Nov. 29, 2022`` or ``29 November 2022``."""
_METADATA_LABEL = re.compile(
    r"\s*(?P<label>date|published|posted|first published|updated|last updated|modified)\b"
    r"\s*(?:on\b)?\s*:?",
    re.IGNORECASE,
)
_METADATA_PREFIX = re.compile(
    _METADATA_LABEL.pattern + r"\s*" + _DATE.pattern + r"[^\S\n\u2028\u2029]+", re.IGNORECASE
)
_DATE_NOISE = re.compile(
    r"\b(?:\d{1,2}[:.]\d{2}|[ap]\.?m\.?|(?-i:[A-Z]{2,4})|on|at|mon(?:day)?|tue(?:s(?:day)?)?"
    r"|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b|[\s,.:|/()-]+",
    re.IGNORECASE,
)
_PUBLISHED_LABELS = frozenset({"date", "published", "posted", "first published"})

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _succeeds(previous: str, label: str) -> bool:
    """Whether list label ``label`` directly follows ``previous`` (``1``→``2``, ``a``→``b``)."""
    if previous.isdigit() and label.isdigit():
        return int(label) == int(previous) + 1
    return not previous.isdigit() and not label.isdigit() and ord(label) == ord(previous) + 1


def count_line_breaks(text: str) -> int:
    """How many line breaks ``text`` holds."""
    return text.count("\n") + text.count("\u2028") + text.count("\u2029")


class _LineBreaks:
    """Where the line breaks of a text are, to find a position's line in logarithmic time."""

    def __init__(self, text: str) -> None:
        self.positions = [match.start() for match in _BREAK_CHARACTER.finditer(text)]
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


def _starts_like_sentence(word: str) -> bool:
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
    return window.rsplit(None, 1)[-1].strip(_OPENERS + _CLOSERS)


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
    if not _starts_like_sentence(following):
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
    dateline = _METADATA_PREFIX.match(text)
    if dateline and dateline.end() < len(text) and _starts_like_sentence(text[dateline.end()]):
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


def make_doc(nlp: Language, text: str, headlines: Iterable[str] = ()) -> Doc:
    """Tokenise ``text``, keeping it for the components so they need not rejoin the tokens.

    ``headlines``: lines known to be the headline (from a page's markup); see ``classify_units``.
    """
    doc = nlp.make_doc(text)
    doc.user_data[_TEXT_KEY] = text
    if known := {_headline_key(line) for line in headlines if line and line.strip()}:
        doc.user_data[_HEADLINES_KEY] = known
    return doc


def _headline_key(line: str) -> str:
    """How a line is compared with a known headline: case and spacing ignored."""
    return " ".join(line.split()).casefold()


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined at most once per Doc (joining walks every token)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


@Language.component(SENTENCES_COMPONENT)
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


# ------------------------------------------------------------------------------- units

# fmt: off
FUNCTION_WORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "from",
    "by", "with", "as", "into", "onto", "over", "under", "after", "before", "out", "against",
    "up", "down", "about", "via", "vs", "v", "is", "are", "was", "were", "be", "been", "its",
    "it", "his", "her", "their", "our", "my", "your", "we", "he", "she", "they", "i", "you",
    "not", "no"
})
# fmt: on
"""Words a title-cased headline leaves in lower case; ignored when measuring capitalisation."""

TITLE_MAX_WORDS = 25
HEADING_MAX_WORDS = 12
NAVIGATION_MAX_WORDS = 8
FOOTER_LINE_MAX_WORDS = 8
NEWSLETTER_MAX_WORDS = 12
AUTHOR_NAME_MAX_WORDS = 4
METADATA_MAX_WORDS = 15
DATE_LINE_MAX_CHARS = 60

_PAGE_CHROME = re.compile(
    r"(?:type to search|search(?: for)?|skip to (?:main )?content|(?:main )?menu|close"
    r"|(?:leave|post|add|write) a (?:comment|reply)|(?:\d+ )?comments?|no comments(?: yet)?"
    r"|show comments|sign up(?: now| today| here| for (?:our|the|free)\b.*)?"
    r"|subscribe(?: now| today| here)?|you (?:might|may) also like"
    r"|(?:related|recommended|popular|trending|more) (?:articles|stories|posts|reads|news)"
    r"|read (?:more|next|also)\b.*|related:.*|see also:.*"
    r"|share(?: this)?(?: article| story| post)?|share on \w+|advertisement|sponsored(?: content)?"
    r"|(?:©|copyright\b|all rights reserved).*|click here\b.*|tags?:.*|filed under:.*"
    r"|(?:photo|image|picture)s?(?: credit| source)?: .*"
    r"|\(?(?:photo|image) (?:by|via|courtesy of) .*)[\s.!:…]*",
    re.IGNORECASE,
)
"""Navigation, prompts and credits: a whole line of these is boilerplate wherever it is."""

_NEWSLETTER = re.compile(
    r"(?=.*\b(?:newsletters?|inbox|subscribe|subscription|sign(?:ing)?[ -]up|mailing list|weekly)\b)"
    r"(?:(?:get|sign|subscribe|join|enter|receive|stay|never miss|don'?t miss)\b"
    r"|.*\b(?:you|your|we|our|us)\b)",
    re.IGNORECASE,
)
"""A newsletter prompt addressing the reader; trusted only in the footer."""

_AUTHOR_BIO = re.compile(
    r"[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*){0,3} (?:is|was) (?:an?|the) (?:[\w-]+ ){0,4}?"
    r"(?:writer|reporter|editor|journalist|correspondent|contributor|columnist|producer|author)\b"
)
_BYLINE = re.compile(
    r"By\s+[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){1,3}(?:\s*(?:,|and|&|\|)\s*[^.!?]*+)?\s*+"
)
_EMBED = re.compile(
    rf"[—–-]\s*[^\n—–]{{1,80}}?\(@\w{{1,15}}\)\s*(?:{_MONTH_NAMES})\.?\s+\d{{1,2}},\s+\d{{4}}\s*\Z"
    r"|A post shared by [^\n]{1,80}?\(@[\w.]{1,30}\)",
    re.IGNORECASE,
)
"""The attribution line of an embedded tweet, or an Instagram embed."""
_SALUTATION = re.compile(
    r"(?:(?:my )?dear|respected|hono(?:u)?red|esteemed) [^,!?:;\n]{1,60}[,:]|(?:sir|madam|gentlemen)[,:]",
    re.IGNORECASE,
)
"""A letter's salutation line: ``Dear Sir,``, ``My dear Abigail,``, ``Respected Sir,``."""
# fmt: off
CLOSING_WORDS = frozenset({
    "yours", "very", "truly", "sincerely", "faithfully", "respectfully", "cordially", "affectionately",
    "ever", "and", "your", "obedient", "humble", "servant", "most", "best", "kind", "warm", "warmest",
    "regards", "wishes", "with", "love", "sir", "madam", "i", "am", "remain", "friend", "faithful",
    "affectionate", "loving", "all", "my", "the", "son", "daughter", "wife", "husband",
})
CLOSING_KEYWORDS = frozenset({
    "yours", "sincerely", "faithfully", "respectfully", "cordially", "affectionately", "regards",
    "wishes", "servant", "love",
})
# fmt: on
"""A letter's closing line (``Yours truly,``) is made of these words, one of the keywords among them."""
CLOSING_MAX_WORDS = 8
_LOWER_WORD = re.compile(r"[a-z]+")
_SIGNATURE = re.compile(r"(?:[A-Z][a-z]{0,3}\.\s?){1,3}[A-Z][\w’'-]+")
"""A signature: initials or a short first name, then a surname (``A. Lincoln``, ``Th. Jefferson``)."""
_SPEAKER = re.compile(r"(?:[A-Z][\w.’'-]*\s){0,2}[A-Z][\w.’'-]*:\s")
"""A speaker's label opening an interview line: ``Q: ``, ``Dr. Okafor: ``."""
_CAPTION_LABEL = re.compile(
    r"(?:figure|fig\.|table|plate|chart|map|exhibit|illustration)\s+\d{1,4}(?:[.\-–]\d{1,4}){0,3}[a-z]?[.:]?",
    re.IGNORECASE,
)
"""A caption's label on a line of its own (``Figure 15.17``): set aside like a heading."""
_MARKDOWN_HEADING = re.compile(r"#{1,6}(?:[ \t]|\Z)")
"""A Markdown heading line (``# Title``, ``## Section``): never a claim."""
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_][\w’'&.-]*")


class Sentence(NamedTuple):
    """A sentence as token indices and character offsets, edge whitespace left out."""

    start: int
    end: int
    start_char: int
    end_char: int


class _computed_once:
    """A property worked out on first use and kept in the instance (``functools.cached_property``
    takes a lock on every first use in Python 3.11, which costs more than these checks)."""

    def __init__(self, function: Callable) -> None:
        self.function, self.name, self.__doc__ = function, function.__name__, function.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value


@dataclass
class Block:
    """One line of the text (or the dateline opening the first line) and its sentences."""

    text: str
    sentences: list[Sentence]
    line_breaks_before: int

    @_computed_once
    def words(self) -> int:
        """How many whitespace-separated words the block has."""
        return len(self.text.split())

    @_computed_once
    def last_character(self) -> str:
        """The last character, closing quotes and brackets aside."""
        return self.text.rstrip(_CLOSERS)[-1:]

    @_computed_once
    def pattern_kind(self) -> str | None:
        """``_pattern_kind`` of the block, worked out once (the footer and the body both ask)."""
        return _pattern_kind(self)

    @property
    def capitalised_share(self) -> float:
        """Share of the content words (not ``FUNCTION_WORDS``) that start in upper case."""
        content = [w for w in _WORD.findall(self.text) if w.lower() not in FUNCTION_WORDS]
        return sum(w[0].isupper() for w in content) / len(content) if content else 0.0


def metadata_date(line: str) -> datetime.date | None:
    """The publication date a metadata line (``date 2022-11-29``, ``Published: …``) states."""
    label = _METADATA_LABEL.match(line)
    if not label or label["label"].lower() not in _PUBLISHED_LABELS:
        return None
    found = _DATE.search(line, label.end())
    if not found:
        return None
    if found["iso_year"]:
        parts = found["iso_year"], found["iso_month"], found["iso_day"]
    elif found["year"]:
        parts = found["year"], _MONTHS[found["month"][:3].lower()], found["day"]
    else:
        parts = found["year_last"], _MONTHS[found["month_second"][:3].lower()], found["day_first"]
    try:
        return datetime.date(*(int(part) for part in parts))
    except ValueError:
        return None


def _is_metadata_line(text: str) -> bool:
    """A dateline: a metadata label followed by a date and nothing but times and weekdays."""
    label = _METADATA_LABEL.match(text)
    if not label or len(text.split()) > METADATA_MAX_WORDS:
        return False
    rest = text[label.end() :]
    return bool(_DATE.search(rest)) and not _DATE_NOISE.sub("", _DATE.sub("", rest))


def _is_closing_line(block: Block) -> bool:
    """A letter's closing line: ``Yours truly,``, ``I am, Sir, your obedient servant,``."""
    if block.words > CLOSING_MAX_WORDS:
        return False
    words = set(_LOWER_WORD.findall(block.text.lower()))
    return bool(words & CLOSING_KEYWORDS) and words <= CLOSING_WORDS


def _is_date_line(text: str) -> bool:
    """A line that is only a date, perhaps after a place (``Braintree, March 31, 1776``)."""
    if len(text) > DATE_LINE_MAX_CHARS:
        return False
    found = _DATE.search(text)
    if not found or text[found.end() :].strip(" ."):
        return False
    place = text[: found.start()].rstrip()
    return not place or (place.endswith(",") and len(place.split()) <= 4)


def _pattern_kind(block: Block) -> str | None:
    """The kind a line has wherever it appears: embeds, datelines, bylines, page chrome."""
    text = block.text
    if "(@" in text and _EMBED.search(text):
        return EMBED
    if _is_metadata_line(text) or _is_date_line(text):
        return METADATA
    if _CAPTION_LABEL.fullmatch(text):
        return HEADING
    if _SALUTATION.fullmatch(text) or _is_closing_line(block):
        return BOILERPLATE
    if (
        not _LETTER.search(text)
        or _PAGE_CHROME.fullmatch(text)
        or (_BYLINE.fullmatch(text) and block.last_character not in ".!?")
    ):
        return BOILERPLATE
    return None


def _looks_like_title(block: Block) -> bool:
    """A headline: one short sentence, mostly capitalised, not ending like a sentence."""
    return (
        len(block.sentences) == 1
        and 2 <= block.words <= TITLE_MAX_WORDS
        and block.last_character not in ".:;,…"
        and _starts_like_sentence(block.text)
        and block.capitalised_share >= 0.5
    )


def _looks_like_headline(block: Block, following: Block | None) -> bool:
    """A first line that reads as a headline in any case style, above a line that starts a sentence.

    One sentence of a few words that does not end in a full stop (a question or an
    exclamation is fine; so are ``Exclusive: …`` and ``… : report``).
    """
    return (
        following is not None
        and len(block.sentences) == 1
        and 2 <= block.words <= TITLE_MAX_WORDS
        and block.last_character not in ".:;,…"
        and _starts_like_sentence(block.text)
    )


def _looks_like_navigation(block: Block) -> bool:
    """Menu or section links: a few title-cased words without punctuation."""
    return (
        len(block.sentences) == 1
        and block.words <= NAVIGATION_MAX_WORDS
        and block.last_character not in ".!?:;,…"
        and block.capitalised_share >= 0.75
    )


def _looks_like_heading(block: Block) -> bool:
    """A section heading: one short sentence without a full stop (a question is fine), not a
    speaker's line in an interview (``Interviewer: Is it reversible?``)."""
    first = block.text[:1]
    return (
        len(block.sentences) == 1
        and not _SPEAKER.match(block.text)
        and block.words <= HEADING_MAX_WORDS
        and (first.isupper() or first.isdigit())
        and block.last_character not in ".!:;,…"
    )


def _is_footer_chrome(block: Block, previous: Block | None, last: bool = False) -> bool:
    """Chrome that closes a page: prompts, bylines, share counters, an author's name and bio,
    a letter's signature (a name alone on the last line)."""
    text = block.text
    return bool(
        block.pattern_kind == BOILERPLATE
        or (last and previous is not None and _SIGNATURE.fullmatch(text))
        or (block.words <= NEWSLETTER_MAX_WORDS and _NEWSLETTER.match(text))
        or (
            _AUTHOR_BIO.match(text)
            and previous is not None
            and previous.words <= AUTHOR_NAME_MAX_WORDS
            and text.split()[0] in previous.text.split()
        )
    )


def _footer_start(blocks: list[Block]) -> int:
    """Index of the first block of the trailing page chrome (``len(blocks)`` if none).

    The footer is the longest tail made only of chrome and short unpunctuated lines (names,
    labels), trimmed to start at its first chrome line, so that a short last paragraph of
    the article is never swallowed.
    """
    start = len(blocks)
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if _is_footer_chrome(block, blocks[index - 1] if index else None, index == len(blocks) - 1):
            start = index
        elif block.words > FOOTER_LINE_MAX_WORDS or block.last_character in ".!?:;,":
            break
    return start


def _block_kinds(blocks: list[Block], headlines: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The kind of each block; ``claim`` blocks become one unit per sentence.

    Reads the page top to bottom: a header (metadata, navigation, the one title), the body
    (claims, section headings, embeds, stray chrome) and a footer (prompts, bylines, bios).
    """
    footer_start = _footer_start(blocks)
    kinds = [BOILERPLATE] * len(blocks)  # the footer keeps this
    title: str | None = None
    in_header = True
    seen_claim = False
    first_line = True  # no line but metadata read yet
    for index, block in enumerate(blocks[:footer_start]):
        if _MARKDOWN_HEADING.match(block.text):
            kinds[index] = TITLE if title is None and in_header else HEADING
            title = title if title is not None else block.text.lstrip("#").strip().casefold()
            in_header = in_header and kinds[index] == TITLE
            first_line = False
            continue
        kind = block.pattern_kind
        if kind is None and headlines and block.words <= TITLE_MAX_WORDS and _headline_key(block.text) in headlines:
            kind = TITLE if title is None else BOILERPLATE
            title = title if title is not None else block.text.casefold()
        if kind is None and title is not None and block.text.casefold() == title:
            kind = BOILERPLATE
        if kind is None and in_header:
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            continued = following is not None and following.text[:1].islower()  # a hard-wrapped sentence
            if title is None and not continued and (
                _looks_like_title(block) or (first_line and _looks_like_headline(block, following))
            ):
                kind, title = TITLE, block.text.casefold()
            elif title is not None and _looks_like_navigation(block):
                kind = BOILERPLATE
            else:
                in_header = False
        if kind is None:
            between_paragraphs = seen_claim and index + 1 < footer_start
            kind = HEADING if between_paragraphs and _looks_like_heading(block) else CLAIM
            seen_claim = seen_claim or kind == CLAIM
        first_line = first_line and kind == METADATA
        kinds[index] = kind
    return kinds


def _sentences(doc: Doc) -> list[Sentence]:
    """The sentences of ``doc`` without their edge whitespace tokens; blank ones left out."""
    columns = doc.to_array([SENT_START, IDX, LENGTH, IS_SPACE])
    token_starts, lengths, spaces = (columns[:, column].tolist() for column in (1, 2, 3))
    bounds = [0, *numpy.flatnonzero(columns[1:, 0] == 1) + 1, len(doc)]
    sentences = []
    for start, end in pairwise(bounds):
        while start < end and spaces[start]:
            start += 1
        while end > start and spaces[end - 1]:
            end -= 1
        if start < end:
            end_char = token_starts[end - 1] + lengths[end - 1]
            sentences.append(Sentence(start, end, token_starts[start], end_char))
    return sentences


def _blocks(doc: Doc) -> list[Block]:
    """The sentences of ``doc`` grouped by line; a leading dateline is a block of its own."""
    text = doc_text(doc)
    lines: list[tuple[list[Sentence], int]] = []
    previous_end = 0
    dateline_first = False
    for sentence in _sentences(doc):
        gap = text[previous_end : sentence.start_char]
        line_breaks = count_line_breaks(gap) if gap and gap != " " else 0
        if line_breaks or not lines or (len(lines) == 1 and dateline_first):
            lines.append(([sentence], line_breaks))
            dateline_first = len(lines) == 1 and _is_metadata_line(
                text[sentence.start_char : sentence.end_char]
            )
        else:
            lines[-1][0].append(sentence)
        previous_end = sentence.end_char
    return [
        Block(text[sentences[0].start_char : sentences[-1].end_char], sentences, line_breaks)
        for sentences, line_breaks in lines
    ]


@Language.component(UNITS_COMPONENT)
def classify_units(doc: Doc) -> Doc:
    """Store the article's units in ``doc.spans["units"]``, labelled with their kind."""
    blocks = _blocks(doc)
    units_by_block: list[list[Span]] = []
    kinds = _block_kinds(blocks, doc.user_data.get(_HEADLINES_KEY, frozenset()))
    for index, (block, kind) in enumerate(zip(blocks, kinds)):
        if kind == CLAIM:
            units_by_block.append([Span(doc, s.start, s.end, label=CLAIM) for s in block.sentences])
            continue
        start = block.sentences[0].start
        if kind == EMBED and index and block.line_breaks_before == 1 and _EMBED.match(block.text):
            # An attribution line of its own: the post's text is the line above it.
            start = blocks[index - 1].sentences[0].start
            units_by_block[-1] = []
        units_by_block.append([Span(doc, start, block.sentences[-1].end, label=kind)])
    doc.spans[UNITS_KEY] = [unit for units in units_by_block for unit in units]
    return doc


_OTHER_WHITESPACE_RUN = re.compile(r"([^\S ]\s*)")
"""A run of whitespace that starts with something other than a plain space (a line break, a tab)."""


class WhitespaceTokenizer:
    """Tokens split at whitespace only: one token per word with its punctuation, and one per run
    of extra whitespace, as spaCy represents them (``text == doc.text``, always).

    Every sentence start ``sentence_start_offsets`` can return follows whitespace, so these
    tokens are all the components need. Unlike spaCy's English tokenizer, which splits
    punctuation off one character at a time and takes quadratic time on a long run of it
    (``!!!…``, a run of double quotes), this is linear, and faster on prose: words come from
    ``str.split(" ")`` per line, so Python loops once per line, not once per word.
    """

    def __init__(self, vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        pieces = _OTHER_WHITESPACE_RUN.split(text)  # text, separator, text, separator, ..., text
        for index, piece in enumerate(pieces):
            if index % 2:
                words.append(piece)
                spaces.append(False)
            elif piece:
                line_words = piece.split(" ")
                line_spaces = [True] * len(line_words)
                line_spaces[-1] = False
                if "" in line_words:  # two spaces in a row, or a space at either end
                    for position, word in enumerate(line_words):
                        if not word:
                            line_words[position] = " "
                            line_spaces[position] = False
                    if line_words[-1] == " " and len(line_words) > 1:
                        del line_words[-1], line_spaces[-1]
                        line_spaces[-1] = line_words[-1] != " " or line_spaces[-1]
                words.extend(line_words)
                spaces.extend(line_spaces)
        return Doc(self.vocab, words=words, spaces=spaces)


@spacy.registry.tokenizers(TOKENIZER)
def create_whitespace_tokenizer() -> Callable[[Language], WhitespaceTokenizer]:
    """The registered factory of ``WhitespaceTokenizer`` (spaCy's English one is never built)."""
    return lambda nlp: WhitespaceTokenizer(nlp.vocab)


def build_pipeline() -> Language:
    """A blank English pipeline: the whitespace tokenizer, the sentence and unit components."""
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    nlp.add_pipe(SENTENCES_COMPONENT)
    nlp.add_pipe(UNITS_COMPONENT)
    return nlp

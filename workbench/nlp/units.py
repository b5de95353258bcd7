"""The unit component: ``classify_units`` stores an article's units in ``doc.spans["units"]``.

The sentences (from the sentence component) are grouped into lines and each line is
classified, top to bottom: a header (metadata, navigation, the one title), the body (claims,
section headings, embeds, stray chrome) and a footer (prompts, bylines, bios). A claim line
becomes one unit per sentence; any other line is one unit, labelled with its kind from
``workbench.models.CLAIM_KINDS``. Units never start or end with whitespace. Each line passes
a few regular expressions (linear in its length), once per distinct line; the classification
reads the lines once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START
from spacy.tokens import Doc, Span

from workbench.nlp.dates import MONTH_NAMES, is_date_line, is_metadata_line
from workbench.nlp.doc import doc_text, headline_key, known_headlines, line_break_offsets
from workbench.nlp.sentences import CLOSERS, starts_like_sentence
from workbench.vocabulary import ClaimKind

UNITS_KEY = "units"
"""Key of the span group holding an article's units."""
_UNIT_ROWS_KEY = ("workbench", "units")
"""Where ``classify_units`` keeps the units as rows in ``doc.user_data`` (see ``unit_rows``)."""

CLAIM, TITLE, HEADING, METADATA, BOILERPLATE, EMBED = (kind.value for kind in ClaimKind)
"""Plain strings of the kinds, compared once per line on the hot path."""

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
    rf"[—–-]\s*[^\n—–]{{1,80}}?\(@\w{{1,15}}\)\s*(?:{MONTH_NAMES})\.?\s+\d{{1,2}},\s+\d{{4}}\s*\Z"
    r"|A post shared by [^\n]{1,80}?\(@[\w.]{1,30}\)",
    re.IGNORECASE,
)
"""The attribution line of an embedded tweet, or an Instagram embed."""
_TABLE_ROW = re.compile(r"\|[^\n]*\|")
"""A row of a table written with pipes (``| Jan | 2.9% |``, as Markdown tables are read): data, not a sentence."""
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


@dataclass(slots=True)
class Block:
    """One line of the text (or the dateline opening the first line) and its sentences, with
    what the classification reads of every line, worked out once per distinct text."""

    text: str
    sentences: range
    """Indices of its sentences in the columns of ``_sentences``."""
    line_breaks_before: int
    words: int
    """How many whitespace-separated words the block has."""
    last_character: str
    """The last character, closing quotes and brackets aside."""
    pattern_kind: str | None
    """``_pattern_kind`` of the block (the footer and the body both ask)."""

    @property
    def capitalised_share(self) -> float:
        """Share of the content words (not ``FUNCTION_WORDS``) that start in upper case."""
        content = [w for w in _WORD.findall(self.text) if w.lower() not in FUNCTION_WORDS]
        return sum(w[0].isupper() for w in content) / len(content) if content else 0.0


def _is_closing_line(text: str, words: int) -> bool:
    """A letter's closing line: ``Yours truly,``, ``I am, Sir, your obedient servant,``."""
    if words > CLOSING_MAX_WORDS:
        return False
    lower_words = set(_LOWER_WORD.findall(text.lower()))
    return bool(lower_words & CLOSING_KEYWORDS) and lower_words <= CLOSING_WORDS


def _line_features(text: str) -> tuple[int, str, str | None]:
    """A line's ``Block.words``, ``Block.last_character`` and ``Block.pattern_kind``: they depend
    on its text alone."""
    words = len(text.split())
    last_character = text.rstrip(CLOSERS)[-1:]
    return words, last_character, _pattern_kind(text, words, last_character)


def _pattern_kind(text: str, words: int, last_character: str) -> str | None:
    """The kind a line has wherever it appears: embeds, datelines, bylines, page chrome."""
    if "(@" in text and _EMBED.search(text) or text[:1] == "|" and _TABLE_ROW.fullmatch(text):
        return EMBED
    if is_metadata_line(text) or is_date_line(text):
        return METADATA
    if _CAPTION_LABEL.fullmatch(text):
        return HEADING
    if _SALUTATION.fullmatch(text) or _is_closing_line(text, words):
        return BOILERPLATE
    if (
        not _LETTER.search(text)
        or _PAGE_CHROME.fullmatch(text)
        or (_BYLINE.fullmatch(text) and last_character not in ".!?")
    ):
        return BOILERPLATE
    return None


def _looks_like_title(block: Block) -> bool:
    """A headline: one short sentence, mostly capitalised, not ending like a sentence."""
    return (
        len(block.sentences) == 1
        and 2 <= block.words <= TITLE_MAX_WORDS
        and block.last_character not in ".:;,…"
        and starts_like_sentence(block.text)
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
        and starts_like_sentence(block.text)
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
        if kind is None and headlines and block.words <= TITLE_MAX_WORDS and headline_key(block.text) in headlines:
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


def _sentences(doc: Doc) -> tuple[list[int], list[int], list[int], list[int]]:
    """The sentences of ``doc`` without their edge whitespace tokens, blank ones left out, as
    columns: first tokens, ends (the token after the last), start and end offsets.

    Worked out on the token arrays at once (no Python loop over tokens or sentences)."""
    columns = doc.to_array([SENT_START, IDX, LENGTH, IS_SPACE])
    bounds = numpy.concatenate(([0], numpy.flatnonzero(columns[1:, 0] == 1) + 1, [len(doc)]))
    words = numpy.flatnonzero(columns[:, 3] == 0)  # the tokens that are not whitespace
    first = numpy.searchsorted(words, bounds[:-1])  # a sentence's first word, if it has one
    after_last = numpy.searchsorted(words, bounds[1:])
    kept = first < after_last
    starts, ends = words[first[kept]], words[after_last[kept] - 1] + 1
    start_chars = columns[starts, 1]
    end_chars = columns[ends - 1, 1] + columns[ends - 1, 2]
    return starts.tolist(), ends.tolist(), start_chars.tolist(), end_chars.tolist()


def _blocks(doc: Doc) -> tuple[list[Block], list[int], list[int]]:
    """The sentences of ``doc`` grouped by line (a leading dateline is a block of its own), and
    the first tokens and ends of the sentences ``Block.sentences`` refers to.

    The line breaks before each sentence are counted for all sentences at once, from the
    sorted offsets of the text's line breaks. A line that repeats (the same chrome on every
    page, a hostile input of identical lines) is read once: ``_line_features`` is kept per
    distinct text."""
    text = doc_text(doc)
    starts, ends, start_chars, end_chars = _sentences(doc)
    if not starts:
        return [], starts, ends
    breaks = line_break_offsets(text)
    breaks_before = numpy.searchsorted(breaks, start_chars) - numpy.searchsorted(breaks, [0, *end_chars[:-1]])
    opens_block = breaks_before > 0
    opens_block[0] = True
    if len(starts) > 1 and is_metadata_line(text[start_chars[0] : end_chars[0]]):
        opens_block[1] = True
    block_starts = numpy.flatnonzero(opens_block).tolist()
    line_breaks = breaks_before[block_starts].tolist()
    features: dict[str, tuple[int, str, str | None]] = {}
    blocks = []
    for first, end, breaks_count in zip(block_starts, [*block_starts[1:], len(starts)], line_breaks):
        block_text = text[start_chars[first] : end_chars[end - 1]]
        known = features.get(block_text)
        if known is None:
            known = features[block_text] = _line_features(block_text)
        blocks.append(Block(block_text, range(first, end), breaks_count, *known))
    return blocks, starts, ends


def classify_units(doc: Doc) -> Doc:
    """Store the article's units in ``doc.spans["units"]``, labelled with their kind."""
    blocks, starts, ends = _blocks(doc)
    kinds = _block_kinds(blocks, known_headlines(doc))
    units: list[tuple[int, int, str]] = []  # first token, end token, kind
    previous_units = 0  # how many units the block above made
    for index, (block, kind) in enumerate(zip(blocks, kinds)):
        if kind == CLAIM:
            units += [(starts[sentence], ends[sentence], CLAIM) for sentence in block.sentences]
            previous_units = len(block.sentences)
            continue
        start = starts[block.sentences[0]]
        if (
            kind == EMBED
            and index
            and kinds[index - 1] != EMBED
            and block.line_breaks_before == 1
            and _EMBED.match(block.text)
        ):
            # An attribution line of its own: the post's text is the line above it, unless
            # that line is an embed too (a second attribution line in a row is a unit of its
            # own, so the first keeps its post and no line is lost).
            start = starts[blocks[index - 1].sentences[0]]
            del units[len(units) - previous_units :]
        units.append((start, ends[block.sentences[-1]], kind))
        previous_units = 1
    labels = {kind: doc.vocab.strings.add(kind) for kind in set(kinds)}  # str labels are slower
    doc.spans[UNITS_KEY] = [Span(doc, start, end, label=labels[kind]) for start, end, kind in units]
    doc.user_data[_UNIT_ROWS_KEY] = units
    return doc


def unit_rows(doc: Doc) -> list[tuple[int, int, str]]:
    """The units of ``doc.spans["units"]`` as (first token, end token, kind) rows, as
    ``classify_units`` made them: reading the span group back makes a Span object per unit
    (a third of a second for 500,000 units)."""
    return doc.user_data[_UNIT_ROWS_KEY]


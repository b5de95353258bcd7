"""Direct quotes (their exact spans, speakers and reporting verbs) and indirect speech.

``find_quotes`` pairs quote marks paragraph by paragraph (one pass over the marks) and looks
for each quote's attribution in a bounded window around it; ``indirect_speech`` tries at most
``MAX_VERBS_TRIED`` reporting verbs per unit. Linear in the article's length.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from itertools import groupby, islice

from workbench.triage_lexicon import WORD, trie_pattern
from workbench.triage_names import (
    NAME_WORD,
    NOT_NAMES,
    OFFICE_WORDS,
    ORGANISATION_WORDS,
    PARTICLES,
    TITLES,
    Name,
    SpeakerResolver,
    find_names,
    office_word,
    sentence_pieces,
    trimmed_name,
)

_REPORTING_VERBS = (
    r"said|says|say|told|tells|tell|wrote|writes|write|added|adds|add|stated|states|explained|explains"
    r"|noted|notes|continued|continues|concluded|began|claimed|claims|argued|argues|insisted|insists"
    r"|asked|asks|replied|replies|responded|tweeted|posted|announced|announces|declared|warned|warns"
    r"|admitted|acknowledged|alleged|alleges|stressed|commented|recalled|read|reads|reported|reports"
    r"|confirmed|denied|explained|suggested|testified|wrote on \w+|shared|saying|telling|writing"
    r"|adding|stating|explaining|noting|claiming|arguing|insisting|announcing|declaring|warning"
    r"|stressing|signed off|issued a statement|said in a statement|continued|chanted|shouted|yelled"
    r"|vowed|vows|urged|urges|conceded|concedes|pledged|promised|joked|cautioned|predicted|countered"
    r"|quipped|pleaded|lamented|complained|observed|remarked|maintained|boasted|emphasised|emphasized"
)
_REPORTING_ALTERNATIVES = _REPORTING_VERBS.split("|")

_FAMILIES = {
    '"': "double", "“": "double", "”": "double", "„": "double", "‟": "double",
    "«": "guillemet", "»": "guillemet", "‹": "single_guillemet", "›": "single_guillemet",
    "「": "corner", "」": "corner", "『": "white_corner", "』": "white_corner",
    "‘": "single", "’": "single", "'": "single",
}
_ALWAYS_OPEN = frozenset("„「『")
_ALWAYS_CLOSE = frozenset("」』")
_QUOTE_MARKS = re.compile("[" + re.escape("".join(_FAMILIES)) + "]")
_LINE_BREAK = re.compile(r"[\n\u2028\u2029]")
_SHORT_QUOTE = re.compile(r"[“\"][^“”\"]*[”\"]")
"""A quote inside one clause, blanked out when the clause is read for a speaker."""
_OPENING_CONTEXT = frozenset("([{<—–-/")
MAX_SCARE_WORDS = 3
"""A quoted span of at most this many words with no speaker is a scare quote, not a quote."""


@dataclass(frozen=True)
class _QuoteSpan:
    start: int
    """Offset of the first character inside the marks."""
    end: int
    open_mark: int
    close_mark: int | None
    """``None`` for a paragraph whose quote runs on into the next paragraph."""
    paragraph: int


def _mark_role(text: str, index: int) -> str | None:
    """``open``, ``close`` or ``None`` (an apostrophe, an inch mark) from the flanking characters."""
    mark = text[index]
    after = text[index + 1] if index + 1 < len(text) else " "
    if mark == "’" and after.isalnum():
        return None  # an apostrophe (``Balenciaga’s``): the most common mark by far
    before = text[index - 1] if index > 0 else " "
    left_flanking = not after.isspace()  # could open: text follows
    right_flanking = not before.isspace() and before not in _OPENING_CONTEXT
    if mark in _ALWAYS_OPEN:
        return "open"
    if mark in _ALWAYS_CLOSE:
        return "close"
    if mark in "«‹»›":
        return "either"  # French « … » (often spaced inside) and German » … « alike
    if mark == "’":
        return "close" if right_flanking else None
    if mark == "'":  # straight: an apostrophe between letters, else by what flanks it
        if before.isalnum() and after.isalnum():
            return None
        if after.isalpha() and not before.isalnum():
            return "open"
        return "close" if right_flanking and not after.isalnum() else None
    if mark == "‘":
        return "open" if left_flanking and not before.isalnum() else None
    if left_flanking and not right_flanking:
        return "open"
    if right_flanking and not left_flanking:
        return "close"
    if right_flanking and left_flanking and not (before.isalnum() and after.isalnum()):
        return "either"  # ``."Next`` or ``("…")``
    return None


def _opens_single(text: str, index: int) -> bool:
    """A single mark opening a quote of its own: ``‘``, or ``'`` before a capital (``'The council …'``),
    not ``'n'`` or ``'90s``."""
    return text[index] == "‘" or text[index + 1 : index + 2].isupper()


_NOT_AFTER_POSSESSIVE = frozenset(
    "i you he she it we they me him her us them and or but nor to in on at for with from of as by "
    "is was are were be been that which who whom then so if when while".split()
) | frozenset(_REPORTING_ALTERNATIVES)
"""Words after ``s’`` that show the mark closes a quote (``‘Ask the teachers’ he said``), where a noun
would show a plural possessive (``‘The players’ union …’``)."""
_WORD_AFTER = re.compile(r" ([a-z]+)")


def _plural_possessive(text: str, index: int) -> bool:
    """Whether the single mark at ``index`` may be a plural possessive (``players’ union``, ``unions'
    leaders``): after ``s``, before a lower-case word that is no pronoun, verb of saying or function word."""
    if text[index - 1 : index] != "s":
        return False
    following = _WORD_AFTER.match(text, index + 1)
    return following is not None and following.group(1) not in _NOT_AFTER_POSSESSIVE


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line holding something other than whitespace."""
    bounds = []
    start = 0
    for line in _LINE_BREAK.split(text):
        end = start + len(line)
        if line and not line.isspace():
            bounds.append((start, end))
        start = end + 1
    return bounds


def find_quote_spans(text: str, paragraphs: list[tuple[int, int]] | None = None) -> list[_QuoteSpan]:
    """Top-level quoted spans of ``text``, paragraph by paragraph, in order.

    Marks pair within their family (``“ ”`` with ``"`` and ``„``, ``« »``, ``「 」``, ``‘ ’`` with ``'``;
    a single mark opens a quote of its own only as ``‘`` or as ``'`` before a capital);
    a closing mark of another family than the open quote is skipped. A quote still open at
    the end of its paragraph counts only if the next paragraph opens with a quote mark (the
    convention for a quote running over paragraphs); otherwise the stray mark is ignored.
    """
    spans: list[_QuoteSpan] = []
    paragraphs = _paragraphs(text) if paragraphs is None else paragraphs
    paragraph_ends = [end for _start, end in paragraphs]
    marks = [match.start() for match in _QUOTE_MARKS.finditer(text)]
    for number, indices in groupby(marks, lambda index: bisect_right(paragraph_ends, index)):
        stack: list[tuple[str, int]] = []
        open_by_family: dict[str, list[int]] = {}  # family → its positions in ``stack``, ascending
        roles = [(index, _mark_role(text, index)) for index in indices]
        last_single_close = max(
            (index for index, role in roles if role in ("close", "either") and _FAMILIES[text[index]] == "single"),
            default=-1,
        )
        for index, role in roles:
            if role is None:
                continue
            family = _FAMILIES[text[index]]
            positions = open_by_family.setdefault(family, [])
            if family == "single" and role == "close" and index < last_single_close and _plural_possessive(text, index):
                continue  # ``‘The players’ union …’``: a later mark closes the quote
            if role in ("close", "either") and positions:
                open_index = positions[-1]
                opened = stack[open_index][1]
                for closed_family, _opened in reversed(stack[open_index:]):
                    open_by_family[closed_family].pop()
                del stack[open_index:]
                if not stack:
                    spans.append(_QuoteSpan(opened + 1, index, opened, index, number))
            elif role in ("open", "either") and (family != "single" or stack or _opens_single(text, index)):
                positions.append(len(stack))
                stack.append((family, index))
        if stack and number + 1 < len(paragraphs):
            next_start = paragraphs[number + 1][0]
            first = text[next_start:paragraphs[number + 1][1]].lstrip()[:1]
            if first and first in _FAMILIES and _FAMILIES[first] == stack[0][0]:
                opened = stack[0][1]
                spans.append(_QuoteSpan(opened + 1, paragraphs[number][1], opened, None, number))
    trimmed = []
    for span in spans:
        inner = text[span.start : span.end]
        left = len(inner) - len(inner.lstrip())
        right = len(inner.rstrip())
        if right > left:
            trimmed.append(_QuoteSpan(span.start + left, span.start + right, span.open_mark, span.close_mark, span.paragraph))
    return trimmed


_DEFINITE = (
    r"(?:[Aa]n? (?:[A-Z][\w’'-]* (?:(?:of|for|and) )?){0,3}(?:[a-z][\w’'-]*-based )?"
    r"(?:spokesperson|spokesman|spokeswoman|official|source|insider|representative)\b"
    r"|(?:[Tt]he|[Ii]ts|[Tt]heir) (?:(?:[A-Z][\w’'-]*|[a-z][\w’'-]*-based) ){0,3}"
    r"(?:statement|brand|company|firm|label|fashion brand|fashion label|prime minister"
    r"|fashion house|luxury brand|group|organi[sz]ation|agency|department|ministry|government"
    r"|spokesperson|spokesman|spokeswoman|administration|police|powerhouse|fashion powerhouse"
    r"|retailer|photographer|designer|star|reality star|singer|actor|actress|president|report|study"
    r"|mayor|minister|senator|governor|official|officials|spokesperson|court|judge|lawsuit|complaint"
    r"|prosecutor|prosecutors|experts|analysts|researchers|scientists|authorities|survey|poll|data"
    r"|airline|bank|club|council|party|union|hospital|university|school|team|network|newspaper|charity"
    r"|regulator|watchdog|insurer|lender|manufacturer|carmaker|operator|embassy|foundation|campaign))"
)
"""A description that speaks: ``the company``, ``the Minnesota-based company``, ``a Met Office spokesperson``,
``a Ministry of Justice spokesman``, ``a Treasury source``."""
_DESCRIPTION_SPEAKS = re.compile(_DEFINITE)
_ADVERBS = (
    "also|later|earlier|previously|then|again|once|further|recently|repeatedly|initially|reportedly|"
    "allegedly|publicly|privately|separately|already|still|has|have|had|would|will|was|is"
)
_SUBJECT = re.compile(
    rf"(?P<speaker>\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I)\b|{_DEFINITE}\b"
    rf"|{NAME_WORD}(?:\s(?:(?:of|for|and) )?{NAME_WORD}){{0,6}}(?:(?<=['’]s) (?!(?:{_ADVERBS})\b)[a-z][\w’'-]*)?)"
)
"""Who can be a quote's speaker: a pronoun, a definite description, a capitalised name."""
_PREPOSITIONS = frozenset(
    "from in of to for with by on at about against into over under via than like including near outside "
    "inside across behind beside around through among between within".split()
)
_REPORTING = re.compile(trie_pattern(
    verb for verb in _REPORTING_ALTERNATIVES if " " not in verb or verb.split()[0] not in _REPORTING_ALTERNATIVES
).join([r"\b", r"\b"]))
"""``_REPORTING_VERBS`` as a trie (the same matches, found many times faster). A phrase that
starts with a verb of the list (``said in a statement``) is left out: in the alternation that
verb matches first, so the phrase never does."""
_NOT_SPEAKERS = NOT_NAMES - {"He", "She", "They", "We", "I"}
"""Capitalised words that are no one's name; a pronoun can still be a speaker."""
_COURTESY_TITLES = frozenset({"Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Sir", "Dame"})
_FIRST_NAME_WORDS = frozenset({"April", "May", "June", "August", "Will"})
"""Words that name no one alone but start a person's name before another name (``said April Ryan``)."""
_NOT_SPEAKER_STARTS = _NOT_SPEAKERS - {"The", "Its", "Their"} - _COURTESY_TITLES
"""First words of no speaker (``The``, ``Its``, ``Their`` start descriptions: ``The brand``; ``Mr``
starts a name)."""
_DESCRIPTION_WORD = rf"(?!(?:{_ADVERBS})\b)[a-z0-9][\w’'-]*"
_DESCRIPTION = rf"(?:the|an?) {_DESCRIPTION_WORD}(?: {_DESCRIPTION_WORD})?"
"""A plain description of a speaker (``the bank``, ``a senior official``), no adverb in it."""
_CLAUSE_END_AHEAD = r"(?=[.,;!?]|$| (?:in|on|at|last|this|during|after|before|to)\b)"
_PERSON_NAME = rf"{NAME_WORD}(?: (?:(?:{PARTICLES}) )?(?:(?:al|el)-)?{NAME_WORD}){{0,4}}"
"""A capitalised name of up to five words, particles inside (``Pieter van der Berg``, ``Ahmed al-Sharaa``),
offices included (``Deputy Prime Minister Oliver Dowden``: ``_clean_speaker`` drops them)."""
_FUNCTION_WORDS = "of|to|for|and|or|at|from|with|by|in|on|as|the|an?|one|another|who|which|that"
_ROLE = rf"(?:[A-Z][\w’'-]* ){{0,2}}(?:(?!(?:{PARTICLES}|{_FUNCTION_WORDS}) )[a-z][\w’'-]+ ){{1,3}}"
"""Lower-case words of a role before a name (``defence attorney``, ``Amazon spokeswoman``), never a
preposition or article: ``the son of Donald Trump`` is no role of Donald Trump's."""
def _where(group: str) -> str:
    """Where a named speaker works (``Mark Rowe of Thames Valley Police``), as group ``group``, not part
    of the speaker; a name ending in a title or an office is refused with it (``Secretary of State …``,
    see ``_named_speaker``)."""
    return rf"(?P<{group}> (?:of|at|for) (?:the )?{NAME_WORD}(?: {NAME_WORD}){{0,3}})?"


_ANY_WORD = rf"(?:{NAME_WORD}|{_DESCRIPTION_WORD})"
_DESCRIBED = (
    rf"(?:the|an?|one|another|his|her|their) (?:{_ANY_WORD} ){{0,3}}{_ANY_WORD}"
    rf"(?: (?:for|of|at|from|with|to) (?:the |an? )?(?:{_ANY_WORD} ){{0,3}}{_ANY_WORD})?"
    r"|(?:(?:[A-Z][\w.’'-]*|[a-z]+) )?(?:officials|police|authorities|sources|experts|analysts|prosecutors"
    r"|investigators|residents|witnesses|critics|protesters|organi[sz]ers|lawmakers|economists|engineers"
    r"|doctors|nurses|scientists|researchers|teachers|workers|parents|students|farmers|campaigners|activists"
    r"|lawyers|diplomats|executives|shareholders|locals|fans|voters|members|leaders|ministers|officers"
    r"|firefighters|paramedics|neighbours|neighbors|observers|supporters|opponents|survivors|families|staff)"
    rf"(?: (?:at|of|from|outside|inside|near|in) (?:the |an? )?(?:{_ANY_WORD} ){{0,2}}{_ANY_WORD})?"
)
"""A described speaker (``the White House``, ``a spokeswoman for the agency``, ``one senior FIFA
official``, ``the son of Donald Trump``, ``the 41-year-old``, ``analysts at Goldman Sachs``, ``his
mother``, ``residents of the town``); never at a sentence's start, where ``The drama continues`` is no
attribution."""
_INVERTED_VERBS = (
    "said|says|wrote|writes|added|adds|told|explained|continued|concluded|asked|argued|argues|tweeted|insisted"
    "|insists|claimed|claims|conceded|vowed|urged|warned|warns|admitted|replied|responded|recalled|noted|stated"
    "|declared|announced|testified|posted|countered|quipped|pleaded"
)
_ASIDES_BEFORE_VERB = r"(?:(?:,[^,\"“”\n]{1,80}){1,2},)?"
_AFTER = re.compile(
    rf"\s*[,.!?]?\s*[—–-]?\s*(?:"
    rf"(?:(?:the|an?|one|another) |{NAME_WORD}['’]s )[^,\"“”\n]{{0,60}}, "
    rf"(?P<speaker5>{NAME_WORD} {_PERSON_NAME}),\s(?:(?:{_ADVERBS}) )?(?P<verb5>{_REPORTING_VERBS})\b"
    rf"|(?P<speaker4>{_DESCRIBED})(?: (?:{_ADVERBS}))?\s(?P<verb4>{_REPORTING_VERBS})\b"
    rf"|(?:{_ROLE})?(?P<speaker>\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e|[Ii]t|I)\b|{_DEFINITE}\b|{_PERSON_NAME}(?:(?<=['’]s) {_DESCRIPTION_WORD})?)"
    rf"{_where('where1')}{_ASIDES_BEFORE_VERB}\s(?P<verb>{_REPORTING_VERBS})\b"
    rf"|(?P<verb2>{_INVERTED_VERBS})\s(?:(?:{_DESCRIBED}|{NAME_WORD}['’]s (?:{_ANY_WORD} ){{0,3}}{_ANY_WORD}), "
    rf"(?P<speaker6>{NAME_WORD} {_PERSON_NAME})"
    rf"|(?:{_ROLE})?(?P<speaker2>{_PERSON_NAME}){_where('where2')}"
    rf"|(?P<speaker3>{_DEFINITE}|{_PERSON_NAME}['’]s {_DESCRIPTION_WORD}|{_DESCRIBED})){_CLAUSE_END_AHEAD}"
    rf")"
)
"""Attribution after a quote: ``," she said``, ``," the statement, posted on X, began``, ``," said Kim``,
``," defence attorney Lucia Ferrante said``, ``," said union leader Grace Mbeki``, ``," the White House
said``, ``," a company spokesperson told CNN``, ``," officials said``, ``," it said``, ``," Wilde's
spokesman said``, ``," the prime minister, Keir Starmer, said``, ``," said Apple's chief executive, Tim
Cook`` (the speaker in group ``speaker`` to ``speaker6``, the verb in ``verb`` to ``verb5``)."""
_SPEAKER_GROUPS = ("speaker", "speaker2", "speaker3", "speaker4", "speaker5", "speaker6")
_VERB_GROUPS = ("verb", "verb2", "verb4", "verb5")
_SIGNED = re.compile(rf"\s*[—–-]\s*(?P<speaker>{NAME_WORD} {_PERSON_NAME})(?=\s*(?:,|$))", re.MULTILINE)
"""A quote signed with a dash and a full name (``"…" – Carmen Ortiz, Education Secretary``)."""
_ACCORDING = re.compile(
    r"\b(?P<verb>[Aa]ccording to) (?:\w+ ){0,2}?(?P<speaker>(?:the |an? )?[a-z][\w’'-]*(?: [a-z][\w’'-]*){0,5}(?=,)"
    rf"|{_DEFINITE}|(?:{NAME_WORD}(?: (?:of |for |the )?{NAME_WORD}){{0,3}} (?:[a-z][\w’'-]+ ){{1,2}})?{NAME_WORD} {_PERSON_NAME}"
    rf"|{NAME_WORD}(?: (?:of |for |on |and |the )?{NAME_WORD}){{0,4}})"
)
_INDIRECT_VERBS = frozenset(
    "said says say claimed claims claim told argued argues alleged alleges insisted believes reported "
    "reports stated states wrote writes announced warned admitted denied suggested confirmed explained".split()
)
"""Verbs of indirect speech (``X said that …``): a unit holding one after a subject is attributed."""
_INDIRECT = re.compile(trie_pattern(_INDIRECT_VERBS).join([r"\b", r"\b"]))
_INDIRECT_STEMS = tuple(sorted(
    verb for verb in _INDIRECT_VERBS if not any(verb != other and verb.startswith(other) for other in _INDIRECT_VERBS)
))
"""The verbs that do not begin with another one (``claim`` for ``claims``): ``str.find`` finds them all."""
_CLAUSE_END = re.compile(_CLAUSE_END_AHEAD)
"""What ends a clause of attribution after its verb or speaker (``said.``, ``said in a statement``)."""
_INVERTING_VERBS = frozenset({"said", "says", "wrote", "writes", "added", "explained"})
"""Verbs that come before their speaker after a statement (``…, said John Smith``); after others the
name is a listener or an object (``…, told Reuters that``)."""
_SPEAKER_AFTER_VERB = re.compile(
    rf" (?P<speaker>{_DEFINITE}|{NAME_WORD}(?: {NAME_WORD}){{0,3}}(?:['’]s {_DESCRIPTION_WORD})?|{_DESCRIPTION})"
    rf"{_CLAUSE_END_AHEAD}"
)
"""The speaker after a verb that follows a comma (``…, said John Smith.``, ``…, said John’s aide.``,
``…, said the bank on Monday.``)."""
_DESCRIBED_SPEAKER = re.compile(rf", (?P<speaker>{_DESCRIPTION})(?: (?:{_ADVERBS}))? $")
"""A plain description as the speaker between a comma and the verb (``…, the bank also said.``)."""
_PRONOUN_WORDS = frozenset("i you he she it we they".split())
_CUT_WORD = re.compile(r"\w\w")
MAX_VERBS_TRIED = 20
"""Reporting verbs tried per unit when looking for indirect speech (bounds very long units)."""
MAX_SUBJECT_DISTANCE = 8
"""Words (appositives between commas or dashes not counted) allowed between speaker and verb."""


def _clean_speaker(speaker: str) -> str:
    """The speaker without the comma, full stop or possessive around it, without what follows a
    sentence end (``said John Smith. His`` → ``John Smith``), and a person's full name without the
    office or title before it (``Prime Minister Helena Varga`` → ``Helena Varga``), as names are found;
    ``Mr Smith`` stays as written (the title tells which Smith), ``The Republican National Committee`` too."""
    speaker = sentence_pieces(speaker.strip(" ,"))[0][1]
    if speaker.endswith(".") and len(speaker.rsplit(" ", 1)[-1]) > 3:
        speaker = speaker[:-1]
    for suffix in ("’s", "'s"):
        speaker = speaker.removesuffix(suffix)
    if speaker[:1].isupper() and " " in speaker:
        name = trimmed_name(speaker)
        dropped = [office_word(word) for word in speaker[: name[0]].split()] if name else ()
        if name and len(name[2]) >= 2 and all(word[:1].isupper() for word in name[2]) and not OFFICE_WORDS.isdisjoint(dropped):
            speaker = speaker[name[0] : name[1]]
    return speaker


_RELATIVE = re.compile(r",\s*who\s*")
"""``Gabriele Galimberti, who issued``: the name is the subject of the verb, not an aside."""
_ASIDES = re.compile(r",[^,]*,|\s[-—–][^-—–]*[-—–]")
_ASIDE_OPEN = re.compile(r"\s[-—–](?:\s|$)|,")
_CLOSED_ASIDE = re.compile(r",\s(?:an?|the|who|which|whose)\s[^,()]*,|\([^()\n]{0,80}\)")
"""An appositive or relative clause between commas (``, a Democrat from Ohio,``, ``, who keeps 600 ewes
near Llanidloes,``) or a parenthesis, blanked before a subject is sought."""


def _subject_before(head: str) -> tuple[int, str] | None:
    """The speaker of a reporting verb: the nearest candidate before it that is not the
    object of a preposition, within ``MAX_SUBJECT_DISTANCE`` words, and not a word inside a closed
    aside (``Sen. Ana Holt, a Democrat from Ohio, said``; ``Rep. Luis Moreno (D-Texas) said``)."""
    if "(" in head or ", " in head:
        head = _CLOSED_ASIDE.sub(lambda aside: " " * len(aside.group()), head)
    for match in reversed(list(_SUBJECT.finditer(head))):
        between = head[match.end() :]
        if "," in between or "-" in between or "—" in between or "–" in between:
            between = _ASIDES.sub(" ", between)
        if len(list(islice(WORD.finditer(between), MAX_SUBJECT_DISTANCE + 1))) > MAX_SUBJECT_DISTANCE:
            return None
        offset, speaker = sentence_pieces(match.group("speaker"))[-1]  # ``Smith. He`` said: ``He``
        if (" " not in speaker and speaker in _NOT_SPEAKERS or speaker.split()[0] in _NOT_SPEAKER_STARTS) and not (
            _DESCRIPTION_SPEAKS.fullmatch(speaker)
        ):
            continue
        if _ASIDE_OPEN.search(between.rstrip(", ")) and not _RELATIVE.fullmatch(between):
            continue  # inside an appositive that closes before the verb
        speaker_start = match.start() + offset
        words_before = WORD.findall(head[max(0, speaker_start - 20) : speaker_start])
        if words_before and words_before[-1].lower() in _PREPOSITIONS:
            continue
        return speaker_start, speaker
    return None


def _last_clause(text: str) -> str:
    """What follows the last sentence end in ``text``, short quotes blanked out."""
    cut = max(text.rfind(". "), text.rfind("? "), text.rfind("! "))
    clause = text[cut + 2 :] if cut >= 0 else text
    if '"' not in clause and "“" not in clause:
        return clause
    return _SHORT_QUOTE.sub(lambda m: " " * len(m.group()), clause)


def _named_speaker(match: re.Match | None) -> tuple[str, str] | None:
    """``(speaker, verb)`` of an ``_AFTER`` match; ``None`` for no match or for a word that names no
    one. A name that ends in a title or an office followed by where it works is the holder named
    after that portfolio (``Secretary of State Antony Blinken``: ``Antony Blinken``), or nobody."""
    if match is None:
        return None
    speaker = next(group for group in match.group(*_SPEAKER_GROUPS) if group)
    last = speaker.rsplit(" ", 1)[-1].lower().rstrip(".")
    where = match.group("where1") or match.group("where2")
    if where and (last in TITLES or last in ORGANISATION_WORDS):
        holder = trimmed_name(speaker + where)
        if holder is None or holder[0] <= len(speaker) or len(holder[2]) < 2:
            return None
        speaker = (speaker + where)[holder[0] : holder[1]]  # the office's holder, after its portfolio
    if speaker[:4].lower() == "the " and speaker[4:5].isupper():
        speaker = speaker[4:]  # a description such as ``the White House`` speaks as ``White House``
    first = speaker.split()[0]
    if first in _NOT_SPEAKER_STARTS and not (first in _FIRST_NAME_WORDS and " " in speaker):
        return None
    return _clean_speaker(speaker), next(group for group in match.group(*_VERB_GROUPS) if group)


def _attribution(
    text: str, span: _QuoteSpan, paragraph: tuple[int, int], previous_paragraph: tuple[int, int] | None
) -> tuple[str, str, int] | None:
    """``(speaker, verb, where)`` from the words after the closing mark or before the opening one;
    a pronoun speaker stands for the person named last before ``where``: the quote's opening mark
    for a speaker after the quote (not a name inside it), else the speaker's own place (``She told
    Alex Kim: "…"`` is not Alex Kim).

    A quote that opens its paragraph may take its attribution from the end of the previous
    paragraph (``… issued a statement:`` then the statement)."""
    if span.close_mark is not None:
        window = span.close_mark + 1, min(paragraph[1], span.close_mark + 160)
        signed = _SIGNED.match(text, *window)
        if signed:
            return _clean_speaker(signed.group("speaker")), "—", span.open_mark
        named = _named_speaker(_AFTER.match(text, *window))
        if named:
            return *named, span.open_mark
    clause = _last_clause(text[max(paragraph[0], span.open_mark - 240) : span.open_mark])
    clause_start = span.open_mark - len(clause)
    if (
        not clause.strip()
        and previous_paragraph
        and span.open_mark == paragraph[0]
        and text[previous_paragraph[0] : previous_paragraph[1]].rstrip().endswith(":")  # announced
    ):
        clause = _last_clause(text[previous_paragraph[0] : previous_paragraph[1]].rstrip())
        clause_start = previous_paragraph[0] + len(text[previous_paragraph[0] : previous_paragraph[1]].rstrip()) - len(clause)
        clause += " "
    verbs = [verb for verb in _REPORTING.finditer(clause) if len(clause) - verb.end() <= 100]
    for verb in reversed(verbs):
        subject = _subject_before(clause[: verb.start()])
        if subject:
            return _clean_speaker(subject[1]), verb.group(), clause_start + subject[0]
    window = max(paragraph[0], span.open_mark - 200), min(paragraph[1], span.end + 200)
    according = _ACCORDING.search(text, *window) if text.find("ccording to", *window) >= 0 else None
    if according and (according.end() <= span.open_mark or according.start() >= span.end):
        return _clean_speaker(according.group("speaker")), "according to", min(according.start(), span.open_mark)
    return None


@dataclass(frozen=True)
class ArticleQuote:
    """A direct quote of an article with its speaker (before clipping to units)."""

    start: int
    end: int
    speaker: str | None
    verb: str | None
    scare: bool
    """Short (``MAX_SCARE_WORDS`` words or fewer) and unattributed: framing, not a quote."""


_WIDE = re.compile("[\u2e80-\ud7ff]")


def _word_count(text: str, limit: int) -> int:
    """Words, counting two characters of Chinese, Japanese or Korean as one, counted up to ``limit``."""
    words = len(list(islice(WORD.finditer(text), limit)))
    if words < limit and not text.isascii():
        words = max(words, min(len(_WIDE.findall(text)) // 2, limit))
    return words


def find_quotes(text: str, names: list[Name] | None = None, resolver: SpeakerResolver | None = None) -> list[ArticleQuote]:
    """Every quoted span of the article, with speaker and verb where found.

    An unattributed quote inherits the speaker of the quote just before it when that quote
    is in the same or the previous paragraph (a statement quoted over several paragraphs), even a
    quote of a word or three that is a sentence of its own (``… the minister said. "Never."``); a
    quote resumed after its attribution (``"This," said Barack Obama, "is the moment."``) is one
    quote in two parts, both his; a paragraph of a quote that runs on into the next paragraph, still
    without a speaker, takes the speaker its continuation names (``"First part.`` ¶ ``"Second part,"
    she said.``).
    """
    names = find_names(text) if names is None else names
    resolver = resolver or SpeakerResolver(names, text)
    paragraphs = _paragraphs(text)
    quotes: list[ArticleQuote] = []
    runs_on: list[bool] = []  # per quote: its paragraph ends before its closing mark
    previous: ArticleQuote | None = None
    previous_paragraph = -2
    attributed_after: _QuoteSpan | None = None  # the last quote whose attribution follows it
    for span in find_quote_spans(text, paragraphs):
        if not any(character.isalnum() for character in text[span.start : span.end]):
            continue  # only marks and punctuation between the marks: nothing is quoted
        paragraph = paragraphs[span.paragraph]
        before_paragraph = paragraphs[span.paragraph - 1] if span.paragraph else None
        found = _attribution(text, span, paragraph, before_paragraph)
        words = _word_count(text[span.start : span.end], MAX_SCARE_WORDS + 1)
        speaker = verb = None
        resumed = attributed_after is not None and _resumes(text, attributed_after, span)
        sentence = words <= MAX_SCARE_WORDS and _whole_sentence(text, span, paragraph)
        if found:
            speaker, verb = resolver.resolve(found[0], found[2]), found[1]
        elif resumed:
            speaker, verb = quotes[-1].speaker, quotes[-1].verb
            quotes[-1] = replace(quotes[-1], scare=False)  # its first part, however short
        elif words > MAX_SCARE_WORDS and (introduced := _introduced_by(text, span, paragraph, resolver)):
            speaker = introduced  # ``Colin Maybury accepted the findings. "We have made changes."``
        elif (
            previous is not None
            and not previous.scare
            and previous.speaker
            and span.paragraph - previous_paragraph <= 1
            and (words > MAX_SCARE_WORDS or sentence)
        ):
            speaker, verb = previous.speaker, previous.verb
        signed_alone = verb == "—" and _opens_paragraph(text, span, paragraph)  # ``"Never again." – Ana Ruiz``
        scare = words <= MAX_SCARE_WORDS and not (
            found and words >= 2 and (verb not in ("according to", "—") or signed_alone)
        ) and not (speaker and (resumed or sentence))
        if words <= MAX_SCARE_WORDS and found and verb in _REPORTING_VERBS_INDIRECT:
            scare = True
        quote = ArticleQuote(span.start, span.end, speaker, verb, scare)
        quotes.append(quote)
        attributed_after = span if found and found[2] == span.open_mark and span.close_mark is not None else None
        runs_on.append(span.close_mark is None)
        if not scare:
            previous, previous_paragraph = quote, span.paragraph
    for index in range(len(quotes) - 2, -1, -1):  # backwards, so a quote over three paragraphs is named whole
        quote, continuation = quotes[index], quotes[index + 1]
        if runs_on[index] and quote.speaker is None and not quote.scare and continuation.speaker:
            quotes[index] = replace(quote, speaker=continuation.speaker, verb=continuation.verb)
    return quotes


_RESUMING = re.compile(r"[^.!?\"“”\n]{1,100},\s*")
"""Between a quote and its second part: the attribution, ending in a comma (``," said Barack Obama, "``)."""


def _resumes(text: str, before: _QuoteSpan, span: _QuoteSpan) -> bool:
    """Whether ``span`` goes on with the quote ``before`` after its attribution (same paragraph)."""
    return (
        before.paragraph == span.paragraph
        and before.close_mark is not None
        and _RESUMING.fullmatch(text, before.close_mark + 1, span.open_mark) is not None
    )


def _whole_sentence(text: str, span: _QuoteSpan, paragraph: tuple[int, int]) -> bool:
    """Whether the quote is a sentence of its own: it ends with ``.``, ``!`` or ``?`` inside its marks
    and opens its paragraph or follows a sentence end (``… the minister said. "Never."``)."""
    if text[span.end - 1] not in ".!?…":
        return False
    before = text[max(paragraph[0], span.open_mark - _NEAR) : span.open_mark].rstrip()
    if not before:
        return _opens_paragraph(text, span, paragraph)
    return before[-1] in ".!?…" or before[-1] in "\"”’" and before[-2:-1] in (".", "!", "?")


def _introduced_by(text: str, span: _QuoteSpan, paragraph: tuple[int, int], resolver: SpeakerResolver) -> str | None:
    """The person a quote's own paragraph names, alone, in the sentences before it, when the quote
    opens a sentence there and no other quote comes between (``The department's secretary, Colin
    Maybury, accepted the findings. "We have already made changes."``)."""
    start = max(paragraph[0], span.open_mark - 300)
    before = text[start : span.open_mark].rstrip()
    if not before or before[-1] not in ".!?:" or any(mark in before for mark in '"“”'):
        return None
    return resolver.introduced(start, span.open_mark)


_NEAR = 40
"""How far back from a quote its paragraph's start or a sentence end is looked for (bounded, so that
many quotes in one paragraph stay linear)."""


def _opens_paragraph(text: str, span: _QuoteSpan, paragraph: tuple[int, int]) -> bool:
    return span.open_mark - paragraph[0] <= _NEAR and not text[paragraph[0] : span.open_mark].strip()


_REPORTING_VERBS_INDIRECT = frozenset({"issued a statement", "claimed", "claims", "stated", "according to", "alleged"})


def indirect_verb_starts(article: str) -> list[int]:
    """Where the article's verbs of indirect speech (whole words) start, in order.

    Found with ``str.find`` and checked with ``_INDIRECT``: many times faster than searching
    the whole text with ``_INDIRECT``, whose matches these are."""
    starts = []
    for stem in _INDIRECT_STEMS:
        index = article.find(stem)
        while index >= 0:
            if _INDIRECT.match(article, index):
                starts.append(index)
            index = article.find(stem, index + 1)
    starts.sort()
    return starts


def indirect_speech(
    article: str, start: int, end: int, quotes: list[ArticleQuote], resolver: SpeakerResolver, verb_starts: list[int]
) -> tuple[int, int, str] | None:
    """``(start, end, speaker)`` of the unit's first indirect speech: ``According to X`` or
    ``X said (that) …`` outside a direct quote, with the (resolved) speaker.

    ``verb_starts`` is ``indirect_verb_starts(article)``: a unit with none of them (and not
    ending inside a word, where a verb cut short could match) is skipped at once."""
    according = article.find("ccording to", start, end) >= 0
    cut_word = start < end < len(article) and _CUT_WORD.match(article, end - 1)
    if not according and not cut_word and bisect_left(verb_starts, start) == bisect_left(verb_starts, end):
        return None  # the usual case: no reporting verb at all
    inside_quote = [(q.start, q.end) for q in quotes if not q.scare]
    quote_starts = [q_start for q_start, _ in inside_quote]

    def outside(position: int) -> bool:
        index = bisect_left(quote_starts, position + 1) - 1
        return index < 0 or inside_quote[index][1] <= position

    if according:
        for match in _ACCORDING.finditer(article, start, end):
            if outside(match.start()):
                speaker = _clean_speaker(match.group("speaker"))
                return match.start(), match.end(), resolver.resolve(speaker, match.start())
    for tried, verb in enumerate(_INDIRECT.finditer(article, start, end)):
        if tried >= MAX_VERBS_TRIED:
            break
        if not outside(verb.start()):
            continue
        after_clause = article[max(start, verb.start() - 2) : verb.start()] == ", " and verb.group() in _INVERTING_VERBS
        inverted = _SPEAKER_AFTER_VERB.match(article, verb.end(), end) if after_clause else None
        if inverted:  # ``…, said John Smith.``
            speaker = _clean_speaker(inverted.group("speaker"))
            if speaker.split()[0] not in _NOT_SPEAKER_STARTS:
                speech_end = inverted.start("speaker") + len(inverted.group("speaker").rstrip(" ,."))
                return verb.start(), speech_end, resolver.resolve(speaker, verb.start())
        described = _DESCRIBED_SPEAKER.search(article, max(start, verb.start() - 60), verb.start())
        if described and described.group("speaker").rsplit(" ", 1)[-1] not in _PRONOUN_WORDS and _CLAUSE_END.match(article, verb.end(), end):
            # ``…, the bank said.``
            speaker_start = described.start("speaker")
            return speaker_start, verb.end(), resolver.resolve(described.group("speaker"), speaker_start)
        head_start = max(start, verb.start() - 160)
        subject = _subject_before(article[head_start : verb.start()])
        if subject is None or subject[1] == "I" or subject[1].lower() == "we":
            continue
        speaker_start = head_start + subject[0]
        speaker = _clean_speaker(subject[1])
        return speaker_start, verb.end(), resolver.resolve(speaker, speaker_start)
    return None

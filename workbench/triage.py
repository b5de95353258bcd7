"""Triage: what in a claim is checkable, who said it, and a check-worthiness score.

``triage_article(text, spans)`` describes every unit ``(start, end)`` of an article:

* **Signals** (``Signal``): numbers and quantities, dates and time anchors, comparatives and
  superlatives, causal links, predictions, named people / organisations / places (capitalised
  spans classified with the gazetteers below; no downloaded model), legal or official
  references, indirect speech (``attributed``), and the opinion and framing markers
  (``evaluative``, ``modal``, ``question``, ``hedged``, ``scare_quote``).
* **Quote** (``Quote``): the direct quote the unit holds or is part of, its exact span, the
  speaker and the reporting verb. Quotes are found over the whole article, so a quote that
  runs over several sentences, or a paragraph that continues the previous paragraph's quote,
  keeps its speaker. A pronoun speaker is resolved to the person (``he``/``she``) or
  organisation (``they``/``we``) last named in the article when that is unambiguous (only
  one of that kind named in that sentence), otherwise it is kept as written.
* **Score** ``checkworthiness`` in 0–1: see ``WEIGHTS`` and ``score``.

Every span satisfies ``span.text == article[span.start:span.end]``. The analysis is regular
expressions over the text, linear in its length (no backtracking-prone patterns), and costs a
small fraction of extraction: see ``benchmarks/bench_triage.py`` and the README.

Nothing here decides a verdict: the signals describe the text.
"""

from __future__ import annotations

import math
from collections import Counter
import re
from collections.abc import Iterable, Sequence
from bisect import bisect_left
from dataclasses import dataclass

from workbench.nlp import SENTENCE_STARTERS

# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class Signal:
    """One reason a claim may (or may not) be worth checking, with the words that show it."""

    kind: str
    """One of ``SIGNAL_KINDS``."""
    start: int
    """Offset in the text given to ``triage_article`` (the article)."""
    end: int
    text: str
    """Exactly ``article[start:end]``."""
    detail: str = ""
    """The speaker for ``attributed``, ``person``/``organisation``/``place`` for ``entity``."""

    def as_dict(self) -> dict:
        return {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text, "detail": self.detail}


@dataclass(frozen=True)
class Quote:
    """A direct quote (without its quote marks) and who is said to have said it."""

    start: int
    end: int
    text: str
    """Exactly ``article[start:end]``."""
    speaker: str | None
    """The speaker as named in the article, a resolved pronoun, or ``None`` when not found."""
    verb: str | None
    """The reporting verb (``said``, ``told``, ``wrote``, ``according to``), if any."""

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "speaker": self.speaker, "verb": self.verb}


@dataclass(frozen=True)
class Triage:
    """Everything triage says about one unit."""

    checkworthiness: float
    """0–1, higher is more worth checking; rounded to 4 places."""
    signals: tuple[Signal, ...]
    """In text order."""
    quote: Quote | None
    """The part of a direct quote inside this unit, with the whole quote's speaker."""

    def kinds(self) -> list[str]:
        """The distinct signal kinds, in ``SIGNAL_KINDS`` order (plus ``quote``)."""
        present = {signal.kind for signal in self.signals}
        kinds = [kind for kind in SIGNAL_KINDS if kind in present]
        return (["quote"] if self.quote else []) + kinds

    def reasons(self) -> list[str]:
        """Short labels for chips: ``number``, ``quote: Kim Kardashian``, ``hedged``, …"""
        labels = []
        if self.quote:
            labels.append(f"quote: {self.quote.speaker}" if self.quote.speaker else "quote")
        for kind in self.kinds():
            if kind == "quote":
                continue
            if kind == "attributed":
                speakers = [s.detail for s in self.signals if s.kind == kind and s.detail]
                labels.append(f"attributed: {speakers[0]}" if speakers else "attributed")
            else:
                labels.append(kind.replace("_", " "))
        return labels

    def as_dict(self) -> dict:
        return {
            "checkworthiness": self.checkworthiness,
            "signals": [signal.as_dict() for signal in self.signals],
            "quote": self.quote.as_dict() if self.quote else None,
        }


SIGNAL_KINDS: tuple[str, ...] = (
    "number",
    "date",
    "comparison",
    "cause",
    "prediction",
    "entity",
    "reference",
    "attributed",
    "evaluative",
    "modal",
    "question",
    "hedged",
    "scare_quote",
)
"""Every signal kind, in display order; ``quote`` is the ``Triage.quote`` field."""

_SIGNAL_KIND_SET = frozenset(SIGNAL_KINDS)
FRAMING_KINDS = frozenset({"evaluative", "modal", "question", "hedged", "scare_quote"})
"""Signals that mark opinion or framing rather than checkable content."""

# --------------------------------------------------------------------------- score

WEIGHTS: dict[str, float] = {
    "bias": -2.2,
    "number": 1.0,
    "date": 0.5,
    "comparison": 0.55,
    "cause": 0.3,
    "prediction": 0.2,
    "entity": 0.25,
    "reference": 0.5,
    "attributed": 0.35,
    "quote": 0.3,
    "factual_verb": 0.45,
    "length": 0.9,
    "first_person_opinion": -0.9,
    "evaluative": -0.1,
    "modal": -0.35,
    "question": -1.4,
    "hedged": -0.2,
    "scare_quote": -0.1,
    "short": -1.3,
}
"""Weights of the check-worthiness score (see ``score``).

Each signal kind counts once per unit whatever its number of matches, except ``entity``,
which counts up to three times. ``length`` is ``min(words, 40) / 40``. ``factual_verb`` is a
past-tense or perfect verb of record (``voted``, ``has signed``, ``was``, ``-ed``);
``first_person_opinion`` is ``I think``, ``I believe``, ``I want``, ``we're going to``, …;
``short`` is a unit of fewer than five words. The weights were set by hand and tuned on the
CLEF 2019 CheckThat! training debates with leave-one-debate-out checks (README)."""


def score(features: dict[str, float]) -> float:
    """``1 / (1 + exp(-(bias + Σ weight × feature)))``, rounded to 4 places: deterministic."""
    total = WEIGHTS["bias"] + sum(WEIGHTS[name] * value for name, value in features.items())
    return round(1.0 / (1.0 + math.exp(-total)), 4)


# --------------------------------------------------------------------------- lexicons

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
"""A word: letters and digits, with inner apostrophes (``don't``, ``Balenciaga’s``)."""


def _lexicon(**kinds: str) -> tuple[dict[str, str], dict[str, list[tuple[tuple[str, ...], str]]]]:
    """Single words → kind, and first word → [(whole phrase, kind)], from space-separated
    entries where ``_`` joins the words of a phrase."""
    words: dict[str, str] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for kind, entries in kinds.items():
        for entry in entries.split():
            parts = tuple(entry.split("_"))
            if len(parts) == 1:
                words.setdefault(parts[0], kind)
            else:
                phrases.setdefault(parts[0], []).append((parts, kind))
    for options in phrases.values():
        options.sort(key=lambda option: -len(option[0]))
    return words, phrases


# fmt: off
_WORDS, _PHRASES = _lexicon(
    number="""
        two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
        sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
        hundred hundreds thousand thousands million millions billion billions trillion trillions
        dozen dozens twice triple tripled double doubled quadrupled percent
    """,
    date="""
        yesterday today tonight tomorrow ago monday tuesday wednesday thursday friday saturday
        sunday last_year last_month last_week last_decade last_century next_year next_month
        next_week this_year this_month this_week in_the_past in_the_last
    """,
    comparison="""
        more less fewer most least than better best worse worst record highest lowest largest
        biggest increase increased increases decrease decreased decreases rose risen fell fallen
        doubled tripled grew grown cut raised dropped surged soared plummeted compared
    """,
    cause="""
        because therefore consequently caused causes causing triggered sparked fuelled fueled
        drove due_to led_to leads_to lead_to leading_to resulted_in results_in result_in
        as_a_result thanks_to owing_to so_that blamed_on blamed_for responsible_for
        contributed_to contributes_to contributing_to driven_by
    """,
    prediction="""
        will won't won’t would gonna predict predicts predicted forecast forecasts projected
        is_expected_to are_expected_to is_likely_to are_likely_to is_set_to are_set_to going_to
        is_projected_to are_projected_to
    """,
    modal="""
        should shouldn't shouldn’t must mustn't mustn’t ought_to need_to needs_to have_to has_to
    """,
    hedged="""
        reportedly allegedly alleged apparently possibly perhaps probably might supposedly rumored
        rumoured maybe imo appears_to appear_to appeared_to seems_to seem_to seemed_to may_have
        it_is_said it_is_believed it_is_thought sources_say some_say in_my_view in_my_opinion
    """,
    evaluative="""
        absurd awful bad beautiful brilliant catastrophic clearly deeply deliberate devastating
        disaster disastrous disgusting disturbing dreadful egregious excellent extraordinary
        extraordinarily fantastic fortunately unfortunately good great grievous horrible horrific
        huge inappropriate incredible incredibly infuriated infuriating insane outrage outraged
        outrageous pathetic perfect reckless ridiculous rotten sad sadly scandal scandalous
        shameful shocking sincere sincerely stupid subpar terrible tremendous unacceptable
        unbelievable unsettling wonderful wrong very really totally absolutely highly so-called
        mere merely simply obviously frankly amazing nasty evil corrupt crooked disgrace
        disgraceful controversial malevolent
    """,
    reference="""
        court courts lawsuit lawsuits suit ruling ruled verdict indictment indicted statute
        legislation bill law laws treaty report reports census survey study audit filing subpoena
        summons complaint investigation constitution amendment executive_order act
    """,
)
# fmt: on
_MONTH_WORDS = frozenset(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
_NOT_SUPERLATIVE = frozenset(
    "interest honest protest forest request test rest west suggest invest arrest latest guest nest "
    "quest chest contest manifest harvest digest modest earnest just must against lest priest "
    "greatest".split()
) - {"greatest"}
_REFERENCE_NAMES = frozenset(
    "Act Bill Law Code Treaty Convention Amendment Constitution Report Directive Regulation Accord "
    "Agreement Resolution Court Commission Coalition".split()
)
"""Last words of a capitalised name that make it a legal or official reference."""
_REFERENCE_NUMBERED = frozenset("section article paragraph clause chapter title".split())
_CASE = re.compile(r" vs?\.? [A-Z]")
"""The ``v.`` of a court case (``United States v. Williams``)."""
_FACTUAL_WORDS = frozenset(
    "was were had did didn't didn’t voted signed approved passed paid lost won spent created "
    "killed built left took gave sent called said started became has_been have_been".split()
)
_OPINION_VERBS = frozenset(
    "think believe feel want hope guess love like know mean agree disagree".split()
)
_OPINION_WORDS = frozenset("thank thanks let's let’s".split())


def _trie_pattern(entries: Iterable[str]) -> str:
    """A regular expression matching exactly ``entries``, factored as a trie (fast in ``re``)."""
    trie: dict = {}
    for entry in entries:
        node = trie
        for character in entry:
            node = node.setdefault(character, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(character) + pattern(child) for character, child in sorted(node.items()) if character]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if optional else body

    return pattern(trie)


_LEXICON_KINDS: dict[str, str] = {
    **_WORDS,
    **{" ".join(phrase): kind for options in _PHRASES.values() for phrase, kind in options},
    **{word.replace("_", " "): "factual" for word in _FACTUAL_WORDS},
    **{f"{subject} {verb}": "opinion" for subject in ("i", "we", "i'm", "i’m", "we're", "we’re") for verb in (*_OPINION_VERBS, "going")},
    **{word: "opinion" for word in _OPINION_WORDS},
}
"""Every lexicon entry (lower case, words joined by one space) → its kind."""
_LEXICON_KINDS.update({month.lower(): "month" for month in _MONTH_WORDS})
_LEXICON_KINDS.update({word: "section" for word in _REFERENCE_NUMBERED})
_SCAN = re.compile(rf"(?<![a-z0-9à-ÿ])(?:{_trie_pattern(_LEXICON_KINDS)})\b")
"""Lexicon entries, searched in the lower-cased article (one pass)."""
_DIGITS = re.compile(r"[0-9]+(?:[,.][0-9]+)*")
_SUFFIXES = re.compile(r"e(?:st|d)\b")
"""Ends of superlatives (``biggest``) and past participles (``approved``): found from the end."""
_CONTRACTED_WILL = re.compile(r"['’]ll\b")
_SPACES = re.compile(r"\s+")
_SCAN_ANY_CASE = re.compile(_SCAN.pattern, re.IGNORECASE)


def _scan(article: str) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of every lexicon hit, number and date in ``article``, in order.

    Kinds are signal kinds, or ``factual`` / ``opinion`` (features only, not shown). The
    lexicons are matched in the lower-cased text, which has the article's offsets whenever
    lower-casing keeps its length (else, rarely, a slower case-insensitive search is used)."""
    lowered = article.lower()
    scan = _SCAN if len(lowered) == len(article) else _SCAN_ANY_CASE
    if scan is _SCAN_ANY_CASE:
        lowered = article
    hits: list[tuple[int, int, str]] = []
    for match in _DIGITS.finditer(article):
        start, end = match.span()
        found = match.group()
        money = start > 0 and article[start - 1] in "$€£¥"
        percent = article[end : end + 1] == "%"
        is_year = len(found) == 4 and found[:2] in ("18", "19", "20") and not money and not percent
        hits.append((start - money, end + percent, "date" if is_year else "number"))
    for match in scan.finditer(lowered):
        start, end = match.span()
        kind = _LEXICON_KINDS[_SPACES.sub(" ", match.group().lower())]
        if kind == "month":
            following = article[end : end + 4].lstrip(". ")[:1]
            if article[start].isupper() and (article[start:end] != "May" or following.isdigit()):
                hits.append((start, end, "date"))
        elif kind == "section":
            if article[end : end + 2][-1:].isdigit() and article[end : end + 1] == " ":
                hits.append((start, end + 2, "reference"))
        else:
            hits.append((start, end, kind))
    for match in _SUFFIXES.finditer(lowered):
        start = match.start()
        while start > 0 and lowered[start - 1].isalpha():
            start -= 1
        word = lowered[start : match.end()]
        if len(word) < 5 or word in _LEXICON_KINDS:
            continue
        if word.endswith("ed"):
            hits.append((start, match.end(), "factual"))
        elif word not in _NOT_SUPERLATIVE:
            hits.append((start, match.end(), "comparison"))
    for match in _CONTRACTED_WILL.finditer(lowered):
        hits.append((match.start() + 1, match.end(), "prediction"))
    hits.sort()
    return hits


_REPORTING_VERBS = (
    r"said|says|say|told|tells|tell|wrote|writes|write|added|adds|add|stated|states|explained|explains"
    r"|noted|notes|continued|continues|concluded|began|claimed|claims|argued|argues|insisted|insists"
    r"|asked|asks|replied|replies|responded|tweeted|posted|announced|announces|declared|warned|warns"
    r"|admitted|acknowledged|alleged|alleges|stressed|commented|recalled|read|reads|reported|reports"
    r"|confirmed|denied|explained|suggested|testified|wrote on \w+|shared|saying|telling|writing"
    r"|adding|stating|explaining|noting|claiming|arguing|insisting|announcing|declaring|warning"
    r"|stressing|signed off|issued a statement|said in a statement|continued"
)
_PRONOUNS = {"he": "person", "she": "person", "they": "organisation", "we": "organisation"}

_NAME_WORD = r"[A-Z][\w'’-]*\.?"
_NAME = re.compile(
    rf"{_NAME_WORD}(?: (?:(?:de|des|del|della|da|van|von|der|la|le|bin|al|of|the|for|and|&) )?{_NAME_WORD})*"
)
"""A run of capitalised words (with ``of``, ``van``, ``&`` inside): a candidate name."""

# fmt: off
_FIRST_NAMES = frozenset("""
aaron adam adrian alan albert alex alexander alexandria ali alice amanda amy andrew angela anna
anne anthony antonio ashley barack barbara ben benjamin bernie beto betsy bill bob brad brian
bruce carl carlos carol catherine charles chris christina christopher chuck cory dan daniel david
deborah dennis diana donald donna doug edward elizabeth emily emma eric frank gabriele gary george
gina greg hillary ivanka jack james jane janet jared jason jeb jeff jennifer jerry jessica jill
jim joe john jon jonathan jose joseph joshua julia julie justin kamala kanye karen kate katherine
kathleen kelly kevin kim kimberly kris kyle larry laura lester linda lindsey lisa marco margaret
maria mark martin mary matt matthew melania michael michelle mike mitch nancy nicholas nick nicole
nikki patricia patrick paul peter rachel rand richard rick robert ron ronald rudy ruth ryan sam
samantha sandra sarah scott sean sharon stephen steve steven susan ted thomas tim timothy tom tony
vladimir walter william xi bella emmanuel angela theresa boris justin narendra jacinda olaf
""".split())
_ORGANISATIONS = frozenset("""
balenciaga cnn msnbc fox nbc abc cbs bbc newsweek tmz instagram twitter tiktok facebook youtube
google apple amazon microsoft nato un eu fbi cia nsa irs epa who congress senate house pentagon
isis nafta gucci ford reuters ap afp nytimes times post guardian telegraph ok! kering
""".split())
_ORGANISATION_WORDS = frozenset("""
inc inc. ltd co co. corp corporation company group university college institute commission
committee council court department ministry agency bank association party union news times post
journal network foundation coalition fund league club office bureau board administration
""".split())
_PLACES = frozenset(place.strip() for place in """
america, united states, united states of america, us, usa, uk, united kingdom, britain, england,
scotland, wales, ireland, france, paris, london, spain, italy, germany, berlin, china, beijing,
russia, moscow, ukraine, iran, iraq, syria, libya, israel, mexico, canada, japan, india, brazil,
kenya, europe, africa, asia, middle east, north korea, south korea, korea, new york,
new york city, manhattan, washington, california, texas, florida, ohio, michigan, chicago,
boston, los angeles, pennsylvania, virginia, georgia, arizona, nevada, wisconsin, iowa,
hempstead, belgium, hollywood, silicon valley, wall street
""".split(","))
# fmt: on
_TITLES = frozenset(
    "mr mrs ms dr prof president senator sen secretary governor gov rep representative mayor judge "
    "minister chancellor photographer designer director ceo founder artist actor actress star "
    "spokesperson spokesman spokeswoman chief officer".split()
)
_NOT_NAMES = SENTENCE_STARTERS | {
    "I", "I'm", "I’m", "I've", "I’ve", "I'd", "I’ll", "I'll", "Mr", "Mrs", "Ms", "Dr", "OK", "Yes", "No", "Well", "Oh",
    "Please", "Thank", "Thanks", "Let", "Let's", "Look", "Just", "Not", "Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Following", "According", "Despite", "Another",
    "Featured", "Soon", "Netizens", "Images", "Criticism", "People", "Accusations", "Type", "Get",
    "January", "February", "March", "April", "June", "July", "August", "September", "October",
    "November", "December", "Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec", "Spring", "Summer",
    "Autumn", "Fall", "Winter", "All", "Any", "None", "Every", "Nothing", "Everyone", "Nobody", "Christmas", "Democratic", "Republican", "Democrats", "Republicans",
}

# --------------------------------------------------------------------------- quotes

_DOUBLE = '"“”„‟'
_FAMILIES = {
    '"': "double", "“": "double", "”": "double", "„": "double", "‟": "double",
    "«": "guillemet", "»": "guillemet", "‹": "single_guillemet", "›": "single_guillemet",
    "「": "corner", "」": "corner", "『": "white_corner", "』": "white_corner",
    "‘": "single", "’": "single",
}
_ALWAYS_OPEN = frozenset("„「『")
_ALWAYS_CLOSE = frozenset("」』")
_QUOTE_MARKS = re.compile("[" + re.escape("".join(_FAMILIES)) + "]")
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
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    left_flanking = not after.isspace()  # could open: text follows
    right_flanking = not before.isspace() and before not in _OPENING_CONTEXT
    if mark in _ALWAYS_OPEN:
        return "open"
    if mark in _ALWAYS_CLOSE:
        return "close"
    if mark in "«‹»›":
        return "either"  # French « … » (often spaced inside) and German » … « alike
    if mark == "’":
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


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line holding something other than whitespace."""
    bounds = []
    start = 0
    for match in re.finditer(r"[\n\u2028\u2029]", text):
        if text[start : match.start()].strip():
            bounds.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        bounds.append((start, len(text)))
    return bounds


def find_quote_spans(text: str, paragraphs: list[tuple[int, int]] | None = None) -> list[_QuoteSpan]:
    """Top-level quoted spans of ``text``, paragraph by paragraph, in order.

    Marks pair within their family (``“ ”`` with ``"`` and ``„``, ``« »``, ``「 」``, ``‘ ’``);
    a closing mark of another family than the open quote is skipped. A quote still open at
    the end of its paragraph counts only if the next paragraph opens with a quote mark (the
    convention for a quote running over paragraphs); otherwise the stray mark is ignored.
    """
    spans: list[_QuoteSpan] = []
    paragraphs = _paragraphs(text) if paragraphs is None else paragraphs
    for number, (start, end) in enumerate(paragraphs):
        stack: list[tuple[str, int]] = []
        for match in _QUOTE_MARKS.finditer(text, start, end):
            index = match.start()
            family = _FAMILIES[text[index]]
            role = _mark_role(text, index)
            if role is None:
                continue
            open_index = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == family), None)
            if role in ("close", "either") and open_index is not None:
                _family, opened = stack[open_index]
                del stack[open_index:]
                if not stack:
                    spans.append(_QuoteSpan(opened + 1, index, opened, index, number))
            elif role in ("open", "either") and (family != "single" or stack or text[index] == "‘"):
                stack.append((family, index))
        if stack and number + 1 < len(paragraphs):
            next_start = paragraphs[number + 1][0]
            first = text[next_start:paragraphs[number + 1][1]].lstrip()[:1]
            if first and first in _FAMILIES and _FAMILIES[first] == stack[0][0]:
                opened = stack[0][1]
                spans.append(_QuoteSpan(opened + 1, end, opened, None, number))
    trimmed = []
    for span in spans:
        inner = text[span.start : span.end]
        left = len(inner) - len(inner.lstrip())
        right = len(inner.rstrip())
        if right > left:
            trimmed.append(_QuoteSpan(span.start + left, span.start + right, span.open_mark, span.close_mark, span.paragraph))
    return trimmed


# --------------------------------------------------------------------------- names


@dataclass(frozen=True)
class _Name:
    start: int
    end: int
    text: str
    kind: str
    """``person``, ``organisation`` or ``place``."""
    sentence: int


_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)]*\s+|[\n\u2028\u2029]+")


def _sentence_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in _SENTENCE_END.finditer(text))]


def _name_kind(words: list[str], before: str, known_people: set[str]) -> str | None:
    if len(words) > 5:
        return None  # a headline in title case, not a name
    lowered = [w.lower().rstrip(".") for w in words]
    joined = " ".join(lowered)
    if joined in _PLACES:
        return "place"
    if lowered[0] in _FIRST_NAMES and len(words) >= 2:
        return "person"
    previous_word = before.rstrip(" ,").rsplit(" ", 1)[-1].lower().rstrip(".")
    if previous_word in _TITLES and len(words) <= 3:
        return "person"
    if any(w in _ORGANISATION_WORDS for w in lowered) or joined in _ORGANISATIONS or lowered[0] in _ORGANISATIONS:
        return "organisation"
    if words[-1] in known_people or " ".join(words) in known_people:
        return "person"
    if len(words) >= 2 and all(w[:1].isupper() and w[1:2].islower() for w in words) and len(words) <= 3:
        return "person"
    if words[0].isupper() and len(words[0]) >= 2:
        return "organisation"
    return "organisation" if len(words) == 1 else None


def find_names(text: str) -> list[_Name]:
    """Capitalised spans classified as person, organisation or place, in order.

    A sentence's first word is a name only if it is not a common sentence opener. Once a
    full name is seen, its last word alone (``Galimberti``) also names that person.
    """
    starts = _sentence_starts(text)
    names: list[_Name] = []
    known_people: set[str] = set()
    sentence = 0
    for match in _NAME.finditer(text):
        while sentence + 1 < len(starts) and starts[sentence + 1] <= match.start():
            sentence += 1
        if match.group() in _NOT_NAMES:
            continue  # one common word (``The``, ``It``): the usual case, dropped at once
        words = match.group().split()
        start, end = match.start(), match.end()
        # Drop a leading common word (``The``, ``According``) and trailing lower-case joiners.
        while words and (words[0].strip("'’") in _NOT_NAMES or words[0].rstrip(".").lower() in _TITLES):
            start += len(words[0]) + 1
            words = words[1:]
        while words and (words[-1] in {"of", "the", "and", "&", "for", "de", "van", "von", "al"} or words[-1].endswith(".") and len(words[-1]) > 3):
            if words[-1].endswith(".") and words[-1][:-1].isalpha() and words[-1][0].isupper():
                words[-1] = words[-1][:-1]
                break
            words = words[:-1]
        if not words:
            continue
        end = start + len(" ".join(words))
        if text[start:end] != " ".join(words):
            continue  # irregular spacing inside: skip rather than mis-span
        # Possessives: ``Balenciaga’s`` → ``Balenciaga``.
        for suffix in ("’s", "'s", "’", "'"):
            if text[start:end].endswith(suffix):
                end -= len(suffix)
                words[-1] = words[-1][: -len(suffix)]
                break
        if end <= start or not words[-1]:
            continue
        kind = _name_kind(words, text[max(0, start - 30) : start], known_people)
        if kind is None:
            continue
        if kind == "person" and len(words) >= 2:
            known_people.add(words[-1])
            known_people.add(" ".join(words))
        names.append(_Name(start, end, text[start:end], kind, sentence))
    return names


def _full_names(names: list[_Name]) -> dict[str, str]:
    """Last word of a person's full name → the full name as first written."""
    full: dict[str, str] = {}
    for name in names:
        if name.kind == "person" and " " in name.text:
            full.setdefault(name.text.split()[-1], name.text)
    return full


# --------------------------------------------------------------------------- attribution

_DEFINITE = (
    r"(?:[Tt]he|[Ii]ts|[Tt]heir) (?:statement|brand|company|firm|label|fashion brand|fashion label"
    r"|fashion house|luxury brand|group|organi[sz]ation|agency|department|ministry|government"
    r"|spokesperson|spokesman|spokeswoman|administration|police|powerhouse|fashion powerhouse"
    r"|retailer|photographer|designer|star|reality star|singer|actor|actress|president|report|study"
    r"|mayor|minister|senator|governor|official|officials|spokesperson|court|judge|lawsuit|complaint"
    r"|prosecutor|prosecutors|experts|analysts|researchers|scientists|authorities|survey|poll|data)"
)
_DEFINITE_SPEAKERS = re.compile(_DEFINITE)
_SUBJECT = re.compile(
    rf"(?P<speaker>\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I)\b|{_DEFINITE}\b|{_NAME_WORD}(?:\s{_NAME_WORD}){{0,3}})"
)
"""Who can be a quote's speaker: a pronoun, a definite description, a capitalised name."""
_PREPOSITIONS = frozenset(
    "from in of to for with by on at about against into over under via than like including".split()
)
_REPORTING = re.compile(rf"\b(?:{_REPORTING_VERBS})\b")
_AFTER = re.compile(
    rf"\s*[,.!?]?\s*[—–-]?\s*(?:{_SUBJECT.pattern}(?:,[^,\"“”\n]{{1,80}},)?\s(?P<verb>{_REPORTING_VERBS})\b"
    rf"|(?P<verb2>said|says|wrote|added|told|explained|continued|concluded|asked)\s(?P<speaker2>{_DEFINITE}|{_NAME_WORD}(?:\s{_NAME_WORD}){{0,3}}))"
)
"""Attribution after a quote: ``," she said``, ``," the statement, posted on X, began``, ``," said Kim``."""
_ACCORDING = re.compile(
    rf"\b(?P<verb>[Aa]ccording to) (?:\w+ ){{0,2}}?(?P<speaker>{_DEFINITE}|{_NAME_WORD}(?: {_NAME_WORD}){{0,3}}"
    r"|(?:the |a )?[a-z][\w’'-]*(?: [a-z][\w’'-]*){0,2}(?=,))"
)
_INDIRECT_VERBS = frozenset(
    "said says say claimed claims claim told argued argues alleged alleges insisted believes reported "
    "reports stated states wrote writes announced warned admitted denied suggested confirmed explained".split()
)
"""Verbs of indirect speech (``X said that …``): a unit holding one after a subject is attributed."""
_INDIRECT = re.compile(_trie_pattern(_INDIRECT_VERBS).join([r"\b", r"\b"]))
MAX_VERBS_TRIED = 20
"""Reporting verbs tried per unit when looking for indirect speech (bounds very long units)."""
MAX_SUBJECT_DISTANCE = 8
"""Words (appositives between commas or dashes not counted) allowed between speaker and verb."""


def _clean_speaker(speaker: str) -> str:
    speaker = speaker.strip(" ,")
    if speaker.endswith(".") and len(speaker.rsplit(" ", 1)[-1]) > 3:
        speaker = speaker[:-1]
    for suffix in ("’s", "'s"):
        speaker = speaker.removesuffix(suffix)
    return speaker


_ASIDES = re.compile(r",[^,]*,|\s[-—–][^-—–]*[-—–]")
_ASIDE_OPEN = re.compile(r"\s[-—–](?:\s|$)|,")


def _subject_before(head: str) -> tuple[int, str] | None:
    """The speaker of a reporting verb: the nearest candidate before it that is not the
    object of a preposition, within ``MAX_SUBJECT_DISTANCE`` words."""
    for match in reversed(list(_SUBJECT.finditer(head))):
        between = _ASIDES.sub(" ", head[match.end() :])
        if len(_WORD.findall(between)) > MAX_SUBJECT_DISTANCE:
            return None
        speaker = match.group("speaker")
        if _ASIDE_OPEN.search(between.rstrip(", ")):
            continue  # inside an appositive that closes before the verb
        if " " not in speaker and speaker in _NOT_NAMES - {"He", "She", "They", "We", "I"}:
            continue
        words_before = _WORD.findall(head[max(0, match.start() - 20) : match.start()])
        if words_before and words_before[-1].lower() in _PREPOSITIONS:
            continue
        if speaker.split()[0] in _NOT_NAMES - {"He", "She", "They", "We", "I", "The", "Its", "Their"}:
            continue
        return match.start(), speaker
    return None


_SELF_DESCRIPTIONS = (
    "statement", "brand", "company", "firm", "label", "house", "group", "powerhouse", "retailer",
)
"""Last words of a description (``the brand``) that stands for the organisation an article is about."""


class _Resolver:
    """Resolves ``she`` / ``they`` to the person / organisation named last (when only one of
    that kind is named in that sentence) and ``the brand`` / ``the statement`` to the
    organisation named most often so far (when one leads). Other descriptions stay as written."""

    def __init__(self, names: list[_Name]):
        self.full = _full_names(names)
        self.by_kind: dict[str, list[_Name]] = {}
        for name in names:
            self.by_kind.setdefault(name.kind, []).append(name)
        self.ends = {kind: [name.end for name in found] for kind, found in self.by_kind.items()}

    def resolve(self, speaker: str, before: int) -> str:
        lowered = speaker.lower()
        kind = _PRONOUNS.get(lowered)
        describes_self = kind is None and lowered.split()[0] in ("the", "its", "their") and lowered.endswith(_SELF_DESCRIPTIONS)
        if describes_self:
            kind = "organisation"
        if kind is None:
            return self.full.get(speaker, speaker)
        names = self.by_kind.get(kind, [])
        count = bisect_left(self.ends.get(kind, []), before + 1)
        if not count:
            return speaker
        if describes_self:
            counts = Counter(self.full.get(name.text, name.text) for name in names[max(0, count - 200) : count])
            (top, top_count), *rest = counts.most_common(2) + [(None, 0)]
            return top if top_count > rest[0][1] else speaker
        last = names[count - 1]
        in_sentence = set()
        for name in reversed(names[max(0, count - 20) : count]):
            if name.sentence != last.sentence:
                break
            in_sentence.add(self.full.get(name.text, name.text))
        return self.full.get(last.text, last.text) if len(in_sentence) == 1 else speaker


def _last_clause(text: str) -> str:
    """What follows the last sentence end in ``text``, short quotes blanked out."""
    cut = max(text.rfind(". "), text.rfind("? "), text.rfind("! "))
    clause = text[cut + 2 :] if cut >= 0 else text
    return re.sub(r"[“\"][^“”\"]*[”\"]", lambda m: " " * len(m.group()), clause)


def _attribution(
    text: str, span: _QuoteSpan, paragraph: tuple[int, int], previous_paragraph: tuple[int, int] | None
) -> tuple[str, str] | None:
    """``(speaker, verb)`` from the words after the closing mark or before the opening one.

    A quote that opens its paragraph may take its attribution from the end of the previous
    paragraph (``… issued a statement:`` then the statement)."""
    if span.close_mark is not None:
        match = _AFTER.match(text, span.close_mark + 1, min(paragraph[1], span.close_mark + 160))
        if match:
            speaker = match.group("speaker") or match.group("speaker2")
            if speaker.split()[0] not in _NOT_NAMES - {"He", "She", "They", "We", "I", "The", "Its", "Their"}:
                return _clean_speaker(speaker), match.group("verb") or match.group("verb2")
    clause = _last_clause(text[max(paragraph[0], span.open_mark - 240) : span.open_mark])
    if not clause.strip() and previous_paragraph and span.open_mark == paragraph[0]:
        clause = _last_clause(text[previous_paragraph[0] : previous_paragraph[1]].rstrip()) + " "
    verbs = [verb for verb in _REPORTING.finditer(clause) if len(clause) - verb.end() <= 100]
    for verb in reversed(verbs):
        subject = _subject_before(clause[: verb.start()])
        if subject:
            return _clean_speaker(subject[1]), verb.group()
    according = _ACCORDING.search(text, max(paragraph[0], span.open_mark - 200), min(paragraph[1], span.end + 200))
    if according and (according.end() <= span.open_mark or according.start() >= span.end):
        return _clean_speaker(according.group("speaker")), "according to"
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


def _word_count(text: str) -> int:
    """Words, counting two characters of Chinese, Japanese or Korean as one."""
    wide = len(_WIDE.findall(text))
    return max(len(_WORD.findall(text)), wide // 2)


def find_quotes(text: str, names: list[_Name] | None = None, resolver: _Resolver | None = None) -> list[ArticleQuote]:
    """Every quoted span of the article, with speaker and verb where found.

    An unattributed quote inherits the speaker of the quote just before it when that quote
    is in the same or the previous paragraph (a statement quoted over several paragraphs).
    """
    names = find_names(text) if names is None else names
    resolver = resolver or _Resolver(names)
    paragraphs = _paragraphs(text)
    quotes: list[ArticleQuote] = []
    previous: ArticleQuote | None = None
    previous_paragraph = -2
    for span in find_quote_spans(text, paragraphs):
        paragraph = paragraphs[span.paragraph]
        before_paragraph = paragraphs[span.paragraph - 1] if span.paragraph else None
        found = _attribution(text, span, paragraph, before_paragraph)
        words = _word_count(text[span.start : span.end])
        speaker = verb = None
        if found:
            speaker, verb = resolver.resolve(found[0], span.open_mark), found[1]
        elif (
            previous is not None
            and not previous.scare
            and previous.speaker
            and span.paragraph - previous_paragraph <= 1
            and words > MAX_SCARE_WORDS
        ):
            speaker, verb = previous.speaker, previous.verb
        scare = words <= MAX_SCARE_WORDS and not (found and words >= 2 and verb not in ("according to",))
        if words <= MAX_SCARE_WORDS and found and verb in _REPORTING_VERBS_INDIRECT:
            scare = True
        quote = ArticleQuote(span.start, span.end, speaker, verb, scare)
        quotes.append(quote)
        if not scare:
            previous, previous_paragraph = quote, span.paragraph
    return quotes


_REPORTING_VERBS_INDIRECT = frozenset({"issued a statement", "claimed", "claims", "stated", "according to", "alleged"})

# --------------------------------------------------------------------------- per unit


def _features(unit: str, hits: Sequence[tuple[int, int, str]], kinds: set[str], entities: int, quoted: bool) -> dict[str, float]:
    """What the score weighs for one unit (see ``WEIGHTS``)."""
    features: dict[str, float] = {kind: 1.0 for kind in kinds if kind != "entity"}
    features["entity"] = float(min(entities, 3))
    if quoted:
        features["quote"] = 1.0
    words = len(unit.split())
    features["length"] = min(words, 40) / 40
    features["short"] = 1.0 if words < 5 else 0.0
    hit_kinds = {kind for _start, _end, kind in hits}
    if "factual" in hit_kinds:
        features["factual_verb"] = 1.0
    if "opinion" in hit_kinds:
        features["first_person_opinion"] = 1.0
    return features


def _unit_signals(article: str, start: int, end: int, hits: Sequence[tuple[int, int, str]]) -> list[Signal]:
    found = [
        Signal(kind, hit_start, hit_end, article[hit_start:hit_end])
        for hit_start, hit_end, kind in hits
        if kind in _SIGNAL_KIND_SET and hit_end <= end
    ]
    for case in _CASE.finditer(article, start, end):
        found.append(Signal("reference", case.start() + 1, case.end() - 2, article[case.start() + 1 : case.end() - 2]))
    unit = article[start:end].rstrip()
    if unit.endswith("?"):
        question = start + len(unit) - 1
        found.append(Signal("question", question, question + 1, "?"))
    return found


def _clip(quote: ArticleQuote, start: int, end: int, article: str) -> Quote | None:
    clipped_start, clipped_end = max(quote.start, start), min(quote.end, end)
    if clipped_end <= clipped_start:
        return None
    inner = article[clipped_start:clipped_end]
    left = len(inner) - len(inner.lstrip())
    clipped_start += left
    clipped_end = clipped_start + len(inner.strip())
    if clipped_end <= clipped_start:
        return None
    return Quote(clipped_start, clipped_end, article[clipped_start:clipped_end], quote.speaker, quote.verb)


def triage_article(article: str, spans: Iterable[tuple[int, int]]) -> list[Triage]:
    """Signals, quote and score for each unit ``(start, end)`` of ``article``, in the given order."""
    return [
        Triage(score(features), signals, quote)
        for signals, quote, features in analyse_article(article, spans)
    ]


def analyse_article(
    article: str, spans: Iterable[tuple[int, int]]
) -> list[tuple[tuple[Signal, ...], Quote | None, dict[str, float]]]:
    """Per unit: its signals, its quote and the features the score weighs (``WEIGHTS``)."""
    hits = _scan(article)
    hit_starts = [hit[0] for hit in hits]
    names = find_names(article)
    name_starts = [name.start for name in names]
    resolver = _Resolver(names)
    quotes = find_quotes(article, names, resolver)
    quote_ends = [quote.end for quote in quotes]  # quotes do not overlap: ends ascend
    results = []
    for start, end in spans:
        unit_hits = hits[bisect_left(hit_starts, start) : bisect_left(hit_starts, end)]
        signals = _unit_signals(article, start, end, unit_hits)
        entities = [
            name for name in names[bisect_left(name_starts, start) : bisect_left(name_starts, end)]
            if name.end <= end
        ]
        for name in entities:
            signals.append(Signal("entity", name.start, name.end, name.text, name.kind))
            if name.text.rsplit(" ", 1)[-1] in _REFERENCE_NAMES and " " in name.text:
                signals.append(Signal("reference", name.start, name.end, name.text))
        first = bisect_left(quote_ends, start + 1)
        overlapping = []
        for candidate in quotes[first:]:
            if candidate.start >= end:
                break
            overlapping.append(candidate)
        quote: Quote | None = None
        for candidate in overlapping:
            clipped = _clip(candidate, start, end, article)
            if clipped is None:
                continue
            if candidate.scare:
                signals.append(Signal("scare_quote", clipped.start, clipped.end, clipped.text))
            elif quote is None:
                quote = clipped
        attributed = _indirect(article, start, end, overlapping, resolver)
        if attributed:
            signals.append(attributed)
        signals.sort(key=lambda signal: (signal.start, signal.end, signal.kind))
        kinds = {signal.kind for signal in signals}
        features = _features(article[start:end], unit_hits, kinds, len(entities), quote is not None)
        results.append((tuple(signals), quote, features))
    return results


def _indirect(
    article: str, start: int, end: int, quotes: list[ArticleQuote], resolver: _Resolver
) -> Signal | None:
    """The first ``attributed`` signal of a unit: ``According to X`` or ``X said (that) …``
    outside a direct quote, with the (resolved) speaker as detail."""
    inside_quote = [(q.start, q.end) for q in quotes if not q.scare]
    quote_starts = [q_start for q_start, _ in inside_quote]

    def outside(position: int) -> bool:
        index = bisect_left(quote_starts, position + 1) - 1
        return index < 0 or inside_quote[index][1] <= position

    if "ccording to" in article[start:end]:
        for match in _ACCORDING.finditer(article, start, end):
            if outside(match.start()):
                speaker = _clean_speaker(match.group("speaker"))
                return Signal("attributed", match.start(), match.end(), match.group(), resolver.resolve(speaker, match.start()))
    if not _INDIRECT.search(article, start, end):
        return None
    for tried, verb in enumerate(_INDIRECT.finditer(article, start, end)):
        if tried >= MAX_VERBS_TRIED:
            break
        if not outside(verb.start()):
            continue
        head_start = max(start, verb.start() - 160)
        subject = _subject_before(article[head_start : verb.start()])
        if subject is None or subject[1] == "I" or subject[1].lower() == "we":
            continue
        speaker_start = head_start + subject[0]
        speaker = _clean_speaker(subject[1])
        return Signal(
            "attributed", speaker_start, verb.end(), article[speaker_start : verb.end()],
            resolver.resolve(speaker, speaker_start),
        )
    return None


def triage_text(text: str) -> Triage:
    """``triage_article`` for one sentence on its own."""
    return triage_article(text, [(0, len(text))])[0] if text else Triage(score({"short": 1.0}), (), None)


__all__: Sequence[str] = (
    "Signal", "Quote", "Triage", "SIGNAL_KINDS", "WEIGHTS", "score", "triage_article", "triage_text",
    "find_quotes", "find_quote_spans", "find_names",
)

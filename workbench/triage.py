"""Triage: what in a claim is checkable, who said it, and a check-worthiness score.

``triage_article(text, spans)`` describes every unit ``(start, end)`` of an article:

* **Signals** (``Signal``): numbers and quantities, dates and time anchors, comparatives and
  superlatives, causal links, predictions, named people / organisations / places (capitalised
  spans classified with the gazetteers of ``workbench.triage_names``; no downloaded model), legal or official
  references, indirect speech (``attributed``), and the opinion and framing markers
  (``evaluative``, ``modal``, ``question``, ``hedged``, ``scare_quote``).
* **Quote** (``Quote``): the direct quote the unit holds or is part of, its exact span, the
  speaker and the reporting verb. Quotes are found over the whole article, so a quote that
  runs over several sentences, or a paragraph that continues the previous paragraph's quote,
  keeps its speaker. A pronoun speaker is resolved to the person (``he``/``she``) or
  organisation (``they``/``we``) last named in the article when that is unambiguous (only
  one of that kind named in that sentence), otherwise it is kept as written.
* **Score** ``checkworthiness`` in 0–1: see ``WEIGHTS`` and ``score``.

Every span satisfies ``span.text == article[span.start:span.end]``.

Performance contract: linear in the article's length (no backtracking-prone patterns). The
article is read once per family (lexicon and numbers, names, quote marks, verbs of indirect
speech found with ``str.find``); each unit then takes its share of those by binary search, and
its own searches (indirect speech, court cases) run only when a per-article pre-test says they
can find something. Issue 11's target is at most 30% of extraction's time on
``benchmarks/bench_triage.py``; triage still takes longer than extraction (README), so the
target is not met.

The work is split by concern: ``workbench.triage_lexicon`` (word lists and the scan),
``workbench.triage_names`` (names and pronoun resolution), ``workbench.triage_quotes``
(direct quotes, speakers, indirect speech); this module combines them per unit and scores.

Nothing here decides a verdict: the signals describe the text.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter

from workbench.triage_lexicon import scan_article
from workbench.triage_names import SpeakerResolver, find_names
from workbench.triage_quotes import ArticleQuote, find_quote_spans, find_quotes, indirect_speech, indirect_verb_starts

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
                labels.append(signal_title(kind))
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

_SIGNAL_TITLES = {"entity": "names"}


def signal_title(kind: str) -> str:
    """A signal kind (or ``quote``) as chips show it: ``number``, ``names``, ``scare quote``."""
    return _SIGNAL_TITLES.get(kind, kind.replace("_", " "))


def signal_kind(word: str) -> str:
    """A signal kind from its own name, its chip's word or its picker entry: ``names`` → ``entity``,
    ``Scare quote`` → ``scare_quote``, ``names (entity)`` → ``entity`` (what a user copies from the
    page names the kind too)."""
    word = word.strip().lower()
    if word.endswith(")") and "(" in word:
        word = word[word.rindex("(") + 1 : -1]
    return _KIND_OF_TITLE.get(word, word.replace(" ", "_"))


def signal_choice(kind: str) -> str:
    """A signal kind as pickers list it: its chip's word, with the kind's own name where the words
    differ (``names (entity)``), since exports, ``--signal`` and the signals' ``kind`` use that name."""
    title = signal_title(kind)
    return title if title == kind.replace("_", " ") else f"{title} ({kind})"


_KIND_OF_TITLE = {title: kind for kind, title in _SIGNAL_TITLES.items()}
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
    "entity": 0.15,
    "reference": 0.5,
    "attributed": 0.35,
    "quote": 0.3,
    "factual_verb": 0.45,
    "topic": 0.8,
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
past-tense or perfect verb of record (``voted``, ``has signed``, ``was``, ``-ed``); ``topic`` is
a word of a subject of public policy (``taxes``, ``jobs``, ``immigration``, ``medicare``: see
``workbench.triage_lexicon``);
``first_person_opinion`` is ``I think``, ``I believe``, ``I want``, ``we're going to``, …;
``short`` is a unit of fewer than five words. The weights were set by hand and tuned on the
CLEF 2019 CheckThat! training debates with leave-one-debate-out checks (README)."""


def score(features: dict[str, float]) -> float:
    """``1 / (1 + exp(-(bias + Σ weight × feature)))``, rounded to 4 places: deterministic."""
    weighted = 0.0
    for name, value in features.items():
        weighted += WEIGHTS[name] * value
    total = WEIGHTS["bias"] + weighted
    return round(1.0 / (1.0 + math.exp(-total)), 4)


_REFERENCE_NAMES = frozenset(
    "Act Bill Law Code Treaty Convention Amendment Constitution Report Directive Regulation Accord "
    "Agreement Resolution Court Commission Coalition".split()
)
"""Last words of a capitalised name that make it a legal or official reference."""
_CASE = re.compile(r" vs?\.? [A-Z]")
"""The ``v.`` of a court case (``United States v. Williams``)."""

# --------------------------------------------------------------------------- per unit

_TEXT_ORDER = attrgetter("start", "end", "kind")
"""How a unit's signals are sorted."""


def _features(words: int, hits: Sequence[tuple[int, int, str]], kinds: set[str], entities: int, quoted: bool) -> dict[str, float]:
    """What the score weighs for one unit (see ``WEIGHTS``)."""
    features: dict[str, float] = {kind: 1.0 for kind in kinds if kind != "entity"}
    features["entity"] = float(min(entities, 3))
    if quoted:
        features["quote"] = 1.0
    features["length"] = min(words, 40) / 40
    features["short"] = 1.0 if words < 5 else 0.0
    hit_kinds = {kind for _start, _end, kind in hits}
    if "factual" in hit_kinds:
        features["factual_verb"] = 1.0
    if "opinion" in hit_kinds:
        features["first_person_opinion"] = 1.0
    if "topic" in hit_kinds:
        features["topic"] = 1.0
    return features


def _unit_signals(
    article: str, start: int, end: int, unit: str, hits: Sequence[tuple[int, int, str]], has_case: bool
) -> list[Signal]:
    found = [
        Signal(kind, hit_start, hit_end, article[hit_start:hit_end])
        for hit_start, hit_end, kind in hits
        if kind in _SIGNAL_KIND_SET and hit_end <= end
    ]
    for case in _CASE.finditer(article, start, end) if has_case else ():
        found.append(Signal("reference", case.start() + 1, case.end() - 2, article[case.start() + 1 : case.end() - 2]))
    unit = unit.rstrip()
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
    hits = scan_article(article)
    hit_starts = [hit[0] for hit in hits]
    names = find_names(article)
    name_starts = [name.start for name in names]
    resolver = SpeakerResolver(names, article)
    quotes = find_quotes(article, names, resolver)
    quote_ends = [quote.end for quote in quotes]  # quotes do not overlap: ends ascend
    has_case = _CASE.search(article) is not None  # rare: then looked for unit by unit
    verb_starts = indirect_verb_starts(article)
    results = []
    for start, end in spans:
        unit_hits = hits[bisect_left(hit_starts, start) : bisect_left(hit_starts, end)]
        unit = article[start:end]
        signals = _unit_signals(article, start, end, unit, unit_hits, has_case)
        entities = [
            name for name in names[bisect_left(name_starts, start) : bisect_left(name_starts, end)]
            if name.end <= end
        ]
        for name in entities:
            signals.append(Signal("entity", name.start, name.end, name.text, name.kind))
            if name.text.rsplit(" ", 1)[-1] in _REFERENCE_NAMES and " " in name.text:
                signals.append(Signal("reference", name.start, name.end, name.text))
        first = last = bisect_left(quote_ends, start + 1)
        while last < len(quotes) and quotes[last].start < end:
            last += 1
        overlapping = quotes[first:last]
        quote: Quote | None = None
        for candidate in overlapping:
            clipped = _clip(candidate, start, end, article)
            if clipped is None:
                continue
            if candidate.scare:
                signals.append(Signal("scare_quote", clipped.start, clipped.end, clipped.text))
            elif quote is None:
                quote = clipped
        attributed = indirect_speech(article, start, end, overlapping, resolver, verb_starts)
        if attributed:
            speech_start, speech_end, speaker = attributed
            signals.append(Signal("attributed", speech_start, speech_end, article[speech_start:speech_end], speaker))
        signals.sort(key=_TEXT_ORDER)
        kinds = {signal.kind for signal in signals}
        features = _features(len(unit.split()), unit_hits, kinds, len(entities), quote is not None)
        results.append((tuple(signals), quote, features))
    return results

def triage_text(text: str) -> Triage:
    """``triage_article`` for one sentence on its own."""
    return triage_article(text, [(0, len(text))])[0] if text else Triage(score({"short": 1.0}), (), None)


__all__: Sequence[str] = (
    "Signal", "Quote", "Triage", "SIGNAL_KINDS", "WEIGHTS", "score", "triage_article", "triage_text",
    "signal_title", "signal_choice", "signal_kind",
    "find_quotes", "find_quote_spans", "find_names",
)

"""Same claim across articles, the pure text part: normalise, score, guard, tier (no database).

Both texts are normalised (:func:`normalise`: quotes, apostrophes, dashes, ellipses, whitespace,
case, attribution wrappers, truncation marks), turned into character 3–5-gram vectors (hashed,
sublinear term frequency, L2 norm) and compared by cosine; a word-level overlap of content words
is blended in. The score depends on the two texts only, so it never changes when other articles
arrive.

Tiers: **linked** (score ≥ the collection's ``link_threshold``, both claims at least
:data:`MIN_LINK_WORDS` words, and no conflict) and **suggested** (score ≥ ``suggest_threshold``,
or a linked-level score with a conflict). The conflict guard (:func:`conflicts`) compares
numbers, dates, negation, direction words and proper names; what differs becomes the match's
``reasons`` ("number: 2008 vs 2002").

Performance contract: vectorising is linear in the total text length (at most :data:`MAX_CHARS`
characters per claim) and done once per distinct text; :func:`pair_scores` works through pairs
in chunks of bounded memory; the guard runs only on pairs that reach a tier.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from scipy import sparse

from workbench.errors import WorkbenchError

LINK_THRESHOLD = 0.80
"""Default score at or above which two claims are linked (see the README for its precision)."""
SUGGEST_THRESHOLD = 0.42
"""Default score at or above which two claims are suggested to a person."""
YEAR_CONFLICT_THRESHOLD = 0.25
"""Two claims that name different years are suggested from this lower score: conflicting reports."""
MIN_LINK_WORDS = 8
"""Claims shorter than this many words are suggested at most, never linked."""
CHAR_WEIGHT = 0.6
"""Share of the character n-gram cosine in the score; the rest is content-word overlap."""
MAX_CHARS = 2000
"""Only the first this many characters of a claim are compared (a 5,000-character claim is fine)."""


class MatchError(WorkbenchError):
    """A matching request that cannot be done (unknown collection, bad thresholds, stale match)."""


# --- normalisation -------------------------------------------------------------------------

_CHARACTERS = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "‹": "'", "›": "'", "`": "'", "´": "'", "′": "'",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
})
_SPEECH = r"(?:said|says|say|added|adds|wrote|writes|stated|states|told|tells|continued|concluded|explained|noted|insisted|claimed|argued|according)"
_SPEAKER = r"(?:he|she|they|it|we|i|the (?:brand|company|statement|spokesperson|spokesman|spokeswoman|minister|report|court|police)|[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,3})"
_TRAILING_ATTRIBUTION = re.compile(
    rf"""[,.!?]?["']?\s*[,-]?\s*(?:{_SPEAKER}\s+{_SPEECH}|{_SPEECH}\s+{_SPEAKER})\b[^"']{{0,60}}$""",
    re.IGNORECASE,
)
_LEADING_ATTRIBUTION = re.compile(
    rf"""^(?:according to [^,"]{{1,80}},\s*|[^"]{{0,80}}?\b{_SPEAKER}\s+{_SPEECH}\b[^"]{{0,60}}?[,:]\s*(?=["']))""",
    re.IGNORECASE,
)
_SPEECH_WORD = re.compile(rf"\b{_SPEECH}\b", re.IGNORECASE)
_BRACKETED = re.compile(r"\((?:sic)\)|\[(?:sic|\.\.\.)\]", re.IGNORECASE)
_DIGIT_GROUPS = re.compile(r"(?<=\d)[,\s](?=\d{3}\b)")
_NON_WORD = re.compile(r"[^\w$%.]+|(?<!\d)\.|\.(?!\d)")


@cache
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, imported on first use: scikit-learn takes about a second
    to import, which pages that only show text should not pay."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


def l2_normalise(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    """``matrix``'s rows scaled to unit length, in place where it can (scikit-learn's ``normalize``)."""
    from sklearn.preprocessing import normalize

    return normalize(matrix, copy=False)


def tidy(text: str) -> str:
    """Unicode, quotes, apostrophes, dashes and spaces made uniform; case and wording kept."""
    text = unicodedata.normalize("NFKC", text or "").translate(_CHARACTERS)
    return " ".join(text.split())


def strip_attribution(text: str) -> str:
    """The quoted statement without ``"…," she said`` / ``According to X, …`` around it."""
    if not _SPEECH_WORD.search(text):
        return text
    stripped = _LEADING_ATTRIBUTION.sub("", text, count=1)
    if '"' in stripped or "'" in stripped or stripped != text:
        stripped = _TRAILING_ATTRIBUTION.sub("", stripped, count=1)
    return stripped if len(stripped.split()) >= 3 else text


@lru_cache(maxsize=2**17)
def _statement(text: str) -> str:
    """The compared part of a claim, tidied, without its attribution wrapper; case kept."""
    return strip_attribution(tidy(text)[:MAX_CHARS])


@lru_cache(maxsize=2**17)
def normalise(text: str) -> str:
    """The comparable form of a claim: tidy, attribution and truncation marks removed, lower case."""
    text = _statement(text)
    text = _BRACKETED.sub(" ", text).replace("...", " ")
    text = _DIGIT_GROUPS.sub("", text).casefold()
    text = _NON_WORD.sub(" ", text.replace("[", "").replace("]", ""))
    return " ".join(text.split())


_WORD = re.compile(r"\w+(?:\.\d+)?")


def words(normalised: str) -> list[str]:
    return _WORD.findall(normalised)


def content_words(normalised: str) -> list[str]:
    """Words that carry meaning: not stop words, not one letter."""
    stop = stop_words()
    return [w for w in words(normalised) if len(w) > 1 and w not in stop]


@lru_cache(maxsize=2**18)
def term_hash(word: str) -> int:
    """A stable signed 63-bit id for a word (stored in ``match_term``)."""
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big") >> 1


# --- the conflict guard --------------------------------------------------------------------

_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20",
    "hundred": "100", "thousand": "1000", "dozen": "12", "twice": "2", "half": "0.5", "quarter": "0.25",
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th", "sixth": "6th",
    "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th",
}
_MONTHS = frozenset(("january february march april may june july august september october november december "
           "monday tuesday wednesday thursday friday saturday sunday").split())
_NEGATIONS = {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot", "t"}
_SCALES = ({"thousand", "thousands"}, {"million", "millions"}, {"billion", "billions"}, {"trillion", "trillions"})
_OPPOSITES: list[tuple[str, set[str], set[str]]] = [
    ("direction",
     {"rose", "rise", "rises", "rising", "risen", "increase", "increased", "increases", "up", "higher", "gain", "gained", "grew", "grow", "growth"},
     {"fell", "fall", "falls", "falling", "fallen", "decrease", "decreased", "decreases", "down", "lower", "loss", "lost", "shrank", "shrink", "drop", "dropped"}),
    ("direction",
     {"more", "most", "many", "greater", "above", "over", "majority", "highest", "largest", "biggest"},
     {"less", "fewer", "few", "least", "below", "under", "minority", "lowest", "smallest"}),
    ("direction", {"won", "win", "wins", "winning", "victory"}, {"lost", "lose", "loses", "losing", "defeat", "defeated"}),
    ("direction", {"before", "earlier"}, {"after", "later"}),
    ("direction",
     {"legal", "lawful", "guilty", "approved", "accepted", "confirmed", "allowed", "announced", "admitted", "acknowledged"},
     {"illegal", "unlawful", "innocent", "rejected", "declined", "denied", "banned"}),
    ("direction", {"profit", "profits", "surplus"}, {"loss", "losses", "deficit"}),
    ("direction", {"for", "favour", "favor", "support", "supports", "supported", "backed"},
     {"against", "oppose", "opposes", "opposed"}),
    ("measure", {"percent", "%"}, {"percentage"}),
    *(("scale", small, large) for index, small in enumerate(_SCALES) for large in _SCALES[index + 1 :]),
]
"""Words of two claims that make them different facts: ``kind``, one side's words, the other's."""
_ANTONYM_PREFIXES = ("un", "non")
"""``safe`` / ``unsafe``: a word in one claim, the same word with this prefix in the other."""
_NOT_ANTONYMS = frozenset({"less", "ions", "ited", "iversity"})
_PREFIXED_ANTONYMS = {
    word: "in" + word for word in ("accurate", "correct", "complete", "effective", "valid", "adequate", "active")
} | {"possible": "impossible", "responsible": "irresponsible", "relevant": "irrelevant", "legitimate": "illegitimate"}
_DIRECTION_WORDS = frozenset().union(*(up | down for _kind, up, down in _OPPOSITES))


@dataclass(frozen=True, slots=True)
class Features:
    """What the guard compares, read once per claim."""

    numbers: frozenset[str]
    """Numbers (digits and number words), commas removed."""
    dates: frozenset[str]
    """Month and weekday names."""
    negations: int
    """How many negation words (not, no, never, n't, …)."""
    words: frozenset[str]
    """Every lower-case word, for direction words and to check names against."""
    names: frozenset[str]
    """Proper names: capitalised words not starting a sentence or quote (lower case)."""
    negated: frozenset[tuple[str, str, str]] = frozenset()
    """(word before, word negated, word after that) of each negation ("not not" cancels)."""
    plain: str = ""
    """The words in order, negations left out, each with a space on both sides."""
    length: int = 0
    """Words."""
    directions: frozenset[str] = frozenset()
    """The direction words (rose/fell, more/less, won/lost, …) among :attr:`words`."""


_FUNCTION_WORDS = {
    "be", "been", "being", "am", "is", "are", "was", "were", "have", "has", "had", "do", "does", "did",
    "will", "would", "shall", "should", "can", "could", "may", "might", "must", "a", "an", "the", "to",
}
"""Passed over when finding the word a negation negates ("should not have been featured": featured)."""


def _negated_word(following: list[str]) -> tuple[str, str]:
    """The word a negation negates among the few after it, and the word after that."""
    content = [word for word in following if word not in _NEGATIONS]
    index = next((i for i, word in enumerate(content) if word not in _FUNCTION_WORDS), 0)
    return tuple((content[index:] + ["", ""])[:2])


def _auxiliary(word: str) -> str:
    """``didn`` (from "didn't") → ``did``; ``won`` → ``will``; ``can`` stays."""
    return {"won": "will", "can": "can", "ca": "can", "shan": "shall"}.get(word, word[:-1] if word.endswith("n") else word)


def _without_negations(tokens: list[str]) -> list[str]:
    plain = []
    for index, token in enumerate(tokens):
        if token in _NEGATIONS:
            if token == "t" and plain:
                plain[-1] = _auxiliary(plain[-1])
            continue
        plain.append(token)
    return plain


_NAME = re.compile(r"(?=[A-Z])(?<![.!?\"'(\[:]\s)(?<!^)(?<![\w'-])([A-Z][\w']+)")
"""A capitalised word not starting a sentence, quote or bracket (the lookahead first: most positions fail fast)."""


def features(text: str) -> Features:
    """What the guard compares of one claim."""
    tokens = words(normalise(text))
    token_set = frozenset(tokens)
    numbers = {token.rstrip("0").rstrip(".") if "." in token else token for token in tokens if token[0].isdigit()}
    numbers |= {_NUMBER_WORDS[token] for token in tokens if token in _NUMBER_WORDS}
    names = set()
    for match in _NAME.finditer(_statement(text)):
        word = match.group(1).casefold().split("'")[0]
        if len(word) > 1 and word not in stop_words() and word not in _MONTHS and word not in _NUMBER_WORDS:
            names.add(word)
    plain = _without_negations(tokens)
    negated = set()
    for index, token in enumerate(tokens if not token_set.isdisjoint(_NEGATIONS) else ()):
        if token not in _NEGATIONS or (index and tokens[index - 1] in _NEGATIONS):
            continue  # one entry per run of negations
        end = index
        while end < len(tokens) and tokens[end] in _NEGATIONS:
            end += 1
        if (end - index) % 2:  # "not not" cancels
            before = _auxiliary(tokens[index - 1]) if index and token == "t" else (tokens[index - 1] if index else "")
            negated.add((before, *_negated_word(tokens[end:end + 5])))
    return Features(
        negated=frozenset(negated),
        plain=f" {' '.join(plain)} ",
        length=len(tokens),
        numbers=frozenset(numbers),
        dates=token_set & _MONTHS,
        negations=sum(token in _NEGATIONS for token in tokens) if negated else 0,
        words=token_set,
        names=frozenset(names),
        directions=token_set & _DIRECTION_WORDS,
    )


def _negation_conflict(a: Features, b: Features) -> str | None:
    """A word negated in one claim only, that the other claim says without the negation.

    "she did not say" vs "she did say" (or "she said") conflicts, however many other negations each
    has. A negation near the same words in the other claim is the same one ("should have not been"
    and "should not have been"; "didn't say" and "did not say"); a longer quote that adds a negated
    clause of its own does not conflict either (the word it negates is not in the shorter one).
    """
    for one, other in ((a, b), (b, a)):
        for before, after, then in sorted(one.negated):
            if not after or f" {after} " not in other.plain:
                continue
            near = {before, after, then} - {""} - _FUNCTION_WORDS
            if any(near & {*place} for place in other.negated):
                continue
            return f"negation: 'not {after}' vs '{after}'" if one is a else f"negation: '{after}' vs 'not {after}'"
    if a.negations != b.negations and abs(a.length - b.length) <= 3:
        return f"negation: {a.negations} vs {b.negations}"
    return None


def _versus(kind: str, only_a: Iterable[str], only_b: Iterable[str]) -> str:
    left = ", ".join(sorted(only_a)) or "none"
    right = ", ".join(sorted(only_b)) or "none"
    return f"{kind}: {left} vs {right}"


def conflicts(a: Features, b: Features) -> list[str]:
    """What differs between two claims in a way that makes them different facts (empty: nothing)."""
    reasons = []
    if (a.numbers - b.numbers) and (b.numbers - a.numbers):
        reasons.append(_versus("number", a.numbers - b.numbers, b.numbers - a.numbers))
    if a.dates and b.dates and a.dates != b.dates:
        reasons.append(_versus("date", a.dates - b.dates, b.dates - a.dates))
    negated = _negation_conflict(a, b)
    if negated:
        reasons.append(negated)
    if a.directions and b.directions:
        for kind, up, down in _OPPOSITES:
            a_up, a_down = a.directions & up, a.directions & down
            b_up, b_down = b.directions & up, b.directions & down
            if (a_up - b.words and b_down - a.words) or (a_down - b.words and b_up - a.words):
                reasons.append(_versus(kind, (a_up | a_down) - b.words, (b_up | b_down) - a.words))
    only_a, only_b = a.words - b.words, b.words - a.words
    for one, other in ((only_a, only_b), (only_b, only_a)):
        for word in one:
            if len(word) < 4 or word in _NOT_ANTONYMS:
                continue
            opposite = _PREFIXED_ANTONYMS.get(word) or next(
                (prefix + word for prefix in _ANTONYM_PREFIXES if prefix + word in other), None
            )
            if opposite in other:
                reasons.append(f"negation: {word!r} vs {opposite!r}" if one is only_a else f"negation: {opposite!r} vs {word!r}")
    names_a, names_b = a.names - b.words, b.names - a.words
    if names_a and names_b:
        reasons.append(_versus("name", names_a, names_b))
    return reasons


# --- scoring -------------------------------------------------------------------------------

HASH_BITS = 20
"""Character n-grams are hashed into 2**HASH_BITS columns."""
_TEXTS_PER_STEP = 5000
_PAIRS_PER_STEP = 10_000
_MIX = np.uint64(0xFF51AFD7ED558CCD)


def _char_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Counts of the hashed character 3–5-grams inside each space-padded word, computed with numpy.

    The same n-grams as scikit-learn's ``char_wb`` analyser: each word gets a space on both
    sides; a word too short for an n-gram size gives itself once. A ``\\0`` between padded words
    keeps every window inside one word.
    """
    pieces = ["\0 " + text.replace(" ", " \0 ") + " " if text else "" for text in texts]
    codes = np.frombuffer("".join(pieces).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    owner = np.repeat(np.arange(len(texts)), [len(piece) for piece in pieces])
    separators = np.concatenate([[0], np.cumsum(codes == 0)])
    rows, columns = [], []
    rolling = np.zeros(len(codes), dtype=np.uint64)
    for size in range(1, 6):
        count = len(codes) - size + 1
        if count <= 0:
            break
        rolling = rolling[:count] * np.uint64(1_000_003) + codes[size - 1:]
        if size < 3:
            continue
        starts = np.flatnonzero(separators[size:size + count] == separators[:count])
        mixed = (rolling[starts] ^ np.uint64(size)) * _MIX
        mixed ^= mixed >> np.uint64(29)
        rows.append(owner[starts])
        columns.append((mixed >> np.uint64(64 - HASH_BITS)).astype(np.int64))
    rows_all = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    columns_all = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
    return sparse.csr_matrix(
        (np.ones(len(rows_all), dtype=np.float32), (rows_all, columns_all)), shape=(len(texts), 2**HASH_BITS)
    )


def char_matrix(normalised: Sequence[str]) -> sparse.csr_matrix:
    """Rows of L2-normalised, sublinear character 3–5-gram frequencies, built a step of texts at a time.

    The steps' arrays are joined one kind at a time, so the peak is about 1.5 times the result.
    """
    data, indices, ends = [], [], [np.zeros(1, dtype=np.int64)]
    for start in range(0, len(normalised), _TEXTS_PER_STEP):
        step = _char_counts(normalised[start:start + _TEXTS_PER_STEP])
        np.log1p(step.data, out=step.data)
        step = l2_normalise(step)
        data.append(step.data)
        indices.append(step.indices)
        ends.append(step.indptr[1:] + ends[-1][-1])
    joined_data = np.concatenate(data) if data else np.zeros(0, dtype=np.float32)
    data.clear()
    joined_indices = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32)
    indices.clear()
    return sparse.csr_matrix((joined_data, joined_indices, np.concatenate(ends)), shape=(len(normalised), 2**HASH_BITS))


def word_presence(normalised: Sequence[str]) -> sparse.csr_matrix:
    """Rows of 0/1: which content words each text has (columns: the words of these texts only)."""
    vocabulary: dict[str, int] = {}
    columns: list[int] = []
    ends = [0]
    for text in normalised:
        columns += sorted({vocabulary.setdefault(word, len(vocabulary)) for word in content_words(text)})
        ends.append(len(columns))
    return sparse.csr_matrix(
        (np.ones(len(columns), dtype=np.float32), np.array(columns, dtype=np.int32), np.array(ends)),
        shape=(len(normalised), max(len(vocabulary), 1)),
    )


def _row_dots(matrix: sparse.csr_matrix, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    return np.asarray(matrix[rows_a].multiply(matrix[rows_b]).sum(axis=1)).ravel()


@dataclass(frozen=True)
class TextVectors:
    """The vectors of distinct normalised texts (row *i*: text *i*), built once, to score many pairs."""

    chars: sparse.csr_matrix
    """L2-normalised sublinear character n-gram frequencies."""
    words: sparse.csr_matrix
    """L2-normalised content-word presence."""

    @classmethod
    def of(cls, normalised: Sequence[str]) -> TextVectors:
        return cls(char_matrix(normalised), l2_normalise(word_presence(normalised)))

    def scores(self, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
        """The score of each pair of rows (``rows_a[k]``, ``rows_b[k]``), a bounded number of pairs at a time."""
        has_words = np.diff(self.words.indptr) > 0
        has_text = np.diff(self.chars.indptr) > 0
        result = np.zeros(len(rows_a))
        for start in range(0, len(rows_a), _PAIRS_PER_STEP):
            a, b = rows_a[start:start + _PAIRS_PER_STEP], rows_b[start:start + _PAIRS_PER_STEP]
            char_cos = _row_dots(self.chars, a, b)
            word_cos = np.where(has_words[a] & has_words[b], _row_dots(self.words, a, b), char_cos)
            score = CHAR_WEIGHT * char_cos + (1 - CHAR_WEIGHT) * word_cos
            result[start:start + len(a)] = np.where((a == b) & has_text[a], 1.0, score)
        return result


@dataclass(frozen=True)
class Thresholds:
    """The two score thresholds of a collection."""

    link: float = LINK_THRESHOLD
    """At or above: linked (if long enough and no conflict)."""
    suggest: float = SUGGEST_THRESHOLD
    """At or above: suggested."""

    def __post_init__(self) -> None:
        if not (0 < self.suggest <= self.link <= 1):
            raise MatchError(
                f"Thresholds must satisfy 0 < suggest ≤ link ≤ 1 (got suggest {self.suggest}, link {self.link})."
            )


@dataclass(frozen=True)
class Verdict:
    """How two texts compare."""

    score: float
    """0–1; 1 means the same after normalising."""
    tier: str
    """``linked``, ``suggested`` or ``none``."""
    reasons: tuple[str, ...] = ()
    """What differs (conflicts), or why a high score was not linked."""


_YEARS = re.compile(r"\b(1[89]\d\d|20\d\d)\b.* vs .*\b(1[89]\d\d|20\d\d)\b")
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")


def mentions_year(normalised: str) -> bool:
    """Whether a text names a year: only a pair of such texts is suggested below ``suggest`` (see :func:`decide`)."""
    return _YEAR.search(normalised) is not None


def decide(score: float, a: Features, b: Features, thresholds: Thresholds) -> Verdict:
    """The tier for a score, applying the conflict guard and the short-claim rule."""
    score = round(float(min(max(score, 0.0), 1.0)), 4)
    reasons = conflicts(a, b)
    year_conflict = any(_YEARS.search(reason) for reason in reasons if reason.startswith("number:"))
    if score < thresholds.suggest and not (year_conflict and score >= min(YEAR_CONFLICT_THRESHOLD, thresholds.suggest)):
        return Verdict(score, "none", tuple(reasons))
    if score < thresholds.link:
        return Verdict(score, "suggested", tuple(reasons))
    if reasons:
        return Verdict(score, "suggested", tuple(reasons))
    if min(a.length, b.length) < MIN_LINK_WORDS:
        return Verdict(score, "suggested", (f"short: under {MIN_LINK_WORDS} words",))
    return Verdict(score, "linked", ())


def pair_scores(norm_a: Sequence[str], norm_b: Sequence[str]) -> np.ndarray:
    """Scores of aligned pairs of normalised texts (each distinct text is vectorised once)."""
    index: dict[str, int] = {}
    rows_a = np.array([index.setdefault(text, len(index)) for text in norm_a], dtype=np.int64)
    rows_b = np.array([index.setdefault(text, len(index)) for text in norm_b], dtype=np.int64)
    return TextVectors.of(list(index)).scores(rows_a, rows_b)


def compare_pairs(pairs: Sequence[tuple[str, str]], thresholds: Thresholds = Thresholds()) -> list[Verdict]:
    """Score and tier each (a, b) text pair, in order (``workbench similarity``)."""
    norm_a = [normalise(a) for a, _ in pairs]
    norm_b = [normalise(b) for _, b in pairs]
    scores = pair_scores(norm_a, norm_b)
    return [
        decide(score, features(a), features(b), thresholds)
        for score, (a, b) in zip(scores, pairs)
    ]


def compare(a: str, b: str, thresholds: Thresholds = Thresholds()) -> Verdict:
    return compare_pairs([(a, b)], thresholds)[0]


def differing_words(a: str, b: str) -> tuple[set[str], set[str]]:
    """Lower-case words found in only one of the two texts (for highlighting)."""
    words_a, words_b = set(words(normalise(a))), set(words(normalise(b)))
    return words_a - words_b, words_b - words_a

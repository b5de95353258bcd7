"""Same claim across articles: normalise, compare, guard, and keep the ``claim_match`` table current.

Scoring (pure, no database): both texts are normalised (:func:`normalise`: quotes, apostrophes,
dashes, ellipses, whitespace, case, attribution wrappers, truncation marks), turned into
character 3–5-gram vectors (scikit-learn ``HashingVectorizer``, sublinear term frequency, L2
norm) and compared by cosine; a word-level overlap of content words is blended in. The score
depends on the two texts only, so it never changes when other articles arrive.

Tiers: **linked** (score ≥ the collection's ``link_threshold``, both claims at least
:data:`MIN_LINK_WORDS` words, and no conflict) and **suggested** (score ≥ ``suggest_threshold``,
or a linked-level score with a conflict). The conflict guard (:func:`conflicts`) compares
numbers, dates, negation, direction words and proper names; what differs becomes the match's
``reasons`` ("number: 2008 vs 2002").

Candidate search: each claim's content words are hashed into ``match_term``; a claim's
candidates are the claims sharing its rarer words (document frequency ≤ :data:`MAX_TERM_DF`),
ranked by the IDF weight they share, best :data:`CANDIDATES_PER_CLAIM` kept; only those are
scored. A full rebuild does the same in memory with sparse matrix products in chunks of
:data:`CHUNK_ROWS` rows. Performance contract (benchmarks/bench_matching.py): a new 50-claim
article against 100,000 stored claims in about a second; rebuilding 100,000 claims within a
minute and well under 1 GiB. Identical claims inside one article are never paired (pairs
always span two articles); the work per claim is bounded, never quadratic.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer
from sklearn.preprocessing import normalize as l2_normalise
from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy import Connection
from sqlalchemy.orm import Session, aliased

from workbench.access import Actor
from workbench.errors import WorkbenchError
from workbench.models import Verdict as StoredVerdict
from workbench.models import (
    Article, Claim, ClaimMatch, Collection, MatchSettings, MatchTerm, Reviewer, VerdictHistory, utcnow,
)

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
MAX_TERM_DF = 1000
"""Words in more claims than this (or than :data:`MAX_TERM_SHARE` of them) are too common to find candidates with."""
MAX_TERM_SHARE = 0.01
CANDIDATES_PER_CLAIM = 30
"""How many candidates per claim are scored."""
CHUNK_ROWS = 2000
"""Rows per sparse matrix product in a full rebuild (bounds memory)."""
MAX_CHARS = 2000
"""Only the first this many characters of a claim are compared (a 5,000-character claim is fine)."""
TIERS = ("linked", "suggested")
STATUSES = ("suggested", "confirmed", "rejected")


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
def normalise(text: str) -> str:
    """The comparable form of a claim: tidy, attribution and truncation marks removed, lower case."""
    text = strip_attribution(tidy(text)[:MAX_CHARS])
    text = _BRACKETED.sub(" ", text).replace("...", " ")
    text = _DIGIT_GROUPS.sub("", text).casefold()
    text = _NON_WORD.sub(" ", text.replace("[", "").replace("]", ""))
    return " ".join(text.split())


def words(normalised: str) -> list[str]:
    return re.findall(r"\w+(?:\.\d+)?", normalised)


def content_words(normalised: str) -> list[str]:
    """Words that carry meaning: not stop words, not one letter."""
    return [w for w in words(normalised) if len(w) > 1 and w not in ENGLISH_STOP_WORDS]


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
_MONTHS = ("january february march april may june july august september october november december "
           "monday tuesday wednesday thursday friday saturday sunday").split()
_NEGATIONS = {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot", "t"}
_OPPOSITES: list[tuple[set[str], set[str]]] = [
    ({"rose", "rise", "rises", "rising", "risen", "increase", "increased", "increases", "up", "higher", "gain", "gained", "grew", "grow", "growth"},
     {"fell", "fall", "falls", "falling", "fallen", "decrease", "decreased", "decreases", "down", "lower", "loss", "lost", "shrank", "shrink", "drop", "dropped"}),
    ({"more", "most", "greater", "above", "over", "majority", "highest", "largest", "biggest"},
     {"less", "fewer", "least", "below", "under", "minority", "lowest", "smallest"}),
    ({"won", "win", "wins", "winning", "victory"}, {"lost", "lose", "loses", "losing", "defeat", "defeated"}),
    ({"before", "earlier"}, {"after", "later"}),
    ({"legal", "lawful", "guilty", "approved", "accepted", "confirmed", "allowed"},
     {"illegal", "unlawful", "innocent", "rejected", "declined", "denied", "banned"}),
]


@dataclass(frozen=True)
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
    negated: frozenset[tuple[str, str]] = frozenset()
    """(word before, word after) of each negation."""
    bigrams: frozenset[tuple[str, str]] = frozenset()
    """Neighbouring words, negations left out."""
    length: int = 0
    """Words."""


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


@lru_cache(maxsize=2**17)
def features(text: str) -> Features:
    tidied = tidy(text)[:MAX_CHARS]
    norm = normalise(text)
    tokens = words(norm)
    numbers = {token.rstrip("0").rstrip(".") if "." in token else token for token in tokens if token[0].isdigit()}
    numbers |= {_NUMBER_WORDS[token] for token in tokens if token in _NUMBER_WORDS}
    names = set()
    for match in re.finditer(r"(?<![.!?\"'(\[:]\s)(?<!^)(?<![\w'-])([A-Z][\w']+)", strip_attribution(tidied)):
        word = match.group(1).casefold().split("'")[0]
        if len(word) > 1 and word not in ENGLISH_STOP_WORDS and word not in _MONTHS and word not in _NUMBER_WORDS:
            names.add(word)
    plain = _without_negations(tokens)
    negated = set()
    for index, token in enumerate(tokens):
        if token in _NEGATIONS:
            before = _auxiliary(tokens[index - 1]) if index and token == "t" else (tokens[index - 1] if index else "")
            after = next((t for t in tokens[index + 1:] if t not in _NEGATIONS), "")
            negated.add((before, after))
    return Features(
        negated=frozenset(negated),
        bigrams=frozenset(zip(plain, plain[1:])),
        length=len(tokens),
        numbers=frozenset(numbers),
        dates=frozenset(token for token in tokens if token in _MONTHS),
        negations=sum(token in _NEGATIONS for token in tokens),
        words=frozenset(tokens),
        names=frozenset(names),
    )


def _negation_conflict(a: Features, b: Features) -> str | None:
    """A negation present in one claim only, at a spot the other claim says without it.

    "she did not say" vs "she did say" conflicts; a longer quote that adds a negated clause of its
    own does not (its negation has no unnegated counterpart in the shorter one).
    """
    if a.negations == b.negations:
        return None
    for one, other in ((a, b), (b, a)):
        for before, after in one.negated - other.negated:
            if (before, after) in other.bigrams:
                return f"negation: '{before} not {after}' vs '{before} {after}'" if one is a else \
                    f"negation: '{before} {after}' vs '{before} not {after}'"
    if abs(a.length - b.length) <= 3:
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
    for up, down in _OPPOSITES:
        a_up, a_down = a.words & up, a.words & down
        b_up, b_down = b.words & up, b.words & down
        if (a_up - b.words and b_down - a.words) or (a_down - b.words and b_up - a.words):
            reasons.append(_versus("direction", (a_up | a_down) - b.words, (b_up | b_down) - a.words))
    names_a, names_b = a.names - b.words, b.names - a.words
    if names_a and names_b:
        reasons.append(_versus("name", names_a, names_b))
    return reasons


# --- scoring -------------------------------------------------------------------------------

_CHAR_VECTORS = HashingVectorizer(
    analyzer="char_wb", ngram_range=(3, 5), n_features=2**20, alternate_sign=False, norm=None,
    lowercase=False, dtype=np.float32,
)
_WORD_VECTORS = HashingVectorizer(
    analyzer=content_words, n_features=2**20, alternate_sign=False, norm=None, binary=True,
    lowercase=False, dtype=np.float32,
)


def char_matrix(normalised: Sequence[str]) -> sparse.csr_matrix:
    """Rows of L2-normalised, sublinear character 3–5-gram frequencies."""
    matrix = _CHAR_VECTORS.transform(normalised).tocsr()
    np.log1p(matrix.data, out=matrix.data)
    return l2_normalise(matrix, copy=False)


def word_matrix(normalised: Sequence[str]) -> sparse.csr_matrix:
    return l2_normalise(_WORD_VECTORS.transform(normalised).tocsr(), copy=False)


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


def decide(score: float, a: Features, b: Features, norm_a: str, norm_b: str, thresholds: Thresholds) -> Verdict:
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
    if min(len(words(norm_a)), len(words(norm_b))) < MIN_LINK_WORDS:
        return Verdict(score, "suggested", (f"short: under {MIN_LINK_WORDS} words",))
    return Verdict(score, "linked", ())


def pair_scores(norm_a: Sequence[str], norm_b: Sequence[str]) -> np.ndarray:
    """Scores of aligned pairs of normalised texts (each distinct text is vectorised once)."""
    if not norm_a:
        return np.zeros(0)
    index: dict[str, int] = {}
    ia = np.array([index.setdefault(text, len(index)) for text in norm_a])
    ib = np.array([index.setdefault(text, len(index)) for text in norm_b])
    texts = list(index)
    chars, word_vectors = char_matrix(texts), word_matrix(texts)
    char_cos = np.asarray(chars[ia].multiply(chars[ib]).sum(axis=1)).ravel()
    words_a, words_b = word_vectors[ia], word_vectors[ib]
    word_cos = np.asarray(words_a.multiply(words_b).sum(axis=1)).ravel()
    no_words = (words_a.getnnz(axis=1) == 0) | (words_b.getnnz(axis=1) == 0)
    word_cos = np.where(no_words, char_cos, word_cos)
    score = CHAR_WEIGHT * char_cos + (1 - CHAR_WEIGHT) * word_cos
    identical = (ia == ib) & np.array([text != "" for text in norm_a])
    return np.where(identical, 1.0, score)


def compare_pairs(pairs: Sequence[tuple[str, str]], thresholds: Thresholds = Thresholds()) -> list[Verdict]:
    """Score and tier each (a, b) text pair, in order (``workbench similarity``)."""
    norm_a = [normalise(a) for a, _ in pairs]
    norm_b = [normalise(b) for _, b in pairs]
    scores = pair_scores(norm_a, norm_b)
    return [
        decide(score, features(a), features(b), na, nb, thresholds)
        for score, (a, b), na, nb in zip(scores, pairs, norm_a, norm_b)
    ]


def compare(a: str, b: str, thresholds: Thresholds = Thresholds()) -> Verdict:
    return compare_pairs([(a, b)], thresholds)[0]


def differing_words(a: str, b: str) -> tuple[set[str], set[str]]:
    """Lower-case words found in only one of the two texts (for highlighting)."""
    words_a, words_b = set(words(normalise(a))), set(words(normalise(b)))
    return words_a - words_b, words_b - words_a


# --- candidates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimText:
    """A reviewable claim as matching sees it."""

    id: int
    article_id: int
    collection_id: int
    text: str


def _top_candidates(products: sparse.csr_matrix, limit: int) -> Iterable[tuple[int, np.ndarray]]:
    for row in range(products.shape[0]):
        start, end = products.indptr[row], products.indptr[row + 1]
        if start == end:
            continue
        columns, values = products.indices[start:end], products.data[start:end]
        if len(values) > limit:
            keep = np.argpartition(-values, limit)[:limit]
            columns = columns[keep]
        yield row, columns


def max_df(claims: int) -> int:
    """The most claims a word may appear in and still be used to find candidates."""
    return max(20, min(MAX_TERM_DF, int(claims * MAX_TERM_SHARE)))


def candidate_pairs(claims: Sequence[ClaimText], across_collections: bool = False) -> set[tuple[int, int]]:
    """Index pairs (i < j) worth scoring among ``claims``: another article, and shared rarer words.

    Claims with the same normalised text are grouped first: each is paired with at most
    :data:`CANDIDATES_PER_CLAIM` copies in other articles (linear in the copies, never quadratic),
    and the word search runs over the distinct texts only.
    """
    if len(claims) < 2:
        return set()
    articles = np.array([claim.article_id for claim in claims])
    collections = np.array([claim.collection_id for claim in claims])

    def allowed(i: int, j: int) -> bool:
        return articles[i] != articles[j] and (across_collections or collections[i] == collections[j])

    groups: dict[str, list[int]] = defaultdict(list)
    for index, claim in enumerate(claims):
        groups[normalise(claim.text)].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in groups.values():
        for position, i in enumerate(members):
            found = 0
            for step in range(1, len(members)):
                j = members[(position + step) % len(members)]
                if allowed(i, j):
                    pairs.add((min(i, j), max(i, j)))
                    found += 1
                    if found == CANDIDATES_PER_CLAIM:
                        break
    texts = list(groups)
    if len(texts) < 2:
        return pairs
    matrix = _WORD_VECTORS.transform(texts).tocsc()
    df = np.diff(matrix.indptr)
    idf = np.where((df > 0) & (df <= max_df(len(texts))), np.log((1 + len(texts)) / (1 + df)) + 1, 0).astype(np.float32)
    matrix = l2_normalise((matrix @ sparse.diags(idf)).tocsr(), copy=False)
    matrix.eliminate_zeros()
    transposed = matrix.T.tocsr()
    members_of = [groups[text][:CANDIDATES_PER_CLAIM] for text in texts]
    for start in range(0, len(texts), CHUNK_ROWS):
        products = (matrix[start:start + CHUNK_ROWS] @ transposed).tocsr()
        for row, columns in _top_candidates(products, CANDIDATES_PER_CLAIM):
            for u in members_of[start + row]:
                for column in columns.tolist():
                    for v in members_of[column]:
                        if u != v and allowed(u, v):
                            pairs.add((min(u, v), max(u, v)))
    return pairs


# --- storage -------------------------------------------------------------------------------


def thresholds_for(session: Session, collection_id: int) -> Thresholds:
    settings = session.get(MatchSettings, collection_id)
    return Thresholds(settings.link_threshold, settings.suggest_threshold) if settings else Thresholds()


def collection_thresholds(session: Session, collection: str) -> Thresholds:
    """The thresholds a collection (by name) uses now."""
    return thresholds_for(session, _collection_id(session, collection))


def set_thresholds(session: Session, collection: str, link: float, suggest: float) -> Thresholds:
    """Store a collection's thresholds (takes effect at the next rebuild)."""
    thresholds = Thresholds(link, suggest)
    collection_id = _collection_id(session, collection)
    settings = session.get(MatchSettings, collection_id)
    if settings is None:
        session.add(MatchSettings(collection_id=collection_id, link_threshold=link, suggest_threshold=suggest))
    else:
        settings.link_threshold, settings.suggest_threshold, settings.updated_at = link, suggest, utcnow()
    session.flush()
    return thresholds


def _collection_id(session: Session, name: str) -> int:
    collection_id = session.scalar(select(Collection.id).where(Collection.name == name.strip()))
    if collection_id is None:
        raise MatchError(f"No collection named {name!r}.")
    return collection_id


def _claims_query(collection_ids: list[int] | None = None, claim_ids: Iterable[int] | None = None):
    query = (
        select(Claim.id, Claim.article_id, Article.collection_id, Claim.text)
        .join(Article, Article.id == Claim.article_id)
        .where(Claim.kind == "claim")
        .order_by(Claim.id)
    )
    if collection_ids is not None:
        query = query.where(Article.collection_id.in_(collection_ids))
    if claim_ids is not None:
        query = query.where(Claim.id.in_(list(claim_ids)))
    return query


def _score_pairs(session: Session, claims: Sequence[ClaimText], pairs: Iterable[tuple[int, int]]) -> list[dict]:
    """Rows for ``claim_match`` from index pairs into ``claims`` (tier ``none`` dropped)."""
    pairs = sorted(pairs)
    if not pairs:
        return []
    used = sorted({i for pair in pairs for i in pair})
    normalised = {i: normalise(claims[i].text) for i in used}
    feats = {i: features(claims[i].text) for i in used}
    settings = {}
    rows = []
    for start in range(0, len(pairs), 200_000):
        chunk = pairs[start:start + 200_000]
        scores = pair_scores([normalised[i] for i, _ in chunk], [normalised[j] for _, j in chunk])
        for (i, j), score in zip(chunk, scores):
            a, b = claims[i], claims[j]
            for collection_id in (a.collection_id, b.collection_id):
                if collection_id not in settings:
                    settings[collection_id] = thresholds_for(session, collection_id)
            ta, tb = settings[a.collection_id], settings[b.collection_id]
            thresholds = Thresholds(max(ta.link, tb.link), max(ta.suggest, tb.suggest))
            verdict = decide(score, feats[i], feats[j], normalised[i], normalised[j], thresholds)
            if verdict.tier == "none":
                continue
            first, second = (a, b) if a.id < b.id else (b, a)
            rows.append({
                "claim_a_id": first.id, "claim_b_id": second.id, "score": verdict.score,
                "tier": verdict.tier, "reasons": list(verdict.reasons),
                "same_collection": a.collection_id == b.collection_id,
            })
    return rows


def _term_rows(claims: Iterable[ClaimText]) -> list[dict]:
    return [
        {"claim_id": claim.id, "term": term_hash(word)}
        for claim in claims
        for word in set(content_words(normalise(claim.text)))
    ]


def _store(session: Session, rows: list[dict], claim_ids: set[int] | None) -> int:
    """Replace the undecided matches (of ``claim_ids``, or all when None) by ``rows``; keep decisions."""
    existing = select(ClaimMatch.id, ClaimMatch.claim_a_id, ClaimMatch.claim_b_id, ClaimMatch.status)
    if claim_ids is not None:
        ids = list(claim_ids)
        existing = existing.where(or_(ClaimMatch.claim_a_id.in_(ids), ClaimMatch.claim_b_id.in_(ids)))
    decided: dict[tuple[int, int], int] = {}
    stale = []
    for match_id, a, b, status in session.execute(existing):
        if status == "suggested":
            stale.append(match_id)
        else:
            decided[(a, b)] = match_id
    for start in range(0, len(stale), 5000):
        session.execute(delete(ClaimMatch).where(ClaimMatch.id.in_(stale[start:start + 5000])))
    now = utcnow()
    fresh = []
    for row in rows:
        match_id = decided.get((row["claim_a_id"], row["claim_b_id"]))
        if match_id is None:
            fresh.append({**row, "status": "suggested", "created_at": now, "updated_at": now})
        else:
            session.execute(
                update(ClaimMatch).where(ClaimMatch.id == match_id)
                .values(score=row["score"], tier=row["tier"], reasons=row["reasons"], updated_at=now)
            )
    for start in range(0, len(fresh), 10_000):
        session.execute(insert(ClaimMatch), fresh[start:start + 10_000])
    return len(rows)


@dataclass(frozen=True)
class RebuildReport:
    """What a rebuild did."""

    claims: int
    """Reviewable claims considered."""
    candidates: int
    """Pairs scored."""
    linked: int
    suggested: int


def rebuild(database, collection: str | None = None, across_collections: bool = False) -> RebuildReport:
    """Recompute every match in a collection (or all); confirmed and rejected decisions are kept.

    The slow part (vectors, candidate products, scores) runs on a read snapshot; only the final
    writes take the write lock.
    """
    with database.read_session() as session:
        collection_ids = None if collection is None else [_collection_id(session, collection)]
        claims = [ClaimText(*row) for row in session.execute(_claims_query(collection_ids))]
        pairs = candidate_pairs(claims, across_collections)
        rows = _score_pairs(session, claims, pairs)
        terms = _term_rows(claims)
    with database.transaction() as session:
        ids = [claim.id for claim in claims]
        if collection_ids is None:
            session.execute(delete(MatchTerm))
        else:
            for start in range(0, len(ids), 5000):
                session.execute(delete(MatchTerm).where(MatchTerm.claim_id.in_(ids[start:start + 5000])))
        for start in range(0, len(terms), 20_000):
            session.execute(insert(MatchTerm), terms[start:start + 20_000])
        current = set(session.scalars(_claims_query(collection_ids).with_only_columns(Claim.id)))
        rows = [row for row in rows if row["claim_a_id"] in current and row["claim_b_id"] in current]
        if not across_collections:
            rows_scope = set(ids)
            _store(session, rows, rows_scope if collection_ids is not None else None)
        else:
            _store(session, rows, None)
    tiers = Counter(row["tier"] for row in rows)
    return RebuildReport(len(claims), len(pairs), tiers["linked"], tiers["suggested"])


def update_claims(session: Session, claim_ids: Iterable[int], across_collections: bool = False) -> int:
    """Re-match ``claim_ids`` against every stored claim, inside the caller's transaction.

    Used after ingest (the new article's claims) and after a lead merges, splits or re-kinds a
    unit. Matches of claims that are no longer reviewable go; decisions on unchanged pairs stay.
    Returns how many matches the claims now have.
    """
    claim_ids = sorted(set(claim_ids))
    if not claim_ids:
        return 0
    for start in range(0, len(claim_ids), 5000):
        chunk = claim_ids[start:start + 5000]
        session.execute(delete(MatchTerm).where(MatchTerm.claim_id.in_(chunk)))
    claims = [ClaimText(*row) for row in session.execute(_claims_query(claim_ids=claim_ids))]
    gone = set(claim_ids) - {claim.id for claim in claims}
    if gone:
        ids = list(gone)
        session.execute(delete(ClaimMatch).where(or_(ClaimMatch.claim_a_id.in_(ids), ClaimMatch.claim_b_id.in_(ids))))
    if not claims:
        return 0
    terms = _term_rows(claims)
    candidates = _stored_candidates(session, claims, terms, across_collections)
    everyone = list(claims)
    position = {claim.id: index for index, claim in enumerate(everyone)}
    pairs = candidate_pairs(claims, across_collections)  # among the claims themselves
    for claim in claims:
        for other in candidates.get(claim.id, []):
            if other.id not in position:
                position[other.id] = len(everyone)
                everyone.append(other)
            i, j = position[claim.id], position[other.id]
            pairs.add((min(i, j), max(i, j)))
    rows = _score_pairs(session, everyone, pairs)
    if terms:
        session.execute(insert(MatchTerm), terms)
    _store(session, rows, {claim.id for claim in claims})
    return len(rows)


def _stored_candidates(
    session: Session, claims: Sequence[ClaimText], terms: list[dict], across_collections: bool
) -> dict[int, list[ClaimText]]:
    """For each of ``claims``: the stored claims of other articles sharing the most IDF weight of rarer words."""
    all_terms = sorted({row["term"] for row in terms})
    df: dict[int, int] = {}
    for start in range(0, len(all_terms), 1000):
        chunk = all_terms[start:start + 1000]
        df.update(session.execute(
            select(MatchTerm.term, func.count()).where(MatchTerm.term.in_(chunk)).group_by(MatchTerm.term)
        ).all())
    total = max(session.scalar(select(func.count()).select_from(Claim).where(Claim.kind == "claim")) or 0, 1)
    useful = [term for term in all_terms if 0 < df.get(term, 0) <= max_df(total)]
    if not useful:
        return {}
    postings: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(useful), 1000):
        for term, claim_id in session.execute(
            select(MatchTerm.term, MatchTerm.claim_id).where(MatchTerm.term.in_(useful[start:start + 1000]))
        ):
            postings[term].append(claim_id)
    own_ids = {claim.id for claim in claims}
    terms_by_claim: dict[int, list[int]] = defaultdict(list)
    for row in terms:
        terms_by_claim[row["claim_id"]].append(row["term"])
    ranked: dict[int, list[int]] = {}
    for claim in claims:
        weights: Counter[int] = Counter()
        for term in terms_by_claim[claim.id]:
            idf = float(np.log((1 + total) / (1 + df.get(term, 0))) + 1)
            for other in postings.get(term, ()):
                if other not in own_ids:
                    weights[other] += idf
        ranked[claim.id] = [other for other, _ in weights.most_common(CANDIDATES_PER_CLAIM * 3)]
    ids = sorted({other for best in ranked.values() for other in best})
    found: dict[int, ClaimText] = {}
    for start in range(0, len(ids), 5000):
        for row in session.execute(_claims_query(claim_ids=ids[start:start + 5000])):
            found[row[0]] = ClaimText(*row)
    result: dict[int, list[ClaimText]] = {}
    for claim in claims:
        chosen = [
            found[other] for other in ranked[claim.id]
            if other in found and found[other].article_id != claim.article_id
            and (across_collections or found[other].collection_id == claim.collection_id)
        ]
        result[claim.id] = chosen[:CANDIDATES_PER_CLAIM]
    return result


def match_articles(database, article_ids: Iterable[int]) -> int:
    """Match the claims of newly ingested articles against every stored claim (one transaction)."""
    article_ids = list(article_ids)
    if not article_ids:
        return 0
    with database.transaction() as session:
        claim_ids = session.scalars(
            select(Claim.id).where(Claim.article_id.in_(article_ids), Claim.kind == "claim")
        ).all()
        return update_claims(session, claim_ids)


# --- reading and deciding ------------------------------------------------------------------


@dataclass(frozen=True)
class MatchRow:
    """One stored match, with both claims' texts and articles."""

    id: int
    claim_a: int
    claim_b: int
    article_a: int
    article_b: int
    title_a: str
    title_b: str
    text_a: str
    text_b: str
    score: float
    tier: str
    """``linked`` or ``suggested``."""
    reasons: tuple[str, ...]
    """What differs; empty when nothing does."""
    status: str
    """``suggested`` (undecided), ``confirmed`` or ``rejected``."""
    decided_by: str | None
    decided_at: datetime | None

    @property
    def conflict(self) -> bool:
        return any(not reason.startswith("short:") for reason in self.reasons)

    def as_json(self) -> dict:
        return {
            "id": self.id, "claim_a": self.claim_a, "claim_b": self.claim_b,
            "article_a": self.article_a, "article_b": self.article_b,
            "title_a": self.title_a, "title_b": self.title_b,
            "text_a": self.text_a, "text_b": self.text_b, "score": self.score, "tier": self.tier,
            "reasons": list(self.reasons), "status": self.status, "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat().replace("+00:00", "Z") if self.decided_at else None,
        }


def _match_query():
    claim_a, claim_b = aliased(Claim), aliased(Claim)
    article_a, article_b = aliased(Article), aliased(Article)
    query = (
        select(
            ClaimMatch.id, ClaimMatch.claim_a_id, ClaimMatch.claim_b_id, claim_a.article_id, claim_b.article_id,
            article_a.title, article_b.title, claim_a.text, claim_b.text, ClaimMatch.score, ClaimMatch.tier,
            ClaimMatch.reasons, ClaimMatch.status, Reviewer.name, ClaimMatch.decided_at,
        )
        .join(claim_a, claim_a.id == ClaimMatch.claim_a_id)
        .join(claim_b, claim_b.id == ClaimMatch.claim_b_id)
        .join(article_a, article_a.id == claim_a.article_id)
        .join(article_b, article_b.id == claim_b.article_id)
        .outerjoin(Reviewer, Reviewer.id == ClaimMatch.decided_by)
    )
    return query, article_a, article_b


def _rows(session: Session, query) -> list[MatchRow]:
    return [
        MatchRow(*row[:11], tuple(row[11] or ()), *row[12:])
        for row in session.execute(query)
    ]


def list_matches(
    session: Session,
    collection: str | None = None,
    *,
    all_collections: bool = False,
    tier: str | None = None,
    status: str | None = None,
) -> list[MatchRow]:
    """Stored matches, conflicts first then by score; within ``collection`` unless ``all_collections``."""
    if tier is not None and tier not in TIERS:
        raise MatchError(f"Unknown tier {tier!r}: use linked or suggested.")
    query, article_a, article_b = _match_query()
    if collection is not None:
        collection_id = _collection_id(session, collection)
        condition = article_a.collection_id == collection_id
        if all_collections:
            condition = or_(condition, article_b.collection_id == collection_id)
        else:
            condition = condition & (article_b.collection_id == collection_id)
        query = query.where(condition)
    elif not all_collections:
        query = query.where(ClaimMatch.same_collection.is_(True))
    if tier is not None:
        query = query.where(ClaimMatch.tier == tier)
    if status is not None:
        query = query.where(ClaimMatch.status == status)
    rows = _rows(session, query.order_by(ClaimMatch.score.desc(), ClaimMatch.id))
    return sorted(rows, key=lambda row: (not row.conflict, -row.score, row.id))


def matches_of_claim(session: Session, claim_id: int, *, include_rejected: bool = False) -> list[MatchRow]:
    """The matches of one claim, best first, the claim itself always as ``claim_a`` side swapped in."""
    query, _, _ = _match_query()
    query = query.where(or_(ClaimMatch.claim_a_id == claim_id, ClaimMatch.claim_b_id == claim_id))
    if not include_rejected:
        query = query.where(ClaimMatch.status != "rejected")
    rows = []
    for row in _rows(session, query.order_by(ClaimMatch.score.desc())):
        if row.claim_b == claim_id:
            row = MatchRow(
                row.id, row.claim_b, row.claim_a, row.article_b, row.article_a, row.title_b, row.title_a,
                row.text_b, row.text_a, row.score, row.tier, row.reasons, row.status, row.decided_by,
                row.decided_at,
            )
        rows.append(row)
    return rows


def decide_match(session: Session, actor: Actor, match_id: int, status: str) -> ClaimMatch:
    """Confirm or reject a match (any signed-in reviewer; ``suggested`` undoes the decision)."""
    if status not in STATUSES:
        raise MatchError(f"Unknown status {status!r}: use confirmed, rejected or suggested.")
    match = session.get(ClaimMatch, match_id, with_for_update=True)
    if match is None:
        raise MatchError(f"Match {match_id} no longer exists: the claims were changed. Reload.")
    match.status = status
    match.decided_by = None if status == "suggested" else actor.id
    match.decided_at = None if status == "suggested" else utcnow()
    match.updated_at = utcnow()
    session.flush()
    return match


def linked_groups(rows: Iterable[MatchRow]) -> list[list[int]]:
    """Claim ids joined by linked or confirmed (and not rejected) matches, as connected groups."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        if row.status == "rejected" or not (row.tier == "linked" or row.status == "confirmed"):
            continue
        parent[root(row.claim_a)] = root(row.claim_b)
    groups: dict[int, list[int]] = defaultdict(list)
    for claim_id in list(parent):
        groups[root(claim_id)].append(claim_id)
    return sorted((sorted(group) for group in groups.values() if len(group) > 1), key=lambda g: g[0])


# --- verdicts applied from a match ---------------------------------------------------------

MATCH_ACTION = "match"
"""The history action of a verdict a reviewer applied from a match (``workbench.match_verdicts``)."""


def applied_from_match(session: Session, claim_ids: Iterable[int] | None = None) -> set[tuple[int, int]]:
    """``(claim_id, reviewer_id)`` of the current verdicts that were applied from a match."""
    latest = aliased(VerdictHistory)
    newest = (
        select(func.max(latest.id))
        .where(latest.claim_id == VerdictHistory.claim_id, latest.reviewer_id == VerdictHistory.reviewer_id)
        .scalar_subquery()
    )
    query = (
        select(VerdictHistory.claim_id, VerdictHistory.reviewer_id)
        .join(StoredVerdict, and_(
            StoredVerdict.claim_id == VerdictHistory.claim_id, StoredVerdict.reviewer_id == VerdictHistory.reviewer_id
        ))
        .where(VerdictHistory.action == MATCH_ACTION, VerdictHistory.id == newest)
    )
    if claim_ids is not None:
        ids = list(claim_ids)
        found: set[tuple[int, int]] = set()
        for start in range(0, len(ids), 5000):
            found.update(tuple(row) for row in session.execute(query.where(VerdictHistory.claim_id.in_(ids[start:start + 5000]))))
        return found
    return {tuple(row) for row in session.execute(query)}


# --- groups --------------------------------------------------------------------------------


def sharing_verdicts(statement):
    """Only matches that may share a verdict: linked or confirmed, never rejected."""
    return statement.where(
        ClaimMatch.status != "rejected", or_(ClaimMatch.tier == "linked", ClaimMatch.status == "confirmed")
    )


def _components(edges: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for claim_id in list(parent):
        groups[root(claim_id)].append(claim_id)
    return {min(members): sorted(members) for members in groups.values()}


def match_groups(session: Session | Connection, collection_id: int | None = None) -> dict[int, str]:
    """Claim id → group id for every claim in a linked group (of one collection, or all).

    A group is a connected component of linked or confirmed matches; its id, ``G`` + its smallest
    claim id, stays the same while that claim stays in the group.
    """
    query = sharing_verdicts(select(ClaimMatch.claim_a_id, ClaimMatch.claim_b_id))
    if collection_id is not None:
        in_collection = select(Claim.id).join(Article, Article.id == Claim.article_id).where(
            Article.collection_id == collection_id
        )
        query = query.where(ClaimMatch.claim_a_id.in_(in_collection) | ClaimMatch.claim_b_id.in_(in_collection))
    groups = _components(session.execute(query))
    return {claim_id: f"G{smallest}" for smallest, members in groups.items() for claim_id in members}

"""Same claim across articles: find the candidate pairs, score them, keep ``claim_match`` current.

Scoring and the conflict guard are pure text work (:mod:`workbench.match_text`); reading stored
matches, decisions and groups are in :mod:`workbench.matching`.

Candidate search: each claim's content words are hashed into ``match_term``; a claim's
candidates are the claims sharing its rarer words (``max_df``) or its :data:`RAREST_TERMS`
rarest shared words, ranked by the IDF weight they share, best :data:`CANDIDATES_PER_CLAIM`
kept; only those are scored. A full rebuild does the same in memory with sparse matrix products in chunks of
:data:`CHUNK_ROWS` rows. Identical claims inside one article are never paired (pairs always
span two articles); the work per claim is bounded, never quadratic.

Performance contract (benchmarks/bench_matching.py, figures in the README): a new 50-claim
article against 100,000 stored claims in about a second; rebuilding 100,000 claims within a
minute and under 1 GiB. Everything per pair is vectorised (numpy, scipy.sparse) except the
conflict guard, which runs only on the pairs whose score can reach a tier; the guard's features
are read once per claim; rows are written with Core ``insert()`` / ``update()`` executemany,
never an ORM object per row; a new article costs one sparse product over the postings of its
rarer words, not a query per claim.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from workbench.match_text import (
    YEAR_CONFLICT_THRESHOLD, TextVectors, Thresholds, content_words, decide, features, l2_normalise, mentions_year,
    normalise, term_hash, word_presence,
)
from workbench.matching import collection_id_of
from workbench.models import Article, Claim, ClaimMatch, MatchSettings, MatchTerm, utcnow
from workbench.vocabulary import MatchStatus, MatchTier

MAX_TERM_DF = 1000
"""Words in more claims than this (or than :data:`MAX_TERM_SHARE` of them) are too common to find candidates with."""
MAX_TERM_SHARE = 0.01
RAREST_TERMS = 3
"""A claim's rarest words (shared with another claim) used to find candidates even when they are
common, up to :data:`MAX_TERM_DF` claims: a story told alike in many articles is still found."""
CANDIDATES_PER_CLAIM = 30
"""How many candidates per claim are scored."""
CHUNK_ROWS = 1000
"""Rows per sparse matrix product in a full rebuild (bounds memory)."""


# --- candidates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimText:
    """A reviewable claim as matching sees it."""

    id: int
    article_id: int
    collection_id: int
    text: str


def _top_columns(products: sparse.csr_matrix, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of each row's ``limit`` largest entries (all of a row with fewer)."""
    counts = np.diff(products.indptr)
    short = np.repeat(counts <= limit, counts)
    rows = [np.repeat(np.arange(products.shape[0]), counts)[short]]
    columns = [products.indices[short]]
    for row in np.flatnonzero(counts > limit):
        start, end = products.indptr[row], products.indptr[row + 1]
        keep = np.argpartition(-products.data[start:end], limit)[:limit]
        rows.append(np.full(limit, row))
        columns.append(products.indices[start:end][keep])
    return np.concatenate(rows), np.concatenate(columns)


def _expand(first: np.ndarray, sizes: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each ``keys[k]``, the positions ``first[key] … first[key] + sizes[key] - 1``: (k, position) arrays."""
    counts = sizes[keys]
    which = np.repeat(np.arange(len(keys)), counts)
    offset = np.arange(len(which)) - np.repeat(np.cumsum(counts) - counts, counts)
    return which, first[keys][which] + offset


def max_df(claims: int) -> int:
    """The most claims a word may appear in and still be used to find candidates."""
    return max(20, min(MAX_TERM_DF, int(claims * MAX_TERM_SHARE)))


def searchable(rows: np.ndarray, entry_df: np.ndarray, limit: int, shared_from: int) -> np.ndarray:
    """For (claim, word) entries (``rows``: their claims, ``entry_df``: their words' claim counts):
    whether each is used to find candidates: a word in at most ``limit`` claims, or one of the
    claim's :data:`RAREST_TERMS` rarest words in at least ``shared_from`` and at most
    :data:`MAX_TERM_DF` claims."""
    shared = entry_df >= shared_from
    order = np.lexsort((np.where(shared, entry_df, np.iinfo(np.int64).max), rows))
    sorted_rows = rows[order]
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - np.searchsorted(sorted_rows, sorted_rows)
    return (shared & (entry_df <= limit)) | (shared & (rank < RAREST_TERMS) & (entry_df <= MAX_TERM_DF))


def candidate_pairs(claims: Sequence[ClaimText], across_collections: bool = False) -> np.ndarray:
    """Index pairs ``[i, j]`` (i < j, one per row) worth scoring among ``claims``.

    Worth scoring: another article (of the same collection unless ``across_collections``) and
    shared rarer words. Claims with the same normalised text are grouped first: each is paired
    with at most :data:`CANDIDATES_PER_CLAIM` copies in other articles (linear in the copies,
    never quadratic), and the word search runs over the distinct texts only.
    """
    if len(claims) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    articles = np.array([claim.article_id for claim in claims])
    collections = np.array([claim.collection_id for claim in claims])
    text_ids: dict[str, int] = {}
    text_of = np.array([text_ids.setdefault(normalise(claim.text), len(text_ids)) for claim in claims])
    order = np.lexsort((articles, text_of))  # by text, then by article
    sorted_text, sorted_article = text_of[order], articles[order]
    text_first = np.searchsorted(sorted_text, np.arange(len(text_ids)))
    text_size = np.bincount(text_of, minlength=len(text_ids))
    # copies: each claim with the next CANDIDATES_PER_CLAIM copies after its own article's block
    key = sorted_text * (articles.max() + 1) + sorted_article
    block_end = np.searchsorted(key, key, side="right")
    start, size = text_first[sorted_text], text_size[sorted_text]
    others = size - (block_end - np.searchsorted(key, key, side="left"))
    step = np.arange(CANDIDATES_PER_CLAIM)
    has_copies = np.flatnonzero(others > 0)
    reach = (block_end[has_copies, None] - start[has_copies, None] + step) % size[has_copies, None]
    valid = step < np.minimum(others[has_copies], CANDIDATES_PER_CLAIM)[:, None]
    found = [(order[np.broadcast_to(has_copies[:, None], reach.shape)[valid]], order[(start[has_copies, None] + reach)[valid]])]
    # distinct texts: shared rarer words, weighted by IDF
    if len(text_ids) >= 2:
        matrix = word_presence(list(text_ids))
        df = np.bincount(matrix.indices, minlength=matrix.shape[1])
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        kept = searchable(rows, df[matrix.indices], max_df(len(text_ids)), shared_from=2)
        idf = (np.log((1 + len(text_ids)) / (1 + df)) + 1).astype(np.float32)
        matrix.data = np.where(kept, idf[matrix.indices], 0).astype(np.float32)
        matrix.eliminate_zeros()
        matrix = l2_normalise(matrix)
        transposed = matrix.T.tocsr()
        members = np.minimum(text_size, CANDIDATES_PER_CLAIM)
        for chunk in range(0, len(text_ids), CHUNK_ROWS):
            rows, columns = _top_columns((matrix[chunk:chunk + CHUNK_ROWS] @ transposed).tocsr(), CANDIDATES_PER_CLAIM)
            which, first = _expand(text_first, members, rows + chunk)
            which, second = _expand(text_first, members, columns[which])
            found.append((order[first[which]], order[second]))
    u = np.concatenate([a for a, _ in found])
    v = np.concatenate([b for _, b in found])
    keep = (articles[u] != articles[v]) & (across_collections or (collections[u] == collections[v]))
    u, v = u[keep], v[keep]
    return _distinct_pairs(u, v)


def _distinct_pairs(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rows ``[min, max]`` of the pairs ``(u[k], v[k])``, each pair once, sorted."""
    keys = np.sort((np.minimum(u, v).astype(np.int64) << 32) | np.maximum(u, v))
    first = np.ones(len(keys), dtype=bool)  # a sort and a comparison: faster than np.unique's hashing
    first[1:] = keys[1:] != keys[:-1]
    keys = keys[first]
    return np.stack([keys >> 32, keys & 0xFFFFFFFF], axis=1)


def _used(pairs: np.ndarray, count: int) -> list[int]:
    """The distinct indices in ``pairs`` (of ``count`` claims), in order."""
    used = np.zeros(count, dtype=bool)
    used[pairs.ravel()] = True
    return np.flatnonzero(used).tolist()


# --- storage -------------------------------------------------------------------------------


def thresholds_for(session: Session, collection_id: int) -> Thresholds:
    settings = session.get(MatchSettings, collection_id)
    return Thresholds(settings.link_threshold, settings.suggest_threshold) if settings else Thresholds()


def collection_thresholds(session: Session, collection: str) -> Thresholds:
    """The thresholds a collection (by name) uses now."""
    return thresholds_for(session, collection_id_of(session, collection))


def set_thresholds(session: Session, collection: str, link: float, suggest: float) -> Thresholds:
    """Store a collection's thresholds (takes effect at the next rebuild)."""
    thresholds = Thresholds(link, suggest)
    collection_id = collection_id_of(session, collection)
    settings = session.get(MatchSettings, collection_id)
    if settings is None:
        session.add(MatchSettings(collection_id=collection_id, link_threshold=link, suggest_threshold=suggest))
    else:
        settings.link_threshold, settings.suggest_threshold, settings.updated_at = link, suggest, utcnow()
    session.flush()
    return thresholds


def _claims_query(collection_ids: list[int] | None = None, claim_ids: Iterable[int] | None = None):
    query = (
        select(Claim.id, Claim.article_id, Article.collection_id, Claim.text)
        .join(Article, Article.id == Claim.article_id)
        .where(Claim.reviewable)
        .order_by(Claim.id)
    )
    if collection_ids is not None:
        query = query.where(Article.collection_id.in_(collection_ids))
    if claim_ids is not None:
        query = query.where(Claim.id.in_(list(claim_ids)))
    return query


@dataclass(frozen=True, slots=True)
class MatchFound:
    """A pair that reached a tier, ready to be stored (``claim_a < claim_b``)."""

    claim_a: int
    claim_b: int
    score: float
    tier: str
    reasons: tuple[str, ...]
    same_collection: bool


def _score_pairs(session: Session, claims: Sequence[ClaimText], pairs: np.ndarray) -> list[MatchFound]:
    """The pairs (index pairs into ``claims``) that reach a tier, vectorised; the guard runs on those only."""
    if not len(pairs):
        return []
    text_ids: dict[str, int] = {}
    row_of = np.zeros(len(claims), dtype=np.int64)
    year = np.zeros(len(claims), dtype=bool)
    for i in _used(pairs, len(claims)):
        row_of[i] = text_ids.setdefault(normalise(claims[i].text), len(text_ids))
        year[i] = mentions_year(normalise(claims[i].text))
    scores = TextVectors.of(list(text_ids)).scores(row_of[pairs[:, 0]], row_of[pairs[:, 1]])
    collections = np.array([claim.collection_id for claim in claims])
    settings = {collection_id: thresholds_for(session, collection_id) for collection_id in np.unique(collections).tolist()}
    link = np.array([settings[c].link for c in collections.tolist()])
    suggest = np.array([settings[c].suggest for c in collections.tolist()])
    pair_link = np.maximum(link[pairs[:, 0]], link[pairs[:, 1]])
    pair_suggest = np.maximum(suggest[pairs[:, 0]], suggest[pairs[:, 1]])
    # decide rounds scores to 4 places; below ``suggest`` only two reports naming different years are kept
    reachable = (scores >= pair_suggest - 1e-4) | (
        (scores >= np.minimum(YEAR_CONFLICT_THRESHOLD, pair_suggest) - 1e-4) & year[pairs[:, 0]] & year[pairs[:, 1]]
    )
    thresholds: dict[tuple[float, float], Thresholds] = {}
    guarded = {i: features(claims[i].text) for i in _used(pairs[reachable], len(claims))}
    found = []
    for (i, j), score, link_at, suggest_at in zip(
        pairs[reachable].tolist(), scores[reachable].tolist(), pair_link[reachable].tolist(), pair_suggest[reachable].tolist()
    ):
        a, b = claims[i], claims[j]
        pair_thresholds = thresholds.setdefault((link_at, suggest_at), Thresholds(link_at, suggest_at))
        verdict = decide(score, guarded[i], guarded[j], pair_thresholds)
        if verdict.tier != MatchTier.NONE:
            first, second = (a.id, b.id) if a.id < b.id else (b.id, a.id)
            found.append(MatchFound(first, second, verdict.score, verdict.tier, verdict.reasons,
                                    a.collection_id == b.collection_id))
    return found


def _terms(claims: Iterable[ClaimText]) -> list[tuple[int, int]]:
    """``(term, claim_id)`` of the claims' content words."""
    return [(term_hash(word), claim.id) for claim in claims for word in set(content_words(normalise(claim.text)))]


def _insert_terms(session: Session, terms: list[tuple[int, int]]) -> None:
    for start in range(0, len(terms), 20_000):
        session.execute(insert(MatchTerm.__table__), [
            {"term": term, "claim_id": claim_id} for term, claim_id in terms[start:start + 20_000]
        ])


def _store(session: Session, found: list[MatchFound], claim_ids: set[int] | None) -> None:
    """Replace the undecided matches (of ``claim_ids``, or all when None) by ``found``; keep decisions.

    Core statements with executemany: no ORM object per row.
    """
    table = ClaimMatch.__table__
    undecided = table.c.status == MatchStatus.SUGGESTED
    decided_query = select(table.c.id, table.c.claim_a_id, table.c.claim_b_id).where(~undecided)
    decided: dict[tuple[int, int], int] = {}
    if claim_ids is None:
        session.execute(delete(table).where(undecided))
        decided.update(((a, b), match_id) for match_id, a, b in session.execute(decided_query))
    else:
        ids = sorted(claim_ids)
        for start in range(0, len(ids), 5000):
            chunk = ids[start:start + 5000]
            touching = or_(table.c.claim_a_id.in_(chunk), table.c.claim_b_id.in_(chunk))
            session.execute(delete(table).where(undecided, touching))
            decided.update(((a, b), match_id) for match_id, a, b in session.execute(decided_query.where(touching)))
    now = utcnow()
    fresh, changed = [], []
    for match in found:
        values = {"score": match.score, "tier": match.tier, "reasons": list(match.reasons), "updated_at": now}
        match_id = decided.get((match.claim_a, match.claim_b))
        if match_id is None:
            fresh.append({**values, "claim_a_id": match.claim_a, "claim_b_id": match.claim_b,
                          "same_collection": match.same_collection, "status": "suggested", "created_at": now})
        else:
            changed.append({**values, "match_id": match_id})
        if len(fresh) == 10_000:
            session.execute(insert(table), fresh)
            fresh = []
    if fresh:
        session.execute(insert(table), fresh)
    if changed:
        session.execute(update(table).where(table.c.id == bindparam("match_id")), changed)


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
        collection_ids = None if collection is None else [collection_id_of(session, collection)]
        claims = [ClaimText(*row) for row in session.execute(_claims_query(collection_ids))]
        pairs = candidate_pairs(claims, across_collections)
        found = _score_pairs(session, claims, pairs)
    with database.transaction() as session:
        ids = [claim.id for claim in claims]
        if collection_ids is None:
            session.execute(delete(MatchTerm.__table__))
        else:
            for start in range(0, len(ids), 5000):
                session.execute(delete(MatchTerm.__table__).where(MatchTerm.claim_id.in_(ids[start:start + 5000])))
        _insert_terms(session, _terms(claims))
        current = set(session.scalars(_claims_query(collection_ids).with_only_columns(Claim.id)))
        found = [match for match in found if match.claim_a in current and match.claim_b in current]
        _store(session, found, set(ids) if collection_ids is not None and not across_collections else None)
    tiers = Counter(match.tier for match in found)
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
        session.execute(delete(MatchTerm.__table__).where(MatchTerm.claim_id.in_(chunk)))
    claims = [ClaimText(*row) for row in session.execute(_claims_query(claim_ids=claim_ids))]
    gone = sorted(set(claim_ids) - {claim.id for claim in claims})
    for start in range(0, len(gone), 5000):
        chunk = gone[start:start + 5000]
        session.execute(delete(ClaimMatch.__table__).where(
            or_(ClaimMatch.claim_a_id.in_(chunk), ClaimMatch.claim_b_id.in_(chunk))
        ))
    if not claims:
        return 0
    terms = _terms(claims)
    candidates = _stored_candidates(session, claims, terms, across_collections)
    everyone = list(claims)
    position = {claim.id: index for index, claim in enumerate(everyone)}
    stored_pairs = []
    for claim in claims:
        for other in candidates.get(claim.id, []):
            if other.id not in position:
                position[other.id] = len(everyone)
                everyone.append(other)
            stored_pairs.append((position[claim.id], position[other.id]))
    pairs = np.concatenate([  # among the claims themselves, and with stored claims
        candidate_pairs(claims, across_collections), np.array(stored_pairs, dtype=np.int64).reshape(-1, 2)
    ])
    found = _score_pairs(session, everyone, _distinct_pairs(pairs[:, 0], pairs[:, 1]))
    _insert_terms(session, terms)
    _store(session, found, {claim.id for claim in claims})
    return len(found)


def _stored_candidates(
    session: Session, claims: Sequence[ClaimText], terms: list[tuple[int, int]], across_collections: bool
) -> dict[int, list[ClaimText]]:
    """For each of ``claims``: the stored claims of other articles sharing the most IDF weight of rarer words.

    One sparse product (claims × words) @ (words × stored claims), not a loop over postings.
    """
    all_terms = sorted({term for term, _ in terms})
    df: dict[int, int] = {}
    for start in range(0, len(all_terms), 1000):
        chunk = all_terms[start:start + 1000]
        df.update(session.execute(
            select(MatchTerm.term, func.count()).where(MatchTerm.term.in_(chunk)).group_by(MatchTerm.term)
        ).all())
    total = max(session.scalar(select(func.count()).select_from(Claim).where(Claim.reviewable)) or 0, 1)
    claim_row = {claim.id: index for index, claim in enumerate(claims)}
    kept = searchable(
        np.array([claim_row[claim_id] for _, claim_id in terms], dtype=np.int64),
        np.array([df.get(term, 0) for term, _ in terms], dtype=np.int64), max_df(total), shared_from=1,
    )
    terms = [pair for pair, keep in zip(terms, kept, strict=True) if keep]
    useful = sorted({term for term, _ in terms})
    if not useful:
        return {}
    postings = []
    for start in range(0, len(useful), 1000):
        postings += session.execute(
            select(MatchTerm.term, MatchTerm.claim_id).where(MatchTerm.term.in_(useful[start:start + 1000]))
        ).all()
    term_row = {term: index for index, term in enumerate(useful)}
    stored, stored_column = np.unique([claim_id for _, claim_id in postings], return_inverse=True)
    by_term = sparse.csr_matrix(
        (np.ones(len(postings)), ([term_row[term] for term, _ in postings], stored_column)),
        shape=(len(useful), len(stored)),
    )
    asked = [(claim_row[claim_id], term_row[term]) for term, claim_id in terms]
    idf = [float(np.log((1 + total) / (1 + df[useful[term]])) + 1) for _, term in asked]
    weights = (sparse.csr_matrix(
        (idf, ([claim for claim, _ in asked], [term for _, term in asked])), shape=(len(claims), len(useful))
    ) @ by_term).tocsr()
    weights.data[np.isin(stored, list(claim_row))[weights.indices]] = 0  # never a candidate of itself
    weights.eliminate_zeros()
    ranked: dict[int, list[int]] = {}
    for row, claim in enumerate(claims):
        start, end = weights.indptr[row], weights.indptr[row + 1]
        best = np.lexsort((stored[weights.indices[start:end]], -weights.data[start:end]))[:CANDIDATES_PER_CLAIM * 3]
        ranked[claim.id] = stored[weights.indices[start:end][best]].tolist()
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


def match_articles(session: Session, article_ids: Iterable[int]) -> int:
    """Match the claims of newly ingested articles against every stored claim, inside the caller's
    transaction (ingest's, so an article is never stored without its matches)."""
    article_ids = list(article_ids)
    if not article_ids:
        return 0
    claim_ids = session.scalars(select(Claim.id).where(Claim.article_id.in_(article_ids), Claim.reviewable)).all()
    return update_claims(session, claim_ids)

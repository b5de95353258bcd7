"""Same claim across articles: reading stored matches, a person's decisions on them, linked groups.

Finding and storing matches is :mod:`workbench.match_search`; scoring is :mod:`workbench.match_text`.
Performance contract: every reader filters in SQL (by collection, claim, tier or status) and
reads only ``claim_match`` rows and the claims they name; groups are one union-find pass over
the matches that may share a verdict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from workbench.access import Actor, PermissionDenied
from workbench.match_text import MatchError
from workbench.models import (
    Article,
    Claim,
    ClaimMatch,
    Collection,
    Reviewer,
    VerdictHistory,
    utcnow,
)
from workbench.models import Verdict as StoredVerdict
from workbench.names import require_named
from workbench.vocabulary import MATCH_STATUSES, MATCH_TIERS, MatchStatus, MatchTier

# --- reading and deciding ------------------------------------------------------------------


def collection_id_of(session: Session, name: str) -> int:
    """The id of the collection called ``name`` (any case)."""
    return require_named(session, Collection, name).id



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
    decided_by_id: int | None
    """The account that decided it (``decided_by`` is its name)."""

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


@cache
def _match_query():
    """The stored matches with both claims' texts and articles (built once: aliasing costs per call)."""
    claim_a, claim_b = aliased(Claim), aliased(Claim)
    article_a, article_b = aliased(Article), aliased(Article)
    query = (
        select(
            ClaimMatch.id, ClaimMatch.claim_a_id, ClaimMatch.claim_b_id, claim_a.article_id, claim_b.article_id,
            article_a.title, article_b.title, claim_a.text, claim_b.text, ClaimMatch.score, ClaimMatch.tier,
            ClaimMatch.reasons, ClaimMatch.status, Reviewer.name, ClaimMatch.decided_at, ClaimMatch.decided_by,
        )
        .join(claim_a, claim_a.id == ClaimMatch.claim_a_id)
        .join(claim_b, claim_b.id == ClaimMatch.claim_b_id)
        .join(article_a, article_a.id == claim_a.article_id)
        .join(article_b, article_b.id == claim_b.article_id)
        .outerjoin(Reviewer, Reviewer.id == ClaimMatch.decided_by)
    )
    return query, article_a, article_b


def _rows(session: Session, query, parameters: dict | None = None) -> list[MatchRow]:
    return [
        MatchRow(*row[:11], tuple(row[11] or ()), *row[12:])
        for row in session.execute(query, parameters)
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
    if tier is not None and tier not in MATCH_TIERS:
        raise MatchError(f"Unknown tier {tier!r}: use linked or suggested.")
    query, article_a, article_b = _match_query()
    if collection is not None:
        collection_id = collection_id_of(session, collection)
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


@cache
def _matches_of_claim_query(include_rejected: bool):
    query, _, _ = _match_query()
    claim_id = bindparam("claim_id")
    query = query.where(or_(ClaimMatch.claim_a_id == claim_id, ClaimMatch.claim_b_id == claim_id))
    if not include_rejected:
        query = query.where(ClaimMatch.status != MatchStatus.REJECTED)
    return query.order_by(ClaimMatch.score.desc())


def matches_of_claim(session: Session, claim_id: int, *, include_rejected: bool = False) -> list[MatchRow]:
    """The matches of one claim, best first, the claim itself always as ``claim_a`` side swapped in.

    The review queue calls this on every key press: the statement is built once."""
    rows = []
    for row in _rows(session, _matches_of_claim_query(include_rejected), {"claim_id": claim_id}):
        if row.claim_b == claim_id:
            row = MatchRow(
                row.id, row.claim_b, row.claim_a, row.article_b, row.article_a, row.title_b, row.title_a,
                row.text_b, row.text_a, row.score, row.tier, row.reasons, row.status, row.decided_by,
                row.decided_at, row.decided_by_id,
            )
        rows.append(row)
    return rows


def may_decide(actor: Actor, decided_by_id: int | None) -> bool:
    """Whether ``actor`` may confirm, reject or undo a match decided by ``decided_by_id`` (``None``:
    undecided): a lead any, a reviewer an undecided one or their own decision."""
    return actor.is_lead or decided_by_id is None or decided_by_id == actor.id


def decide_match(session: Session, actor: Actor, match_id: int, status: str) -> ClaimMatch:
    """Confirm or reject a match (``suggested`` undoes the decision). Any signed-in reviewer decides
    an undecided match, or changes their own decision; only a lead changes someone else's."""
    if status not in MATCH_STATUSES:
        raise MatchError(f"Unknown status {status!r}: use confirmed, rejected or suggested.")
    match = session.get(ClaimMatch, match_id, with_for_update=True)
    if match is None:
        raise MatchError(f"Match {match_id} no longer exists: the claims were changed. Reload.")
    if not may_decide(actor, match.decided_by):
        raise PermissionDenied("Someone else decided this match: only a lead can change that decision.")
    match.status = status
    match.decided_by = None if status == MatchStatus.SUGGESTED else actor.id
    match.decided_at = None if status == MatchStatus.SUGGESTED else utcnow()
    match.updated_at = utcnow()
    session.flush()
    return match


def linked_groups(rows: Iterable[MatchRow]) -> list[list[int]]:
    """Claim ids joined by linked or confirmed (and not rejected) matches, as connected groups."""
    edges = (
        (row.claim_a, row.claim_b) for row in rows
        if row.status != MatchStatus.REJECTED and (row.tier == MatchTier.LINKED or row.status == MatchStatus.CONFIRMED)
    )
    return [members for _, members in sorted(_components(edges).items())]


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
        ClaimMatch.status != MatchStatus.REJECTED, or_(ClaimMatch.tier == MatchTier.LINKED, ClaimMatch.status == MatchStatus.CONFIRMED)
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

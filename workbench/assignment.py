"""Who reviews what: the team (accounts a lead manages) and collection assignments.

A collection with reviewers assigned is reviewed by exactly those reviewers. A collection with
nobody assigned is *open*: every active reviewer (and lead) may review it. ``reviewers_per_claim``
caps how many verdicts a claim collects before it leaves the other queues; ``None`` means every
reviewer with access reviews every claim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from workbench.access import Actor, PermissionDenied, require_lead
from workbench.auth import AuthError, create_reviewer, lead_can_sign_in
from workbench.db import Database
from workbench.errors import WorkbenchError
from workbench.models import Article, Assignment, Claim, Collection, Reviewer, Verdict
from workbench.sessions import end_all_sessions
from workbench.vocabulary import Role

MAX_REVIEWERS_PER_CLAIM = 50


class AssignmentError(WorkbenchError):
    """An assignment cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class CollectionOverview:
    """One collection as a lead sees it on the team page."""

    id: int
    name: str
    reviewers_per_claim: int | None
    articles: int
    claims: int
    assigned: tuple[str, ...]

    @property
    def is_open(self) -> bool:
        return not self.assigned


# --- the team ------------------------------------------------------------------------------------


def create_first_lead(database: Database, name: str, password: str) -> Actor:
    """Create the first lead while no lead can sign in (a fresh database, or accounts imported
    without passwords), and nothing else."""
    with database.transaction() as session:
        if database.dialect == "postgresql":
            # Two first visitors at once must not both become leads.
            session.execute(text("LOCK TABLE reviewer IN SHARE ROW EXCLUSIVE MODE"))
        if lead_can_sign_in(session):
            raise PermissionDenied(
                "This workbench already has a lead: sign in, or ask a lead to add you."
            )
        # An empty workbench has nobody to ask: its first visitor acts with the operator's rights.
        return Actor.of(create_reviewer(session, name, password, "lead", actor=Actor.operator()))


def set_active(
    session: Session, reviewer_id: int, active: bool, *, actor: Actor
) -> Reviewer:
    """Activate or deactivate an account; its verdicts are kept either way."""
    require_lead(actor, "activate or deactivate reviewers")
    reviewer = session.get(Reviewer, reviewer_id, with_for_update=True)
    if reviewer is None:
        raise AuthError(f"No reviewer with id {reviewer_id}.")
    if not active:
        if actor.id == reviewer_id:
            raise AuthError("You cannot deactivate your own account.")
        if reviewer.role == Role.LEAD and reviewer.active and active_lead_count(session) <= 1:
            raise AuthError("This is the last active lead; make another lead first.")
    reviewer.active = active
    if not active:
        end_all_sessions(session, reviewer_id, actor=actor)
    session.flush()
    return reviewer


def active_lead_count(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(Reviewer).where(Reviewer.role == Role.LEAD, Reviewer.active)
    )


# --- assignments ---------------------------------------------------------------------------------


def validate_reviewers_per_claim(value: int | None) -> int | None:
    if value is None:
        return None
    if not 1 <= value <= MAX_REVIEWERS_PER_CLAIM:
        raise AssignmentError(
            f"Reviewers per claim must be between 1 and {MAX_REVIEWERS_PER_CLAIM} (or every assigned reviewer)."
        )
    return value


def assign(
    session: Session,
    collection_id: int,
    reviewer_ids: Iterable[int],
    *,
    actor: Actor,
) -> list[int]:
    """Assign reviewers to a collection (already assigned ones are left as they are); returns the new ids."""
    require_lead(actor, "assign collections")
    if session.get(Collection, collection_id) is None:
        raise AssignmentError(f"No collection with id {collection_id}.")
    wanted = list(dict.fromkeys(reviewer_ids))
    reviewers = {r.id: r for r in session.scalars(select(Reviewer).where(Reviewer.id.in_(wanted)))}
    for reviewer_id in wanted:
        reviewer = reviewers.get(reviewer_id)
        if reviewer is None:
            raise AssignmentError(f"No reviewer with id {reviewer_id}.")
        if not reviewer.active:
            raise AssignmentError(
                f"{reviewer.name} is deactivated; activate the account before assigning work."
            )
    existing = set(
        session.scalars(
            select(Assignment.reviewer_id).where(
                Assignment.collection_id == collection_id, Assignment.reviewer_id.in_(wanted)
            )
        )
    )
    added = [reviewer_id for reviewer_id in wanted if reviewer_id not in existing]
    session.add_all(
        Assignment(collection_id=collection_id, reviewer_id=reviewer_id) for reviewer_id in added
    )
    session.flush()
    return added


def unassign(
    session: Session, collection_id: int, reviewer_ids: Iterable[int], *, actor: Actor
) -> int:
    """Take reviewers off a collection; their verdicts stay. Returns how many were removed."""
    require_lead(actor, "assign collections")
    result = session.execute(
        delete(Assignment).where(
            Assignment.collection_id == collection_id,
            Assignment.reviewer_id.in_(list(reviewer_ids)),
        )
    )
    return result.rowcount or 0


def set_assigned_reviewers(
    session: Session, collection_id: int, reviewer_ids: Iterable[int], *, actor: Actor
) -> None:
    """Make the collection's active assigned reviewers exactly ``reviewer_ids`` (empty and no
    deactivated assignee: open to everyone). Deactivated assignees stay assigned, so saving a form
    that lists only active reviewers never opens a collection by accident; ``unassign`` removes them.
    """
    wanted = set(reviewer_ids)
    current = set(assigned_reviewer_ids(session, collection_id))
    inactive = set(
        session.scalars(select(Reviewer.id).where(Reviewer.id.in_(current), Reviewer.active.is_(False)))
    )
    assign(session, collection_id, sorted(wanted - current), actor=actor)
    unassign(session, collection_id, current - wanted - inactive, actor=actor)


def set_reviewers_per_claim(
    session: Session, collection_id: int, reviewers_per_claim: int | None, *, actor: Actor
) -> None:
    """How many verdicts each claim of the collection needs; ``None``: every reviewer with access."""
    require_lead(actor, "set reviewers per claim")
    collection = session.get(Collection, collection_id)
    if collection is None:
        raise AssignmentError(f"No collection with id {collection_id}.")
    collection.reviewers_per_claim = validate_reviewers_per_claim(reviewers_per_claim)
    session.flush()


def assigned_reviewer_ids(session: Session, collection_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Assignment.reviewer_id)
            .where(Assignment.collection_id == collection_id)
            .order_by(Assignment.reviewer_id)
        )
    )


def collection_overview(session: Session) -> list[CollectionOverview]:
    """Every collection with its size, assigned reviewers and reviewers-per-claim setting."""
    articles = (
        select(Article.collection_id, func.count().label("n"))
        .group_by(Article.collection_id)
        .subquery()
    )
    claims = (
        select(Article.collection_id, func.count().label("n"))
        .select_from(Claim)
        .join(Article, Article.id == Claim.article_id)
        .where(Claim.reviewable)
        .group_by(Article.collection_id)
        .subquery()
    )
    rows = session.execute(
        select(Collection, func.coalesce(articles.c.n, 0), func.coalesce(claims.c.n, 0))
        .outerjoin(articles, articles.c.collection_id == Collection.id)
        .outerjoin(claims, claims.c.collection_id == Collection.id)
        .order_by(Collection.name)
    ).all()
    names: dict[int, list[str]] = {}
    for collection_id, name in session.execute(
        select(Assignment.collection_id, Reviewer.name)
        .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
        .order_by(Reviewer.name)
    ):
        names.setdefault(collection_id, []).append(name)
    return [
        CollectionOverview(
            id=collection.id,
            name=collection.name,
            reviewers_per_claim=collection.reviewers_per_claim,
            articles=n_articles,
            claims=n_claims,
            assigned=tuple(names.get(collection.id, ())),
        )
        for collection, n_articles, n_claims in rows
    ]


def assignments_by_reviewer(session: Session) -> dict[int, list[str]]:
    """Reviewer id → names of the collections assigned to them."""
    result: dict[int, list[str]] = {}
    for reviewer_id, name in session.execute(
        select(Assignment.reviewer_id, Collection.name)
        .join(Collection, Collection.id == Assignment.collection_id)
        .order_by(Collection.name)
    ):
        result.setdefault(reviewer_id, []).append(name)
    return result


def verdict_counts(session: Session) -> dict[int, int]:
    """Reviewer id → how many verdicts they have on claims (as Agreement and exports count them: a
    verdict kept on a unit a lead has since set aside is not counted)."""
    rows = session.execute(
        select(Verdict.reviewer_id, func.count())
        .join(Claim, Claim.id == Verdict.claim_id)
        .where(Claim.reviewable)
        .group_by(Verdict.reviewer_id)
    )
    return {reviewer_id: count for reviewer_id, count in rows}

"""Who may do what: every permission check in the workbench goes through this module.

An :class:`Actor` is whoever does something: a signed-in reviewer or lead, or the operator who runs
the command line on the server (:meth:`Actor.operator`: every right, no account). Core functions
take ``actor: Actor`` and have no default for it, so a caller that forgets the actor gets a
``TypeError``, never anyone's rights; the command line passes the operator explicitly.

A collection with reviewers assigned is seen by exactly those reviewers; one with nobody assigned is
open to every reviewer. Leads (and the operator) see everything.

Performance: :func:`require_lead` reads nothing; :func:`require_active` and
:func:`require_active_lead` read one row by primary key; :func:`visible_collection_ids` is one query
over collections and assignments (a few hundred rows at most).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from workbench.errors import WorkbenchError
from workbench.models import Assignment, Collection, Reviewer
from workbench.names import find_named
from workbench.vocabulary import Role

OPERATOR_ROLE = "operator"
"""The role of :meth:`Actor.operator`; no account has it."""


class PermissionDenied(WorkbenchError):
    """The signed-in person may not do this."""


@dataclass(frozen=True)
class Actor:
    """The person doing something: who they are and what role they have."""

    id: int | None
    """The account's id; ``None`` for the operator, who has no account."""
    name: str
    """The account's name as it was when they signed in."""
    role: str
    """``lead`` or ``reviewer``; ``operator`` for the command line."""

    @property
    def is_operator(self) -> bool:
        return self.role == OPERATOR_ROLE

    @property
    def is_lead(self) -> bool:
        """May do a lead's work: a lead, or the operator."""
        return self.role == Role.LEAD or self.is_operator

    @classmethod
    def of(cls, reviewer: Reviewer) -> Actor:
        return cls(id=reviewer.id, name=reviewer.name, role=reviewer.role)

    @classmethod
    def operator(cls) -> Actor:
        """Whoever runs the command line on the server: a lead's rights, no account."""
        return cls(id=None, name="the operator", role=OPERATOR_ROLE)


def require_lead(actor: Actor, action: str = "do this") -> None:
    """Refuse unless ``actor`` is a lead (or the operator)."""
    if not actor.is_lead:
        raise PermissionDenied(f"Only a lead can {action}.")


def account_unchanged(session: Session, actor: Actor) -> bool:
    """The signed-in account still exists, is active, and has the name and role it signed in with."""
    if actor.is_operator:
        return True
    reviewer = session.get(Reviewer, actor.id)
    return (
        reviewer is not None
        and reviewer.active
        and reviewer.role == actor.role
        and reviewer.name == actor.name
    )


def require_active(session: Session, actor: Actor) -> None:
    """Refuse a signed-in session whose account was deactivated or whose name or role changed."""
    if not account_unchanged(session, actor):
        raise PermissionDenied("Your account was changed or deactivated. Sign in again.")


def require_active_lead(session: Session, actor: Actor, action: str) -> None:
    """A lead whose account is still an active lead in the database (not only in their browser)."""
    require_lead(actor, action)
    if not account_unchanged(session, actor):
        raise PermissionDenied(f"Only an active lead can {action}. Sign in again.")


def lead_named(session: Session, name: str) -> Actor:
    """The active lead called ``name`` (any case): whom the command line acts for when a lead is named."""
    reviewer = find_named(session, Reviewer, name)
    if reviewer is None or not reviewer.active:
        raise WorkbenchError(f"No active account called {name!r}.")
    if reviewer.role != Role.LEAD:
        raise WorkbenchError(f"{reviewer.name} is not a lead: only leads adjudicate.")
    return Actor.of(reviewer)


_REVIEWABLE = "workbench.reviewable_collection_ids"
"""``session.info`` key: the collections each reviewer works on, read once per session until it writes."""


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_reviewable(session: Session, *_) -> None:
    session.info.pop(_REVIEWABLE, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_reviewable_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        _forget_reviewable(state.session)


def reviewable_collection_ids(session: Session, reviewer_id: int) -> list[int]:
    """Collections this reviewer works on: those assigned to them plus the open ones.

    Asked many times per key press (the queue, the save, the read-ahead), so it is read once per
    session and read again after the session writes, commits or rolls back."""
    known = session.info.setdefault(_REVIEWABLE, {})
    if reviewer_id not in known:
        assigned_to_me = select(Assignment.collection_id).where(Assignment.reviewer_id == reviewer_id)
        anyone_assigned = (
            select(Assignment.collection_id).where(Assignment.collection_id == Collection.id).exists()
        )
        known[reviewer_id] = list(
            session.scalars(
                select(Collection.id)
                .where(Collection.id.in_(assigned_to_me) | ~anyone_assigned)
                .order_by(Collection.id)
            )
        )
    return list(known[reviewer_id])


def visible_collection_ids(session: Session, actor: Actor) -> list[int] | None:
    """Collections whose articles ``actor`` may see; ``None`` means all (a lead)."""
    if actor.is_lead:
        return None
    return reviewable_collection_ids(session, actor.id)


def visible_collections(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """``(id, name)`` of the collections ``actor`` may see, by name."""
    query = select(Collection.id, Collection.name).order_by(Collection.name)
    allowed = visible_collection_ids(session, actor)
    if allowed is not None:
        query = query.where(Collection.id.in_(allowed))
    return [(collection_id, name) for collection_id, name in session.execute(query)]

"""Control claims: adjudicated claims mixed into reviewers' queues to measure their accuracy.

A lead marks claims with a final verdict as controls and sets, per collection, how often a queue
shows one and the accuracy expected. Every function is one or two indexed queries; the queue's
hook (:func:`with_control`) adds one count and one candidate query per step when a rate is set.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from workbench.auth import Actor, require_lead
from workbench.errors import WorkbenchError
from workbench.models import (
    Article,
    Claim,
    ControlClaim,
    ControlSetting,
    FinalVerdict,
    Reviewer,
    Verdict,
    utcnow,
)

MAX_CONTROL_RATE = 0.5
DEFAULT_CONTROL_THRESHOLD = 0.7


class ControlError(WorkbenchError):
    """A control claim or setting cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class ControlScore:
    """One reviewer's record on control claims."""

    reviewer: str
    answered: int
    """Control claims answered since they became controls."""
    correct: int
    """Answers equal to the claim's final verdict."""
    threshold: float | None
    """The lowest threshold among the collections of the controls answered (``None``: none set)."""

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def below_threshold(self) -> bool:
        return self.accuracy is not None and self.threshold is not None and self.accuracy < self.threshold


def mark_control(session: Session, actor: Actor, claim_id: int) -> bool:
    """Make an adjudicated claim a control (leads only); ``False`` if it already is one."""
    require_lead(actor, "choose control claims")
    if session.get(FinalVerdict, claim_id) is None:
        if session.get(Claim, claim_id) is None:
            raise ControlError(f"There is no claim {claim_id}.")
        raise ControlError(f"Claim {claim_id} has no final verdict: only adjudicated claims can be controls.")
    if session.get(ControlClaim, claim_id) is not None:
        return False
    session.add(ControlClaim(claim_id=claim_id, added_by=actor.id))
    session.flush()
    return True


def unmark_control(session: Session, actor: Actor, claim_id: int) -> bool:
    """Stop using a claim as a control (leads only); ``False`` if it was not one."""
    require_lead(actor, "choose control claims")
    control = session.get(ControlClaim, claim_id)
    if control is None:
        return False
    session.delete(control)
    session.flush()
    return True


def set_control_rate(session: Session, actor: Actor, collection_id: int, rate: float,
                     threshold: float = DEFAULT_CONTROL_THRESHOLD) -> None:
    """How often the collection's queues show a control, and the accuracy expected on controls (leads only)."""
    require_lead(actor, "set the control rate")
    if not (0 <= rate <= MAX_CONTROL_RATE) or math.isnan(rate):
        raise ControlError(f"The control rate must be between 0 and {MAX_CONTROL_RATE}.")
    if not (0 <= threshold <= 1) or math.isnan(threshold):
        raise ControlError("The accuracy threshold must be between 0 and 1.")
    setting = session.get(ControlSetting, collection_id)
    if setting is None:
        session.add(ControlSetting(collection_id=collection_id, rate=rate, threshold=threshold))
    else:
        setting.rate, setting.threshold, setting.updated_at = rate, threshold, utcnow()
    session.flush()


@dataclass(frozen=True)
class CollectionControls:
    """A collection's control settings as the lead sees them."""

    collection_id: int
    rate: float
    """Share of queue steps that show a control (0 when no rate is set)."""
    threshold: float
    """Accuracy on controls below which a reviewer is flagged (the default when none is set)."""
    controls: int
    """Control claims in the collection."""


def is_control(session: Session, claim_id: int) -> bool:
    """Whether a lead uses this claim as a control."""
    return session.get(ControlClaim, claim_id) is not None


def collection_controls(session: Session, actor: Actor, collection_id: int) -> CollectionControls:
    """The collection's control rate, threshold and number of control claims (leads only)."""
    require_lead(actor, "see the control settings")
    setting = session.get(ControlSetting, collection_id)
    controls = session.scalar(
        select(func.count()).select_from(ControlClaim)
        .join(Claim, Claim.id == ControlClaim.claim_id)
        .join(Article, Article.id == Claim.article_id)
        .where(Article.collection_id == collection_id)
    ) or 0
    if setting is None:
        return CollectionControls(collection_id, 0.0, DEFAULT_CONTROL_THRESHOLD, controls)
    return CollectionControls(collection_id, setting.rate, setting.threshold, controls)


def control_scores(session: Session, actor: Actor, collection_id: int | None = None) -> list[ControlScore]:
    """Each reviewer's accuracy on controls, lowest first (leads only).

    Only verdicts given after the claim became a control count, so the verdicts the final
    verdict was decided from do not grade themselves.
    """
    require_lead(actor, "see accuracy on control claims")
    correct = case((Verdict.label == FinalVerdict.label, 1), else_=0)
    statement = (
        select(Reviewer.name, func.count(), func.sum(correct), func.min(ControlSetting.threshold))
        .select_from(Verdict)
        .join(ControlClaim, ControlClaim.claim_id == Verdict.claim_id)
        .join(FinalVerdict, FinalVerdict.claim_id == Verdict.claim_id)
        .join(Reviewer, Reviewer.id == Verdict.reviewer_id)
        .join(Claim, Claim.id == Verdict.claim_id)
        .join(Article, Article.id == Claim.article_id)
        .outerjoin(ControlSetting, ControlSetting.collection_id == Article.collection_id)
        .where(Verdict.created_at >= ControlClaim.created_at)
        .group_by(Reviewer.name)
    )
    if collection_id is not None:
        statement = statement.where(Article.collection_id == collection_id)
    scores = [ControlScore(name, int(answered), int(right or 0), threshold)
              for name, answered, right, threshold in session.execute(statement)]
    return sorted(scores, key=lambda score: (score.accuracy if score.accuracy is not None else 2.0, score.reviewer))


def with_control(session: Session, actor: Actor, collection_ids: list[int], found: int | None,
                 exclude=(), verdicts_to_come: int = 0) -> int | None:
    """The queue's hook: now and then, a control claim of these collections instead of ``found``.

    Whether this step shows a control depends only on the reviewer and how many verdicts they have
    given (plus ``verdicts_to_come``, when the queue reads the next claim ahead), so a page rerun
    shows the same claim. A control is one the reviewer has not labelled, from a collection with a
    control rate; nothing is mixed in when the queue is empty.
    """
    if found is None or not collection_ids:
        return found
    rates = dict(session.execute(
        select(ControlSetting.collection_id, ControlSetting.rate)
        .where(ControlSetting.collection_id.in_(collection_ids), ControlSetting.rate > 0)).all())
    if not rates:
        return found
    given = session.scalar(select(func.count(Verdict.id)).where(Verdict.reviewer_id == actor.id)) or 0
    given += verdicts_to_come
    draw = int.from_bytes(hashlib.blake2b(f"{actor.id}:{given}".encode(), digest_size=8).digest(), "big") / 2**64
    if draw >= max(rates.values()):
        return found
    mine = select(Verdict.id).where(Verdict.claim_id == Claim.id, Verdict.reviewer_id == actor.id).exists()
    statement = (
        select(Claim.id)
        .join(ControlClaim, ControlClaim.claim_id == Claim.id)
        .join(Article, Article.id == Claim.article_id)
        .where(Article.collection_id.in_(list(rates)), Claim.reviewable, ~mine)
        .order_by(Claim.id)
    )
    candidates = [claim_id for claim_id in session.scalars(statement) if claim_id not in exclude]
    if not candidates:
        return found
    return candidates[int(draw * 2**32) % len(candidates)]

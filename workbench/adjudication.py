"""Adjudication: a lead settles each claim with a final verdict, kept apart from reviewers' verdicts.

The queue lists claims whose reviewers disagree (optionally unanimous ones too, to audit),
page by page. Every change to a final verdict is recorded in ``FinalVerdictHistory``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import EllipsisType

from sqlalchemy import Select, String, and_, case, cast, distinct, exists, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench import LABEL_TITLES, LABELS
from workbench.access import Actor, require_lead
from workbench.db import unstorable_reason
from workbench.errors import WorkbenchError
from workbench.models import (
    Article,
    Claim,
    FinalVerdict,
    FinalVerdictHistory,
    Reviewer,
    Verdict,
    utcnow,
)
from workbench.vocabulary import KIND_TITLES

MAX_RATIONALE_CHARS = 10_000
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 500
CONTEXT_CHARS = 400
"""How much article text to show either side of a claim."""
MIN_VERDICTS_FOR_UNANIMOUS = 2


class AdjudicationError(WorkbenchError):
    """A final verdict cannot be recorded as asked; the message says why."""


class DecidedMeanwhile(AdjudicationError):
    """Another lead recorded or changed the claim's final verdict after this lead's page showed it."""


@dataclass(frozen=True)
class QueueFilter:
    """Which claims the adjudication queue shows."""

    collection_id: int | None = None
    article_id: int | None = None
    include_unanimous: bool = False
    """Also list claims every reviewer labelled the same (to audit them)."""
    include_decided: bool = False
    """Also list claims that already have a final verdict."""


@dataclass(frozen=True)
class QueueItem:
    """One claim in the queue, with how its reviewers split."""

    claim_id: int
    article_id: int
    article_title: str
    position: int
    text: str
    label_counts: dict[str, int]
    final_label: str | None

    @property
    def n_verdicts(self) -> int:
        return sum(self.label_counts.values())

    @property
    def majority(self) -> str | None:
        return majority_label(self.label_counts)

    @property
    def unanimous(self) -> bool:
        return len([count for count in self.label_counts.values() if count]) == 1


@dataclass(frozen=True)
class QueuePage:
    items: list[QueueItem]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class QueueCounts:
    """How much adjudication work there is in scope."""

    disputed: int
    disputed_decided: int
    unanimous: int
    unanimous_decided: int

    @property
    def disputed_pending(self) -> int:
        return self.disputed - self.disputed_decided

    @property
    def unanimous_pending(self) -> int:
        return self.unanimous - self.unanimous_decided

    def matching(self, filters: QueueFilter) -> int:
        """How many claims the queue holds with ``filters``' choices of unanimous and decided claims."""
        disputed = self.disputed if filters.include_decided else self.disputed_pending
        unanimous = self.unanimous if filters.include_decided else self.unanimous_pending
        return disputed + (unanimous if filters.include_unanimous else 0)


@dataclass(frozen=True)
class ReviewerVerdict:
    reviewer: str
    label: str
    note: str
    evidence: list[str]
    updated_at: datetime
    guideline_version: int | None


@dataclass(frozen=True)
class FinalDecision:
    label: str
    rationale: str
    decided_by: str
    updated_at: datetime


@dataclass(frozen=True)
class FinalChangeRecord:
    """One entry of a claim's final-verdict history (``new_label`` is ``None`` when cleared)."""

    actor: str
    old_label: str | None
    new_label: str | None
    old_rationale: str | None
    new_rationale: str | None
    changed_at: datetime


@dataclass(frozen=True)
class ClaimCase:
    """Everything a lead needs to settle one claim."""

    claim_id: int
    article_id: int
    article_title: str
    text: str
    context_before: str
    context_after: str
    verdicts: list[ReviewerVerdict]
    final: FinalDecision | None
    history: list[FinalChangeRecord] = field(default_factory=list)

    @property
    def label_counts(self) -> dict[str, int]:
        return {label: sum(v.label == label for v in self.verdicts) for label in LABELS}

    @property
    def majority(self) -> str | None:
        return majority_label(self.label_counts)

    @property
    def changed_since_decision(self) -> bool:
        """A reviewer changed a verdict after the final verdict was recorded."""
        return self.final is not None and any(v.updated_at > self.final.updated_at for v in self.verdicts)


@dataclass(frozen=True)
class FinalChange:
    """What :func:`record_final_verdict` did: ``create``, ``update`` or ``None`` (nothing changed)."""

    claim_id: int
    action: str | None


def majority_label(label_counts: dict[str, int]) -> str | None:
    """The label given by more than half of the verdicts, if any."""
    total = sum(label_counts.values())
    for label, count in label_counts.items():
        if count * 2 > total:
            return label
    return None


# --- the queue ----------------------------------------------------------------------------------


def _scoped_claims(collection_id: int | None, article_id: int | None) -> Select:
    statement = select(Claim.id).where(Claim.reviewable)
    if collection_id is not None:
        statement = statement.join(Article, Article.id == Claim.article_id).where(
            Article.collection_id == collection_id
        )
    if article_id is not None:
        statement = statement.where(Claim.article_id == article_id)
    return statement


def _verdict_summary(collection_id: int | None, article_id: int | None):
    """Per claim with at least two verdicts: how many verdicts and how many distinct labels."""
    statement = (
        select(
            Verdict.claim_id.label("claim_id"),
            func.count().label("verdicts"),
            func.count(distinct(Verdict.label)).label("labels"),
        )
        .group_by(Verdict.claim_id)
        .having(func.count() >= MIN_VERDICTS_FOR_UNANIMOUS)
    )
    if collection_id is not None or article_id is not None:
        statement = statement.where(Verdict.claim_id.in_(_scoped_claims(collection_id, article_id)))
    return statement.subquery("summary")


def adjudication_queue(
    session: Session,
    actor: Actor,
    filters: QueueFilter = QueueFilter(),
    *,
    offset: int = 0,
    limit: int = DEFAULT_PAGE_SIZE,
) -> QueuePage:
    """One page of claims to adjudicate, in article and reading order."""
    require_lead(actor, "adjudicate")
    offset, limit = max(0, offset), min(max(1, limit), MAX_PAGE_SIZE)
    summary = _verdict_summary(filters.collection_id, filters.article_id)
    statement = (
        select(Claim.id, Claim.article_id, Article.title, Claim.position, Claim.text, FinalVerdict.label)
        .join(summary, summary.c.claim_id == Claim.id)
        .join(Article, Article.id == Claim.article_id)
        .outerjoin(FinalVerdict, FinalVerdict.claim_id == Claim.id)
        .where(Claim.reviewable)
    )
    if not filters.include_unanimous:
        statement = statement.where(summary.c.labels > 1)
    if not filters.include_decided:
        statement = statement.where(FinalVerdict.claim_id.is_(None))
    total = session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = session.execute(
        statement.order_by(Claim.article_id, Claim.position, Claim.id).offset(offset).limit(limit)
    ).all()
    counts = _label_counts(session, [row[0] for row in rows])
    items = [
        QueueItem(claim_id, article_id, title or f"Article {article_id}", position, text, counts[claim_id], final)
        for claim_id, article_id, title, position, text, final in rows
    ]
    return QueuePage(items, total or 0, offset, limit)


def queue_counts(
    session: Session, actor: Actor, collection_id: int | None = None, article_id: int | None = None
) -> QueueCounts:
    """Disputed and unanimous claims in scope, and how many of each already have a final verdict."""
    require_lead(actor, "adjudicate")
    summary = _verdict_summary(collection_id, article_id)
    disputed = summary.c.labels > 1
    decided = FinalVerdict.claim_id.is_not(None)
    row = session.execute(
        select(
            func.count(case((disputed, 1))),
            func.count(case((and_(disputed, decided), 1))),
            func.count(case((~disputed, 1))),
            func.count(case((and_(~disputed, decided), 1))),
        )
        .select_from(summary)
        .join(Claim, Claim.id == summary.c.claim_id)
        .outerjoin(FinalVerdict, FinalVerdict.claim_id == summary.c.claim_id)
        .where(Claim.reviewable)
    ).one()
    return QueueCounts(*row)


def _label_counts(session: Session, claim_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    counts = {claim_id: dict.fromkeys(LABELS, 0) for claim_id in claim_ids}
    if claim_ids:
        rows = session.execute(
            select(Verdict.claim_id, Verdict.label, func.count())
            .where(Verdict.claim_id.in_(list(claim_ids)))
            .group_by(Verdict.claim_id, Verdict.label)
        )
        for claim_id, label, count in rows:
            counts[claim_id][label] = count
    return counts


# --- one claim ----------------------------------------------------------------------------------


def claim_case(session: Session, actor: Actor, claim_id: int) -> ClaimCase:
    """A claim in its article, every reviewer's verdict with notes and evidence, and its final verdict."""
    require_lead(actor, "adjudicate")
    claim = _reviewable_claim(session, claim_id)
    article = claim.article
    verdicts = [
        ReviewerVerdict(name, verdict.label, verdict.note, list(verdict.evidence or []), verdict.updated_at,
                        verdict.guideline_version)
        for verdict, name in session.execute(
            select(Verdict, Reviewer.name)
            .join(Reviewer, Reviewer.id == Verdict.reviewer_id)
            .where(Verdict.claim_id == claim_id)
            .order_by(Reviewer.name)
        ).all()
    ]
    final_row = session.execute(
        select(FinalVerdict, Reviewer.name)
        .join(Reviewer, Reviewer.id == FinalVerdict.decided_by)
        .where(FinalVerdict.claim_id == claim_id)
    ).first()
    final = None
    if final_row is not None:
        decision, name = final_row
        final = FinalDecision(decision.label, decision.rationale, name, decision.updated_at)
    history = [
        FinalChangeRecord(name, entry.old_label, entry.new_label, entry.old_rationale, entry.new_rationale,
                          entry.changed_at)
        for entry, name in session.execute(
            select(FinalVerdictHistory, Reviewer.name)
            .join(Reviewer, Reviewer.id == FinalVerdictHistory.actor_id)
            .where(FinalVerdictHistory.claim_id == claim_id)
            .order_by(FinalVerdictHistory.changed_at.desc(), FinalVerdictHistory.id.desc())
        ).all()
    ]
    text = article.text
    return ClaimCase(
        claim_id=claim.id,
        article_id=article.id,
        article_title=article.title or f"Article {article.id}",
        text=claim.text,
        context_before=text[max(0, claim.start_char - CONTEXT_CHARS) : claim.start_char],
        context_after=text[claim.end_char : claim.end_char + CONTEXT_CHARS],
        verdicts=verdicts,
        final=final,
        history=history,
    )


def _reviewable_claim(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise AdjudicationError(f"There is no claim {claim_id}.")
    if not claim.reviewable:
        raise AdjudicationError(
            f"Unit {claim_id} is not a claim ({KIND_TITLES.get(claim.kind, claim.kind)}): it takes no verdict."
        )
    return claim


# --- deciding -----------------------------------------------------------------------------------


def record_final_verdict(
    session: Session,
    actor: Actor,
    claim_id: int,
    label: str,
    rationale: str | None = "",
    *,
    expected_final: tuple[str, str] | None | EllipsisType = ...,
) -> FinalChange:
    """Set the final verdict on a claim. Going against the reviewers' majority needs a rationale.

    ``expected_final`` is the decision the lead's page showed, ``(label, rationale)`` or ``None``;
    a different one recorded meanwhile by another lead is never replaced unseen
    (``DecidedMeanwhile``). ``...`` does not check (the CLI and bulk actions state their intent).
    """
    require_lead(actor, "record final verdicts")
    if label not in LABELS:
        raise AdjudicationError(f"Unknown label {label!r}: use one of {', '.join(LABELS)}.")
    rationale = _checked_rationale(rationale)
    _reviewable_claim(session, claim_id)
    counts = _label_counts(session, [claim_id])[claim_id]
    majority = majority_label(counts)
    if label != majority and not rationale:
        split = ", ".join(f"{count} {LABEL_TITLES[name]}" for name, count in counts.items() if count)
        raise AdjudicationError(
            f"Give a rationale: {LABEL_TITLES[label]} goes against the reviewers' majority, "
            f"{LABEL_TITLES[majority]} ({split})."
            if majority
            else f"Give a rationale: the reviewers have no majority ({split or 'no verdicts yet'})."
        )
    now = utcnow()
    decision = _locked_final(session, claim_id)
    if expected_final is not ...:
        _check_unchanged(session, decision, expected_final)
    if decision is None:
        try:
            with session.begin_nested():
                session.add(
                    FinalVerdict(claim_id=claim_id, label=label, rationale=rationale, decided_by=actor.id,
                                 created_at=now, updated_at=now)
                )
        except IntegrityError:  # another lead's decision landed while ours waited: check it too
            decision = _locked_final(session, claim_id)
            if decision is None:
                raise
            if expected_final is not ...:
                _check_unchanged(session, decision, expected_final)
        else:
            _record(session, claim_id, actor, None, (label, rationale), now)
            return FinalChange(claim_id, "create")
    old = (decision.label, decision.rationale)
    if old == (label, rationale):
        return FinalChange(claim_id, None)
    decision.label, decision.rationale, decision.decided_by, decision.updated_at = label, rationale, actor.id, now
    _record(session, claim_id, actor, old, (label, rationale), now)
    return FinalChange(claim_id, "update")


def _check_unchanged(session: Session, decision: FinalVerdict | None, expected: tuple[str, str] | None) -> None:
    shown = (decision.label, decision.rationale or "") if decision is not None else None
    if shown == (None if expected is None else (expected[0], expected[1] or "")):
        return
    if decision is None:
        raise DecidedMeanwhile(
            "Another lead cleared this claim's final verdict while you were looking at it; nothing was "
            "changed. It is shown as it is now: record yours again to set it."
        )
    who = session.get(Reviewer, decision.decided_by)
    raise DecidedMeanwhile(
        f"{who.name if who else 'Another lead'} recorded {LABEL_TITLES[decision.label]} as this claim's final "
        f"verdict at {decision.updated_at:%H:%M} UTC while you were looking at it; nothing was changed. "
        "It is shown as it is now: record yours again to replace it."
    )


def clear_final_verdict(session: Session, actor: Actor, claim_id: int, reason: str | None = "") -> bool:
    """Remove a claim's final verdict (it goes back to the queue); history keeps what it was and why."""
    require_lead(actor, "clear final verdicts")
    reason = _checked_rationale(reason)
    decision = _locked_final(session, claim_id)
    if decision is None:
        return False
    old = (decision.label, decision.rationale)
    session.delete(decision)
    _record(session, claim_id, actor, old, (None, reason), utcnow())
    return True


def accept_unanimous(
    session: Session,
    actor: Actor,
    *,
    claim_ids: Sequence[int] | None = None,
    collection_id: int | None = None,
    article_id: int | None = None,
) -> int:
    """Make the reviewers' label final on every undecided claim where they all agree; returns how many.

    With ``claim_ids``, every listed claim must be unanimous (or nothing changes); those already
    decided are left as they are. Everything lands in one statement per table, so all or nothing.
    Unanimity is computed again by the writing statement itself, so a verdict changed after the
    check is honoured: the claim is not accepted, and with ``claim_ids`` nothing is.
    """
    require_lead(actor, "accept unanimous verdicts")
    summary = (
        select(Verdict.claim_id.label("claim_id"), func.min(Verdict.label).label("label"), func.count().label("n"))
        .join(Claim, Claim.id == Verdict.claim_id)
        .where(Claim.reviewable)
        .group_by(Verdict.claim_id)
        .having(func.count() >= MIN_VERDICTS_FOR_UNANIMOUS, func.count(distinct(Verdict.label)) == 1)
    )
    if collection_id is not None or article_id is not None:
        summary = summary.where(Verdict.claim_id.in_(_scoped_claims(collection_id, article_id)))
    if claim_ids is not None:
        wanted = sorted({int(claim_id) for claim_id in claim_ids})
        if not wanted:
            return 0
        summary = summary.where(Verdict.claim_id.in_(wanted))
        unanimous = set(session.scalars(select(summary.subquery().c.claim_id)))
        refused = [claim_id for claim_id in wanted if claim_id not in unanimous]
        if refused:
            shown = ", ".join(map(str, refused[:10])) + (" …" if len(refused) > 10 else "")
            raise AdjudicationError(f"Not unanimous (or not claims with two or more verdicts): {shown}. Nothing was accepted.")
    candidates = summary.subquery("unanimous")
    now = utcnow()
    timestamp_type = FinalVerdict.__table__.c.created_at.type
    source = select(
        candidates.c.claim_id,
        candidates.c.label,
        (literal("Accepted as unanimous: ") + cast(candidates.c.n, String) + literal(" reviewers agreed.")).label(
            "rationale"
        ),
        literal(actor.id).label("decided_by"),
        literal(now, timestamp_type).label("created_at"),
        literal(now, timestamp_type).label("updated_at"),
    ).where(~exists().where(FinalVerdict.claim_id == candidates.c.claim_id))
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(FinalVerdict)
        .from_select(["claim_id", "label", "rationale", "decided_by", "created_at", "updated_at"], source)
        .on_conflict_do_nothing(index_elements=["claim_id"])
        .returning(FinalVerdict.claim_id, FinalVerdict.label, FinalVerdict.rationale)
    )
    accepted = session.execute(statement).all()
    if claim_ids is not None:
        _refuse_claims_that_changed(session, wanted)
    if accepted:
        session.execute(
            FinalVerdictHistory.__table__.insert(),
            [
                {"claim_id": claim_id, "actor_id": actor.id, "old_label": None, "new_label": label,
                 "old_rationale": None, "new_rationale": rationale, "changed_at": now}
                for claim_id, label, rationale in accepted
            ],
        )
    return len(accepted)


def _refuse_claims_that_changed(session: Session, wanted: list[int]) -> None:
    """Every listed claim has a final verdict now, or a reviewer changed its verdicts meanwhile."""
    decided = set(session.scalars(select(FinalVerdict.claim_id).where(FinalVerdict.claim_id.in_(wanted))))
    changed = [claim_id for claim_id in wanted if claim_id not in decided]
    if changed:
        shown = ", ".join(map(str, changed[:10])) + (" …" if len(changed) > 10 else "")
        raise AdjudicationError(
            f"A reviewer changed the verdicts on {shown} while you accepted them, so they are no "
            "longer unanimous. Nothing was accepted: check them again."
        )


def _checked_rationale(rationale: str | None) -> str:
    rationale = (rationale or "").strip()
    if len(rationale) > MAX_RATIONALE_CHARS:
        raise AdjudicationError(f"A rationale may have at most {MAX_RATIONALE_CHARS:,} characters.")
    reason = unstorable_reason(rationale)
    if reason:
        raise AdjudicationError(f"The rationale {reason}: remove it and try again.")
    return rationale


def _locked_final(session: Session, claim_id: int) -> FinalVerdict | None:
    return session.scalar(
        select(FinalVerdict)
        .where(FinalVerdict.claim_id == claim_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _record(
    session: Session,
    claim_id: int,
    actor: Actor,
    old: tuple[str, str] | None,
    new: tuple[str | None, str],
    when: datetime,
) -> None:
    old_label, old_rationale = old or (None, None)
    session.add(
        FinalVerdictHistory(
            claim_id=claim_id,
            actor_id=actor.id,
            old_label=old_label,
            new_label=new[0],
            old_rationale=old_rationale,
            new_rationale=new[1],
            changed_at=when,
        )
    )
    session.flush()

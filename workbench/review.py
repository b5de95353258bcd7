"""The review workspace: a reviewer's queue, the claim in context, progress, blind review, back and undo.

Every function here reads only what one screen shows: queue look-ups use the claim
``(article_id, position)`` index with ``LIMIT 1`` and start from a cursor, never loading all claims.
"""

from __future__ import annotations

from collections.abc import Collection as Container
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from workbench import LABEL_TITLES, LABELS
from workbench.access import Actor, PermissionDenied, require_active, reviewable_collection_ids
from workbench.triage_store import collections_checkable_first, most_checkable_claim_id, quote_in_claim
from workbench.models import (
    Article,
    Assignment,
    Claim,
    ClaimSignal,
    Collection,
    Reviewer,
    Verdict,
    VerdictHistory,
)
from workbench.controls import with_control
from workbench.verdicts import (
    AlreadyLabelled,
    VerdictError,
    delete_verdict,
    locked_verdict,
    save_verdict,
    validate_evidence,
    validate_label,
    validate_note,
)
from workbench.vocabulary import ClaimKind

CONTEXT_WINDOW = 8
"""Units either side of a claim considered for its paragraph (bounds very long paragraphs)."""
Cursor = tuple[int, int]
"""A place in the queue: ``(article_id, position)``."""


@dataclass(frozen=True)
class QueueScope:
    """Limit a queue to one collection or one article (``None``: everything the reviewer may review)."""

    collection_id: int | None = None
    article_id: int | None = None


@dataclass(frozen=True)
class VerdictState:
    label: str
    note: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class SavedVerdict:
    """What one save did, enough to undo it: the verdict before (``None``: there was none) and after."""

    claim_id: int
    before: VerdictState | None
    after: VerdictState


@dataclass(frozen=True)
class ClaimContext:
    """A claim inside its article: the paragraph split around the claim, plus neighbouring units."""

    claim_id: int
    version: int
    article_id: int
    position: int
    claim_text: str
    paragraph_before: str
    paragraph_after: str
    previous_unit: str | None
    next_unit: str | None
    paragraph_truncated_before: bool
    paragraph_truncated_after: bool
    title: str
    source: str
    url: str | None
    published: date | None
    collection_id: int
    collection_name: str
    quote: tuple[int, int, str | None] | None = None
    """The direct quote inside the claim (triage): start and end in ``claim_text``, and its speaker."""

    @property
    def cursor(self) -> Cursor:
        return (self.article_id, self.position)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def fraction(self) -> float:
        return min(self.done / self.total, 1.0) if self.total else 1.0


@dataclass(frozen=True)
class OtherVerdict:
    reviewer: str
    label: str
    note: str
    evidence: tuple[str, ...]
    updated_at: datetime


@dataclass(frozen=True)
class OthersView:
    """Other reviewers' verdicts on a claim, or ``hidden`` while blind review keeps them from you."""

    hidden: bool
    verdicts: tuple[OtherVerdict, ...]


# --- the queue -----------------------------------------------------------------------------------


def scope_collection_ids(session: Session, actor: Actor, scope: QueueScope) -> list[int]:
    """The collections this queue draws from: the reviewer's, narrowed to the scope's collection."""
    allowed = reviewable_collection_ids(session, actor.id)
    if scope.collection_id is not None:
        return [scope.collection_id] if scope.collection_id in allowed else []
    return allowed


def needs_reviewer(actor: Actor) -> ColumnElement[bool]:
    """A claim still needs ``actor``: not reviewed by them and short of its collection's verdict count.

    Needs ``Claim``, ``Article`` and ``Collection`` in the FROM clause.
    """
    mine = (
        select(Verdict.id)
        .where(Verdict.claim_id == Claim.id, Verdict.reviewer_id == actor.id)
        .exists()
    )
    verdicts = select(func.count(Verdict.id)).where(Verdict.claim_id == Claim.id).scalar_subquery()
    return and_(
        Claim.reviewable,
        ~mine,
        or_(Collection.reviewers_per_claim.is_(None), verdicts < Collection.reviewers_per_claim),
    )


def next_claim_id(
    session: Session,
    actor: Actor,
    scope: QueueScope = QueueScope(),
    *,
    after: Cursor | None = None,
    exclude: Container[int] = (),
    verdicts_to_come: int = 0,
) -> int | None:
    """The next claim this reviewer should label, in article order, starting after ``after`` (or
    most checkable first, where the collection's lead chose that order: in a queue over several
    collections, theirs come first); control claims mixed in.

    Wraps around to the start when nothing is left after the cursor. ``exclude`` holds skipped ids;
    ``verdicts_to_come`` counts verdicts about to be given first (reading ahead), so control claims
    are drawn as they will be then.
    """
    collection_ids = scope_collection_ids(session, actor, scope)
    if not collection_ids:
        return None
    checkable = collections_checkable_first(session, collection_ids)
    found = most_checkable_claim_id(session, needs_reviewer(actor), checkable, scope.article_id, exclude) if checkable else None
    in_article_order = [collection_id for collection_id in collection_ids if collection_id not in checkable]
    if found is None and in_article_order:
        found = _first_needing(session, actor, scope, in_article_order, after, exclude)
        if found is None and after is not None:
            found = _first_needing(session, actor, scope, in_article_order, None, exclude, until=after)
    return with_control(session, actor, collection_ids, found, exclude, verdicts_to_come)  # control claims


def _first_needing(
    session: Session,
    actor: Actor,
    scope: QueueScope,
    collection_ids: list[int],
    after: Cursor | None,
    exclude: Container[int],
    until: Cursor | None = None,
) -> int | None:
    query = (
        select(Claim.id)
        .join(Article, Article.id == Claim.article_id)
        .join(Collection, Collection.id == Article.collection_id)
        .where(Article.collection_id.in_(collection_ids), needs_reviewer(actor))
        .order_by(Claim.article_id, Claim.position)
        .limit(1)
    )
    if scope.article_id is not None:
        query = query.where(Claim.article_id == scope.article_id)
    if after is not None:
        article_id, position = after
        query = query.where(
            Claim.article_id >= article_id,
            or_(Claim.article_id > article_id, Claim.position > position),
        )
    if until is not None:
        article_id, position = until
        query = query.where(
            Claim.article_id <= article_id,
            or_(Claim.article_id < article_id, Claim.position <= position),
        )
    if exclude:
        query = query.where(Claim.id.not_in(list(exclude)))
    return session.scalar(query)


def resume_cursor(session: Session, actor: Actor) -> Cursor | None:
    """Where this reviewer left off: the place of the claim of their latest verdict."""
    row = session.execute(
        select(Claim.article_id, Claim.position)
        .join(Verdict, Verdict.claim_id == Claim.id)
        .where(Verdict.reviewer_id == actor.id)
        .order_by(Verdict.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def claim_needs_reviewer(session: Session, actor: Actor, claim_id: int) -> bool:
    """Whether this claim is (still) in the reviewer's queue, ignoring how full it is.

    A claim being shown stays available even if others fill it meanwhile: both verdicts are kept.
    """
    return (
        session.scalar(
            select(Claim.id)
            .join(Article, Article.id == Claim.article_id)
            .where(
                Claim.id == claim_id,
                Claim.reviewable,
                Article.collection_id.in_(reviewable_collection_ids(session, actor.id)),
                ~select(Verdict.id)
                .where(Verdict.claim_id == Claim.id, Verdict.reviewer_id == actor.id)
                .exists(),
            )
        )
        is not None
    )


def may_review(session: Session, actor: Actor, claim_id: int) -> bool:
    """Whether the claim belongs to a collection this reviewer works on (leads: any)."""
    if actor.is_lead:
        return True
    collection_id = session.scalar(
        select(Article.collection_id)
        .join(Claim, Claim.article_id == Article.id)
        .where(Claim.id == claim_id)
    )
    return collection_id is not None and collection_id in reviewable_collection_ids(
        session, actor.id
    )


# --- the claim in context -------------------------------------------------------------------------


def claim_context(session: Session, claim_id: int) -> ClaimContext | None:
    """The claim with its paragraph (split around it) and the units just outside that paragraph."""
    row = session.execute(
        select(
            Claim,
            Article.title,
            Article.source,
            Article.url,
            Article.published,
            Collection.id,
            Collection.name,
            ClaimSignal,
        )
        .join(Article, Article.id == Claim.article_id)
        .join(Collection, Collection.id == Article.collection_id)
        .outerjoin(ClaimSignal, ClaimSignal.claim_id == Claim.id)
        .where(Claim.id == claim_id)
    ).first()
    if row is None:
        return None
    claim, title, source, url, published, collection_id, collection_name, signal = row
    units = session.execute(
        select(Claim.position, Claim.paragraph, Claim.start_char, Claim.end_char, Claim.text)
        .where(
            Claim.article_id == claim.article_id,
            Claim.position.between(
                claim.position - CONTEXT_WINDOW, claim.position + CONTEXT_WINDOW
            ),
        )
        .order_by(Claim.position)
    ).all()
    index = next(i for i, unit in enumerate(units) if unit.position == claim.position)
    first = last = index
    while first > 0 and units[first - 1].paragraph == claim.paragraph:
        first -= 1
    while last < len(units) - 1 and units[last + 1].paragraph == claim.paragraph:
        last += 1
    start = min(unit.start_char for unit in units[first : last + 1])
    end = max(unit.end_char for unit in units[first : last + 1])
    passage = (
        session.scalar(
            select(func.substr(Article.text, start + 1, end - start)).where(
                Article.id == claim.article_id
            )
        )
        or ""
    )
    window_starts_inside = first == 0 and claim.position - CONTEXT_WINDOW > 0
    window_ends_inside = last == len(units) - 1 and len(units) == 2 * CONTEXT_WINDOW + 1
    return ClaimContext(
        claim_id=claim.id,
        version=claim.version,
        article_id=claim.article_id,
        position=claim.position,
        claim_text=claim.text,
        paragraph_before=passage[: claim.start_char - start].rstrip(),
        paragraph_after=passage[claim.end_char - start :].lstrip(),
        previous_unit=units[first - 1].text if first > 0 else None,
        next_unit=units[last + 1].text if last < len(units) - 1 else None,
        paragraph_truncated_before=window_starts_inside,
        paragraph_truncated_after=window_ends_inside,
        title=title,
        source=source,
        url=url,
        published=published,
        collection_id=collection_id,
        collection_name=collection_name,
        quote=quote_in_claim(signal, claim.start_char, claim.version, len(claim.text)),
    )


# --- progress --------------------------------------------------------------------------------------


def article_progress(session: Session, actor: Actor, article_id: int) -> Progress:
    """This reviewer's verdicts in one article out of its claims."""
    total = session.scalar(
        select(func.count())
        .select_from(Claim)
        .where(Claim.article_id == article_id, Claim.reviewable)
    )
    done = session.scalar(
        select(func.count())
        .select_from(Verdict)
        .join(Claim, Claim.id == Verdict.claim_id)
        .where(
            Verdict.reviewer_id == actor.id, Claim.article_id == article_id, Claim.reviewable
        )
    )
    return Progress(done, total)


def overall_progress(session: Session, actor: Actor, scope: QueueScope = QueueScope()) -> Progress:
    """This reviewer's verdicts out of the claims in their queue's collections (or scope)."""
    if scope.article_id is not None:
        return article_progress(session, actor, scope.article_id)
    collection_ids = scope_collection_ids(session, actor, scope)
    if not collection_ids:
        return Progress(0, 0)
    total = session.scalar(
        select(func.count())
        .select_from(Claim)
        .join(Article, Article.id == Claim.article_id)
        .where(Claim.reviewable, Article.collection_id.in_(collection_ids))
    )
    done = session.scalar(
        select(func.count())
        .select_from(Verdict)
        .join(Claim, Claim.id == Verdict.claim_id)
        .join(Article, Article.id == Claim.article_id)
        .where(
            Verdict.reviewer_id == actor.id,
            Claim.reviewable,
            Article.collection_id.in_(collection_ids),
        )
    )
    return Progress(done, total)


def latest_claim_id(session: Session) -> int:
    """The newest unit's id (0 for none): it grows when an import, a fixed article or a split adds
    claims. One primary-key look-up, which tells a page its cached totals may be out of date."""
    return session.scalar(select(func.max(Claim.id))) or 0


def latest_verdict_change(session: Session, actor: Actor) -> int:
    """The id of the last change to this reviewer's verdicts (0 for none), from any tab or tool:
    one index look-up, which tells a page when its cached progress is out of date."""
    query = select(func.max(VerdictHistory.id)).where(VerdictHistory.reviewer_id == actor.id)
    return session.scalar(query) or 0


# --- verdicts: save, undo, back -------------------------------------------------------------------


def own_verdict(session: Session, actor: Actor, claim_id: int) -> Verdict | None:
    return session.scalar(
        select(Verdict).where(Verdict.claim_id == claim_id, Verdict.reviewer_id == actor.id)
    )


def submit_verdict(
    session: Session,
    actor: Actor,
    claim_id: int,
    label: str,
    note: str | None = "",
    evidence: str | list[str] | None = (),
    *,
    expected_version: int | None = None,
    expect_unlabelled: bool = False,
) -> SavedVerdict:
    """Save the signed-in reviewer's verdict from the queue, remembering what it replaced (for undo).

    Refused for a deactivated account or a claim outside the reviewer's collections. A claim that
    filled up meanwhile is never a reason to refuse: both verdicts are kept. With
    ``expect_unlabelled`` (a press on a queue card, which showed the claim without a verdict), a
    verdict the reviewer gave meanwhile in another tab is never replaced unseen: ``AlreadyLabelled``.
    """
    require_active(session, actor)
    if not may_review(session, actor, claim_id):
        raise PermissionDenied("This claim is in a collection you are not assigned to.")
    label, note, links = validate_label(label), validate_note(note), validate_evidence(evidence)
    replaced: list[VerdictState | None] = []

    def as_locked(current: Verdict | None) -> None:  # checked on the locked row, never a stale read
        if expect_unlabelled:
            require_unlabelled(current)
        replaced[:] = [_state(current) if current is not None else None]

    save_verdict(session, actor, claim_id, label, note, links, expected_version=expected_version, check_current=as_locked)
    return SavedVerdict(claim_id, replaced[0], VerdictState(label, note, tuple(links)))


def require_unlabelled(existing: Verdict | None) -> None:
    """Refuse a press made on a queue card (which showed its claim unlabelled) once the reviewer has
    a verdict on that claim, given meanwhile in another tab: ``AlreadyLabelled`` names it."""
    if existing is not None:
        raise AlreadyLabelled(
            f"You had already labelled this claim {LABEL_TITLES[existing.label]} (in another tab or "
            "window), so nothing was changed. It is shown with that verdict: press a label to change it."
        )


def undo(session: Session, actor: Actor, saved: SavedVerdict) -> None:
    """Put a verdict back as it was before ``saved``: withdraw it if it was new, else restore it.

    Refused if the verdict has changed since (e.g. in another tab), so no later work is lost.
    """
    require_active(session, actor)
    current = locked_verdict(session, saved.claim_id, actor.id)  # a save in another tab is waited for
    if current is None:
        raise VerdictError(
            "This verdict is no longer there (a lead's fix to the article withdrew it, or you withdrew it in "
            "another tab); nothing was undone."
        )
    if _state(current) != saved.after:
        raise VerdictError(
            "This verdict has changed since; nothing was undone. Edit it under My verdicts."
        )
    if saved.before is None:
        delete_verdict(session, actor, saved.claim_id)
    else:
        before = saved.before
        save_verdict(
            session, actor, saved.claim_id, before.label, before.note, list(before.evidence)
        )


def previous_verdict(
    session: Session, actor: Actor, before_verdict_id: int | None = None
) -> Verdict | None:
    """The reviewer's verdict given just before ``before_verdict_id`` (or their latest): for ``back``."""
    query = (
        select(Verdict).where(Verdict.reviewer_id == actor.id).order_by(Verdict.id.desc()).limit(1)
    )
    if before_verdict_id is not None:
        query = query.where(Verdict.id < before_verdict_id)
    return session.scalar(query)


def _state(verdict: Verdict) -> VerdictState:
    return VerdictState(verdict.label, verdict.note, tuple(verdict.evidence or ()))


# --- blind review ---------------------------------------------------------------------------------


def others_verdicts(session: Session, actor: Actor, claim_id: int) -> OthersView:
    """Other reviewers' verdicts on a claim being reviewed: hidden until the actor has given their
    own, a lead's too (a lead who reviews counts as a reviewer; Adjudication shows leads every verdict)."""
    if own_verdict(session, actor, claim_id) is None:
        return OthersView(hidden=True, verdicts=())
    rows = session.execute(
        select(Verdict, Reviewer.name)
        .join(Reviewer, Reviewer.id == Verdict.reviewer_id)
        .where(Verdict.claim_id == claim_id, Verdict.reviewer_id != actor.id)
        .order_by(Reviewer.name)
    ).all()
    return OthersView(
        hidden=False,
        verdicts=tuple(
            OtherVerdict(name, v.label, v.note, tuple(v.evidence or ()), v.updated_at)
            for v, name in rows
        ),
    )


# --- my verdicts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyVerdictRow:
    claim_id: int
    claim_version: int
    claim_text: str
    article_id: int
    article_title: str
    label: str
    note: str
    evidence: tuple[str, ...]
    updated_at: datetime
    reviewable: bool
    """False when a lead has since turned the unit into a non-claim (the verdict is kept, read-only)."""


def my_verdicts(
    session: Session,
    actor: Actor,
    *,
    labels: Container[str] | None = None,
    article_id: int | None = None,
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[MyVerdictRow], int]:
    """A page of the reviewer's own verdicts, newest change first, and how many match in all."""
    conditions = [Verdict.reviewer_id == actor.id]
    if labels is not None:
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise VerdictError(f"Unknown label {min(unknown)!r}.")
        conditions.append(Verdict.label.in_(list(labels)))
    if article_id is not None:
        conditions.append(Claim.article_id == article_id)
    base = select(Verdict).join(Claim, Claim.id == Verdict.claim_id).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    rows = session.execute(
        select(Verdict, Claim.text, Claim.version, Claim.kind, Claim.article_id, Article.title)
        .join(Claim, Claim.id == Verdict.claim_id)
        .join(Article, Article.id == Claim.article_id)
        .where(*conditions)
        .order_by(Verdict.updated_at.desc(), Verdict.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        MyVerdictRow(
            claim_id=verdict.claim_id,
            claim_version=version,
            claim_text=text,
            article_id=article,
            article_title=title,
            label=verdict.label,
            note=verdict.note,
            evidence=tuple(verdict.evidence or ()),
            updated_at=verdict.updated_at,
            reviewable=kind == ClaimKind.CLAIM,
        )
        for verdict, text, version, kind, article, title in rows
    ], total


def my_articles(session: Session, actor: Actor, limit: int = 500) -> list[tuple[int, str]]:
    """Articles the reviewer has verdicts in, as ``(id, title)``, for the My verdicts filter."""
    rows = session.execute(
        select(Article.id, Article.title)
        .where(
            Article.id.in_(
                select(Claim.article_id)
                .join(Verdict, Verdict.claim_id == Claim.id)
                .where(Verdict.reviewer_id == actor.id)
            )
        )
        .order_by(Article.id)
        .limit(limit)
    ).all()
    return [(article_id, title) for article_id, title in rows]


def verdict_history(
    session: Session, actor: Actor, claim_id: int, limit: int = 50
) -> list[VerdictHistory]:
    """The history of the reviewer's own verdict on a claim, newest first."""
    return list(
        session.scalars(
            select(VerdictHistory)
            .where(VerdictHistory.claim_id == claim_id, VerdictHistory.reviewer_id == actor.id)
            .order_by(VerdictHistory.id.desc())
            .limit(limit)
        )
    )


def articles_in_scope(
    session: Session, actor: Actor, collection_id: int | None = None, limit: int = 1000
) -> list[tuple[int, str]]:
    """Articles of the reviewer's collections, as ``(id, title)`` in article order, for the queue filter."""
    collection_ids = scope_collection_ids(session, actor, QueueScope(collection_id=collection_id))
    rows = session.execute(
        select(Article.id, Article.title)
        .where(Article.collection_id.in_(collection_ids))
        .order_by(Article.id)
        .limit(limit)
    ).all()
    return [(article_id, title) for article_id, title in rows]


def collections_in_scope(session: Session, actor: Actor) -> list[tuple[int, str, bool]]:
    """The reviewer's collections as ``(id, name, is_open)``: open ones have nobody assigned."""
    collection_ids = reviewable_collection_ids(session, actor.id)
    assigned_to_me = set(
        session.scalars(select(Assignment.collection_id).where(Assignment.reviewer_id == actor.id))
    )
    rows = session.execute(
        select(Collection.id, Collection.name)
        .where(Collection.id.in_(collection_ids))
        .order_by(Collection.name)
    ).all()
    return [
        (collection_id, name, collection_id not in assigned_to_me) for collection_id, name in rows
    ]


def has_collections(session: Session) -> bool:
    """Whether any collection exists (one indexed row read)."""
    return session.scalar(select(Collection.id).limit(1)) is not None

"""The export's queries: filters resolved against the database, and one ordered query per layout.

Each layout is one query read through a server-side cursor; filters become SQL conditions, so
the database does the narrowing and rows arrive in file order (article, claim position, …).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from workbench.export_options import ExportError, ExportFilters, ExportOptions
from workbench.models import Article, Claim, ClaimSignal, Collection, FinalVerdict, Reviewer, Verdict
from workbench.names import require_named
from workbench.triage import SIGNAL_KINDS, signal_kind


@dataclass(frozen=True)
class Scope:
    """Filters resolved against the database: ids instead of names."""

    article_ids: tuple[int, ...]
    collection_ids: tuple[int, ...]
    reviewer_ids: tuple[int, ...]
    since: datetime | None
    signals: tuple[str, ...] = ()
    min_checkworthiness: float | None = None

    def claims(self) -> ColumnElement[bool]:
        """Reviewable claims of the chosen articles and collections (needs ``Article`` joined)."""
        condition = Claim.reviewable
        if self.article_ids:
            condition = and_(condition, Article.id.in_(self.article_ids))
        if self.collection_ids:
            condition = and_(condition, Article.collection_id.in_(self.collection_ids))
        if self.signals or self.min_checkworthiness is not None:
            condition = and_(condition, self._triaged())
        return condition

    def _triaged(self) -> ColumnElement[bool]:
        """The claim's stored triage has every chosen signal and at least the chosen score."""
        signal = aliased(ClaimSignal)
        wanted = [signal.kinds.contains(f" {kind} ", autoescape=True) for kind in self.signals]
        if self.min_checkworthiness is not None:
            wanted.append(signal.checkworthiness >= self.min_checkworthiness)
        return exists().where(signal.claim_id == Claim.id, *wanted)

    def verdicts(self, verdict: type[Verdict] | Any = Verdict) -> ColumnElement[bool]:
        """The chosen reviewers' verdicts (no time limit)."""
        return verdict.reviewer_id.in_(self.reviewer_ids) if self.reviewer_ids else true()


def resolve_scope(connection: Connection, filters: ExportFilters) -> Scope:
    """Check that every named article, reviewer and collection exists; refuse the export if not."""
    article_ids = tuple(dict.fromkeys(filters.article_ids))
    if article_ids:
        found = set(connection.scalars(select(Article.id).where(Article.id.in_(article_ids))))
        missing = [str(article_id) for article_id in article_ids if article_id not in found]
        if missing:
            raise ExportError(f"No article with id {', '.join(missing)}.")
    return Scope(
        article_ids=article_ids,
        collection_ids=_ids_by_name(connection, Collection, filters.collections),
        reviewer_ids=_ids_by_name(connection, Reviewer, filters.reviewers),
        since=filters.since,
        signals=check_signal_filter(filters.signals),
        min_checkworthiness=check_score_filter(filters.min_checkworthiness),
    )


EXPORT_SIGNALS: tuple[str, ...] = (*SIGNAL_KINDS, "quote")
"""Signal kinds an export can be narrowed to."""


def check_signal_filter(signals: Sequence[str]) -> tuple[str, ...]:
    """The chosen signal kinds (by name or chip word: ``names`` is ``entity``), or an
    :class:`ExportError` naming an unknown one."""
    unknown = [signal for signal in signals if signal_kind(signal) not in EXPORT_SIGNALS]
    if unknown:
        kind, colon, _speaker = unknown[0].partition(":")
        hint = f" (a chip's speaker is no filter: use {kind.strip()!r} alone)" if colon else ""
        raise ExportError(f"Unknown signal {unknown[0]!r}{hint}: use one of {', '.join(EXPORT_SIGNALS)}.")
    return tuple(dict.fromkeys(signal_kind(signal) for signal in signals))


def check_score_filter(score: float | None) -> float | None:
    """The minimum check-worthiness, or an :class:`ExportError` if it is outside 0–1."""
    if score is not None and not 0 <= score <= 1:
        raise ExportError(f"The minimum check-worthiness must be between 0 and 1, not {score:g}.")
    return score


def _ids_by_name(
    connection: Connection, model: type[Collection] | type[Reviewer], names: Sequence[str]
) -> tuple[int, ...]:
    with Session(connection) as session:
        return tuple(dict.fromkeys(require_named(session, model, name).id for name in names))


@dataclass(frozen=True)
class ExportChoices:
    """What an export can be narrowed to, for pickers on the Export page."""

    collections: list[str]
    articles: list[tuple[int, str]]
    """(id, title) of every article, oldest first."""
    reviewers: list[str]


def export_choices(session: Session) -> ExportChoices:
    """Collections and reviewers by name (ignoring case), articles oldest first."""
    return ExportChoices(
        collections=sorted(session.scalars(select(Collection.name)), key=str.lower),
        articles=[
            (article_id, title)
            for article_id, title in session.execute(
                select(Article.id, Article.title).order_by(Article.id)
            )
        ],
        reviewers=sorted(session.scalars(select(Reviewer.name)), key=str.lower),
    )


# --- queries ----------------------------------------------------------------------------------------


ARTICLE_SELECT = (Collection.name, Article.id, Article.title)
"""``collection``, ``article_id``, ``article_title`` (needs ``Article`` and ``Collection`` joined)."""
SPAN_SELECT = (Claim.position, Claim.start_char, Claim.end_char, Claim.text)
"""``claim_position``, ``start_char``, ``end_char``, ``claim_text``."""


def long_query(scope: Scope) -> Select:
    condition = and_(scope.claims(), scope.verdicts())
    if scope.since is not None:
        condition = and_(condition, Verdict.updated_at >= scope.since)
    return (
        select(
            Verdict.claim_id,
            *ARTICLE_SELECT,
            *SPAN_SELECT,
            Reviewer.name,
            Verdict.label,
            Verdict.note,
            Verdict.evidence,
            Verdict.guideline_version,
            Verdict.created_at,
            Verdict.updated_at,
        )
        .join(Claim, Claim.id == Verdict.claim_id)
        .join(Article, Article.id == Claim.article_id)
        .join(Collection, Collection.id == Article.collection_id)
        .join(Reviewer, Reviewer.id == Verdict.reviewer_id)
        .where(condition)
        .order_by(Article.id, Claim.position, Claim.id, func.lower(Reviewer.name), Reviewer.id)
    )


TRIAGE_SELECT = (
    ClaimSignal.checkworthiness,
    func.trim(ClaimSignal.kinds),
    ClaimSignal.quote_speaker,
)
"""The ``TRIAGE_COLUMNS`` (empty when a claim's triage was never computed)."""


def wide_claims_condition(scope: Scope) -> ColumnElement[bool]:
    condition = scope.claims()
    if scope.since is not None:
        # Aliases, so the subqueries correlate only to Claim, whatever else the outer query joins.
        verdict, final = aliased(Verdict), aliased(FinalVerdict)
        changed_verdict = exists().where(
            verdict.claim_id == Claim.id, scope.verdicts(verdict), verdict.updated_at >= scope.since
        )
        changed_final = exists().where(final.claim_id == Claim.id, final.updated_at >= scope.since)
        condition = and_(condition, or_(changed_verdict, changed_final))
    return condition


def wide_query(scope: Scope) -> Select:
    return (
        select(
            Claim.id,
            *ARTICLE_SELECT,
            *SPAN_SELECT,
            FinalVerdict.label,
            Verdict.reviewer_id,
            Verdict.label,
            *TRIAGE_SELECT,
        )
        .join(Article, Article.id == Claim.article_id)
        .join(Collection, Collection.id == Article.collection_id)
        .outerjoin(ClaimSignal, ClaimSignal.claim_id == Claim.id)
        .outerjoin(FinalVerdict, FinalVerdict.claim_id == Claim.id)
        .outerjoin(Verdict, and_(Verdict.claim_id == Claim.id, scope.verdicts()))
        .where(wide_claims_condition(scope))
        .order_by(Article.id, Claim.position, Claim.id)
    )


def wide_reviewers(connection: Connection, scope: Scope) -> list[tuple[int, str]]:
    """The reviewers who get a column: those chosen, else everyone with a verdict in scope."""
    if scope.reviewer_ids:
        condition = Reviewer.id.in_(scope.reviewer_ids)
    else:
        with_verdicts = (
            select(Verdict.reviewer_id)
            .join(Claim, Claim.id == Verdict.claim_id)
            .join(Article, Article.id == Claim.article_id)
            .where(wide_claims_condition(scope))
        )
        condition = Reviewer.id.in_(with_verdicts)
    rows = connection.execute(select(Reviewer.id, Reviewer.name).where(condition))
    return sorted(
        ((reviewer_id, name) for reviewer_id, name in rows),
        key=lambda row: (row[1].lower(), row[1]),
    )


def final_query(scope: Scope, *, adjudicated: bool = True) -> Select:
    """``final`` rows; with ``adjudicated=False``, the claim and triage columns of claims without
    a final verdict but with verdicts, for filling with the model."""
    condition = scope.claims()
    if not adjudicated:
        return (
            select(Claim.id, *ARTICLE_SELECT, Article.url, Article.published, *SPAN_SELECT, *TRIAGE_SELECT)
            .outerjoin(ClaimSignal, ClaimSignal.claim_id == Claim.id)
            .join(Article, Article.id == Claim.article_id)
            .join(Collection, Collection.id == Article.collection_id)
            .where(condition, ~exists().where(FinalVerdict.claim_id == Claim.id),
                   exists().where(Verdict.claim_id == Claim.id))
            .order_by(Article.id, Claim.position, Claim.id)
        )
    if scope.since is not None:
        condition = and_(condition, FinalVerdict.updated_at >= scope.since)
    return (
        select(
            FinalVerdict.claim_id,
            *ARTICLE_SELECT,
            Article.url,
            Article.published,
            *SPAN_SELECT,
            FinalVerdict.label,
            FinalVerdict.rationale,
            Reviewer.name,
            FinalVerdict.created_at,
            FinalVerdict.updated_at,
            *TRIAGE_SELECT,
        )
        .join(Claim, Claim.id == FinalVerdict.claim_id)
        .outerjoin(ClaimSignal, ClaimSignal.claim_id == Claim.id)
        .join(Article, Article.id == Claim.article_id)
        .join(Collection, Collection.id == Article.collection_id)
        .join(Reviewer, Reviewer.id == FinalVerdict.decided_by)
        .where(condition)
        .order_by(Article.id, Claim.position, Claim.id)
    )


def count_query(options: ExportOptions, scope: Scope) -> Select:
    """How many rows (``wide``: claims) an export of ``options`` has."""
    if options.layout == "long":
        inner = long_query(scope)
    elif options.layout == "wide":
        inner = (
            select(Claim.id)
            .join(Article, Article.id == Claim.article_id)
            .where(wide_claims_condition(scope))
        )
    else:
        inner = final_query(scope)
    return select(func.count()).select_from(inner.order_by(None).subquery())

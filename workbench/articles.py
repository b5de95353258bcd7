"""Articles: the list with review progress and one article's units with their status.

Every read here touches only what one screen shows: the list is one aggregate query for one page of
articles, an article view reads that article's units and their verdict counts, never all claims.
A lead's fixes to the extraction are in :mod:`workbench.edits`, the import preview in
:mod:`workbench.import_preview`, the HTML in :mod:`workbench.render`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date

from sqlalchemy import ColumnElement, Select, Subquery, case, func, select
from sqlalchemy.orm import Session

from workbench import LABELS
from workbench.access import Actor, PermissionDenied, visible_collection_ids
from workbench.errors import WorkbenchError
from workbench.models import Article, Assignment, Claim, ClaimSignal, Collection, FinalVerdict, Reviewer, Verdict
from workbench.triage_store import quote_in_claim, triage_conditions
from workbench.vocabulary import ARTICLE_STATUSES, ClaimKind, LEAD_STATUSES, NOT_A_CLAIM, REVIEWER_STATUSES, Role

PAGE_SIZE = 25
MAX_PAGE_SIZE = 200



class ArticleError(WorkbenchError):
    """An article cannot be shown or changed as asked; the message says why."""


# --- the list ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleFilters:
    """What the article list is narrowed to; every field is optional."""

    search: str = ""
    """Part of the title or source, any case."""
    collection_id: int | None = None
    published_from: date | None = None
    published_to: date | None = None
    status: str | None = None
    """One of :data:`ARTICLE_STATUSES`."""
    signal: str | None = None
    """Only articles with a claim showing this triage signal kind (``quote``, ``number``, …)."""
    min_checkworthiness: float = 0.0
    """Only articles with a claim at least this check-worthy (0 = no filter); a lead's filter only,
    since reviewers never see scores (blind review)."""


@dataclass(frozen=True)
class ArticleRow:
    """One article in the list with its review progress."""

    id: int
    title: str
    source: str
    collection: str
    published: date | None
    claims: int
    verdicts: int
    claims_done: int
    """Claims with as many verdicts as their collection needs."""
    reviewers: int
    """Reviewers with at least one verdict in the article."""
    reviewers_done: int
    """Reviewers with a verdict on every claim of the article."""
    mine: int
    """The viewer's own verdicts in the article."""
    needed: int
    """Verdicts each claim needs."""
    status: str
    verdicts_toward_need: int = 0
    """Verdicts that count toward what the claims need (at most ``needed`` per claim)."""

    @property
    def progress(self) -> float:
        """Share of the verdicts the article needs that are given: 0 when not started, 1 when done."""
        wanted = self.claims * self.needed
        return min(1.0, self.verdicts_toward_need / wanted) if wanted else 0.0


@dataclass(frozen=True)
class ArticleListing:
    """One page of the article list and how many articles match in all."""

    rows: tuple[ArticleRow, ...]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def needed_verdicts():
    """Subquery ``(collection_id, needed)``: how many verdicts a claim of each collection needs.

    ``reviewers_per_claim`` when set, but never more than the reviewers who have access (the
    assigned ones, or every active reviewer for an open collection); at least one.
    """
    assigned = (
        select(Assignment.collection_id, func.count().label("n"))
        .group_by(Assignment.collection_id)
        .subquery()
    )
    active_reviewers = (
        select(func.count())
        .select_from(Reviewer)
        .where(Reviewer.active.is_(True), Reviewer.role == Role.REVIEWER)
        .scalar_subquery()
    )
    with_access = case((func.coalesce(assigned.c.n, 0) > 0, assigned.c.n), else_=active_reviewers)
    wanted = case(
        (Collection.reviewers_per_claim.is_(None), with_access),
        (with_access < Collection.reviewers_per_claim, with_access),
        else_=Collection.reviewers_per_claim,
    )
    return (
        select(Collection.id.label("collection_id"), case((wanted < 1, 1), else_=wanted).label("needed"))
        .outerjoin(assigned, assigned.c.collection_id == Collection.id)
        .subquery()
    )


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _article_conditions(session: Session, actor: Actor, filters: ArticleFilters) -> list:
    if filters.min_checkworthiness and not actor.is_lead:
        raise PermissionDenied("Only a lead filters by check-worthiness: reviewers never see scores.")
    conditions = []
    allowed = visible_collection_ids(session, actor)
    if allowed is not None:
        conditions.append(Article.collection_id.in_(allowed))
    if filters.collection_id is not None:
        conditions.append(Article.collection_id == filters.collection_id)
    term = filters.search.strip().lower()
    if term:
        pattern = f"%{escape_like(term)}%"
        conditions.append(
            func.lower(Article.title).like(pattern, escape="\\")
            | func.lower(Article.source).like(pattern, escape="\\")
        )
    if filters.published_from is not None:
        conditions.append(Article.published >= filters.published_from)
    if filters.published_to is not None:
        conditions.append(Article.published <= filters.published_to)
    conditions.extend(triage_conditions(filters.signal, filters.min_checkworthiness))
    return conditions


def article_status(needed: ColumnElement[int]) -> ColumnElement[str]:
    """An article's review status (a key of :data:`ARTICLE_STATUSES`) from look-ups on its claims.

    ``needed`` is the verdicts each claim needs; ``Article`` must be in the enclosing FROM clause.
    Each test is an indexed EXISTS, so filtering many articles by status stays cheap.
    """
    its_claims = (Claim.article_id == Article.id, Claim.reviewable)
    verdicts_on_claim = select(func.count(Verdict.id)).where(Verdict.claim_id == Claim.id).scalar_subquery()
    has_claims = select(Claim.id).where(*its_claims).exists()
    short_of_verdicts = select(Claim.id).where(*its_claims, verdicts_on_claim < needed).exists()
    has_verdicts = select(Verdict.id).join(Claim, Claim.id == Verdict.claim_id).where(*its_claims).exists()
    return case(
        (~has_claims, "no_claims"),
        (~short_of_verdicts, "done"),
        (~has_verdicts, "not_started"),
        else_="in_progress",
    )


def _claim_progress(actor: Actor, article_ids: list[int], needed: Subquery) -> Subquery:
    """Per article of the page: claims, verdicts, the viewer's verdicts, claims done, verdicts toward need."""
    verdicts_on_claim = select(func.count()).where(Verdict.claim_id == Claim.id)
    per_claim = (  # correlated counts: index look-ups per claim of the page, never a scan of all verdicts
        select(
            Claim.article_id,
            verdicts_on_claim.scalar_subquery().label("verdicts"),
            verdicts_on_claim.where(Verdict.reviewer_id == actor.id).scalar_subquery().label("mine"),
        )
        .where(Claim.reviewable, Claim.article_id.in_(article_ids))
        .subquery()
    )
    return (
        select(
            per_claim.c.article_id,
            func.count().label("claims"),
            func.sum(per_claim.c.verdicts).label("verdicts"),
            func.sum(per_claim.c.mine).label("mine"),
            func.sum(case((per_claim.c.verdicts >= needed.c.needed, 1), else_=0)).label("claims_done"),
            func.sum(
                case((per_claim.c.verdicts >= needed.c.needed, needed.c.needed), else_=per_claim.c.verdicts)
            ).label("toward_need"),
        )
        .join(Article, Article.id == per_claim.c.article_id)
        .join(needed, needed.c.collection_id == Article.collection_id)
        .group_by(per_claim.c.article_id)
        .subquery()
    )


def _reviewer_progress(article_ids: list[int], per_article: Subquery) -> Subquery:
    """Per article of the page: reviewers with a verdict in it, and those with a verdict on every claim."""
    page_claims = select(Claim.id).where(Claim.reviewable, Claim.article_id.in_(article_ids))
    per_reviewer = (
        select(Claim.article_id, Verdict.reviewer_id, func.count().label("verdicts"))
        .select_from(Verdict)
        .join(Claim, Claim.id == Verdict.claim_id)
        .where(Verdict.claim_id.in_(page_claims))
        .group_by(Claim.article_id, Verdict.reviewer_id)
        .subquery()
    )
    return (
        select(
            per_reviewer.c.article_id,
            func.count().label("reviewers"),
            func.sum(case((per_reviewer.c.verdicts >= per_article.c.claims, 1), else_=0)).label("done"),
        )
        .join(per_article, per_article.c.article_id == per_reviewer.c.article_id)
        .group_by(per_reviewer.c.article_id)
        .subquery()
    )


def _progress_query(actor: Actor, article_ids: list[int]) -> Select:
    """Progress columns of the given articles (one page of the list), aggregated over their claims."""
    needed = needed_verdicts()
    per_article = _claim_progress(actor, article_ids, needed)
    reviewer_stats = _reviewer_progress(article_ids, per_article)
    return (
        select(
            Article.id,
            Article.title,
            Article.source,
            Collection.name.label("collection"),
            Article.published,
            func.coalesce(per_article.c.claims, 0).label("claims"),
            func.coalesce(per_article.c.verdicts, 0).label("verdicts"),
            func.coalesce(per_article.c.claims_done, 0).label("claims_done"),
            func.coalesce(per_article.c.toward_need, 0).label("toward_need"),
            func.coalesce(reviewer_stats.c.reviewers, 0).label("reviewers"),
            func.coalesce(reviewer_stats.c.done, 0).label("reviewers_done"),
            func.coalesce(per_article.c.mine, 0).label("mine"),
            needed.c.needed,
            article_status(needed.c.needed).label("status"),
        )
        .join(Collection, Collection.id == Article.collection_id)
        .join(needed, needed.c.collection_id == Article.collection_id)
        .outerjoin(per_article, per_article.c.article_id == Article.id)
        .outerjoin(reviewer_stats, reviewer_stats.c.article_id == Article.id)
        .where(Article.id.in_(article_ids))
    )


def list_articles(
    session: Session,
    actor: Actor,
    filters: ArticleFilters = ArticleFilters(),
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> ArticleListing:
    """One page of the articles ``actor`` may see, newest publication first, with progress.

    Two queries: the matching article ids of this page (status filtered by indexed look-ups), then
    the progress of just those articles. A reviewer sees the collections they review (assigned, or
    open) and counts only: no labels.
    """
    if filters.status is not None and filters.status not in ARTICLE_STATUSES:
        raise ArticleError(f"Unknown status {filters.status!r}: use one of {', '.join(ARTICLE_STATUSES)}.")
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    matching = select(Article.id).where(*_article_conditions(session, actor, filters))
    if filters.status is not None:
        needed = needed_verdicts()
        matching = matching.join(needed, needed.c.collection_id == Article.collection_id).where(
            article_status(needed.c.needed) == filters.status
        )
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    page_ids = list(
        session.scalars(
            matching.order_by(Article.published.desc().nulls_last(), Article.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    )
    found = {row.id: row for row in session.execute(_progress_query(actor, page_ids))} if page_ids else {}
    return ArticleListing(
        rows=tuple(
            ArticleRow(
                id=row.id,
                title=row.title,
                source=row.source,
                collection=row.collection,
                published=row.published,
                claims=int(row.claims),
                verdicts=int(row.verdicts),
                claims_done=int(row.claims_done),
                reviewers=int(row.reviewers),
                reviewers_done=int(row.reviewers_done),
                mine=int(row.mine),
                needed=int(row.needed),
                verdicts_toward_need=int(row.toward_need),
                status=row.status,
            )
            for row in (found[article_id] for article_id in page_ids)
        ),
        total=total,
        page=page,
        page_size=page_size,
    )


# --- one article ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitView:
    """One unit of an article with what the viewer may know of its verdicts."""

    id: int
    position: int
    text: str
    start: int
    end: int
    kind: str
    paragraph: int
    version: int
    status: str
    """A key of :data:`LEAD_STATUSES` or :data:`REVIEWER_STATUSES`, or ``not_a_claim``."""
    verdicts: int
    """How many verdicts the unit has (a reviewer sees only their own: 0 or 1)."""
    label_counts: tuple[tuple[str, int], ...] = ()
    """``(label, count)`` in label order; leads only."""
    final_label: str | None = None
    """The adjudicated label; leads only."""
    my_label: str | None = None
    quote: tuple[int, int, str | None] | None = None
    """The direct quote in the unit (triage): start and end in ``text``, and its speaker."""

    @property
    def is_claim(self) -> bool:
        return self.kind == ClaimKind.CLAIM


@dataclass(frozen=True)
class ArticleView:
    """An article with all its units in order, as the viewer may see them."""

    id: int
    title: str
    source: str
    url: str | None
    published: date | None
    collection_id: int
    collection: str
    needed: int
    lead_view: bool
    units: tuple[UnitView, ...] = field(default=())

    @property
    def claims(self) -> int:
        return sum(unit.is_claim for unit in self.units)

    def status_counts(self) -> dict[str, int]:
        """How many claims have each status, in legend order (statuses nobody has are left out)."""
        statuses = LEAD_STATUSES if self.lead_view else REVIEWER_STATUSES
        found = [unit.status for unit in self.units if unit.is_claim]
        return {status: found.count(status) for status in statuses if status in found}

    @cached_property
    def _index(self) -> dict[int, int]:
        """Unit id → its place in ``units``: one dict for the article, so a unit is found at once
        (the lead's unit picker asks for every unit of an article of thousands)."""
        return {unit.id: index for index, unit in enumerate(self.units)}

    def unit(self, claim_id: int) -> UnitView | None:
        index = self._index.get(claim_id)
        return None if index is None else self.units[index]

    def neighbours(self, claim_id: int) -> tuple[UnitView | None, UnitView | None]:
        """The units just before and just after ``claim_id``."""
        index = self._index.get(claim_id)
        if index is None:
            return None, None
        before = self.units[index - 1] if index > 0 else None
        after = self.units[index + 1] if index + 1 < len(self.units) else None
        return before, after


def unit_status(kind: str, verdicts: int, distinct_labels: int, final_label: str | None, needed: int) -> str:
    """A lead's status of one unit from its verdict counts."""
    if kind != ClaimKind.CLAIM:
        return NOT_A_CLAIM
    if final_label is not None:
        return "final"
    if distinct_labels > 1:
        return "disagreed"
    if verdicts == 0:
        return "unreviewed"
    return "agreed" if verdicts >= needed else "partial"


def article_view(session: Session, actor: Actor, article_id: int) -> ArticleView:
    """An article and every unit in order; a reviewer learns only their own verdicts."""
    needed = needed_verdicts()
    header = session.execute(
        select(Article.id, Article.title, Article.source, Article.url, Article.published,
               Article.collection_id, Collection.name, needed.c.needed)
        .join(Collection, Collection.id == Article.collection_id)
        .join(needed, needed.c.collection_id == Article.collection_id)
        .where(Article.id == article_id)
    ).one_or_none()
    if header is None:
        raise ArticleError(f"No article with id {article_id}; it may have been deleted.")
    allowed = visible_collection_ids(session, actor)
    if allowed is not None and header.collection_id not in allowed:
        raise PermissionDenied("This article belongs to a collection you do not review.")
    my_label = (
        select(Verdict.label)
        .where(Verdict.claim_id == Claim.id, Verdict.reviewer_id == actor.id)
        .scalar_subquery()
    )
    units = session.execute(
        select(Claim.id, Claim.position, Claim.text, Claim.start_char, Claim.end_char, Claim.kind,
               Claim.paragraph, Claim.version, my_label, FinalVerdict.label, ClaimSignal)
        .outerjoin(FinalVerdict, FinalVerdict.claim_id == Claim.id)
        .outerjoin(ClaimSignal, ClaimSignal.claim_id == Claim.id)
        .where(Claim.article_id == article_id)
        .order_by(Claim.position)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    if actor.is_lead:
        for claim_id, label, count in session.execute(
            select(Verdict.claim_id, Verdict.label, func.count())
            .join(Claim, Claim.id == Verdict.claim_id)
            .where(Claim.article_id == article_id)
            .group_by(Verdict.claim_id, Verdict.label)
        ):
            counts.setdefault(claim_id, {})[label] = count
    views = []
    for claim_id, position, text, start, end, kind, paragraph, version, my_label, final_label, signal in units:
        if actor.is_lead:
            by_label = counts.get(claim_id, {})
            total = sum(by_label.values())
            status = unit_status(kind, total, len(by_label), final_label, header.needed)
            label_counts = tuple((label, by_label[label]) for label in LABELS if label in by_label)
        else:
            total = int(my_label is not None)
            status = NOT_A_CLAIM if kind != ClaimKind.CLAIM else ("mine" if my_label else "todo")
            label_counts, final_label = (), None
        views.append(
            UnitView(
                id=claim_id, position=position, text=text, start=start, end=end, kind=kind,
                paragraph=paragraph, version=version, status=status, verdicts=total,
                label_counts=label_counts, final_label=final_label, my_label=my_label,
                quote=quote_in_claim(signal, start, version, len(text)),
            )
        )
    return ArticleView(
        id=header.id, title=header.title, source=header.source, url=header.url,
        published=header.published, collection_id=header.collection_id, collection=header.name,
        needed=int(header.needed), lead_view=actor.is_lead, units=tuple(views),
    )

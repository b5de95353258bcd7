"""Articles: the list with review progress, one article's units with their status, a lead's fixes
to the extraction (re-kind, merge, split) and the import preview.

Every read here touches only what one screen shows: the list is one aggregate query for one page of
articles, an article view reads that article's units and their verdict counts, never all claims.

Verdicts and extraction fixes:

* Turning a claim into a non-claim **keeps** its verdicts. They stop counting (only ``kind ==
  "claim"`` units are reviewed, agreed on and exported) and count again if the unit is turned back.
* Merging or splitting changes a unit's text, so verdicts on the units involved no longer apply to
  what is shown. They are **withdrawn**: removed, with a history row (action ``edit``) that keeps
  the label, note, evidence and the text that was judged. Verdicts on every other unit stay as they were.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, case, delete, func, select, update
from sqlalchemy.orm import Session

from workbench import LABEL_TITLES, LABELS
from workbench.adjudication import clear_final_verdict
from workbench.assignment import reviewable_collection_ids
from workbench.auth import Actor, PermissionDenied, require_lead
from workbench.db import Database
from workbench.errors import WorkbenchError
from workbench.ingest import (
    DEFAULT_COLLECTION,
    Document,
    IngestReport,
    InputError,
    check_article_text,
    content_hash,
    ingest_documents,
    parse_url,
    read_upload,
)
from workbench.links import MAX_URL_CHARS, host_of, web_link
from workbench.match_search import update_claims
from workbench.models import (
    CLAIM_KINDS,
    Article,
    Assignment,
    Claim,
    Collection,
    FinalVerdict,
    FinalVerdictHistory,
    Reviewer,
    Verdict,
    VerdictHistory,
)
from workbench.review import require_active
from workbench.triage_store import refresh_claim_signals, triage_conditions
from workbench.verdicts import withdraw_verdicts

PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
JUDGED_TEXT_CHARS = 2_000
"""How much of a withdrawn verdict's text its history note keeps."""
PREVIEW_LIMIT = 20
"""Documents shown in an import preview; the rest are counted and imported but not previewed."""

ARTICLE_STATUSES: dict[str, str] = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "no_claims": "No claims",
}
"""Review status of a whole article, as filtered on and shown in the list."""

KIND_TITLES: dict[str, str] = {
    "claim": "Claim",
    "title": "Title",
    "heading": "Heading",
    "metadata": "Metadata",
    "boilerplate": "Boilerplate",
    "embed": "Embed",
}

LEAD_STATUSES: dict[str, str] = {
    "unreviewed": "No verdicts",
    "partial": "Partly reviewed",
    "agreed": "Agreed",
    "disagreed": "Reviewers disagree",
    "final": "Final verdict",
}
"""Status of a claim as a lead sees it. ``disagreed`` (reviewers differ) is not the label ``disputed``."""

REVIEWER_STATUSES: dict[str, str] = {
    "todo": "Not reviewed by you",
    "mine": "Reviewed by you",
}
"""Status of a claim as a reviewer sees it: only their own verdict, never anyone else's."""

NOT_A_CLAIM = "not_a_claim"


class ArticleError(WorkbenchError):
    """An article cannot be shown or changed as asked; the message says why."""


class EditError(ArticleError):
    """An extraction fix cannot be made as asked; nothing was changed."""


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
    """Only articles with a claim at least this check-worthy (0 = no filter)."""


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
        .where(Reviewer.active.is_(True), Reviewer.role == "reviewer")
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
    its_claims = (Claim.article_id == Article.id, Claim.kind == "claim")
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


def _progress_query(actor: Actor, article_ids: list[int]) -> Select:
    """Progress columns of the given articles (one page of the list), aggregated over their claims."""
    needed = needed_verdicts()
    verdicts_on_claim = select(func.count()).where(Verdict.claim_id == Claim.id)
    per_claim = (  # correlated counts: index look-ups per claim of the page, never a scan of all verdicts
        select(
            Claim.article_id,
            verdicts_on_claim.scalar_subquery().label("verdicts"),
            verdicts_on_claim.where(Verdict.reviewer_id == actor.id).scalar_subquery().label("mine"),
        )
        .where(Claim.kind == "claim", Claim.article_id.in_(article_ids))
        .subquery()
    )
    per_article = (
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
    page_claims = select(Claim.id).where(Claim.kind == "claim", Claim.article_id.in_(article_ids))
    per_reviewer = (
        select(Claim.article_id, Verdict.reviewer_id, func.count().label("verdicts"))
        .select_from(Verdict)
        .join(Claim, Claim.id == Verdict.claim_id)
        .where(Verdict.claim_id.in_(page_claims))
        .group_by(Claim.article_id, Verdict.reviewer_id)
        .subquery()
    )
    reviewer_stats = (
        select(
            per_reviewer.c.article_id,
            func.count().label("reviewers"),
            func.sum(case((per_reviewer.c.verdicts >= per_article.c.claims, 1), else_=0)).label("done"),
        )
        .join(per_article, per_article.c.article_id == per_reviewer.c.article_id)
        .group_by(per_reviewer.c.article_id)
        .subquery()
    )
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

    @property
    def is_claim(self) -> bool:
        return self.kind == "claim"


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

    def unit(self, claim_id: int) -> UnitView | None:
        return next((unit for unit in self.units if unit.id == claim_id), None)

    def neighbours(self, claim_id: int) -> tuple[UnitView | None, UnitView | None]:
        """The units just before and just after ``claim_id``."""
        for index, unit in enumerate(self.units):
            if unit.id == claim_id:
                before = self.units[index - 1] if index > 0 else None
                after = self.units[index + 1] if index + 1 < len(self.units) else None
                return before, after
        return None, None


def unit_status(kind: str, verdicts: int, distinct_labels: int, final_label: str | None, needed: int) -> str:
    """A lead's status of one unit from its verdict counts."""
    if kind != "claim":
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
               Claim.paragraph, Claim.version, my_label, FinalVerdict.label)
        .outerjoin(FinalVerdict, FinalVerdict.claim_id == Claim.id)
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
    for claim_id, position, text, start, end, kind, paragraph, version, my_label, final_label in units:
        if actor.is_lead:
            by_label = counts.get(claim_id, {})
            total = sum(by_label.values())
            status = unit_status(kind, total, len(by_label), final_label, header.needed)
            label_counts = tuple((label, by_label[label]) for label in LABELS if label in by_label)
        else:
            total = int(my_label is not None)
            status = NOT_A_CLAIM if kind != "claim" else ("mine" if my_label else "todo")
            label_counts, final_label = (), None
        views.append(
            UnitView(
                id=claim_id, position=position, text=text, start=start, end=end, kind=kind,
                paragraph=paragraph, version=version, status=status, verdicts=total,
                label_counts=label_counts, final_label=final_label, my_label=my_label,
            )
        )
    return ArticleView(
        id=header.id, title=header.title, source=header.source, url=header.url,
        published=header.published, collection_id=header.collection_id, collection=header.name,
        needed=int(header.needed), lead_view=actor.is_lead, units=tuple(views),
    )


# --- rendering (escaped HTML, no Streamlit) -----------------------------------------------------------


KIND_COLOURS: dict[str, str] = {
    "claim": "#1f6feb",
    "title": "#6e40c9",
    "heading": "#8250df",
    "metadata": "#6e7781",
    "boilerplate": "#afb8c1",
    "embed": "#bf8700",
}
"""Border colour per kind of unit."""

STATUS_COLOURS: dict[str, str] = {
    "unreviewed": "#f6f8fa",
    "partial": "#fff8c5",
    "agreed": "#dafbe1",
    "disagreed": "#ffebe9",
    "final": "#ddf4ff",
    "todo": "#f6f8fa",
    "mine": "#dafbe1",
    NOT_A_CLAIM: "transparent",
}
"""Background colour per status."""

ARTICLE_CSS = """
<style>
.wb-article { font-size: 1.02rem; line-height: 1.9; max-width: 52rem; }
.wb-article p { margin: 0 0 0.9rem 0; }
.wb-unit { border-left: 3px solid; border-radius: 3px; padding: 0.05rem 0.3rem; margin-right: 0.15rem;
  box-decoration-break: clone; -webkit-box-decoration-break: clone; }
.wb-unit sup { font-size: 0.65rem; color: #57606a; margin-right: 0.25rem; font-variant-numeric: tabular-nums; }
.wb-kind-title { font-size: 1.25rem; font-weight: 600; }
.wb-kind-heading { font-weight: 600; }
.wb-kind-metadata, .wb-kind-boilerplate, .wb-kind-embed { color: #57606a; font-size: 0.9rem; }
.wb-kind-boilerplate { font-style: italic; }
.wb-selected { outline: 2px solid #1c5d99; outline-offset: 1px; }
.wb-tag { font-size: 0.7rem; text-transform: uppercase; letter-spacing: 0.04em; color: #57606a; margin-left: 0.3rem; }
.wb-legend { display: flex; flex-wrap: wrap; gap: 0.35rem 0.9rem; font-size: 0.8rem; margin: 0.2rem 0 0.8rem 0; color: #24292f; }
.wb-legend span.wb-swatch { display: inline-block; width: 0.9rem; height: 0.9rem; border-radius: 3px;
  vertical-align: -0.15rem; margin-right: 0.3rem; border: 1px solid #d0d7de; }
.wb-legend span.wb-bar { display: inline-block; width: 0.25rem; height: 0.9rem; vertical-align: -0.15rem; margin-right: 0.3rem; }
.wb-legend b { font-weight: 600; margin-right: 0.2rem; }
</style>
"""


def unit_tooltip(unit: UnitView, lead_view: bool) -> str:
    """What hovering a unit tells: number, kind, status and (for leads) the labels given."""
    parts = [f"#{unit.position + 1}", KIND_TITLES.get(unit.kind, unit.kind)]
    if unit.is_claim:
        statuses = LEAD_STATUSES if lead_view else REVIEWER_STATUSES
        parts.append(statuses.get(unit.status, unit.status))
        if lead_view and unit.label_counts:
            parts.append(", ".join(f"{LABEL_TITLES[label]} {count}" for label, count in unit.label_counts))
        if lead_view and unit.final_label:
            parts.append(f"final: {LABEL_TITLES[unit.final_label]}")
        if not lead_view and unit.my_label:
            parts.append(f"you: {LABEL_TITLES[unit.my_label]}")
    elif unit.verdicts:
        parts.append(f"{unit.verdicts} verdict(s) kept, not counted")
    return " · ".join(parts)


def unit_html(unit: UnitView, lead_view: bool, selected: bool = False) -> str:
    """One unit as a coloured span; its text is escaped before any markup is added."""
    classes = f"wb-unit wb-kind-{unit.kind} wb-status-{unit.status}" + (" wb-selected" if selected else "")
    style = (
        f"border-color: {KIND_COLOURS.get(unit.kind, '#6e7781')}; "
        f"background: {STATUS_COLOURS.get(unit.status, 'transparent')};"
    )
    tag = "" if unit.is_claim else f'<span class="wb-tag">{html.escape(KIND_TITLES.get(unit.kind, unit.kind))}</span>'
    return (
        f'<span class="{classes} wb-u-{unit.id}" style="{style}" '
        f'title="{html.escape(unit_tooltip(unit, lead_view), quote=True)}">'
        f"<sup>{unit.position + 1}</sup>{html.escape(unit.text)}{tag}</span>"
    )


def article_html(view: ArticleView, selected_id: int | None = None) -> str:
    """The whole article as escaped HTML: units grouped into paragraphs, coloured by kind and status."""
    paragraphs: list[list[str]] = []
    last_paragraph: int | None = None
    for unit in view.units:
        if unit.paragraph != last_paragraph or not paragraphs:
            paragraphs.append([])
            last_paragraph = unit.paragraph
        paragraphs[-1].append(unit_html(unit, view.lead_view, unit.id == selected_id))
    body = "".join(f"<p>{' '.join(spans)}</p>" for spans in paragraphs) or "<p><em>This article has no units.</em></p>"
    return f'{ARTICLE_CSS}<div class="wb-article">{body}</div>'


def legend_html(lead_view: bool, with_status: bool = True) -> str:
    """The colour legend: kinds as border colours and (``with_status``) statuses as backgrounds."""
    statuses = LEAD_STATUSES if lead_view else REVIEWER_STATUSES
    kinds = "".join(
        f'<span><span class="wb-bar" style="background: {KIND_COLOURS[kind]}"></span>{html.escape(title)}</span>'
        for kind, title in KIND_TITLES.items()
    )
    backgrounds = "".join(
        f'<span><span class="wb-swatch" style="background: {STATUS_COLOURS[status]}"></span>{html.escape(title)}</span>'
        for status, title in statuses.items()
    )
    legend = f'{ARTICLE_CSS}<div class="wb-legend"><b>Kind (left bar):</b>{kinds}</div>'
    if with_status:
        legend += f'<div class="wb-legend"><b>Claim status (background):</b>{backgrounds}</div>'
    return legend


def header_html(view: ArticleView) -> str:
    """The article's title and facts as escaped HTML; the URL is a link only if it is http(s)."""
    facts = [html.escape(view.source)] if view.source else []
    facts.append(f"collection {html.escape(view.collection)}")
    if view.published:
        facts.append(view.published.isoformat())
    link = web_link(view.url)
    if link:
        facts.append(
            f'<a href="{html.escape(link, quote=True)}" target="_blank" rel="noopener noreferrer nofollow">'
            f"{html.escape(host_of(link))}</a>"
        )
    elif view.url:
        facts.append(f"URL (not a web link): {html.escape(view.url)}")
    title = html.escape(view.title) if view.title.strip() else "<em>Untitled article</em>"
    return (
        '<div class="wb-header"><h2 style="margin: 0 0 0.2rem 0; font-weight: 650;">'
        f"{title}</h2>"
        f'<div style="color: #57606a; font-size: 0.9rem;">{" · ".join(facts)}</div></div>'
    )


MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def markdown_escape(text: str) -> str:
    """``text`` made literal for Streamlit labels, captions and alerts, which read Markdown; lines are kept."""
    lines = (MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(line.split())) for line in text.splitlines())
    return "  \n".join(line for line in lines if line)


def source_label(source: str) -> str:
    """A short name for where an article came from: a URL's host, or a path's file name."""
    if "://" in source:
        return host_of(source)
    return source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or source


def snippet(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


# --- fixing the extraction (leads) --------------------------------------------------------------------


@dataclass(frozen=True)
class EditImpact:
    """What merging or splitting would withdraw: the verdicts on the units whose text changes."""

    units: int
    verdicts: int
    final_verdicts: int

    @property
    def total(self) -> int:
        return self.verdicts + self.final_verdicts

    def counted(self) -> str:
        """E.g. "2 verdicts and 1 final verdict", or "no verdicts"."""
        parts = []
        if self.verdicts:
            parts.append(f"{self.verdicts} verdict{'s' if self.verdicts != 1 else ''}")
        if self.final_verdicts:
            parts.append(f"{self.final_verdicts} final verdict{'s' if self.final_verdicts != 1 else ''}")
        return " and ".join(parts) or "no verdicts"

    def message(self) -> str:
        if not self.total:
            return "No verdicts are affected."
        where = "this unit" if self.units == 1 else "these units"
        return (
            f"{self.counted()} on {where} will be withdrawn, because the text they judged "
            "changes. They stay in the history."
        )


def edit_impact(session: Session, claim_ids: list[int]) -> EditImpact:
    """How many verdicts merging or splitting ``claim_ids`` would withdraw."""
    verdicts = session.scalar(select(func.count()).select_from(Verdict).where(Verdict.claim_id.in_(claim_ids)))
    finals = session.scalar(
        select(func.count()).select_from(FinalVerdict).where(FinalVerdict.claim_id.in_(claim_ids))
    )
    return EditImpact(len(set(claim_ids)), verdicts or 0, finals or 0)


def _locked_units(session: Session, claim_ids: list[int]) -> dict[int, Claim]:
    units = session.scalars(
        select(Claim)
        .where(Claim.id.in_(claim_ids))
        .order_by(Claim.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    found = {unit.id: unit for unit in units}
    missing = [claim_id for claim_id in claim_ids if claim_id not in found]
    if missing:
        raise EditError(f"Unit {missing[0]} no longer exists: the article was changed. Reload it.")
    return found


def _check_version(unit: Claim, expected_version: int | None) -> None:
    if expected_version is not None and unit.version != expected_version:
        raise EditError(
            f"Unit #{unit.position + 1} was changed by someone else since you loaded it. Reload the article."
        )


def _check_withdrawals(session: Session, claim_ids: list[int], agreed: int | None) -> None:
    """Refuse when more (or fewer) verdicts would be withdrawn than the lead was told and agreed to."""
    if agreed is None:
        return
    impact = edit_impact(session, claim_ids)
    if impact.total != agreed:
        raise EditError(
            f"Verdicts changed meanwhile: this edit would now withdraw {impact.counted()}. Check and confirm again."
        )


def _withdraw_all(session: Session, actor: Actor, unit: Claim, reason: str) -> None:
    """Withdraw the verdicts and the final verdict on ``unit``; history keeps them with ``reason``."""
    note = f"{reason} Text judged: {snippet(unit.text, JUDGED_TEXT_CHARS)}"
    withdraw_verdicts(session, unit.id, actor_id=actor.id, reason=note)
    clear_final_verdict(session, actor, unit.id, note)


def set_unit_kind(
    session: Session, actor: Actor, claim_id: int, kind: str, *, expected_version: int | None = None
) -> Claim:
    """Mark a unit as a claim or as a kind of non-claim. Verdicts are kept (see the module docstring)."""
    require_lead(actor, "fix how an article was split")
    if kind not in CLAIM_KINDS:
        raise EditError(f"Unknown kind {kind!r}: use one of {', '.join(CLAIM_KINDS)}.")
    unit = _locked_units(session, [claim_id])[claim_id]
    _check_version(unit, expected_version)
    if unit.kind != kind:
        unit.kind = kind
        unit.version += 1
        session.flush()
        update_claims(session, [unit.id])
        refresh_claim_signals(session, [unit.id])
    return unit


def merge_units(
    session: Session,
    actor: Actor,
    first_id: int,
    second_id: int,
    *,
    expected_versions: tuple[int, int] | None = None,
    withdrawals: int | None = None,
) -> Claim:
    """Join two neighbouring units of one article into one; verdicts on both are withdrawn.

    The merged unit keeps the first unit's id and paragraph, spans from the first's start to the
    second's end (``text == article.text[start:end]``) and is a claim if either part was one.
    ``withdrawals``: how many verdicts the lead agreed to withdraw (see :func:`_check_withdrawals`).
    """
    require_lead(actor, "fix how an article was split")
    if first_id == second_id:
        raise EditError("Pick two different units to merge.")
    units = _locked_units(session, [first_id, second_id])
    first, second = units[first_id], units[second_id]
    if expected_versions is not None:
        _check_version(first, expected_versions[0])
        _check_version(second, expected_versions[1])
    if first.article_id != second.article_id:
        raise EditError("Only units of the same article can be merged.")
    if second.position < first.position:
        first, second = second, first
    if second.position != first.position + 1:
        raise EditError(
            f"Units #{first.position + 1} and #{second.position + 1} are not next to each other; "
            "only neighbouring units can be merged."
        )
    _check_withdrawals(session, [first.id, second.id], withdrawals)
    article_text = session.scalar(select(Article.text).where(Article.id == first.article_id))
    reason = (
        f"Withdrawn by {actor.name}: units #{first.position + 1} and #{second.position + 1} were merged, "
        "so the text changed."
    )
    _withdraw_all(session, actor, first, reason)
    _withdraw_all(session, actor, second, reason)
    # The second unit is deleted; its history would cascade away with it, so it moves to the merged unit.
    for history in (VerdictHistory, FinalVerdictHistory):
        session.execute(
            update(history).where(history.claim_id == second.id).values(claim_id=first.id),
            execution_options={"synchronize_session": False},
        )
    removed_position, article_id, end = second.position, second.article_id, second.end_char
    merged_kind = "claim" if "claim" in (first.kind, second.kind) else first.kind
    session.execute(delete(Claim).where(Claim.id == second.id), execution_options={"synchronize_session": False})
    session.expunge(second)
    session.execute(
        update(Claim)
        .where(Claim.article_id == article_id, Claim.position > removed_position)
        .values(position=Claim.position - 1),
        execution_options={"synchronize_session": False},
    )
    first.end_char = end
    first.text = article_text[first.start_char:end]
    first.kind = merged_kind
    first.version += 1
    session.flush()
    update_claims(session, [first.id])
    refresh_claim_signals(session, [first.id])
    return first


def split_points(text: str) -> list[int]:
    """Offsets inside ``text`` where a split leaves words whole: the start of every word but the first."""
    return [match.start() for match in re.finditer(r"(?<=\s)\S", text)]


def split_preview(text: str, at_offset: int, width: int = 32) -> str:
    """Where a split at ``at_offset`` falls: the end of the first part ‖ the start of the second.

    Each side shows at most ``width`` characters of whole words.
    """
    head = text[:at_offset].split()
    tail = text[at_offset:].split()
    shown_head: list[str] = []
    while head and len(" ".join([head[-1], *shown_head])) <= width:
        shown_head.insert(0, head.pop())
    shown_tail: list[str] = []
    while tail and len(" ".join([*shown_tail, tail[0]])) <= width:
        shown_tail.append(tail.pop(0))
    return f"{'…' if head else ''}{' '.join(shown_head)} ‖ {' '.join(shown_tail)}{'…' if tail else ''}"


def split_unit(
    session: Session,
    actor: Actor,
    claim_id: int,
    at_offset: int,
    *,
    expected_version: int | None = None,
    withdrawals: int | None = None,
) -> tuple[Claim, Claim]:
    """Cut a unit in two at ``at_offset`` (counted from the unit's first character).

    Whitespace at the cut belongs to neither part. Both parts keep the unit's kind and paragraph;
    the first keeps its id. Verdicts on the unit are withdrawn.
    """
    require_lead(actor, "fix how an article was split")
    unit = _locked_units(session, [claim_id])[claim_id]
    _check_version(unit, expected_version)
    text = unit.text
    if not 0 < at_offset < len(text):
        raise EditError(f"Split inside the unit: pick an offset between 1 and {len(text) - 1}.")
    _check_withdrawals(session, [unit.id], withdrawals)
    head, rest = text[:at_offset].rstrip(), text[at_offset:]
    tail = rest.lstrip()
    _withdraw_all(
        session,
        actor,
        unit,
        f"Withdrawn by {actor.name}: unit #{unit.position + 1} was split in two, so the text changed.",
    )
    session.execute(
        update(Claim)
        .where(Claim.article_id == unit.article_id, Claim.position > unit.position)
        .values(position=Claim.position + 1),
        execution_options={"synchronize_session": False},
    )
    old_end = unit.end_char
    unit.end_char = unit.start_char + len(head)
    unit.text = head
    unit.version += 1
    second = Claim(
        article_id=unit.article_id,
        position=unit.position + 1,
        text=tail,
        start_char=unit.start_char + at_offset + (len(rest) - len(tail)),
        end_char=old_end,
        kind=unit.kind,
        paragraph=unit.paragraph,
        version=unit.version,
    )
    session.add(second)
    session.flush()
    update_claims(session, [unit.id, second.id])
    refresh_claim_signals(session, [unit.id, second.id])
    return unit, second


def check_units(session: Session, article_id: int) -> list[str]:
    """Problems with an article's units (empty when sound): offsets, text, overlaps and order."""
    article_text = session.scalar(select(Article.text).where(Article.id == article_id))
    if article_text is None:
        return [f"No article with id {article_id}."]
    problems = []
    previous: Claim | None = None
    units = session.scalars(select(Claim).where(Claim.article_id == article_id).order_by(Claim.position))
    for index, unit in enumerate(units):
        if unit.position != index:
            problems.append(f"unit {unit.id}: position {unit.position}, expected {index}")
        if unit.text != article_text[unit.start_char:unit.end_char]:
            problems.append(f"unit {unit.id}: text does not match the article at {unit.start_char}:{unit.end_char}")
        if previous is not None and unit.start_char < previous.end_char:
            problems.append(f"unit {unit.id}: overlaps or comes before unit {previous.id}")
        previous = unit
    return problems


# --- import with a preview (leads) --------------------------------------------------------------------


PASTED_SOURCE = "pasted text"


def pasted_document(
    text: str, title: str = "", url: str = "", published: date | None = None
) -> Document:
    """A Document from text pasted into the import page, checked like a file would be."""
    check_article_text(PASTED_SOURCE, text)
    url = url.strip()
    if len(url) > MAX_URL_CHARS:
        raise InputError(f"{PASTED_SOURCE}: the URL is longer than {MAX_URL_CHARS:,} characters.")
    return Document(
        source=PASTED_SOURCE,
        text=text,
        title=title.strip()[:1000] or None,
        url=parse_url(PASTED_SOURCE, url),
        published=published,
    )


def read_uploads(files: list[tuple[str, bytes]]) -> tuple[list[Document], list[str]]:
    """Documents from uploaded ``(name, bytes)`` files and one message per file that cannot be read.

    A bad file contributes nothing; the others are still read, as ``workbench ingest`` does.
    """
    documents: list[Document] = []
    errors: list[str] = []
    for name, data in files:
        try:
            documents.extend(read_upload(name, data))
        except InputError as error:
            errors.append(str(error))
    return documents, errors


@dataclass(frozen=True)
class PreviewUnit:
    kind: str
    text: str
    paragraph: int


@dataclass(frozen=True)
class DocumentPreview:
    """One document as it would be imported: its title, units and whether it is already there."""

    source: str
    title: str
    url: str | None
    published: date | None
    units: tuple[PreviewUnit, ...]
    duplicate: bool

    @property
    def claims(self) -> int:
        return sum(unit.kind == "claim" for unit in self.units)


def preview_documents(
    session: Session, documents: list[Document], collection: str, nlp, limit: int = PREVIEW_LIMIT
) -> list[DocumentPreview]:
    """How the first ``limit`` documents would be split, without writing anything."""
    from workbench.extract import extract, normalise_text
    from workbench.ingest import article_title

    known: set[str] = set()
    shown = documents[:limit]
    texts = [normalise_text(document.text) for document in shown]
    target = session.scalar(select(Collection.id).where(Collection.name == collection.strip()))
    if target is not None:
        known = set(
            session.scalars(
                select(Article.content_hash).where(
                    Article.collection_id == target,
                    Article.content_hash.in_({content_hash(text) for text in texts}),
                )
            )
        )
    previews = []
    for document, text in zip(shown, texts):
        extraction = extract(text, nlp, document.headlines)
        previews.append(
            DocumentPreview(
                source=document.source,
                title=article_title(document, extraction),
                url=document.url,
                published=document.published or extraction.published,
                units=tuple(PreviewUnit(unit.kind, unit.text, unit.paragraph) for unit in extraction.units),
                duplicate=content_hash(text) in known,
            )
        )
    return previews


def preview_html(preview: DocumentPreview) -> str:
    """A preview's units as escaped HTML, coloured by kind like the article view."""
    units = tuple(
        UnitView(
            id=index, position=index, text=unit.text, start=0, end=0, kind=unit.kind,
            paragraph=unit.paragraph, version=1,
            status="unreviewed" if unit.kind == "claim" else NOT_A_CLAIM, verdicts=0,
        )
        for index, unit in enumerate(preview.units)
    )
    view = ArticleView(
        id=0, title=preview.title, source=preview.source, url=preview.url, published=preview.published,
        collection_id=0, collection="", needed=1, lead_view=True, units=units,
    )
    return article_html(view)


def import_documents(
    database: Database, actor: Actor, documents: list[Document], collection: str = DEFAULT_COLLECTION, nlp=None
) -> IngestReport:
    """Store previewed documents (active leads only), all in one transaction, as ``workbench ingest`` does."""
    require_lead(actor, "import articles")
    with database.session() as session:
        require_active(session, actor)
    if not documents:
        raise ArticleError("Nothing to import: paste some text or upload a file first.")
    return ingest_documents(database, documents, collection, nlp)

"""Verdict sets out: streaming CSV, JSON Lines and schema.org ClaimReview exports.

Every export reads the database through one server-side cursor (``yield_per``) and writes
rows as they arrive, so memory stays flat however many verdicts there are. The column
names and meanings are documented in the README ("Verdict exports").
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import string
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from workbench import LABELS
from workbench.config import EXPORTS_DIR
from workbench.db import Database
from workbench.errors import WorkbenchError
from workbench.matching import match_groups
from workbench.models import Article, Claim, ClaimSignal, Collection, FinalVerdict, Reviewer, Verdict
from workbench.triage import SIGNAL_KINDS

FORMATS: tuple[str, ...] = ("csv", "jsonl", "claimreview")
LAYOUTS: tuple[str, ...] = ("long", "wide", "final")

LONG_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "collection",
    "article_id",
    "article_title",
    "claim_position",
    "start_char",
    "end_char",
    "claim_text",
    "reviewer",
    "verdict",
    "note",
    "evidence",
    "guideline_version",
    "created_at",
    "updated_at",
)
CLAIM_COLUMNS: tuple[str, ...] = LONG_COLUMNS[:8]
"""The claim fields every layout starts with."""
REVIEWER_COLUMN_PREFIX = "verdict:"
"""A ``wide`` export has one column ``verdict:NAME`` per reviewer."""
WIDE_SUMMARY_COLUMNS: tuple[str, ...] = ("n_verdicts", "majority", "agreed", "final_verdict")
TRIAGE_COLUMNS: tuple[str, ...] = ("checkworthiness", "signals", "quote_speaker")
"""Triage of the claim (``workbench.triage``), last in the ``wide`` and ``final`` layouts."""
FINAL_COLUMNS: tuple[str, ...] = (
    *CLAIM_COLUMNS[:4],
    "article_url",
    "article_published",
    *CLAIM_COLUMNS[4:],
    "final_verdict",
    "rationale",
    "decided_by",
    "decided_at",
    "updated_at",
    *TRIAGE_COLUMNS,
)

MATCH_GROUP_COLUMN = "match_group"
"""Last in every layout: the claim's group of linked claims (``workbench.match_verdicts``), empty if none."""
MODEL_FILL_COLUMNS: tuple[str, ...] = ("verdict_source", "model_confidence")
"""Added to ``final`` by ``fill_with_model``: where each verdict comes from, and the model's probability."""

FORMULA_TRIGGERS = "=+-@\t\r"
"""A spreadsheet runs a cell starting with one of these as a formula."""
FORMULA_GUARD = "'"
_GUARDED = re.compile(r"'*[=+\-@\t\r]")
_UNGUARD = re.compile(r"'+[=+\-@\t\r]")
EVIDENCE_SEPARATOR = "\n"
"""Evidence URLs share one cell, one per line; a valid URL never contains whitespace."""

YIELD_PER = 5_000
ROWS_PER_CHUNK = 2_000

DEFAULT_ORGANISATION = "Workbench"
BROWSER_DOWNLOAD_MAX_ROWS = 250_000
"""The Export page offers downloads up to this many rows (a browser download is held in memory);
larger exports are made with ``workbench export``, which streams any size to disk."""


class ExportError(WorkbenchError):
    """An export cannot be made as asked; the message says why."""


# --- cell encoding --------------------------------------------------------------------------------


def guard_formula(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula.

    Text that starts with any number of ``'`` followed by ``= + - @``, tab or carriage return
    gets one more ``'``; nothing else changes. :func:`unguard_formula` undoes it exactly.
    """
    return FORMULA_GUARD + text if _GUARDED.match(text) else text


def unguard_formula(text: str) -> str:
    """The inverse of :func:`guard_formula`: drop the one ``'`` it added."""
    return text[1:] if _UNGUARD.match(text) else text


def iso_utc(moment: datetime) -> str:
    """``2024-05-01T12:34:56Z``: ISO 8601, always UTC, with an explicit ``Z``."""
    if moment.tzinfo is not timezone.utc:
        moment = (
            moment.replace(tzinfo=timezone.utc)
            if moment.tzinfo is None
            else moment.astimezone(timezone.utc)
        )
    return moment.isoformat(timespec="seconds")[:-6] + "Z"


COLUMN_TYPES: dict[str, str] = {
    "claim_id": "integer",
    "collection": "text",
    "article_id": "integer",
    "article_title": "text",
    "article_url": "URL",
    "article_published": "date",
    "claim_position": "integer",
    "start_char": "integer",
    "end_char": "integer",
    "claim_text": "text",
    "reviewer": "text",
    "verdict": "label",
    "note": "text",
    "evidence": "URLs",
    "guideline_version": "integer",
    "created_at": "time (UTC)",
    "updated_at": "time (UTC)",
    "n_verdicts": "integer",
    "majority": "label",
    "agreed": "boolean",
    "final_verdict": "label",
    "rationale": "text",
    "decided_by": "text",
    "decided_at": "time (UTC)",
    "verdict_source": "text",
    "model_confidence": "number",
    "checkworthiness": "number",
    "signals": "text",
    "quote_speaker": "text",
    "match_group": "text",
}
"""The type of every fixed column, as documented; ``verdict:NAME`` columns are labels."""

_GUARD_CANDIDATES = frozenset(FORMULA_GUARD + FORMULA_TRIGGERS)
CellEncoder = Callable[[Any], str]


def column_type(column: str) -> str:
    return "label" if column.startswith(REVIEWER_COLUMN_PREFIX) else COLUMN_TYPES[column]


def cell_encoder(kind: str, *, formula_guard: bool) -> CellEncoder:
    """How values of a column type become CSV text: empty for none, ``true``/``false``,
    one URL per line, ISO 8601 UTC times, and (``formula_guard``) guarded text."""
    if kind in ("integer", "number"):
        return lambda value: "" if value is None else str(value)
    if kind == "time (UTC)":
        return lambda value: "" if value is None else iso_utc(value)
    if kind == "date":
        return lambda value: "" if value is None else value.isoformat()
    if kind == "boolean":
        return lambda value: "" if value is None else ("true" if value else "false")
    if kind == "number":
        return lambda value: "" if value is None else repr(float(value))

    def text(value: str | None) -> str:
        if not value:
            return ""
        if formula_guard and value[0] in _GUARD_CANDIDATES:
            return guard_formula(value)
        return value

    if kind == "URLs":
        return lambda urls: text(EVIDENCE_SEPARATOR.join(urls or ()))
    return text


def json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- options ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    """How one of our labels appears as a schema.org ``Rating``."""

    alternate_name: str
    rating_value: int | None = None
    best_rating: int | None = None
    worst_rating: int | None = None

    def json_ld(self) -> dict[str, Any]:
        rating: dict[str, Any] = {"@type": "Rating", "alternateName": self.alternate_name}
        for key, value in (
            ("ratingValue", self.rating_value),
            ("bestRating", self.best_rating),
            ("worstRating", self.worst_rating),
        ):
            if value is not None:
                rating[key] = value
        return rating


DEFAULT_RATINGS: dict[str, Rating] = {
    "supported": Rating("True"),
    "disputed": Rating("False"),
    "editorial_framing": Rating("Misleading"),
}


@dataclass(frozen=True)
class ExportFilters:
    """Which verdicts to export. Empty tuples mean "all"."""

    article_ids: tuple[int, ...] = ()
    reviewers: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()
    since: datetime | None = None
    """Only verdicts (``final``: final verdicts) created or changed at or after this moment."""
    signals: tuple[str, ...] = ()
    """Only claims with every one of these signal kinds (``workbench.triage.SIGNAL_KINDS`` or ``quote``)."""
    min_checkworthiness: float | None = None
    """Only claims whose check-worthiness is at least this (0–1)."""


@dataclass(frozen=True)
class ClaimReviewSettings:
    """What a ClaimReview export says about who reviewed and where the review lives."""

    organisation: str = DEFAULT_ORGANISATION
    ratings: Mapping[str, Rating] = field(default_factory=lambda: dict(DEFAULT_RATINGS))
    review_url: str | None = None
    """A URL template for each review's page, with ``{claim_id}`` and/or ``{article_id}``."""


@dataclass(frozen=True)
class ExportOptions:
    format: str = "csv"
    layout: str = "long"
    filters: ExportFilters = ExportFilters()
    formula_guard: bool = True
    """Neutralise spreadsheet formulas in CSV cells (see :func:`guard_formula`)."""
    claimreview: ClaimReviewSettings = ClaimReviewSettings()
    fill_with_model: bool = False
    """``final``: also claims without a final verdict, with the model's most likely verdict, flagged."""

    def checked(self) -> ExportOptions:
        """These options, or an :class:`ExportError` saying what does not fit together."""
        if self.format not in FORMATS:
            raise ExportError(f"Unknown format {self.format!r}: use one of {', '.join(FORMATS)}.")
        if self.layout not in LAYOUTS:
            raise ExportError(f"Unknown layout {self.layout!r}: use one of {', '.join(LAYOUTS)}.")
        if self.format == "claimreview" and self.layout != "final":
            raise ExportError(
                "ClaimReview describes adjudicated verdicts: use it with --layout final."
            )
        if self.fill_with_model and (self.layout != "final" or self.format == "claimreview"):
            raise ExportError("Filling with the model's verdicts applies to --layout final in csv or jsonl.")
        if self.layout == "final" and self.filters.reviewers:
            raise ExportError(
                "Final verdicts are a lead's, not a reviewer's: --reviewer applies to long and wide."
            )
        if self.format == "claimreview":
            check_review_url(self.claimreview.review_url)
            if not self.claimreview.organisation.strip():
                raise ExportError("The organisation name of a ClaimReview cannot be empty.")
        return self


def parse_since(text: str) -> datetime:
    """``2024-05-01`` (midnight UTC) or an ISO 8601 time; times without a zone are UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ExportError(
            f"Cannot read {text!r} as a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def since_date(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time(0), tzinfo=timezone.utc)


def parse_rating_map(text: str) -> dict[str, Rating]:
    """Our labels → ratings, from ``supported=True,disputed=False`` or a JSON file.

    The JSON file maps a label to a name (``{"disputed": "False"}``) or to a Rating's fields
    (``{"disputed": {"alternateName": "False", "ratingValue": 1, "bestRating": 5, "worstRating": 1}}``).
    Labels left out keep their default (:data:`DEFAULT_RATINGS`).
    """
    path = Path(text)
    if text.lower().endswith(".json") or path.is_file():
        try:
            mapping = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ExportError(f"Cannot read the rating map {text}: {error.strerror}.") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise ExportError(f"The rating map {text} is not valid JSON: {error}.") from None
        if not isinstance(mapping, dict):
            raise ExportError(f"The rating map {text} must be a JSON object of label → rating.")
    else:
        mapping = {}
        for pair in filter(None, (part.strip() for part in text.split(","))):
            label, separator, name = pair.partition("=")
            if not separator:
                raise ExportError(f"Rating map entries look like label=Name, not {pair!r}.")
            mapping[label.strip()] = name.strip()
    ratings = dict(DEFAULT_RATINGS)
    for label, value in mapping.items():
        if label not in LABELS:
            raise ExportError(
                f"The rating map names {label!r}, which is not a label ({', '.join(LABELS)})."
            )
        ratings[label] = rating_from(label, value)
    return ratings


def rating_from(label: str, value: Any) -> Rating:
    if isinstance(value, str) and value.strip():
        return Rating(value.strip())
    if (
        isinstance(value, dict)
        and isinstance(value.get("alternateName"), str)
        and value["alternateName"].strip()
    ):
        numbers = {}
        for key in ("ratingValue", "bestRating", "worstRating"):
            number = value.get(key)
            if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
                raise ExportError(f"{key} for {label!r} must be a whole number.")
            numbers[key] = number
        return Rating(
            value["alternateName"].strip(),
            numbers["ratingValue"],
            numbers["bestRating"],
            numbers["worstRating"],
        )
    raise ExportError(f"The rating for {label!r} needs a non-empty name (alternateName).")


def check_review_url(template: str | None) -> None:
    if template is None:
        return
    if not template.lower().startswith(("http://", "https://")):
        raise ExportError("The review URL template must start with http:// or https://.")
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:
        raise ExportError(f"The review URL template is malformed: {error}.") from None
    unknown = fields - {"claim_id", "article_id"}
    if unknown:
        raise ExportError(
            f"The review URL template may only use {{claim_id}} and {{article_id}}, not {', '.join(sorted(unknown))}."
        )


# --- scope ------------------------------------------------------------------------------------------


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
        condition = Claim.kind == "claim"
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
        collection_ids=_ids_by_name(connection, Collection, filters.collections, "collection"),
        reviewer_ids=_ids_by_name(connection, Reviewer, filters.reviewers, "reviewer"),
        since=filters.since,
        signals=check_signal_filter(filters.signals),
        min_checkworthiness=check_score_filter(filters.min_checkworthiness),
    )


EXPORT_SIGNALS: tuple[str, ...] = (*SIGNAL_KINDS, "quote")
"""Signal kinds an export can be narrowed to."""


def check_signal_filter(signals: Sequence[str]) -> tuple[str, ...]:
    """The chosen signal kinds, or an :class:`ExportError` naming an unknown one."""
    chosen = tuple(dict.fromkeys(signal.strip().lower().replace(" ", "_") for signal in signals))
    unknown = [signal for signal in chosen if signal not in EXPORT_SIGNALS]
    if unknown:
        raise ExportError(f"Unknown signal {unknown[0]!r}: use one of {', '.join(EXPORT_SIGNALS)}.")
    return chosen


def check_score_filter(score: float | None) -> float | None:
    """The minimum check-worthiness, or an :class:`ExportError` if it is outside 0–1."""
    if score is not None and not 0 <= score <= 1:
        raise ExportError(f"The minimum check-worthiness must be between 0 and 1, not {score}.")
    return score


def _ids_by_name(
    connection: Connection,
    model: type[Collection] | type[Reviewer],
    names: Sequence[str],
    what: str,
) -> tuple[int, ...]:
    ids: list[int] = []
    for name in dict.fromkeys(name.strip() for name in names):
        found = connection.scalar(select(model.id).where(func.lower(model.name) == name.lower()))
        if found is None:
            raise ExportError(f"No {what} called {name!r}.")
        ids.append(found)
    return tuple(ids)


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


def long_query(scope: Scope) -> Select:
    condition = and_(scope.claims(), scope.verdicts())
    if scope.since is not None:
        condition = and_(condition, Verdict.updated_at >= scope.since)
    return (
        select(
            Verdict.claim_id,
            Collection.name,
            Article.id,
            Article.title,
            Claim.position,
            Claim.start_char,
            Claim.end_char,
            Claim.text,
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
            Collection.name,
            Article.id,
            Article.title,
            Claim.position,
            Claim.start_char,
            Claim.end_char,
            Claim.text,
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
            select(Claim.id, Collection.name, Article.id, Article.title, Article.url, Article.published,
                   Claim.position, Claim.start_char, Claim.end_char, Claim.text, *TRIAGE_SELECT)
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
            Collection.name,
            Article.id,
            Article.title,
            Article.url,
            Article.published,
            Claim.position,
            Claim.start_char,
            Claim.end_char,
            Claim.text,
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


# --- rows -------------------------------------------------------------------------------------------


@contextmanager
def reading(database: Database) -> Iterator[Connection]:
    """One consistent read-only snapshot that does not hold up reviewers' writes."""
    with database.engine.connect() as connection:
        if database.dialect == "postgresql":
            connection = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        else:
            connection = connection.execution_options(read_only=True)
        with connection.begin():
            yield connection


def majority_label(labels: Sequence[str]) -> str | None:
    """The label with more votes than any other; ``None`` on a tie or with no votes."""
    ranked = Counter(labels).most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def reviewers_agreed(labels: Sequence[str]) -> bool | None:
    """Whether two or more verdicts all agree; ``None`` with fewer than two."""
    return len(set(labels)) == 1 if len(labels) >= 2 else None


def table(
    connection: Connection, options: ExportOptions
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """The export's column names and a stream of rows of plain Python values (``match_group`` last)."""
    columns, rows = _layout_table(connection, options)
    groups = match_groups(connection)
    return [*columns, MATCH_GROUP_COLUMN], ((*row, groups.get(row[0])) for row in rows)


def _layout_table(
    connection: Connection, options: ExportOptions
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    scope = resolve_scope(connection, options.filters)
    if options.layout == "long":
        return list(LONG_COLUMNS), _stream(connection, long_query(scope))
    if options.layout == "final" and options.fill_with_model:
        from workbench.reliability import final_rows_filled_with_model

        return [*FINAL_COLUMNS, *MODEL_FILL_COLUMNS], final_rows_filled_with_model(
            connection, _stream(connection, final_query(scope)), final_query(scope, adjudicated=False))
    if options.layout == "final":
        return list(FINAL_COLUMNS), _stream(connection, final_query(scope))
    reviewers = wide_reviewers(connection, scope)
    columns = [
        *CLAIM_COLUMNS,
        *(REVIEWER_COLUMN_PREFIX + name for _, name in reviewers),
        *WIDE_SUMMARY_COLUMNS,
        *TRIAGE_COLUMNS,
    ]
    return columns, _wide_rows(
        _stream(connection, wide_query(scope)), [reviewer_id for reviewer_id, _ in reviewers]
    )


def _stream(connection: Connection, query: Select) -> Iterator[tuple[Any, ...]]:
    for row in connection.execute(query, execution_options={"yield_per": YIELD_PER}):
        yield tuple(row)


def _wide_rows(
    rows: Iterator[tuple[Any, ...]], reviewer_ids: list[int]
) -> Iterator[tuple[Any, ...]]:
    """Fold the claim × verdict rows (ordered by claim) into one row per claim."""
    column_of = {reviewer_id: index for index, reviewer_id in enumerate(reviewer_ids)}
    claim: tuple[Any, ...] | None = None
    final: str | None = None
    cells: list[str | None] = []
    triage: tuple[Any, ...] = ()
    for row in rows:
        claim_fields, final_label, reviewer_id, label = row[:8], row[8], row[9], row[10]
        if claim is None or claim_fields[0] != claim[0]:
            if claim is not None:
                yield (*_wide_row(claim, cells, final), *triage)
            claim, final, cells = claim_fields, final_label, [None] * len(reviewer_ids)
            triage = row[11:]
        if reviewer_id in column_of:
            cells[column_of[reviewer_id]] = label
    if claim is not None:
        yield (*_wide_row(claim, cells, final), *triage)


def _wide_row(
    claim: tuple[Any, ...], cells: list[str | None], final: str | None
) -> tuple[Any, ...]:
    labels = [label for label in cells if label is not None]
    return (*claim, *cells, len(labels), majority_label(labels), reviewers_agreed(labels), final)


def claim_review(row: tuple[Any, ...], settings: ClaimReviewSettings) -> dict[str, Any]:
    """One ``final`` row as a schema.org ClaimReview (see :func:`claim_review_of_group`)."""
    return claim_review_of_group([row], settings)


def claim_review_of_group(rows: Sequence[tuple[Any, ...]], settings: ClaimReviewSettings) -> dict[str, Any]:
    """One ClaimReview for ``final`` rows of one linked group: the first row's claim, every article an appearance."""
    records = [dict(zip(FINAL_COLUMNS, row[: len(FINAL_COLUMNS)], strict=True)) for row in rows]
    record = records[0]
    appearances = []
    for each in records:
        appearance: dict[str, Any] = {"@type": "CreativeWork", "headline": each["article_title"]}
        if each["article_url"]:
            appearance["url"] = each["article_url"]
        if each["article_published"] is not None:
            appearance["datePublished"] = each["article_published"].isoformat()
        appearances.append(appearance)
    claim: dict[str, Any] = {"@type": "Claim", "appearance": appearances[0] if len(appearances) == 1 else appearances}
    if record["article_published"] is not None:
        claim["datePublished"] = record["article_published"].isoformat()
    review: dict[str, Any] = {"@context": "https://schema.org", "@type": "ClaimReview"}
    if settings.review_url:
        review["url"] = settings.review_url.format(
            claim_id=record["claim_id"], article_id=record["article_id"]
        )
    review.update(
        claimReviewed=record["claim_text"],
        itemReviewed=claim,
        reviewRating=settings.ratings.get(
            record["final_verdict"], DEFAULT_RATINGS[record["final_verdict"]]
        ).json_ld(),
        author={"@type": "Organization", "name": settings.organisation},
        datePublished=record["decided_at"].date().isoformat(),
        dateModified=iso_utc(record["updated_at"]),
        identifier=f"claim-{record['claim_id']}",
    )
    return review


def claim_review_groups(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    """``final`` rows (``match_group`` last) folded into one list per review: a claim alone, or a
    linked group's claims with the same final verdict (held until the end; only grouped rows are kept)."""
    held: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for row in rows:
        if row[-1] is None:
            yield [row]
        else:
            held.setdefault((row[-1], row[FINAL_COLUMNS.index("final_verdict")]), []).append(row)
    for group in held.values():
        yield sorted(group, key=lambda row: row[0])


# --- writing ----------------------------------------------------------------------------------------


def _chunks(
    database: Database, options: ExportOptions, rows_per_chunk: int
) -> Iterator[tuple[str, int]]:
    """Encoded text in pieces of about ``rows_per_chunk`` rows, with each piece's row count."""
    options = options.checked()
    buffer = io.StringIO()
    with reading(database) as connection:
        columns, rows = table(connection, options)
        if options.format == "csv":
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(columns)
            encoders = [
                cell_encoder(column_type(column), formula_guard=options.formula_guard)
                for column in columns
            ]

            def encode(row: tuple[Any, ...]) -> None:
                writer.writerow(
                    [to_text(value) for to_text, value in zip(encoders, row, strict=True)]
                )
        elif options.format == "jsonl":

            def encode(row: tuple[Any, ...]) -> None:
                record = {
                    column: json_value(value) for column, value in zip(columns, row, strict=True)
                }
                buffer.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            rows = claim_review_groups(rows)

            def encode(group: list[tuple[Any, ...]]) -> None:
                buffer.write(
                    json.dumps(claim_review_of_group(group, options.claimreview), ensure_ascii=False) + "\n"
                )

        pending = 0
        for row in rows:
            encode(row)
            pending += 1
            if pending >= rows_per_chunk:
                yield buffer.getvalue(), pending
                buffer.seek(0)
                buffer.truncate()
                pending = 0
        yield buffer.getvalue(), pending


def iter_export_chunks(
    database: Database, options: ExportOptions, *, rows_per_chunk: int = ROWS_PER_CHUNK
) -> Iterator[str]:
    """The export as a stream of text pieces (header included), for any writer or web response."""
    for text, _ in _chunks(database, options, rows_per_chunk):
        if text:
            yield text


def write_export(database: Database, stream: TextIO, options: ExportOptions) -> int:
    """Write the export to an open text stream (open files with ``newline=""``); returns the row count."""
    rows = 0
    for text, count in _chunks(database, options, ROWS_PER_CHUNK):
        stream.write(text)
        rows += count
    return rows


def count_export_rows(database: Database, options: ExportOptions) -> int:
    """How many rows an export would have (``wide``: claims), without building it."""
    options = options.checked()
    with reading(database) as connection:
        return (
            connection.scalar(count_query(options, resolve_scope(connection, options.filters))) or 0
        )


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def default_file_name(options: ExportOptions, moment: datetime) -> str:
    """``verdicts-long-20240501T123456Z.csv``, ``claimreview-20240501T123456Z.jsonl``."""
    stamp = moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    if options.format == "claimreview":
        return f"claimreview-{stamp}.jsonl"
    return f"verdicts-{options.layout}-{stamp}.{options.format}"


def export_to_path(
    database: Database,
    options: ExportOptions,
    out: Path | None = None,
    *,
    directory: Path = EXPORTS_DIR,
    now: datetime | None = None,
) -> ExportResult:
    """Write the export to ``out`` or to a new timestamped file in ``directory``.

    The file appears whole or not at all: rows go to a ``.part`` file renamed at the end.
    """
    options = options.checked()
    if out is None:
        directory.mkdir(parents=True, exist_ok=True)
        out = _unused(directory / default_file_name(options, now or datetime.now(timezone.utc)))
    elif out.is_dir():
        raise ExportError(
            f"{out} is a folder: give a file name, or leave --out out to write into {EXPORTS_DIR}/."
        )
    elif not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist.")
    partial = out.with_name(out.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="") as stream:
            rows = write_export(database, stream, options)
        os.replace(partial, out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ExportError(f"Cannot write {out}: {error.strerror or error}.") from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return ExportResult(out, rows)


def _unused(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate

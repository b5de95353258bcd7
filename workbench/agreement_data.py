"""Ratings for the agreement measures: loaded from the database or read from a verdict CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from workbench import LABELS
from workbench.access import Actor, require_lead
from workbench.agreement import (
    ARTICLE_COLUMN,
    CLAIM_COLUMN,
    DEFAULT_RESAMPLES,
    REVIEWER_COLUMN,
    VERDICT_COLUMN,
    AgreementReport,
    RatingTable,
    agreement_report,
)
from workbench.agreement_breakdowns import by_article, by_label, by_reviewer, disputed_claims
from workbench.errors import WorkbenchError
from workbench.text_bytes import Undecodable, UndecodableBytes, allow_long_csv_cells, decode_bytes
from workbench.matching import applied_from_match
from workbench.models import Article, Claim, FinalVerdict, Reviewer, Verdict
from workbench.vocabulary import counted, noun_for

CSV_SEPARATORS = (",", ";", "\t")
MAX_LISTED_PROBLEMS = 5
_INTEGER = re.compile(r"^-?\d{1,18}$")


class RatingsFileError(WorkbenchError):
    """A verdict file cannot be read as ratings; the message names the file (and lines)."""


@dataclass(frozen=True)
class RatingFilter:
    """Which verdicts to measure: by collection, article and the day a verdict was last changed."""

    collection_id: int | None = None
    article_id: int | None = None
    since: date | None = None
    """First day (UTC) included."""
    until: date | None = None
    """Last day (UTC) included."""
    include_match_applied: bool = False
    """Count verdicts applied from a match (not independent judgements, so left out by default)."""

    def claims(self) -> Select:
        """(id, article_id) of the reviewable claims in scope."""
        statement = select(Claim.id, Claim.article_id).where(Claim.reviewable)
        if self.collection_id is not None:
            statement = statement.join(Article, Article.id == Claim.article_id).where(
                Article.collection_id == self.collection_id
            )
        if self.article_id is not None:
            statement = statement.where(Claim.article_id == self.article_id)
        return statement

    def verdicts(self, *columns) -> Select:
        """``columns`` of the verdicts in scope (callers drop verdicts on non-claim units)."""
        statement = select(*columns)
        if self.collection_id is not None or self.article_id is not None:
            statement = statement.where(Verdict.claim_id.in_(self.claims().with_only_columns(Claim.id)))
        if self.since is not None:
            statement = statement.where(Verdict.updated_at >= _day_start(self.since))
        if self.until is not None:
            statement = statement.where(Verdict.updated_at < _day_start(self.until + timedelta(days=1)))
        return statement


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _integer_rows(session: Session, statement: Select, width: int) -> np.ndarray:
    """Rows of integer columns as an array, read straight from the driver's cursor.

    SQLAlchemy binds the parameters; skipping its per-row objects makes reading a million
    verdicts about twice as fast, which is safe because every column is a plain integer.
    """
    result = session.connection().execute(statement)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    return np.array(rows, dtype=np.int64).reshape(-1, width)


def load_rating_table(session: Session, filters: RatingFilter = RatingFilter()) -> RatingTable:
    """Current verdicts on reviewable claims in scope, encoded straight from integer columns."""
    label_code = case({label: code for code, label in enumerate(LABELS)}, value=Verdict.label, else_=-1)
    claims = _integer_rows(session, filters.claims().order_by(Claim.id), 2)
    verdicts = _integer_rows(session, filters.verdicts(Verdict.claim_id, Verdict.reviewer_id, label_code), 3)
    verdicts = verdicts[np.isin(verdicts[:, 0], claims[:, 0])]
    verdicts, notes = _without_match_applied(session, verdicts, filters.include_match_applied)
    claim_ids, reviewer_ids, values = verdicts.T
    unit_ids, unit_codes = np.unique(claim_ids, return_inverse=True)
    rater_ids, rater_codes = np.unique(reviewer_ids, return_inverse=True)
    names = dict(
        session.execute(select(Reviewer.id, Reviewer.name).where(Reviewer.id.in_(rater_ids.tolist()))).all()
    )
    return RatingTable(
        unit_codes=unit_codes.ravel(),
        rater_codes=rater_codes.ravel(),
        value_codes=values,
        unit_ids=unit_ids,
        raters=[names[int(rater_id)] for rater_id in rater_ids],
        labels=LABELS,
        unit_articles=claims[np.searchsorted(claims[:, 0], unit_ids), 1],
        notes=notes,
    )


def _without_match_applied(session: Session, verdicts: np.ndarray, include: bool) -> tuple[np.ndarray, list[str]]:
    """Drop the verdicts applied from a match (unless ``include``), with a note saying how many."""
    applied = applied_from_match(session)
    if not applied or not len(verdicts):
        return verdicts, []
    keys = verdicts[:, 0] * (1 << 31) + verdicts[:, 1]
    marked = np.isin(keys, np.array([claim * (1 << 31) + reviewer for claim, reviewer in applied], dtype=np.int64))
    count = int(marked.sum())
    if not count:
        return verdicts, []
    if include:
        return verdicts, [f"{counted(count, 'verdict')} applied from a match {'is' if count == 1 else 'are'} included (not independent judgements)."]
    return verdicts[~marked], [f"{counted(count, 'verdict')} applied from a match {'was' if count == 1 else 'were'} left out (not independent judgements)."]


def ratings_fingerprint(session: Session) -> tuple:
    """A cheap value that changes whenever any verdict or claim does (a cache key for loaded ratings)."""
    verdicts = session.execute(
        select(func.count(), func.max(Verdict.id), func.max(Verdict.updated_at)).select_from(Verdict)
    ).one()
    claims = session.execute(select(func.count(), func.sum(Claim.version)).select_from(Claim)).one()
    return (*verdicts, *claims)


def article_titles(session: Session, article_ids: Sequence[int]) -> dict[int, str]:
    """Titles of the given articles (an untitled article shows as ``Article <id>``)."""
    ids = [int(article_id) for article_id in article_ids]
    titles: dict[int, str] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        for article_id, title in session.execute(select(Article.id, Article.title).where(Article.id.in_(chunk))):
            titles[article_id] = title or f"Article {article_id}"
    return titles


def article_choices(session: Session, collection_id: int | None = None) -> list[tuple[int, str]]:
    """``(id, title)`` of the articles that have verdicts, optionally in one collection, by title."""
    statement = (
        select(Article.id, Article.title)
        .where(select(Verdict.id).join(Claim, Claim.id == Verdict.claim_id).where(Claim.article_id == Article.id).exists())
        .order_by(Article.title, Article.id)
    )
    if collection_id is not None:
        statement = statement.where(Article.collection_id == collection_id)
    return [(article_id, title or f"Article {article_id}") for article_id, title in session.execute(statement)]


def claim_summaries(session: Session, claim_ids: Sequence[int]) -> pd.DataFrame:
    """Text, article title and final verdict (missing while undecided) of the given claims, in the
    order given."""
    ids = [int(claim_id) for claim_id in claim_ids]
    rows = session.execute(
        select(Claim.id, Claim.text, Article.title, Article.id, FinalVerdict.label)
        .join(Article, Article.id == Claim.article_id)
        .outerjoin(FinalVerdict, FinalVerdict.claim_id == Claim.id)
        .where(Claim.id.in_(ids))
    ).all() if ids else []
    found = {
        claim_id: (text, title or f"Article {article_id}", final)
        for claim_id, text, title, article_id, final in rows
    }
    return pd.DataFrame(
        [(claim_id, *found[claim_id]) for claim_id in ids if claim_id in found],
        columns=["claim_id", "text", "article_title", "final"],
    )


@dataclass(frozen=True)
class AgreementAnalysis:
    """Everything the Agreement page shows for one scope."""

    report: AgreementReport
    by_label: pd.DataFrame
    by_article: pd.DataFrame
    """One row per article, with its ``title``."""
    by_reviewer: pd.DataFrame
    disputed: pd.DataFrame


def analyse(
    session: Session,
    actor: Actor,
    filters: RatingFilter = RatingFilter(),
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = 0,
) -> AgreementAnalysis:
    """Load the verdicts in scope and compute every measure and breakdown (leads only)."""
    require_lead(actor, "see agreement between reviewers")
    table = load_rating_table(session, filters)
    articles = by_article(table)
    titles = article_titles(session, articles["article_id"].tolist())
    articles.insert(1, "title", articles["article_id"].map(titles))
    return AgreementAnalysis(
        report=agreement_report(table, resamples=resamples, seed=seed),
        by_label=by_label(table),
        by_article=articles,
        by_reviewer=by_reviewer(table),
        disputed=disputed_claims(table),
    )


def read_ratings_csv(
    path: Path | str,
    *,
    claim_column: str = CLAIM_COLUMN,
    reviewer_column: str = REVIEWER_COLUMN,
    verdict_column: str = VERDICT_COLUMN,
    article_column: str = ARTICLE_COLUMN,
) -> RatingTable:
    """Ratings from a long verdict CSV (one row per claim × reviewer); other columns are ignored.

    Column names match case-insensitively. Labels are taken as they appear, so files from other
    tools work. The separator may be a comma, semicolon or tab. Rows with an empty verdict are
    skipped (and counted); an empty claim or reviewer, a row with the wrong number of fields, or
    two different verdicts by one reviewer on one claim is an error naming the lines.
    """
    path = Path(path)
    text = _read_text(path)
    wanted = {CLAIM_COLUMN: claim_column, REVIEWER_COLUMN: reviewer_column, VERDICT_COLUMN: verdict_column}
    separator = _separator(text.split("\n", 1)[0], list(wanted.values()))
    if separator is None:
        found = [name.strip() for name in next(csv.reader([text.split("\n", 1)[0]]), [])]
        lowered = {name.lower() for name in found}
        missing = [name for name in wanted.values() if name.lower() not in lowered]
        raise RatingsFileError(
            f"{path}: missing {noun_for(len(missing), 'column')} {', '.join(missing)} (found: {', '.join(found) or 'nothing'})."
        )
    header, rows, lines = _records(path, text, separator)
    positions = {name.strip().lower(): index for index, name in reversed(list(enumerate(header)))}
    if article_column.lower() in positions:
        wanted[ARTICLE_COLUMN] = article_column
    ratings = pd.DataFrame(
        {name: [row[positions[source.lower()]].strip() for row in rows] for name, source in wanted.items()}
    )
    ratings["line"] = np.asarray(lines, dtype=np.int64)
    ratings, notes = _checked_rows(path, ratings)
    for column in (CLAIM_COLUMN, ARTICLE_COLUMN):
        if column in ratings and ratings[column].map(lambda value: bool(_INTEGER.match(value))).all():
            ratings[column] = ratings[column].astype(np.int64)
    return RatingTable.from_frame(ratings.drop(columns="line"), notes=notes)


def _records(path: Path, text: str, separator: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data rows (blank rows skipped) and the line on which each row starts."""
    allow_long_csv_cells()
    reader = csv.reader(io.StringIO(text), delimiter=separator, strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if not any(field.strip() for field in record):
                continue
            if header is None:
                header = record
                continue
            if len(record) != len(header):
                if len(record) < len(header) or any(field.strip() for field in record[len(header) :]):
                    raise RatingsFileError(
                        f"{path}: line {start} has {len(record)} fields but the header has {len(header)}."
                    )
                record = record[: len(header)]
            rows.append(record)
            lines.append(start)
    except csv.Error as error:
        raise RatingsFileError(f"{path}: not a readable CSV file near line {reader.line_num} ({error}).") from None
    return header or [], rows, lines


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RatingsFileError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise RatingsFileError(f"{path}: is a folder, not a CSV file.") from None
    except OSError as error:
        raise RatingsFileError(f"{path}: cannot be read ({error.strerror}).") from None
    try:
        return decode_bytes(data).replace("\r\n", "\n")
    except UndecodableBytes as problem:
        raise RatingsFileError(f"{path}: {_UNDECODABLE[problem.why].format(problem=problem)}") from None


_UNDECODABLE = {
    Undecodable.EMPTY: "the file is empty.",
    Undecodable.BAD_UTF16: "not UTF-16 text, though marked as such ({problem.reason}). Save it as UTF-8 CSV and try again.",
    Undecodable.BINARY: "this looks like a binary file, not a CSV file.",
    Undecodable.UTF16_WITHOUT_BOM: "saved as UTF-16 without a byte-order mark. Save it as UTF-8 CSV and try again.",
    Undecodable.NOT_UTF8: "not UTF-8 text (line {problem.line}). Save it as UTF-8 CSV and try again.",
}


def _separator(header: str, wanted: Sequence[str]) -> str | None:
    for separator in CSV_SEPARATORS:
        fields = {name.strip().lower() for name in next(csv.reader([header], delimiter=separator), [])}
        if all(name.lower() in fields for name in wanted):
            return separator
    return None


def _checked_rows(path: Path, ratings: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    for column in (CLAIM_COLUMN, REVIEWER_COLUMN):
        empty = ratings.loc[ratings[column] == "", "line"]
        if len(empty):
            raise RatingsFileError(f"{path}: empty {column} on {noun_for(len(empty), 'line')} {_lines(empty)}.")
    notes: list[str] = []
    blank = ratings[VERDICT_COLUMN] == ""
    if blank.any():
        notes.append(f"{counted(int(blank.sum()), 'row')} with an empty verdict skipped.")
        ratings = ratings[~blank]
    key = [CLAIM_COLUMN, REVIEWER_COLUMN]
    repeated = ratings[ratings.duplicated(key, keep=False)]
    if len(repeated):
        conflicts = repeated[repeated.groupby(key, sort=False)[VERDICT_COLUMN].transform("nunique") > 1]
        if len(conflicts):
            described = [
                f"claim {claim} by {reviewer!r} on lines {_lines(group['line'])}"
                for (claim, reviewer), group in list(conflicts.groupby(key, sort=False))[:MAX_LISTED_PROBLEMS]
            ]
            raise RatingsFileError(
                f"{path}: conflicting verdicts for the same claim and reviewer: {'; '.join(described)}."
            )
        notes.append(f"{counted(int(ratings.duplicated(key).sum()), 'repeated row')} with the same verdict ignored.")
        ratings = ratings.drop_duplicates(key)
    spellings = pd.Series(ratings[VERDICT_COLUMN].unique())
    alike = spellings.groupby(spellings.str.strip().str.casefold()).agg(list)
    for variants in alike[alike.map(len) > 1].iloc[:MAX_LISTED_PROBLEMS]:
        notes.append(
            f"the labels {', '.join(map(repr, sorted(variants)))} differ only in case or spaces and count as "
            "different labels: write them one way if they mean the same."
        )
    return ratings, notes


def _lines(lines: pd.Series) -> str:
    shown = ", ".join(str(line) for line in lines.iloc[:MAX_LISTED_PROBLEMS])
    return shown + (f" and {len(lines) - MAX_LISTED_PROBLEMS} more" if len(lines) > MAX_LISTED_PROBLEMS else "")

"""Verdict sets out: streaming CSV, JSON Lines and schema.org ClaimReview exports.

Every export reads the database through one server-side cursor (``yield_per``) and writes
rows as they arrive, so memory stays flat however many verdicts there are. The column
names and meanings are documented in the README ("Verdict exports"); the columns and cells are
in :mod:`workbench.export_columns`, the options in :mod:`workbench.export_options` and the
queries in :mod:`workbench.export_queries`.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Connection, Select

from workbench.config import EXPORTS_DIR
from workbench.db import Database
from workbench.export_columns import (
    CLAIM_COLUMNS,
    FINAL_COLUMNS,
    LONG_COLUMNS,
    MATCH_GROUP_COLUMN,
    MODEL_FILL_COLUMNS,
    REVIEWER_COLUMN_PREFIX,
    TRIAGE_COLUMNS,
    WIDE_SUMMARY_COLUMNS,
    cell_encoder,
    column_type,
    iso_utc,
    json_value,
)
from workbench.export_options import DEFAULT_RATINGS, ClaimReviewSettings, ExportOptions
from workbench.export_queries import (
    count_query,
    final_query,
    long_query,
    resolve_scope,
    wide_query,
    wide_reviewers,
)
from workbench.matching import match_groups
from workbench.output import atomic_output

YIELD_PER = 5_000
ROWS_PER_CHUNK = 2_000

BROWSER_DOWNLOAD_MAX_ROWS = 250_000
"""The Export page offers downloads up to this many rows (a browser download is held in memory);
larger exports are made with ``workbench export``, which streams any size to disk."""


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
        from workbench.model_verdicts import final_rows_filled_with_model

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
    for each in {each["article_id"]: each for each in records}.values():  # each article once
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
    linked group's claims with the same final verdict that state the same fact (held until the end;
    only grouped rows are kept)."""
    held: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for row in rows:
        if row[-1] is None:
            yield [row]
        else:
            held.setdefault((row[-1], row[FINAL_COLUMNS.index("final_verdict")]), []).append(row)
    for group in held.values():
        yield from _same_facts(sorted(group, key=lambda row: row[0]))


def _same_facts(rows: list[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    """``rows`` of one group split where the matching guard finds a different fact: a group joins
    through pairs, so ``$25 million`` and ``$30 million`` may share one through a claim naming no sum,
    and one review must not present both as one claim."""
    from workbench.match_text import conflicts, features  # scikit-learn's stop words: only for groups

    text = FINAL_COLUMNS.index("claim_text")
    remaining = [(row, features(row[text])) for row in rows]  # each claim's features read once
    while remaining:
        (head, first), *others = remaining
        same, remaining = [head], []
        for row, read in others:
            if conflicts(first, read):
                remaining.append((row, read))
            else:
                same.append(row)
        yield same


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
    overwrite: bool = False,
    directory: Path = EXPORTS_DIR,
    now: datetime | None = None,
) -> ExportResult:
    """Write the export to ``out`` or to a new timestamped file in ``directory``.

    The file appears whole or not at all (:func:`workbench.output.atomic_output`); an existing
    ``out`` is refused unless ``overwrite``.
    """
    options = options.checked()
    if out is None:
        directory.mkdir(parents=True, exist_ok=True)
        out = _unused(directory / default_file_name(options, now or datetime.now(timezone.utc)))
    with atomic_output(out, overwrite=overwrite) as partial:
        with partial.open("w", encoding="utf-8", newline="") as stream:
            rows = write_export(database, stream, options)
    return ExportResult(out, rows)


def _unused(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate

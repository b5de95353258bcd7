"""``workbench aggregate``: the most likely verdict per claim and each reviewer's reliability."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click
import pandas as pd

from workbench.agreement_data import RatingFilter, load_rating_table, read_ratings_csv
from workbench.assignment import collection_named
from workbench.cli.common import database_from
from workbench.reliability import METHODS, Aggregation, aggregate as aggregate_table

SHOWN_CLAIMS = 20
"""The table lists this many of the least certain claims (csv and json list every claim)."""


@click.command()
@click.option("--input", "input_path", type=click.Path(path_type=Path, dir_okay=False),
              help="A long verdict CSV (claim_id, reviewer, verdict, …) instead of the database.")
@click.option("--collection", metavar="NAME", help="Only this collection (database only).")
@click.option("--method", type=click.Choice(METHODS), default="dawid-skene", show_default=True,
              help="Dawid–Skene (per-reviewer confusion matrices, EM) or plain majority vote.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="table: reviewers and the least certain claims; json: everything; "
              "csv: one row per claim with every label's probability.")
@click.pass_context
def aggregate(ctx: click.Context, input_path: Path | None, collection: str | None, method: str,
              output_format: str) -> None:
    """Most likely verdict per claim, with its probability, and each reviewer's reliability.

    Reads the current verdicts from the database, or any long verdict CSV given with --input.
    """
    if input_path is not None:
        if collection:
            raise click.UsageError("--collection applies to the database, not --input.")
        table = read_ratings_csv(input_path)
    else:
        with database_from(ctx).session() as session:
            filters = RatingFilter(collection_named(session, collection).id) if collection else RatingFilter()
            table = load_rating_table(session, filters)
    result = aggregate_table(table, method)
    if output_format == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif output_format == "csv":
        _write_csv(result)
    else:
        click.echo(_table_text(result))


def _write_csv(result: Aggregation) -> None:
    frame = result.claims_frame()
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        writer.writerow([repr(value) if isinstance(value, float) else value for value in row])


def _table_text(result: Aggregation) -> str:
    claims = result.claims_frame()
    lines = [
        f"{result.method}: {len(claims):,} claims, {len(result.reviewers)} reviewers"
        + (f", {result.iterations} EM iterations" + ("" if result.converged else " (not converged)")
           if result.method == "dawid-skene" else ""),
        "Estimated share of each verdict: "
        + ", ".join(f"{label} {share:.3f}" for label, share in zip(result.labels, result.prevalence)),
    ]
    lines += [f"Note: {note}" for note in result.notes]
    reviewers = result.reviewers_frame().sort_values("reliability", na_position="last")
    if len(reviewers):
        lines += ["", "Reviewers, least reliable first (reliability: kappa against the estimated truth):",
                  _frame_text(reviewers)]
        for item in result.reviewers:
            confusion = pd.DataFrame(item.confusion, index=[f"true {label}" for label in result.labels],
                                     columns=list(result.labels))
            lines += ["", f"{item.reviewer}: confusion (row = true verdict, column = given)", _frame_text(confusion, True)]
    if len(claims):
        least = claims.sort_values(["confidence", "claim_id"]).head(SHOWN_CLAIMS)
        lines += ["", f"The {len(least)} least certain claims (--format csv for all):",
                  _frame_text(least[["claim_id", "label", "confidence"]])]
    return "\n".join(lines)


def _frame_text(frame: pd.DataFrame, index: bool = False) -> str:
    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(lambda value: "-" if pd.isna(value) else f"{value:.3f}")
    return shown.fillna("").to_string(index=index)

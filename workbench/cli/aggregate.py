"""``workbench aggregate``: the most likely verdict per claim and each reviewer's reliability."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click
import pandas as pd
from sqlalchemy import func, select

from workbench.access import lead_named
from workbench.agreement_data import RatingFilter, load_rating_table, read_ratings_csv
from workbench.cli.common import database_from, frame_text, lead_option
from workbench.controls import (
    DEFAULT_CONTROL_THRESHOLD,
    control_scores,
    mark_control,
    set_control_rate,
    unmark_control,
)
from workbench.models import Collection, ControlClaim, FinalVerdict
from workbench.names import require_named
from workbench.reliability import METHODS, Aggregation
from workbench.reliability import aggregate as aggregate_table
from workbench.vocabulary import counted

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
            filters = RatingFilter(require_named(session, Collection, collection).id) if collection else RatingFilter()
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
        f"{result.method}: {counted(len(claims), 'claim')}, {counted(len(result.reviewers), 'reviewer')}"
        + (f", {result.iterations} EM iterations" + ("" if result.converged else " (not converged)")
           if result.method == "dawid-skene" else ""),
        "Estimated share of each verdict: "
        + ", ".join(f"{label} {share:.3f}" for label, share in zip(result.labels, result.prevalence)),
    ]
    lines += [f"Note: {note}" for note in result.notes]
    reviewers = result.reviewers_frame().sort_values("reliability", na_position="last")
    if len(reviewers):
        lines += ["", "Reviewers, least reliable first (reliability: kappa against the estimated truth):",
                  frame_text(reviewers)]
        for item in result.reviewers:
            confusion = pd.DataFrame(item.confusion, index=[f"true {label}" for label in result.labels],
                                     columns=list(result.labels))
            lines += ["", f"{item.reviewer}: confusion (row = true verdict, column = given)", frame_text(confusion, True)]
    if len(claims):
        least = claims.sort_values(["confidence", "claim_id"]).head(SHOWN_CLAIMS)
        lines += ["", f"The {len(least)} least certain claims (--format csv for all):",
                  frame_text(least[["claim_id", "label", "confidence"]])]
    return "\n".join(lines)


# --- control claims -----------------------------------------------------------------------------


@click.group()
def controls() -> None:
    """Control claims: adjudicated claims mixed into queues to measure each reviewer's accuracy (leads only)."""


@controls.command("mark")
@lead_option
@click.argument("claim_ids", type=int, nargs=-1, required=True)
@click.pass_context
def mark(ctx: click.Context, lead_name: str, claim_ids: tuple[int, ...]) -> None:
    """Use adjudicated claims as controls (their final verdict is the answer)."""
    with database_from(ctx).transaction() as session:
        lead = lead_named(session, lead_name)
        added = sum(mark_control(session, lead, claim_id) for claim_id in claim_ids)
    click.echo(f"{counted(added, 'claim')} added as controls; {len(claim_ids) - added} already were.")


@controls.command("unmark")
@lead_option
@click.argument("claim_ids", type=int, nargs=-1, required=True)
@click.pass_context
def unmark(ctx: click.Context, lead_name: str, claim_ids: tuple[int, ...]) -> None:
    """Stop using claims as controls (verdicts on them stay)."""
    with database_from(ctx).transaction() as session:
        lead = lead_named(session, lead_name)
        kept = [claim_id for claim_id in claim_ids if not unmark_control(session, lead, claim_id)]
    removed = len(claim_ids) - len(kept)
    were_not = f"; not controls: {', '.join(map(str, kept))}" if kept else ""
    click.echo(f"{counted(removed, 'control claim')} removed{were_not}.")


@controls.command("rate")
@lead_option
@click.argument("collection")
@click.argument("rate", type=float)
@click.option("--threshold", type=float, default=DEFAULT_CONTROL_THRESHOLD, show_default=True,
              help="Flag reviewers whose accuracy on controls is below this.")
@click.pass_context
def rate(ctx: click.Context, lead_name: str, collection: str, rate: float, threshold: float) -> None:
    """Show a control in about RATE of the steps of COLLECTION's queues (0 to 0.5; 0 turns controls off)."""
    with database_from(ctx).transaction() as session:
        set_control_rate(session, lead_named(session, lead_name), require_named(session, Collection, collection).id,
                         rate, threshold)
    click.echo(f"{collection}: controls in {rate:.0%} of queue steps; flag accuracy below {threshold:.0%}.")


@controls.command("report")
@lead_option
@click.option("--collection", metavar="NAME", help="Only controls of this collection.")
@click.pass_context
def report(ctx: click.Context, lead_name: str, collection: str | None) -> None:
    """Each reviewer's accuracy on control claims, lowest first; those below the threshold flagged."""
    with database_from(ctx).session() as session:
        lead = lead_named(session, lead_name)
        collection_id = require_named(session, Collection, collection).id if collection else None
        scores = control_scores(session, lead, collection_id)
        n_controls = session.scalar(select(func.count()).select_from(ControlClaim))
        unjudged = session.scalar(
            select(func.count()).select_from(ControlClaim)
            .where(~select(FinalVerdict.claim_id).where(FinalVerdict.claim_id == ControlClaim.claim_id).exists())
        )
    note = f" ({unjudged} without a final verdict: not scored until one is recorded)" if unjudged else ""
    click.echo(f"{counted(n_controls, 'control claim')}{note}.")
    for score in scores:
        flag = "  BELOW THRESHOLD" if score.below_threshold else ""
        accuracy = "-" if score.accuracy is None else f"{score.accuracy:.1%}"
        click.echo(f"{score.reviewer:20} {score.correct}/{score.answered} right ({accuracy}){flag}")
    if not scores:
        click.echo("Nobody has answered a control claim yet.")

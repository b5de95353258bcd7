"""Verdict sets out and in: ``workbench export`` and ``workbench import-verdicts``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.access import Actor
from workbench.cli.common import database_from
from workbench.config import EXPORTS_DIR
from workbench.export import export_to_path, write_export
from workbench.output import OutputExists
from workbench.export_options import (
    DEFAULT_ORGANISATION,
    DEFAULT_RATINGS,
    FORMATS,
    LAYOUTS,
    ClaimReviewSettings,
    ExportFilters,
    ExportOptions,
    parse_rating_map,
    parse_since,
)
from workbench.verdict_import import import_verdicts_file
from workbench.vocabulary import counted

DEFAULT_RATING_MAP = ",".join(
    f"{label}={rating.alternate_name}" for label, rating in DEFAULT_RATINGS.items()
)


@click.command()
@click.option(
    "--format", "export_format", type=click.Choice(FORMATS), default="csv", show_default=True
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default=None,
    help="long: one row per verdict; wide: one row per claim; final: adjudicated claims. "
    "[default: long, or final for claimreview]",
)
@click.option(
    "--article",
    "article_ids",
    type=int,
    multiple=True,
    metavar="ID",
    help="Only this article (repeatable).",
)
@click.option(
    "--reviewer",
    "reviewers",
    multiple=True,
    metavar="NAME",
    help="Only this reviewer's verdicts (repeatable).",
)
@click.option(
    "--collection",
    "collections",
    multiple=True,
    metavar="NAME",
    help="Only this collection (repeatable).",
)
@click.option(
    "--since",
    metavar="DATE",
    help="Only verdicts created or changed at or after DATE (UTC), e.g. 2024-05-01.",
)
@click.option(
    "--signal",
    "signals",
    multiple=True,
    metavar="KIND",
    help="Only claims with this triage signal, e.g. number, quote, prediction (repeatable: all must be present).",
)
@click.option(
    "--min-checkworthiness",
    type=float,
    metavar="SCORE",
    help="Only claims whose check-worthiness (0–1) is at least SCORE.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help=f"Output file, or - for standard output [default: a new timestamped file in {EXPORTS_DIR}/].",
)
@click.option("--overwrite", is_flag=True, help="Replace the --out file if it exists.")
@click.option(
    "--no-formula-guard",
    is_flag=True,
    help="Write cells exactly as stored, without the ' that stops spreadsheets running =, +, -, @ as formulas "
    "(for pipelines that never open the file in a spreadsheet).",
)
@click.option(
    "--rating-map",
    metavar="MAP",
    help=f"claimreview: label=Rating pairs or a JSON file [default: {DEFAULT_RATING_MAP}].",
)
@click.option(
    "--organisation",
    default=DEFAULT_ORGANISATION,
    show_default=True,
    help="claimreview: the organisation named as author.",
)
@click.option(
    "--review-url",
    metavar="TEMPLATE",
    help="claimreview: URL of each published review, with {claim_id} and/or {article_id}.",
)
@click.option(
    "--fill-with-model",
    is_flag=True,
    help="final: also claims not adjudicated, with the model's (Dawid–Skene) most likely verdict, "
    "flagged in verdict_source.",
)
@click.pass_context
def export(
    ctx: click.Context,
    export_format: str,
    layout: str | None,
    article_ids: tuple[int, ...],
    reviewers: tuple[str, ...],
    collections: tuple[str, ...],
    since: str | None,
    signals: tuple[str, ...],
    min_checkworthiness: float | None,
    out: Path | None,
    overwrite: bool,
    no_formula_guard: bool,
    rating_map: str | None,
    organisation: str,
    review_url: str | None,
    fill_with_model: bool,
) -> None:
    """Export verdicts as CSV, JSON Lines or schema.org ClaimReview.

    Columns are documented in the README ("Verdict exports"). The export streams, so any size works.
    """
    options = ExportOptions(
        format=export_format,
        layout=layout or ("final" if export_format == "claimreview" else "long"),
        filters=ExportFilters(
            article_ids=article_ids,
            reviewers=reviewers,
            collections=collections,
            since=parse_since(since) if since else None,
            signals=signals,
            min_checkworthiness=min_checkworthiness,
        ),
        formula_guard=not no_formula_guard,
        fill_with_model=fill_with_model,
        claimreview=ClaimReviewSettings(
            organisation=organisation,
            ratings=parse_rating_map(rating_map) if rating_map else dict(DEFAULT_RATINGS),
            review_url=review_url,
        ),
    ).checked()
    database = database_from(ctx)
    if out is not None and str(out) == "-":
        rows = write_export(database, sys.stdout, options)
        click.echo(f"Wrote {counted(rows, 'row')} to standard output.", err=True)
        return
    try:
        result = export_to_path(database, options, out, overwrite=overwrite)
    except OutputExists as error:
        raise click.ClickException(f"{out} already exists; choose a new file name or add --overwrite.") from error
    click.echo(f"Wrote {counted(result.rows, 'row')} to {result.path}", err=True)
    click.echo(str(result.path))


@click.command("import-verdicts")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--create-reviewers",
    is_flag=True,
    help="Add reviewers the file names but the database lacks (no password).",
)
@click.option(
    "--no-formula-guard",
    is_flag=True,
    help="The file was exported with --no-formula-guard: take cells as they are.",
)
@click.option(
    "--dry-run", is_flag=True, help="Check the file and say what would change, without writing."
)
@click.pass_context
def import_verdicts_command(
    ctx: click.Context, file: Path, create_reviewers: bool, no_formula_guard: bool, dry_run: bool
) -> None:
    """Import verdicts from a long CSV export (all or nothing; problems are listed by line).

    Needs the columns claim_id, reviewer and verdict; reads note, evidence and claim_text
    when present. Re-importing the same file changes nothing.
    """
    report = import_verdicts_file(
        database_from(ctx),
        file,
        actor=Actor.operator(),
        create_reviewers=create_reviewers,
        formula_guard=not no_formula_guard,
        dry_run=dry_run,
    )
    click.echo(report.summary())



"""``workbench agreement``: how far reviewers agree."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import click
import pandas as pd

from workbench.agreement import DEFAULT_RESAMPLES, AgreementReport, agreement_report
from workbench.agreement_breakdowns import by_article, by_label, by_reviewer
from workbench.agreement_data import (
    RatingFilter,
    article_titles,
    load_rating_table,
    read_ratings_csv,
)
from workbench.cli.common import database_from, frame_text
from workbench.models import Collection
from workbench.names import require_named
from workbench.vocabulary import counted

BREAKDOWNS = {"label": by_label, "article": by_article, "reviewer": by_reviewer}


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2024-05-31", param_hint=option) from None


@click.command()
@click.option("--input", "input_path", type=click.Path(path_type=Path, dir_okay=False),
              help="A long verdict CSV (claim_id, reviewer, verdict, …) instead of the database.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--by", "breakdowns", type=click.Choice(list(BREAKDOWNS)), multiple=True,
              help="Also break the figures down by label, article or reviewer (repeatable).")
@click.option("--collection", metavar="NAME", help="Only this collection (database only).")
@click.option("--article", "article_id", type=int, metavar="ID", help="Only this article (database only).")
@click.option("--since", metavar="DATE", help="Only verdicts last changed on or after this day (UTC).")
@click.option("--until", metavar="DATE", help="Only verdicts last changed on or before this day (UTC).")
@click.option("--resamples", type=click.IntRange(min=0), default=DEFAULT_RESAMPLES, show_default=True,
              help="Bootstrap resamples for alpha's 95% interval (0 to skip).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the bootstrap.")
@click.option("--include-match-applied", is_flag=True,
              help="Also count verdicts applied from a match (left out by default: not independent judgements).")
@click.option("--claim-column", default="claim_id", show_default=True, help="Claim column in --input.")
@click.option("--reviewer-column", default="reviewer", show_default=True, help="Reviewer column in --input.")
@click.option("--verdict-column", default="verdict", show_default=True, help="Verdict column in --input.")
@click.pass_context
def agreement(
    ctx: click.Context,
    input_path: Path | None,
    output_format: str,
    breakdowns: tuple[str, ...],
    collection: str | None,
    article_id: int | None,
    since: str | None,
    until: str | None,
    resamples: int,
    seed: int,
    include_match_applied: bool,
    claim_column: str,
    reviewer_column: str,
    verdict_column: str,
) -> None:
    """How far reviewers agree: percent agreement, Cohen's, Fleiss' kappa, Krippendorff's alpha.

    Reads the current verdicts from the database, or any long verdict CSV given with --input
    (labels in a file are taken as they appear, so files from other tools work).
    """
    titles: dict[int, str] = {}
    if input_path is not None:
        if collection or article_id is not None or since or until:
            raise click.UsageError("--collection, --article, --since and --until apply to the database, not --input.")
        table = read_ratings_csv(
            input_path, claim_column=claim_column, reviewer_column=reviewer_column, verdict_column=verdict_column
        )
        source = str(input_path)
    else:
        filters = RatingFilter(article_id=article_id, since=_day(since, "--since"), until=_day(until, "--until"),
                               include_match_applied=include_match_applied)
        if filters.since and filters.until and filters.since > filters.until:
            raise click.UsageError(f"--since {filters.since} is after --until {filters.until}: no day is in that range.")
        with database_from(ctx).session() as session:
            if collection:
                filters = RatingFilter(require_named(session, Collection, collection).id, article_id, filters.since, filters.until,
                                       include_match_applied)
            table = load_rating_table(session, filters)
            if "article" in breakdowns and table.unit_articles is not None:
                titles = article_titles(session, sorted(set(table.unit_articles.tolist())))
        source = "database"
    report = agreement_report(table, resamples=resamples, seed=seed)
    tables = {name: BREAKDOWNS[name](table) for name in dict.fromkeys(breakdowns)}
    if "article" in tables and titles:
        tables["article"].insert(1, "title", tables["article"]["article_id"].map(titles))
    if output_format == "json":
        document = {"source": source, **report.to_dict()}
        document.update({f"by_{name}": _records(frame) for name, frame in tables.items()})
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(_report_text(source, report, tables))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{key: _plain(value) for key, value in row.items()} for row in frame.to_dict("records")]


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            return None
    return value


def _number(value: float | None, digits: int = 3) -> str:
    return "undefined" if value is None else f"{value:.{digits}f}"


def _report_text(source: str, report: AgreementReport, tables: dict[str, pd.DataFrame]) -> str:
    alpha, fleiss, agreement_ = report.krippendorff_alpha, report.fleiss_kappa, report.percent_agreement
    alpha_line = f"Krippendorff alpha  {_number(alpha.value)}"
    if alpha.ci95:
        alpha_line += f"  95% CI {alpha.ci95[0]:.3f} to {alpha.ci95[1]:.3f} ({alpha.n_resamples} resamples)"
    alpha_line += f"  {alpha.note or alpha.interpretation}"
    alpha_line += f"  [{counted(alpha.n_claims, 'claim')}; {alpha.n_claims_left_out:,} with one verdict left out]"
    fleiss_line = f"Fleiss kappa        {_number(fleiss.value)}"
    if fleiss.note:
        fleiss_line += f"  {fleiss.note}"
    if fleiss.reviewers_per_claim:
        fleiss_line += (
            f"  [{counted(fleiss.n_claims, 'claim')} rated by {fleiss.reviewers_per_claim} reviewers; "
            f"{fleiss.n_claims_left_out:,} others left out]"
        )
    lines = [
        (
            f"Agreement from {source}: {counted(report.n_ratings, 'verdict')} by "
            f"{counted(report.n_reviewers, 'reviewer')} on {counted(report.n_claims, 'claim')} ({report.n_claims_compared:,} rated by two or more, "
            f"{report.n_claims_disputed:,} disputed)."
        ),
        "",
        f"Percent agreement   {_number(agreement_.value)}  {agreement_.note or '(mean share of agreeing reviewer pairs per claim)'}",
        alpha_line,
        fleiss_line,
    ]
    lines += [f"Note: {note}" for note in report.notes]
    if report.cohen_kappa:
        pairs = pd.DataFrame([pair.to_dict() for pair in report.cohen_kappa])
        lines += ["", "Cohen's kappa per pair of reviewers (n = claims both rated):", frame_text(pairs)]
    if report.n_claims_compared:
        lines += ["", "Label confusion (pairs of verdicts on the same claim):", frame_text(report.confusion_pairs())]
    for name, frame in tables.items():
        lines += ["", f"By {name}:", frame_text(frame)]
    return "\n".join(lines)



"""Same claim across articles: ``workbench matches`` and ``workbench similarity``."""

from __future__ import annotations

import json
import sys

import click

from workbench.cli.common import database_from
from workbench.errors import WorkbenchError
from workbench.match_text import Thresholds, compare_pairs
from workbench.match_search import collection_thresholds, rebuild, set_thresholds
from workbench.matching import list_matches
from workbench.vocabulary import MATCH_TIERS, counted

MAX_PAIR_LINES = 1_000_000


@click.command()
@click.option("--collection", metavar="NAME", help="Only matches within this collection.")
@click.option("--all-collections", is_flag=True, help="Also matches across collections (checked before).")
@click.option("--tier", type=click.Choice(MATCH_TIERS), help="Only linked or only suggested matches.")
@click.option("--format", "output_format", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.option("--rebuild", "do_rebuild", is_flag=True, help="Recompute the matches first (decisions are kept).")
@click.option("--link-threshold", type=float,
              help="With --collection: store this collection's link threshold (the other one stays) and rebuild.")
@click.option("--suggest-threshold", type=float,
              help="With --collection: store this collection's suggest threshold (the other one stays) and rebuild.")
@click.pass_context
def matches(ctx, collection, all_collections, tier, output_format, do_rebuild, link_threshold, suggest_threshold):
    """List the claims that say the same thing in different articles, conflicts first."""
    database = database_from(ctx)
    if link_threshold is not None or suggest_threshold is not None:
        if collection is None:
            raise click.UsageError("Say which collection's thresholds to change: --collection NAME.")
        with database.transaction() as session:
            current = collection_thresholds(session, collection)
            set_thresholds(
                session, collection,
                current.link if link_threshold is None else link_threshold,
                current.suggest if suggest_threshold is None else suggest_threshold,
            )
        do_rebuild = True
    if do_rebuild:
        report = rebuild(database, collection, across_collections=all_collections)
        click.echo(
            f"Rebuilt: {counted(report.claims, 'claim')}, {counted(report.candidates, 'candidate pair')} scored, "
            f"{report.linked} linked, {report.suggested} suggested.",
            err=True,
        )
    with database.read_session() as session:
        rows = list_matches(session, collection, all_collections=all_collections, tier=tier)
    if output_format == "jsonl":
        for row in rows:
            click.echo(json.dumps(row.as_json(), ensure_ascii=False))
        return
    if not rows:
        click.echo("No matches." + ("" if do_rebuild else " (Run with --rebuild to compute them.)"))
        return
    for row in rows:
        reasons = "; ".join(row.reasons)
        decided = f", {row.status} by {row.decided_by or 'someone'}" if row.status != "suggested" else ", undecided"
        click.echo(f"#{row.id} {row.tier}, score {row.score:.2f}{decided}{'  [' + reasons + ']' if reasons else ''}")
        click.echo(f"  claim {row.claim_a} in {row.title_a[:60]!r}: {row.text_a[:160]}")
        click.echo(f"  claim {row.claim_b} in {row.title_b[:60]!r}: {row.text_b[:160]}")


def read_pairs(stream) -> list[tuple[str, str]]:
    """``{"a": text, "b": text}`` per line; every bad line is reported and nothing is scored. Blank
    lines at the end are ignored; one between pairs is an error (the output keeps the input's lines)."""
    pairs, errors, blank = [], [], []
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            blank.append(f"line {number}: empty line")
            continue
        errors += blank
        blank = []
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(f"line {number}: not JSON ({error.msg})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("a"), str) or not isinstance(record.get("b"), str):
            errors.append(f'line {number}: needs {{"a": text, "b": text}}')
            continue
        pairs.append((record["a"], record["b"]))
        if len(pairs) > MAX_PAIR_LINES:
            raise WorkbenchError(f"More than {MAX_PAIR_LINES:,} pairs: split the file.")
    if errors:
        raise WorkbenchError("Nothing scored:\n" + "\n".join(errors[:20]))
    if not pairs:
        raise WorkbenchError('Nothing to score: the file holds no pairs ({"a": text, "b": text} per line).')
    return pairs


@click.command()
@click.option("--pairs", "pairs_file", required=True, type=click.File("r", encoding="utf-8-sig"), help="JSON Lines, '-' for standard input.")
@click.option("--format", "output_format", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@click.option("--link-threshold", type=float, default=Thresholds().link, show_default=True)
@click.option("--suggest-threshold", type=float, default=Thresholds().suggest, show_default=True)
def similarity(pairs_file, output_format, link_threshold, suggest_threshold):
    """Score text pairs: one {"score", "tier", "reasons"} line per input line, in order."""
    thresholds = Thresholds(link_threshold, suggest_threshold)
    try:
        pairs = read_pairs(pairs_file)
    except UnicodeDecodeError as error:
        raise WorkbenchError(f"The pairs file is not UTF-8: {error.reason}.") from error
    for verdict in compare_pairs(pairs, thresholds):
        if output_format == "jsonl":
            record = {"score": verdict.score, "tier": verdict.tier, "reasons": list(verdict.reasons)}
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            click.echo(f"{verdict.score:.3f}\t{verdict.tier}\t{'; '.join(verdict.reasons)}")

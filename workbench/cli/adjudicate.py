"""``workbench adjudicate``: final verdicts on the claims reviewers disagree on (leads only)."""

from __future__ import annotations

import json

import click

from workbench import LABELS
from workbench.adjudication import (
    DEFAULT_PAGE_SIZE,
    QueueFilter,
    accept_unanimous,
    adjudication_queue,
    claim_case,
    clear_final_verdict,
    record_final_verdict,
)
from workbench.access import lead_named
from workbench.cli.common import database_from, lead_option
from workbench.models import Collection
from workbench.names import require_named
from workbench.vocabulary import counted


def _collection_id(session, name: str | None) -> int | None:
    return require_named(session, Collection, name).id if name else None


@click.group()
def adjudicate() -> None:
    """Settle claims reviewers disagree on with a final verdict (leads only)."""


@adjudicate.command("list")
@lead_option
@click.option("--collection", metavar="NAME", help="Only this collection.")
@click.option("--article", "article_id", type=int, metavar="ID", help="Only this article.")
@click.option("--unanimous", is_flag=True, help="Also list claims all reviewers agree on (to audit).")
@click.option("--decided", is_flag=True, help="Also list claims that already have a final verdict.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--page-size", type=click.IntRange(1, 500), default=DEFAULT_PAGE_SIZE, show_default=True)
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def list_queue(ctx: click.Context, lead_name: str, collection: str | None, article_id: int | None, unanimous: bool, decided: bool,
               page: int, page_size: int, output_format: str) -> None:
    """Claims waiting for a final verdict, with how the reviewers split."""
    with database_from(ctx).session() as session:
        actor = lead_named(session, lead_name)
        filters = QueueFilter(_collection_id(session, collection), article_id, unanimous, decided)
        result = adjudication_queue(session, actor, filters, offset=(page - 1) * page_size, limit=page_size)
    pages = max(1, -(-result.total // page_size))
    if page > pages:
        raise click.ClickException(
            f"There is no page {page}; the last is page {pages} ({counted(result.total, 'claim')} to "
            f"adjudicate, {page_size} a page)."
        )
    if output_format == "json":
        click.echo(json.dumps({
            "total": result.total,
            "page": page,
            "page_size": page_size,
            "claims": [
                {"claim_id": item.claim_id, "article_id": item.article_id, "article_title": item.article_title,
                 "text": item.text, "verdicts": item.label_counts, "majority": item.majority,
                 "final": item.final_label}
                for item in result.items
            ],
        }, indent=2, ensure_ascii=False))
        return
    click.echo(f"{counted(result.total, 'claim')} to adjudicate; page {page} of {pages}.")
    for item in result.items:
        split = ", ".join(f"{count} {label}" for label, count in item.label_counts.items() if count)
        final = f"  final: {item.final_label}" if item.final_label else ""
        text = item.text.replace("\n", " ")
        click.echo(f"{item.claim_id:>8}  [{split}]{final}  {text[:90] + ('…' if len(text) > 90 else '')}")


@adjudicate.command("show")
@lead_option
@click.argument("claim_id", type=int)
@click.pass_context
def show_claim(ctx: click.Context, lead_name: str, claim_id: int) -> None:
    """A claim in context with every reviewer's verdict, note and evidence."""
    with database_from(ctx).session() as session:
        case = claim_case(session, lead_named(session, lead_name), claim_id)
    click.secho(f"Claim {case.claim_id} in {case.article_title!r} (article {case.article_id})", bold=True)
    click.echo(f"…{case.context_before[-200:]}[{case.text}]{case.context_after[:200]}…")
    click.echo("")
    for verdict in case.verdicts:
        click.echo(f"  {verdict.reviewer}: {verdict.label}  ({verdict.updated_at:%Y-%m-%d %H:%M} UTC)")
        if verdict.note:
            click.echo(f"      note: {verdict.note}")
        for link in verdict.evidence:
            click.echo(f"      evidence: {link}")
    if not case.verdicts:
        click.echo("  No verdicts yet.")
    if case.final:
        click.echo(f"\nFinal: {case.final.label} by {case.final.decided_by} "
                   f"({case.final.updated_at:%Y-%m-%d %H:%M} UTC)"
                   + (f": {case.final.rationale}" if case.final.rationale else ""))
        if case.changed_since_decision:
            click.echo("A reviewer changed a verdict after this decision.")


@adjudicate.command("decide")
@lead_option
@click.argument("claim_id", type=int)
@click.argument("label", type=click.Choice(LABELS))
@click.option("--rationale", default="", help="Why (required when overriding the reviewers' majority).")
@click.pass_context
def decide(ctx: click.Context, lead_name: str, claim_id: int, label: str, rationale: str) -> None:
    """Record the final verdict on a claim."""
    with database_from(ctx).transaction() as session:
        change = record_final_verdict(session, lead_named(session, lead_name), claim_id, label, rationale)
    click.echo({"create": "Recorded", "update": "Changed", None: "Unchanged"}[change.action]
               + f": claim {claim_id} is final as {label}.")


@adjudicate.command("clear")
@lead_option
@click.argument("claim_id", type=int)
@click.option("--reason", default="", help="Why the final verdict is withdrawn (kept in the history).")
@click.pass_context
def clear(ctx: click.Context, lead_name: str, claim_id: int, reason: str) -> None:
    """Withdraw a claim's final verdict; it returns to the queue."""
    with database_from(ctx).transaction() as session:
        cleared = clear_final_verdict(session, lead_named(session, lead_name), claim_id, reason)
    click.echo(f"Cleared the final verdict on claim {claim_id}." if cleared else f"Claim {claim_id} had no final verdict.")


@adjudicate.command("accept-unanimous")
@lead_option
@click.option("--collection", metavar="NAME", help="Only this collection.")
@click.option("--article", "article_id", type=int, metavar="ID", help="Only this article.")
@click.option("--claim", "claim_ids", type=int, multiple=True, metavar="ID",
              help="Only these claims (repeatable); each must be unanimous.")
@click.pass_context
def accept(ctx: click.Context, lead_name: str, collection: str | None, article_id: int | None, claim_ids: tuple[int, ...]) -> None:
    """Make the reviewers' label final wherever two or more all agree and no final verdict exists."""
    with database_from(ctx).transaction() as session:
        count = accept_unanimous(
            session,
            lead_named(session, lead_name),
            claim_ids=list(claim_ids) or None,
            collection_id=_collection_id(session, collection),
            article_id=article_id,
        )
    click.echo(f"Accepted {counted(count, 'unanimous claim')} as final.")



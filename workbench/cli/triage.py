"""``workbench triage``: check-worthiness, signals and quotes of an article's claims or of sentences."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.cli.common import database_from
from workbench.vocabulary import ClaimKind, counted


_LINE_SEPARATORS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})
"""Characters ``str.splitlines`` (and JavaScript) take for line ends: escaped in JSON Lines output."""


def _emit(records: list[dict], output_format: str) -> None:
    for record in records:
        if output_format == "jsonl":
            click.echo(json.dumps(record, ensure_ascii=False).translate(_LINE_SEPARATORS))
        else:
            reasons = ", ".join(record.pop("reasons"))
            click.echo(f"{record['checkworthiness']:.3f}  {record['id']}  {record['text']}")
            if reasons:
                click.echo(f"        {reasons}")


@click.command()
@click.option("--input", "input_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An article (any ingest format) or JSON Lines of {\"id\", \"text\"} sentences.")
@click.option("--format", "output_format", type=click.Choice(["table", "jsonl"]),
              help="How --input's records are printed.  [default: table]")
@click.option("--recompute", is_flag=True, help="Recompute the stored triage of every claim in the database.")
@click.option("--queue-order", type=click.Choice(["article", "checkworthiness"]),
              help="Set how --collection's review queue is ordered.")
@click.option("--collection", help="The collection whose queue order to set or model to train.")
@click.option("--train", is_flag=True,
              help="Train --collection's model on its verdicts and print its cross-validated quality.")
@click.option("--model", "use_model", type=click.Choice(["on", "off"]),
              help="Let --collection's trained model order its queue (on) or not (off).")
@click.pass_context
def triage(
    ctx: click.Context, input_path: Path | None, output_format: str, recompute: bool,
    queue_order: str | None, collection: str | None, train: bool, use_model: str | None,
) -> None:
    """Check-worthiness (0-1), signals and quotes per claim; never a verdict.

    With --input, prints one record per claim (article) or per sentence (JSON Lines):
    id, text, checkworthiness, signals and quote {start, end, speaker, verb} or null.
    With --recompute, refreshes the signals stored in the database. With --queue-order and
    --collection, orders that collection's review queue (article order or most checkable first).
    With --train and/or --model on|off and --collection, trains that collection's own model on
    its verdicts (quality shown) or lets it order the queue; it never shows a label.
    """
    from workbench.triage import triage_article, triage_text

    actions = [name for name, given in [
        ("--input", input_path is not None), ("--recompute", recompute), ("--queue-order", queue_order),
        ("--train/--model", train or use_model),
    ] if given]
    if len(actions) != 1:
        raise click.UsageError(
            "Give one of --input FILE, --recompute, --queue-order ORDER or --train/--model"
            + (f" (not {' and '.join(actions)} together)." if actions else ".")
        )
    if collection and (input_path is not None or recompute):
        raise click.UsageError("--collection goes with --queue-order, --train or --model.")
    if output_format and input_path is None:
        raise click.UsageError("--format goes with --input.")
    if train or use_model:
        _model(ctx, collection, train, use_model)
        return
    if queue_order:
        _set_queue_order(ctx, collection, queue_order)
        return
    if recompute:
        from workbench.triage_store import recompute_signals

        report = recompute_signals(database_from(ctx))
        click.echo(
            f"Recomputed the triage of {counted(report.claims, 'claim')} in {counted(report.articles, 'article')}"
            + (f"; {report.skipped} edited meanwhile were left to their edit." if report.skipped else ".")
        )
        return
    from workbench.reading import decode, jsonl_sentences, read_file, read_upload

    records: list[dict] = []
    name, data = read_file(input_path)
    sentences = jsonl_sentences(name, decode(name, data)) if input_path.suffix.lower() == ".jsonl" else None
    if sentences is not None:
        for identifier, text in sentences:
            records.append(_record(identifier, text, triage_text(text)))
    else:
        from workbench.extract import extract_many, load_pipeline

        documents = read_upload(name, data)
        pairs = ((document.text, document.headlines) for document in documents)  # as `workbench split` reads them
        for document, extraction in zip(documents, extract_many(pairs, load_pipeline())):
            claims = [(index, unit) for index, unit in enumerate(extraction.units) if unit.kind == ClaimKind.CLAIM]
            results = triage_article(extraction.text, [(unit.start, unit.end) for _, unit in claims])
            prefix = f"{document.source}#" if len(documents) > 1 else ""
            for (index, unit), result in zip(claims, results):
                records.append(_record(f"{prefix}{index}", unit.text, result, unit.start))
        if not records:
            click.echo(f"{name}: no claims (headings, page chrome and metadata lines are not claims).", err=True)
    _emit(records, output_format or "table")


def _set_queue_order(ctx: click.Context, collection: str | None, order: str | None) -> None:
    from workbench.models import Collection
    from workbench.names import require_named
    from workbench.triage_store import set_queue_order

    if not collection:
        raise click.UsageError("--queue-order and --collection go together.")
    with database_from(ctx).transaction() as session:
        named = require_named(session, Collection, collection)
        set_queue_order(session, named.id, order)
        name = named.name
    click.echo(f"Collection {name!r}: queue in {'article order' if order == 'article' else 'most checkable first'}.")


def _record(identifier, text: str, result, offset: int = 0) -> dict:
    """One output record; offsets are the unit's own (0 = its first character)."""
    signals = [{**signal.as_dict(), "start": signal.start - offset, "end": signal.end - offset} for signal in result.signals]
    quote = result.quote.as_dict() if result.quote else None
    if quote:
        quote["start"] -= offset
        quote["end"] -= offset
    return {
        "id": identifier,
        "text": text,
        "checkworthiness": result.checkworthiness,
        "signals": signals,
        "quote": quote,
        "reasons": result.reasons(),
    }


def _model(ctx: click.Context, collection: str | None, train: bool, use_model: str | None) -> None:
    from workbench.access import Actor
    from workbench.triage_model import collection_id_by_name, set_model_enabled, train_model

    if not collection:
        raise click.UsageError("--train and --model need --collection NAME.")
    database = database_from(ctx)
    if train:
        click.echo(train_model(database, collection, actor=Actor.operator()).summary())
    if use_model:
        with database.transaction() as session:
            report = set_model_enabled(session, Actor.operator(), collection_id_by_name(session, collection), use_model == "on")
        click.echo(report.summary() if report else f"{collection}: no model trained; the rule score orders the queue.")

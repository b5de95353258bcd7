"""``workbench split``: preview how files split into claims, without any database.

Imports only the readers and the pipeline (no SQLAlchemy, no trafilatura unless a file is
HTML), so it starts about as fast as spaCy itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["jsonl", "table"]), default="table", show_default=True)
@click.pass_context
def split(ctx: click.Context, paths: tuple[Path, ...], output_format: str) -> None:
    """Preview how files split into claims, without touching the database.

    A file that cannot be read is reported and the others are still shown (exit status 1).
    """
    from workbench.extract import extract_many, load_pipeline
    from workbench.reading import InputError, expand_paths, read_path

    documents, failed = [], 0
    for path in expand_paths(paths):
        try:
            documents.extend(read_path(path))
        except InputError as error:
            click.echo(str(error), err=True)
            failed += 1
    if not documents and not failed:
        raise click.ClickException("No supported files found in " + ", ".join(map(str, paths)) + ".")
    extractions = extract_many(((document.text, document.headlines) for document in documents), load_pipeline())
    for document, extraction in zip(documents, extractions):
        if output_format == "table":
            click.secho(f"{document.source}", bold=True)
            if extraction.published:
                click.echo(f"  published {extraction.published.isoformat()}")
        for index, unit in enumerate(extraction.units):
            if output_format == "jsonl":
                record = {
                    "source": document.source,
                    "index": index,
                    "text": unit.text,
                    "start": unit.start,
                    "end": unit.end,
                    "kind": unit.kind,
                }
                click.echo(json.dumps(record, ensure_ascii=False))
            else:
                text = unit.text.replace("\n", " ")
                text = text if len(text) <= 100 else text[:99] + "…"
                click.echo(f"{index:>4} {unit.start:>6}-{unit.end:<6} {unit.kind:<11} {text}")
    if failed:
        ctx.exit(1)

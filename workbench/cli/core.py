"""Core commands: serve, db, ingest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from workbench.cli.common import database_from, is_terminal
from workbench.db import Database
from workbench.models import Article

APP_ENTRY = Path(__file__).resolve().parent.parent / "app" / "server.py"
SEED_COLLECTION = "Seed articles"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--collection", default="default", show_default=True, help="Collection to add the articles to.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], collection: str) -> None:
    """Import articles from files or folders (.txt .md .html .csv .jsonl).

    Each file is imported whole or not at all. Re-importing an article changes nothing.
    """
    from workbench.extract import load_pipeline
    from workbench.ingest import expand_paths, ingest_paths

    files = list(expand_paths(paths))
    if not files:
        raise click.ClickException("No supported files found in " + ", ".join(map(str, paths)) + ".")
    database = database_from(ctx)
    nlp = load_pipeline()
    if is_terminal() and len(files) > 1:
        with click.progressbar(length=len(files), label="Importing", file=sys.stderr) as bar:
            report = ingest_paths(database, files, collection, nlp, on_file=lambda _path: bar.update(1))
    else:
        report = ingest_paths(database, files, collection, nlp)
    for message in report.messages:
        click.echo(message, err=True)
    click.echo(report.summary())
    if report.failed:
        ctx.exit(1)


@click.group()
def db() -> None:
    """Database schema: create, upgrade, show the revision."""


@db.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Create the schema or migrate it to the latest revision."""
    database = database_from(ctx)
    click.echo(f"Database at revision {database.current_revision()} (latest).")


@db.command()
@click.pass_context
def current(ctx: click.Context) -> None:
    """Show the schema revision of the database and the latest one."""
    database = database_from(ctx, upgrade=False)
    click.echo(f"current: {database.current_revision() or 'empty'}\nlatest:  {database.head_revision()}")


def load_seeds_if_empty(database: Database, seeds: Path) -> str | None:
    """Import the demo articles into an empty database; return a summary if it did."""
    from workbench.ingest import ingest_paths

    with database.session() as session:
        if session.scalar(select(func.count()).select_from(Article)):
            return None
    if not seeds.is_dir():
        return None
    report = ingest_paths(database, [seeds], SEED_COLLECTION)
    return f"Loaded the seed articles: {report.summary()}"


def absolute_url(url: str) -> str:
    """SQLite file URLs made absolute, so the app finds the same file from any directory."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return parsed.set(database=str(Path(parsed.database).resolve())).render_as_string(hide_password=False)
    return url


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8501, show_default=True, type=int)
@click.option("--seeds", type=click.Path(path_type=Path), default=Path("seeds"), show_default=True,
              help="Folder of demo articles imported when the database has no articles.")
@click.option("--no-seeds", is_flag=True, help="Do not import the demo articles.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, seeds: Path, no_seeds: bool) -> None:
    """Migrate the database, load the seed articles on first start, and run the app."""
    database = database_from(ctx)
    if not no_seeds and (message := load_seeds_if_empty(database, seeds)):
        click.echo(message)
    url = absolute_url(database.engine.url.render_as_string(hide_password=False))
    database.dispose()
    click.echo(f"Workbench at http://{host}:{port} (database: {make_url(url).render_as_string()})")
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP_ENTRY),
        "--server.address", host, "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer", "--runner.magicEnabled", "false",
    ]
    environment = {**os.environ, "WORKBENCH_DATABASE_URL": url}
    try:
        ctx.exit(subprocess.call(command, env=environment))
    except KeyboardInterrupt:
        ctx.exit(130)



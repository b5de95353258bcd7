"""Core commands: serve, db, ingest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from workbench.cli.common import database_from, describe, is_terminal
from workbench.db import Database
from workbench.vocabulary import counted

APP_ENTRY = Path(__file__).resolve().parent.parent / "app" / "server.py"
SEED_COLLECTION = "Seed articles"
MAX_UPLOAD_MB = 50
"""Streamlit's upload limit, the app's own (Import and Export pages): larger uploads are refused
before they are read into memory."""
STOP_GRACE_SECONDS = 10
SELECTION_COLOUR = "#1c5d99"
"""The theme's primary colour (selection, focus): a calm blue, so nothing chosen looks like an error;
the same as ``--wb-select`` in ``app/style.css``."""


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--collection", default="default", show_default=True, help="Collection to add the articles to.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], collection: str) -> None:
    """Import articles from files or folders (.txt .md .html .csv .jsonl).

    Each file is imported whole or not at all. Re-importing an article changes nothing.
    """
    from workbench.extract import load_pipeline
    from workbench.ingest import expand_paths, ingest_paths, valid_collection_name

    valid_collection_name(collection)  # before a database is created for nothing
    files = list(expand_paths(paths))
    if not files:
        raise click.ClickException("No supported files found in " + ", ".join(map(str, paths)) + ".")
    database = database_from(ctx, create=True)
    nlp = load_pipeline()
    done: list[Path] = []
    try:
        if is_terminal() and len(files) > 1:
            with click.progressbar(length=len(files), label="Importing", file=sys.stderr) as bar:
                report = ingest_paths(database, files, collection, nlp, on_file=lambda path: (done.append(path), bar.update(1)))
        else:
            report = ingest_paths(database, files, collection, nlp, on_file=done.append)
    except KeyboardInterrupt:
        click.echo(
            f"\nStopped after {len(done)} of {counted(len(files), 'file')}: each file is imported whole or not at all. "
            "Run the same command again to import the rest (what is already in is skipped).",
            err=True,
        )
        ctx.exit(130)
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
    database = database_from(ctx, create=True)
    click.echo(f"Database {describe(database)}")
    click.echo(f"Database at revision {database.current_revision()} (latest).")


@db.command()
@click.pass_context
def current(ctx: click.Context) -> None:
    """Show the schema revision of the database and the latest one."""
    database = database_from(ctx, upgrade=False)
    click.echo(f"database: {describe(database)}")
    click.echo(f"current: {database.current_revision() or 'empty'}\nlatest:  {database.head_revision()}")


def load_seeds_if_empty(database: Database, seeds: Path) -> str | None:
    """Import the demo articles into an empty database; return a summary if it did, or why not
    when the folder is missing."""
    from workbench.backup import holds_data
    from workbench.ingest import ingest_paths

    if holds_data(database):
        return None
    if not seeds.is_dir():
        return (
            f"No seed articles loaded: there is no folder {str(seeds.resolve())!r} "
            "(start serve in the clone, or pass --seeds PATH or --no-seeds)."
        )
    report = ingest_paths(database, [seeds], SEED_COLLECTION)
    return f"Loaded the seed articles: {report.summary()}"


def absolute_url(url: str) -> str:
    """SQLite file URLs made absolute, so the app finds the same file from any directory."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return parsed.set(database=str(Path(parsed.database).resolve())).render_as_string(hide_password=False)
    return url


def streamlit_command(host: str, port: int) -> list[str]:
    """The ``streamlit run`` command line for the app, with the app's own upload limit."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_ENTRY),
        "--server.address", host, "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer", "--runner.magicEnabled", "false",
        # A full garbage collection after every run costs ~0.2 s with spaCy and scikit-learn
        # loaded, on every key press; Python's own collector runs as usual.
        "--runner.postScriptGC", "false",
        "--server.fileWatcherType", "none",  # a served app does not reload on edits
        "--server.maxUploadSize", str(MAX_UPLOAD_MB), "--theme.primaryColor", SELECTION_COLOUR,
    ]


def run_until_stopped(command: list[str], environment: dict[str, str]) -> int:
    """Run ``command`` as a child; SIGTERM, SIGINT or SIGHUP to us stops the child too.

    The child runs in its own process group, so a terminal's Ctrl-C reaches only us, and is
    sent SIGTERM whichever signal we got: Streamlit stops quietly on SIGTERM, while SIGINT
    (once, or twice as a terminal's Ctrl-C plus ours would be) ends it with a traceback. It
    gets ``STOP_GRACE_SECONDS`` to exit, then is killed. Returns the child's exit status
    (128 + signal number when we were stopped by a signal).
    """
    child = subprocess.Popen(command, env=environment, process_group=0)
    received: list[int] = []

    def pass_on(signal_number: int, _frame) -> None:
        received.append(signal_number)
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    handled = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {number: signal.signal(number, pass_on) for number in handled}
    try:
        while True:
            try:
                status = child.wait(timeout=STOP_GRACE_SECONDS if received else None)
                break
            except subprocess.TimeoutExpired:
                child.kill()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 128 + received[0] if received else status


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8501, show_default=True, type=int)
@click.option("--seeds", type=click.Path(path_type=Path), default=Path("seeds"), show_default=True,
              help="Folder of demo articles imported when the database has no articles.")
@click.option("--no-seeds", is_flag=True, help="Do not import the demo articles.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, seeds: Path, no_seeds: bool) -> None:
    """Migrate the database, load the seed articles on first start, and run the app.

    Stopping serve (Ctrl-C, SIGTERM) stops the app with it and frees the port.
    """
    database = database_from(ctx, create=True)
    if not no_seeds and (message := load_seeds_if_empty(database, seeds)):
        click.echo(message)
    url = absolute_url(database.engine.url.render_as_string(hide_password=False))
    click.echo(f"Workbench at http://{host}:{port} (database: {describe(database)})")
    database.dispose()
    environment = {**os.environ, "WORKBENCH_DATABASE_URL": url}
    ctx.exit(run_until_stopped(streamlit_command(host, port), environment))

"""Backups from the command line: ``workbench backup``, ``restore``, ``dump`` and ``load``."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.backup import backup_database, restore_database
from workbench.cli.common import database_from, database_to_fill
from workbench.dump import dump_database, load_dump


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, path: Path) -> None:
    """Back up the whole database to PATH while it stays in use.

    SQLite: a copy made with SQLite's online backup API. PostgreSQL: a pg_dump custom-format
    archive (needs pg_dump; without it, the documented command is shown). PATH must not exist.
    """
    database = database_from(ctx, upgrade=False)
    click.echo(backup_database(database, path).summary())


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Replace a database that holds data (its contents are backed up first).")
@click.pass_context
def restore(ctx: click.Context, path: Path, replace: bool) -> None:
    """Restore a backup made by `workbench backup` into the database, then upgrade its schema.

    A database that already holds data is refused unless --replace is given.
    """
    with database_to_fill(ctx) as database:
        click.echo(restore_database(database, path, replace=replace).summary())


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.pass_context
def dump(ctx: click.Context, path: Path) -> None:
    """Write every table to PATH as JSON Lines (.jsonl, or .jsonl.gz compressed; - for stdout).

    The dump loads into an empty SQLite or PostgreSQL database with `workbench load`. It holds
    password hashes: keep it as safe as the database.
    """
    database = database_from(ctx, upgrade=False)
    report = dump_database(database, path)
    click.echo(f"Dumped {report.summary()}.", err=str(path) == "-")


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.pass_context
def load(ctx: click.Context, path: Path) -> None:
    """Load a dump made by `workbench dump` into an EMPTY database, all or nothing.

    A database without tables is built at the dump's schema revision, filled, then upgraded.
    """
    with database_to_fill(ctx) as database:
        click.echo(f"Loaded {load_dump(database, path).summary()}.")



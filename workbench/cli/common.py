"""Helpers shared by the command modules."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from workbench.config import database_url
from workbench.db import Database, normalise_url, open_database

lead_option = click.option(
    "--as", "lead_name", envvar="WORKBENCH_LEAD", required=True, metavar="NAME",
    help="The lead account this is done as (or $WORKBENCH_LEAD).",
)
"""``--as NAME``: the lead account a lead-only command is done as."""


def configured_url(ctx: click.Context) -> str:
    """The URL given by ``--database`` / ``WORKBENCH_DATABASE_URL``, or the default SQLite file."""
    root = ctx.find_root()
    return (root.obj or {}).get("database_url") or database_url()


def missing_sqlite_file(url: str) -> Path | None:
    """The absolute path of a SQLite database file that does not exist yet, else None."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database).resolve()
    return None if path.exists() else path


def database_from(ctx: click.Context, *, upgrade: bool = True, create: bool = False) -> Database:
    """The database named by ``--database`` / ``WORKBENCH_DATABASE_URL``, migrated unless told not to.

    A SQLite file that does not exist is created only when ``create`` is true (serve, ingest,
    db upgrade, restore, load); every other command refuses, so running one in the wrong
    folder never leaves an empty database behind.
    """
    url = configured_url(ctx)
    if not create and (missing := missing_sqlite_file(url)):
        raise click.ClickException(
            f"No database at {missing}; nothing was created. Run this in the folder that holds "
            "data/workbench.db, or name the database with --database URL or WORKBENCH_DATABASE_URL "
            "(`workbench db upgrade` creates a new one)."
        )
    database = open_database(url, upgrade=upgrade)
    ctx.call_on_close(database.dispose)
    return database


@contextmanager
def database_to_fill(ctx: click.Context) -> Iterator[Database]:
    """The database for ``restore`` and ``load`` (created if need be, not upgraded). A SQLite file
    this command created is removed again if the command fails, so a refused file leaves nothing
    behind (the next command would otherwise find an empty database there)."""
    new_file = missing_sqlite_file(configured_url(ctx))
    database = database_from(ctx, upgrade=False, create=True)
    try:
        yield database
    except BaseException:
        if new_file is not None:
            database.dispose()
            for suffix in ("", "-wal", "-shm", "-journal"):
                new_file.with_name(new_file.name + suffix).unlink(missing_ok=True)
        raise


def describe(database: Database) -> str:
    """The database's URL for people: absolute file path for SQLite, no password."""
    url = database.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return f"sqlite:///{Path(url.database).resolve()}"
    return url.render_as_string(hide_password=True)


def frame_text(frame, index: bool = False) -> str:
    """A pandas table as plain text: floats to three decimals, missing values as ``-``."""
    import pandas as pd

    if frame.empty:
        return "  (none)"
    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(lambda value: "-" if pd.isna(value) else f"{value:.3f}")
    return shown.fillna("").to_string(index=index)


def is_terminal(stream=None) -> bool:
    return (stream or sys.stderr).isatty()

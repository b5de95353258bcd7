"""Helpers shared by the command modules."""

from __future__ import annotations

import sys

import click

from workbench.db import Database, open_database


def database_from(ctx: click.Context, *, upgrade: bool = True) -> Database:
    """The database named by ``--database`` / ``WORKBENCH_DATABASE_URL``, migrated unless told not to."""
    root = ctx.find_root()
    database = open_database(root.obj["database_url"] if root.obj else None, upgrade=upgrade)
    ctx.call_on_close(database.dispose)
    return database


def is_terminal(stream=None) -> bool:
    return (stream or sys.stderr).isatty()

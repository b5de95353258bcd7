"""The ``workbench`` command: a thin layer over the library.

Each command module in this package exports ``commands``, a list of click commands added to the group.
"""

from __future__ import annotations

import importlib
import pkgutil

import click
from sqlalchemy.exc import OperationalError

from workbench import __version__
from workbench.errors import WorkbenchError


class WorkbenchGroup(click.Group):
    """Turns a user's mistake into a message on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WorkbenchError as error:
            raise click.ClickException(str(error)) from error
        except OperationalError as error:
            raise click.ClickException(f"The database could not be used: {error.orig or error}") from error


@click.group(cls=WorkbenchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workbench")
@click.option(
    "--database",
    "database_url",
    envvar="WORKBENCH_DATABASE_URL",
    metavar="URL",
    help="Database URL (default: $WORKBENCH_DATABASE_URL or sqlite:///data/workbench.db).",
)
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """Fact-checking workbench: split articles into claims, review them, measure agreement, export."""
    ctx.obj = {"database_url": database_url}


for _module in pkgutil.iter_modules(__path__):
    for _command in getattr(importlib.import_module(f"{__name__}.{_module.name}"), "commands", []):
        main.add_command(_command)

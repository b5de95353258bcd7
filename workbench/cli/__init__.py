"""The ``workbench`` command: a thin layer over the library.

Commands live in the modules of this package; each is imported only when its command runs,
so ``workbench export`` does not pay for loading spaCy or the statistics libraries.
"""

from __future__ import annotations

import importlib
import sys

import click

from workbench import __version__
from workbench.errors import WorkbenchError

COMMAND_MODULES: dict[str, tuple[str, str]] = {
    "serve": ("core", "serve"),
    "ingest": ("core", "ingest"),
    "split": ("split", "split"),
    "db": ("core", "db"),
    "reviewers": ("reviewers", "reviewers"),
    "assign": ("reviewers", "assign_collection"),
    "agreement": ("agreement", "agreement"),
    "adjudicate": ("adjudicate", "adjudicate"),
    "aggregate": ("aggregate", "aggregate"),
    "controls": ("aggregate", "controls"),
    "export": ("export", "export"),
    "import-verdicts": ("export", "import_verdicts_command"),
    "backup": ("backup", "backup"),
    "restore": ("backup", "restore"),
    "dump": ("backup", "dump"),
    "load": ("backup", "load"),
    "matches": ("matches", "matches"),
    "similarity": ("matches", "similarity"),
    "triage": ("triage", "triage"),
}
"""Command name → (module in this package, attribute)."""


class WorkbenchGroup(click.Group):
    """Loads commands on demand and turns a user's mistake into a message and exit status 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMAND_MODULES:
            return None
        module, attribute = COMMAND_MODULES[name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), attribute)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WorkbenchError as error:
            raise click.ClickException(str(error)) from error
        except Exception as error:
            # SQLAlchemy is imported only by commands that use the database (not by split).
            database_errors = sys.modules.get("sqlalchemy.exc")
            if database_errors is None or not isinstance(error, database_errors.DBAPIError):
                raise
            from workbench.db import database_error_message

            if isinstance(error, database_errors.OperationalError):
                raise click.ClickException(
                    f"The database could not be used: {database_error_message(error)}"
                ) from error
            # never a traceback: it would print the values bound to the statement
            raise click.ClickException(
                f"The database refused the change, so nothing was saved: {database_error_message(error)}"
            ) from error


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

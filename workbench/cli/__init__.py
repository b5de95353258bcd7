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

COMMAND_MODULES: dict[str, tuple[str, str, str]] = {
    "serve": ("core", "serve", "Migrate the database, load the seed articles on first start, and run the app."),
    "ingest": ("core", "ingest", "Import articles from files or folders (.txt .md .html .csv .jsonl)."),
    "split": ("split", "split", "Preview how files split into claims, without touching the database."),
    "db": ("core", "db", "Database schema: create, upgrade, show the revision."),
    "reviewers": ("reviewers", "reviewers", "Add, list and manage reviewer and lead accounts."),
    "assign": ("reviewers", "assign_collection", "Assign a collection to reviewers and set how many reviewers each claim needs."),
    "agreement": ("agreement", "agreement", "How far reviewers agree: percent agreement, Cohen's, Fleiss' kappa, Krippendorff's alpha."),
    "adjudicate": ("adjudicate", "adjudicate", "Settle claims reviewers disagree on with a final verdict (leads only)."),
    "aggregate": ("aggregate", "aggregate", "Most likely verdict per claim, with its probability, and each reviewer's reliability."),
    "controls": ("aggregate", "controls", "Control claims: adjudicated claims mixed into queues to measure each reviewer's accuracy (leads only)."),
    "export": ("export", "export", "Export verdicts as CSV, JSON Lines or schema.org ClaimReview."),
    "import-verdicts": ("export", "import_verdicts_command", "Import verdicts from a long CSV export (all or nothing; problems are listed by line)."),
    "backup": ("backup", "backup", "Back up the whole database to PATH while it stays in use."),
    "restore": ("backup", "restore", "Restore a backup made by `workbench backup` into the database, then upgrade its schema."),
    "dump": ("backup", "dump", "Write every table to PATH as JSON Lines (.jsonl, or .jsonl.gz compressed; - for stdout)."),
    "load": ("backup", "load", "Load a dump made by `workbench dump` into an EMPTY database, all or nothing."),
    "matches": ("matches", "matches", "List the claims that say the same thing in different articles, conflicts first."),
    "similarity": ("matches", "similarity", 'Score text pairs: one {"score", "tier", "reasons"} line per input line, in order.'),
    "triage": ("triage", "triage", "Check-worthiness (0-1), signals and quotes per claim; never a verdict."),
}
"""Command name → (module in this package, attribute, summary). The summary is the command's own
short help, repeated so that ``workbench --help`` lists the commands without importing them all
(several seconds of spaCy and statistics libraries); tests/test_cli_core.py checks they agree."""


class WorkbenchGroup(click.Group):
    """Loads commands on demand and turns a user's mistake into a message and exit status 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMAND_MODULES:
            return None
        module, attribute, _summary = COMMAND_MODULES[name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, as click writes it, from the summaries."""
        limit = formatter.width - 6 - max(map(len, COMMAND_MODULES))
        rows = [
            (name, click.utils.make_default_short_help(summary, limit))
            for name, (_module, _attribute, summary) in sorted(COMMAND_MODULES.items())
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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

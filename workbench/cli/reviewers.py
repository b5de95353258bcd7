"""Accounts and assignments from the command line: ``workbench reviewers …`` and ``workbench assign``.

The command line is run by the server's operator, so it may do what a lead may do.
"""

from __future__ import annotations

import sys

import click

from workbench.access import Actor
from workbench.assignment import (
    assign,
    assigned_reviewer_ids,
    assignments_by_reviewer,
    set_active,
    set_reviewers_per_claim,
    unassign,
)
from workbench.auth import create_reviewer, list_reviewers, set_password, validate_name
from workbench.cli.common import database_from
from workbench.models import ROLES, Collection, Reviewer
from workbench.names import require_named
from workbench.sessions import end_all_sessions
from workbench.vocabulary import counted


def read_password(from_stdin: bool, prompt: str = "Password") -> str:
    """A password from the first line of stdin, or typed twice at a hidden prompt."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("No password on stdin.")
        return password
    if not stdin_is_terminal():
        raise click.ClickException(
            "No terminal to type the password in. Give it on standard input with "
            f"--password-stdin, e.g. printf '%s\\n' \"$PASSWORD\" | "
            f"{click.get_current_context().command_path} NAME --password-stdin"
        )
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def parse_per_claim(value: str | None) -> int | None:
    if value is None or value.lower() == "all":
        return None
    try:
        return int(value)
    except ValueError:
        raise click.BadParameter(
            "a number of reviewers, or 'all'", param_hint="--per-claim"
        ) from None


@click.group()
def reviewers() -> None:
    """Add, list and manage reviewer and lead accounts."""


@reviewers.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="reviewer", show_default=True)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@click.pass_context
def add_reviewer(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Add an account. The first account ever created is always a lead."""
    validate_name(name)  # before asking for a password that would be thrown away
    password = read_password(password_stdin)
    with database_from(ctx).transaction() as session:
        reviewer = create_reviewer(session, name, password, role, actor=Actor.operator())
        created = (reviewer.name, reviewer.role)
    click.echo(f"Added {created[1]} {created[0]}.")


@reviewers.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include deactivated accounts.")
@click.pass_context
def list_accounts(ctx: click.Context, show_all: bool) -> None:
    """List accounts: name, role, status and assigned collections."""
    with database_from(ctx).session() as session:
        accounts = [r for r in list_reviewers(session) if show_all or r.active]
        assigned = assignments_by_reviewer(session)
        if not accounts:
            click.echo(
                "No accounts yet. Add one with: workbench reviewers add NAME --role lead", err=True
            )
            return
        width = max(len(r.name) for r in accounts)
        for reviewer in accounts:
            status = "active" if reviewer.active else "deactivated"
            collections = ", ".join(assigned.get(reviewer.id, [])) or "-"
            click.echo(f"{reviewer.name:<{width}}  {reviewer.role:<8}  {status:<11}  {collections}")


@reviewers.command("set-password")
@click.argument("name")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@click.pass_context
def set_account_password(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set a new password for an account (and lift any sign-in lock)."""
    password = read_password(password_stdin, "New password")
    with database_from(ctx).transaction() as session:
        reviewer = require_named(session, Reviewer, name)
        set_password(session, reviewer.id, password, actor=Actor.operator())
        shown = reviewer.name
    click.echo(f"Password of {shown} changed.")


@reviewers.command("deactivate")
@click.argument("name")
@click.pass_context
def deactivate(ctx: click.Context, name: str) -> None:
    """Stop an account from signing in; its verdicts are kept."""
    switch_account(ctx, name, active=False)


@reviewers.command("activate")
@click.argument("name")
@click.pass_context
def activate(ctx: click.Context, name: str) -> None:
    """Let a deactivated account sign in again."""
    switch_account(ctx, name, active=True)


@reviewers.command("end-sessions")
@click.argument("name")
@click.pass_context
def end_sessions(ctx: click.Context, name: str) -> None:
    """Sign an account out everywhere: every browser must sign in again."""
    with database_from(ctx).transaction() as session:
        reviewer = require_named(session, Reviewer, name)
        ended = end_all_sessions(session, reviewer.id, actor=Actor.operator())
        shown = reviewer.name
    click.echo(f"Ended {counted(ended, 'session')} of {shown}.")


def switch_account(ctx: click.Context, name: str, *, active: bool) -> None:
    with database_from(ctx).transaction() as session:
        shown = set_active(session, require_named(session, Reviewer, name).id, active, actor=Actor.operator()).name
    click.echo(f"{shown} {'activated' if active else 'deactivated'}.")


@click.command("assign")
@click.argument("collection")
@click.argument("names", nargs=-1, metavar="REVIEWER…")
@click.option(
    "--per-claim",
    metavar="N|all",
    help="Verdicts each claim needs before it leaves the other queues ('all': every assigned reviewer).",
)
@click.option("--remove", is_flag=True, help="Take the named reviewers off the collection instead.")
@click.pass_context
def assign_collection(
    ctx: click.Context, collection: str, names: tuple[str, ...], per_claim: str | None, remove: bool
) -> None:
    """Assign a collection to reviewers and set how many reviewers each claim needs."""
    if not names and per_claim is None:
        raise click.UsageError("Name at least one reviewer, or give --per-claim.")
    per_claim_value = parse_per_claim(per_claim)
    with database_from(ctx).transaction() as session:
        target = require_named(session, Collection, collection)
        reviewer_ids = [require_named(session, Reviewer, name).id for name in names]
        if remove:
            changed = unassign(session, target.id, reviewer_ids, actor=Actor.operator())
        else:
            changed = len(assign(session, target.id, reviewer_ids, actor=Actor.operator()))
        if per_claim is not None:
            set_reviewers_per_claim(session, target.id, per_claim_value, actor=Actor.operator())
        assigned = len(assigned_reviewer_ids(session, target.id))
        collection_name = target.name
    if names:
        verb = "removed from" if remove else "newly assigned to"
        click.echo(f"{counted(changed, 'reviewer')} {verb} {collection_name}.")
    if per_claim is not None:
        needed = (
            "every assigned reviewer"
            if per_claim_value is None
            else counted(per_claim_value, "reviewer")
        )
        click.echo(f"Each claim in {collection_name} now needs {needed}.")
        if per_claim_value is not None and 0 < assigned < per_claim_value:
            click.echo(
                f"Note: only {counted(assigned, 'reviewer is', 'reviewers are')} assigned to {collection_name}, so no "
                f"claim can have {per_claim_value} verdicts until more are.",
                err=True,
            )



"""``workbench reviewers …`` and ``workbench assign`` against real SQLite and PostgreSQL databases."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from workbench.auth import AuthError, sign_in, throttle_keys, throttled_for
from workbench.cli import main
from workbench.cli import reviewers as reviewers_cli
from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.models import Assignment, Collection, Reviewer

PASSWORD = "correct horse battery"


def run(db: Database, *args: str, stdin: str | None = None):
    return CliRunner().invoke(
        main, ["--database", db.url, *args], input=stdin, catch_exceptions=False
    )


def add(db: Database, name: str, role: str = "reviewer", password: str = PASSWORD):
    return run(
        db, "reviewers", "add", name, "--role", role, "--password-stdin", stdin=password + "\n"
    )


def reviewers(db: Database) -> dict[str, Reviewer]:
    with db.session() as session:
        return {r.name: r for r in session.scalars(select(Reviewer))}


def test_add_and_list_accounts(db):
    assert add(db, "lena", "lead").output == "Added lead lena.\n"
    result = add(db, "ana")
    assert result.exit_code == 0 and result.output == "Added reviewer ana.\n"
    accounts = reviewers(db)
    assert {name: r.role for name, r in accounts.items()} == {"lena": "lead", "ana": "reviewer"}
    assert all(
        PASSWORD not in r.password_hash and r.password_hash.startswith("$argon2")
        for r in accounts.values()
    )
    assert sign_in(db, "ana", PASSWORD).name == "ana"
    listing = run(db, "reviewers", "list")
    assert listing.exit_code == 0
    assert [line.split()[:3] for line in listing.output.splitlines()] == [
        ["ana", "reviewer", "active"],
        ["lena", "lead", "active"],
    ]


def test_first_account_is_always_a_lead(db):
    assert add(db, "ana", "reviewer").output == "Added lead ana.\n"


def test_password_prompt_asks_twice_and_never_echoes(db, monkeypatch):
    monkeypatch.setattr(reviewers_cli, "stdin_is_terminal", lambda: True)
    result = run(db, "reviewers", "add", "lena", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert sign_in(db, "lena", PASSWORD).is_lead


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (("reviewers", "add", "ana", "--password-stdin"), "short\n", "at least 8 characters"),
        (("reviewers", "add", "ana", "--password-stdin"), "\n", "No password on stdin"),
        (("reviewers", "add", "<bad>", "--password-stdin"), PASSWORD + "\n", "A reviewer name is"),
        (("reviewers", "add", "LENA", "--password-stdin"), PASSWORD + "\n", "already exists"),
        (
            ("reviewers", "set-password", "nobody", "--password-stdin"),
            PASSWORD + "\n",
            "No reviewer called 'nobody'",
        ),
        (("reviewers", "deactivate", "lena"), None, "last active lead"),
    ],
    ids=["short-password", "empty-stdin", "bad-name", "duplicate", "unknown-name", "last-lead"],
)
def test_mistakes_are_clean_errors_that_change_nothing(db, args, stdin, message):
    add(db, "lena", "lead")
    before = {name: (r.role, r.active, r.password_hash) for name, r in reviewers(db).items()}
    result = run(db, *args, stdin=stdin)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert {
        name: (r.role, r.active, r.password_hash) for name, r in reviewers(db).items()
    } == before


def throttled(db, name: str) -> bool:
    with db.session() as session:
        return bool(throttled_for(session, throttle_keys(name, None)))


def test_set_password_replaces_the_old_one_and_lifts_a_lock(db):
    add(db, "lena", "lead")
    add(db, "ana")
    for _ in range(4):
        with pytest.raises(AuthError):
            sign_in(db, "ana", "wrong password")
    assert throttled(db, "ana")
    result = run(
        db, "reviewers", "set-password", "Ana", "--password-stdin", stdin="a brand new secret\n"
    )
    assert result.output == "Password of ana changed.\n"
    assert not throttled(db, "ana")
    assert sign_in(db, "ana", "a brand new secret").name == "ana"
    with pytest.raises(AuthError):
        sign_in(db, "ana", PASSWORD)


def test_deactivate_and_activate(db):
    add(db, "lena", "lead")
    add(db, "ana")
    assert run(db, "reviewers", "deactivate", "ana").output == "ana deactivated.\n"
    assert not reviewers(db)["ana"].active
    with pytest.raises(AuthError):
        sign_in(db, "ana", PASSWORD)
    assert "ana" not in run(db, "reviewers", "list").output
    assert "deactivated" in run(db, "reviewers", "list", "--all").output
    assert run(db, "reviewers", "activate", "ana").output == "ana activated.\n"
    assert sign_in(db, "ana", PASSWORD).name == "ana"


@pytest.fixture
def story(db) -> Database:
    add(db, "lena", "lead")
    add(db, "ana")
    add(db, "ben")
    ingest_documents(
        db,
        [Document(source="a.txt", text="One claim here. Another claim there.")],
        collection="Story",
    )
    return db


def assignment_state(db: Database) -> tuple[list[str], int | None]:
    with db.session() as session:
        names = sorted(
            session.scalars(
                select(Reviewer.name).join(Assignment, Assignment.reviewer_id == Reviewer.id)
            )
        )
        per_claim = session.scalar(
            select(Collection.reviewers_per_claim).where(Collection.name == "Story")
        )
    return names, per_claim


def test_assign_reviewers_and_per_claim(story):
    result = run(story, "assign", "Story", "ana", "ben", "--per-claim", "2")
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == "2 reviewers newly assigned to Story.\nEach claim in Story now needs 2 reviewers.\n"
    )
    assert assignment_state(story) == (["ana", "ben"], 2)
    more_than_assigned = run(story, "assign", "Story", "--per-claim", "5")
    assert more_than_assigned.exit_code == 0 and assignment_state(story) == (["ana", "ben"], 5)
    assert more_than_assigned.stderr == (
        "Note: only 2 reviewers are assigned to Story, so no claim can have 5 verdicts until more are.\n"
    )
    assert "Story" in run(story, "reviewers", "list").output
    again = run(story, "assign", "Story", "ana")
    assert again.output == "0 reviewers newly assigned to Story.\n"
    assert (
        run(story, "assign", "Story", "--per-claim", "all").output
        == "Each claim in Story now needs every assigned reviewer.\n"
    )
    assert (
        run(story, "assign", "Story", "ben", "--remove").output
        == "1 reviewer removed from Story.\n"
    )
    assert assignment_state(story) == (["ana"], None)


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("assign", "Nope", "ana"), 1, "No collection called 'Nope'. Known collections: Story."),
        (("assign", "Story", "ana", "nobody"), 1, "No reviewer called 'nobody'"),
        (("assign", "Story", "ana", "--per-claim", "0"), 1, "between 1 and 50"),
        (("assign", "Story", "ana", "--per-claim", "two"), 2, "a number of reviewers, or 'all'"),
        (("assign", "Story"), 2, "Name at least one reviewer, or give --per-claim."),
    ],
    ids=["unknown-collection", "unknown-reviewer", "zero", "not-a-number", "nothing-to-do"],
)
def test_assign_mistakes_change_nothing(story, args, code, message):
    result = run(story, *args)
    assert result.exit_code == code
    assert message in result.output and "Traceback" not in result.output
    assert assignment_state(story) == ([], None)


def test_end_sessions_and_deactivate_sign_an_account_out_everywhere(db):
    from workbench.sessions import session_for_token, start_session, trade_handoff

    add(db, "lena", "lead")
    add(db, "ana")
    ana = sign_in(db, "ana", PASSWORD)
    tokens = [trade_handoff(db, start_session(db, ana).handoff_code) for _ in range(2)]
    with db.session() as session:
        assert all(session_for_token(session, token).actor == ana for token in tokens)
    result = run(db, "reviewers", "end-sessions", "ANA")
    assert result.output == "Ended 2 sessions of ana.\n"
    with db.session() as session:
        assert not any(session_for_token(session, token) for token in tokens)
    token = trade_handoff(db, start_session(db, ana).handoff_code)
    assert run(db, "reviewers", "deactivate", "ana").exit_code == 0
    with db.session() as session:
        assert session_for_token(session, token) is None
    assert run(db, "reviewers", "activate", "ana").exit_code == 0
    with db.session() as session:
        assert session_for_token(session, token) is None, "reactivating does not revive old sessions"

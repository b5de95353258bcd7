"""Bulk writes never silently replace what a person saved after the bulk write planned.

Each test runs a person's write at the one moment that matters: after the bulk operation has
read what it will overwrite and before it writes. The person's write runs in another thread on
its own connection and is committed before the bulk write goes on (on SQLite, where the bulk
write may already hold the write lock, it is let through as soon as the lock is free). Every
test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import pytest
from builders import give, newsroom
from sqlalchemy import event, select

from workbench import verdict_import
from workbench.access import Actor
from workbench.adjudication import AdjudicationError, accept_unanimous, claim_case
from workbench.edits import EditError, merge_units, split_unit
from workbench.db import Database
from workbench.models import Claim, FinalVerdict, Reviewer, Verdict
from workbench.verdicts import StaleClaim, save_verdict
from workbench.verdict_file import VerdictImportError
from workbench.verdict_import import import_verdicts

HEADER = "claim_id,reviewer,verdict,note\r\n"
PERSON_FIRST_SECONDS = 10
"""How long the bulk write waits for the person's write before going on (never reached on success)."""


def concurrently(action: Callable[[], None], wait: float = PERSON_FIRST_SECONDS) -> threading.Thread:
    """Start ``action`` in another thread and give it ``wait`` seconds to commit first."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as error:  # reported by finish()
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.errors = errors  # type: ignore[attr-defined]
    thread.start()
    thread.join(wait)
    return thread


def finish(thread: threading.Thread | None) -> None:
    assert thread is not None, "the concurrent write never ran"
    thread.join()
    assert not thread.errors, thread.errors  # type: ignore[attr-defined]


def verdicts_of(database: Database, name: str) -> dict[int, tuple[str, str]]:
    with database.read_session() as session:
        rows = session.execute(
            select(Verdict.claim_id, Verdict.label, Verdict.note)
            .join(Reviewer, Reviewer.id == Verdict.reviewer_id)
            .where(Reviewer.name == name)
        )
        return {claim_id: (label, note) for claim_id, label, note in rows}


def refusal(call: Callable[[], object]) -> str:
    """The message ``call`` was refused with ("" if it went through)."""
    try:
        call()
    except VerdictImportError as error:
        return str(error)
    return ""


def race_import(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> list[threading.Thread]:
    """Make ``action`` happen between the import's planning read and its write."""
    started: list[threading.Thread] = []
    plan_file = verdict_import.plan_file

    def plan_then_race(*args, **kwargs):
        plan = plan_file(*args, **kwargs)
        if not started:
            started.append(concurrently(action))
        return plan

    monkeypatch.setattr(verdict_import, "plan_file", plan_then_race)
    return started


# --- import-verdicts ------------------------------------------------------------------------------


def test_a_verdict_saved_during_an_import_is_never_overwritten(db: Database, monkeypatch) -> None:
    room = newsroom(db)
    first, second = room.claims["bridge"][:2]
    data = f"{HEADER}{first},alice,supported,from the file\r\n{second},alice,supported,file\r\n".encode()
    started = race_import(
        monkeypatch, lambda: give(db, room.reviewers["alice"], first, "disputed", "saved by alice")
    )
    message = refusal(lambda: import_verdicts(db, data, actor=Actor.operator()))
    finish(started[0] if started else None)
    assert verdicts_of(db, "alice") == {first: ("disputed", "saved by alice")}
    assert re.search(r"line 2: alice .* claim \d+ while the import ran", message), message
    assert message.startswith("Nothing was imported: 1 verdict saved or changed by reviewers while the import ran."), message


def test_a_verdict_changed_during_an_import_is_never_overwritten(db: Database, monkeypatch) -> None:
    room = newsroom(db)
    claim = room.claims["match"][0]
    give(db, room.reviewers["bob"], claim, "supported", "before")
    data = f"{HEADER}{claim},bob,editorial_framing,from the file\r\n".encode()
    started = race_import(monkeypatch, lambda: give(db, room.reviewers["bob"], claim, "disputed", "changed"))
    message = refusal(lambda: import_verdicts(db, data, actor=Actor.operator()))
    finish(started[0] if started else None)
    assert verdicts_of(db, "bob") == {claim: ("disputed", "changed")}
    assert "while the import ran" in message


def test_a_note_kept_from_the_database_is_rechecked(db: Database, monkeypatch) -> None:
    """A file without a note column keeps the stored note: the one read, not an older one."""
    room = newsroom(db)
    claim = room.claims["budget"][0]
    give(db, room.reviewers["carol"], claim, "supported", "first note")
    data = f"claim_id,reviewer,verdict\r\n{claim},carol,disputed\r\n".encode()
    started = race_import(monkeypatch, lambda: give(db, room.reviewers["carol"], claim, "supported", "second note"))
    message = refusal(lambda: import_verdicts(db, data, actor=Actor.operator()))
    finish(started[0] if started else None)
    assert verdicts_of(db, "carol") == {claim: ("supported", "second note")}
    assert "while the import ran" in message


def test_a_clean_import_after_the_refusal_goes_through(db: Database) -> None:
    room = newsroom(db)
    claim = room.claims["bridge"][0]
    give(db, room.reviewers["alice"], claim, "disputed", "saved by alice")
    data = f"{HEADER}{claim},alice,supported,from the file\r\n".encode()
    report = import_verdicts(db, data, actor=Actor.operator())
    assert (report.created, report.updated) == (0, 1)
    assert verdicts_of(db, "alice") == {claim: ("supported", "from the file")}


def test_a_claim_a_lead_edits_during_an_import_gets_no_verdict(db: Database, monkeypatch) -> None:
    room = newsroom(db)
    claim = room.claims["bridge"][0]
    data = f"{HEADER}{claim},alice,supported,from the file\r\n".encode()

    def lead_splits() -> None:
        with db.transaction() as session:
            split_unit(session, room.lead, claim, 4)

    started = race_import(monkeypatch, lead_splits)
    message = refusal(lambda: import_verdicts(db, data, actor=Actor.operator()))
    finish(started[0] if started else None)
    assert verdicts_of(db, "alice") == {}
    assert f"line 2: a lead edited claim {claim} while the import ran" in message


# --- accept-unanimous -----------------------------------------------------------------------------


def race_statement(database: Database, matches: Callable[[str], bool], action: Callable[[], None]) -> list[threading.Thread]:
    """Run ``action`` just before the first statement that ``matches`` is sent.

    On SQLite the bulk write already holds the write lock there, so ``action`` waits for it
    (briefly, then it is let through after the commit): SQLite serialises the two.
    """
    started: list[threading.Thread] = []
    wait = PERSON_FIRST_SECONDS if database.dialect == "postgresql" else 1

    def before(connection, cursor, statement, parameters, context, executemany) -> None:
        if matches(statement) and not started:
            started.append(concurrently(action, wait))

    event.listen(database.engine, "before_cursor_execute", before)
    return started


def test_accepting_listed_unanimous_claims_honours_a_verdict_changed_meanwhile(db: Database) -> None:
    room = newsroom(db)
    agreed, changing = room.claims["bridge"][:2]
    for claim in (agreed, changing):
        give(db, room.reviewers["alice"], claim, "supported")
        give(db, room.reviewers["bob"], claim, "supported")
    started = race_statement(
        db, lambda sql: sql.startswith("INSERT INTO final_verdict"), lambda: give(db, room.reviewers["bob"], changing, "disputed", "second look")
    )
    try:
        with db.transaction() as session:
            accept_unanimous(session, room.lead, claim_ids=[agreed, changing])
        refused = ""
    except AdjudicationError as error:
        refused = str(error)
    finish(started[0] if started else None)
    assert verdicts_of(db, "bob")[changing] == ("disputed", "second look")
    with db.read_session() as session:
        finals = set(session.scalars(select(FinalVerdict.claim_id)))
        if refused:  # PostgreSQL: the change landed first and the acceptance saw it
            assert f"changed the verdicts on {changing} while you accepted them" in refused
            assert finals == set()
        else:  # SQLite: the acceptance held the write lock; the change came after and is flagged
            assert db.dialect == "sqlite"
            assert finals == {agreed, changing}
            assert claim_case(session, room.lead, changing).changed_since_decision


# --- extraction fixes -----------------------------------------------------------------------------


@pytest.mark.parametrize("edit", ["merge", "split"])
def test_a_verdict_saved_as_a_lead_edits_is_never_withdrawn_unannounced(db: Database, edit: str) -> None:
    """The lead agreed to withdraw no verdicts; alice saves one just before the edit locks the units."""
    room = newsroom(db)
    first, second = room.claims["bridge"][:2]
    with db.read_session() as session:
        version = session.get(Claim, first).version
    outcome: list[str] = []

    def alice_saves() -> None:
        try:
            with db.transaction() as session:
                save_verdict(session, room.reviewers["alice"], first, "disputed", "mine", expected_version=version)
            outcome.append("saved")
        except StaleClaim:
            outcome.append("stale")

    started = race_statement(db, lambda sql: "FROM claim" in sql and "claim.id IN" in sql, alice_saves)
    try:
        with db.transaction() as session:
            if edit == "merge":
                merge_units(session, room.lead, first, second, withdrawals=0)
            else:
                split_unit(session, room.lead, first, 4, withdrawals=0)
        refused = ""
    except EditError as error:
        refused = str(error)
    finish(started[0] if started else None)
    if outcome == ["saved"]:  # the save came first: the edit must not withdraw it unannounced
        assert "Verdicts changed meanwhile" in refused
        assert verdicts_of(db, "alice") == {first: ("disputed", "mine")}
    else:  # the edit came first (SQLite's write lock): the save on the old text is refused
        assert outcome == ["stale"] and not refused
        assert verdicts_of(db, "alice") == {}

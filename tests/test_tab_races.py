"""Two tabs of one reviewer, or two leads, writing the same verdict at the same moment: the write
that waited never replaces, nor undoes, what it did not see.

Tab A's write is in flight (flushed, not committed: it holds the row, or on PostgreSQL the unique
index entry). Tab B's write starts in another thread on its own connection and waits; then A
commits. B must be refused, whatever it read before waiting. On both databases.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from builders import give, newsroom
from sqlalchemy import select

from workbench.access import Actor
from workbench.adjudication import DecidedMeanwhile, record_final_verdict
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.models import FinalVerdict, Verdict
from workbench.review import SavedVerdict, VerdictState, submit_verdict, undo
from workbench.verdicts import AlreadyLabelled, VerdictError, save_verdict

WAITS_SECONDS = 0.7
"""How long tab A keeps its write in flight once tab B has started (B waits meanwhile)."""


def while_in_flight(database: Database, write_a: Callable, write_b: Callable) -> BaseException | None:
    """Run ``write_a`` in a transaction, start ``write_b`` in its own, commit A; B's error, if any."""
    outcome: list[BaseException | None] = []

    def tab_b() -> None:
        try:
            with database.transaction() as session:
                write_b(session)
            outcome.append(None)
        except BaseException as error:  # reported to the test
            outcome.append(error)

    with database.transaction() as session:
        write_a(session)
        session.flush()
        other = threading.Thread(target=tab_b)
        other.start()
        time.sleep(WAITS_SECONDS)
    other.join(30)
    assert outcome, "tab B never finished"
    return outcome[0]


def verdict_of(database: Database, claim_id: int, reviewer_id: int) -> tuple[str, str] | None:
    with database.read_session() as session:
        row = session.execute(
            select(Verdict.label, Verdict.note).where(Verdict.claim_id == claim_id, Verdict.reviewer_id == reviewer_id)
        ).first()
        return tuple(row) if row else None


def test_a_press_in_a_second_tab_never_replaces_the_first_tab_s_new_verdict(db: Database) -> None:
    room = newsroom(db)
    bob, claim = room.reviewers["bob"], room.claims["bridge"][0]
    error = while_in_flight(
        db,
        lambda session: submit_verdict(session, bob, claim, "supported", "tab A", expect_unlabelled=True),
        lambda session: submit_verdict(session, bob, claim, "disputed", "tab B", expect_unlabelled=True),
    )
    assert isinstance(error, AlreadyLabelled), error
    assert verdict_of(db, claim, bob.id) == ("supported", "tab A")


def test_undo_never_withdraws_a_verdict_saved_meanwhile_in_another_tab(db: Database) -> None:
    room = newsroom(db)
    alice, claim = room.reviewers["alice"], room.claims["budget"][0]
    with db.transaction() as session:
        saved = submit_verdict(session, alice, claim, "supported", "tab A", expect_unlabelled=True)
    assert saved.before is None
    error = while_in_flight(
        db,
        lambda session: save_verdict(session, alice, claim, "disputed", "tab B, newer"),
        lambda session: undo(session, alice, saved),
    )
    assert isinstance(error, VerdictError) and "changed since" in str(error), error
    assert verdict_of(db, claim, alice.id) == ("disputed", "tab B, newer")


def test_undo_restores_what_the_save_replaced_as_it_was_when_locked(db: Database) -> None:
    room = newsroom(db)
    carol, claim = room.reviewers["carol"], room.claims["match"][0]
    give(db, carol, claim, "editorial_framing", "first")
    with db.transaction() as session:
        saved = submit_verdict(session, carol, claim, "supported", "second")
    assert saved == SavedVerdict(claim, VerdictState("editorial_framing", "first", ()), VerdictState("supported", "second", ()))
    with db.transaction() as session:
        undo(session, carol, saved)
    assert verdict_of(db, claim, carol.id) == ("editorial_framing", "first")


@pytest.mark.parametrize("first_label", ["supported", "disputed"])
def test_a_lead_s_final_verdict_is_never_replaced_by_another_lead_who_saw_none(db: Database, first_label: str) -> None:
    room = newsroom(db)
    with db.transaction() as session:
        other = Actor.of(create_reviewer(session, "Second Lead", None, "lead", actor=room.lead))
    claim = room.claims["bridge"][1]
    error = while_in_flight(
        db,
        lambda session: record_final_verdict(session, room.lead, claim, first_label, "lead one", expected_final=None),
        lambda session: record_final_verdict(session, other, claim, "editorial_framing", "lead two", expected_final=None),
    )
    assert isinstance(error, DecidedMeanwhile), error
    with db.read_session() as session:
        final = session.scalar(select(FinalVerdict).where(FinalVerdict.claim_id == claim))
        assert (final.label, final.rationale) == (first_label, "lead one")

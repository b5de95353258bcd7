"""Sign-in sessions in the database, on SQLite and PostgreSQL: one-time handoff, hashed tokens,
idle and absolute expiry, sign-out, ending all sessions, and a second process seeing them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from workbench import sessions
from workbench.access import Actor, PermissionDenied
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.models import SignInSession, utcnow


@pytest.fixture
def people(db: Database) -> dict[str, Actor]:
    with db.transaction() as session:
        return {
            name: Actor.of(create_reviewer(session, name, None, role, actor=Actor.operator()))
            for name, role in [("lena", "lead"), ("ana", "reviewer")]
        }


def signed_in(db: Database, actor: Actor) -> str:
    token = sessions.trade_handoff(db, sessions.start_session(db, actor).handoff_code)
    assert token is not None
    return token


def live(db: Database, token: str) -> sessions.ActiveSession | None:
    with db.session() as session:
        return sessions.session_for_token(session, token)


def test_the_handoff_code_works_once_and_only_the_tokens_hash_is_stored(db, people):
    new = sessions.start_session(db, people["ana"])
    token = sessions.trade_handoff(db, new.handoff_code)
    assert token and live(db, token).actor == people["ana"] and live(db, token).id == new.id
    assert sessions.trade_handoff(db, new.handoff_code) is None, "a code is single-use"
    with db.session() as session:
        row = session.get(SignInSession, new.id)
        assert row.token_hash == sessions.token_hash(token) != token and row.handoff_hash is None
    assert live(db, "forged") is None and live(db, "") is None


def test_an_old_handoff_code_is_refused(db, people):
    new = sessions.start_session(db, people["ana"])
    with db.transaction() as session:
        session.execute(update(SignInSession).values(created_at=utcnow() - sessions.HANDOFF_LIFETIME))
    assert sessions.trade_handoff(db, new.handoff_code) is None


@pytest.mark.parametrize("column, age", [
    ("last_seen_at", sessions.IDLE_LIFETIME),
    ("expires_at", timedelta(0)),
])
def test_idle_and_absolute_expiry_end_a_session(db, people, column, age):
    token = signed_in(db, people["ana"])
    with db.transaction() as session:
        session.execute(update(SignInSession).values({column: utcnow() - age - timedelta(seconds=1)}))
    assert live(db, token) is None


def test_use_moves_the_idle_clock_at_most_once_a_minute(db, people):
    token = signed_in(db, people["ana"])
    active = live(db, token)
    sessions.touch(db, active)
    assert live(db, token).last_seen_at == active.last_seen_at
    with db.transaction() as session:
        session.execute(update(SignInSession).values(last_seen_at=utcnow() - timedelta(hours=7)))
    sessions.touch(db, live(db, token))
    assert utcnow() - live(db, token).last_seen_at < timedelta(minutes=1)


def test_sign_out_ends_one_session_and_a_lead_ends_them_all(db, people):
    first, second, third = (signed_in(db, people["ana"]) for _ in range(3))
    sessions.end_session(db, live(db, first).id)
    assert live(db, first) is None and live(db, second) is not None
    sessions.end_session_by_token(db, second)
    assert live(db, second) is None and live(db, third) is not None
    with pytest.raises(PermissionDenied), db.transaction() as session:
        sessions.end_all_sessions(session, people["lena"].id, actor=people["ana"])
    with db.transaction() as session:
        assert sessions.end_all_sessions(session, people["ana"].id, actor=people["lena"]) == 1
    assert live(db, third) is None


def test_a_second_process_recognises_the_session(db, people):
    token = signed_in(db, people["ana"])
    other = Database(db.url)
    try:
        with other.session() as session:
            found = sessions.session_for_token(session, token)
            assert found.actor == people["ana"]
            assert sessions.session_by_id(session, found.id) == found
    finally:
        other.dispose()
    with db.session() as session:
        assert session.scalar(select(SignInSession.reviewer_id)) == people["ana"].id

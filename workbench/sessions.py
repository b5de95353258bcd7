"""Sign-in sessions kept in the database, so a sign-in survives reloads, new tabs and restarts.

A browser holds a random token in a cookie; the database keeps only its SHA-256 hash, so a copy of
the database (or a backup) cannot be replayed as a sign-in. Sessions end after ``IDLE_LIFETIME``
without use, ``ABSOLUTE_LIFETIME`` after signing in whatever happens, at sign-out, when a lead ends
all sessions of an account, and when the account is deactivated. Any app process sharing the
database recognises any session.

Performance: checking a session is one primary-key (or unique-index) read joined to its reviewer;
the idle clock is written at most once per ``TOUCH_INTERVAL`` per session, in a transaction of
its own that holds no lock during any other work.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workbench.access import Actor, require_lead
from workbench.auth import AuthError
from workbench.db import Database
from workbench.models import Reviewer, SignInSession, utcnow

IDLE_LIFETIME = timedelta(hours=8)
"""A session nobody used for this long has ended."""
ABSOLUTE_LIFETIME = timedelta(days=7)
"""A session ends this long after signing in, however busy."""
HANDOFF_LIFETIME = timedelta(minutes=2)
"""The one-time code a page hands its browser must be traded for the cookie within this time."""
TOUCH_INTERVAL = timedelta(minutes=1)
"""The idle clock is moved forward at most this often (a write per page run would be wasteful)."""
COOKIE_NAME = "workbench_session"


def token_hash(token: str) -> str:
    """What the database keeps of a token or a one-time code."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class ActiveSession:
    """A live sign-in session."""

    id: int
    """The session's row id (kept in the browser tab's state; not a secret)."""
    actor: Actor
    """Who is signed in."""
    last_seen_at: datetime
    """When the session was last used (to within ``TOUCH_INTERVAL``)."""


@dataclass(frozen=True)
class NewSession:
    """A session just started: its id and the one-time code the browser trades for its cookie."""

    id: int
    """The session's row id."""
    handoff_code: str
    """A random single-use code, valid for ``HANDOFF_LIFETIME``; only its hash is stored."""


def start_session(database: Database, actor: Actor) -> NewSession:
    """Record a new session for ``actor`` (just signed in) in a short transaction of its own."""
    code = secrets.token_urlsafe(32)
    now = utcnow()
    with database.transaction() as tx:
        row = SignInSession(
            reviewer_id=actor.id,
            handoff_hash=token_hash(code),
            created_at=now,
            last_seen_at=now,
            expires_at=now + ABSOLUTE_LIFETIME,
        )
        tx.add(row)
        tx.flush()
        return NewSession(id=row.id, handoff_code=code)


def trade_handoff(database: Database, code: str) -> str | None:
    """Trade a one-time code for the session's cookie token (``None``: unknown, used or too old)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with database.transaction() as tx:
        traded = tx.execute(
            update(SignInSession)
            .where(
                SignInSession.handoff_hash == token_hash(code),
                SignInSession.token_hash.is_(None),
                SignInSession.ended_at.is_(None),
                SignInSession.created_at > now - HANDOFF_LIFETIME,
            )
            .values(handoff_hash=None, token_hash=token_hash(token), last_seen_at=now)
        ).rowcount
    return token if traded == 1 else None


def _live(now: datetime):
    return (
        SignInSession.ended_at.is_(None),
        SignInSession.expires_at > now,
        SignInSession.last_seen_at > now - IDLE_LIFETIME,
        Reviewer.active.is_(True),
    )


def session_for_token(session: Session, token: str | None) -> ActiveSession | None:
    """The live session a cookie token belongs to, or ``None``."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    return _active(session, SignInSession.token_hash == token_hash(token))


def session_by_id(session: Session, session_id: int) -> ActiveSession | None:
    """The session a browser tab signed in with, if it is still live (ended, expired: ``None``)."""
    return _active(session, SignInSession.id == session_id)


def _active(session: Session, which) -> ActiveSession | None:
    row = session.execute(
        select(SignInSession.id, SignInSession.last_seen_at, Reviewer)
        .join(Reviewer, Reviewer.id == SignInSession.reviewer_id)
        .where(which, *_live(utcnow()))
    ).first()
    if row is None:
        return None
    session_id, last_seen_at, reviewer = row
    return ActiveSession(id=session_id, actor=Actor.of(reviewer), last_seen_at=last_seen_at)


def touch(database: Database, active: ActiveSession) -> None:
    """Move the idle clock forward, at most once per ``TOUCH_INTERVAL``."""
    now = utcnow()
    if now - active.last_seen_at < TOUCH_INTERVAL:
        return
    with database.transaction() as tx:
        tx.execute(
            update(SignInSession)
            .where(SignInSession.id == active.id, SignInSession.ended_at.is_(None))
            .values(last_seen_at=now)
        )


def end_session(database: Database, session_id: int) -> None:
    """Sign out: the session ends everywhere (its cookie no longer signs anyone in)."""
    with database.transaction() as tx:
        tx.execute(
            update(SignInSession)
            .where(SignInSession.id == session_id, SignInSession.ended_at.is_(None))
            .values(ended_at=utcnow(), handoff_hash=None)
        )


def end_all_sessions(session: Session, reviewer_id: int, *, actor: Actor) -> int:
    """End every session of an account (a lead, or the operator).

    Returns how many sessions were ended (expired ones not yet marked count too).
    """
    require_lead(actor, "end another account's sessions")
    if session.get(Reviewer, reviewer_id) is None:
        raise AuthError(f"No reviewer with id {reviewer_id}.")
    return session.execute(
        update(SignInSession)
        .where(SignInSession.reviewer_id == reviewer_id, SignInSession.ended_at.is_(None))
        .values(ended_at=utcnow(), handoff_hash=None)
    ).rowcount


def end_session_by_token(database: Database, token: str) -> None:
    """Sign out by cookie (the server route's way): the session ends everywhere."""
    with database.transaction() as tx:
        tx.execute(
            update(SignInSession)
            .where(SignInSession.token_hash == token_hash(token), SignInSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )

"""Accounts, passwords and roles. Every permission check in the workbench goes through here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.db import Database
from workbench.errors import WorkbenchError
from workbench.models import ROLES, Reviewer, utcnow

PASSWORD_HASHER = PasswordHasher()
"""Argon2id with the library's recommended memory-hard parameters."""
MIN_PASSWORD_LENGTH = 8
FREE_FAILED_LOGINS = 3
"""Wrong passwords allowed before sign-in for that account is slowed down."""
MAX_LOCKOUT = timedelta(minutes=15)
SIGN_IN_FAILED = (
    "Unknown name or wrong password. After several wrong passwords, signing in with that name "
    "pauses for a while (up to 15 minutes), even with the right password."
)
NAME_PATTERN = re.compile(r"^[\w][\w .@'-]{0,99}$")


class AuthError(WorkbenchError):
    """Signing in or managing accounts failed; the message is safe to show."""


class PermissionDenied(AuthError):
    """The signed-in person may not do this."""


@dataclass(frozen=True)
class Actor:
    """The person doing something: who they are and what role they have."""

    id: int
    name: str
    role: str

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"

    @classmethod
    def of(cls, reviewer: Reviewer) -> Actor:
        return cls(id=reviewer.id, name=reviewer.name, role=reviewer.role)


def require_lead(actor: Actor | None, action: str = "do this") -> None:
    """Refuse unless ``actor`` is a lead."""
    if actor is None or not actor.is_lead:
        raise PermissionDenied(f"Only a lead can {action}.")


@cache
def dummy_hash() -> str:
    """Verified against when the name is unknown, so a missing account costs the same time."""
    return PASSWORD_HASHER.hash("not a real password")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return PASSWORD_HASHER.hash(password)


def validate_name(name: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise AuthError(
            "A reviewer name is 1 to 100 letters, digits, spaces or . @ ' - _ and starts with a letter or digit."
        )
    return name


def validate_role(role: str) -> str:
    if role not in ROLES:
        raise AuthError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
    return role


def has_accounts(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(Reviewer)) > 0


def create_reviewer(
    session: Session,
    name: str,
    password: str | None,
    role: str = "reviewer",
    *,
    actor: Actor | None,
) -> Reviewer:
    """Add an account. Only a lead may, except for the very first account (which is a lead).

    ``actor=None`` is the command line run by whoever operates the server.
    """
    name = validate_name(name)
    role = validate_role(role)
    first_account = not has_accounts(session)
    if actor is not None:
        require_lead(actor, "add reviewers")
    if first_account:
        role = "lead"
    if session.scalar(select(Reviewer.id).where(func.lower(Reviewer.name) == name.lower())):
        raise AuthError(f"A reviewer called {name!r} already exists.")
    reviewer = Reviewer(
        name=name,
        role=role,
        password_hash=hash_password(password) if password is not None else None,
    )
    session.add(reviewer)
    session.flush()
    return reviewer


def lockout_for(failed_logins: int) -> timedelta:
    """How long sign-in waits after ``failed_logins`` wrong passwords in a row (doubling)."""
    if failed_logins < FREE_FAILED_LOGINS:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failed_logins - FREE_FAILED_LOGINS + 1)), MAX_LOCKOUT)


def sign_in(database: Database, name: str, password: str) -> Actor:
    """Check a name and password; each failure is recorded and throttles the next attempts."""
    with database.transaction() as session:
        reviewer = session.scalar(
            select(Reviewer)
            .where(func.lower(Reviewer.name) == name.strip().lower())
            .with_for_update()
        )
        now = utcnow()
        locked = reviewer is not None and reviewer.locked_until is not None and reviewer.locked_until > now
        if reviewer is None or not reviewer.active or reviewer.password_hash is None or locked:
            # The same work and the same answer whether the name is unknown or paused, so
            # neither timing nor wording tells a guesser which names exist.
            _verify(dummy_hash(), password)
        elif not _verify(reviewer.password_hash, password):
            reviewer.failed_logins += 1
            delay = lockout_for(reviewer.failed_logins)
            reviewer.locked_until = now + delay if delay else None
        else:
            reviewer.failed_logins = 0
            reviewer.locked_until = None
            if PASSWORD_HASHER.check_needs_rehash(reviewer.password_hash):
                reviewer.password_hash = PASSWORD_HASHER.hash(password)
            return Actor.of(reviewer)
    raise AuthError(SIGN_IN_FAILED)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return PASSWORD_HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(session: Session, reviewer_id: int, password: str, *, actor: Actor | None) -> None:
    """Change a password: your own, or anyone's if you are a lead (or the command line)."""
    if actor is not None and actor.id != reviewer_id:
        require_lead(actor, "change another reviewer's password")
    reviewer = session.get(Reviewer, reviewer_id)
    if reviewer is None:
        raise AuthError(f"No reviewer with id {reviewer_id}.")
    reviewer.password_hash = hash_password(password)
    reviewer.failed_logins = 0
    reviewer.locked_until = None


def list_reviewers(session: Session) -> list[Reviewer]:
    return list(session.scalars(select(Reviewer).order_by(Reviewer.name)))


def reviewer_by_name(session: Session, name: str) -> Reviewer | None:
    return session.scalar(select(Reviewer).where(func.lower(Reviewer.name) == name.strip().lower()))

"""Accounts, passwords and sign-in. Permission checks live in :mod:`workbench.access`."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Collection
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workbench.access import Actor, require_lead
from workbench.db import Database
from workbench.errors import WorkbenchError
from workbench.models import ROLES, Reviewer, SignInThrottle, utcnow
from workbench.vocabulary import Role

PASSWORD_HASHER = PasswordHasher()
"""Argon2id with the library's recommended memory-hard parameters."""
MIN_PASSWORD_LENGTH = 8
FREE_FAILED_LOGINS = 3
"""Failed sign-ins with one name (existing or not) before signing in with it is slowed down."""
FREE_FAILED_LOGINS_PER_ADDRESS = 20
"""Failed sign-ins from one client address before signing in from it is slowed down."""
MAX_LOCKOUT = timedelta(minutes=15)
SIGN_IN_FAILED = (
    "Unknown name or wrong password. After several failed tries, signing in with that name "
    "pauses for a while (up to 15 minutes), even with the right password."
)
NAME_PATTERN = re.compile(r"^[\w][\w .@'-]{0,99}$")


class AuthError(WorkbenchError):
    """Signing in or managing accounts failed; the message is safe to show."""


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


def lead_can_sign_in(session: Session) -> bool:
    """Whether an active lead with a password exists. Until one does (a fresh workbench, or one
    whose accounts were all imported without passwords) the first visitor may create a lead."""
    return session.scalar(
        select(
            select(Reviewer.id)
            .where(Reviewer.role == Role.LEAD, Reviewer.active.is_(True), Reviewer.password_hash.is_not(None))
            .exists()
        )
    )


def create_reviewer(
    session: Session,
    name: str,
    password: str | None,
    role: str = "reviewer",
    *,
    actor: Actor,
    first_is_lead: bool = True,
) -> Reviewer:
    """Add an account. Only a lead may (or the operator); the very first account is a lead
    unless ``first_is_lead`` is False (reviewers named in an imported file keep their role)."""
    name = validate_name(name)
    role = validate_role(role)
    first_account = first_is_lead and not has_accounts(session)
    require_lead(actor, "add reviewers")
    if first_account:
        role = "lead"
    if existing := session.scalar(select(Reviewer.name).where(func.lower(Reviewer.name) == name.lower())):
        same = "" if existing == name else " (names that differ only in case are one name)"
        raise AuthError(f"A reviewer called {existing!r} already exists{same}.")
    reviewer = Reviewer(
        name=name,
        role=role,
        password_hash=hash_password(password) if password is not None else None,
    )
    session.add(reviewer)
    session.flush()
    return reviewer


def lockout_for(failed_logins: int, free: int = FREE_FAILED_LOGINS) -> timedelta:
    """How long sign-in waits after ``failed_logins`` failures in a row (doubling after ``free``)."""
    if failed_logins < free:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failed_logins - free + 1)), MAX_LOCKOUT)


class SignInThrottled(AuthError):
    """Too many failed sign-ins for this name or from this address; says when to try again."""

    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after_seconds = max(1, math.ceil(retry_after.total_seconds()))
        super().__init__(
            "Too many failed sign-ins with this name or from this address. "
            f"Try again in {wait_text(self.retry_after_seconds)}."
        )


def wait_text(seconds: int) -> str:
    """``12 s``, ``3 min``: a wait people read at a glance."""
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"


def throttle_keys(name: str, address: str | None) -> dict[str, int]:
    """The throttle counters a sign-in attempt counts against, hashed, with their free failures.

    The attempted name counts whether or not it exists, so the throttle reveals nothing; an
    address is allowed more failures, as a whole office may share one.
    """
    keys = {_throttle_key("name", name.strip().lower()): FREE_FAILED_LOGINS}
    if address:
        keys[_throttle_key("address", address)] = FREE_FAILED_LOGINS_PER_ADDRESS
    return keys


def _throttle_key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode("utf-8", "replace")).hexdigest()


def throttled_for(session: Session, keys: Collection[str]) -> timedelta:
    """How long the longest of these throttles still runs (zero: not throttled)."""
    now = utcnow()
    until = session.scalar(
        select(func.max(SignInThrottle.locked_until)).where(
            SignInThrottle.key_hash.in_(keys), SignInThrottle.locked_until > now
        )
    )
    return until - now if until is not None else timedelta(0)


def record_failure(session: Session, keys: dict[str, int]) -> None:
    """Count one failed sign-in against each key (row-locked, so concurrent failures all count)."""
    now = utcnow()
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(SignInThrottle)
        .values([{"key_hash": key, "failures": 0, "updated_at": now} for key in sorted(keys)])
        .on_conflict_do_nothing()
    )
    rows = session.scalars(
        select(SignInThrottle)
        .where(SignInThrottle.key_hash.in_(keys))
        .order_by(SignInThrottle.key_hash)
        .with_for_update()
    )
    for row in rows:
        row.failures += 1
        row.updated_at = now
        delay = lockout_for(row.failures, keys[row.key_hash])
        row.locked_until = now + delay if delay else None


def clear_throttle(session: Session, name: str) -> None:
    """Forget the failures counted against a name (a correct password, a new password)."""
    session.execute(
        delete(SignInThrottle).where(SignInThrottle.key_hash.in_(throttle_keys(name, None)))
    )


def sign_in(database: Database, name: str, password: str, address: str | None = None) -> Actor:
    """Check a name and password; each failure counts against the name and the client address.

    No transaction is open while the password hash is checked (Argon2 takes tens of
    milliseconds by design), so sign-ins never delay anyone's saves: a read, the check, then a
    short write.
    """
    keys = throttle_keys(name, address)
    with database.read_session() as read:
        wait = throttled_for(read, keys)
        if wait:
            raise SignInThrottled(wait)
        reviewer = read.scalar(select(Reviewer).where(func.lower(Reviewer.name) == name.strip().lower()))
        known = reviewer is not None and reviewer.active and reviewer.password_hash is not None
        password_hash = reviewer.password_hash if known else dummy_hash()
        reviewer_id = reviewer.id if known else None
    # The same work and the same answer whether the name is unknown or paused, so neither timing
    # nor wording tells a guesser which names exist.
    correct = _verify(password_hash, password) and known
    rehashed = PASSWORD_HASHER.hash(password) if correct and PASSWORD_HASHER.check_needs_rehash(password_hash) else None
    with database.transaction() as tx:
        if not correct:
            record_failure(tx, keys)
        else:
            wait = throttled_for(tx, keys)  # locked by another attempt during the check
            if wait:
                raise SignInThrottled(wait)
            reviewer = tx.get(Reviewer, reviewer_id)
            # The account may have changed while its password was being checked.
            if reviewer is not None and reviewer.active and reviewer.password_hash == password_hash:
                clear_throttle(tx, name)
                if rehashed:
                    reviewer.password_hash = rehashed
                return Actor.of(reviewer)
    raise AuthError(SIGN_IN_FAILED)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return PASSWORD_HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(session: Session, reviewer_id: int, password: str, *, actor: Actor) -> None:
    """Change a password: your own, or anyone's if you are a lead (or the operator)."""
    if actor.id != reviewer_id:
        require_lead(actor, "change another reviewer's password")
    reviewer = session.get(Reviewer, reviewer_id)
    if reviewer is None:
        raise AuthError(f"No reviewer with id {reviewer_id}.")
    reviewer.password_hash = hash_password(password)
    clear_throttle(session, reviewer.name)


def list_reviewers(session: Session) -> list[Reviewer]:
    return list(session.scalars(select(Reviewer).order_by(Reviewer.name)))

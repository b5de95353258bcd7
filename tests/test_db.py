"""The database layer: migrations match the models, SQLite settings, constraints, UTC times."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from workbench.access import Actor
from workbench.auth import AuthError, create_reviewer, sign_in
from workbench.db import Database, normalise_url
from workbench.models import Base, Collection, Reviewer


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    assert db.current_revision() == db.head_revision()


def test_downgrade_to_nothing_and_back(db: Database) -> None:
    db.downgrade("base")
    assert db.current_revision() is None
    db.upgrade()
    assert db.current_revision() == db.head_revision()


def test_sqlite_settings(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("foreign_keys") == 1
        assert pragma("journal_mode") == "wal"
        assert pragma("busy_timeout") == 30_000


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            session.execute(
                text("INSERT INTO article (collection_id, title, source, text, content_hash, imported_at) "
                     "VALUES (999, 't', 's', 'x', 'h', CURRENT_TIMESTAMP)")
            )


@pytest.mark.parametrize("label", ["true", "", "Supported"])
def test_unknown_labels_are_refused_by_the_database(db: Database, label: str) -> None:
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            session.execute(
                text("INSERT INTO final_verdict (claim_id, label, rationale, decided_by, created_at, updated_at) "
                     "VALUES (1, :label, '', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"label": label},
            )


def test_times_come_back_in_utc(db: Database) -> None:
    local = datetime(2024, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with db.transaction() as session:
        session.add(Collection(name="c", created_at=local))
        session.add(Reviewer(name="r"))
    with db.session() as session:
        stored = session.query(Collection).one().created_at
        assert stored == local and stored.utcoffset() == timedelta(0)
        assert session.query(Reviewer).one().created_at.tzinfo is not None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///data/x.db", "sqlite:///data/x.db"),
    ],
)
def test_postgres_urls_use_psycopg3(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


def test_names_match_without_regard_to_case_beyond_ascii(db: Database) -> None:
    with db.transaction() as session:
        create_reviewer(session, "Émile Øberg", "a long password", actor=Actor.operator())
    assert sign_in(db, "émile øBERG", "a long password").name == "Émile Øberg"
    with pytest.raises(AuthError, match="already exists"):
        with db.transaction() as session:
            create_reviewer(session, "ÉMILE øberg", "a long password", actor=Actor.operator())


def test_a_transaction_cut_off_mid_write_rolls_back_quietly_and_frees_the_write_turn(db: Database) -> None:
    """Ctrl-C or a lost connection invalidates the connection inside a write: the rollback must not
    raise from the app's own listeners (a traceback instead of a message), and the next write must
    not queue behind a turn nobody holds."""
    import time

    connection = db.engine.connect()
    transaction = connection.begin()
    connection.execute(text("SELECT 1"))
    connection.invalidate()
    transaction.rollback()
    connection.close()
    started = time.monotonic()
    with db.engine.begin() as again:
        again.execute(text("SELECT 1"))
    assert time.monotonic() - started < 5


def test_a_locked_sqlite_file_is_said_to_be_busy_not_unopenable() -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from workbench.db import database_error_message

    locked = OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))
    assert database_error_message(locked).startswith("the database is busy: another command (or the app) kept writing")

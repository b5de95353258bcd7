"""Shared fixtures: real SQLite files and a real PostgreSQL database for every database test.

``db`` runs a test twice, on a fresh SQLite file and on PostgreSQL. PostgreSQL comes from
``WORKBENCH_TEST_POSTGRES_URL`` (default: the local server's ``test`` database); each test
session creates its own scratch database there and drops it at the end. Without a reachable
server the PostgreSQL half is skipped, except under ``CI=true``, where it fails.

Speed: SQLite tests copy one migrated file; PostgreSQL tests share one migrated database that is
emptied with ``DELETE`` before each test; PostgreSQL commits do not wait for the disk
(``synchronous_commit=off``, also for the servers and CLIs the tests start); passwords are hashed
with argon2's cheapest parameters unless a test asks for ``production_password_hashing``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

from workbench import auth
from workbench.db import Database, normalise_url
from workbench.models import Base

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
POSTGRES_ADMIN_URL = os.environ.get(
    "WORKBENCH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
PRODUCTION_PASSWORD_HASHER = auth.PASSWORD_HASHER
FAST_PASSWORD_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
"""Argon2id at its minimum: about 0.1 ms a hash instead of about a second on a loaded test machine."""

os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")  # a test database need not survive a crash


def require(condition: bool, reason: str) -> None:
    """Skip when a test's outside dependency is missing, but fail under CI=true."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must run in CI)")
    pytest.skip(reason)


def postgres_reachable() -> str | None:
    """``None`` when the PostgreSQL server answers, else why not."""
    try:
        engine = create_engine(normalise_url(POSTGRES_ADMIN_URL))
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:  # any driver or network failure means "not reachable"
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {error.__class__.__name__}"


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """Every test hashes passwords with :data:`FAST_PASSWORD_HASHER`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "PASSWORD_HASHER", FAST_PASSWORD_HASHER)
        yield


@pytest.fixture
def production_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workbench's own argon2 parameters, for a test of the stored hashes themselves."""
    monkeypatch.setattr(auth, "PASSWORD_HASHER", PRODUCTION_PASSWORD_HASHER)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a scratch PostgreSQL database, migrated to head, for this test session."""
    problem = postgres_reachable()
    require(problem is None, problem or "")
    name = f"wb_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalise_url(POSTGRES_ADMIN_URL).rsplit("/", 1)[0] + f"/{name}"
    database = Database(url)
    database.upgrade()
    database.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies, so migrations run once per session."""
    path = tmp_path_factory.mktemp("template") / "workbench.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    database.dispose()
    return path


def empty_postgres(database: Database) -> None:
    """Delete every row and restart every id sequence at 1.

    ``DELETE`` instead of ``TRUNCATE``: on these small tables it takes milliseconds, where
    ``TRUNCATE`` makes new files for all tables and took about 0.7 s per test.
    """
    with database.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(
            text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'")
        )


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated SQLite database file for one test."""
    path = tmp_path / "workbench.db"
    shutil.copyfile(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def postgres_db(postgres_url: str) -> Iterator[Database]:
    """The session's PostgreSQL database, emptied, for one test."""
    database = Database(postgres_url)
    empty_postgres(database)
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", id="postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Database:
    """A fresh migrated database; every test using it runs on SQLite and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_db")


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture
def app_database(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """``db``, with the Streamlit app pointed at it and its caches empty before and after."""
    import streamlit as st

    from workbench.app import common

    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield db
    common.get_database(db.url).dispose()
    st.cache_data.clear()
    st.cache_resource.clear()

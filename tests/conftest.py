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
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from builders import SEEDS, add_account, empty_postgres, new_postgres_database

from workbench import auth
from workbench.access import Actor
from workbench.db import Database

def pytest_configure(config: pytest.Config) -> None:
    """Pages run as ``workbench serve`` runs them: no full garbage collection after every script run
    (with spaCy and scikit-learn loaded it costs a tenth of a second or more per AppTest run)."""
    from streamlit import config as streamlit_config

    streamlit_config.set_option("runner.postScriptGC", False)


PRODUCTION_PASSWORD_HASHER = auth.PASSWORD_HASHER
FAST_PASSWORD_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
"""Argon2id at its minimum: about 0.1 ms a hash instead of about a second on a loaded test machine."""

os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")  # a test database need not survive a crash


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
    with new_postgres_database("wb_test") as url:
        database = Database(url)
        database.upgrade()
        database.dispose()
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies, so migrations run once per session."""
    path = tmp_path_factory.mktemp("template") / "workbench.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    database.dispose()
    return path


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
def team(db: Database) -> dict[str, Actor]:
    """A lead and two reviewers (the first account is always the lead), without passwords."""
    return {
        name: add_account(db, name, role)
        for name, role in [("lena", "lead"), ("ana", "reviewer"), ("ben", "reviewer")]
    }


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

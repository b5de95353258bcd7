"""Engines, sessions and migrations: the ``Database`` object every other module uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from workbench.config import database_url
from workbench.errors import WorkbenchError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseError(WorkbenchError):
    """The database cannot be used (unreachable, wrong URL, too new a schema)."""


def normalise_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs, since that is the driver we ship."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def python_lower(value):
    return value.lower() if isinstance(value, str) else value


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower() folds only A-Z; use Python's, so "Émile" matches "émile".
        dbapi_connection.create_function("lower", 1, python_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection) -> None:
        # Take the write lock up front: two deferred writers would otherwise deadlock.
        # A connection marked read_only (e.g. a long export) reads a WAL snapshot without the lock.
        read_only = connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


class Database:
    """A workbench database: an engine, a session factory and its migrations."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.url = normalise_url(url or database_url())
        self.engine = engine or make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(
            self.engine.execution_options(read_only=True), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        """A new session; the caller commits or rolls back (use as a context manager)."""
        return self.sessions()

    def read_session(self) -> Session:
        """A session for reading; on SQLite it reads a WAL snapshot and never blocks writers."""
        return self.read_sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work lands whole on success and not at all on any exception."""
        with self.sessions.begin() as session:
            yield session

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(alembic_config(self.engine)).get_current_head()

    def upgrade(self, revision: str = "head") -> None:
        """Create or migrate the schema to ``revision``."""
        command.upgrade(alembic_config(self.engine), revision)

    def downgrade(self, revision: str) -> None:
        command.downgrade(alembic_config(self.engine), revision)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, upgrade: bool = True) -> Database:
    """Open the configured database and (by default) bring its schema up to date."""
    database = Database(url)
    try:
        if upgrade:
            database.upgrade()
        else:
            database.current_revision()
    except OperationalError as error:
        database.dispose()
        raise DatabaseError(
            f"Cannot open the database at {database.engine.url.render_as_string(hide_password=True)}: "
            f"{error.orig or error}"
        ) from error
    return database

"""Engines, sessions and migrations: the ``Database`` object every other module uses.

Text rule, the same on both databases: text holding a NUL character or a lone UTF-16 surrogate
is refused with :class:`UnstorableText` before it reaches the database (PostgreSQL cannot store
either, SQLite would store the first and fail on the second), on every write path. Database
errors never show the values bound to a statement (``hide_parameters``, and
:func:`database_error_message` for messages), since those hold other people's notes.
Checking the bound values is one pass over each statement's text values (C-speed ``in`` and,
for non-ASCII text, one UTF-8 encode).

One way to write: a core function takes a ``Session`` and leaves the transaction to its caller (a
page's ``run_action``, a command's ``database.transaction()``), so writes that belong together
commit or roll back together. A function takes the ``Database`` only when part of its work must
run outside the write lock (spaCy before an import, training a model, a password hash check,
rebuilding matches) or must commit on its own (a session's idle clock); it then opens short
transactions itself, and pages call it through ``run_action(..., own_transactions=True)``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from workbench.config import database_url
from workbench.errors import WorkbenchError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_POOL_SIZE = 10
SQLITE_POOL_OVERFLOW = 90


class DatabaseError(WorkbenchError):
    """The database cannot be used (unreachable, wrong URL, too new a schema)."""


class UnstorableText(WorkbenchError):
    """Text that cannot be stored: it holds a NUL character or a lone surrogate; nothing was saved."""


def unstorable_reason(text: str) -> str | None:
    """Why ``text`` cannot be stored, or ``None`` when it can."""
    if "\x00" in text:
        return "holds a NUL character (\\x00)"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            return f"holds a lone surrogate (U+{ord(text[error.start]):04X}), which is not a character"
    return None


def check_storable(what: str, text: str | None) -> str | None:
    """``text`` unchanged, or :class:`UnstorableText` naming ``what`` (e.g. "The note")."""
    reason = unstorable_reason(text) if text else None
    if reason:
        raise UnstorableText(f"{what} {reason}: remove it and try again. Nothing was saved.")
    return text


def _check_bound_text(values) -> None:
    """Refuse unstorable text anywhere in a statement's bound values (one row or many)."""
    if isinstance(values, str):
        if "\x00" in values or not values.isascii():
            check_storable("A text", values)
        return
    if isinstance(values, dict):
        values = values.values()
    elif not isinstance(values, (list, tuple)):
        return
    for value in values:
        if value.__class__ is not int and value is not None:
            _check_bound_text(value)


def database_error_message(error: Exception) -> str:
    """A database error for people: the driver's reason, never the statement or its bound values.

    Only the first line: PostgreSQL's DETAIL line can quote the refused row ("Failing row contains …").
    """
    if isinstance(error, (DBAPIError, StatementError)) and error.orig is not None:
        error = error.orig
    lines = str(error).strip().splitlines()
    if lines and lines[0] == "database is locked":
        return (f"the database is busy: another command (or the app) kept writing to it for over "
                f"{SQLITE_BUSY_TIMEOUT_MS // 1000} s. Try again when it has finished")
    return lines[0] if lines else error.__class__.__name__


class WriteTurns:
    """SQLite writers of one process take turns for the write lock, first come first served.

    SQLite's own busy handler lets waiting writers poll (sleeping up to 100 ms between tries), so
    with many writers some keep losing: 40 writers saw a slowest save of 20-28 s against a
    30 s busy timeout. Queued here instead, a writer waits only for the writes ahead of it.
    Writers in other processes still meet SQLite's busy handler. A writer that waits longer
    than the busy timeout goes ahead and leaves it to SQLite.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiting: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over just as the wait ended
                return True
            self._waiting.remove(turn)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()  # the turn passes on; still held
            else:
                self._held = False


def normalise_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs, since that is the driver we ship; anything but a
    SQLite or PostgreSQL URL is refused with a ``DatabaseError`` that says what is expected."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = None
    if backend not in ("sqlite", "postgresql"):
        if backend is not None:
            shown = repr(make_url(url).render_as_string(hide_password=True))
        else:
            shown = "The database URL" if "@" in url else repr(url)  # unparsed: it may hold a password
        raise DatabaseError(
            f"{shown} is not a database the workbench can use: give a SQLite URL "
            "(sqlite:///data/workbench.db) or a PostgreSQL one (postgresql://user@host/database)."
        )
    return url


def python_lower(value):
    return value.lower() if isinstance(value, str) else value


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True)
        event.listen(engine, "before_cursor_execute", _refuse_unstorable_text)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # One connection per concurrent session: with the default 15, writers past the 15th queued for
    # a connection (up to the 30 s pool timeout) behind writers that were themselves queued.
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        hide_parameters=True,
        pool_size=SQLITE_POOL_SIZE,
        max_overflow=SQLITE_POOL_OVERFLOW,
    )
    event.listen(engine, "before_cursor_execute", _refuse_unstorable_text)
    turns = WriteTurns()

    @event.listens_for(engine, "begin")
    def _take_turn(connection) -> None:
        if not connection.get_execution_options().get("read_only", False):
            if turns.acquire(SQLITE_BUSY_TIMEOUT_MS / 1000):
                connection.info["write_turn"] = True

    def _end_turn(info: dict) -> None:
        if info.pop("write_turn", False):
            turns.release()

    def _end_connection_turn(connection) -> None:
        # An invalidated connection (Ctrl-C or a lost connection mid-statement) has no info to
        # read; its turn is released when the pool takes it back (checkin, below).
        if not connection.invalidated:
            _end_turn(connection.info)

    event.listen(engine, "commit", _end_connection_turn)
    event.listen(engine, "rollback", _end_connection_turn)
    event.listen(engine.pool, "checkin", lambda _dbapi, record: _end_turn(record.info))

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


def _refuse_unstorable_text(connection, cursor, statement, parameters, context, executemany) -> None:
    _check_bound_text(parameters)


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
            f"{database_error_message(error)}."
        ) from error
    return database

"""The database going away mid-session: a clear error, nothing half-saved, recovery, and a retry that lands once.

PostgreSQL is reached through a small TCP proxy started by the test, which can cut every
connection and refuse new ones, or swallow the server's replies (a commit whose answer is lost).
The shared server itself is never stopped. SQLite's fault is a database locked past the busy timeout.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import label_button, make_accounts, team_claims
from click.testing import CliRunner
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from workbench.access import Actor
from workbench.cli import main as cli
from workbench.db import Database, make_engine
from workbench.models import Verdict, VerdictHistory
from workbench.verdicts import save_verdict

APP_MAIN = Path(__file__).resolve().parent.parent / "workbench" / "app" / "main.py"


class Proxy:
    """A TCP proxy on a free loopback port in front of ``target``, which a test can break and mend."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.drop_replies = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self.restore()

    def restore(self) -> None:
        """Accept connections again (on the same port)."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.05)
        self._listener = listener
        self.drop_replies.clear()
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    def cut(self) -> None:
        """Close every connection and refuse new ones."""
        listener, self._listener = self._listener, None
        if listener is not None:
            self._acceptor.join()
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            server = socket.create_connection(self.target)
            with self._lock:
                self._sockets |= {client, server}
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, replies: bool) -> None:
        try:
            while data := source.recv(65536):
                if not (replies and self.drop_replies.is_set()):
                    sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@pytest.fixture
def proxy(postgres_db: Database) -> Iterator[Proxy]:
    url = postgres_db.engine.url
    running = Proxy((url.host or "127.0.0.1", url.port or 5432))
    yield running
    running.cut()


def through(proxy: Proxy, database: Database) -> str:
    url = make_url(database.url).set(host="127.0.0.1", port=proxy.port)
    return url.render_as_string(hide_password=False)


def save(database: Database, actor: Actor, claim: int, label: str, note: str) -> str | None:
    with database.transaction() as session:
        return save_verdict(session, actor, claim, label, note, expected_version=1).action


def verdicts_and_history(database: Database, claim: int) -> tuple[list[tuple[str, str]], list[str]]:
    with database.session() as session:
        verdicts = session.execute(select(Verdict.label, Verdict.note).where(Verdict.claim_id == claim)).all()
        history = session.scalars(
            select(VerdictHistory.action).where(VerdictHistory.claim_id == claim).order_by(VerdictHistory.id)
        ).all()
    return [tuple(v) for v in verdicts], list(history)


@pytest.mark.postgres
def test_database_going_away_fails_clearly_and_the_same_database_recovers(postgres_db: Database, proxy: Proxy) -> None:
    first, second = team_claims(postgres_db)[:2]
    _, (reviewer,) = make_accounts(postgres_db, 1)
    proxied = Database(through(proxy, postgres_db))
    try:
        assert save(proxied, reviewer, first, "supported", "before the outage") == "create"
        proxy.cut()
        with pytest.raises(OperationalError):
            save(proxied, reviewer, second, "disputed", "during the outage")
        assert verdicts_and_history(postgres_db, second) == ([], [])
        proxy.restore()
        assert save(proxied, reviewer, second, "disputed", "during the outage") == "create"
        assert verdicts_and_history(postgres_db, second) == ([("disputed", "during the outage")], ["create"])
        assert verdicts_and_history(postgres_db, first) == ([("supported", "before the outage")], ["create"])
    finally:
        proxied.dispose()


@pytest.mark.postgres
def test_a_commit_that_landed_but_was_not_acknowledged_is_not_recorded_twice(
    postgres_db: Database, proxy: Proxy
) -> None:
    claim = team_claims(postgres_db)[0]
    _, (reviewer,) = make_accounts(postgres_db, 1)
    proxied = Database(through(proxy, postgres_db))
    failure: list[BaseException] = []
    flushed = threading.Event()

    def save_and_lose_the_commit_reply() -> None:
        try:
            with proxied.transaction() as session:
                save_verdict(session, reviewer, claim, "supported", "landed", expected_version=1)
                session.flush()
                proxy.drop_replies.set()
                flushed.set()
        except BaseException as error:
            failure.append(error)

    try:
        saver = threading.Thread(target=save_and_lose_the_commit_reply)
        saver.start()
        assert flushed.wait(timeout=30)
        deadline = time.monotonic() + 30
        while verdicts_and_history(postgres_db, claim)[0] == [] and time.monotonic() < deadline:
            time.sleep(0.02)
        assert verdicts_and_history(postgres_db, claim)[0], "the server committed the verdict"
        proxy.cut()
        saver.join(timeout=30)
        assert failure and isinstance(failure[0], OperationalError)
        proxy.restore()
        assert save(proxied, reviewer, claim, "supported", "landed") is None, "the retry finds it already saved"
        assert verdicts_and_history(postgres_db, claim) == ([("supported", "landed")], ["create"])
    finally:
        proxied.dispose()


@pytest.mark.postgres
def test_the_command_line_says_the_database_is_unreachable(postgres_db: Database, proxy: Proxy) -> None:
    url = through(proxy, postgres_db)
    proxy.cut()
    result = CliRunner().invoke(cli, ["--database", url, "db", "current"])
    assert result.exit_code == 1
    assert "Cannot open the database" in result.output
    assert "Traceback" not in result.output


def test_a_locked_sqlite_database_fails_clearly_and_a_retry_lands_once(sqlite_db: Database) -> None:
    claim = team_claims(sqlite_db)[0]
    _, (reviewer,) = make_accounts(sqlite_db, 1)
    impatient = Database(sqlite_db.url, engine=make_engine(sqlite_db.url))

    @event.listens_for(impatient.engine, "connect")
    def short_busy_timeout(connection, _record) -> None:
        connection.execute("PRAGMA busy_timeout=200")

    blocker = sqlite3.connect(sqlite_db.engine.url.database, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="locked"):
            save(impatient, reviewer, claim, "supported", "while locked")
        blocker.execute("ROLLBACK")
        assert save(impatient, reviewer, claim, "supported", "while locked") == "create"
        assert verdicts_and_history(sqlite_db, claim) == ([("supported", "while locked")], ["create"])
    finally:
        blocker.close()
        impatient.dispose()


@pytest.mark.postgres
def test_the_queue_keeps_an_unsaved_verdict_through_an_outage(
    postgres_db: Database, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = team_claims(postgres_db)[0]
    _, (reviewer,) = make_accounts(postgres_db, 1)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", through(proxy, postgres_db))
    app = AppTest.from_file(str(APP_MAIN), default_timeout=60)
    app.session_state["actor"] = reviewer
    app.session_state["last_seen"] = time.time()
    app.run()
    assert not app.exception
    note_field = next(field for field in app.text_area if field.label == "Note")
    note_field.input("Checked against the council minutes.")

    proxy.cut()
    label_button(app, "supported").click().run()
    assert not app.exception, "a clear message, not a traceback"
    assert any("nothing was saved" in error.value for error in app.error)
    assert verdicts_and_history(postgres_db, claim) == ([], [])
    app.run()  # pressing on while the database is away changes nothing
    assert not app.exception and app.error

    proxy.restore()
    app.run()
    assert not app.exception
    note_field = next(field for field in app.text_area if field.label == "Note")
    assert note_field.value == "Checked against the council minutes.", "the typed note survived the outage"
    label_button(app, "supported").click().run()
    assert not app.exception
    assert verdicts_and_history(postgres_db, claim) == (
        [("supported", "Checked against the council minutes.")],
        ["create"],
    )

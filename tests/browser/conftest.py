"""Browser fixtures: a real ``streamlit run`` of the workbench, and headless Debian chromium.

``streamlit_server`` starts ``streamlit run workbench/app/server.py`` on a free loopback port
against a fresh SQLite file with the seed articles ingested, waits for its health check, yields
a :class:`StreamlitServer` (URL, database URL, an open :class:`Database` to set up and check
data) and stops it. ``start_streamlit`` is the factory behind it, for a server without seeds.
``browser`` is one chromium for the session (skipped without chromium, except under CI=true);
``page`` is a fresh 1400×900 tab for one test, with JavaScript dialogs and page errors
recorded (``page.dialogs``, ``page.errors``) so a test can prove that nothing ran.
``sign_in(page, server, name, password)`` signs in from the keyboard.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, require
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.ingest import ingest_paths

APP = ROOT / "workbench" / "app" / "server.py"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 60
VIEWPORT = {"width": 1400, "height": 900}

pytestmark = pytest.mark.browser


@dataclass
class StreamlitServer:
    """A running ``streamlit run`` of the workbench."""

    url: str
    database_url: str
    database: Database
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def add_account(self, name: str, password: str, role: str = "reviewer") -> None:
        """Create an account straight in the database (the first one is always a lead)."""
        with self.database.transaction() as session:
            create_reviewer(session, name, password, role, actor=None)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(
                self.process.pid, signal.SIGTERM
            )  # the group we started: streamlit and its children
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.database.dispose()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"streamlit exited with {process.returncode}:\n{log_path.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(
        f"streamlit did not become healthy in {STARTUP_TIMEOUT_S} s:\n{log_path.read_text(errors='replace')}"
    )


def launch(database_url: str, log_path: Path) -> StreamlitServer:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
    ]  # fmt: skip
    env = os.environ | {"WORKBENCH_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = StreamlitServer(url, database_url, Database(database_url), log_path, process)
    try:
        wait_until_healthy(url, process, log_path)
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the seed articles, built once and copied per server."""
    path = tmp_path_factory.mktemp("browser-template") / "seeded.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    report = ingest_paths(database, [SEEDS])
    database.dispose()
    assert report.added > 0 and not report.failed, report.messages
    return path


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser-empty") / "empty.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    database.dispose()
    return path


@pytest.fixture
def start_streamlit(
    tmp_path: Path, seeded_template: Path, empty_template: Path
) -> Iterator[Callable[..., StreamlitServer]]:
    """Factory: ``start_streamlit(seeded=True)`` → a running server on its own copy of the database."""
    servers: list[StreamlitServer] = []

    def start(seeded: bool = True) -> StreamlitServer:
        path = tmp_path / f"app-{len(servers)}.db"
        shutil.copyfile(seeded_template if seeded else empty_template, path)
        server = launch(f"sqlite:///{path}", tmp_path / f"streamlit-{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def streamlit_server(start_streamlit: Callable[..., StreamlitServer]) -> StreamlitServer:
    """A running workbench with the seed articles ingested (no accounts yet)."""
    return start_streamlit()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium for the whole session."""
    executable = shutil.which("chromium")
    require(executable is not None, "Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A fresh tab; ``page.dialogs`` and ``page.errors`` collect alerts and uncaught page errors."""
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.dialogs = []
    tab.errors = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()


def sign_in_with_keyboard(page, server: StreamlitServer, name: str, password: str) -> None:
    """Open the app and sign in using only the keyboard: type the name, Tab, the password, Enter."""
    from playwright.sync_api import expect

    page.goto(server.url)
    name_field = page.get_by_label("Name", exact=True)
    password_field = page.get_by_label("Password", exact=True)
    page.get_by_role("button", name="Sign in").wait_for()
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    name_field.focus()
    page.keyboard.type(name)
    expect(name_field).to_have_value(name)
    page.keyboard.press("Tab")
    expect(password_field).to_be_focused()
    page.keyboard.type(password)
    expect(password_field).to_have_value(password)
    page.keyboard.press("Enter")
    page.get_by_text(f"Signed in as {name}").wait_for()


@pytest.fixture
def sign_in() -> Callable[..., None]:
    return sign_in_with_keyboard


@pytest.fixture(params=["sqlite", pytest.param("postgres", id="postgresql", marks=pytest.mark.postgres)])
def shared_app_database(request: pytest.FixtureRequest, tmp_path: Path, seeded_template: Path) -> Iterator[str]:
    """The URL of a seeded database an app (or two) can serve: a SQLite copy, or PostgreSQL emptied."""
    if request.param == "sqlite":
        path = tmp_path / "shared.db"
        shutil.copyfile(seeded_template, path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_url")
    database = Database(url)
    empty_postgres(database)
    report = ingest_paths(database, [SEEDS])
    database.dispose()
    assert report.added > 0 and not report.failed, report.messages
    yield url


@pytest.fixture
def serve_database(tmp_path: Path) -> Iterator[Callable[[str], StreamlitServer]]:
    """Factory: ``serve_database(url)`` → another app process serving that database."""
    servers: list[StreamlitServer] = []

    def start(url: str) -> StreamlitServer:
        server = launch(url, tmp_path / f"served-{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()

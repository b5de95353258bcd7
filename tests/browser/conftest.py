"""Browser fixtures: a real ``streamlit run`` of the workbench, and headless Debian chromium.

``streamlit_server`` starts ``streamlit run workbench/app/server.py`` (see ``serving.launch``)
against a fresh SQLite file with the seed articles ingested, waits for its health check, yields
a :class:`StreamlitServer` (URL, database URL, an open :class:`Database` to set up and check
data) and stops it. ``start_streamlit`` is the factory behind it, for a server without seeds.
``browser`` is one chromium for the session (skipped without chromium, except under CI=true);
``page`` is a fresh 1400×900 tab for one test, with JavaScript dialogs and page errors
recorded (``page.dialogs``, ``page.errors``) so a test can prove that nothing ran.
``sign_in(page, server, name, password)`` signs in from the keyboard.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from builders import SEEDS, empty_postgres, require
from serving import StreamlitServer, launch, sign_in_with_keyboard

from workbench.db import Database
from workbench.ingest import ingest_paths

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """The migrated SQLite template with the seed articles, built once and copied per server."""
    path = tmp_path_factory.mktemp("browser-template") / "seeded.db"
    shutil.copyfile(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    report = ingest_paths(database, [SEEDS])
    database.dispose()
    assert report.added > 0 and not report.failed, report.messages
    return path


@pytest.fixture
def start_streamlit(
    tmp_path: Path, seeded_template: Path, sqlite_template: Path
) -> Iterator[Callable[..., StreamlitServer]]:
    """Factory: ``start_streamlit(seeded=True)`` → a running server on its own copy of the database."""
    servers: list[StreamlitServer] = []

    def start(seeded: bool = True) -> StreamlitServer:
        path = tmp_path / f"app-{len(servers)}.db"
        shutil.copyfile(seeded_template if seeded else sqlite_template, path)
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
def serve_database(tmp_path: Path) -> Iterator[Callable[..., StreamlitServer]]:
    """Factory: ``serve_database(url[, port])`` → another app process serving that database."""
    servers: list[StreamlitServer] = []

    def start(url: str, port: int | None = None) -> StreamlitServer:
        server = launch(url, tmp_path / f"served-{len(servers)}.log", port)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()

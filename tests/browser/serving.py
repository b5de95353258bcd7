"""A real ``streamlit run`` of the workbench for the browser tests, and signing in from the keyboard.

``launch(database_url, log_path)`` starts ``streamlit run workbench/app/server.py`` on a free
loopback port, waits for its health check and returns a :class:`StreamlitServer`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from builders import ROOT

from workbench.access import Actor
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.sessions import COOKIE_NAME

SERVER_SCRIPT = ROOT / "workbench" / "app" / "server.py"
STARTUP_TIMEOUT_S = 60


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
            create_reviewer(session, name, password, role, actor=Actor.operator())

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


def launch(database_url: str, log_path: Path, port: int | None = None) -> StreamlitServer:
    """``port``: a given one (to restart a server where its pages reconnect), else a free one."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "streamlit", "run", str(SERVER_SCRIPT),
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


def sign_in_with_keyboard(page, server: StreamlitServer, name: str, password: str) -> None:
    """Open the app and sign in using only the keyboard: type the name, Tab, the password, Enter.

    Returns once the browser holds the session cookie, so a deep link opened next stays signed in."""
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
    wait_for_session_cookie(page)


def wait_for_session_cookie(page, timeout_s: float = 20) -> None:
    """Wait until the signed-in page has traded its one-time code for the session cookie."""
    deadline = time.monotonic() + timeout_s
    while not any(cookie["name"] == COOKIE_NAME for cookie in page.context.cookies()):
        if time.monotonic() > deadline:
            raise AssertionError(f"no {COOKIE_NAME} cookie {timeout_s} s after signing in")
        page.wait_for_timeout(50)

"""What a newcomer meets at the command line: stopping serve, the database in use, password input.

``serve`` is started for real (``workbench serve`` → ``streamlit run``) and stopped with a signal;
the other tests drive the CLI in-process on real SQLite files.
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
from pathlib import Path

import pytest
from builders import ROOT, require
from click.testing import CliRunner

from workbench.cli import main
from workbench.cli import core
from workbench.db import Database

STARTUP_TIMEOUT_S = 60
PASSWORD = "correct horse battery"


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    """True if a new server could listen on ``port`` (which, like Streamlit, sets SO_REUSEADDR)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def is_running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.2)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.mark.parametrize(
    ("stop_signal", "whole_group"),
    [(signal.SIGTERM, False), (signal.SIGINT, False), (signal.SIGINT, True)],
    ids=["SIGTERM", "SIGINT", "Ctrl-C"],
)
def test_stopping_serve_stops_the_app_and_frees_the_port(tmp_path: Path, stop_signal: int, whole_group: bool) -> None:
    """Sent to serve alone (systemd, kill) or, as a terminal's Ctrl-C is, to its whole process group."""
    require(Path("/proc/self/task").exists(), "needs /proc to find the app process")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    command = [
        sys.executable, "-m", "workbench", "--database", f"sqlite:///{tmp_path / 'serve.db'}",
        "serve", "--port", str(port), "--no-seeds",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        serve = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    app_pids: list[int] = []
    try:
        wait_for(lambda: healthy(url) or serve.poll() is not None, STARTUP_TIMEOUT_S, "the app to start")
        assert serve.poll() is None, log_path.read_text()
        app_pids = children_of(serve.pid)
        assert app_pids, "serve runs the app as a child process"
        (os.killpg if whole_group else os.kill)(serve.pid, stop_signal)
        serve.wait(timeout=30)
        wait_for(lambda: not any(map(is_running, app_pids)), 30, "the app process to end")
        wait_for(lambda: port_is_free(port), 30, "the port to be released")
    finally:
        for pid in [serve.pid, *app_pids]:
            if is_running(pid):
                os.kill(pid, signal.SIGKILL)
        serve.wait(timeout=10)
    log = log_path.read_text()
    assert "Workbench at" in log
    assert "Traceback" not in log and "Aborted!" not in log, log


def test_serve_gives_streamlit_the_apps_upload_limit() -> None:
    from workbench.ingest import MAX_FILE_BYTES
    from workbench.verdict_import import MAX_UPLOAD_BYTES

    command = core.streamlit_command("127.0.0.1", 8501)
    limit = int(command[command.index("--server.maxUploadSize") + 1])
    assert limit * 2**20 == max(MAX_FILE_BYTES, MAX_UPLOAD_BYTES) == 50 * 2**20


READ_ONLY_COMMANDS = [
    ("reviewers", "list"),
    ("db", "current"),
    ("agreement",),
    ("adjudicate", "list", "--as", "lena"),
    ("export", "--out", "-"),
    ("backup", "copy.db"),
    ("dump", "-"),
    ("assign", "Seed articles", "--per-claim", "2"),
    ("reviewers", "deactivate", "ana"),
]


@pytest.mark.parametrize("args", READ_ONLY_COMMANDS, ids=" ".join)
def test_commands_outside_the_project_create_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    result = run(*args)
    assert result.exit_code == 1
    expected = tmp_path.resolve() / "data" / "workbench.db"
    assert f"No database at {expected}; nothing was created." in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_misspelt_database_file_is_refused_too(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = run("--database", f"sqlite:///{missing}", "reviewers", "list")
    assert result.exit_code == 1 and f"No database at {missing}" in result.output
    assert not missing.exists()


def test_db_upgrade_creates_and_db_current_names_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    expected = tmp_path.resolve() / "data" / "workbench.db"
    created = run("db", "upgrade")
    assert created.exit_code == 0, created.output
    assert f"sqlite:///{expected}" in created.output and expected.exists()
    current = run("db", "current")
    assert current.exit_code == 0
    assert current.output.splitlines()[0] == f"database: sqlite:///{expected}"
    listing = run("reviewers", "list")
    assert listing.exit_code == 0 and "No accounts yet" in listing.output


def test_db_current_hides_a_password() -> None:
    database = Database("postgresql://user:secret@127.0.0.1:1/none")
    try:
        from workbench.cli.common import describe

        assert describe(database) == "postgresql+psycopg://user:***@127.0.0.1:1/none"
    finally:
        database.dispose()


def test_adding_an_account_without_a_terminal_says_to_use_password_stdin(db) -> None:
    result = run("--database", db.url, "reviewers", "add", "lena")
    assert result.exit_code == 1
    assert "--password-stdin" in result.output and "No terminal" in result.output
    assert "Warning" not in result.output and "Aborted" not in result.output
    piped = run("--database", db.url, "reviewers", "add", "lena", "--password-stdin", stdin=PASSWORD + "\n")
    assert piped.exit_code == 0, piped.output


def test_a_bad_name_is_refused_before_the_password_is_asked_for(db) -> None:
    result = run("--database", db.url, "reviewers", "add", "", "--password-stdin", stdin="")
    assert result.exit_code == 1
    assert "A reviewer name is 1 to 100 letters" in result.output and "password" not in result.output.lower()


def test_real_pipe_gives_no_getpass_warning(sqlite_db) -> None:
    """Through a real pipe (no terminal at all), as in a script or a container."""
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "--database", sqlite_db.url, "reviewers", "set-password", "x"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 1
    assert "GetPassWarning" not in result.stderr and "Aborted" not in result.stderr
    assert "--password-stdin" in result.stderr


def test_load_creates_a_new_sqlite_file(sqlite_db, tmp_path: Path) -> None:
    """load (like restore) fills an empty database, so it may create the file."""
    dumped = run("--database", sqlite_db.url, "dump", str(tmp_path / "all.jsonl"))
    assert dumped.exit_code == 0, dumped.output
    target = tmp_path / "fresh" / "new.db"
    loaded = run("--database", f"sqlite:///{target}", "load", str(tmp_path / "all.jsonl"))
    assert loaded.exit_code == 0, loaded.output
    assert target.exists()

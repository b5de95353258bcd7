"""The command line over real SQLite files: ingest, split, db, help, and clean errors."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from workbench.cli import COMMAND_MODULES, main
from workbench.cli.common import missing_sqlite_file
from workbench.db import Database
from workbench.extract import normalise_text
from workbench.models import Article, Reviewer


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(*args: str, url: str | None = None, stdin: str | None = None):
    runner = CliRunner()
    prefix = ["--database", url] if url else []
    return runner.invoke(main, [*prefix, *args], input=stdin, catch_exceptions=False)


def article_count(url: str) -> int:
    database = Database(url)
    try:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(Article))
    finally:
        database.dispose()


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_every_command_in_the_package_is_registered() -> None:
    registered = {main.get_command(click.Context(main), name) for name in COMMAND_MODULES}
    for module_name in {module for module, _attribute, _summary in COMMAND_MODULES.values()}:
        module = importlib.import_module(f"workbench.cli.{module_name}")
        commands = [value for value in vars(module).values() if isinstance(value, click.Command)]
        subcommands = {sub for value in commands if isinstance(value, click.Group) for sub in value.commands.values()}
        assert {c for c in commands if c not in subcommands} <= registered, module_name


@pytest.mark.parametrize("name", sorted(COMMAND_MODULES))
def test_the_listed_summary_is_the_command_s_own_short_help(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert COMMAND_MODULES[name][2] == command.get_short_help_str(limit=1000)


def test_help_lists_every_command_without_importing_them() -> None:
    code = (
        "import sys\n"
        "from workbench.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(name for name in sys.modules if name.startswith('workbench.cli.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert all(f"  {name} " in result.stdout for name in COMMAND_MODULES)
    assert result.stdout.rstrip().endswith("[]")


@pytest.mark.parametrize("command", list(all_commands(main)), ids=" ".join)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_ingest_seeds_then_again(database_url: str, seeds_dir: Path) -> None:
    first = run("ingest", str(seeds_dir), "--collection", "Balenciaga", url=database_url)
    assert first.exit_code == 0, first.output
    assert first.stdout.strip().startswith("5 articles added, 0 skipped as duplicates, 0 failed;")
    second = run("ingest", str(seeds_dir), "--collection", "Balenciaga", url=database_url)
    assert second.exit_code == 0
    assert "0 articles added, 5 skipped as duplicates" in second.stdout
    assert article_count(database_url) == 5


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("bin.txt", b"\x00\x01\x02binary", "binary file"),
        ("latin.txt", "Caf\u00e9".encode("latin-1"), "not UTF-8 text"),
        ("a.csv", b"headline\nx\n", "no text column"),
    ],
)
def test_ingest_bad_file_fails_cleanly(database_url: str, tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = run("ingest", str(path), url=database_url)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert "0 articles added, 0 skipped as duplicates, 1 failed" in result.stdout
    assert article_count(database_url) == 0


def test_ingest_missing_path(database_url: str, tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path / "missing.txt"), url=database_url)
    assert result.exit_code == 1 and "no such file or folder" in result.stderr


def test_ingest_refuses_an_empty_collection_name_once(database_url: str, seeds_dir: Path) -> None:
    result = run("ingest", str(seeds_dir), "--collection", " ", url=database_url)
    assert result.exit_code == 1
    assert result.stderr == "Error: A collection name is 1 to 200 characters.\n" and result.stdout == ""
    assert missing_sqlite_file(database_url), "no database was created for a refused command"


def test_ingest_empty_folder(database_url: str, tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path), url=database_url)
    assert result.exit_code == 1 and "No supported files found" in result.stderr


def test_split_jsonl_offsets_hold(seeds_dir: Path, tmp_path: Path) -> None:
    result = run("split", str(seeds_dir), "--format", "jsonl")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"source", "index", "text", "start", "end", "kind"} == set(records[0])
    texts = {path.name: normalise_text(path.read_text()) for path in seeds_dir.iterdir()}  # sources are file names
    for record in records:
        assert texts[record["source"]][record["start"] : record["end"]] == record["text"]
    assert len({r["source"] for r in records}) == 5
    assert not (tmp_path / "data").exists()


def test_split_table(seeds_dir: Path) -> None:
    result = run("split", str(seeds_dir / "003_31e09ec1713ad0d5.txt"))
    assert result.exit_code == 0
    assert "boilerplate" in result.stdout and "Leave a Comment" in result.stdout


def test_split_bad_file_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_bytes(b"")
    result = run("split", str(tmp_path / "x.txt"))
    assert result.exit_code == 1 and "the file is empty" in result.stderr


def test_db_upgrade_and_current(database_url: str) -> None:
    before = run("db", "current", url=database_url)
    assert before.exit_code == 1 and "No database at" in before.stderr
    Path(database_url.removeprefix("sqlite:///")).touch()
    assert "current: empty" in run("db", "current", url=database_url).stdout
    assert run("db", "upgrade", url=database_url).exit_code == 0
    after = run("db", "current", url=database_url)
    database, current, latest = (line.split()[-1] for line in after.stdout.splitlines())
    assert current == latest != "empty" and database == database_url


def test_unreachable_database_is_a_clean_error() -> None:
    result = run("db", "upgrade", url="postgresql://nobody@127.0.0.1:1/none")
    assert result.exit_code == 1
    assert "Cannot open the database" in result.stderr and "Traceback" not in result.output


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "--help"], capture_output=True, text=True, check=True
    )
    assert "ingest" in result.stdout and "split" in result.stdout


def test_serve_loads_the_seeds_only_into_a_database_without_data(
    sqlite_db: Database, tmp_path: Path
) -> None:
    from workbench.access import Actor
    from workbench.auth import create_reviewer
    from workbench.cli.core import load_seeds_if_empty

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "bridge.txt").write_text("The bridge cost 3 million euros.\n", encoding="utf-8")
    with sqlite_db.transaction() as session:
        create_reviewer(session, "lena", "a long password", "lead", actor=Actor.operator())
    assert load_seeds_if_empty(sqlite_db, seeds) is None, "an account is data: no demo articles"
    with sqlite_db.transaction() as session:
        session.execute(Reviewer.__table__.delete())
    assert "No seed articles loaded: there is no folder" in load_seeds_if_empty(sqlite_db, tmp_path / "elsewhere")
    assert "Loaded the seed articles" in load_seeds_if_empty(sqlite_db, seeds)
    assert load_seeds_if_empty(sqlite_db, seeds) is None


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("notaurl", "'notaurl'"),
        ("mysql://ann:secret@localhost/db", "'mysql://ann:***@localhost/db'"),
        ("ann:secret@@host", "The database URL"),  # not parsed, so never echoed: it may hold a password
    ],
)
def test_a_url_of_no_usable_database_is_refused_in_one_line(url: str, shown: str) -> None:
    result = run("reviewers", "list", url=url)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {shown} is not a database the workbench can use: give a SQLite URL "
        "(sqlite:///data/workbench.db) or a PostgreSQL one (postgresql://user@host/database).\n"
    )
    assert "secret" not in result.output


def test_ctrl_c_during_ingest_says_how_far_it_got_and_how_to_finish(
    database_url: str, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench import ingest as ingest_module

    real = ingest_module.ingest_paths

    def stopped_after_one(database, paths, collection, nlp, on_file=None):
        real(database, list(paths)[:1], collection, nlp, on_file=on_file)
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest_module, "ingest_paths", stopped_after_one)
    result = run("ingest", str(seeds_dir), url=database_url)
    assert result.exit_code == 130
    assert "Stopped after 1 of 5 files" in result.output and "Run the same command again" in result.output
    assert article_count(database_url) == 1

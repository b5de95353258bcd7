"""``workbench backup`` / ``restore``: SQLite's online backup API, and pg_dump/pg_restore for PostgreSQL.

Backups are taken while reviewers keep saving, restored into empty databases and compared row by
row (through a JSON Lines dump of each); restoring over data needs ``--replace`` and keeps a copy
of what it replaced; wrong files and missing tools give a message, never a traceback.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import LEAD_PASSWORD, SEEDS, fill_workbench, make_accounts, require, scratch_database, team_claims
from click.testing import CliRunner
from sqlalchemy import select

from workbench import LABELS
from workbench.access import Actor
from workbench.auth import create_reviewer
from workbench.backup import BackupError, backup_database, libpq_target, restore_database
from workbench.cli import main as cli
from workbench.db import Database
from workbench.dump import data_tables, dump_database, row_counts
from workbench.models import Claim
from workbench.output import OutputError
from workbench.verdicts import save_verdict

KINDS = ["sqlite", pytest.param("postgres", id="postgresql", marks=pytest.mark.postgres)]


def needs_pg_tools(database: Database) -> None:
    if database.dialect == "postgresql":
        require(shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None,
                "pg_dump and pg_restore are not installed")


@pytest.fixture(scope="module", params=KINDS)
def filled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Path]]:
    """A filled database of each kind and a backup of it, made once per module."""
    folder = tmp_path_factory.mktemp("backup-source")
    with scratch_database(request.param, folder) as database:
        needs_pg_tools(database)
        database.upgrade()
        fill_workbench(database, SEEDS)
        yield database, backup_database(database, folder / "workbench.backup").path


@pytest.fixture
def empty_target(filled: tuple[Database, Path], tmp_path: Path) -> Iterator[Database]:
    """An empty database of the same kind as ``filled``."""
    with scratch_database(filled[0].dialect.replace("postgresql", "postgres"), tmp_path) as database:
        yield database


def rows(database: Database, folder: Path) -> list[str]:
    """Every row of ``database`` as dumped (the header, which names the dialect and time, left out)."""
    path = folder / f"rows-{len(list(folder.iterdir()))}.jsonl"
    dump_database(database, path)
    return path.read_text(encoding="utf-8").splitlines()[1:]


def counts(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return row_counts(connection, data_tables(connection))


def test_backup_restores_into_an_empty_database_row_for_row(
    filled: tuple[Database, Path], empty_target: Database, tmp_path: Path
) -> None:
    source, backup = filled
    report = restore_database(empty_target, backup)
    assert report.revision == source.head_revision() and report.safety_backup is None
    assert rows(empty_target, tmp_path) == rows(source, tmp_path)
    with empty_target.transaction() as session:  # and the restored database takes new work
        newcomer = Actor.of(create_reviewer(session, "After restore", None, actor=Actor.operator()))
        claim = session.scalar(select(Claim.id).where(Claim.kind == "claim").order_by(Claim.id))
        assert save_verdict(session, newcomer, claim, "supported").action == "create"


def test_restore_over_data_needs_replace_and_keeps_what_it_replaced(
    filled: tuple[Database, Path], empty_target: Database, tmp_path: Path
) -> None:
    source, backup = filled
    empty_target.upgrade()
    make_accounts(empty_target, 2)
    before = rows(empty_target, tmp_path)
    with pytest.raises(BackupError, match="already holds data"):
        restore_database(empty_target, backup)
    assert rows(empty_target, tmp_path) == before, "a refused restore changes nothing"

    report = restore_database(empty_target, backup, replace=True)
    assert rows(empty_target, tmp_path) == rows(source, tmp_path)
    assert report.safety_backup is not None and report.safety_backup.exists()
    assert str(report.safety_backup) in report.summary()
    with scratch_database(source.dialect.replace("postgresql", "postgres"), tmp_path) as elsewhere:
        restore_database(elsewhere, report.safety_backup)
        assert rows(elsewhere, tmp_path) == before, "the safety backup holds the replaced data"


@pytest.mark.parametrize("kind", KINDS)
def test_backup_while_reviewers_keep_saving(kind: str, tmp_path: Path) -> None:
    with scratch_database(kind, tmp_path) as database:
        needs_pg_tools(database)
        database.upgrade()
        claims = team_claims(database)
        _, people = make_accounts(database, 4)
        stop = threading.Event()
        saved: list[int] = []

        def keep_saving(person) -> None:
            round_number = 0
            while not stop.is_set():
                for claim in claims:
                    with database.transaction() as session:
                        save_verdict(session, person, claim, LABELS[round_number % 3], f"round {round_number}")
                    saved.append(claim)
                round_number += 1

        writers = [threading.Thread(target=keep_saving, args=(person,)) for person in people]
        for writer in writers:
            writer.start()
        try:
            while len(saved) < 20:
                stop.wait(0.01)
            report = backup_database(database, tmp_path / "online.backup")
        finally:
            stop.set()
            for writer in writers:
                writer.join()
        assert report.size > 0 and report.revision == database.head_revision()
        with scratch_database(kind, tmp_path) as copy:
            restore_database(copy, report.path)
            restored = counts(copy)
            assert 0 < restored["verdict_history"] <= len(saved)
            assert restored["verdict"] <= len(people) * len(claims)
            with copy.engine.connect() as connection:
                orphans = connection.exec_driver_sql(
                    "SELECT COUNT(*) FROM verdict v WHERE NOT EXISTS (SELECT 1 FROM verdict_history h "
                    "WHERE h.claim_id = v.claim_id AND h.reviewer_id = v.reviewer_id "
                    "AND h.new_label = v.label AND h.new_note = v.note)"
                ).scalar()
            assert orphans == 0, "the copy is one consistent moment: every verdict has its history row"


def test_an_existing_backup_file_is_never_overwritten(db: Database, tmp_path: Path) -> None:
    needs_pg_tools(db)
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "taken.backup"
    path.write_bytes(b"keep me")
    with pytest.raises(OutputError, match="already exists"):
        backup_database(db, path)
    assert path.read_bytes() == b"keep me"
    assert [p.name for p in folder.iterdir()] == ["taken.backup"], "no partial file is left"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "neither a SQLite backup nor a pg_dump"),
        (b'{"format": "workbench-dump"}\n', "workbench load"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "SQLite"),
        (b"PGDMP" + b"\x01" * 200, "not a workbench backup|pg_restore failed|PostgreSQL backup"),
    ],
    ids=["empty", "a dump", "damaged sqlite", "damaged pg archive"],
)
def test_a_file_that_is_not_a_usable_backup_is_refused(db: Database, tmp_path: Path, content: bytes, message: str) -> None:
    make_accounts(db, 1)
    before = counts(db)
    path = tmp_path / "suspicious.backup"
    path.write_bytes(content)
    with pytest.raises(BackupError, match=message):
        restore_database(db, path, replace=True)
    assert counts(db) == before


def test_a_backup_of_the_other_kind_points_to_dump_and_load(filled: tuple[Database, Path], tmp_path: Path) -> None:
    source, backup = filled
    other = "postgres" if source.dialect == "sqlite" else "sqlite"
    with scratch_database(other, tmp_path) as database, pytest.raises(BackupError, match="workbench dump"):
        restore_database(database, backup)


@pytest.mark.postgres
def test_without_pg_dump_the_documented_command_is_shown(
    postgres_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError) as refused:
        backup_database(postgres_db, tmp_path / "db.backup")
    assert "pg_dump is not installed" in str(refused.value)
    assert "pg_dump --format=custom --file=" in str(refused.value)
    assert not (tmp_path / "db.backup").exists()


def test_the_postgres_password_never_reaches_a_command_line() -> None:
    database = Database("postgresql://editor:s3cret-pass@db.example.org:6543/newsroom?sslmode=require")
    target, environment = libpq_target(database)
    assert "s3cret-pass" not in target
    assert target == "postgresql://editor@db.example.org:6543/newsroom?sslmode=require"
    assert environment["PGPASSWORD"] == "s3cret-pass"


def test_command_line_backup_and_restore(filled: tuple[Database, Path], empty_target: Database, tmp_path: Path) -> None:
    source, _ = filled
    runner = CliRunner()
    path = tmp_path / "cli.backup"
    made = runner.invoke(cli, ["--database", source.url, "backup", str(path)])
    assert made.exit_code == 0, made.output
    assert "Backed up to" in made.output and LEAD_PASSWORD not in made.output
    restored = runner.invoke(cli, ["--database", empty_target.url, "restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert rows(empty_target, tmp_path) == rows(source, tmp_path)
    refused = runner.invoke(cli, ["--database", empty_target.url, "restore", str(path)])
    assert refused.exit_code == 1
    assert "--replace" in refused.output and "Traceback" not in refused.output
    again = runner.invoke(cli, ["--database", source.url, "backup", str(path)])
    assert again.exit_code == 1 and "already exists; choose a new file name (nothing was written)." in again.output


@pytest.mark.parametrize("command", ["restore", "load"])
def test_a_refused_restore_or_load_leaves_no_new_database_file(tmp_path: Path, command: str) -> None:
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("Not a backup.\n", encoding="utf-8")
    target = tmp_path / "new.db"
    result = CliRunner().invoke(cli, ["--database", f"sqlite:///{target}", command, str(not_a_backup)])
    assert result.exit_code == 1 and "Error:" in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]

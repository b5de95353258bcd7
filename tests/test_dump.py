"""Export everything to JSON Lines and load it into an empty database of either kind.

Round trips run in all four directions (SQLite/PostgreSQL to SQLite/PostgreSQL): the target's own
dump must equal the source's row for row, ids keep counting after a PostgreSQL load, and every
bad dump or non-empty target is refused with a message and without changing anything.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import (
    LEAD_PASSWORD,
    REVIEWER_PASSWORD,
    SEEDS,
    fill_workbench,
    make_accounts,
    scratch_database,
)
from click.testing import CliRunner
from sqlalchemy import select

from workbench.access import Actor
from workbench.auth import create_reviewer, sign_in
from workbench.cli import main as cli
from workbench.db import Database
from workbench import dump
from workbench.dump import DumpError, data_tables, dump_database, load_dump, row_counts
from workbench.models import Claim, Collection
from workbench.output import OutputError
from workbench.verdicts import save_verdict

KINDS = ["sqlite", pytest.param("postgres", id="postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=KINDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database without a schema, to load into."""
    with scratch_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture(scope="module", params=KINDS)
def filled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, dict[str, int]]]:
    """A database of each kind with a bit of everything, filled once per module (tests only read it)."""
    with scratch_database(request.param, tmp_path_factory.mktemp("source")) as database:
        database.upgrade()
        yield database, fill_workbench(database, SEEDS)


@pytest.fixture(scope="module")
def good_dump(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A dump of a filled SQLite database, for the tests that break it."""
    folder = tmp_path_factory.mktemp("good")
    with scratch_database("sqlite", folder) as database:
        database.upgrade()
        fill_workbench(database, SEEDS)
        dump_database(database, folder / "good.jsonl")
    yield folder / "good.jsonl"


def records(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]


def counts(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return row_counts(connection, data_tables(connection))


@pytest.mark.parametrize("name", ["all.jsonl", "all.jsonl.gz"])
def test_round_trip_into_an_empty_database_of_either_kind(
    filled: tuple[Database, dict[str, int]], target: Database, tmp_path: Path, name: str
) -> None:
    source, source_counts = filled
    path = tmp_path / name
    report = dump_database(source, path)
    assert report.rows == source_counts
    assert report.revision == source.head_revision()

    loaded = load_dump(target, path)
    assert loaded.rows == source_counts
    assert counts(target) == source_counts
    assert target.current_revision() == target.head_revision()

    again = tmp_path / f"again-{name}"
    dump_database(target, again)
    original, copy = records(path), records(again)
    assert original[0]["dialect"] == source.dialect and copy[0]["dialect"] == target.dialect
    assert copy[1:] == original[1:], "the loaded database dumps to exactly the same rows"


def test_header_names_every_table_in_dependency_order(filled: tuple[Database, dict[str, int]], tmp_path: Path) -> None:
    source, source_counts = filled
    path = tmp_path / "all.jsonl"
    dump_database(source, path)
    lines = records(path)
    header, end = lines[0], lines[-1]
    assert header["format"] == "workbench-dump" and header["format_version"] == 1
    assert header["alembic_revision"] == source.current_revision()
    assert header["tables"] == list(source_counts)
    assert header["tables"].index("collection") < header["tables"].index("article") < header["tables"].index("claim")
    assert header["tables"].index("claim") < header["tables"].index("verdict")
    assert end == {"end": True, "rows": source_counts}
    seen = [line["table"] for line in lines[1:-1]]
    assert seen == sorted(seen, key=header["tables"].index), "rows come table by table, parents first"
    assert "alembic_version" not in header["tables"]


def test_sql_null_and_json_null_stay_apart(filled: tuple[Database, dict[str, int]], target: Database, tmp_path: Path) -> None:
    source, _ = filled
    path = tmp_path / "all.jsonl"
    dump_database(source, path)
    history = [line["row"] for line in records(path)[1:-1] if line["table"] == "verdict_history"]
    new_evidence = {row["action"]: row["new_evidence"] for row in history}
    assert new_evidence["edit"] is None, "a withdrawn verdict's new evidence is SQL NULL"
    assert new_evidence["delete"] == "null", "an undone verdict's new evidence is JSON null"
    load_dump(target, path)
    with target.engine.connect() as connection:
        nulls = connection.exec_driver_sql(
            "SELECT action, new_evidence IS NULL FROM verdict_history WHERE action IN ('edit', 'delete')"
        ).all()
    assert {(action, bool(is_null)) for action, is_null in nulls} == {("edit", True), ("delete", False)}


def test_after_a_load_new_rows_get_fresh_ids_and_accounts_still_sign_in(
    filled: tuple[Database, dict[str, int]], target: Database, tmp_path: Path
) -> None:
    source, source_counts = filled
    path = tmp_path / "all.jsonl"
    dump_database(source, path)
    load_dump(target, path)
    assert sign_in(target, "Lead Ana", LEAD_PASSWORD).is_lead
    assert sign_in(target, "Ravi", REVIEWER_PASSWORD).name == "Ravi"
    with target.transaction() as session:
        newcomer = Actor.of(create_reviewer(session, "Newcomer", None, actor=Actor.operator()))
        claim = session.scalar(select(Claim.id).where(Claim.kind == "claim").order_by(Claim.id.desc()))
        assert save_verdict(session, newcomer, claim, "supported").action == "create"
    assert newcomer.id == source_counts["reviewer"] + 1
    assert counts(target)["verdict"] == source_counts["verdict"] + 1


def test_passwords_are_never_in_a_dump(filled: tuple[Database, dict[str, int]], tmp_path: Path) -> None:
    source, _ = filled
    path = tmp_path / "all.jsonl"
    dump_database(source, path)
    content = path.read_text(encoding="utf-8")
    assert LEAD_PASSWORD not in content and REVIEWER_PASSWORD not in content
    hashes = [line["row"]["password_hash"] for line in records(path)[1:-1] if line["table"] == "reviewer"]
    assert [h for h in hashes if h] and all(h.startswith("$argon2id$") for h in hashes if h)


def test_a_database_with_data_is_refused_and_left_alone(db: Database, target: Database, tmp_path: Path) -> None:
    make_accounts(db, 2)
    path = tmp_path / "small.jsonl"
    dump_database(db, path)
    load_dump(target, path)
    before = counts(target)
    with pytest.raises(DumpError, match="already holds data"):
        load_dump(target, path)
    assert counts(target) == before


def test_an_existing_file_is_not_overwritten(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "taken.jsonl"
    path.write_text("keep me")
    with pytest.raises(OutputError, match="already exists"):
        dump_database(db, path)
    assert path.read_text() == "keep me"


def broken_dumps(good: list[str]) -> dict[str, tuple[list[str], str]]:
    header = json.loads(good[0])
    verdict_line = next(i for i, line in enumerate(good) if line.startswith('{"table": "verdict"'))
    bad_label = json.loads(good[verdict_line])
    bad_label["row"]["label"] = "true"
    bad_column = json.loads(good[verdict_line])
    bad_column["row"]["secret"] = 1
    bad_type = json.loads(good[verdict_line])
    bad_type["row"]["claim_id"] = "1; DROP TABLE verdict"
    wrong_order = good[:1] + [good[verdict_line]] + good[1:verdict_line] + good[verdict_line + 1 :]
    return {
        "empty": ([], "empty"),
        "not a dump": (['{"hello": "world"}'], "not a workbench dump"),
        "newer format": ([json.dumps({**header, "format_version": 99})] + good[1:], "format version 99"),
        "unknown revision": ([json.dumps({**header, "alembic_revision": "9999"})] + good[1:], "does not know"),
        "cut off": (good[:-3], "incomplete"),
        "counts differ": (good[:verdict_line] + good[verdict_line + 1 :], "row counts do not match"),
        "not json": (good[:2] + ["{nope"] + good[2:], "not valid JSON"),
        "unknown label": (good[:verdict_line] + [json.dumps(bad_label)] + good[verdict_line + 1 :], "do not fit"),
        "unknown column": (good[:verdict_line] + [json.dumps(bad_column)] + good[verdict_line + 1 :], "no column 'secret'"),
        "wrong type": (good[:verdict_line] + [json.dumps(bad_type)] + good[verdict_line + 1 :], "whole number"),
        "wrong order": (wrong_order, "dependency order"),
    }


@pytest.mark.parametrize(
    "case",
    ["empty", "not a dump", "newer format", "unknown revision", "cut off", "counts differ", "not json",
     "unknown label", "unknown column", "wrong type", "wrong order"],
)
def test_a_bad_dump_is_refused_and_loads_nothing(good_dump: Path, target: Database, tmp_path: Path, case: str) -> None:
    lines, message = broken_dumps(good_dump.read_text(encoding="utf-8").splitlines())[case]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(DumpError, match=message):
        load_dump(target, bad)
    assert target.current_revision() is None and counts(target) == {}, "the database is as it was"
    load_dump(target, good_dump)  # and the same target still takes a good dump


def test_command_line_dump_and_load(filled: tuple[Database, dict[str, int]], target: Database, tmp_path: Path) -> None:
    source, source_counts = filled
    path = tmp_path / "cli.jsonl.gz"
    runner = CliRunner()
    dumped = runner.invoke(cli, ["--database", source.url, "dump", str(path)])
    assert dumped.exit_code == 0, dumped.output
    assert f"{sum(source_counts.values()):,} rows" in dumped.output
    loaded = runner.invoke(cli, ["--database", target.url, "load", str(path)])
    assert loaded.exit_code == 0, loaded.output
    assert counts(target) == source_counts
    again = runner.invoke(cli, ["--database", target.url, "load", str(path)])
    assert again.exit_code == 1
    assert "already holds data" in again.output and "Traceback" not in again.output
    missing = runner.invoke(cli, ["--database", target.url, "load", str(tmp_path / "missing.jsonl")])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_rows_written_while_a_load_starts_are_never_mixed_in_or_dropped(
    db: Database, target: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone writes to the target after the load found it empty: the load is refused, their row stays."""
    make_accounts(db, 2)
    path = tmp_path / "accounts.jsonl"
    dump_database(db, path)
    load_rows = dump.load_rows

    def someone_writes_first(database: Database, *args) -> None:
        with database.transaction() as session:
            session.add(Collection(name="Written meanwhile"))
        load_rows(database, *args)

    monkeypatch.setattr(dump, "load_rows", someone_writes_first)
    with pytest.raises(DumpError, match="already holds data"):
        load_dump(target, path)
    assert {table: count for table, count in counts(target).items() if count} == {"collection": 1}

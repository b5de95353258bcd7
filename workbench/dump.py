"""Everything in the database as JSON Lines, and back into an empty database of either kind.

A dump is one header line, then one line per row, table by table in dependency order, then an
end line with the row count of every table (so a cut-off file is noticed)::

    {"format": "workbench-dump", "format_version": 1, "alembic_revision": "0001", ...}
    {"table": "collection", "row": {"id": 1, "name": "default", ...}}
    ...
    {"end": true, "rows": {"collection": 1, ...}}

Times are ISO 8601 in UTC, dates ``YYYY-MM-DD``. JSON columns are written as their JSON text
(a string), so a JSON ``null`` and an SQL ``NULL`` stay apart. Tables are read from the database
itself, not from the models, so a dump made at any schema revision can be loaded by a workbench
that knows that revision: the target is built at the dump's revision, filled, then upgraded.
A file whose name ends in ``.gz`` is compressed.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    cast,
    func,
    select,
    text,
)
from sqlalchemy.exc import DataError, IntegrityError

from workbench import __version__
from workbench.db import Database, alembic_config
from workbench.errors import WorkbenchError
from workbench.models import utcnow
from workbench.output import atomic_output
from workbench.vocabulary import counted

FORMAT = "workbench-dump"
FORMAT_VERSION = 1
ALEMBIC_TABLE = "alembic_version"
BATCH_ROWS = 1000


class DumpError(WorkbenchError):
    """A dump cannot be written or loaded; the message says why and nothing was changed."""


@dataclass
class DumpReport:
    """What a dump or load moved: rows per table, in dependency order, and the schema revision."""

    revision: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def summary(self) -> str:
        counts = ", ".join(f"{table}: {count:,}" for table, count in self.rows.items() if count)
        return f"{counted(self.total, 'row')} at schema revision {self.revision}" + (f" ({counts})" if counts else "")


# --- reading the schema ------------------------------------------------------------------------


def data_tables(connection: Connection) -> list[Table]:
    """The database's own tables (reflected), parents before children, without alembic's."""
    metadata = MetaData()
    metadata.reflect(connection)
    return [table for table in metadata.sorted_tables if table.name != ALEMBIC_TABLE]


def row_counts(connection: Connection, tables: Iterable[Table]) -> dict[str, int]:
    return {table.name: connection.scalar(select(func.count()).select_from(table)) or 0 for table in tables}


def revision_of(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


# --- values ------------------------------------------------------------------------------------


def is_json(column: Column) -> bool:
    return isinstance(column.type, JSON)


def encode_value(value: Any) -> Any:
    """A column value as JSON: times in UTC ISO 8601 (naive ones are UTC, as SQLite stores them)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def decode_value(column: Column, value: Any, dialect: str) -> Any:
    """A dumped value back to what the target column takes; a wrong one raises ``ValueError``/``TypeError``."""
    if value is None:
        return None
    if is_json(column):
        if not isinstance(value, str):
            raise TypeError("expected the JSON text as a string")
        document = json.loads(value)
        return JSON.NULL if document is None else document
    if isinstance(column.type, DateTime):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect == "sqlite" else moment
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, Boolean):
        if not isinstance(value, bool):
            raise TypeError("expected true or false")
    elif isinstance(column.type, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("expected a whole number")
    elif isinstance(column.type, String) and not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def insert_table(table: Table) -> Table:
    """A copy of ``table`` for inserting dumped rows: JSON columns keep SQL NULL apart from JSON null."""
    columns = [
        Column(column.name, JSON(none_as_null=True) if is_json(column) else column.type)
        for column in table.columns
    ]
    return Table(table.name, MetaData(), *columns)


# --- files -------------------------------------------------------------------------------------


@contextmanager
def open_text(path: Path | str, mode: str) -> Iterator[IO[str]]:
    """A UTF-8 text stream on ``path`` (gzip when it ends in ``.gz``; ``-`` is stdin/stdout)."""
    if str(path) == "-":
        stream = sys.stdout if "w" in mode else sys.stdin
        yield stream
        stream.flush()
        return
    path = Path(path)
    if path.suffix == ".gz":
        with gzip.open(path, mode + "t", encoding="utf-8", newline="\n") as stream:
            yield stream
    else:
        with open(path, mode, encoding="utf-8", newline="\n") as stream:
            yield stream


# --- dumping -----------------------------------------------------------------------------------


def dump_records(database: Database) -> Iterator[dict[str, Any]]:
    """The dump's records (header, rows, end), read from one consistent snapshot of the database."""
    options: dict[str, Any] = {"read_only": True}
    if database.dialect == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    with database.engine.connect().execution_options(**options) as connection, connection.begin():
        revision = revision_of(connection)
        if revision is None:
            raise DumpError("The database has no workbench schema yet: there is nothing to dump.")
        tables = data_tables(connection)
        yield {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "alembic_revision": revision,
            "workbench_version": __version__,
            "dialect": database.dialect,
            "created_at": encode_value(utcnow()),
            "tables": [table.name for table in tables],
        }
        counts: dict[str, int] = {}
        for table in tables:
            counts[table.name] = 0
            columns = [cast(c, Text).label(c.name) if is_json(c) else c for c in table.columns]
            query = select(*columns).order_by(*table.primary_key.columns)
            for row in connection.execution_options(yield_per=BATCH_ROWS).execute(query).mappings():
                yield {"table": table.name, "row": {name: encode_value(value) for name, value in row.items()}}
                counts[table.name] += 1
        yield {"end": True, "rows": counts}


def write_dump(database: Database, stream: IO[str]) -> DumpReport:
    """Write the dump to a text stream; returns the revision and rows per table."""
    report = DumpReport("")
    for record in dump_records(database):
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        if "alembic_revision" in record:
            report.revision = record["alembic_revision"]
        elif record.get("end") is True:
            report.rows = record["rows"]
    return report


def dump_database(database: Database, path: Path | str) -> DumpReport:
    """Write every table of ``database`` to ``path`` (``-``: stdout); an existing file is refused.

    The file appears only once complete (:func:`workbench.output.atomic_output`).
    """
    if str(path) == "-":
        with open_text("-", "w") as stream:
            return write_dump(database, stream)
    with atomic_output(path) as partial, open_text(partial, "w") as stream:
        return write_dump(database, stream)


# --- loading -----------------------------------------------------------------------------------


def known_revisions(database: Database) -> set[str]:
    script = ScriptDirectory.from_config(alembic_config(database.engine))
    return {revision.revision for revision in script.walk_revisions()}


def read_header(line: str, where: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise DumpError(f"{where}: not a workbench dump (the first line is not a workbench-dump header).")
    if header.get("format_version") != FORMAT_VERSION:
        raise DumpError(
            f"{where}: dump format version {header.get('format_version')!r}; "
            f"this workbench reads version {FORMAT_VERSION}."
        )
    if not isinstance(header.get("alembic_revision"), str):
        raise DumpError(f"{where}: the header does not say which schema revision the dump was made at.")
    return header


def prepare_target(database: Database, revision: str) -> bool:
    """Make sure ``database`` is empty and at ``revision``; returns whether it built the schema."""
    if revision not in known_revisions(database):
        raise DumpError(
            f"The dump was made at schema revision {revision}, which this workbench does not know: "
            "load it with the same or a newer workbench."
        )
    with database.engine.connect() as connection:
        current = revision_of(connection)
        tables = data_tables(connection)
        counts = row_counts(connection, tables)
    refuse_filled(counts)
    if current is None and tables:
        raise DumpError(
            "The database has tables but no workbench schema revision; load into a new, empty database."
        )
    if current is None:
        database.upgrade(revision)
        return True
    if current != revision:
        raise DumpError(
            f"The empty database is at schema revision {current} but the dump is at {revision}. "
            "Load into a database without any tables (it is then built at the dump's revision)."
        )
    return False


def refuse_filled(counts: dict[str, int]) -> None:
    filled = {table: count for table, count in counts.items() if count}
    if filled:
        described = ", ".join(f"{table}: {counted(count, 'row')}" for table, count in filled.items())
        raise DumpError(
            f"The database already holds data ({described}). A dump loads only into an empty "
            "database: create a new one (or point --database at one) and load again."
        )


def lock_empty_tables(connection: Connection, tables: list[Table], dialect: str) -> None:
    """Keep every other writer out until the load commits, then check the tables are still empty.

    SQLite's ``BEGIN IMMEDIATE`` already holds the write lock; PostgreSQL gets ``EXCLUSIVE`` table
    locks (reads go on). Without this, rows written after :func:`prepare_target` looked would be
    mixed into the load, or dropped with the schema when the load fails.
    """
    if dialect == "postgresql" and tables:
        names = ", ".join(connection.dialect.identifier_preparer.quote(table.name) for table in tables)
        connection.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
    refuse_filled(row_counts(connection, tables))


def is_empty(database: Database) -> bool:
    with database.engine.connect() as connection:
        return not any(row_counts(connection, data_tables(connection)).values())


def load_dump(database: Database, path: Path | str) -> DumpReport:
    """Load a dump into an empty database, all rows in one transaction, then upgrade to the latest schema.

    Anything wrong (not a dump, cut off, a row that does not fit) rolls the whole load back.
    """
    where = str(path)
    if where != "-" and not Path(path).is_file():
        raise DumpError(f"{path}: no such file.")
    try:
        with open_text(path, "r") as stream:
            report = read_into(database, stream, where)
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as error:
        raise DumpError(f"{where}: cannot read the file ({error}).") from None
    try:
        database.upgrade()
    except CommandError as error:
        raise DumpError(f"The dump loaded, but upgrading its schema failed: {error}") from error
    return report


def read_into(database: Database, stream: IO[str], where: str) -> DumpReport:
    """Check the header and the target, then insert every row in one transaction."""
    first = stream.readline()
    if not first:
        raise DumpError(f"{where}: the file is empty.")
    header = read_header(first, where)
    report = DumpReport(header["alembic_revision"])
    built = prepare_target(database, report.revision)
    try:
        load_rows(database, stream, where, report)
    except BaseException:
        if built and is_empty(database):
            database.downgrade("base")  # leave it as it was: without a schema (unless someone wrote)
        raise
    return report


def load_rows(database: Database, stream: IO[str], where: str, report: DumpReport) -> None:
    """Insert every row after the header in one transaction, checking order and the end line."""
    with database.engine.begin() as connection:
        tables = {table.name: table for table in data_tables(connection)}
        lock_empty_tables(connection, list(tables.values()), database.dialect)
        order = list(tables)
        expected_end: dict[str, int] | None = None
        batch: list[dict[str, Any]] = []
        current: Table | None = None
        target: Table | None = None
        for number, line in enumerate(stream, start=2):
            if not line.strip():
                continue
            record = parse_line(line, where, number)
            if record.get("end") is True:
                expected_end = record.get("rows") if isinstance(record.get("rows"), dict) else {}
                break
            name, row = record.get("table"), record.get("row")
            if name not in tables or not isinstance(row, dict):
                raise DumpError(f"{where}, line {number}: unknown table {name!r} or a row that is not an object.")
            if current is None or name != current.name:
                if current is not None and order.index(name) < order.index(current.name):
                    raise DumpError(f"{where}, line {number}: table {name} comes after {current.name}; "
                                    "the dump is not in dependency order.")
                insert_rows(connection, target, batch, where, number)
                batch = []
                current = tables[name]
                target = insert_table(current)
            batch.append(decode_row(current, row, database.dialect, where, number))
            report.rows[name] = report.rows.get(name, 0) + 1
            if len(batch) >= BATCH_ROWS:
                insert_rows(connection, target, batch, where, number)
                batch = []
        insert_rows(connection, target, batch, where, None)
        if expected_end is None:
            raise DumpError(f"{where}: the dump is incomplete (no end line); nothing was loaded.")
        if {t: c for t, c in expected_end.items() if c} != report.rows:
            raise DumpError(f"{where}: the row counts do not match the end line; nothing was loaded.")
        if database.dialect == "postgresql":
            reset_sequences(connection, tables.values())
    report.rows = {name: report.rows.get(name, 0) for name in order}


def parse_line(line: str, where: str, number: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise DumpError(f"{where}, line {number}: not valid JSON ({error.msg} at column {error.colno}); nothing was loaded.") from None
    if not isinstance(record, dict):
        raise DumpError(f"{where}, line {number}: expected a JSON object; nothing was loaded.")
    return record


def decode_row(table: Table, row: dict[str, Any], dialect: str, where: str, number: int) -> dict[str, Any]:
    unknown = set(row) - set(table.columns.keys())
    if unknown:
        raise DumpError(f"{where}, line {number}: {table.name} has no column {min(unknown)!r}.")
    decoded = {}
    for column in table.columns:
        try:
            decoded[column.name] = decode_value(column, row.get(column.name), dialect)
        except (ValueError, TypeError) as error:
            raise DumpError(
                f"{where}, line {number}: bad value for {table.name}.{column.name} ({error}); nothing was loaded."
            ) from None
    return decoded


def insert_rows(
    connection: Connection, table: Table | None, rows: list[dict[str, Any]], where: str, number: int | None
) -> None:
    if table is None or not rows:
        return
    try:
        connection.execute(table.insert(), rows)
    except (IntegrityError, DataError) as error:
        at = f" (rows before line {number})" if number else ""
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise DumpError(f"{where}: rows of {table.name}{at} do not fit the schema: {reason}; nothing was loaded.") from None


def reset_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """Point every PostgreSQL id sequence past the largest loaded id, so new rows get fresh ids."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": f'"{table.name}"', "column": column.name},
            )
            if sequence is None:
                continue
            largest = connection.scalar(select(func.max(column)))
            connection.execute(
                text("SELECT setval(CAST(:sequence AS regclass), :value, :called)"),
                {"sequence": sequence, "value": largest or 1, "called": largest is not None},
            )

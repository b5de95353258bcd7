"""Whole-database backups: SQLite's online backup API, and ``pg_dump``/``pg_restore`` for PostgreSQL.

A backup is a file of the database's own kind (a SQLite file, or a ``pg_dump`` custom-format
archive). To move between kinds use :mod:`workbench.dump`. Both directions refuse to overwrite:
a backup never replaces an existing file, and a restore refuses a database that holds data unless
told to replace it, in which case the current contents are backed up first.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from workbench.db import Database
from workbench.dump import data_tables, known_revisions, row_counts
from workbench.errors import WorkbenchError
from workbench.models import utcnow
from workbench.output import atomic_output

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
PG_TIMEOUT_SECONDS = 6 * 60 * 60
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(WorkbenchError):
    """A backup or restore cannot be done; the message says why and what to do instead."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    revision: str | None
    size: int

    def summary(self) -> str:
        return f"Backed up to {self.path} ({self.size:,} bytes, schema revision {self.revision})."


@dataclass(frozen=True)
class RestoreReport:
    path: Path
    revision: str
    upgraded_to: str | None
    safety_backup: Path | None

    def summary(self) -> str:
        lines = [f"Restored {self.path} (schema revision {self.revision})."]
        if self.upgraded_to and self.upgraded_to != self.revision:
            lines.append(f"Upgraded the schema to revision {self.upgraded_to}.")
        if self.safety_backup:
            lines.append(f"The data it replaced was backed up first to {self.safety_backup}.")
        return "\n".join(lines)


def backup_database(database: Database, path: Path) -> BackupReport:
    """Copy the whole database to ``path`` while it stays in use; an existing file is refused."""
    path = Path(path)
    with atomic_output(path) as partial:
        if database.dialect == "sqlite":
            revision = sqlite_backup(sqlite_file(database), partial)
        elif database.dialect == "postgresql":
            revision = database.current_revision()
            pg_dump(database, partial, path)
        else:
            raise BackupError(f"Backups of {database.dialect} databases are not supported.")
    return BackupReport(path, revision, path.stat().st_size)


def restore_database(database: Database, path: Path, *, replace: bool = False) -> RestoreReport:
    """Put a backup made by :func:`backup_database` into ``database``, then upgrade its schema.

    A database that holds data is refused unless ``replace``; then it is backed up first, next to
    the backup being restored, and the report says where.
    """
    path = Path(path)
    kind = backup_kind(path)
    if kind != database.dialect:
        raise BackupError(
            f"{path} is a {KIND_NAMES[kind]} backup but the database is "
            f"{KIND_NAMES.get(database.dialect, database.dialect)}. To move data between "
            "SQLite and PostgreSQL use `workbench dump` and `workbench load`."
        )
    revision = sqlite_backup_revision(path) if kind == "sqlite" else pg_backup_revision(path)
    if revision not in known_revisions(database):
        raise BackupError(
            f"{path} was made at schema revision {revision}, which this workbench does not know: "
            "restore it with the same or a newer workbench."
        )
    safety_backup = None
    if holds_data(database):
        if not replace:
            raise BackupError(
                "The database already holds data. Restore into an empty database, or pass --replace to "
                "replace its contents (they are backed up first)."
            )
        safety_backup = path.with_name(f"before-restore-{utcnow():%Y%m%dT%H%M%SZ}{path.suffix or '.backup'}")
        backup_database(database, safety_backup)
    database.dispose()
    if kind == "sqlite":
        sqlite_restore(path, sqlite_file(database))
    else:
        pg_restore(database, path)
    database.dispose()
    database.upgrade()
    return RestoreReport(path, revision, database.current_revision(), safety_backup)


def holds_data(database: Database) -> bool:
    with database.engine.connect() as connection:
        return any(row_counts(connection, data_tables(connection)).values())


def backup_kind(path: Path) -> str:
    """``sqlite`` or ``postgresql``, from the file's first bytes."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    with open(path, "rb") as stream:
        start = stream.read(len(SQLITE_MAGIC))
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path} is neither a SQLite backup nor a pg_dump custom-format archive. "
        "(A JSON Lines dump is loaded with `workbench load`.)"
    )


# --- SQLite -------------------------------------------------------------------------------------


def sqlite_file(database: Database) -> Path:
    name = database.engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("Only a SQLite database in a file can be backed up or restored.")
    return Path(name)


def sqlite_backup(source_file: Path, target: Path) -> str | None:
    """Copy a live SQLite file with the online backup API; writers carry on meanwhile."""
    source = sqlite3.connect(source_file, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The backup copy failed SQLite's integrity check; it was not kept.")
        return alembic_revision(copy)
    finally:
        copy.close()
        source.close()


def sqlite_backup_revision(path: Path) -> str:
    backup = read_only(path)
    try:
        if backup.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is damaged (SQLite's integrity check failed).")
        revision = alembic_revision(backup)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as a SQLite database: {error}.") from None
    finally:
        backup.close()
    if revision is None:
        raise BackupError(f"{path} is a SQLite file but not a workbench backup (no schema revision).")
    return revision


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes to (or leaves journal files beside) a backup file."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def alembic_revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def sqlite_restore(path: Path, target_file: Path) -> None:
    """Copy a backup over the live file page by page (other connections see it whole or not at all)."""
    backup = read_only(path)
    target = sqlite3.connect(target_file, timeout=30)
    try:
        backup.backup(target)
    finally:
        target.close()
        backup.close()


# --- PostgreSQL ----------------------------------------------------------------------------------


def libpq_target(database: Database) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the environment carrying it (never on a command line)."""
    url: URL = make_url(database.url)
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql")._replace(password=None)
    return plain.render_as_string(hide_password=False), environment


def pg_tool(name: str, documented: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            f"{name} is not installed here. Install the PostgreSQL client tools (the server's major "
            f"version or newer), or run it where they are:\n  {documented}"
        )
    return tool


def pg_dump(database: Database, partial: Path, final: Path) -> None:
    target, environment = libpq_target(database)
    documented = f"PGPASSWORD=... pg_dump --format=custom --file={final} '{target}'"
    command = [pg_tool("pg_dump", documented), "--format=custom", "--no-password", f"--file={partial}", target]
    run_tool(command, environment, "pg_dump")


def pg_backup_revision(path: Path) -> str:
    """The schema revision inside a pg_dump archive (its ``alembic_version`` table data)."""
    documented = f"pg_restore --data-only --table=alembic_version --file=- {path}"
    output = run_tool(
        [pg_tool("pg_restore", documented), "--data-only", "--table=alembic_version", "--file=-", str(path)],
        dict(os.environ),
        "pg_restore",
    )
    match = re.search(r"^COPY [\w.\"]*alembic_version .* FROM stdin;\n([^\n\\]+)\n", output, re.MULTILINE)
    if match is None:
        raise BackupError(f"{path} is a pg_dump archive but not a workbench backup (no schema revision).")
    return match.group(1).strip()


def pg_restore(database: Database, path: Path) -> None:
    """Restore an archive in one transaction: on any error nothing changes."""
    target, environment = libpq_target(database)
    documented = (
        f"PGPASSWORD=... pg_restore --clean --if-exists --no-owner --single-transaction --dbname='{target}' {path}"
    )
    command = [
        pg_tool("pg_restore", documented), "--clean", "--if-exists", "--no-owner", "--no-privileges",
        "--single-transaction", "--exit-on-error", "--no-password", f"--dbname={target}", str(path),
    ]
    run_tool(command, environment, "pg_restore")


def run_tool(command: list[str], environment: dict[str, str], name: str) -> str:
    try:
        finished = subprocess.run(
            command, env=environment, capture_output=True, text=True, timeout=PG_TIMEOUT_SECONDS, check=False
        )
    except OSError as error:
        raise BackupError(f"{name} could not be started: {error}.") from None
    except subprocess.TimeoutExpired:
        raise BackupError(f"{name} did not finish within {PG_TIMEOUT_SECONDS // 3600} hours.") from None
    if finished.returncode != 0:
        raise BackupError(f"{name} failed: {finished.stderr.strip() or f'exit status {finished.returncode}'}")
    return finished.stdout

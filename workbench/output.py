"""Files that appear whole or not at all: exports, backups and dumps are written through here.

The content goes to a hidden temporary file beside the target, is flushed to disk, and is then
renamed over the target in one step. Nothing is left behind when writing fails. Costs one extra
``fsync`` per file on top of the writing itself.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import WorkbenchError


class OutputError(WorkbenchError):
    """A file cannot be written where asked; the message says why."""


@contextmanager
def atomic_output(path: Path | str, *, overwrite: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; it becomes ``path`` when the block ends.

    An existing ``path`` is refused unless ``overwrite``. The temporary file exists (empty) when
    the block starts, so the writer may open it by name (SQLite, ``pg_dump``) or as a stream.
    """
    path = Path(path)
    check_target(path, overwrite=overwrite)
    # Hidden, unique, and ending in the target's name, so its suffix (``.gz``) still applies.
    temporary = path.with_name(f".part-{secrets.token_hex(4)}-{path.name}")
    try:
        temporary.open("xb").close()
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        if overwrite:
            os.replace(temporary, path)
        else:
            move_without_overwriting(temporary, path)
    except OSError as error:
        raise OutputError(f"Cannot write {path}: {error.strerror or error}.") from error
    finally:
        temporary.unlink(missing_ok=True)


def check_target(path: Path, *, overwrite: bool) -> None:
    """Refuse a folder, a missing parent folder, and an existing file unless ``overwrite``."""
    if path.is_dir():
        raise OutputError(f"{path} is a folder: give a file name.")
    if not path.parent.is_dir():
        raise OutputError(f"The folder {path.parent} does not exist.")
    if path.exists() and not overwrite:
        raise already_exists(path)


class OutputExists(OutputError):
    """The target file exists and overwriting it was not asked for."""


def already_exists(path: Path) -> OutputExists:
    return OutputExists(f"{path} already exists; choose a new file name (nothing was written).")


def move_without_overwriting(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target`` unless ``target`` appeared meanwhile (a hard link, where the
    file system has them, so the check and the rename are one step)."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise already_exists(target) from None
    except OSError:
        check_target(target, overwrite=False)
        os.replace(source, target)

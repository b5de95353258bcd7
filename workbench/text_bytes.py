"""Bytes of a file to text, by one rule for every file the workbench reads.

UTF-8, with or without a BOM, or BOM-marked UTF-16 (as some spreadsheets save CSV); anything
else is refused with an ``UndecodableBytes`` that says why, which each reader words for its own
users. Linear in the size of the data.
"""

from __future__ import annotations

import csv
from enum import StrEnum

from workbench.config import MAX_FILE_BYTES

BINARY_SNIFF_BYTES = 8192
"""A NUL byte within this many leading bytes (and no UTF-16 BOM) marks a binary file."""


class Undecodable(StrEnum):
    """Why bytes are not text the workbench reads."""

    EMPTY = "empty"
    """Nothing but white space."""
    BAD_UTF16 = "bad UTF-16"
    """Marked as UTF-16 by its BOM, but not valid UTF-16."""
    BINARY = "binary"
    """A NUL byte near the start: a spreadsheet, an image, …"""
    UTF16_WITHOUT_BOM = "UTF-16 without a BOM"
    """Every other byte NUL near the start: text saved as UTF-16 without its byte-order mark."""
    NOT_UTF8 = "not UTF-8"
    """Not valid UTF-8."""


class UndecodableBytes(ValueError):
    """Bytes that are not text; ``line`` and ``byte`` locate a UTF-8 error (1-based line)."""

    def __init__(self, why: Undecodable, *, reason: str = "", line: int | None = None, byte: int | None = None):
        super().__init__(why.value)
        self.why = why
        self.reason = reason
        """The codec's own reason, for ``BAD_UTF16``."""
        self.line = line
        self.byte = byte


def allow_long_csv_cells() -> None:
    """Let Python's CSV reader take a cell as long as a whole file (its default stops at 131,072
    characters, with a message about its own limit): every CSV reader of the workbench calls this,
    so a long cell is judged by the workbench's own limits (an article's length, a note's)."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))


def _looks_like_utf16(head: bytes) -> bool:
    """Whether the NULs of ``head`` fall on every other byte (mostly Latin text in UTF-16)."""
    even, odd = head[0::2], head[1::2]
    return len(head) >= 4 and (even.count(0) >= 0.9 * len(even) or odd.count(0) >= 0.9 * len(odd))


def decode_bytes(data: bytes) -> str:
    """The text of ``data``; raises ``UndecodableBytes`` when it is empty or not text."""
    if not data.strip():
        raise UndecodableBytes(Undecodable.EMPTY)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise UndecodableBytes(Undecodable.BAD_UTF16, reason=error.reason) from None
    head = data[:BINARY_SNIFF_BYTES]
    if b"\x00" in head:
        raise UndecodableBytes(Undecodable.UTF16_WITHOUT_BOM if _looks_like_utf16(head) else Undecodable.BINARY)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UndecodableBytes(
            Undecodable.NOT_UTF8, line=data.count(b"\n", 0, error.start) + 1, byte=data[error.start]
        ) from None

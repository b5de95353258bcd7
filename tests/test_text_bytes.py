"""One rule turns every file's bytes into text (``workbench.text_bytes``)."""

from __future__ import annotations

import pytest

from workbench.text_bytes import Undecodable, UndecodableBytes, decode_bytes

TEXT = "claim_id,label\n1,supported – “quoted”\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("utf-16"),  # with its BOM, little- or big-endian by platform
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        b"\xff\xfe" + TEXT.encode("utf-16-le"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16", "utf-16-be", "utf-16-le"],
)
def test_utf8_and_bom_marked_utf16_are_read(data: bytes) -> None:
    assert decode_bytes(data) == TEXT


@pytest.mark.parametrize(
    ("data", "why", "line", "byte"),
    [
        (b"", Undecodable.EMPTY, None, None),
        (b" \r\n\t\n", Undecodable.EMPTY, None, None),
        (b"\xff\xfe" + b"a\x00\x00", Undecodable.BAD_UTF16, None, None),
        (b"PK\x03\x04\x00\x00rest", Undecodable.BINARY, None, None),
        (TEXT.encode("utf-16-le"), Undecodable.UTF16_WITHOUT_BOM, None, None),
        (TEXT.encode("utf-16-be"), Undecodable.UTF16_WITHOUT_BOM, None, None),
        (b"one\ntwo\nthr\xe9e\n", Undecodable.NOT_UTF8, 3, 0xE9),
    ],
    ids=["empty", "white space", "bad utf-16", "zip", "utf-16-le without BOM", "utf-16-be without BOM", "latin-1"],
)
def test_anything_else_is_refused_with_the_reason(data: bytes, why: Undecodable, line: int | None, byte: int | None) -> None:
    with pytest.raises(UndecodableBytes) as raised:
        decode_bytes(data)
    assert (raised.value.why, raised.value.line, raised.value.byte) == (why, line, byte)

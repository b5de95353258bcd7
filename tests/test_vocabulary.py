"""The shared words: counts read as people write them, in every message that states one."""

from __future__ import annotations

import pytest

from workbench.vocabulary import counted


@pytest.mark.parametrize(
    ("count", "noun", "plural", "expected"),
    [
        (0, "article", None, "0 articles"),
        (1, "article", None, "1 article"),
        (2, "final verdict", None, "2 final verdicts"),
        (12_345, "claim", None, "12,345 claims"),
        (1, "possible match", "possible matches", "1 possible match"),
        (3, "possible match", "possible matches", "3 possible matches"),
    ],
)
def test_counted(count: int, noun: str, plural: str | None, expected: str) -> None:
    assert counted(count, noun, plural) == expected

"""The shared words: counts read as people write them, in every message that states one."""

from __future__ import annotations

import pytest

from workbench.vocabulary import counted, noun_for


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


@pytest.mark.parametrize(
    ("count", "noun", "plural", "expected"),
    [(1, "column", None, "column"), (2, "column", None, "columns"), (2, "match", "matches", "matches")],
)
def test_noun_for_agrees_with_the_count_it_leaves_out(count: int, noun: str, plural: str | None, expected: str) -> None:
    assert noun_for(count, noun, plural) == expected

"""Files written whole or not at all (``workbench.output.atomic_output``)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from workbench.output import OutputError, atomic_output


def test_the_file_appears_when_the_block_ends_and_nothing_else_is_left(tmp_path: Path) -> None:
    target = tmp_path / "dump.jsonl.gz"
    with atomic_output(target) as partial:
        assert partial.parent == tmp_path, "beside the target"
        assert partial.name.endswith(target.name), "with the same suffix"
        assert partial.name.startswith(".")
        partial.write_text("whole")
        assert not target.exists()
    assert target.read_text() == "whole"
    assert list(tmp_path.iterdir()) == [target]


def test_an_existing_file_is_refused_unless_overwriting(tmp_path: Path) -> None:
    target = tmp_path / "taken.csv"
    target.write_text("keep me")
    with pytest.raises(OutputError, match="already exists"), atomic_output(target):
        pytest.fail("the block must not run")
    assert target.read_text() == "keep me"
    with atomic_output(target, overwrite=True) as partial:
        partial.write_text("new")
    assert target.read_text() == "new"
    assert list(tmp_path.iterdir()) == [target]


def test_a_file_that_appears_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "race.csv"
    with pytest.raises(OutputError, match="already exists"), atomic_output(target) as partial:
        partial.write_text("late")
        target.write_text("first")
    assert target.read_text() == "first"
    assert list(tmp_path.iterdir()) == [target]


def test_without_hard_links_the_file_is_still_moved_and_a_newcomer_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(source: Path, target: Path) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "plain.csv"
    with atomic_output(target) as partial:
        partial.write_text("moved")
    assert target.read_text() == "moved"
    other = tmp_path / "other.csv"
    with pytest.raises(OutputError, match="already exists"), atomic_output(other) as partial:
        other.write_text("first")
    assert other.read_text() == "first"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["other.csv", "plain.csv"]


def test_a_failure_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "broken.csv"
    with pytest.raises(ZeroDivisionError), atomic_output(target) as partial:
        partial.write_text("half")
        1 / 0
    no_space = pytest.raises(OutputError, match=r"Cannot write .*broken\.csv: No space left")
    with no_space, atomic_output(target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("where", "message"), [(".", "is a folder"), ("missing/x.csv", "does not exist")]
)
def test_folders_are_checked_first(tmp_path: Path, where: str, message: str) -> None:
    with pytest.raises(OutputError, match=message), atomic_output(tmp_path / where):
        pytest.fail("the block must not run")
    assert list(tmp_path.iterdir()) == []

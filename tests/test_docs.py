"""The README is checked against the code: every command it names exists and every command is named."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from workbench.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
CODE = "\n".join(re.findall(r"```.*?\n(.*?)```", README, re.S) + re.findall(r"`([^`\n]+)`", README))
COMMAND = re.compile(r"(?:^|`|/bin/|&& |; |\$ )workbench ((?:[a-z][a-z-]+)(?: [a-z|][a-z|-]+)?)", re.M)
MENTIONS = sorted(set(COMMAND.findall(CODE)))


def resolve(words: list[str]) -> click.Command | None:
    command: click.Command | None = main
    for word in words:
        if not isinstance(command, click.Group):
            break
        command = command.get_command(click.Context(command), word)
        if command is None:
            return None
    return command


@pytest.mark.parametrize("mention", MENTIONS)
def test_every_command_the_readme_names_exists(mention: str) -> None:
    first, *rest = mention.split()
    command = resolve([first])
    assert command is not None, f"README names `workbench {mention}`, which does not exist"
    if isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        choices = set(rest[0].split("|"))
        assert choices & set(command.list_commands(click.Context(command))), mention


@pytest.mark.parametrize("name", main.list_commands(click.Context(main)))
def test_every_command_is_in_the_readme_table(name: str) -> None:
    assert re.search(rf"^\| `workbench {re.escape(name)}\b", README, re.M) or f"/ `workbench {name}" in README


def test_the_readme_opens_with_the_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(python3 -m venv .+)$", quick_start, re.M)
    assert len(commands) == 2
    assert commands[0].endswith("workbench serve")
    assert "pytest" in commands[1]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci, ".ci/run must run the README's test command"


def test_the_development_layout_names_every_core_module_and_only_real_ones() -> None:
    layout = README.split("## Development layout", 1)[1].split("\n## ", 1)[0]
    table = "\n".join(line for line in layout.splitlines() if line.startswith("| "))
    named = set(re.findall(r"`([\w/]+\.py)`", table)) | {f"{package}/" for package in re.findall(r"`(\w+)/`", table)}
    package = Path(__file__).resolve().parent.parent / "workbench"
    core = {path.name for path in package.glob("*.py") if path.name not in {"__init__.py", "__main__.py", "config.py", "errors.py", "links.py"}}
    core |= {f"{path.name}/" for path in package.iterdir() if (path / "__init__.py").exists() and path.name not in {"app", "cli", "migrations"}}
    assert core - named == set(), "core modules missing from the README's development layout"
    files = {str(path.relative_to(package)) for path in package.rglob("*.py")} | {path.name for path in package.rglob("*.py")}
    missing = {name for name in named if name.rstrip("/") not in files and not (package / name).is_dir()}
    assert missing == set(), "the layout names modules that do not exist"

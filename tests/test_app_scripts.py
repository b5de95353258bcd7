"""The app's scripts: nothing Streamlit would draw by accident."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "workbench" / "app"
SCRIPTS = [APP / "main.py", *sorted((APP / "views").glob("*.py"))]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_no_bare_strings_for_streamlit_magic_to_draw(script: Path) -> None:
    """Streamlit's "magic" writes any bare literal in a page script onto the page."""
    body = ast.parse(script.read_text(encoding="utf-8")).body
    stray = [
        node.lineno
        for node in body[1:]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    ]
    assert stray == [], f"{script.name}: bare literal on line(s) {stray} would appear on the page"


def test_the_core_never_imports_streamlit() -> None:
    core = [path for path in (APP.parent).rglob("*.py") if APP not in path.parents]
    offenders = [
        path.name
        for path in core
        if any(
            (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "streamlit" for a in node.names))
            or (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "streamlit")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("42", 42), (None, None), ("", None), ("²", None), ("-1", None), ("4.2", None),
     ("99999999999999999999999", None), ("2147483648", None), ("2147483647", 2147483647)],
)
def test_query_parameter_ids(value: str | None, expected: int | None) -> None:
    from workbench.app.common import id_from

    assert id_from(value) == expected


def test_every_page_script_a_page_runs_exists_and_gets_all_its_values() -> None:
    from workbench.app.common import PAGE_SCRIPTS

    calls = [
        node
        for script in SCRIPTS
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "run_page_script"
    ]
    assert {call.args[0].value for call in calls} == {path.stem for path in PAGE_SCRIPTS.glob("*.js")}
    for call in calls:
        source = (PAGE_SCRIPTS / f"{call.args[0].value}.js").read_text(encoding="utf-8")
        wanted = {name.lower() for name in re.findall(r"__([A-Z_]+)__", source)}
        assert wanted == {keyword.arg for keyword in call.keywords}, call.args[0].value
        assert "<script" not in source.lower(), "the loader adds the script tag"

"""The guidelines page in AppTest: everyone reads the definitions; only a lead edits, making a version."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.access import Actor
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.guidelines import DEFAULT_DEFINITIONS, current_guidelines

PAGE = Path(__file__).resolve().parent.parent / "workbench" / "app" / "views" / "guidelines.py"


@pytest.fixture
def people(db: Database, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    with db.transaction() as session:
        lead = Actor.of(create_reviewer(session, "lena", None, "lead", actor=Actor.operator()))
        ana = Actor.of(create_reviewer(session, "ana", None, actor=Actor.operator()))
    return {"db": db, "lead": lead, "ana": ana}


def open_page(actor: Actor) -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=30)
    app.session_state["actor"] = actor
    app.session_state["last_seen"] = time.time()
    return app.run()


def shown(app: AppTest) -> str:
    return "\n".join(element.proto.body for element in app.get("html"))


def test_a_reviewer_reads_but_cannot_edit(people):
    app = open_page(people["ana"])
    assert not app.exception
    page = shown(app)
    assert all(label_text.split(":")[0] in page for label_text in DEFAULT_DEFINITIONS.values())
    assert not app.text_area and "Built-in definitions" in app.caption[0].value


def test_a_lead_edit_becomes_a_new_version_and_is_escaped(people):
    app = open_page(people["lead"])
    app.text_area(key="guideline_disputed").input("Contradicted by <b>two</b> sources.")
    app = next(b for b in app.button if b.label == "Save as a new version").click().run()
    assert not app.error
    with people["db"].session() as session:
        current = current_guidelines(session)
    assert (
        current.version == 1
        and current.definitions["disputed"] == "Contradicted by <b>two</b> sources."
    )
    assert "Contradicted by &#60;b&#62;two&#60;/b&#62; sources." in shown(app)
    assert app.caption[0].value.startswith("Version 1 · by lena")
    assert "Earlier versions" not in [header.value for header in app.subheader]

    app.text_area(key="guideline_supported").input("Backed by two independent sources.")
    app = next(b for b in app.button if b.label == "Save as a new version").click().run()
    assert app.caption[0].value.startswith("Version 2")
    assert [header.value for header in app.subheader] == ["Earlier versions"]


def test_an_empty_definition_is_refused(people):
    app = open_page(people["lead"])
    app.text_area(key="guideline_supported").input("   ")
    app = next(b for b in app.button if b.label == "Save as a new version").click().run()
    assert "cannot be empty" in app.error[0].value
    with people["db"].session() as session:
        assert current_guidelines(session).version == 0

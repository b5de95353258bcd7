"""A lead's empty pages point to the next step: Import, then Reviewers & assignment, then review."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from workbench.access import Actor
from workbench.app import common
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.extract import load_pipeline
from workbench.ingest import Document, ingest_documents
from workbench.setup_state import SetupState, setup_state

MAIN = str(common.PAGES_DIR.parent / "main.py")


@pytest.fixture
def lead(app_database: Database) -> Actor:
    with app_database.transaction() as session:
        return Actor.of(create_reviewer(session, "Lena", None, "lead", actor=Actor.operator()))


def open_page(actor: Actor, page: str) -> AppTest:
    app = AppTest.from_file(MAIN, default_timeout=60)
    app.session_state["actor"] = actor
    app.session_state["last_seen"] = time.time()
    app.switch_page(f"views/{page}.py").run()
    assert not app.exception, app.exception
    return app


def links(app: AppTest) -> list[str]:
    return [link.proto.label for link in app.get("page_link")]


def add_articles(database: Database) -> None:
    ingest_documents(database, [Document(source="a.txt", text="Taxes rose by 4% in 2023.")], "news", load_pipeline())


@pytest.mark.parametrize(
    ("page", "message"),
    [("articles", "No articles yet."), ("export", "Nothing to export yet."), ("adjudication", "Nothing to adjudicate yet.")],
)
def test_an_empty_workbench_points_to_import(lead: Actor, page: str, message: str) -> None:
    app = open_page(lead, page)
    assert any(info.value.startswith(f"{message} Start by importing articles") for info in app.info)
    assert links(app) == ["Import articles"]


def test_the_team_page_without_collections_points_to_import(lead: Actor) -> None:
    app = open_page(lead, "team")
    assert "Import articles" in links(app)


def test_articles_without_reviewers_point_to_the_team_page(app_database: Database, lead: Actor) -> None:
    add_articles(app_database)
    app = open_page(lead, "export")
    assert any("add reviewers and assign them collections" in info.value for info in app.info)
    assert links(app) == ["Reviewers & assignment"]


def test_reviewers_without_verdicts_point_to_the_queue_and_the_team(app_database: Database, lead: Actor) -> None:
    add_articles(app_database)
    with app_database.transaction() as session:
        create_reviewer(session, "Ana", None, "reviewer", actor=Actor.operator())
    app = open_page(lead, "agreement")
    assert any("No verdicts yet" in info.value for info in app.info)
    assert links(app) == ["Review queue", "Reviewers & assignment"]


def test_setup_state_steps(db: Database) -> None:
    with db.session() as session:
        assert setup_state(session) == SetupState(False, False, False)
    assert SetupState(True, False, False).next_step == "team"
    assert SetupState(True, True, False).next_step == "review"
    assert SetupState(True, True, True).next_step == "ready"

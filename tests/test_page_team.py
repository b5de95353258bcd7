"""The lead's team page in AppTest: accounts, passwords, activation, assignment, and reviewers kept out."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.access import Actor
from workbench.auth import create_reviewer, sign_in
from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.models import Assignment, Collection, Reviewer
from workbench.names import require_named

PAGE = Path(__file__).resolve().parent.parent / "workbench" / "app" / "views" / "team.py"
PASSWORD = "correct horse battery"


@pytest.fixture
def world(db: Database, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    with db.transaction() as session:
        lead = Actor.of(create_reviewer(session, "lena", None, "lead", actor=Actor.operator()))
        ana = Actor.of(create_reviewer(session, "ana", None, actor=Actor.operator()))
    ingest_documents(
        db,
        [Document(source="a.txt", text="One claim here. Another claim there.")],
        collection="Story",
    )
    with db.session() as session:
        story = require_named(session, Collection, "Story").id
    return {"db": db, "lead": lead, "ana": ana, "story": story}


def open_page(actor: Actor) -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=30)
    app.session_state["actor"] = actor
    app.session_state["last_seen"] = time.time()
    return app.run()


def button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def accounts(db: Database) -> dict[str, Reviewer]:
    with db.session() as session:
        return {r.name: r for r in session.scalars(select(Reviewer))}


def test_a_reviewer_is_kept_out(world):
    app = open_page(world["ana"])
    assert "Only a lead can manage reviewers." in app.error[0].value
    assert not app.button and not app.text_input


def test_the_table_lists_every_account(world):
    app = open_page(world["lead"])
    table = app.dataframe[0].value
    assert list(table["Name"]) == ["ana", "lena"] and list(table["Role"]) == ["reviewer", "lead"]
    assert list(table["Assigned collections"]) == ["—", "—"]


@pytest.mark.parametrize("role", ["reviewer", "lead"])
def test_a_lead_adds_an_account(world, role):
    app = open_page(world["lead"])
    app.text_input(key="team_new_name").input("Carla")
    app.selectbox(key="team_new_role").select(role)
    app.text_input(key="team_new_password").input(PASSWORD)
    app = button(app, "Add reviewer").click().run()
    assert not app.exception
    assert accounts(world["db"])["Carla"].role == role
    assert sign_in(world["db"], "carla", PASSWORD).role == role
    assert app.session_state["team_new_password"] == "" and app.session_state["team_new_name"] == ""
    assert "Carla" in list(app.dataframe[0].value["Name"])


def test_the_add_form_sent_twice_adds_once_without_an_error(world):
    app = open_page(world["lead"])
    for _ in range(2):  # Enter pressed again: the browser sends the same form once more
        app.text_input(key="team_new_name").input("Carla")
        app.text_input(key="team_new_password").input(PASSWORD)
        app = button(app, "Add reviewer").click().run()
        assert not app.error
    assert set(accounts(world["db"])) == {"lena", "ana", "Carla"}


@pytest.mark.parametrize(
    "name, password, message",
    [
        ("Carla", "short", "at least 8"),
        ("ANA", PASSWORD, "already exists"),
        ("", PASSWORD, "A reviewer name is"),
    ],
)
def test_a_bad_new_account_is_refused(world, name, password, message):
    app = open_page(world["lead"])
    app.text_input(key="team_new_name").input(name)
    app.text_input(key="team_new_password").input(password)
    app = button(app, "Add reviewer").click().run()
    assert message in app.error[0].value
    assert set(accounts(world["db"])) == {"lena", "ana"}


def test_a_lead_resets_a_password(world):
    app = open_page(world["lead"])
    app.selectbox(key="team_manage").select(world["ana"].id)
    app = app.run()
    app.text_input(key=f"team_password_{world['ana'].id}").input("a fresh password")
    app = button(app, "Reset password").click().run()
    assert not app.error
    assert sign_in(world["db"], "ana", "a fresh password").name == "ana"


def test_a_lead_deactivates_and_reactivates(world):
    ana = world["ana"]
    app = open_page(world["lead"])
    app.selectbox(key="team_manage").select(ana.id)
    app = app.run()
    app = app.button(key=f"team_deactivate_{ana.id}").click().run()
    assert not accounts(world["db"])["ana"].active
    assert list(app.dataframe[0].value["Status"]) == ["deactivated", "active"]
    app = app.button(key=f"team_activate_{ana.id}").click().run()
    assert accounts(world["db"])["ana"].active


def test_a_lead_is_not_offered_to_deactivate_themselves(world):
    lead = world["lead"]
    app = open_page(lead)
    app.selectbox(key="team_manage").select(lead.id)
    app = app.run()
    assert not any(button.key == f"team_deactivate_{lead.id}" for button in app.button)
    assert "your own account" in " ".join(caption.value for caption in app.caption)
    assert accounts(world["db"])["lena"].active


@pytest.mark.parametrize(
    "mode, number, stored", [("A fixed number", 2, 2), ("Every assigned reviewer", None, None)]
)
def test_a_lead_assigns_a_collection(world, mode, number, stored):
    story, ana = world["story"], world["ana"]
    app = open_page(world["lead"])
    app.multiselect(key=f"team_assigned_{story}").select(ana.id)
    app.radio(key=f"team_mode_{story}").set_value(mode)
    app = app.run()
    if number is not None:
        app.number_input(key=f"team_per_claim_{story}").set_value(number)
    app = app.button(key=f"team_save_{story}").click().run()
    assert not app.error
    with world["db"].session() as session:
        assert list(session.scalars(select(Assignment.reviewer_id))) == [ana.id]
        assert session.get(Collection, story).reviewers_per_claim == stored
    assert list(app.dataframe[0].value["Assigned collections"]) == ["Story", "—"]


def test_a_demoted_lead_cannot_act_from_an_open_page(world):
    story, lead = world["story"], world["lead"]
    app = open_page(lead)
    with world["db"].transaction() as session:
        create_reviewer(session, "second lead", None, "lead", actor=Actor.operator())
        session.get(Reviewer, lead.id).role = "reviewer"
    app.multiselect(key=f"team_assigned_{story}").select(world["ana"].id)
    app = app.button(key=f"team_save_{story}").click().run()
    with world["db"].session() as session:
        assert list(session.scalars(select(Assignment))) == []
    assert "actor" not in app.session_state

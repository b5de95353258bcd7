"""Security through the app (Streamlit's AppTest on the real ``main.py``), on SQLite and PostgreSQL.

A reviewer's navigation has no lead page, asking for one by its URL shows none of it, and each
lead page refuses a reviewer on its own; idle sessions expire; an account changed in the database
(demoted, deactivated) or a role forged in the session is signed out; hostile article text,
titles, sources and notes are shown as text, never as markup.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from builders import label_button
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.access import Actor
from workbench.app import common
from workbench.assignment import set_active
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.models import Claim, Reviewer
from workbench.verdicts import save_verdict

APP = Path(__file__).resolve().parent.parent / "workbench" / "app"
LEAD_PAGES = {
    "import_articles": "Import",
    "team": "Reviewers",
    "agreement": "Agreement",
    "adjudication": "Adjudication",
    "export": "Export",
}
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)><a href=\"javascript:alert(2)\">y</a>"
RAW_MARKUP = ("<script>alert", "<img src=x", 'href="javascript', "onerror=alert(1)>")


@pytest.fixture
def people(db: Database, monkeypatch: pytest.MonkeyPatch) -> dict[str, Actor]:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    ingest_documents(
        db,
        [Document(source=f"source {HOSTILE}", title=f"Title {HOSTILE}", url="javascript:alert(3)",
                  text=f"The mayor said {HOSTILE} on Monday. The council disagreed with her.")],
    )
    with db.transaction() as session:
        people = {
            name: Actor.of(create_reviewer(session, name, None, role, actor=Actor.operator()))
            for name, role in [("lena", "lead"), ("ana", "reviewer"), ("ben", "reviewer"), ("cai", "reviewer")]
        }
        last_claim = session.scalar(select(Claim.id).where(Claim.kind == "claim").order_by(Claim.position.desc()))
        for name, label in [("ben", "supported"), ("cai", "disputed")]:
            save_verdict(session, people[name], last_claim, label, f"{name}'s view")
    return people


def open_app(actor: Actor | None, *, last_seen: float | None = None) -> AppTest:
    app = AppTest.from_file(str(APP / "main.py"), default_timeout=60)
    if actor is not None:
        app.session_state["actor"] = actor
        app.session_state["last_seen"] = time.time() if last_seen is None else last_seen
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def titles(app: AppTest) -> list[str]:
    return [title.value for title in app.title] + [header.value for header in app.header]


def shown_text(app: AppTest) -> str:
    """Every piece of markup or text the app sent to the browser for this run."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        for field in ("body", "value", "label"):
            value = getattr(proto, field, None) if proto is not None else None
            if isinstance(value, str):
                parts.append(value)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return "\n".join(parts)


def test_a_reviewer_opening_a_lead_page_is_told_it_is_not_for_their_role(
    db: Database, people: dict[str, Actor]
) -> None:
    reviewer = open_app(people["ana"])
    for name, title in LEAD_PAGES.items():
        reviewer.switch_page(str(APP / "views" / f"{name}.py")).run()
        assert not reviewer.exception, (name, [e.value for e in reviewer.exception])
        assert [error.value for error in reviewer.error] == ["This page is not available to your role."]
        assert not any(title in shown for shown in titles(reviewer)), (name, titles(reviewer))
    lead = open_app(people["lena"])
    for name, title in LEAD_PAGES.items():
        lead.switch_page(str(APP / "views" / f"{name}.py")).run()
        assert not lead.exception, (name, [e.value for e in lead.exception])
        assert any(title in shown for shown in titles(lead)), (name, titles(lead))


@pytest.mark.parametrize("name", sorted(LEAD_PAGES))
def test_a_lead_page_url_shows_a_reviewer_nothing_of_it(db: Database, people: dict[str, Actor], name: str) -> None:
    lead = open_app(people["lena"])
    lead.switch_page(str(APP / "views" / f"{name}.py"))
    requested = lead._page_hash  # what a browser asking for /<name> sends
    reviewer = AppTest.from_file(str(APP / "main.py"), default_timeout=60)
    reviewer.session_state["actor"] = people["ana"]
    reviewer.session_state["last_seen"] = time.time()
    reviewer._page_hash = requested
    reviewer.run()
    assert not reviewer.exception
    assert not any(LEAD_PAGES[name] in shown for shown in titles(reviewer)), titles(reviewer)
    assert [error.value for error in reviewer.error] == ["This page is not available to your role."]
    assert not reviewer.button(key="sign_out").disabled and not reviewer.text_input and not reviewer.selectbox


@pytest.mark.parametrize("name", sorted(LEAD_PAGES))
def test_each_lead_page_refuses_a_reviewer_by_itself(db: Database, people: dict[str, Actor], name: str) -> None:
    page = AppTest.from_file(str(APP / "views" / f"{name}.py"), default_timeout=60)
    page.session_state["actor"] = people["ana"]
    page.session_state["last_seen"] = time.time()
    page.run()
    assert not page.exception
    assert [error.value for error in page.error] and all("Only a lead" in e.value for e in page.error)
    assert not page.button and not page.text_input and not page.text_area and not page.selectbox


def test_an_idle_session_expires(db: Database, people: dict[str, Actor]) -> None:
    app = open_app(people["ana"], last_seen=time.time() - common.SESSION_IDLE_SECONDS - 5)
    assert "actor" not in app.session_state
    assert "expired" in shown_text(app)
    assert "Sign in" in shown_text(app)
    fresh = open_app(people["ana"], last_seen=time.time() - common.SESSION_IDLE_SECONDS + 60)
    assert fresh.session_state["actor"] == people["ana"], "a session used within the limit stays open"


@pytest.mark.parametrize("change", ["deactivated", "demoted", "forged role"])
def test_a_session_whose_account_no_longer_matches_is_signed_out(
    db: Database, people: dict[str, Actor], change: str
) -> None:
    actor = people["lena"]
    if change == "deactivated":
        with db.transaction() as session:
            set_active(session, people["ben"].id, False, actor=actor)
        actor = people["ben"]
    elif change == "demoted":
        with db.transaction() as session:
            session.get(Reviewer, actor.id).role = "reviewer"
    else:
        actor = Actor(people["ana"].id, people["ana"].name, "lead")
    app = open_app(actor)
    assert "actor" not in app.session_state
    assert "Sign in" in shown_text(app)
    for name, title in LEAD_PAGES.items():
        app.switch_page(str(APP / "views" / f"{name}.py")).run()
        assert "actor" not in app.session_state and not any(title in shown for shown in titles(app))
        assert "Sign in" in shown_text(app)


@pytest.mark.parametrize("who", ["lena", "ana"])
def test_hostile_text_is_shown_as_text(db: Database, people: dict[str, Actor], who: str) -> None:
    with db.transaction() as session:
        claim = session.scalar(select(Claim.id).where(Claim.kind == "claim").order_by(Claim.position))
        save_verdict(session, people["ben"], claim, "disputed", f"note {HOSTILE}")
    app = open_app(people[who])
    if who == "ana":  # blind review: others' notes show once you have given your verdict
        label_button(app, "supported").click().run()
        app.button(key="queue_back_button").click().run()
    text = shown_text(app)
    assert "&#60;script&#62;" in text or "&lt;script&gt;" in text, "the hostile text is on the page, escaped"
    for marker in RAW_MARKUP:
        assert marker not in text, f"{marker!r} reached the page as markup"

"""The Matches page and the review queue's match panel, through AppTest with a real database."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest
from test_matching import two_stories

from workbench.auth import Actor, create_reviewer
from workbench.db import Database
from workbench.matching import list_matches
from workbench.models import Assignment, Collection

APP = Path(__file__).resolve().parent.parent / "workbench" / "app"


def signed_in(actor: Actor, page: str) -> AppTest:
    app = AppTest.from_file(str(APP / "main.py"), default_timeout=60)
    app.session_state["actor"] = actor
    app.session_state["last_seen"] = time.time()
    app.switch_page(f"views/{page}.py")
    app.run()
    assert not app.exception, app.exception
    return app


def test_lead_confirms_a_match_on_the_matches_page(app_database: Database) -> None:
    two_stories(app_database)
    with app_database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=None))
    app = signed_in(lead, "matches")
    assert any("1** matches" in markdown.value for markdown in app.markdown)
    next(button for button in app.button if button.label == "Confirm").click().run()
    assert not app.exception, app.exception
    with app_database.read_session() as session:
        [row] = list_matches(session, "news")
    assert (row.status, row.decided_by) == ("confirmed", "Lena Lead")


def test_reviewer_sees_the_match_of_the_claim_on_screen_in_the_queue(app_database: Database) -> None:
    two_stories(app_database)
    with app_database.transaction() as session:
        ann = create_reviewer(session, "Ann", None, "reviewer", actor=None)
        collection_id = session.query(Collection.id).scalar()
        session.add(Assignment(collection_id=collection_id, reviewer_id=ann.id))
        ann = Actor.of(ann)
    app = signed_in(ann, "queue")
    assert [expander.label for expander in app.expander if "claim in" in expander.label] == []  # the heading
    next(button for button in app.button if button.label == "Skip").click().run()
    assert [expander.label for expander in app.expander if "claim in" in expander.label] == ["Same claim in 'Power cut'"]
    next(button for button in app.button if button.label == "Reject").click().run()
    with app_database.read_session() as session:
        [row] = list_matches(session, "news")
    assert (row.status, row.decided_by) == ("rejected", "Ann")

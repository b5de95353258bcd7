"""A lead's triage controls on Reviewers & assignment (AppTest): queue order, training the team's
model (quality shown first) and letting it order the queue."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from builders import triage_newsroom
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.access import Actor
from workbench.db import Database
from workbench.models import Claim, TriageModel
from workbench.triage_store import queue_order, set_queue_order
from workbench.verdicts import save_verdict

PAGE = Path(__file__).resolve().parent.parent / "workbench" / "app" / "views" / "team.py"


def open_page(actor: Actor) -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.session_state["actor"] = actor
    app.session_state["last_seen"] = time.time()
    return app.run()


def test_a_lead_orders_trains_and_enables(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    lead, _other, news = triage_newsroom(db)
    app = open_page(lead)
    assert any("Own model: not trained" in caption.value for caption in app.caption)
    assert app.toggle(key=f"triage_model_{news}").disabled
    app = app.radio(key=f"triage_order_{news}").set_value("checkworthiness").run()
    with db.read_session() as session:
        assert queue_order(session, news) == "checkworthiness"
    app = app.button(key=f"triage_train_{news}").click().run()
    assert not app.error
    assert any("cross-validated ROC AUC" in caption.value and "not enabled" in caption.value for caption in app.caption)
    app = app.toggle(key=f"triage_model_{news}").set_value(True).run()
    assert not app.error
    with db.read_session() as session:
        assert session.scalar(select(TriageModel.enabled).where(TriageModel.collection_id == news))


def test_training_with_too_few_verdicts_says_what_is_needed(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    lead, _other, news = triage_newsroom(db, checkable=5, framing=5)
    app = open_page(lead).button(key=f"triage_train_{news}").click().run()
    assert any("Too few verdicts" in error.value for error in app.error)
    with db.read_session() as session:
        assert session.get(TriageModel, news) is None


def model_ordering_the_queue(db: Database, monkeypatch: pytest.MonkeyPatch) -> tuple[Actor, int, AppTest]:
    """A lead's page after choosing most checkable first, training the model and switching it on."""
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    lead, _other, news = triage_newsroom(db)
    app = open_page(lead).radio(key=f"triage_order_{news}").set_value("checkworthiness").run()
    app = app.button(key=f"triage_train_{news}").click().run()
    return lead, news, app.toggle(key=f"triage_model_{news}").set_value(True).run()


def test_the_controls_show_what_the_database_holds_after_a_change_elsewhere(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _lead, news, app = model_ordering_the_queue(db, monkeypatch)
    with db.transaction() as session:  # the CLI, or a lead in another tab
        set_queue_order(session, news, "article")
        session.get(TriageModel, news).enabled = False
    app = app.run()
    assert app.radio(key=f"triage_order_{news}").value == "article"
    assert app.toggle(key=f"triage_model_{news}").value is False
    assert not app.exception


def test_a_retrained_model_worse_than_the_rules_is_switched_off_and_says_so(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    lead, news, app = model_ordering_the_queue(db, monkeypatch)
    with db.transaction() as session:  # the verdicts no longer follow the text: first half checkable
        claims = session.scalars(select(Claim).where(Claim.kind == "claim").order_by(Claim.position)).all()
        for index, claim in enumerate(claims):
            save_verdict(session, lead, claim.id, "supported" if index < len(claims) // 2 else "editorial_framing")
    app = app.button(key=f"triage_train_{news}").click().run()
    assert any("no longer orders the queue" in info.value for info in app.info)
    assert app.toggle(key=f"triage_model_{news}").value is False

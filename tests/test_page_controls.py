"""Control claims in the app (issue 12): the toggle on an adjudication case, the collection's rate on Agreement."""

from __future__ import annotations

import pytest
from builders import ReviewedNewsroom, open_adjudication, open_agreement
from sqlalchemy import select

from workbench import LABELS
from workbench.access import Actor
from workbench.adjudication import record_final_verdict
from workbench.auth import create_reviewer
from workbench.controls import (
    DEFAULT_CONTROL_THRESHOLD,
    collection_controls,
    mark_control,
    set_control_rate,
)
from workbench.db import Database
from workbench.models import ControlClaim, ControlSetting
from workbench.verdicts import save_verdict

S, D, E = LABELS


@pytest.fixture
def newsroom(app_database: Database) -> ReviewedNewsroom:
    return ReviewedNewsroom(app_database)


def controls(newsroom: ReviewedNewsroom) -> set[int]:
    with newsroom.db.session() as session:
        return set(session.scalars(select(ControlClaim.claim_id)))


def test_an_adjudicated_case_can_be_used_as_a_control_and_dropped(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[1]
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, claim, D, rationale="Checked the budget.")
    app = open_adjudication(newsroom.lead, claim)
    toggle = app.toggle(key=f"adjudication_control_{claim}")
    assert toggle.value is False and not toggle.disabled
    toggle.set_value(True).run()
    assert not app.exception, app.exception
    assert controls(newsroom) == {claim}
    assert app.toggle(key=f"adjudication_control_{claim}").value is True
    assert any("now a control claim" in toast.value for toast in app.toast)
    app.toggle(key=f"adjudication_control_{claim}").set_value(False).run()
    assert controls(newsroom) == set()
    assert app.toggle(key=f"adjudication_control_{claim}").value is False


def test_a_claim_without_a_final_verdict_cannot_be_a_control(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[1]
    app = open_adjudication(newsroom.lead, claim)
    toggle = app.toggle(key=f"adjudication_control_{claim}")
    assert toggle.value is False and toggle.disabled
    assert controls(newsroom) == set()


def test_a_control_marked_elsewhere_shows_as_on(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[1]
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, claim, D, rationale="Checked the budget.")
        mark_control(session, newsroom.lead, claim)
    app = open_adjudication(newsroom.lead, claim)
    assert app.toggle(key=f"adjudication_control_{claim}").value is True


def test_the_collection_control_rate_and_threshold_are_shown_and_saved(newsroom: ReviewedNewsroom):
    politics = newsroom.collections["Politics"]
    app = open_agreement(newsroom.lead)
    assert any("Pick a collection to see and set its control rate" in caption.value for caption in app.caption)
    app.selectbox(key="agreement_collection").select(politics).run()
    assert not app.exception, app.exception
    assert app.number_input(key=f"agreement_control_rate_{politics}").value == 0.0
    assert app.number_input(key=f"agreement_control_threshold_{politics}").value == DEFAULT_CONTROL_THRESHOLD * 100
    app.number_input(key=f"agreement_control_rate_{politics}").set_value(20.0)
    app.number_input(key=f"agreement_control_threshold_{politics}").set_value(85.0)
    app.button(key=f"agreement_control_save_{politics}").click().run()
    assert not app.exception, app.exception
    with newsroom.db.session() as session:
        setting = session.get(ControlSetting, politics)
        assert (setting.rate, setting.threshold) == pytest.approx((0.2, 0.85))
        assert collection_controls(session, newsroom.lead, politics).controls == 0
    assert any("shown at 20% of queue steps · accuracy threshold 85%" in block.value for block in app.markdown)


def test_a_reviewer_below_the_threshold_is_flagged(newsroom: ReviewedNewsroom):
    politics = newsroom.collections["Politics"]
    claim = newsroom.claims[1]
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, claim, D, rationale="Checked the budget.")
        mark_control(session, newsroom.lead, claim)
        set_control_rate(session, newsroom.lead, politics, 0.1, 0.9)
        dan = Actor.of(create_reviewer(session, "dan", None, actor=Actor.operator()))
        save_verdict(session, dan, claim, S)
    app = open_agreement(newsroom.lead)
    app.selectbox(key="agreement_collection").select(politics).run()
    assert any(warning.value.endswith("dan.") for warning in app.warning)
    assert any("Control claims in this collection:** 1" in block.value for block in app.markdown)

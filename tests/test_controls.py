"""Control claims: leads mark adjudicated claims, queues mix them in at a set rate, reviewers get an accuracy."""

from __future__ import annotations

import pytest
from builders import ReviewedNewsroom
from click.testing import CliRunner
from sqlalchemy import select

from workbench import LABELS
from workbench.access import Actor, PermissionDenied
from workbench.adjudication import record_final_verdict
from workbench.auth import create_reviewer
from workbench.cli import main
from workbench.controls import (
    ControlError,
    control_scores,
    mark_control,
    set_control_rate,
    unmark_control,
)
from workbench.db import Database
from workbench.models import ControlClaim
from workbench.review import next_claim_id, submit_verdict

S, D, E = LABELS


@pytest.fixture
def newsroom(db: Database) -> ReviewedNewsroom:
    room = ReviewedNewsroom(db)
    with db.transaction() as session:
        record_final_verdict(session, room.lead, room.claims[0], S)  # unanimous S
        record_final_verdict(session, room.lead, room.claims[3], E)  # E, E
    return room


def test_only_adjudicated_claims_by_leads(newsroom: ReviewedNewsroom):
    with newsroom.db.transaction() as session:
        with pytest.raises(ControlError, match="no final verdict"):
            mark_control(session, newsroom.lead, newsroom.claims[1])
        with pytest.raises(ControlError, match="There is no claim 99999"):
            mark_control(session, newsroom.lead, 99999)
        with pytest.raises(PermissionDenied):
            mark_control(session, newsroom.reviewers["ann"], newsroom.claims[0])
        assert mark_control(session, newsroom.lead, newsroom.claims[0]) is True
        assert mark_control(session, newsroom.lead, newsroom.claims[0]) is False
    with newsroom.db.transaction() as session:
        assert unmark_control(session, newsroom.lead, newsroom.claims[0]) is True
        assert unmark_control(session, newsroom.lead, newsroom.claims[0]) is False
        assert session.scalars(select(ControlClaim)).all() == []


@pytest.mark.parametrize(("rate", "threshold"), [(-0.1, 0.5), (0.6, 0.5), (0.1, 1.5), (float("nan"), 0.5)])
def test_rate_and_threshold_are_checked(newsroom: ReviewedNewsroom, rate: float, threshold: float):
    with newsroom.db.transaction() as session, pytest.raises(ControlError):
        set_control_rate(session, newsroom.lead, newsroom.collections["Politics"], rate, threshold)


def walk_queue(db: Database, actor: Actor, label_for) -> list[int]:
    """Label whatever the queue serves until it is empty; the claims in the order served."""
    served = []
    while True:
        with db.transaction() as session:
            claim_id = next_claim_id(session, actor)
            assert claim_id == next_claim_id(session, actor)  # a rerun shows the same claim
            if claim_id is None:
                return served
            served.append(claim_id)
            submit_verdict(session, actor, claim_id, label_for(claim_id))


def test_controls_are_mixed_in_and_scored(newsroom: ReviewedNewsroom):
    with newsroom.db.transaction() as session:
        for index in (0, 3):
            mark_control(session, newsroom.lead, newsroom.claims[index])
        dee = Actor.of(create_reviewer(session, "dee", None, actor=Actor.operator()))
        eve = Actor.of(create_reviewer(session, "eve", None, actor=Actor.operator()))
        set_control_rate(session, newsroom.lead, newsroom.collections["Politics"], 0.5, 0.75)
    controls = {newsroom.claims[0]: S, newsroom.claims[3]: E}
    # dee answers every control right, eve every control wrong
    served_dee = walk_queue(newsroom.db, dee, lambda claim: controls.get(claim, D))
    served_eve = walk_queue(newsroom.db, eve, lambda claim: D)
    assert len(served_dee) == len(set(served_dee)) == len(newsroom.claims)  # every claim once, controls included
    with newsroom.db.session() as session:
        scores = {score.reviewer: score for score in control_scores(session, newsroom.lead)}
        with pytest.raises(PermissionDenied):
            control_scores(session, dee)
    assert (scores["dee"].answered, scores["dee"].correct, scores["dee"].accuracy) == (2, 2, 1.0)
    assert (scores["eve"].answered, scores["eve"].correct, scores["eve"].accuracy) == (2, 0, 0.0)
    assert scores["eve"].below_threshold and not scores["dee"].below_threshold
    assert set(scores) == {"dee", "eve"}  # verdicts given before the claims became controls do not count
    assert set(served_eve) == set(served_dee)


def test_controls_come_early_at_a_high_rate_and_never_at_zero(newsroom: ReviewedNewsroom):
    with newsroom.db.transaction() as session:
        mark_control(session, newsroom.lead, newsroom.claims[3])
        fay = Actor.of(create_reviewer(session, "fay", None, actor=Actor.operator()))
        gus = Actor.of(create_reviewer(session, "gus", None, actor=Actor.operator()))
        set_control_rate(session, newsroom.lead, newsroom.collections["Politics"], 0.0)
    served = walk_queue(newsroom.db, fay, lambda claim: S)
    assert served == sorted(served, key=newsroom.claims.index)  # plain reading order
    with newsroom.db.transaction() as session:
        set_control_rate(session, newsroom.lead, newsroom.collections["Politics"], 0.5)
    orders = walk_queue(newsroom.db, gus, lambda claim: S)
    assert orders != sorted(orders, key=newsroom.claims.index) or orders.index(newsroom.claims[3]) == 3


def test_cli(newsroom: ReviewedNewsroom):
    url = newsroom.db.url
    run = lambda *args: CliRunner().invoke(main, ["--database", url, *args], catch_exceptions=False)
    assert run("controls", "mark", str(newsroom.claims[0]), "--as", "Lena").exit_code == 0
    refused = run("controls", "mark", str(newsroom.claims[1]), "--as", "Lena")
    assert refused.exit_code == 1 and "no final verdict" in refused.output
    assert run("controls", "rate", "Politics", "0.2", "--threshold", "0.8", "--as", "Lena").exit_code == 0
    listed = run("controls", "report", "--as", "Lena")
    assert listed.exit_code == 0 and "1 control claim." in listed.output
    assert run("adjudicate", "clear", str(newsroom.claims[0]), "--as", "Lena").exit_code == 0
    unjudged = run("controls", "report", "--as", "Lena")
    assert "1 control claim (1 without a final verdict: not scored until one is recorded)." in unjudged.output
    unmarked = run("controls", "unmark", str(newsroom.claims[0]), "99999", "--as", "Lena")
    assert unmarked.exit_code == 0 and "1 control claim removed; not controls: 99999." in unmarked.output


def test_agreement_page_flags_reviewers_below_the_threshold(app_database: Database):
    import time
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    room = ReviewedNewsroom(app_database)
    with app_database.transaction() as session:
        record_final_verdict(session, room.lead, room.claims[0], S)
        mark_control(session, room.lead, room.claims[0])
        set_control_rate(session, room.lead, room.collections["Politics"], 0.1, 0.9)
        hal = Actor.of(create_reviewer(session, "hal", None, actor=Actor.operator()))
        submit_verdict(session, hal, room.claims[0], D)
    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "workbench" / "app" / "main.py"),
                            default_timeout=60)
    app.session_state["actor"] = room.lead
    app.session_state["last_seen"] = time.time()
    app = app.switch_page("views/agreement.py").run()
    assert not app.exception, app.exception
    assert any("hal" in warning.value for warning in app.warning)


@pytest.mark.parametrize("order", ["article", "checkworthiness"])
def test_controls_are_mixed_in_whatever_the_queue_order(newsroom: ReviewedNewsroom, order: str):
    from workbench.triage_store import recompute_signals, set_queue_order

    recompute_signals(newsroom.db)
    politics = newsroom.collections["Politics"]
    control = newsroom.claims[3]
    with newsroom.db.transaction() as session:
        for collection in newsroom.collections.values():
            set_queue_order(session, collection, order)
        mark_control(session, newsroom.lead, control)
        set_control_rate(session, newsroom.lead, politics, 0.5)
        readers = [Actor.of(create_reviewer(session, f"reader{n}", None, actor=Actor.operator())) for n in range(12)]
    with newsroom.db.session() as session:
        firsts = [next_claim_id(session, reader) for reader in readers]
        set_control_rate(session, newsroom.lead, politics, 0.0)
        without = {next_claim_id(session, reader) for reader in readers}
    assert control not in without and len(without) == 1  # the order's own first claim
    assert control in firsts and set(firsts) - {control} == without  # about half start on the control

"""The Adjudication page through streamlit's AppTest: the real entry point, a signed-in lead, a real database."""

from __future__ import annotations


import pytest
from builders import APP, DISPUTED, UNANIMOUS, ReviewedNewsroom, open_adjudication
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from workbench import LABELS
from workbench.access import Actor
from workbench.adjudication import DEFAULT_PAGE_SIZE, record_final_verdict
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.models import Claim, FinalVerdictHistory
from workbench.verdicts import save_verdict


S, D, E = LABELS


@pytest.fixture
def newsroom(app_database: Database) -> ReviewedNewsroom:
    return ReviewedNewsroom(app_database)


def on_screen(app: AppTest) -> int | None:
    return app.session_state["adjudication_claim"]


def chosen(app: AppTest, claim: int) -> str | None:
    return app.session_state[f"adjudication_label_{claim}"]


def choose(app: AppTest, label: str) -> None:
    app.button(key=f"adjudication_choose_{label}").click().run()


def queue_keys(app: AppTest) -> list[str]:
    return [button.key for button in app.button if button.key and button.key.startswith("adjudication_pick_")]


def test_queue_starts_with_the_first_disputed_claim(newsroom: ReviewedNewsroom):
    app = open_adjudication(newsroom.lead)
    assert queue_keys(app) == [f"adjudication_pick_{c}" for c in newsroom.ids(DISPUTED)]
    assert on_screen(app) == newsroom.claims[1]
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown == {"Disputed, waiting": "3", "Disputed, decided": "0", "Unanimous, waiting": "4"}


def test_a_linked_claim_opens_with_every_verdict(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[2]
    app = open_adjudication(newsroom.lead, claim)
    assert on_screen(app) == claim
    blocks = [block.value for block in app.markdown]
    assert any("<mark>The bridge cost 3 million euros.</mark>" in block for block in blocks)
    assert any(block.startswith("**ann** · Supported") for block in blocks)
    assert any('href="https://example.org/bob"' in block for block in blocks)
    assert [text.value for text in app.text][:3] == ["ann's note", "bob's note", "cy's note"]
    assert chosen(app, claim) == D  # the majority is preselected
    assert app.button(key=f"adjudication_choose_{D}").proto.type == "primary"


def test_record_the_majority_then_move_on(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[1]
    app = open_adjudication(newsroom.lead, claim)
    app.button(key=f"adjudication_record_{claim}").click().run()
    assert newsroom.finals() == {claim: (D, "")}
    assert [toast.value for toast in app.toast] == [f"Claim {claim}: final verdict Disputed."]
    assert on_screen(app) == newsroom.claims[2]
    assert app.query_params["claim"] == str(newsroom.claims[2])
    assert queue_keys(app) == [f"adjudication_pick_{c}" for c in newsroom.ids([2, 5])]


def test_after_the_last_claim_the_queue_starts_over(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[5]
    app = open_adjudication(newsroom.lead, claim)
    choose(app, S)
    app.text_area(key=f"adjudication_rationale_{claim}").input("Ann is right.")
    app.button(key=f"adjudication_record_{claim}").click().run()
    assert newsroom.finals() == {claim: (S, "Ann is right.")}
    assert on_screen(app) == newsroom.claims[1]


def test_overriding_needs_a_rationale(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[1]
    app = open_adjudication(newsroom.lead, claim)
    choose(app, E)
    app.button(key=f"adjudication_record_{claim}").click().run()
    assert [error.value for error in app.error] == [
        "Give a rationale: Editorial framing goes against the reviewers' majority, Disputed (1 Supported, 2 Disputed)."
    ]
    assert newsroom.finals() == {}
    assert on_screen(app) == claim
    app.text_area(key=f"adjudication_rationale_{claim}").input("A matter of framing.")
    app.button(key=f"adjudication_record_{claim}").click().run()
    assert newsroom.finals() == {claim: (E, "A matter of framing.")}


def test_a_tie_preselects_nothing_and_asks_for_a_label(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[5]
    app = open_adjudication(newsroom.lead, claim)
    assert chosen(app, claim) is None
    app.button(key=f"adjudication_record_{claim}").click().run()
    assert [error.value for error in app.error] == ["Pick the final label first."]
    assert newsroom.finals() == {}


def test_accept_unanimous_claims_in_bulk(newsroom: ReviewedNewsroom):
    app = open_adjudication(newsroom.lead)
    accept = app.button(key="adjudication_accept_unanimous")
    assert accept.disabled
    app.checkbox(key="adjudication_confirm_bulk").check().run()
    app.button(key="adjudication_accept_unanimous").click().run()
    assert {claim: label for claim, (label, _) in newsroom.finals().items()} == {
        newsroom.claims[index]: label for index, label in UNANIMOUS.items()
    }
    assert [toast.value for toast in app.toast] == ["Accepted 4 unanimous claims as final."]
    assert {metric.label: metric.value for metric in app.metric}["Unanimous, waiting"] == "0"


def test_audit_decided_claims_and_clear_one(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[0]
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, claim, S)
    app = open_adjudication(newsroom.lead)
    assert f"adjudication_pick_{claim}" not in queue_keys(app)
    app.toggle(key="adjudication_unanimous").set_value(True)
    app.toggle(key="adjudication_decided").set_value(True).run()
    assert queue_keys(app) == [f"adjudication_pick_{c}" for c in newsroom.claims]
    app.button(key=f"adjudication_pick_{claim}").click().run()
    assert on_screen(app) == claim
    assert any(block.value.startswith("Now **Supported**, decided by Lena") for block in app.markdown)
    app.text_input(key=f"adjudication_clear_reason_{claim}").input("Re-check the source")
    app.button(key=f"adjudication_clear_{claim}").click().run()
    assert newsroom.finals() == {}
    with newsroom.db.session() as session:
        last = session.scalars(select(FinalVerdictHistory).order_by(FinalVerdictHistory.id.desc())).first()
    assert (last.old_label, last.new_label, last.new_rationale) == (S, None, "Re-check the source")


def test_a_claim_that_became_a_heading(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[1]
    with newsroom.db.transaction() as session:
        session.execute(update(Claim).where(Claim.id == claim).values(kind="heading"))
    app = open_adjudication(newsroom.lead, claim)
    assert [warning.value for warning in app.warning] == [f"Unit {claim} is not a claim (Heading): it takes no verdict."]


def test_the_queue_pages(app_database: Database):
    text = " ".join(f"Claim number {n} says something." for n in range(DEFAULT_PAGE_SIZE + 5))
    ingest_documents(app_database, [Document(source="long.txt", text=text, title="Long")])
    with app_database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena", None, actor=Actor.operator()))
        ann = Actor.of(create_reviewer(session, "ann", None, actor=Actor.operator()))
        bob = Actor.of(create_reviewer(session, "bob", None, actor=Actor.operator()))
        claims = session.scalars(select(Claim.id).where(Claim.kind == "claim").order_by(Claim.position)).all()
        for claim_id in claims:
            save_verdict(session, ann, claim_id, S)
            save_verdict(session, bob, claim_id, D)
    assert len(claims) == DEFAULT_PAGE_SIZE + 5
    app = open_adjudication(lead)
    assert len(queue_keys(app)) == DEFAULT_PAGE_SIZE
    app.get("pagination")[0].set_value(2).run()
    assert queue_keys(app) == [f"adjudication_pick_{c}" for c in claims[DEFAULT_PAGE_SIZE:]]


def test_untrusted_text_is_escaped(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[1]
    with newsroom.db.transaction() as session:
        session.execute(update(Claim).where(Claim.id == claim).values(text="<img src=x onerror=alert(1)> [x](javascript:1)"))
    app = open_adjudication(newsroom.lead, claim)
    context = next(block.value for block in app.markdown if "wb-context" in block.value)
    assert "<img" not in context and "](javascript" not in context
    assert "&#60;img src=x onerror=alert&#40;1&#41;&#62;" in context


def test_reviewers_are_turned_away(newsroom: ReviewedNewsroom):
    app = open_adjudication(newsroom.reviewers["ann"], script=APP / "views" / "adjudication.py")
    assert [error.value for error in app.error] == ["Only a lead can adjudicate."]
    assert not queue_keys(app)


def test_each_case_in_the_list_shows_its_vote_split(newsroom: ReviewedNewsroom):
    app = open_adjudication(newsroom.lead)
    splits = [html.proto.body for html in app.get("html") if 'class="wb-votes"' in html.proto.body]
    assert len(splits) == len(DISPUTED) + 1  # one per case in the list, one for the case on screen
    assert splits[0] == (
        '<div class="wb-votes"><span class="wb-vote wb-vote-supported">1 Supported</span>'
        '<span class="wb-vote wb-vote-disputed">2 Disputed</span></div>'
    )


def test_keyboard_shortcuts_choose_record_and_move(newsroom: ReviewedNewsroom):
    app = open_adjudication(newsroom.lead, newsroom.claims[2])
    shortcuts = {button.key: button.proto.shortcut.upper() for button in app.button if button.proto.shortcut}
    assert shortcuts == {
        "adjudication_choose_supported": "1",
        "adjudication_choose_disputed": "2",
        "adjudication_choose_editorial_framing": "3",
        f"adjudication_record_{newsroom.claims[2]}": "F",
        "adjudication_previous": "K",
        "adjudication_next": "J",
    }
    app.button(key="adjudication_next").click().run()
    assert on_screen(app) == newsroom.claims[5]
    app.button(key="adjudication_previous").click().run()
    app.button(key="adjudication_previous").click().run()
    assert on_screen(app) == newsroom.claims[1]
    assert app.button(key="adjudication_previous").disabled


def test_an_empty_workbench_points_to_import(app_database: Database):
    with app_database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena", None, actor=Actor.operator()))
    app = open_adjudication(lead)
    assert "Start by importing articles" in app.info[0].value
    assert [link.proto.label for link in app.get("page_link")] == ["Import articles"]


def test_a_decision_made_meanwhile_by_another_lead_is_shown_before_it_is_replaced(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[1]
    app = open_adjudication(newsroom.lead, claim)
    choose(app, S)
    app.text_area(key=f"adjudication_rationale_{claim}").input("Ann is right.")
    with newsroom.db.transaction() as session:
        other = Actor.of(create_reviewer(session, "Omar", None, "lead", actor=Actor.operator()))
        record_final_verdict(session, other, claim, D)
    app.button(key=f"adjudication_record_{claim}").click().run()
    assert newsroom.finals() == {claim: (D, "")}
    assert "Omar recorded Disputed" in app.error[0].value
    assert on_screen(app) == claim and chosen(app, claim) == S
    assert any("Now **Disputed**, decided by Omar" in block.value for block in app.markdown)
    app.button(key=f"adjudication_record_{claim}").click().run()
    assert newsroom.finals() == {claim: (S, "Ann is right.")}


def test_a_long_article_s_context_is_cut_at_words(newsroom: ReviewedNewsroom):
    """Context cut to 400 characters each side starts and ends at a whole word, with an ellipsis,
    never mid-word (``…ot were seen``)."""
    sentences = [f"Councillor number {n} voted against the plan on Tuesday evening." for n in range(30)]
    words = {word for sentence in sentences for word in sentence.split()}
    ingest_documents(newsroom.db, [Document(source="long.txt", text=" ".join(sentences))], "Politics")
    with newsroom.db.transaction() as session:
        claim = session.scalars(select(Claim.id).where(Claim.text.startswith("Councillor number 15 "))).one()
        save_verdict(session, newsroom.reviewers["ann"], claim, S)
        save_verdict(session, newsroom.reviewers["bob"], claim, D)
    app = open_adjudication(newsroom.lead, claim)
    context = [block.value for block in app.markdown if "<mark>Councillor number 15 " in block.value][-1]  # "In its article"
    before, after = context.split("<mark>")[0], context.split("</mark>")[1].removesuffix("</div>")
    assert before.startswith('<div class="wb-context">…') and before.split("…", 1)[1].split(" ", 1)[0] in words
    assert after.endswith("…") and after.removesuffix("…").rsplit(" ", 1)[-1] in words

"""The Matches page and the review queue's match panel, through AppTest with a real database."""

from __future__ import annotations

import time
from pathlib import Path

from builders import quote_claims, two_stories
from streamlit.testing.v1 import AppTest

from workbench.access import Actor
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.matching import list_matches
from workbench.models import Assignment, Collection

APP = Path(__file__).resolve().parent.parent / "workbench" / "app"


def signed_in(actor: Actor, page: str, **query: str) -> AppTest:
    app = AppTest.from_file(str(APP / "main.py"), default_timeout=60)
    app.session_state["actor"] = actor
    app.session_state["last_seen"] = time.time()
    app.query_params.update(query)
    app.switch_page(f"views/{page}.py")
    app.run()
    assert not app.exception, app.exception
    return app


def test_lead_confirms_a_match_on_the_matches_page(app_database: Database) -> None:
    two_stories(app_database)
    with app_database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))
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
        ann = create_reviewer(session, "Ann", None, "reviewer", actor=Actor.operator())
        collection_id = session.query(Collection.id).scalar()
        session.add(Assignment(collection_id=collection_id, reviewer_id=ann.id))
        ann = Actor.of(ann)
    app = signed_in(ann, "queue")
    seen = []
    for _ in range(4):  # the queue's order (check-worthiness first) decides when the matched claim comes
        seen.append([expander.label for expander in app.expander if "claim in" in expander.label])
        if seen[-1]:
            break
        next(button for button in app.button if button.label == "Skip").click().run()
    assert seen[-1] == ["Same claim in 'Power cut'"]
    next(button for button in app.button if button.label == "Reject").click().run()
    with app_database.read_session() as session:
        [row] = list_matches(session, "news")
    assert (row.status, row.decided_by) == ("rejected", "Ann")


def test_reviewer_applies_her_verdict_on_a_matched_claim_with_one_button(app_database: Database) -> None:
    from sqlalchemy import select

    from workbench.matching import MATCH_ACTION, applied_from_match
    from workbench.models import Verdict, VerdictHistory
    from workbench.review import submit_verdict

    first, second, _ = quote_claims(app_database)
    with app_database.transaction() as session:
        ann = Actor.of(create_reviewer(session, "Ann", None, "reviewer", actor=Actor.operator()))
        submit_verdict(session, ann, first, "disputed", "Checked the utility's figures.")
    app = signed_in(ann, "queue")
    for _ in range(6):
        if app.session_state["queue_current"] == second:
            break
        next(button for button in app.button if button.label == "Skip").click().run()
    assert app.session_state["queue_current"] == second
    assert any("You labelled the same claim in 'Storm hits coast'" in caption.value for caption in app.caption)
    apply = app.button(key=f"queue-apply-{second}-{first}")
    assert apply.label == "Apply Disputed"  # its shortcut, M, is drawn by the button itself
    apply.click().run()
    assert not app.exception, app.exception
    assert app.session_state["queue_current"] != second
    with app_database.read_session() as session:
        verdict = session.scalar(select(Verdict).where(Verdict.claim_id == second))
        assert (verdict.reviewer_id, verdict.label, verdict.note) == (ann.id, "disputed", "Checked the utility's figures.")
        history = session.scalars(select(VerdictHistory).where(VerdictHistory.claim_id == second)).one()
        assert (history.action, history.source_claim_id) == (MATCH_ACTION, first)
        assert applied_from_match(session) == {(second, ann.id)}
    mine = signed_in(ann, "my_verdicts").button(key=f"mv_edit_{second}").click().run()
    assert any(f"match: — → Disputed (applied from the match with claim {first})" in caption.value for caption in mine.caption)


def test_the_apply_button_never_saves_a_label_other_than_the_one_it_shows(app_database: Database) -> None:
    from sqlalchemy import select

    from workbench.models import Verdict
    from workbench.review import submit_verdict

    first, second, _ = quote_claims(app_database)
    with app_database.transaction() as session:
        ann = Actor.of(create_reviewer(session, "Ann", None, "reviewer", actor=Actor.operator()))
        submit_verdict(session, ann, first, "supported")
    app = signed_in(ann, "queue")
    for _ in range(6):
        if app.session_state["queue_current"] == second:
            break
        next(button for button in app.button if button.label == "Skip").click().run()
    apply = app.button(key=f"queue-apply-{second}-{first}")
    assert apply.label.startswith("Apply Supported")
    with app_database.transaction() as session:  # another tab: her verdict on the matched claim changes
        submit_verdict(session, ann, first, "disputed")
    apply.click().run()
    assert not app.exception, app.exception
    assert any("now Disputed, not Supported: nothing was saved" in error.value for error in app.error)
    assert not any("Saved:" in element.value for element in [*app.success, *app.toast, *app.markdown, *app.caption])
    with app_database.read_session() as session:
        assert session.scalar(select(Verdict.label).where(Verdict.claim_id == second)) is None


def test_lead_applies_a_final_verdict_to_the_whole_group_on_the_adjudication_page(app_database: Database) -> None:
    from sqlalchemy import select

    from workbench.models import FinalVerdict
    from workbench.review import submit_verdict

    first, second, third = quote_claims(app_database)
    with app_database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))
        rita = Actor.of(create_reviewer(session, "Rita", None, "reviewer", actor=Actor.operator()))
        submit_verdict(session, rita, first, "supported")
    app = AppTest.from_file(str(APP / "main.py"), default_timeout=60)
    app.session_state["actor"] = lead
    app.session_state["last_seen"] = time.time()
    app.switch_page("views/adjudication.py")
    app.query_params["claim"] = str(first)
    app.session_state["adjudication_claim"] = first
    app.run()
    assert not app.exception, app.exception
    [expander] = [e for e in app.expander if e.label.startswith("Linked group")]
    assert expander.label == "Linked group: 3 claims, 3 would change to Supported"
    app.text_area(key=f"adjudication_rationale_{first}").input("The same quote in three outlets.")
    app.button(key=f"adjudication_group_{first}").click().run()
    assert not app.exception, app.exception
    with app_database.read_session() as session:
        finals = dict(session.execute(select(FinalVerdict.claim_id, FinalVerdict.label)).all())
    assert finals == {first: "supported", second: "supported", third: "supported"}


def test_lead_sets_thresholds_and_splits_a_group_on_the_matches_page(app_database: Database) -> None:

    from workbench.match_search import collection_thresholds
    from workbench.matching import match_groups

    first, second, third = quote_claims(app_database)
    with app_database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))
    app = signed_in(lead, "matches")
    app.number_input(key="matches_link").set_value(0.9)
    app.number_input(key="matches_suggest").set_value(0.5)
    app.button(key="matches_save_thresholds").click().run()
    assert not app.exception, app.exception
    app.button(key=f"matches_split_{third}").click().run()
    assert not app.exception, app.exception
    with app_database.read_session() as session:
        assert (collection_thresholds(session, "news").link, collection_thresholds(session, "news").suggest) == (0.9, 0.5)
        groups = match_groups(session)
    assert third not in groups and groups[second] == f"G{first}"


def test_lead_merges_two_groups_on_the_matches_page(app_database: Database) -> None:
    from test_match_verdicts import quote_claims

    from workbench.extract import load_pipeline
    from workbench.ingest import Document, ingest_documents
    from workbench.matching import match_groups

    first, _, _ = quote_claims(app_database)
    dam = "Engineers said the old dam held firm through the night despite record rain upstream."
    ingest_documents(app_database, [Document(source=f"dam{n}.txt", text=f"Dam {n}\n\n{dam}") for n in (1, 2)],
                     collection="news", nlp=load_pipeline())
    with app_database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))
        dam_group = {claim for claim, group in match_groups(session).items() if group != f"G{first}"}
    assert len(dam_group) == 2
    app = signed_in(lead, "matches")
    app.selectbox(key=f"matches_merge_with_{first}").set_value(min(dam_group))
    app.button(key=f"matches_merge_{first}").click().run()
    assert not app.exception, app.exception
    with app_database.read_session() as session:
        groups = match_groups(session)
    assert len(groups) == 5 and set(groups.values()) == {f"G{first}"}



def test_groups_stay_listed_with_their_claims_whatever_the_matches_shown(app_database: Database) -> None:
    first, _, _ = quote_claims(app_database)
    with app_database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))
    app = signed_in(lead, "matches")
    app.segmented_control(key="show").set_value("suggested").run()
    assert not app.exception, app.exception
    assert [expander.label for expander in app.expander if expander.label.startswith("Group")] == [f"Group G{first}: 3 linked claims"]
    assert any("*Storm hits coast*" in markdown.value and str(first) in markdown.value for markdown in app.markdown)


def test_an_address_with_the_filters_opens_the_page_with_them(app_database: Database) -> None:
    quote_claims(app_database)
    with app_database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))
    app = signed_in(lead, "matches", show="suggested")
    assert app.segmented_control(key="show").value == "suggested"
    app = signed_in(lead, "matches", show="linked")
    assert app.segmented_control(key="show").value == "linked"


def test_a_reviewer_cannot_undo_a_lead_s_match_decision_from_the_queue(app_database: Database) -> None:
    from workbench.matching import decide_match

    two_stories(app_database)
    with app_database.transaction() as session:
        lena = Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))
        ann = Actor.of(create_reviewer(session, "Ann", None, "reviewer", actor=Actor.operator()))
        [row] = list_matches(session, "news")
        decide_match(session, lena, row.id, "confirmed")
    app = signed_in(ann, "queue")
    for _ in range(4):
        if any(button.key and button.key.startswith("queue-match-") for button in app.button):
            break
        next(button for button in app.button if button.label == "Skip").click().run()
    buttons = {button.label: button for button in app.button if button.key and button.key.startswith("queue-match-")}
    assert buttons["Reject"].disabled and buttons["Undo decision"].disabled
    assert any("Decided by Lena Lead: only a lead can change it." in caption.value for caption in app.caption)


def test_merging_groups_through_a_pair_that_differs_says_so(app_database: Database) -> None:
    from builders import LAWSUIT, chained_lawsuit_claims

    from workbench.extract import load_pipeline
    from workbench.ingest import Document, ingest_documents
    from workbench.match_verdicts import detach_from_group

    twenty_five, no_sum, thirty = chained_lawsuit_claims(app_database)
    copies = [Document(source=f"copy-{n}.txt", text=f"Copy\n\n{LAWSUIT.format(f'${n} million ')}") for n in (25, 30)]
    ingest_documents(app_database, copies, collection="news", nlp=load_pipeline())
    with app_database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))
        detach_from_group(session, lead, no_sum)  # leaves the $25 million copies and the $30 million copies
    app = signed_in(lead, "matches")
    app.selectbox(key=f"matches_merge_with_{twenty_five}").set_value(thirty)
    app.button(key=f"matches_merge_{twenty_five}").click().run()
    assert not app.exception, app.exception
    assert any("which differ (number: 25 vs 30)" in info.value for info in app.info)

"""The Articles page, driven through Streamlit's AppTest on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from workbench.access import Actor
from workbench.app import common
from workbench.auth import create_reviewer
from workbench.config import DATABASE_URL_ENV
from workbench.db import Database
from workbench.extract import load_pipeline
from workbench.ingest import Document, ingest_documents
from workbench.models import Claim, Verdict, VerdictHistory
from workbench.verdicts import save_verdict

PAGE = str(common.PAGES_DIR / "articles.py")
HOSTILE = (
    'The council approved <script>window.__pwned=1</script> the plan. '
    'Officials said <img src=x onerror="window.__pwned=2"> it works. '
    'Read <a href="javascript:window.__pwned=3">click</a> for more.'
)
BUDGET = "Taxes rose by 4% in 2023. Unemployment fell to 3.1 percent. Exports grew again."


@pytest.fixture
def world(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    """A lead, a reviewer, two articles (one hostile) and the app pointed at the test database."""
    monkeypatch.setenv(DATABASE_URL_ENV, db.url)
    st.cache_resource.clear()
    with db.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))
        ann = Actor.of(create_reviewer(session, "Ann", None, "reviewer", actor=Actor.operator()))
    budget, hostile = ingest_documents(
        db,
        [
            Document(source="budget.txt", text=BUDGET, title="Budget 2024"),
            Document(source="hostile.txt", text=HOSTILE, title="<script>window.__pwned=9</script>Council",
                     url="javascript:window.__pwned=4"),
        ],
        collection="news",
        nlp=load_pipeline(),
    ).article_ids
    yield {"db": db, "lead": lead, "ann": ann, "budget": budget, "hostile": hostile}
    common.get_database(db.url).dispose()
    st.cache_resource.clear()


def run_page(actor: Actor, article: int | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["actor"] = actor
    at.session_state["last_seen"] = time.time()
    if article is not None:
        at.query_params["article"] = str(article)
    return at.run()


def claims_of(db: Database, article_id: int) -> list[Claim]:
    with db.session() as session:
        return list(session.scalars(select(Claim).where(Claim.article_id == article_id).order_by(Claim.position)))


def html_of(at: AppTest) -> str:
    """The page's HTML built from data (the page's own click script, a constant, left out)."""
    return "\n".join(element.proto.body for element in at.get("html") if not element.proto.unsafe_allow_javascript)


def give(db: Database, actor: Actor, claim_id: int, label: str) -> None:
    with db.transaction() as session:
        save_verdict(session, actor, claim_id, label)


# --- the list ---------------------------------------------------------------------------------------------


def test_list_shows_progress_and_filters_by_search(world):
    give(world["db"], world["ann"], claims_of(world["db"], world["budget"])[0].id, "supported")
    at = run_page(world["lead"])
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table["Title"]) == {"Budget 2024", "<script>window.__pwned=9</script>Council"}
    budget = table[table["Title"] == "Budget 2024"].iloc[0]
    assert (budget["Claims"], budget["Verdicts"], budget["Status"]) == (3, 1, "In progress")
    assert "Yours" not in table.columns
    assert budget["Published"] == "", "a missing date is left empty, never 'None'"
    at.text_input(key="search").input("BUDGET").run()
    assert list(at.dataframe[0].value["Title"]) == ["Budget 2024"]
    at.text_input(key="search").input("nothing matches").run()
    assert not at.dataframe and "No article matches" in at.info[0].value


def test_progress_has_one_definition_for_a_collection_without_assignment(world):
    """Nobody is assigned, so each claim needs a verdict from every active reviewer (Ann and Bo).
    Ann labelling the whole article is half the work: never "done 1 of 1" next to "0%"."""
    with world["db"].transaction() as session:
        bo = Actor.of(create_reviewer(session, "Bo", None, "reviewer", actor=Actor.operator()))
    budget_claims = claims_of(world["db"], world["budget"])
    for claim in budget_claims:
        give(world["db"], world["ann"], claim.id, "supported")
    row = lambda table: table[table["Title"] == "Budget 2024"].iloc[0]  # noqa: E731
    budget = row(run_page(world["lead"]).dataframe[0].value)
    assert "Reviewers done" not in budget.index
    assert (budget["Status"], budget["Claims done"], budget["Per claim"]) == ("In progress", 0, 2)
    assert budget["Complete"] == pytest.approx(0.5)
    give(world["db"], bo, budget_claims[0].id, "disputed")
    budget = row(run_page(world["lead"]).dataframe[0].value)
    assert (budget["Status"], budget["Claims done"]) == ("In progress", 1)
    assert budget["Complete"] == pytest.approx(4 / 6)
    for claim in budget_claims[1:]:
        give(world["db"], bo, claim.id, "supported")
    budget = row(run_page(world["lead"]).dataframe[0].value)
    assert (budget["Status"], budget["Claims done"], budget["Complete"]) == ("Done", 3, 1.0)


def test_list_filters_by_status(world):
    give(world["db"], world["ann"], claims_of(world["db"], world["budget"])[0].id, "supported")
    at = run_page(world["lead"])
    at.selectbox(key="status").set_value("not_started").run()
    assert list(at.dataframe[0].value["Title"]) == ["<script>window.__pwned=9</script>Council"]


def test_the_filters_live_in_the_address_so_a_shared_link_shows_the_same_list(world):
    give(world["db"], world["ann"], claims_of(world["db"], world["budget"])[0].id, "supported")
    """The browser writes a filter into the address (``tests/browser``); here, an address opens with them."""
    shared = AppTest.from_file(PAGE, default_timeout=60)
    shared.session_state["actor"] = world["lead"]
    shared.session_state["last_seen"] = time.time()
    shared.query_params.update({"status": "In progress", "search": "budget"})
    shared.run()
    assert (shared.selectbox(key="status").value, shared.text_input(key="search").value) == ("in_progress", "budget")
    assert list(shared.dataframe[0].value["Title"]) == ["Budget 2024"]


def test_a_reviewer_sees_their_own_progress_column(world):
    give(world["db"], world["ann"], claims_of(world["db"], world["budget"])[0].id, "supported")
    table = run_page(world["ann"]).dataframe[0].value
    assert table[table["Title"] == "Budget 2024"].iloc[0]["Yours"] == "1 of 3"


def test_pages_of_articles(world):
    documents = [Document(source=f"{n}.txt", text=f"Claim {n} is here. It is true.") for n in range(30)]
    ingest_documents(world["db"], documents, collection="news", nlp=load_pipeline())
    at = run_page(world["lead"])
    assert len(at.dataframe[0].value) == 25 and "32 articles" in at.caption[0].value
    at.get("pagination")[0].set_value(2).run()
    assert len(at.dataframe[0].value) == 7 and "showing 26–32" in at.caption[0].value


# --- one article --------------------------------------------------------------------------------------------


def test_the_article_view_escapes_everything(world):
    at = run_page(world["lead"], world["hostile"])
    assert not at.exception
    markup = html_of(at)
    assert "<script" not in markup and "<img" not in markup and 'href="javascript' not in markup
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in markup
    assert "&lt;script&gt;window.__pwned=9&lt;/script&gt;Council" in markup
    assert "URL (not a web link)" in markup


def test_a_reviewer_sees_no_editor_and_only_their_statuses(world):
    first = claims_of(world["db"], world["budget"])[0]
    give(world["db"], world["lead"], first.id, "disputed")
    at = run_page(world["ann"], world["budget"])
    assert not at.exception and not at.subheader
    assert "Not reviewed by you: 3" in at.caption[0].value
    assert "Disputed" not in html_of(at) and "Reviewers disagree" not in html_of(at)


@pytest.mark.parametrize("article, message", [(999, "No article with id 999")])
def test_a_missing_article(world, article, message):
    at = run_page(world["lead"], article)
    assert message in at.error[0].value


def test_a_unit_clicked_in_the_text_is_the_one_to_fix(world):
    """The click script writes the unit's id into the hidden field; the panel then acts on that unit."""
    units = claims_of(world["db"], world["budget"])
    at = run_page(world["lead"], world["budget"])
    page = html_of(at)
    assert f'wb-u-{units[2].id}"' in page and 'class="wb-pickable"' in page
    assert any(html.proto.unsafe_allow_javascript and "articles_pick" in html.proto.body for html in at.get("html"))
    at.text_input(key="articles_pick").input(str(units[2].id)).run()
    assert at.selectbox(key=f"articles_unit_{world['budget']}").value == units[2].id
    assert at.text_input(key="articles_pick").value == ""
    at.text_input(key="articles_pick").input("not a number").run()
    assert not at.exception and at.selectbox(key=f"articles_unit_{world['budget']}").value == units[2].id


def test_the_lead_changes_a_kind(world):
    target = claims_of(world["db"], world["budget"])[1]
    at = run_page(world["lead"], world["budget"])
    at.selectbox(key=f"articles_unit_{world['budget']}").set_value(target.id).run()
    at.selectbox(key=f"articles_kind_{target.id}_1").set_value("boilerplate").run()
    at.button(key=f"articles_apply_kind_{target.id}").click().run()
    assert not at.exception and not at.error
    assert claims_of(world["db"], world["budget"])[1].kind == "boilerplate"
    assert "Marked as boilerplate." in [toast.value for toast in at.toast]


def test_merging_claims_with_verdicts_asks_first_and_cancel_changes_nothing(world):
    db = world["db"]
    first, second, _ = claims_of(db, world["budget"])
    give(db, world["ann"], first.id, "supported")
    give(db, world["lead"], second.id, "disputed")
    at = run_page(world["lead"], world["budget"])
    at.button(key=f"articles_merge_next_{first.id}").click().run()
    assert "2 verdicts on these units will be withdrawn" in at.warning[0].value
    at.button(key="articles_cancel").click().run()
    assert len(claims_of(db, world["budget"])) == 3 and not at.warning
    at.button(key=f"articles_merge_next_{first.id}").click().run()
    at.button(key="articles_confirm").click().run()
    assert not at.exception and not at.error
    merged = claims_of(db, world["budget"])
    assert len(merged) == 2 and merged[0].text == f"{first.text} {second.text}"
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Verdict)) == 0
        assert session.scalar(select(func.count()).where(VerdictHistory.action == "edit")) == 2


def test_merging_without_verdicts_needs_no_confirmation(world):
    first, second, third = claims_of(world["db"], world["budget"])
    at = run_page(world["lead"], world["budget"])
    at.selectbox(key=f"articles_unit_{world['budget']}").set_value(third.id).run()
    at.button(key=f"articles_merge_previous_{third.id}").click().run()
    assert [c.id for c in claims_of(world["db"], world["budget"])] == [first.id, second.id]
    assert at.selectbox(key=f"articles_unit_{world['budget']}").value == second.id


def test_the_lead_splits_a_unit(world):
    first = claims_of(world["db"], world["budget"])[0]
    at = run_page(world["lead"], world["budget"])
    cut = first.text.index("in 2023")
    at.selectbox(key=f"articles_split_{first.id}_1").set_value(cut).run()
    at.button(key=f"split_{first.id}").click().run()
    assert not at.exception and not at.error
    assert [c.text for c in claims_of(world["db"], world["budget"])][:2] == ["Taxes rose by 4%", "in 2023."]


def test_a_stale_edit_shows_a_clear_error(world):
    first, second, _ = claims_of(world["db"], world["budget"])
    at = run_page(world["lead"], world["budget"])
    with world["db"].transaction() as session:  # another lead edits meanwhile
        session.get(Claim, second.id).version = 7
    at.button(key=f"articles_merge_next_{first.id}").click().run()
    assert "changed by someone else" in at.error[0].value
    assert len(claims_of(world["db"], world["budget"])) == 3


def test_a_reviewer_sees_the_claims_signal_chips_but_no_score(world):
    at = run_page(world["ann"], world["budget"])
    assert not at.exception
    assert at.expander and "with signals" in at.expander[0].label
    page = html_of(at)
    assert 'class="wb-triage-chip"' in page and ">number<" in page
    assert "checkworthiness" not in page.lower() and "check-worthiness" not in page.lower()


def test_only_a_lead_filters_the_list_by_check_worthiness(world):
    lead_page = run_page(world["lead"])
    assert [slider.label for slider in lead_page.slider] == ["Claims with check-worthiness at least"]
    reviewer_page = run_page(world["ann"])
    assert not reviewer_page.exception and not reviewer_page.slider
    assert [box.key for box in reviewer_page.selectbox if box.key == "signal"]


def test_the_article_view_marks_each_claims_quote_inside_it(world):
    text = "Budget talks\n\n“We will cut spending by two billion,” Ana Ruiz told <reporters>. Taxes rose."
    article = ingest_documents(world["db"], [Document(source="quote.txt", text=text, title="Quoted")]).article_ids[0]
    page = html_of(run_page(world["ann"], article))
    assert page.count('class="wb-triage-quote"') == 1 and 'title="Quote: Ana Ruiz"' in page
    assert ">We will cut spending by two billion,</span>” Ana Ruiz told &lt;reporters&gt;." in page
    assert "Quoted: " not in page

"""The Import page, driven through Streamlit's AppTest on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

import workbench.import_preview
from workbench import sessions
from workbench.access import Actor
from workbench.app import common
from workbench.auth import create_reviewer
from workbench.config import DATABASE_URL_ENV
from workbench.db import Database
from workbench.models import Article, Claim, Collection

MAIN = str(common.PAGES_DIR.parent / "main.py")
TEXT = "Budget row deepens\n\nTaxes rose by 4% in 2023. Critics called the budget <b>reckless</b>."


@pytest.fixture
def people(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    monkeypatch.setenv(DATABASE_URL_ENV, db.url)
    st.cache_resource.clear()
    with db.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))
        ann = Actor.of(create_reviewer(session, "Ann", None, "reviewer", actor=Actor.operator()))
    yield {"db": db, "lead": lead, "ann": ann}
    common.get_database(db.url).dispose()
    st.cache_resource.clear()


def run_page(actor: Actor, sign_in_session: int | None = None) -> AppTest:
    """The whole app (navigation included), signed in as ``actor``, on the Import page."""
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.session_state["actor"] = actor
    at.session_state["last_seen"] = time.time()
    if sign_in_session is not None:
        at.session_state[common.SIGN_IN_SESSION] = sign_in_session
    at.run()
    return at.switch_page("views/import_articles.py").run()


def counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Article)),
            session.scalar(select(func.count()).select_from(Claim)),
        )


def html_of(at: AppTest) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def errors_of(at: AppTest) -> list[str]:
    """Error messages as the user reads them (the page escapes Markdown in untrusted text)."""
    return [error.value.replace("\\", "") for error in at.error]


def paste(at: AppTest, text: str = TEXT, url: str = "") -> AppTest:
    at.text_area(key="import_text").input(text)
    at.text_input(key="import_url").input(url)
    return at.button(key="import_preview_paste").click().run()


def test_reviewers_cannot_import(people):
    at = AppTest.from_file(str(common.PAGES_DIR / "import_articles.py"), default_timeout=60)
    at.session_state["actor"] = people["ann"]
    at.session_state["last_seen"] = time.time()
    at.run()  # the page itself, as if reached without the navigation (which hides it from reviewers)
    assert errors_of(at) == ["Only a lead can import articles."]
    assert not at.text_area


def test_paste_preview_then_import(people, monkeypatch):
    db = people["db"]
    calls = []
    real = workbench.import_preview.preview_documents
    monkeypatch.setattr(workbench.import_preview, "preview_documents", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = paste(run_page(people["lead"]), url="https://example.org/budget")
    assert not at.exception and not at.error
    markup = html_of(at)
    assert "&lt;b&gt;reckless&lt;/b&gt;" in markup and "<b>reckless" not in markup
    assert 'href="https://example.org/budget"' in markup
    assert counts(db) == (0, 0), "a preview writes nothing"
    at.text_input(key="import_title").input("Budget").run()  # a rerun: the preview is kept, not redone
    assert calls == [1]
    assert "changed since this preview" in at.warning[0].value and at.button(key="import_commit").disabled
    at.text_input(key="import_title").input("").run()
    assert not at.warning
    at.button(key="import_commit").click().run()
    assert not at.exception and not at.error
    assert "1 article added" in at.success[0].value
    assert at.get("page_link")[0].proto.label == "Open the articles of “default”"
    articles, claims = counts(db)
    assert articles == 1 and claims >= 2
    with db.session() as session:
        article = session.scalar(select(Article))
        assert (article.url, article.source) == ("https://example.org/budget", "pasted text")


@pytest.mark.parametrize(
    "text, url, message",
    [("   ", "", "the article text is empty"), (TEXT, "javascript:alert(1)", "http:// or https://")],
    ids=["empty", "javascript-url"],
)
def test_bad_pasted_input_is_refused(people, text, url, message):
    at = paste(run_page(people["lead"]), text, url)
    assert message in errors_of(at)[0]
    assert not at.get("expander") and counts(people["db"]) == (0, 0)


def test_uploads_import_the_good_files_and_report_the_bad(people):
    at = run_page(people["lead"])
    at.file_uploader(key="import_uploads_0").set_value(
        [
            ("good.txt", b"A fine claim here. Another one there.", "text/plain"),
            ("rows.csv", b"title,text\nOne,First row claim.\nTwo,Second row claim.\n", "text/csv"),
            ("latin1.txt", "caf\u00e9 cr\u00e8me".encode("latin-1"), "text/plain"),
            ("no-text.csv", b"title,url\nA,https://x.org\n", "text/csv"),
        ]
    ).run()
    at.button(key="import_preview_files").click().run()
    assert not at.exception
    errors = errors_of(at)
    assert any("latin1.txt" in error and "not UTF" in error for error in errors)
    assert any("no-text.csv" in error and "no text column" in error for error in errors)
    assert len(at.get("expander")) == 3
    at.button(key="import_commit").click().run()
    assert "3 articles added" in at.success[0].value and "2 failed" in at.success[0].value
    assert counts(people["db"])[0] == 3
    uploader = at.file_uploader(key="import_uploads_1")
    assert not uploader.value, "the committed files are gone from the uploader"
    assert at.button(key="import_preview_files").disabled
    assert "import_commit" not in [button.key for button in at.button]


def test_only_bad_files_offer_nothing_to_import(people):
    at = run_page(people["lead"])
    at.file_uploader(key="import_uploads_0").set_value([("empty.txt", b"  \n", "text/plain")]).run()
    at.button(key="import_preview_files").click().run()
    assert errors_of(at) == ["empty.txt: the file is empty."]
    assert "Nothing to import" in at.info[0].value
    assert "import_commit" not in [button.key for button in at.button]
    assert counts(people["db"]) == (0, 0)


def test_a_duplicate_is_flagged_and_cannot_be_imported_twice(people):
    at = paste(run_page(people["lead"]))
    at.button(key="import_commit").click().run()
    at = paste(at)
    assert "already imported" in html_of(at)
    assert at.button(key="import_commit").disabled
    assert counts(people["db"])[0] == 1


def test_import_into_a_new_collection(people):
    at = run_page(people["lead"])
    at.selectbox(key="import_collection").set_value("New collection…").run()
    at.text_input(key="import_new_collection").input("election-2024").run()
    at = paste(at)
    at.button(key="import_commit").click().run()
    with people["db"].session() as session:
        assert session.scalar(
            select(Collection.name).join(Article, Article.collection_id == Collection.id)
        ) == "election-2024"


@pytest.mark.parametrize("redrawn", [False, True], ids=["reloaded-before-the-redraw", "reloaded-after"])
def test_a_reload_right_after_importing_shows_what_was_imported_once(people, monkeypatch, redrawn):
    sign_in_session = sessions.start_session(people["db"], people["lead"]).id
    at = paste(run_page(people["lead"], sign_in_session))
    with monkeypatch.context() as patch:
        if not redrawn:
            patch.setattr(common, "show_flash", st.stop)  # the browser reloads before the page redraws
        at.button(key="import_commit").click().run()
    assert counts(people["db"])[0] == 1 and bool(at.success) == redrawn

    reloaded = run_page(people["lead"], sign_in_session)
    assert "1 article added" in reloaded.success[0].value
    assert "1 article added" in reloaded.run().success[0].value, "the reloaded tab keeps showing it"
    assert not run_page(people["lead"], sign_in_session).success, "shown once, not in every later tab"
    assert not run_page(people["lead"]).success
    assert at.run().success, "the importing tab still shows its own report"


def test_a_reloaded_page_drawn_before_the_import_finished_shows_it_at_its_next_run(people):
    sign_in_session = sessions.start_session(people["db"], people["lead"]).id
    at = paste(run_page(people["lead"], sign_in_session))
    reloaded = run_page(people["lead"], sign_in_session)  # drawn while the import still runs
    assert not reloaded.success
    at.button(key="import_commit").click().run()
    assert "1 article added" in reloaded.run().success[0].value


def test_a_report_is_not_shown_to_a_tab_opened_a_minute_later(people, monkeypatch):
    sign_in_session = sessions.start_session(people["db"], people["lead"]).id
    at = paste(run_page(people["lead"], sign_in_session))
    at.button(key="import_commit").click().run()
    later = time.monotonic() + 61
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert not run_page(people["lead"], sign_in_session).success


def test_an_existing_collection_is_offered_first_and_default_only_while_there_is_none(people):
    at = run_page(people["lead"])
    assert at.selectbox(key="import_collection").options == ["default", "New collection…"]
    with people["db"].transaction() as session:
        session.add_all([Collection(name="Seed articles"), Collection(name="Election 2024")])
    at = run_page(people["lead"])
    selector = at.selectbox(key="import_collection")
    assert selector.options == ["Election 2024", "Seed articles", "New collection…"]
    assert selector.value == "Election 2024", "no collection nobody made is chosen for a hurried import"

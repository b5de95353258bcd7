"""The review queue page in Streamlit's AppTest, on SQLite and PostgreSQL: labelling, shortcuts,
evidence validation, undo, back, skip, the end state, blind review, scope and role enforcement."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from builders import label_button
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench import render
from workbench.access import Actor
from workbench.assignment import assign, set_active
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.models import Article, Claim, Verdict, VerdictHistory
from workbench.review import submit_verdict

PAGE = Path(__file__).resolve().parent.parent / "workbench" / "app" / "views" / "queue.py"
FIRST = "Alpha is one. Beta is two.\n\nGamma is three."
SECOND = "Delta is four. Epsilon is five."


@pytest.fixture
def world(db: Database, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Two articles, a lead and two reviewers; the app reads the same database."""
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    with db.transaction() as session:
        people = {
            name: Actor.of(create_reviewer(session, name, None, role, actor=Actor.operator()))
            for name, role in [("lena", "lead"), ("ana", "reviewer"), ("ben", "reviewer")]
        }
    documents = [
        Document(source="first.txt", text=FIRST, title="First <script>alert('t')</script> story"),
        Document(source="second.txt", text=SECOND, title="Second story"),
    ]
    articles = ingest_documents(db, documents).article_ids
    with db.session() as session:
        claims = list(
            session.scalars(
                select(Claim.id)
                .where(Claim.kind == "claim")
                .order_by(Claim.article_id, Claim.position)
            )
        )
    return {"db": db, "people": people, "articles": articles, "claims": claims}


def open_queue(actor: Actor) -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=30)
    app.session_state["actor"] = actor
    app.session_state["last_seen"] = time.time()
    return app.run()


def skip_button(app: AppTest):
    return app.button(key=f"queue_skip_button_{app.session_state['queue_current']}")


def on_screen(app: AppTest) -> int | None:
    return app.session_state["queue_current"]


def verdicts(db: Database) -> dict[tuple[int, int], tuple[str, str, list[str]]]:
    with db.session() as session:
        return {
            (v.claim_id, v.reviewer_id): (v.label, v.note, v.evidence)
            for v in session.scalars(select(Verdict))
        }


def html_of(app: AppTest) -> str:
    return "\n".join(element.proto.body for element in app.get("html"))


def note_and_evidence(app: AppTest):
    shown = on_screen(app)
    return app.text_area(key=f"queue_note_text_{shown}"), app.text_area(key=f"queue_evidence_text_{shown}")


def undo_button(app: AppTest):
    (button,) = [button for button in app.button if button.key.startswith("queue_undo_button_")]
    return button


@pytest.mark.parametrize("label", ["supported", "disputed", "editorial_framing"])
def test_a_label_saves_note_and_links_then_shows_the_next_claim(world, label):
    ana, (first, second, *_) = world["people"]["ana"], world["claims"]
    app = open_queue(ana)
    assert not app.exception and on_screen(app) == first
    note, evidence = note_and_evidence(app)
    note.input("Checked the council minutes.")
    evidence.input("https://example.org/minutes\nhttps://example.org/vote")
    label_button(app, label).click().run()
    assert not app.exception
    assert verdicts(world["db"]) == {
        (first, ana.id): (
            label,
            "Checked the council minutes.",
            ["https://example.org/minutes", "https://example.org/vote"],
        )
    }
    assert on_screen(app) == second
    next_note, next_evidence = note_and_evidence(app)
    assert next_note.value == "" and next_evidence.value == ""
    assert not app.get("toast"), "the confirmation covers nothing"
    assert f"✓ Saved: {label.replace('_', ' ').capitalize()}" in html_of(app)
    overall = app.get("progress")[0].proto.text
    assert overall == "Overall: 1 of 5 claims labelled by you"


def test_keyboard_shortcuts_are_wired_to_the_buttons(world):
    app = open_queue(world["people"]["ana"])
    shown = on_screen(app)
    shortcuts = {button.key: button.proto.shortcut for button in app.button}
    assert shortcuts == {
        f"label_supported_{shown}": "1",
        f"label_disputed_{shown}": "2",
        f"label_editorial_framing_{shown}": "3",
        "queue_back_button": "b",
        f"queue_skip_button_{shown}": "s",
        "queue_undo_button_0": "u",  # keyed by the save it undoes
        "queue_redraw": "",  # hidden: the page presses it when a lost connection returns
    }


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/x", "example.org"])
def test_a_bad_evidence_link_is_refused_and_the_input_kept(world, link):
    ana, first = world["people"]["ana"], world["claims"][0]
    app = open_queue(ana)
    note, evidence = note_and_evidence(app)
    note.input("My careful note")
    evidence.input(link)
    label_button(app, "disputed").click().run()
    assert verdicts(world["db"]) == {}
    assert on_screen(app) == first
    assert "http:// or https://" in app.error[0].value
    note, evidence = note_and_evidence(app)
    assert (note.value, evidence.value) == ("My careful note", link)


def test_undo_withdraws_the_last_verdict_and_shows_its_claim_again(world):
    ana, (first, second, *_) = world["people"]["ana"], world["claims"]
    app = open_queue(ana)
    assert undo_button(app).disabled
    label_button(app, "supported").click().run()
    note_and_evidence(app)[0].input("Typed before the slip")
    label_button(app, "disputed").click().run()
    assert set(verdicts(world["db"])) == {(first, ana.id), (second, ana.id)}
    undo_button(app).click().run()
    assert set(verdicts(world["db"])) == {(first, ana.id)}
    assert on_screen(app) == second
    assert note_and_evidence(app)[0].value == "Typed before the slip"
    undo_button(app).click().run()
    assert verdicts(world["db"]) == {} and on_screen(app) == first
    with world["db"].session() as session:
        actions = list(session.scalars(select(VerdictHistory.action).order_by(VerdictHistory.id)))
    assert actions == ["create", "create", "delete", "delete"]
    assert undo_button(app).disabled


def test_back_opens_the_previous_verdict_to_change_it(world):
    ana, (first, second, third, *_) = world["people"]["ana"], world["claims"]
    app = open_queue(ana)
    label_button(app, "supported").click().run()
    note, evidence = note_and_evidence(app)
    note.input("Second note")
    evidence.input("https://example.org/second")
    label_button(app, "supported").click().run()
    app.button(key="queue_back_button").click().run()
    assert on_screen(app) == second
    assert "Your verdict: **Supported**" in app.info[0].value
    assert label_button(app, "supported").proto.type == "primary"
    note, evidence = note_and_evidence(app)
    assert (note.value, evidence.value) == ("Second note", "https://example.org/second")
    app.button(key="queue_back_button").click().run()
    assert on_screen(app) == first
    assert note_and_evidence(app)[0].value == ""
    label_button(app, "editorial_framing").click().run()
    assert verdicts(world["db"])[(first, ana.id)][0] == "editorial_framing"
    assert on_screen(app) == third, (
        "after changing an earlier verdict the queue continues where it was"
    )
    with world["db"].session() as session:
        assert (
            session.scalar(
                select(VerdictHistory.action).order_by(VerdictHistory.id.desc()).limit(1)
            )
            == "update"
        )


def test_skip_then_the_end_state_offers_the_skipped_claims(world):
    ana, claims = world["people"]["ana"], world["claims"]
    app = open_queue(ana)
    skip_button(app).click().run()
    assert on_screen(app) == claims[1]
    for _ in claims[1:]:
        label_button(app, "supported").click().run()
    assert on_screen(app) is None
    assert "All caught up" in html_of(app) and "Only the claim you skipped is left." in html_of(app)
    app.button(key="queue_review_skipped").click().run()
    assert on_screen(app) == claims[0]
    label_button(app, "disputed").click().run()
    assert on_screen(app) is None and not any(
        button.key == "queue_review_skipped" for button in app.button
    )
    assert len(verdicts(world["db"])) == len(claims)


def test_blind_review_until_the_reviewer_has_given_a_verdict(world):
    people, first = world["people"], world["claims"][0]
    with world["db"].transaction() as session:
        submit_verdict(session, people["ben"], first, "disputed", "ben's <b>secret</b> note")
    app = open_queue(people["ana"])
    assert on_screen(app) == first
    assert "hidden until you give yours" in app.caption[-1].value
    assert "secret" not in html_of(app)
    label_button(app, "supported").click().run()
    app.button(key="queue_back_button").click().run()
    assert on_screen(app) == first
    assert "ben" in html_of(app) and "&#60;b&#62;secret&#60;/b&#62;" in html_of(app)

    lead = open_queue(people["lena"])  # a lead who reviews is blind too (Adjudication shows all)
    assert on_screen(lead) == first
    assert "secret" not in html_of(lead) and "hidden until you give yours" in lead.caption[-1].value


def test_scope_limits_the_queue_to_one_article(world):
    ana = world["people"]["ana"]
    app = open_queue(ana)
    app.selectbox(key="queue_article").select(world["articles"][1]).run()
    assert on_screen(app) == world["claims"][3]
    assert [bar.proto.text for bar in app.get("progress")] == [
        "This article: 0 of 2 claims labelled by you"
    ]


def test_untrusted_titles_are_escaped(world):
    app = open_queue(world["people"]["ana"])
    page = html_of(app)
    assert "First &#60;script&#62;alert&#40;&#39;t&#39;&#41;&#60;/script&#62; story" in page
    assert "<script>alert" not in page


def test_a_reviewer_with_no_open_collection_is_told_so(world):
    people = world["people"]
    with world["db"].transaction() as session:
        collection_id = session.scalar(select(Article.collection_id).limit(1))
        assign(session, collection_id, [people["ben"].id], actor=people["lena"])
    app = open_queue(people["ana"])
    assert "No collection is open to you" in app.warning[0].value
    assert on_screen(app) is None
    assert not any(button.key.startswith("label_") for button in app.button)


def test_a_deactivated_reviewer_cannot_save_from_an_open_page(world):
    ana = world["people"]["ana"]
    app = open_queue(ana)
    with world["db"].transaction() as session:
        set_active(session, ana.id, False, actor=world["people"]["lena"])
    label_button(app, "supported").click().run()
    assert verdicts(world["db"]) == {}
    assert "actor" not in app.session_state


def test_a_lead_edit_while_typing_refuses_the_save_but_keeps_the_note(world):
    ana, first = world["people"]["ana"], world["claims"][0]
    app = open_queue(ana)
    note, _ = note_and_evidence(app)
    note.input("Half an hour of research")
    with world["db"].transaction() as session:
        claim = session.get(Claim, first)
        claim.version += 1
    label_button(app, "supported").click().run()
    assert "A lead edited this claim" in app.error[0].value
    assert verdicts(world["db"]) == {} and on_screen(app) == first
    note, _ = note_and_evidence(app)
    assert note.value == "Half an hour of research"
    label_button(app, "supported").click().run()
    assert verdicts(world["db"]) == {(first, ana.id): ("supported", "Half an hour of research", [])}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("<script>x</script>", "&#60;script&#62;x&#60;/script&#62;"),
        ("[a](javascript:b)", "&#91;a&#93;&#40;javascript&#58;b&#41;"),
        ("$x$ *y* `z` :smile:", "&#36;x&#36; &#42;y&#42; &#96;z&#96; &#58;smile&#58;"),
        ("Tom & \"Jerry\" 'x'\r\nnext", "Tom &#38; &#34;Jerry&#34; &#39;x&#39;<br>next"),
    ],
)
def test_escape_html_leaves_no_markup(text, expected):
    assert render.escape_html(text) == expected


@pytest.mark.parametrize(
    "url, expected_start",
    [
        (
            'https://example.org/a?b=1&c="x"',
            '<a href="https://example.org/a?b=1&amp;c=&quot;x&quot;"',
        ),
        ("javascript:alert(1)", "source"),
        ("data:text/html,hi", "source"),
        (None, "source"),
    ],
)
def test_safe_link_only_links_http(url, expected_start):
    assert render.safe_link(url, "source").startswith(expected_start)


@pytest.mark.parametrize("button", ["label", "skip"])
def test_a_press_for_a_claim_no_longer_on_screen_saves_nothing(world, button):
    """The race of two fast key presses: the browser still shows the first claim while the server
    has already moved on, so the press carries the first claim's id and must be dropped."""
    ana, (first, second, *_) = world["people"]["ana"], world["claims"]
    app = open_queue(ana)
    assert on_screen(app) == first
    pressed = label_button(app, "disputed") if button == "label" else skip_button(app)
    app.session_state["queue_current"] = second  # the server moved on; the browser has not drawn it
    pressed.click().run()
    assert verdicts(world["db"]) == {}
    assert "ignored" in app.info[0].value and "nothing was saved" in app.info[0].value
    assert on_screen(app) == second
    label_button(app, "supported").click().run()
    assert verdicts(world["db"]) == {(second, ana.id): ("supported", "", [])}


def test_a_lead_with_nothing_to_review_is_pointed_to_the_next_step(db: Database, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    with db.transaction() as session:
        lena = Actor.of(create_reviewer(session, "lena", None, "lead", actor=Actor.operator()))
    app = AppTest.from_file(str(PAGE.parent.parent / "main.py"), default_timeout=30)
    app.session_state["actor"] = lena
    app.session_state["last_seen"] = time.time()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    shown = " ".join(element.value for element in app.info)
    assert "Import" in shown and "Ask a lead" not in shown
    assert "All caught up" not in html_of(app)


def ahead_of(app: AppTest) -> tuple[int, str] | None:
    """The claim read ahead on the card (its id and markup), as the page's key script finds it."""
    import html
    import re

    found = re.search(r'class="wb-ahead" hidden data-after="\d+" data-claim="(\d+)" data-html="([^"]*)"', html_of(app))
    return (int(found[1]), html.unescape(found[2])) if found else None


@pytest.mark.parametrize("button", ["label", "skip"])
def test_the_card_carries_the_next_claim_and_the_press_shows_it(world, button):
    """The browser shows the claim read ahead the moment a key is pressed; the server then draws the
    same claim, so nothing changes under the reviewer's eyes."""
    ana, (_, second, *_) = world["people"]["ana"], world["claims"]
    app = open_queue(ana)
    ahead, markup = ahead_of(app)
    assert ahead == second and 'data-claim="%d"' % second in markup and "Beta is two." in markup
    assert "<script" not in markup, "the title is escaped in the read-ahead too"
    (label_button(app, "supported") if button == "label" else skip_button(app)).click().run()
    assert on_screen(app) == ahead


def test_a_claim_read_ahead_that_no_longer_needs_the_reviewer_is_not_shown(world):
    """Labelled meanwhile in another tab: the server shows the claim after it instead, and a press
    made on the read-ahead card finds no button of that claim (the key script drops it)."""
    ana, (first, second, third, *_) = world["people"]["ana"], world["claims"]
    app = open_queue(ana)
    assert ahead_of(app)[0] == second
    with world["db"].transaction() as session:
        submit_verdict(session, ana, second, "disputed")
    label_button(app, "supported").click().run()
    assert on_screen(app) == third
    assert verdicts(world["db"]) == {(first, ana.id): ("supported", "", []), (second, ana.id): ("disputed", "", [])}


def test_going_back_reads_nothing_ahead(world):
    ana, (first, *_) = world["people"]["ana"], world["claims"]
    app = open_queue(ana)
    label_button(app, "supported").click().run()
    app.button(key="queue_back_button").click().run()
    assert on_screen(app) == first and ahead_of(app) is None


def test_a_press_in_a_second_tab_never_replaces_the_first_tabs_verdict_unseen(world):
    """Both tabs show the same unlabelled claim; the second tab's press is refused with what the
    first tab saved, the claim stays on screen with that verdict, and a second press changes it."""
    ana, (first, *_) = world["people"]["ana"], world["claims"]
    tab_a, tab_b = open_queue(ana), open_queue(ana)
    assert on_screen(tab_a) == on_screen(tab_b) == first
    label_button(tab_a, "supported").click().run()
    note_and_evidence(tab_b)[0].input("Typed in tab B")
    label_button(tab_b, "disputed").click().run()
    assert verdicts(world["db"]) == {(first, ana.id): ("supported", "", [])}
    assert "already labelled this claim Supported" in tab_b.error[0].value
    assert on_screen(tab_b) == first
    assert "Your verdict: **Supported**" in tab_b.info[0].value
    assert note_and_evidence(tab_b)[0].value == "Typed in tab B", "what was typed is kept"
    label_button(tab_b, "disputed").click().run()
    assert verdicts(world["db"]) == {(first, ana.id): ("disputed", "Typed in tab B", [])}


def test_a_note_belongs_to_its_claim(world):
    """Each claim has its own note field: text left in one claim's field never reaches another."""
    ana, (_, second, *_) = world["people"]["ana"], world["claims"]
    app = open_queue(ana)
    note_and_evidence(app)[0].input("About the first claim")
    skip_button(app).click().run()
    assert on_screen(app) == second and note_and_evidence(app)[0].value == ""
    label_button(app, "supported").click().run()
    assert verdicts(world["db"]) == {(second, ana.id): ("supported", "", [])}


def test_a_note_typed_and_left_unsaved_is_there_again_when_its_claim_returns(world):
    """Skip (or go back) with a note typed: the claim's draft waits for it, and is saved with it."""
    ana, claims = world["people"]["ana"], world["claims"]
    app = open_queue(ana)
    note, links = note_and_evidence(app)
    note.input("Draft about the first claim")
    links.input("https://example.org/source")
    skip_button(app).click().run()
    for _ in claims[1:]:
        label_button(app, "supported").click().run()
    app.button(key="queue_review_skipped").click().run()
    assert on_screen(app) == claims[0]
    assert [field.value for field in note_and_evidence(app)] == ["Draft about the first claim", "https://example.org/source"]
    label_button(app, "disputed").click().run()
    assert verdicts(world["db"])[(claims[0], ana.id)] == ("disputed", "Draft about the first claim", ["https://example.org/source"])


def test_a_quote_is_marked_inside_the_claim_and_not_shown_twice(db: Database, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    with db.transaction() as session:
        ana = Actor.of(create_reviewer(session, "ana", None, "reviewer", actor=Actor.operator()))
    text = "“We will cut spending by two billion,” Ana Ruiz told reporters <on Monday>."
    ingest_documents(db, [Document(source="quote.txt", text=text, title="Quoted")])
    page = html_of(open_queue(ana))
    marked = page.split('<mark class="wb-claim"', 1)[1].split("</mark>", 1)[0]
    assert '<span class="wb-triage-quote"' in marked and 'title="Quote: Ana Ruiz"' in marked
    assert ">We will cut spending by two billion,</span>" in marked
    assert "&#60;on Monday&#62;" in marked and "<on Monday>" not in page  # the rest still escaped
    assert "wb-triage-quoted" not in page and "Quoted: " not in page  # the claim is not repeated
    assert page.count("We will cut spending") == 1

"""Headless chromium against a real ``streamlit run``: sign in and review from the keyboard only,
and untrusted article text that tries to run script."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import func, select

from workbench import LABELS
from workbench.ingest import Document, ingest_documents
from workbench.models import Article, Claim, Verdict

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
CLAIM = "mark.wb-claim"


def reviewable_claims(server) -> list[int]:
    """Every claim in queue order (article, then position)."""
    with server.database.session() as session:
        return list(
            session.scalars(
                select(Claim.id)
                .where(Claim.kind == "claim")
                .order_by(Claim.article_id, Claim.position)
            )
        )


def verdicts_of(server, name: str) -> list[tuple[int, str, str]]:
    from workbench.models import Reviewer

    with server.database.session() as session:
        return [
            (claim_id, label, note)
            for claim_id, label, note in session.execute(
                select(Verdict.claim_id, Verdict.label, Verdict.note)
                .join(Reviewer, Reviewer.id == Verdict.reviewer_id)
                .where(Reviewer.name == name)
                .order_by(Verdict.id)
            )
        ]


def settle(page, *, after_action: bool = True) -> None:
    """Wait until Streamlit has finished the run: nothing running or stale, and the queue fully drawn
    (its last element, the key legend, or the end state is there). Right after an action, first give
    the run it started a moment to show."""
    if after_action:
        page.wait_for_timeout(150)
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stStatusWidget"], [data-stale="true"]\')'
        " && !!document.querySelector('.wb-keys, .wb-done')"
    )


NOTE_FOCUSED = "() => !!document.activeElement && document.activeElement.matches('.st-key-queue_note textarea')"


def type_note(page, text: str) -> None:
    """``N`` into the note field, type, ``Esc`` out of it: the keyboard way to add a note.

    On a loaded machine the card can be drawn again just after ``N`` focused the field (the
    focus goes with the old field), so ``N`` is pressed again, as a person would, until the
    field has the focus; nothing is typed before that.
    """
    for _ in range(4):
        settle(page)
        page.keyboard.press("n")
        try:
            page.wait_for_function(NOTE_FOCUSED, timeout=5000)
            break
        except PlaywrightTimeout:
            continue
    else:
        pytest.fail("N did not focus the note field in four tries")
    page.keyboard.type(text)
    page.keyboard.press("Escape")
    settle(page)  # leaving the field sends the note: the run it starts ends before the next key


def press_and_wait(page, key: str) -> None:
    """Press a key and wait until the server has drawn another claim's card (the verdict was saved:
    the claim read ahead, shown at the press, does not count) and the run ended."""
    settle(page, after_action=False)
    before = page.locator(CLAIM).get_attribute("data-claim")
    page.keyboard.press(key)
    page.wait_for_function(
        "([selector, before]) => { const mark = document.querySelector(selector);"
        " return !mark || (mark.dataset.claim !== before && !mark.dataset.ahead); }",
        arg=[CLAIM, before],
    )
    settle(page)


def reviewer_in_the_queue(server, page, sign_in) -> list[int]:
    """A lead and a reviewer, rita, signed in on the queue with a claim drawn; the claims in queue order."""
    server.add_account("lena", PASSWORD, "lead")
    server.add_account("rita", PASSWORD)
    claims = reviewable_claims(server)
    sign_in(page, server, "rita", PASSWORD)
    page.locator(CLAIM).wait_for()
    return claims


def test_sign_in_and_label_three_claims_with_the_keyboard(streamlit_server, page, sign_in):
    server = streamlit_server
    claims = reviewer_in_the_queue(server, page, sign_in)

    press_and_wait(page, "1")
    press_and_wait(page, "2")
    type_note(
        page, "Quote is out of context; see the full statement 3"
    )  # 3 inside the note stays text
    press_and_wait(page, "3")

    assert verdicts_of(server, "rita") == [
        (claims[0], "supported", ""),
        (claims[1], "disputed", ""),
        (claims[2], "editorial_framing", "Quote is out of context; see the full statement 3"),
    ]
    page.get_by_text("Overall: 3 of").wait_for()
    assert page.dialogs == [] and page.errors == []


def test_keys_pressed_after_picking_an_article_label_its_claims(streamlit_server, page, sign_in):
    """The picker keeps the focus after its choice; a key then goes to the queue, not into the picker."""
    server = streamlit_server
    reviewer_in_the_queue(server, page, sign_in)
    with server.database.session() as session:
        last_article = session.scalar(select(func.max(Article.id)))
        first_claim = session.scalar(
            select(Claim.id).where(Claim.article_id == last_article, Claim.kind == "claim").order_by(Claim.position)
        )
    picker = page.get_by_role("combobox", name="Article")
    picker.click()
    option = page.get_by_role("option").last
    chosen = option.text_content()
    option.click()
    settle(page)
    page.wait_for_function(
        "(claim) => document.querySelector('mark.wb-claim')?.dataset.claim === String(claim)", arg=first_claim
    )
    press_and_wait(page, "1")
    assert verdicts_of(server, "rita") == [(first_claim, "supported", "")]
    assert picker.input_value() == chosen, "no key was typed into the picker"
    assert page.errors == []


def test_undo_and_back_from_the_keyboard(streamlit_server, page, sign_in):
    server = streamlit_server
    claims = reviewer_in_the_queue(server, page, sign_in)
    press_and_wait(page, "1")
    press_and_wait(page, "1")
    press_and_wait(page, "u")  # undo: the second claim comes back
    assert [claim for claim, _, _ in verdicts_of(server, "rita")] == [claims[0]]
    press_and_wait(page, "b")  # back to the first verdict, to change it
    page.get_by_text("Your verdict:").wait_for()
    press_and_wait(page, "2")
    assert verdicts_of(server, "rita") == [(claims[0], "disputed", "")]


def test_s_while_going_back_says_so_and_keeps_the_other_keys_free(streamlit_server, page, sign_in):
    """Going back over verdicts offers no Skip: S says so at once instead of waiting for a Skip
    button that never comes (which held every other key for ten seconds)."""
    server = streamlit_server
    claims = reviewer_in_the_queue(server, page, sign_in)
    press_and_wait(page, "1")
    press_and_wait(page, "b")
    page.get_by_text("Your verdict:").wait_for()
    page.keyboard.press("s")
    page.get_by_text("Nothing to skip: going back over your verdicts").wait_for(timeout=3000)
    press_and_wait(page, "q")  # at once: back in the queue, on the claim after the one labelled
    assert page.locator(CLAIM).get_attribute("data-claim") == str(claims[1])
    assert verdicts_of(server, "rita") == [(claims[0], "supported", "")]


def test_the_overall_total_counts_claims_a_lead_adds_while_the_queue_is_open(streamlit_server, page, sign_in):
    """Key presses redraw only the claim's part of the page; its overall total still takes in an
    import made meanwhile (elsewhere, by a lead)."""
    server = streamlit_server
    total = len(reviewer_in_the_queue(server, page, sign_in))
    page.get_by_text(f"Overall: 0 of {total} claims").wait_for()
    report = ingest_documents(
        server.database, [Document(source="late.txt", text="Rents rose by 4% in May. Wages rose by 2%.")]
    )
    assert report.added == 1
    press_and_wait(page, "1")
    page.get_by_text(f"Overall: 1 of {total + 2} claims").wait_for()


def test_a_new_reviewer_labels_every_seed_claim_without_the_mouse(streamlit_server, page, sign_in):
    server = streamlit_server
    claims = reviewer_in_the_queue(server, page, sign_in)
    for index in range(len(claims)):
        press_and_wait(page, str(index % 3 + 1))
    page.get_by_text("All caught up").wait_for()
    saved = verdicts_of(server, "rita")
    assert [claim for claim, _, _ in saved] == claims
    assert [label for _, label, _ in saved] == [LABELS[index % 3] for index in range(len(claims))]


INJECTION = (
    "The mayor said <script>window.__pwned = 'script'; alert('script')</script> taxes fell. "
    "Critics replied <img src=x onerror=\"window.__pwned = 'img'; alert('img')\"> that they rose. "
    "Read [the report](javascript:window.__pwned='markdown-link') or "
    "<a href=\"javascript:window.__pwned='html-link'\">this link</a> before voting."
)


def test_article_text_that_tries_to_run_script_stays_text(start_streamlit, page, sign_in):
    server = start_streamlit(seeded=False)
    server.add_account("lena", PASSWORD, "lead")
    server.add_account("rita", PASSWORD)
    report = ingest_documents(
        server.database,
        [
            Document(
                source="javascript:alert('source')",
                text=INJECTION,
                title="<img src=x onerror=alert('title')>Budget",
            )
        ],
    )
    assert report.added == 1
    with server.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1
    claims = reviewable_claims(server)
    sign_in(page, server, "rita", PASSWORD)
    page.locator(CLAIM).wait_for()
    page.get_by_text("<img src=x onerror=alert('title')>Budget").wait_for()
    page.screenshot(path=str(server.log_path.with_suffix(".png")))

    for index in range(len(claims)):
        assert (
            "<script>" in page.locator(".wb-context").inner_text()
            or "<img" in page.locator(".wb-context").inner_text()
        )
        type_note(page, "<img src=x onerror=\"alert('note')\"> [x](javascript:alert('note'))")
        press_and_wait(page, "2")
    page.get_by_text("All caught up").wait_for()

    page.get_by_role("link", name="My verdicts").first.click()
    page.get_by_text("of", exact=False).first.wait_for()
    page.get_by_text("<img src=x onerror=\"alert('note')\">", exact=False).first.wait_for()

    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == [] and page.errors == []
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert page.locator("script:not([src])", has_text="__pwned").count() == 0
    assert page.locator("img[onerror]").count() == 0
    assert len(verdicts_of(server, "rita")) == len(claims)

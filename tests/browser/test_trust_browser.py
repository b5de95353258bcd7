"""Trust in the browser, on SQLite and PostgreSQL: a key press labels only a claim that was drawn,
and a sign-in lasts through reloads, new tabs, deep links, a second app process and a restart."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from serving import wait_for_session_cookie
from sqlalchemy import select

from workbench.access import Actor
from workbench.models import Article, Claim, Reviewer, SignInSession, Verdict, VerdictHistory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
RECORD_DRAWN_CLAIMS = """
window.__drawnClaims = new Set();
new MutationObserver(() => {
  for (const mark of document.querySelectorAll("mark.wb-claim")) window.__drawnClaims.add(Number(mark.dataset.claim));
}).observe(document, { childList: true, subtree: true, attributes: true });
"""


def sign_in_here(page, name: str) -> None:
    """Fill the sign-in form on whatever page shows it, and wait until signed in."""
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {name}").wait_for()


def settled(page) -> None:
    page.wait_for_timeout(150)
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stStatusWidget"], [data-stale="true"]\')'
    )


def ana_at_her_queue(page, server, watch: str):
    """A lead and the reviewer ana; ana signed in, her first claim drawn with its buttons, ``watch``
    running in the page."""
    server.add_account("lena", PASSWORD, "lead")
    server.add_account("ana", PASSWORD)
    page.add_init_script(watch)
    page.goto(server.url)
    sign_in_here(page, "ana")
    claim = page.locator("mark.wb-claim").get_attribute("data-claim")
    page.locator(f".st-key-label_supported_{claim} button:enabled").wait_for()
    settled(page)
    return server


def test_keys_pressed_15_ms_apart_label_only_claims_that_were_drawn(
    page, shared_app_database, serve_database
):
    server = ana_at_her_queue(page, serve_database(shared_app_database), RECORD_DRAWN_CLAIMS)
    for burst in range(6):
        for key in ("1", "2", "3", "1"):
            page.keyboard.press(key)
            page.wait_for_timeout(15)
        page.wait_for_timeout(400)
    settled(page)
    drawn = set(page.evaluate("[...window.__drawnClaims]"))
    with server.database.session() as session:
        labelled = list(
            session.scalars(
                select(Verdict.claim_id).join(Reviewer).where(Reviewer.name == "ana")
            )
        )
    assert labelled, "the key presses saved nothing at all"
    assert len(labelled) == len(set(labelled))
    assert set(labelled) <= drawn, f"verdicts on claims never drawn: {set(labelled) - drawn}"
    assert not page.errors


RECORD_CARD_AFTER_KEYS = """
window.__cardAfterKey = [];
const afterTheAppsKeyHandler = (record) => setTimeout(() => setTimeout(record, 0), 0);
window.addEventListener("keydown", () => afterTheAppsKeyHandler(() => {
  const mark = document.querySelector("mark.wb-claim");
  const panel = document.querySelector(".st-key-queue_panel");
  window.__cardAfterKey.push({
    claim: mark && Number(mark.dataset.claim), ahead: !!(mark && mark.dataset.ahead),
    panelClickable: !!panel && getComputedStyle(panel).pointerEvents !== "none",
  });
}), true);
"""


def test_the_next_claim_shows_at_the_key_press_and_a_press_on_it_labels_it(
    page, shared_app_database, serve_database
):
    """Read ahead: the next claim is on screen as the key goes down, the rest of the card (the claim
    just left's buttons) dimmed and unclickable; a press made on it before the server has drawn its
    card waits for that card and labels that claim, never another."""
    server = ana_at_her_queue(page, serve_database(shared_app_database), RECORD_CARD_AFTER_KEYS)
    first = int(page.locator("mark.wb-claim").get_attribute("data-claim"))
    second = int(page.locator(".wb-ahead").get_attribute("data-claim"))
    page.keyboard.press("1")
    page.wait_for_function(f"() => document.querySelector('mark.wb-claim').dataset.claim === '{second}'")
    page.wait_for_timeout(200)  # read it (a press within 150 ms of a claim appearing is dropped)
    page.keyboard.press("2")  # on the claim read ahead, often before its card is drawn
    page.wait_for_function(
        "(claim) => { const mark = document.querySelector('mark.wb-claim');"
        " return !mark || (Number(mark.dataset.claim) !== claim && !mark.dataset.ahead); }",
        arg=second,
    )
    settled(page)
    at_first_key = page.evaluate("window.__cardAfterKey")[0]
    assert at_first_key == {"claim": second, "ahead": True, "panelClickable": False}
    with server.database.session() as session:
        labelled = session.execute(
            select(Verdict.claim_id, Verdict.label).join(Reviewer).where(Reviewer.name == "ana").order_by(Verdict.id)
        ).all()
    assert [tuple(row) for row in labelled] == [(first, "supported"), (second, "disputed")]
    assert not page.errors


DOUBLE_PRESS = """() => new Promise((resolve) => {
  const press = () => window.dispatchEvent(new KeyboardEvent("keydown", { key: "1", bubbles: true }));
  const first = document.querySelector("mark.wb-claim").dataset.claim;
  const watch = new MutationObserver(() => {
    const mark = document.querySelector("mark.wb-claim");
    if (!mark || mark.dataset.claim === first) return;
    watch.disconnect();
    press();
    resolve(document.getElementById("wb-key-sign").textContent);
  });
  watch.observe(document.body, { childList: true, subtree: true, attributes: true });
  press();
})"""


def test_a_second_press_right_after_the_next_claim_appears_saves_nothing_for_it(
    page, shared_app_database, serve_database
):
    """A double press: the second key lands the moment the next claim appears, too soon to be a
    judgement of it, and is dropped with a visible sign. (Both keys are sent inside the page, so a
    loaded machine cannot stretch the gap between them.)"""
    server = ana_at_her_queue(page, serve_database(shared_app_database), RECORD_DRAWN_CLAIMS)
    first = int(page.locator("mark.wb-claim").get_attribute("data-claim"))
    sign = page.evaluate(DOUBLE_PRESS)
    assert sign.startswith("Key ignored: that claim had only just appeared"), sign
    settled(page)
    with server.database.session() as session:
        labelled = session.scalars(select(Verdict.claim_id).join(Reviewer).where(Reviewer.name == "ana")).all()
    assert labelled == [first]
    assert not page.errors


def label_and_wait(page, key: str) -> None:
    """Press a label key on the claim on screen and wait until the server has drawn the next one."""
    before = page.locator("mark.wb-claim").get_attribute("data-claim")
    page.keyboard.press(key)
    page.wait_for_function(
        "(before) => { const mark = document.querySelector('mark.wb-claim');"
        " return !mark || (mark.dataset.claim !== before && !mark.dataset.ahead); }",
        arg=before,
    )
    settled(page)
    page.wait_for_timeout(200)  # looked at (a press within 150 ms of a claim appearing is dropped)


def anas_verdicts(server) -> list[tuple[int, str, str]]:
    with server.database.session() as session:
        query = select(Verdict.claim_id, Verdict.label, Verdict.note).join(Reviewer).where(Reviewer.name == "ana")
        return [tuple(row) for row in session.execute(query.order_by(Verdict.id))]


def test_u_pressed_twice_or_held_undoes_one_verdict(page, shared_app_database, serve_database):
    """A second U before the server redraws, and a held U's repeats, are dropped with a sign: one
    press undoes one verdict, never one the reviewer cannot see."""
    server = ana_at_her_queue(page, serve_database(shared_app_database), RECORD_DRAWN_CLAIMS)
    for key in ("1", "2", "3"):
        label_and_wait(page, key)
    labelled = anas_verdicts(server)
    assert len(labelled) == 3
    page.keyboard.press("u")
    page.keyboard.down("u")  # a second press, before the server has answered the first
    page.keyboard.down("u")  # held: a repeat
    page.keyboard.up("u")
    assert page.locator("#wb-key-sign").text_content().startswith("Key ignored: one press of U undoes one verdict")
    page.wait_for_function(f"() => document.querySelector('mark.wb-claim')?.dataset.claim === '{labelled[-1][0]}'")
    settled(page)
    assert anas_verdicts(server) == labelled[:2]
    page.wait_for_timeout(200)
    page.keyboard.press("u")  # a deliberate press on the new drawing undoes the next one
    page.wait_for_function(f"() => document.querySelector('mark.wb-claim')?.dataset.claim === '{labelled[1][0]}'")
    settled(page)
    assert anas_verdicts(server) == labelled[:1]
    assert not page.errors


def test_a_note_typed_right_after_a_label_goes_to_the_next_claim_only_and_no_letter_is_a_shortcut(
    page, shared_app_database, serve_database
):
    """N and typing straight after a label: the letters typed before the next claim's own note field
    is drawn are dropped (never U = undo, B = back), the rest go to that field, and the note of the
    claim just labelled stays with it."""
    server = ana_at_her_queue(page, serve_database(shared_app_database), RECORD_DRAWN_CLAIMS)
    first = int(page.locator("mark.wb-claim").get_attribute("data-claim"))
    page.keyboard.press("n")
    page.locator(f".st-key-queue_note_text_{first} textarea").wait_for()
    page.wait_for_function("() => document.activeElement?.tagName === 'TEXTAREA'")
    page.keyboard.type("why")
    page.keyboard.press("Escape")
    page.keyboard.press("2")
    page.keyboard.press("n")
    page.keyboard.type("about the next")
    page.wait_for_function(  # the label applies once the card left with Esc is drawn again
        "(first) => { const mark = document.querySelector('mark.wb-claim');"
        " return mark && mark.dataset.claim !== String(first) && !mark.dataset.ahead; }",
        arg=first,
    )
    settled(page)
    second = int(page.locator("mark.wb-claim").get_attribute("data-claim"))
    typed = page.locator(f".st-key-queue_note_text_{second} textarea").input_value()
    assert "about the next".endswith(typed) and "why" not in typed, typed
    assert anas_verdicts(server) == [(first, "disputed", "why")]
    with server.database.session() as session:
        assert session.scalars(select(VerdictHistory.action)).all() == ["create"]
    assert not page.errors


def overall_progress_text(page) -> str:
    return page.get_by_text("Overall:").first.text_content()


def test_progress_counts_a_verdict_given_in_another_tab(page, shared_app_database, serve_database):
    """Two tabs: a label in tab A, then one in tab B without B redrawing in between; B's overall
    progress counts both (its cached count is recounted when another tab wrote meanwhile)."""
    server = ana_at_her_queue(page, serve_database(shared_app_database), RECORD_DRAWN_CLAIMS)
    tab_b = page.context.new_page()
    tab_b.goto(server.url)
    tab_b.locator("mark.wb-claim").wait_for()
    settled(tab_b)
    tab_b.wait_for_timeout(200)
    tab_b.keyboard.press("s")  # tab B moves on to the next claim
    tab_b.wait_for_function("() => !document.querySelector('mark.wb-claim[data-ahead]')")
    settled(tab_b)
    tab_b.wait_for_timeout(200)
    label_and_wait(page, "1")
    assert "Overall: 1 of" in overall_progress_text(page)
    label_and_wait(tab_b, "2")
    assert len(anas_verdicts(server)) == 2
    assert "Overall: 2 of" in overall_progress_text(tab_b)
    assert not page.errors


def test_a_key_pressed_while_the_server_restarts_never_leaves_the_screen_and_the_database_apart(
    page, shared_app_database, serve_database
):
    """1 pressed while the server is down is dropped with a sign; the server comes back on the same
    port and the page, reconnected, is redrawn whole (the restarted server knows none of its old
    fragments): the claim on screen is the one the database says comes next, never the read-ahead
    of a verdict not saved, and the next press labels it."""
    server = ana_at_her_queue(page, serve_database(shared_app_database), RECORD_DRAWN_CLAIMS)
    first = int(page.locator("mark.wb-claim").get_attribute("data-claim"))
    drawing = page.locator("mark.wb-claim").get_attribute("data-render")
    port = int(server.url.rsplit(":", 1)[1])
    server.stop()
    page.wait_for_function(
        "() => /connecting/i.test(document.querySelector('[data-testid=\"stStatusWidget\"]')?.textContent || '')"
    )
    page.keyboard.press("1")
    assert page.locator("#wb-key-sign").text_content().startswith("Key ignored: no connection to the server")
    restarted = serve_database(shared_app_database, port)
    page.wait_for_function(  # the restarted server's own drawing
        "(before) => { const mark = document.querySelector('mark.wb-claim');"
        " return mark && mark.dataset.render !== before && !mark.dataset.ahead; }",
        arg=drawing,
        timeout=60_000,
    )
    settled(page)

    def labelled() -> list[int]:
        with restarted.database.session() as session:
            query = select(Verdict.claim_id).join(Reviewer).where(Reviewer.name == "ana").order_by(Verdict.id)
            return list(session.scalars(query))

    shown = int(page.locator("mark.wb-claim").get_attribute("data-claim"))
    assert labelled() in ([], [first])
    assert (shown == first) == (labelled() == []), (shown, first, labelled())
    page.keyboard.press("2")
    page.wait_for_function(
        "(before) => { const mark = document.querySelector('mark.wb-claim');"
        " return !mark || (mark.dataset.claim !== String(before) && !mark.dataset.ahead); }",
        arg=shown,
    )
    settled(page)
    assert labelled()[-1] == shown


def test_a_key_pressed_right_after_signing_in_labels_the_claim_on_screen(
    page, shared_app_database, serve_database
):
    """Type the password, press Enter, press 1 the moment the claim shows (its buttons may not be
    mounted yet): that claim gets the verdict."""
    server = serve_database(shared_app_database)
    server.add_account("lena", PASSWORD, "lead")
    server.add_account("ana", PASSWORD)
    page.goto(server.url)
    page.get_by_label("Name", exact=True).fill("ana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.keyboard.press("Enter")
    claim = page.locator("mark.wb-claim")
    claim.wait_for()
    shown = int(claim.get_attribute("data-claim"))
    page.keyboard.press("1")
    page.wait_for_function(  # the server's card of the next claim (not only its read-ahead text)
        "(before) => { const mark = document.querySelector('mark.wb-claim');"
        " return !mark || (mark.dataset.claim !== String(before) && !mark.dataset.ahead); }",
        arg=shown,
    )
    with server.database.session() as session:
        labelled = session.execute(
            select(Verdict.claim_id, Verdict.label).join(Reviewer).where(Reviewer.name == "ana")
        ).all()
    assert [tuple(row) for row in labelled] == [(shown, "supported")]
    assert not page.errors


def test_a_sign_in_lasts_through_reload_new_tab_deep_link_second_process_and_restart(
    browser, shared_app_database, serve_database
):
    first = serve_database(shared_app_database)
    first.add_account("lena", PASSWORD, "lead")
    first.add_account("ana", PASSWORD)
    with first.database.session() as session:
        article = session.scalar(select(Article.id).order_by(Article.id.desc()))
        claim = session.scalar(select(Claim.id).where(Claim.kind == "claim").order_by(Claim.id))
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)

    # A deep link asked for while signed out opens once signed in, with its query.
    page.goto(f"{first.url}/articles?article={article}")
    page.get_by_text("Sign in to open Articles").wait_for()
    sign_in_here(page, "ana")
    assert page.url.endswith(f"/articles?article={article}")
    wait_for_session_cookie(page)
    cookie = next(c for c in context.cookies() if c["name"] == "workbench_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    with first.database.session() as session:
        stored = session.scalars(select(SignInSession.token_hash)).all()
    assert cookie["value"] not in stored and len(stored) == 1, "only the token's hash is stored"

    page.reload()
    page.get_by_text("Signed in as ana").wait_for()
    assert page.url.endswith(f"/articles?article={article}")

    tab = context.new_page()
    tab.goto(f"{first.url}/my_verdicts")
    tab.get_by_text("Signed in as ana").wait_for()
    tab.goto(f"{first.url}/adjudication?claim={claim}")
    tab.get_by_text("This page is not available to your role.").wait_for()
    assert not tab.get_by_text("Page not found").count()

    second = serve_database(shared_app_database)  # another process on the same database
    tab.goto(second.url)
    tab.get_by_text("Signed in as ana").wait_for()
    first.stop()
    restarted = serve_database(shared_app_database)
    tab.goto(f"{restarted.url}/guidelines")
    tab.get_by_text("Signed in as ana").wait_for()

    # Signing out ends the session everywhere: the other tab's next load asks to sign in.
    tab.get_by_role("button", name="Sign out").click()
    tab.get_by_role("button", name="Sign in").wait_for()
    page.goto(second.url)
    page.get_by_role("button", name="Sign in").wait_for()
    with second.database.session() as session:
        assert session.scalar(select(SignInSession.ended_at)) is not None
    context.close()


def test_a_lead_deep_link_opens_after_signing_in_and_ending_sessions_signs_out(
    browser, shared_app_database, serve_database
):
    from workbench.sessions import end_all_sessions

    server = serve_database(shared_app_database)
    server.add_account("lena", PASSWORD, "lead")
    server.add_account("ana", PASSWORD)
    with server.database.session() as session:
        claim = session.scalar(select(Claim.id).where(Claim.kind == "claim").order_by(Claim.id))
    with urllib.request.urlopen(server.url) as answer:  # no other site may frame the app
        assert answer.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert answer.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    with pytest.raises(urllib.error.HTTPError) as refused:  # the cookie route is for the app's page only
        urllib.request.urlopen(urllib.request.Request(f"{server.url}/_workbench/session", data=b"code=x"))
    assert refused.value.code == 403
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server.url}/adjudication?claim={claim}")
    sign_in_here(page, "lena")
    assert page.url.endswith(f"/adjudication?claim={claim}")
    page.get_by_role("heading", name="Adjudication").wait_for()
    wait_for_session_cookie(page)
    with server.database.transaction() as session:
        lena = session.scalar(select(Reviewer.id).where(Reviewer.name == "lena"))
        assert end_all_sessions(session, lena, actor=Actor.operator()) == 1
    page.reload()
    page.get_by_role("button", name="Sign in").wait_for()
    context.close()


def test_every_page_address_opens_or_says_not_available(browser, shared_app_database, serve_database):
    """``/queue`` (the default page's own address) and every other page's address open for a
    reviewer, or answer "not available to your role"; never Streamlit's page-not-found dialog."""
    from workbench.app.page_list import LEAD_PAGES, REVIEW_PAGES

    server = serve_database(shared_app_database)
    server.add_account("lena", PASSWORD, "lead")
    server.add_account("ana", PASSWORD)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server.url}/queue")
    sign_in_here(page, "ana")
    page.get_by_role("heading", name="Review queue").wait_for()
    assert page.url.endswith("/queue")
    for name, title, _ in REVIEW_PAGES:
        page.goto(f"{server.url}/{name}")
        page.get_by_text("Signed in as ana").wait_for()
        settled(page)
        assert not page.get_by_text("Page not found").count(), name
        assert not page.get_by_text("not available to your role").count(), name
    for name, _, _ in LEAD_PAGES:
        page.goto(f"{server.url}/{name}")
        page.get_by_text("This page is not available to your role.").wait_for()
        assert not page.get_by_text("Page not found").count(), name
    context.close()

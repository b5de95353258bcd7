"""Untrusted article text in a real browser: a ``<script>``, an ``<img onerror>`` and a
``javascript:`` link ingested into the database stay text on the Articles, Import and review
pages; nothing runs, no dialog opens, no link or image is made of them."""

from __future__ import annotations

import pytest

from workbench.ingest import Document, ingest_documents

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = '<img src=x onerror="window.__pwned=2">'
LINK = '<a href="javascript:window.__pwned=3">click</a>'
HOSTILE_TEXT = (
    f"The council approved {SCRIPT} the new budget. "
    f"Officials said {IMAGE} the plan works. "
    f"Read {LINK} before the vote. "
    "See [the report](javascript:window.__pwned=4) too."
)
HOSTILE_TITLE = f"{SCRIPT}Council budget"


def settle(page) -> None:
    """Wait until Streamlit has finished the rerun the last action started."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_timeout(300)


def open_in_sidebar(page, title: str) -> None:
    page.locator("[data-testid=stSidebarNav] a", has_text=title).first.click()
    settle(page)


def assert_nothing_ran(page) -> None:
    assert page.evaluate("() => window.__pwned") is None
    assert page.dialogs == [] and page.errors == []
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert page.locator("img[onerror], img[src='x']").count() == 0
    assert page.locator("script", has_text="__pwned").count() == 0


def click_every_hostile_fragment(page, container: str) -> None:
    """Hover and click the would-be link and elements inside ``container``, as a curious reader would."""
    for fragment in ("click</a>", "onerror=", "<script>", "javascript:window.__pwned=4"):
        target = page.locator(container).get_by_text(fragment, exact=False).first
        if target.count():
            target.hover()
            target.click()
            settle(page)


@pytest.fixture
def hostile_server(start_streamlit):
    server = start_streamlit(seeded=False)
    server.add_account("lena", PASSWORD, "lead")
    server.add_account("rita", PASSWORD)
    report = ingest_documents(
        server.database,
        [Document(source="hostile.txt", text=HOSTILE_TEXT, title=HOSTILE_TITLE, url="javascript:window.__pwned=5")],
    )
    assert report.added == 1 and report.claims >= 3, report.messages
    return server


def test_a_lead_sees_hostile_text_as_text_on_the_articles_and_import_pages(hostile_server, page, sign_in):
    sign_in(page, hostile_server, "lena", PASSWORD)
    open_in_sidebar(page, "Articles")
    table = page.locator("[data-testid=stDataFrame]")
    table.wait_for()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 200, box["y"] + 55)  # the first (only) article's row
    page.locator(".wb-article").wait_for()
    settle(page)

    page.get_by_text(SCRIPT, exact=False).first.wait_for()
    assert page.get_by_text(HOSTILE_TITLE).is_visible()
    assert page.get_by_text("URL (not a web link): javascript:window.__pwned=5").is_visible()
    click_every_hostile_fragment(page, ".wb-article")
    page.locator(".wb-article .wb-unit.wb-kind-claim").first.click()  # a click picks the unit to fix
    settle(page)
    page.get_by_role("button", name="Next").click()  # merge it with the next: re-renders the text
    settle(page)
    page.get_by_text(SCRIPT, exact=False).first.wait_for()
    assert_nothing_ran(page)

    open_in_sidebar(page, "Import")
    page.get_by_label("Article text").fill("Pasted again\n\n" + HOSTILE_TEXT)
    page.get_by_label("Title (optional)").fill(IMAGE)
    page.keyboard.press("Tab")
    settle(page)
    page.get_by_role("button", name="Preview").first.click()
    page.locator(".wb-article").wait_for()
    settle(page)
    assert page.locator(".wb-article").get_by_text(SCRIPT, exact=False).first.is_visible()
    click_every_hostile_fragment(page, ".wb-article")
    assert_nothing_ran(page)


def test_a_reviewer_sees_hostile_text_as_text_in_the_queue_and_the_article(hostile_server, page, sign_in):
    sign_in(page, hostile_server, "rita", PASSWORD)
    page.locator("mark.wb-claim").wait_for()  # the review queue opens on the first claim
    assert SCRIPT in page.locator("mark.wb-claim").inner_text()
    page.get_by_text("<script>", exact=False).first.wait_for()
    page.locator("[class*=st-key-label_supported_] button").click()  # review it: the next claim has the image
    page.locator("mark.wb-claim", has_text="onerror=").wait_for()
    click_every_hostile_fragment(page, ".wb-context")
    assert_nothing_ran(page)

    open_in_sidebar(page, "Articles")
    table = page.locator("[data-testid=stDataFrame]")
    table.wait_for()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 200, box["y"] + 55)
    page.locator(".wb-article").wait_for()
    settle(page)
    assert page.get_by_text(SCRIPT, exact=False).first.is_visible()
    assert page.locator(".wb-status-mine").count() == 1, "the claim rita labelled shows as hers"
    click_every_hostile_fragment(page, ".wb-article")
    assert_nothing_ran(page)

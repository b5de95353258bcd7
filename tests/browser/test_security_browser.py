"""Lead pages asked for by URL in a real browser against a fresh ``streamlit run``.

Typing an address reloads the page, which starts a new (signed-out) Streamlit session, so this
is what anyone, reviewer or stranger, gets: the sign-in page, and no list of the app's pages.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
LEAD_PAGE_PATHS = ["team", "export", "adjudication", "agreement", "import_articles"]


def settle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_timeout(300)


def test_the_first_visitor_asking_for_a_lead_page_gets_the_sign_in_page(streamlit_server, page) -> None:
    streamlit_server.add_account("lena", PASSWORD, "lead")
    page.goto(f"{streamlit_server.url}/team")
    page.get_by_label("Name", exact=True).wait_for()  # the visitor is asked to sign in
    settle(page)
    body = page.inner_text("body")
    assert "Only a lead" not in body, "the lead page ran for a signed-out visitor"
    for path in LEAD_PAGE_PATHS:
        assert page.locator(f"a[href$='/{path}']").count() == 0, f"/{path} is listed to a signed-out visitor"

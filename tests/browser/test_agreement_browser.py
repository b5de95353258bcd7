"""Headless chromium against a real ``streamlit run``: the Agreement page, its link into
adjudication, a final verdict and a bulk acceptance, as a lead would do them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import UNANIMOUS, ReviewedNewsroom
from serving import StreamlitServer, launch, sign_in_with_keyboard
from sqlalchemy import select

from workbench.access import Actor
from workbench.auth import set_password
from workbench.db import Database
from workbench.models import FinalVerdict

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[StreamlitServer, ReviewedNewsroom]]:
    """A running workbench over the adjudication newsroom, the lead Lena with a password."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    database = Database(url)
    database.upgrade()
    newsroom = ReviewedNewsroom(database)
    with database.transaction() as session:
        set_password(session, newsroom.lead.id, PASSWORD, actor=Actor.operator())
    running = launch(url, tmp_path / "streamlit.log")
    newsroom.db = running.database
    database.dispose()
    yield running, newsroom
    running.stop()


def finals(newsroom: ReviewedNewsroom) -> dict[int, str]:
    with newsroom.db.session() as session:
        return dict(session.execute(select(FinalVerdict.claim_id, FinalVerdict.label)).all())


def test_agreement_page_into_adjudication_and_bulk_acceptance(server, page):
    running, newsroom = server
    sign_in_with_keyboard(page, running, "Lena", PASSWORD)

    page.get_by_role("link", name="Agreement").click()
    page.get_by_text("Krippendorff's alpha").wait_for()
    page.get_by_text("Unreliable").wait_for()
    page.locator(".vega-embed").first.wait_for()
    assert page.locator(".vega-embed").count() >= 1
    page.get_by_text("Disputed claims (3)").wait_for()

    page.get_by_role("link", name="Adjudicate").first.click()
    page.wait_for_url(f"**/adjudication?claim={newsroom.claims[5]}")
    page.locator("mark", has_text="Its stadium holds 40,000 fans.").first.wait_for()
    page.get_by_text("Editorial framing", exact=True).last.click()
    page.get_by_role("textbox", name="Rationale").fill("The capacity is a matter of record; the framing is the issue.")
    page.get_by_role("button", name="Record final verdict").click()
    page.wait_for_url(f"**/adjudication?claim={newsroom.claims[1]}")
    assert finals(newsroom) == {newsroom.claims[5]: "editorial_framing"}

    page.get_by_text("Make the agreed label final on 4 unanimous claims").click()
    page.get_by_role("button", name="Accept unanimous").click()
    page.get_by_text("Accepted 4 unanimous claims as final.").wait_for()
    expected = {newsroom.claims[index]: label for index, label in UNANIMOUS.items()}
    assert finals(newsroom) == {newsroom.claims[5]: "editorial_framing", **expected}
    assert page.errors == []

"""A lead's first run in a real browser: every empty page points to Import, the import page's
"New collection…" needs no rare glyph, and the uploader is empty after an import. One server for the module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from serving import StreamlitServer, launch, sign_in_with_keyboard
from sqlalchemy import select

from workbench.models import Article

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
ARTICLE = "Harbour news\n\nThe port handled 5 million tons in 2023. The mayor said 12 new cranes arrived.\n"
EMPTY_PAGES = ("", "articles", "agreement", "adjudication")  # "" is the review queue


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    folder = tmp_path_factory.mktemp("first-run")
    running = launch(f"sqlite:///{folder / 'app.db'}", folder / "streamlit.log")
    running.database.upgrade()
    running.add_account("lena", PASSWORD, "lead")
    yield running
    running.stop()


def settled(page) -> None:
    page.wait_for_timeout(200)
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stStatusWidget"], [data-stale="true"]\')'
    )


def shows_next_step(page, server: StreamlitServer, path: str, step: str) -> None:
    """The page at ``path`` links (in its body, not the menu) to the page titled ``step``."""
    page.goto(f"{server.url}/{path}")
    page.get_by_text("Signed in as").first.wait_for()
    link = page.locator('[data-testid="stMain"] [data-testid="stPageLink"] a', has_text=step)
    link.first.wait_for()
    settled(page)
    page.screenshot(path=str(server.log_path.parent / f"empty-{path or 'queue'}-{step[:6]}.png"))


def test_empty_states_point_to_import_then_to_reviewers_and_the_uploader_empties(first_run, page, tmp_path):
    server = first_run
    sign_in_with_keyboard(page, server, "lena", PASSWORD)
    for path in EMPTY_PAGES:
        shows_next_step(page, server, path, "Import articles")

    page.goto(f"{server.url}/import_articles")
    page.get_by_text("Signed in as").first.wait_for()
    settled(page)
    assert "\uff0b" not in page.content()
    page.get_by_label("Into collection").click()
    option = page.get_by_role("option", name="New collection…")
    option.wait_for()
    assert option.inner_text().strip() == "New collection…"
    page.keyboard.press("Escape")

    upload = tmp_path / "harbour.txt"
    upload.write_text(ARTICLE, encoding="utf-8")
    page.get_by_role("tab", name="Upload files").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.locator('[data-testid="stFileChip"]').wait_for()
    settled(page)
    page.locator(".st-key-import_preview_files button").click()
    page.locator(".st-key-import_commit button").wait_for()
    settled(page)
    page.locator(".st-key-import_commit button").click()
    page.get_by_text("1 article added").first.wait_for()
    settled(page)
    page.screenshot(path=str(server.log_path.parent / "imported.png"), full_page=True)
    assert page.locator('[data-testid="stFileChip"]').count() == 0
    assert page.locator(".st-key-import_preview_files button").is_disabled()

    assert page.errors == []


def test_a_reload_pressed_with_import_still_says_what_was_imported(first_run, page):
    """The reload closes the tab's session while the import runs; the reloaded page (or, if it
    drew before the import finished, the next one) shows the report, once."""
    server = first_run
    sign_in_with_keyboard(page, server, "lena", PASSWORD)
    page.goto(f"{server.url}/import_articles")
    page.get_by_text("Signed in as").first.wait_for()
    settled(page)
    page.locator(".st-key-import_text textarea").fill(ARTICLE.replace("Harbour", "Reload"))
    page.locator(".st-key-import_preview_paste button").click()
    page.locator(".st-key-import_commit button").wait_for()
    settled(page)
    page.locator(".st-key-import_commit button").click()
    page.reload()
    shown = 0
    for _reload in range(4):
        page.get_by_text("Signed in as").first.wait_for()
        settled(page)
        if page.get_by_text("1 article added").count():
            shown += 1
            break
        page.reload()
    with server.database.session() as session:
        titles = session.scalars(select(Article.title)).all()
    assert "Reload news" in titles and shown == 1
    page.reload()
    page.get_by_text("Signed in as").first.wait_for()
    settled(page)
    assert page.get_by_text("1 article added").count() == 0, "shown once"

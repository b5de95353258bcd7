"""The newcomer list of issue 9 in a real browser: colours, contrast, the heatmap, adjudication keys,
clicking a unit to fix it, the import uploader, the articles list, the queue's status line, the claim
card with a very long paragraph and the empty states. One server per fixture module keeps it quick."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from builders import ReviewedNewsroom
from serving import StreamlitServer, launch, sign_in_with_keyboard
from sqlalchemy import select

from workbench.access import Actor
from workbench.assignment import assign
from workbench.auth import create_reviewer, set_password
from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.models import Article, Claim, Collection, FinalVerdict

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
HARBOUR_TITLE = "Harbour report"
LONG_PARAGRAPH = " ".join(
    f"In week {week} the harbour moved {week * 1000 + 250} tons of grain to {week + 2} ports." for week in range(1, 61)
)
HARBOUR = f"The port handled 5 million tons in 2023.\n\n{LONG_PARAGRAPH}\n\nThe mayor said 12 new cranes arrived."
COLOURS = {
    "supported": "rgb(39, 103, 73)",
    "disputed": "rgb(197, 48, 48)",
    "editorial_framing": "rgb(107, 70, 193)",
}
CALM_SELECTION = "rgb(232, 241, 251)"

CONTRAST = """(element) => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  let back = element, background = null;
  while (back) {
    const colour = getComputedStyle(back).backgroundColor;
    const parts = rgb(colour);
    if (parts.length < 4 || parts[3] > 0) { background = parts.slice(0, 3); break; }
    back = back.parentElement;
  }
  background = background || [255, 255, 255];
  const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(background)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@dataclass
class Newsdesk:
    server: StreamlitServer
    newsroom: ReviewedNewsroom
    harbour_id: int


def is_reddish(colour: str) -> bool:
    red, green, blue = (int(part) for part in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3])
    return red > 150 and red > 2 * green and red > 2 * blue


def background(locator) -> str:
    return locator.evaluate("(element) => getComputedStyle(element).backgroundColor")


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def overlap(first: dict, second: dict) -> bool:
    return not (
        first["x"] + first["width"] <= second["x"]
        or second["x"] + second["width"] <= first["x"]
        or first["y"] + first["height"] <= second["y"]
        or second["y"] + second["height"] <= first["y"]
    )


def settled(page) -> None:
    page.wait_for_timeout(200)
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stStatusWidget"], [data-stale="true"]\')'
    )


def open_page(page, server: StreamlitServer, path: str) -> None:
    page.goto(f"{server.url}/{path}")
    page.get_by_text("Signed in as").first.wait_for()
    settled(page)


@pytest.fixture(scope="module")
def newsdesk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Newsdesk]:
    """The adjudication newsroom (lead Lena) plus a harbour article with a very long paragraph,
    assigned to the reviewer Rita; one server for the whole module."""
    folder = tmp_path_factory.mktemp("newcomer")
    url = f"sqlite:///{folder / 'app.db'}"
    database = Database(url)
    database.upgrade()
    newsroom = ReviewedNewsroom(database)
    ingest_documents(database, [Document(source="harbour.txt", text=HARBOUR, title=HARBOUR_TITLE)], "Harbour")
    with database.transaction() as session:
        set_password(session, newsroom.lead.id, PASSWORD, actor=Actor.operator())
        rita = create_reviewer(session, "Rita", PASSWORD, actor=Actor.operator())
        harbour = session.scalar(select(Collection.id).where(Collection.name == "Harbour"))
        assign(session, harbour, [rita.id], actor=newsroom.lead)
        harbour_id = session.scalar(select(Article.id).where(Article.title == HARBOUR_TITLE))
    database.dispose()
    running = launch(url, folder / "streamlit.log")
    newsroom.db = running.database
    yield Newsdesk(running, newsroom, harbour_id)
    running.stop()


def test_adjudication_colours_keys_and_controls_in_view(newsdesk: Newsdesk, page):
    server, newsroom = newsdesk.server, newsdesk.newsroom
    page.set_viewport_size({"width": 1400, "height": 640})
    sign_in_with_keyboard(page, server, "Lena", PASSWORD)
    open_page(page, server, "adjudication")
    page.get_by_text("Record final verdict").wait_for()
    first = newsroom.claims[1]
    assert page.url.endswith(f"claim={first}") or "claim=" not in page.url

    # the vote split is shown on each case in the list, not only in a tooltip
    queue = page.locator(".st-key-adjudication_queue")
    assert queue.locator(".wb-votes").count() == 3
    assert queue.locator(".wb-vote").first.inner_text().strip()[0].isdigit()
    # the selected case is calm, not the alarm red of an error
    selected = queue.locator('button[kind="primary"]')
    assert {button.inner_text() for button in selected.all()} == {"Unemployment fell last year."}
    assert {background(button) for button in selected.all()} == {CALM_SELECTION}

    # 1/2/3 choose a label, each filled with its own colour
    seen = {}
    for key, label in zip("123", COLOURS, strict=True):
        page.keyboard.press(key)
        chosen = page.locator(f'.st-key-adjudication_choose_{label} button[kind="primary"]')
        chosen.wait_for()
        settled(page)
        seen[label] = background(chosen)
    assert seen == COLOURS
    assert not is_reddish(seen["editorial_framing"]) and not is_reddish(seen["supported"])

    # J and K move between cases
    page.keyboard.press("j")
    page.wait_for_url(f"**/adjudication?claim={newsroom.claims[2]}")
    settled(page)
    page.keyboard.press("k")
    page.wait_for_url(f"**/adjudication?claim={first}")
    settled(page)

    # the decision controls stay in view when the page scrolls
    page.mouse.move(550, 500)
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(server.log_path.parent / "adjudication-scrolled.png"))
    record = page.get_by_role("button", name="Record final verdict")
    assert in_viewport(page, record), record.bounding_box()
    assert in_viewport(page, page.locator(".st-key-adjudication_choose_supported button"))

    # 3 then F records the final verdict and moves on
    page.keyboard.press("3")
    page.locator('.st-key-adjudication_choose_editorial_framing button[kind="primary"]').wait_for()
    settled(page)
    page.get_by_role("textbox", name="Rationale").fill("The figures are right; the framing is the issue.")
    page.keyboard.press("Escape")
    page.keyboard.press("f")
    page.wait_for_url(f"**/adjudication?claim={newsroom.claims[2]}")
    with newsroom.db.session() as session:
        finals = dict(session.execute(select(FinalVerdict.claim_id, FinalVerdict.label)).all())
    assert finals == {first: "editorial_framing"}
    page.screenshot(path=str(server.log_path.parent / "adjudication.png"))
    assert page.errors == []


def test_heatmap_rows_are_tall_and_every_label_is_shown(newsdesk: Newsdesk, page):
    server = newsdesk.server
    sign_in_with_keyboard(page, server, "Lena", PASSWORD)
    open_page(page, server, "agreement")
    page.get_by_role("tab", name="Label confusion").click()
    caption = page.get_by_text("Pairs of verdicts by two reviewers on the same claim")
    caption.wait_for()
    chart = page.locator('[data-testid="stVegaLiteChart"]:visible').last
    chart.locator("canvas, svg").first.wait_for()
    chart.scroll_into_view_if_needed()
    settled(page)
    page.screenshot(path=str(server.log_path.parent / "agreement.png"), full_page=True)
    labels = chart.evaluate(
        """(element) => {
          const texts = [...element.querySelectorAll('svg text')].map((text) => text.textContent);
          return texts;
        }"""
    )
    height = chart.locator("canvas, svg").first.bounding_box()["height"]
    assert height >= 3 * 40, f"the heatmap is squashed: {height} px for three rows"
    if labels:  # an SVG rendering: check the row labels themselves
        for title in ("Supported", "Disputed", "Editorial framing"):
            assert title in labels
    assert page.errors == []


def test_articles_list_and_clicking_a_unit_picks_it_for_the_fix_panel(newsdesk: Newsdesk, page):
    server = newsdesk.server
    sign_in_with_keyboard(page, server, "Lena", PASSWORD)
    open_page(page, server, "articles")
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.wait_for()
    settled(page)
    page.screenshot(path=str(server.log_path.parent / "articles-list.png"))
    rows = grid.locator("table tbody tr")
    rows.first.wait_for(state="attached")
    table = [[cell.text_content() or "" for cell in row.locator("td").all()] for row in rows.all()]
    headers = [cell.text_content() or "" for cell in grid.locator("table thead th").all()]
    assert table and headers
    assert not any(cell.strip() == "None" for row in table for cell in row), table
    column = {name: index for index, name in enumerate(headers)}
    for row in table:
        claims, done = int(row[column["Claims"]]), int(row[column["Claims done"]])
        status = row[column["Status"]]
        if done == claims:
            assert status != "Not started", row
        if row[column["Verdicts"]] == "0":
            assert done == 0 and status == "Not started", row
    harbour = next(row for row in table if row[column["Title"]] == HARBOUR_TITLE)
    assert harbour[column["Published"]] == ""

    # a filter goes into the address, so a reload (or the address sent to a colleague) keeps it
    search = page.get_by_role("textbox", name="Search")
    search.fill("harbour")
    search.press("Enter")
    page.wait_for_url("**search=harbour**")
    page.reload()
    search.wait_for()
    settled(page)
    assert search.input_value() == "harbour"
    grid.locator("table tbody tr").first.wait_for(state="attached")
    titles = [cell.text_content() for cell in grid.locator("table tbody tr td:nth-child(1)").all()]
    assert titles and all("harbour" in (title or "").lower() for title in titles), titles

    # a unit clicked in the text (far down the long article) is the one the fix panel acts on
    open_page(page, server, f"articles?article={newsdesk.harbour_id}")
    unit = page.locator(".wb-pickable .wb-unit", has_text="In week 58 the harbour moved").first
    unit.scroll_into_view_if_needed()
    unit.click()
    editor = page.locator(".st-key-articles_editor")
    editor.get_by_text("In week 58 the harbour moved", exact=False).first.wait_for()
    settled(page)
    assert in_viewport(page, editor.get_by_text("Fix the extraction").first) or editor.bounding_box()["y"] < 200
    box = editor.bounding_box()
    assert box["y"] >= 0 and box["y"] < page.viewport_size["height"] / 2
    page.screenshot(path=str(server.log_path.parent / "article-pick.png"))
    assert page.errors == []


def test_queue_contrast_status_line_and_long_paragraph(newsdesk: Newsdesk, page):
    server = newsdesk.server
    sign_in_with_keyboard(page, server, "Rita", PASSWORD)
    page.locator("mark.wb-claim").wait_for()
    settled(page)
    page.locator('[data-testid="stSelectbox"]', has_text="Article").locator("input").click()
    page.get_by_role("option", name=HARBOUR_TITLE).click()
    page.locator("mark.wb-claim", has_text="The port handled").wait_for()
    settled(page)
    page.locator("mark.wb-claim").click()  # leave the filter, so the key labels the claim
    # "Saved" shows where it covers nothing: not over the Article filter
    page.keyboard.press("1")
    status = page.locator(".st-key-queue_status").get_by_text("Saved")
    status.wait_for()
    article_filter = page.locator('[data-testid="stSelectbox"]', has_text="Article")
    assert not overlap(status.bounding_box(), article_filter.bounding_box())
    settled(page)
    # the next claim sits in a very long paragraph: the verdict controls and note stay in view
    page.locator("mark.wb-claim", has_text="In week 1 ").wait_for()
    settled(page)
    page.screenshot(path=str(server.log_path.parent / "queue-long.png"))
    # neighbouring sentences and the paragraph meet WCAG AA contrast
    neighbours = page.locator(".st-key-queue_claim .wb-neighbour")
    assert neighbours.count() >= 1
    for element in [*neighbours.all(), page.locator(".st-key-queue_claim .wb-context").first]:
        assert element.evaluate(CONTRAST) >= 4.5
    for control in (
        page.locator('[class*="st-key-label_supported_"] button'),
        page.locator('[class*="st-key-label_editorial_framing_"] button'),
        page.locator(".st-key-queue_note textarea, .st-key-queue_note input").first,
    ):
        assert in_viewport(page, control)
    assert in_viewport(page, page.locator("mark.wb-claim"))
    with server.database.session() as session:
        assert session.scalar(select(Claim.id).where(Claim.text.like("The port handled%"))) is not None
    assert page.errors == []


def test_a_message_above_the_tabs_keeps_the_open_tab_open(newsdesk: Newsdesk, page):
    server = newsdesk.server
    sign_in_with_keyboard(page, server, "Lena", PASSWORD)
    open_page(page, server, "team")
    page.get_by_role("tab", name="Assignments").click()
    page.get_by_role("button", name="Train model").first.click()  # too few verdicts: an error above the tabs
    page.get_by_text("Too few verdicts").wait_for()
    settled(page)
    assert page.locator('[role="tab"][aria-selected="true"]').all_inner_texts() == ["Assignments"]
    page.get_by_role("button", name="Train model").first.wait_for(state="visible")  # drawn again within the open tab

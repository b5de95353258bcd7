"""All the markup the workbench builds: escaping of untrusted text, links, the article HTML and
the style sheet. No Streamlit here, so the core and tests can use it; pages draw what it returns.

Untrusted text enters markup only through :func:`escape_html` (text shown where Markdown is read
too) or :func:`escape_plain` (text and quoted attribute values of HTML drawn as-is); a URL becomes
a link only through :func:`safe_link`, which allows http(s) alone.

Performance: every function is linear in the text it is given; nothing reads the database.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from workbench import LABEL_TITLES
from workbench.articles import ArticleView, UnitView
from workbench.links import host_of, web_link
from workbench.match_text import differing_words, normalise
from workbench.matching import MatchRow
from workbench.review import ClaimContext
from workbench.vocabulary import (
    KIND_TITLES,
    LEAD_STATUSES,
    NOT_A_CLAIM,
    REVIEWER_STATUSES,
    ClaimKind,
    MatchStatus,
    MatchTier,
    counted,
)

if TYPE_CHECKING:  # the import preview's modules split text (spaCy): only the Import page needs them
    from workbench.import_preview import DocumentPreview

STYLE_SHEET = Path(__file__).parent / "app" / "style.css"
"""The app's style sheet, applied once on every page (it must hold no tag-like text: see tests/test_style.py)."""
_MARKUP_CHARS = "&<>\"'[]()*_`$\\~|!#:{}"
_HTML_ESCAPES = {ord(char): f"&#{ord(char)};" for char in _MARKUP_CHARS} | {ord("\n"): "<br>"}
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


# --- escaping -------------------------------------------------------------------------------------


def escape_plain(text: str) -> str:
    """Untrusted text made safe as HTML text or a quoted attribute value (for HTML drawn as-is)."""
    return html.escape(text, quote=True)


def escape_html(text: str) -> str:
    """Untrusted text made safe inside HTML we build: entities for markup, line breaks kept.

    Markdown and LaTeX markers are escaped too, so the text can never turn into a link, image or formula.
    """
    return text.replace("\r\n", "\n").translate(_HTML_ESCAPES)


def markdown_escape(text: str) -> str:
    """``text`` made literal for Streamlit labels, captions and alerts, which read Markdown; lines are kept."""
    lines = (MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(line.split())) for line in text.splitlines())
    return "  \n".join(line for line in lines if line)


def safe_link(url: str | None, label: str) -> str:
    """An ``<a>`` for an http(s) URL (escaped, opening in a new tab); other schemes become plain text."""
    link = web_link(url)
    if link:
        return (
            f'<a href="{escape_plain(link)}" target="_blank" rel="noopener noreferrer nofollow">'
            f"{escape_html(label)}</a>"
        )
    return escape_html(label)


# --- short text -----------------------------------------------------------------------------------


def source_label(source: str) -> str:
    """A short name for where an article came from: a URL's host, or a path's file name."""
    if "://" in source:
        return host_of(source)
    return source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or source


def snippet(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis, at a word's end when one
    is in the last third (``Kim Kardashian reportedly declined an…``, not ``… Spanish-fou…``)."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ", (limit * 2) // 3)
    return (cut[:space] if space > 0 else cut).rstrip(" ,;:") + "…"


# --- articles -------------------------------------------------------------------------------------


KIND_COLOURS: dict[str, str] = {
    "claim": "#1f6feb",
    "title": "#6e40c9",
    "heading": "#8250df",
    "metadata": "#6e7781",
    "boilerplate": "#afb8c1",
    "embed": "#bf8700",
}
"""Border colour per kind of unit."""

LABEL_COLOURS: dict[str, str] = {"supported": "#276749", "disputed": "#c53030", "editorial_framing": "#6b46c1"}
"""Each verdict label's colour, as the style sheet's ``--wb-supported`` … (tests/test_style.py), for charts."""

STATUS_COLOURS: dict[str, str] = {
    "unreviewed": "#f6f8fa",
    "partial": "#fff8c5",
    "agreed": "#dafbe1",
    "disagreed": "#ffebe9",
    "final": "#ddf4ff",
    "todo": "#f6f8fa",
    "mine": "#dafbe1",
    NOT_A_CLAIM: "transparent",
}
"""Background colour per status."""

ARTICLE_CSS = """
<style>
.wb-article { font-size: 1.02rem; line-height: 1.9; max-width: 52rem; }
.wb-article p { margin: 0 0 0.9rem 0; }
.wb-unit { border-left: 3px solid; border-radius: 3px; padding: 0.05rem 0.3rem; margin-right: 0.15rem;
  box-decoration-break: clone; -webkit-box-decoration-break: clone; }
.wb-unit sup { font-size: 0.65rem; color: #57606a; margin-right: 0.25rem; font-variant-numeric: tabular-nums; }
.wb-kind-title { font-size: 1.25rem; font-weight: 600; }
.wb-kind-heading { font-weight: 600; }
.wb-kind-metadata, .wb-kind-boilerplate, .wb-kind-embed { color: #57606a; font-size: 0.9rem; }
.wb-kind-boilerplate { font-style: italic; }
.wb-selected { outline: 2px solid #1c5d99; outline-offset: 1px; }
.wb-tag { font-size: 0.7rem; text-transform: uppercase; letter-spacing: 0.04em; color: #57606a; margin-left: 0.3rem; }
.wb-legend { display: flex; flex-wrap: wrap; gap: 0.35rem 0.9rem; font-size: 0.8rem; margin: 0.2rem 0 0.8rem 0; color: #24292f; }
.wb-legend span.wb-swatch { display: inline-block; width: 0.9rem; height: 0.9rem; border-radius: 3px;
  vertical-align: -0.15rem; margin-right: 0.3rem; border: 1px solid #d0d7de; }
.wb-legend span.wb-bar { display: inline-block; width: 0.25rem; height: 0.9rem; vertical-align: -0.15rem; margin-right: 0.3rem; }
.wb-legend b { font-weight: 600; margin-right: 0.2rem; }
</style>
"""


QUOTE_STYLE = "box-shadow:inset 0 -2px 0 #3b82f6"
"""How a direct quote is marked inside a claim (the queue's card, the article view): a blue underline,
which leaves the claim's own mark and status colour visible."""


def text_with_quote_html(text: str, quote: tuple[int, int, str | None] | None, escape=escape_plain) -> str:
    """A claim's text escaped, its direct quote (triage: start, end, speaker) marked, with the
    speaker as the mark's tooltip."""
    if quote is None:
        return escape(text)
    start, end, speaker = quote
    tooltip = f' title="Quote: {escape_plain(speaker)}"' if speaker else ' title="Quote"'
    marked = f'<span class="wb-triage-quote" style="{QUOTE_STYLE}"{tooltip}>{escape(text[start:end])}</span>'
    return f"{escape(text[:start])}{marked}{escape(text[end:])}"


def unit_tooltip(unit: UnitView, lead_view: bool) -> str:
    """What hovering a unit tells: number, kind, status and (for leads) the labels given."""
    parts = [f"#{unit.position + 1}", KIND_TITLES.get(unit.kind, unit.kind)]
    if unit.is_claim:
        statuses = LEAD_STATUSES if lead_view else REVIEWER_STATUSES
        parts.append(statuses.get(unit.status, unit.status))
        if lead_view and unit.label_counts:
            parts.append(", ".join(f"{LABEL_TITLES[label]} {count}" for label, count in unit.label_counts))
        if lead_view and unit.final_label:
            parts.append(f"final: {LABEL_TITLES[unit.final_label]}")
        if not lead_view and unit.my_label:
            parts.append(f"you: {LABEL_TITLES[unit.my_label]}")
    elif unit.verdicts:
        parts.append(f"{counted(unit.verdicts, 'verdict')} kept, not counted")
    return " · ".join(parts)


def unit_html(unit: UnitView, lead_view: bool, selected: bool = False) -> str:
    """One unit as a coloured span; its text is escaped before any markup is added."""
    classes = f"wb-unit wb-kind-{unit.kind} wb-status-{unit.status}" + (" wb-selected" if selected else "")
    style = (
        f"border-color: {KIND_COLOURS.get(unit.kind, '#6e7781')}; "
        f"background: {STATUS_COLOURS.get(unit.status, 'transparent')};"
    )
    tag = "" if unit.is_claim else f'<span class="wb-tag">{escape_plain(KIND_TITLES.get(unit.kind, unit.kind))}</span>'
    return (
        f'<span class="{classes} wb-u-{unit.id}" style="{style}" '
        f'title="{escape_plain(unit_tooltip(unit, lead_view))}">'
        f"<sup>{unit.position + 1}</sup>{text_with_quote_html(unit.text, unit.quote)}{tag}</span>"
    )


def article_html(view: ArticleView, selected_id: int | None = None) -> str:
    """The whole article as escaped HTML: units grouped into paragraphs, coloured by kind and status."""
    paragraphs: list[list[str]] = []
    last_paragraph: int | None = None
    for unit in view.units:
        if unit.paragraph != last_paragraph or not paragraphs:
            paragraphs.append([])
            last_paragraph = unit.paragraph
        paragraphs[-1].append(unit_html(unit, view.lead_view, unit.id == selected_id))
    body = "".join(f"<p>{' '.join(spans)}</p>" for spans in paragraphs) or "<p><em>This article has no units.</em></p>"
    return f'{ARTICLE_CSS}<div class="wb-article">{body}</div>'


def legend_html(lead_view: bool, with_status: bool = True) -> str:
    """The colour legend: kinds as border colours and (``with_status``) statuses as backgrounds."""
    statuses = LEAD_STATUSES if lead_view else REVIEWER_STATUSES
    kinds = "".join(
        f'<span><span class="wb-bar" style="background: {KIND_COLOURS[kind]}"></span>{escape_plain(title)}</span>'
        for kind, title in KIND_TITLES.items()
    )
    backgrounds = "".join(
        f'<span><span class="wb-swatch" style="background: {STATUS_COLOURS[status]}"></span>{escape_plain(title)}</span>'
        for status, title in statuses.items()
    )
    legend = f'{ARTICLE_CSS}<div class="wb-legend"><b>Kind (left bar):</b>{kinds}</div>'
    if with_status:
        legend += f'<div class="wb-legend"><b>Claim status (background):</b>{backgrounds}</div>'
    return legend


def header_html(view: ArticleView) -> str:
    """The article's title and facts as escaped HTML; the URL is a link only if it is http(s)."""
    facts = [escape_plain(view.source)] if view.source else []
    facts.append(f"collection {escape_plain(view.collection)}")
    if view.published:
        facts.append(view.published.isoformat())
    link = web_link(view.url)
    if link:
        facts.append(safe_link(link, host_of(link)))
    elif view.url:
        facts.append(f"URL (not a web link): {escape_plain(view.url)}")
    title = escape_plain(view.title) if view.title.strip() else "<em>Untitled article</em>"
    return (
        '<div class="wb-header"><h2 style="margin: 0 0 0.2rem 0; font-weight: 650;">'
        f"{title}</h2>"
        f'<div style="color: #57606a; font-size: 0.9rem;">{" · ".join(facts)}</div></div>'
    )


def preview_html(preview: DocumentPreview) -> str:
    """A preview's units as escaped HTML, coloured by kind like the article view."""
    units = tuple(
        UnitView(
            id=index, position=index, text=unit.text, start=0, end=0, kind=unit.kind,
            paragraph=unit.paragraph, version=1,
            status="unreviewed" if unit.kind == ClaimKind.CLAIM else NOT_A_CLAIM, verdicts=0,
        )
        for index, unit in enumerate(preview.units)
    )
    view = ArticleView(
        id=0, title=preview.title, source=preview.source, url=preview.url, published=preview.published,
        collection_id=0, collection="", needed=1, lead_view=True, units=units,
    )
    return article_html(view)


def marked_words(text: str, differing: set[str]) -> str:
    """``text`` as safe HTML with the words in ``differing`` (normalised) inside ``<mark>``."""
    parts = []
    for piece in re.split(r"(\w+)", text):
        escaped = escape_html(piece)
        word = normalise(piece) if piece.strip() else ""
        parts.append(f"<mark>{escaped}</mark>" if word and word in differing else escaped)
    return "".join(parts)


def match_html(row: MatchRow) -> str:
    """A match as one block: tier, score and decision, what differs, the two texts side by side
    with the words found in only one of them marked."""
    only_a, only_b = differing_words(row.text_a, row.text_b)
    tier = "Same claim" if row.tier == MatchTier.LINKED else "Possibly the same claim"
    status = "" if row.status == MatchStatus.SUGGESTED else f" · {row.status} by {escape_html(row.decided_by or 'someone')}"
    differs = (
        f'<div class="wb-match-differs">Differs: {escape_html("; ".join(row.reasons))}</div>' if row.reasons else ""
    )
    sides = "".join(
        f'<div><div class="wb-small">{escape_html(title)}</div><div>{marked_words(text, only)}</div></div>'
        for title, text, only in ((row.title_a, row.text_a, only_a), (row.title_b, row.text_b, only_b))
    )
    return (
        f'<div class="wb-match"><div><b>{tier}</b> · score {row.score:.2f}{status}</div>'
        f'{differs}<div class="wb-match-pair">{sides}</div></div>'
    )


# --- the review queue's claim card ------------------------------------------------------------------

QUEUE_CONTEXT_MAX_HEIGHT = "min(42vh, 22rem)"
"""The article text scrolls inside this height (the claim kept in view), so the controls stay on screen."""


def claim_in_article_html(context: ClaimContext, render: int | str) -> str:
    """The claim marked in its paragraph, with the article's title, collection, source and date.

    ``render`` tells one drawing of the card from the next (the page's key script reads it)."""
    e = escape_html
    meta = [f'<span class="wb-chip">{e(context.collection_name)}</span>']
    if context.source:
        meta.append(f"<span>{safe_link(context.url, context.source)}</span>")
    if context.published:
        meta.append(f"<span>{context.published:%d %b %Y}</span>")
    parts = [
        f'<div class="wb-article-title">{e(context.title or "Untitled article")}</div>',
        f'<div class="wb-meta">{"".join(meta)}</div>',
        f'<div class="wb-context" style="max-height:{QUEUE_CONTEXT_MAX_HEIGHT};overflow-y:auto">',
    ]
    if context.previous_unit:
        parts.append(f'<div class="wb-neighbour">{e(context.previous_unit)}</div>')
    before = ("… " if context.paragraph_truncated_before else "") + context.paragraph_before
    after = context.paragraph_after + (" …" if context.paragraph_truncated_after else "")
    parts.append(
        f'<div class="wb-paragraph">{e(before)} <mark class="wb-claim" data-claim="{context.claim_id}" '
        f'data-version="{context.version}" data-render="{render}">{text_with_quote_html(context.claim_text, context.quote, e)}</mark> {e(after)}</div>'
    )
    if context.next_unit:
        parts.append(f'<div class="wb-neighbour">{e(context.next_unit)}</div>')
    parts.append("</div>")
    return "".join(parts)


def claim_card_html(context: ClaimContext, render: int, ahead: ClaimContext | None = None) -> str:
    """The queue's claim in its article, and, read ahead, the claim that comes after it.

    The next claim's markup travels as an attribute of a hidden element (so it adds nothing to the
    page); the page's key script shows it the moment a label key is pressed, while the server saves.
    """
    card = f'<div class="wb-card">{claim_in_article_html(context, render)}</div>'
    if ahead is None:
        return card
    markup = claim_in_article_html(ahead, f"{render}-ahead")
    return card + (
        f'<div class="wb-ahead" hidden data-after="{context.claim_id}" data-claim="{ahead.claim_id}" '
        f'data-html="{escape_plain(markup)}"></div>'
    )

"""Markdown to the plain text the workbench splits into claims, parsed by ``markdown-it-py``.

CommonMark with tables and footnotes (``mdit-py-plugins``). Each block becomes a paragraph of
its own (a blank line apart): headings keep ``#`` marks for their level (the extractor sets them
aside as the title and headings; setext ``===`` underlines become ``#`` too), list items and
quoted paragraphs lose their bullets and ``>``, table rows are written ``| a | b |`` (the
extractor sets them aside), and code blocks, footnote definitions, link reference definitions
and images go. Inline, links keep their text, emphasis and escapes are resolved, a soft line
break is a space (a sentence wrapped over lines stays one sentence), ``<br>`` is a line break and
block tags such as ``<p>`` a blank line. ``<script>``/``<style>`` elements and HTML comments are
removed first, in one pass each.

Linear in the size of the text (markdown-it's own guarantees; hostile inputs of a million
characters in ``benchmarks/bench_adversarial.py``).
"""

from __future__ import annotations

import html
import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

_HIDDEN_ELEMENT = re.compile(r"<(?P<name>script|style)\b[^<>\n]{0,1000}>", re.IGNORECASE)
_TAG = re.compile(r"</?(?P<name>[A-Za-z][A-Za-z0-9-]{0,30})(?:\s[^<>\n]{0,1000})?/?>")
_BLOCK_TAGS = frozenset(
    "p div section article header footer aside nav main blockquote pre ul ol li dl dt dd table thead tbody "
    "tr td th h1 h2 h3 h4 h5 h6 figure figcaption title head body html hr".split()
)
"""Tags that end a block: their text stands apart (``…Tuesday.</p><p>It voted…`` is two sentences)."""


@cache
def _parser() -> MarkdownIt:
    from mdit_py_plugins.footnote import footnote_plugin

    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).use(footnote_plugin)
    parser.validateLink = lambda url: True  # only text is kept: a ``javascript:`` link still gives its words
    return parser


def _without_hidden_elements(text: str) -> str:
    """``text`` without ``<script>``/``<style>`` elements (to the end when one is not closed)."""
    lowered = text.lower()
    parts, position = [], 0
    for match in _HIDDEN_ELEMENT.finditer(text):
        if match.start() < position:
            continue
        parts.append(text[position : match.start()])
        close = lowered.find(f"</{match['name'].lower()}", match.end())
        if close < 0:
            position = len(text)
            break
        position = lowered.find(">", close)
        position = len(text) if position < 0 else position + 1
    parts.append(text[position:])
    return "".join(parts)


def _without_comments(text: str) -> str:
    """``text`` without HTML comments (to the end when one is not closed), in one pass."""
    parts, position = [], 0
    while (start := text.find("<!--", position)) >= 0:
        parts.append(text[position:start])
        end = text.find("-->", start + 4)
        position = len(text) if end < 0 else end + 3
    parts.append(text[position:])
    return "".join(parts)


def _tag_break(tag: re.Match) -> str:
    """What a tag leaves in the text: a line break for ``<br>``, a blank line for a block, else nothing."""
    name = tag["name"].lower()
    return "\n" if name == "br" else "\n\n" if name in _BLOCK_TAGS else ""


def _html_text(markup: str) -> str:
    """Raw HTML (a block or an inline tag) as text: tags to breaks or nothing, entities decoded."""
    return html.unescape(_TAG.sub(_tag_break, markup))


def _inline_text(children: list[Token] | None) -> str:
    """An inline token's text: links keep theirs, images and footnote marks go."""
    parts = []
    for child in children or ():
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "html_inline":
            parts.append(_html_text(child.content))
    return "".join(parts)


def markdown_text(markdown: str) -> tuple[str, str | None]:
    """Markdown as plain text (a blank line between blocks), and the text of its first heading."""
    tokens = _parser().parse(_without_hidden_elements(_without_comments(markdown)))
    blocks: list[str] = []
    title: str | None = None
    row: list[str] | None = None
    in_footnotes = False  # the footnote definitions at the end: skipped whole
    for index, token in enumerate(tokens):
        kind = token.type
        if in_footnotes or kind == "footnote_block_open":
            in_footnotes = kind != "footnote_block_close"
        elif kind == "heading_open":
            text = " ".join(_inline_text(tokens[index + 1].children).split())
            title = title or text or None
            blocks.append(f"{'#' * int(token.tag[1])} {text}" if text else "")
        elif kind == "inline" and row is not None:
            row.append(" ".join(_inline_text(token.children).split()))
        elif kind == "inline" and tokens[index - 1].type == "paragraph_open":
            blocks.append(_inline_text(token.children))
        elif kind == "html_block":
            blocks.append(_html_text(token.content))
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            blocks.append(f"| {' | '.join(row)} |")
            row = None
    text = "\n\n".join(block.strip("\n") for block in blocks if block.strip())
    return text, title

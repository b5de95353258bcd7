"""Markdown to the plain text the workbench splits into claims, in linear time.

Headings keep their ``#`` marks (the extractor sets them aside as the title and headings);
links keep their text, images and HTML tags go (``<script>`` and ``<style>`` with their
contents; ``<br>`` leaves a line break and block tags such as ``<p>`` a blank line), and emphasis and code marks that pair up within a line are dropped. Every step
reads the text a bounded number of times: no pattern can backtrack over the rest of a line
(``*a *a *a …`` or ``[`` … ``](`` repeated take as long as any other text of their size).
"""

from __future__ import annotations

import re

HEADING = re.compile(r"[ \t]{0,3}(?P<marks>#{1,6})(?:[ \t]+(?P<text>.*))?\Z")
"""An ATX heading line: ``# Title``, ``## Section ##``."""
_LINK = re.compile(
    r"(?P<image>!?)\[(?P<text>[^\[\]\n]*+)\]"
    r"\((?P<url>(?:[^()\s]|\([^()\s]*+\))*+)(?:\s++\"[^\"\n]*+\")?\)"
)
"""An inline link or image; the URL may hold balanced parentheses (``javascript:alert(1)``)."""
_HIDDEN_ELEMENT = re.compile(r"<(?P<name>script|style)\b[^<>\n]{0,1000}>", re.IGNORECASE)
_TAG = re.compile(r"</?(?P<name>[A-Za-z][A-Za-z0-9-]{0,30})(?:\s[^<>\n]{0,1000})?/?>")
_BLOCK_TAGS = frozenset(
    "p div section article header footer aside nav main blockquote pre ul ol li dl dt dd table thead tbody "
    "tr td th h1 h2 h3 h4 h5 h6 figure figcaption title head body html hr".split()
)
"""Tags that end a block: their text stands apart (``…Tuesday.</p><p>It voted…`` is two sentences)."""
_DELIMITER_RUN = re.compile(r"\*++|_++|`++")


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


def _can_open(line: str, start: int, end: int) -> bool:
    """A delimiter run followed by a non-space (left-flanking), not inside a word for ``_``."""
    after = line[end : end + 1]
    before = line[start - 1 : start]
    if not after or after.isspace():
        return False
    return line[start] != "_" or not before.isalnum()


def _can_close(line: str, start: int, end: int) -> bool:
    """A delimiter run preceded by a non-space (right-flanking), not inside a word for ``_``."""
    before = line[start - 1 : start]
    after = line[end : end + 1]
    if not before or before.isspace():
        return False
    return line[start] != "_" or not after.isalnum()


def strip_emphasis(line: str) -> str:
    """``line`` without the emphasis and code marks that pair up; unpaired ones stay.

    One stack of open runs per mark (``*``, ``_``, `````), each run pushed and popped at
    most once: linear in the length of the line.
    """
    openers: dict[str, list[tuple[int, int]]] = {"*": [], "_": [], "`": []}
    removed: list[tuple[int, int]] = []
    for run in _DELIMITER_RUN.finditer(line):
        start, end = run.span()
        stack = openers[line[start]]
        if stack and _can_close(line, start, end):
            removed.append(stack.pop())
            removed.append((start, end))
        elif _can_open(line, start, end):
            stack.append((start, end))
    if not removed:
        return line
    removed.sort()
    parts, position = [], 0
    for start, end in removed:
        parts.append(line[position:start])
        position = end
    parts.append(line[position:])
    return "".join(parts)


def _inline_text(line: str) -> str:
    """A line's text: links to their text, images and tags dropped, emphasis marks dropped."""
    line = _LINK.sub(lambda link: "" if link["image"] else link["text"], line)
    line = _TAG.sub(_tag_break, line)
    return strip_emphasis(line)


def _tag_break(tag: re.Match) -> str:
    """What a tag leaves in the text: a line break for ``<br>``, a blank line for a block, else nothing."""
    name = tag["name"].lower()
    return "\n" if name == "br" else "\n\n" if name in _BLOCK_TAGS else ""


def heading_text(line: str) -> str | None:
    """The plain text of an ATX heading line, or None if ``line`` is not a heading."""
    heading = HEADING.match(line)
    if heading is None:
        return None
    body = (heading["text"] or "").rstrip(" \t")
    closing = body.rstrip("#")
    if closing != body and (not closing or closing[-1] in " \t"):
        body = closing  # an optional closing sequence: "## Section ##"
    return " ".join(_inline_text(body).split())


def markdown_text(markdown: str) -> tuple[str, str | None]:
    """Markdown as plain text (one line per line), and the text of its first heading."""
    text = _without_hidden_elements(_without_comments(markdown))
    lines, title = [], None
    for line in text.split("\n"):
        heading = HEADING.match(line)
        if heading is not None:
            plain = heading_text(line)
            title = title or plain or None
            lines.append(f"{heading['marks']} {plain}" if plain else "")
        else:
            lines.append(_inline_text(line))
    return "\n".join(lines), title

"""Web links from untrusted text: the one check every URL we store or show goes through."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_URL_CHARS = 2_000


def web_link(url: str | None) -> str | None:
    """``url`` stripped if it is an absolute http(s) link of sane length, else ``None`` (never raises)."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL_CHARS or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def host_of(url: str) -> str:
    """The host part of a link for display, or the text itself when it has none."""
    try:
        return urlsplit(url).netloc or url
    except ValueError:
        return url

"""Dates and datelines: ``date 2022-11-29``, ``Published: Nov. 29, 2022``, ``Braintree, March 31, 1776``.

Shared by the sentence component (a dateline opening the text ends there) and the unit
component (metadata lines). Each check is one or two regular expressions over one line.
"""

from __future__ import annotations

import datetime
import re

METADATA_MAX_WORDS = 15
DATE_LINE_MAX_CHARS = 60

MONTH_NAMES = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = re.compile(
    r"\b(?:(?P<iso_year>\d{4})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2})"
    rf"|(?P<month>{MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"
    rf"|(?P<day_first>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month_second>{MONTH_NAMES})\.?,?"
    r"\s+(?P<year_last>\d{4}))\b",
    re.IGNORECASE,
)
"""A date: ``2022-11-29``, ``Nov. 29, 2022`` or ``29 November 2022``."""
_METADATA_LABEL = re.compile(
    r"\s*(?P<label>date|published|posted|first published|updated|last updated|modified)\b"
    r"\s*(?:on\b)?\s*:?",
    re.IGNORECASE,
)
METADATA_PREFIX = re.compile(
    _METADATA_LABEL.pattern + r"\s*" + _DATE.pattern + r"[^\S\n\u2028\u2029]+", re.IGNORECASE
)
_DATE_NOISE = re.compile(
    r"\b(?:\d{1,2}[:.]\d{2}|[ap]\.?m\.?|(?-i:[A-Z]{2,4})|on|at|mon(?:day)?|tue(?:s(?:day)?)?"
    r"|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b|[\s,.:|/()-]+",
    re.IGNORECASE,
)
_PUBLISHED_LABELS = frozenset({"date", "published", "posted", "first published"})

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def metadata_date(line: str) -> datetime.date | None:
    """The publication date a metadata line (``date 2022-11-29``, ``Published: …``) states."""
    label = _METADATA_LABEL.match(line)
    if not label or label["label"].lower() not in _PUBLISHED_LABELS:
        return None
    found = _DATE.search(line, label.end())
    if not found:
        return None
    if found["iso_year"]:
        parts = found["iso_year"], found["iso_month"], found["iso_day"]
    elif found["year"]:
        parts = found["year"], _MONTHS[found["month"][:3].lower()], found["day"]
    else:
        parts = found["year_last"], _MONTHS[found["month_second"][:3].lower()], found["day_first"]
    try:
        return datetime.date(*(int(part) for part in parts))
    except ValueError:
        return None


def is_metadata_line(text: str) -> bool:
    """A dateline: a metadata label followed by a date and nothing but times and weekdays."""
    label = _METADATA_LABEL.match(text)
    if not label or len(text.split()) > METADATA_MAX_WORDS:
        return False
    rest = text[label.end() :]
    return bool(_DATE.search(rest)) and not _DATE_NOISE.sub("", _DATE.sub("", rest))


def is_date_line(text: str) -> bool:
    """A line that is only a date, perhaps after a place (``Braintree, March 31, 1776``)."""
    if len(text) > DATE_LINE_MAX_CHARS:
        return False
    found = _DATE.search(text)
    if not found or text[found.end() :].strip(" ."):
        return False
    place = text[: found.start()].rstrip()
    return not place or (place.endswith(",") and len(place.split()) <= 4)


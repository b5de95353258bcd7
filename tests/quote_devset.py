"""The quote development set (``tests/data/quotes_dev.jsonl``) and how ``find_quotes`` scores on it.

95 short news passages written for this purpose (none from the seeds), 107 direct quotes of four
words or more in the attribution styles of wire services and newspapers, each with the speakers
a reader would accept: the name as the article gives it (a pronoun's referent by full name; a
description such as ``the airline`` or the organisation it stands for), or none. A found quote
matches the gold quote it overlaps most; its span is right when it is exactly the words inside
the marks, its speaker when it equals an accepted one ignoring case, a leading article, a courtesy
title or office, or when it is a person's last name alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

DEV_SET = Path(__file__).parent / "data" / "quotes_dev.jsonl"
_TITLES = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|prof|sen|senator|gov|governor|rep|mayor|judge|president|councillor|coach|chancellor)\.?\s+"
)


def _normal(speaker: str) -> str:
    speaker = re.sub(r"^(?:the|a|an)\s+", "", speaker.lower().replace("’", "'").strip(" ,."))
    while _TITLES.match(speaker):
        speaker = _TITLES.sub("", speaker)
    return speaker


def speaker_right(found: str | None, accepted: list[str] | None) -> bool:
    """Whether ``found`` is one of the ``accepted`` speakers (``None``: no speaker can be told)."""
    if accepted is None or found is None:
        return found is accepted
    for speaker in accepted:
        words = _normal(speaker).split()
        if _normal(found) == " ".join(words):
            return True
        if len(words) >= 2 and speaker[:1].isupper() and "'" not in speaker and _normal(found) == words[-1]:
            return True  # a person's last name alone
    return False


@dataclass
class QuoteScore:
    quotes: int = 0
    found: int = 0
    exact: int = 0
    speakers: int = 0
    misses: list[tuple[str, dict, str | None, str | None]] = field(default_factory=list)
    """(passage, gold quote, found span, found speaker) of every quote with a wrong span or speaker."""


def score(find_quotes) -> QuoteScore:
    result = QuoteScore()
    for line in DEV_SET.read_text(encoding="utf-8").splitlines():
        passage = json.loads(line)
        text, found = passage["text"], find_quotes(passage["text"])
        for gold in passage["quotes"]:
            start = text.index(gold["quote"])
            end = start + len(gold["quote"])
            overlaps = [(min(end, quote.end) - max(start, quote.start), quote) for quote in found]
            best = max((item for item in overlaps if item[0] > 0), key=lambda item: item[0], default=(0, None))[1]
            span = text[best.start : best.end].strip() if best else None
            speaker = best.speaker if best else None
            right_span = span == gold["quote"].strip()
            right_speaker = best is not None and speaker_right(speaker, gold["speakers"])
            result.quotes += 1
            result.found += best is not None
            result.exact += right_span
            result.speakers += right_speaker
            if not (right_span and right_speaker):
                result.misses.append((text, gold, span, speaker))
    return result

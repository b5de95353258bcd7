"""The sentence development set (``tests/data/sentences_dev.txt``) and how extraction scores on it.

Scores are over segments, as pySBD's papers count them: a unit the extractor returns is
right when the gold set has a segment with exactly the same offsets. Precision is the
share of returned units that are right, recall the share of gold segments returned.
Separately, ``aside_errors`` lists gold segments whose set-aside/claim decision differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEV_SET = Path(__file__).parent / "data" / "sentences_dev.txt"
SEPARATOR = " ¦ "
ASIDE = "~ "


@dataclass(frozen=True)
class DevDocument:
    kind: str
    name: str
    text: str
    segments: tuple[tuple[int, int, bool], ...]
    """Gold (start, end, set_aside) of every segment."""


def load_dev_set(path: Path = DEV_SET) -> list[DevDocument]:
    documents: list[DevDocument] = []
    header: tuple[str, str] | None = None
    lines: list[str] = []

    def flush() -> None:
        if header is None:
            return
        text, segments, position = [], [], 0
        for line in lines:
            aside = line.startswith(ASIDE)
            parts = (line[len(ASIDE) :] if aside else line).split(SEPARATOR)
            for index, part in enumerate(parts):
                if part:
                    segments.append((position, position + len(part), aside))
                position += len(part) + (1 if index + 1 < len(parts) else 0)
            position += 1  # the line break
            text.append(SEPARATOR.join(parts).replace(SEPARATOR, " "))
        documents.append(DevDocument(header[0], header[1], "\n".join(text).rstrip("\n"), tuple(segments)))

    for raw in path.read_text(encoding="utf-8").split("\n"):
        if raw.startswith("#") and not raw.startswith("### ") and header is None:
            continue  # the file's own comments
        if raw.startswith("### "):
            flush()
            kind, name = raw[4:].split()
            header, lines = (kind, name), []
        elif header is not None:
            lines.append(raw)
    flush()
    return documents


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    returned: int
    gold: int
    missed: list[str]
    extra: list[str]
    aside_errors: list[str]


def score(documents: list[DevDocument], extract) -> Score:
    """Segment precision and recall of ``extract`` (text → Extraction) on ``documents``."""
    returned = gold = right = 0
    missed: list[str] = []
    extra: list[str] = []
    aside_errors: list[str] = []
    for document in documents:
        extraction = extract(document.text)
        assert extraction.text == document.text, document.name
        found = {(unit.start, unit.end): unit.kind != "claim" for unit in extraction.units}
        expected = {(start, end): aside for start, end, aside in document.segments}
        returned += len(found)
        gold += len(expected)
        for span, aside in expected.items():
            text = f"{document.name}: {document.text[span[0]:span[1]]!r}"
            if span not in found:
                missed.append(text)
            else:
                right += 1
                if found[span] != aside:
                    aside_errors.append(f"{text} should be {'set aside' if aside else 'a claim'}")
        extra += [f"{document.name}: {document.text[s:e]!r}" for s, e in found if (s, e) not in expected]
    return Score(right / returned, right / gold, returned, gold, missed, extra, aside_errors)

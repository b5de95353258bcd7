"""The export's columns: their names in each layout, their types, and how a value becomes a cell.

Encoding is per value and allocation-light (one function chosen per column up front), so it adds
little to the streaming cost of an export. The README ("Verdict exports") documents every column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

LONG_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "collection",
    "article_id",
    "article_title",
    "claim_position",
    "start_char",
    "end_char",
    "claim_text",
    "reviewer",
    "verdict",
    "note",
    "evidence",
    "guideline_version",
    "created_at",
    "updated_at",
)
CLAIM_COLUMNS: tuple[str, ...] = LONG_COLUMNS[:8]
"""The claim fields every layout starts with."""
REVIEWER_COLUMN_PREFIX = "verdict:"
"""A ``wide`` export has one column ``verdict:NAME`` per reviewer."""
WIDE_SUMMARY_COLUMNS: tuple[str, ...] = ("n_verdicts", "majority", "agreed", "final_verdict")
TRIAGE_COLUMNS: tuple[str, ...] = ("checkworthiness", "signals", "quote_speaker")
"""Triage of the claim (``workbench.triage``), last in the ``wide`` and ``final`` layouts."""
FINAL_COLUMNS: tuple[str, ...] = (
    *CLAIM_COLUMNS[:4],
    "article_url",
    "article_published",
    *CLAIM_COLUMNS[4:],
    "final_verdict",
    "rationale",
    "decided_by",
    "decided_at",
    "updated_at",
    *TRIAGE_COLUMNS,
)

MATCH_GROUP_COLUMN = "match_group"
"""Last in every layout: the claim's group of linked claims (``workbench.match_verdicts``), empty if none."""
MODEL_FILL_COLUMNS: tuple[str, ...] = ("verdict_source", "model_confidence")
"""Added to ``final`` by ``fill_with_model``: where each verdict comes from, and the model's probability."""

FORMULA_TRIGGERS = "=+-@\t\r"
"""A spreadsheet runs a cell starting with one of these as a formula."""
FORMULA_GUARD = "'"
_GUARDED = re.compile(r"'*[=+\-@\t\r]")
_UNGUARD = re.compile(r"'+[=+\-@\t\r]")
EVIDENCE_SEPARATOR = "\n"
"""Evidence URLs share one cell, one per line; a valid URL never contains whitespace."""


# --- cell encoding --------------------------------------------------------------------------------


def guard_formula(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula.

    Text that starts with any number of ``'`` followed by ``= + - @``, tab or carriage return
    gets one more ``'``; nothing else changes. :func:`unguard_formula` undoes it exactly.
    """
    return FORMULA_GUARD + text if _GUARDED.match(text) else text


def unguard_formula(text: str) -> str:
    """The inverse of :func:`guard_formula`: drop the one ``'`` it added."""
    return text[1:] if _UNGUARD.match(text) else text


def iso_utc(moment: datetime) -> str:
    """``2024-05-01T12:34:56Z``: ISO 8601, always UTC, with an explicit ``Z``."""
    if moment.tzinfo is not timezone.utc:
        moment = (
            moment.replace(tzinfo=timezone.utc)
            if moment.tzinfo is None
            else moment.astimezone(timezone.utc)
        )
    return moment.isoformat(timespec="seconds")[:-6] + "Z"


COLUMN_TYPES: dict[str, str] = {
    "claim_id": "integer",
    "collection": "text",
    "article_id": "integer",
    "article_title": "text",
    "article_url": "URL",
    "article_published": "date",
    "claim_position": "integer",
    "start_char": "integer",
    "end_char": "integer",
    "claim_text": "text",
    "reviewer": "text",
    "verdict": "label",
    "note": "text",
    "evidence": "URLs",
    "guideline_version": "integer",
    "created_at": "time (UTC)",
    "updated_at": "time (UTC)",
    "n_verdicts": "integer",
    "majority": "label",
    "agreed": "boolean",
    "final_verdict": "label",
    "rationale": "text",
    "decided_by": "text",
    "decided_at": "time (UTC)",
    "verdict_source": "text",
    "model_confidence": "number",
    "checkworthiness": "number",
    "signals": "text",
    "quote_speaker": "text",
    "match_group": "text",
}
"""The type of every fixed column, as documented; ``verdict:NAME`` columns are labels."""

_GUARD_CANDIDATES = frozenset(FORMULA_GUARD + FORMULA_TRIGGERS)
CellEncoder = Callable[[Any], str]


def column_type(column: str) -> str:
    return "label" if column.startswith(REVIEWER_COLUMN_PREFIX) else COLUMN_TYPES[column]


def cell_encoder(kind: str, *, formula_guard: bool) -> CellEncoder:
    """How values of a column type become CSV text: empty for none, ``true``/``false``,
    one URL per line, ISO 8601 UTC times, and (``formula_guard``) guarded text."""
    if kind in ("integer", "number"):
        return lambda value: "" if value is None else str(value)
    if kind == "time (UTC)":
        return lambda value: "" if value is None else iso_utc(value)
    if kind == "date":
        return lambda value: "" if value is None else value.isoformat()
    if kind == "boolean":
        return lambda value: "" if value is None else ("true" if value else "false")
    if kind == "number":
        return lambda value: "" if value is None else repr(float(value))

    def text(value: str | None) -> str:
        if not value:
            return ""
        if formula_guard and value[0] in _GUARD_CANDIDATES:
            return guard_formula(value)
        return value

    if kind == "URLs":
        return lambda urls: text(EVIDENCE_SEPARATOR.join(urls or ()))
    return text


def json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    return value

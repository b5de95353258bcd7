"""Fact-checking annotation workbench."""

__version__ = "0.1.0"

LABELS: tuple[str, ...] = ("supported", "disputed", "editorial_framing")
"""The three verdict labels, in shortcut order (1, 2, 3)."""

LABEL_TITLES: dict[str, str] = {
    "supported": "Supported",
    "disputed": "Disputed",
    "editorial_framing": "Editorial framing",
}

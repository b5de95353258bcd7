"""What an export is asked for: format, layout, filters and ClaimReview settings, checked together.

Nothing here reads the database; checking options is instant. Messages name what does not fit,
not how the caller spelled it (a command-line flag or a page's widget).
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

from workbench import LABELS
from workbench.errors import WorkbenchError

FORMATS: tuple[str, ...] = ("csv", "jsonl", "claimreview")
LAYOUTS: tuple[str, ...] = ("long", "wide", "final")

DEFAULT_ORGANISATION = "Workbench"


class ExportError(WorkbenchError):
    """An export cannot be made as asked; the message says why."""



@dataclass(frozen=True)
class Rating:
    """How one of our labels appears as a schema.org ``Rating``."""

    alternate_name: str
    rating_value: int | None = None
    best_rating: int | None = None
    worst_rating: int | None = None

    def json_ld(self) -> dict[str, Any]:
        rating: dict[str, Any] = {"@type": "Rating", "alternateName": self.alternate_name}
        for key, value in (
            ("ratingValue", self.rating_value),
            ("bestRating", self.best_rating),
            ("worstRating", self.worst_rating),
        ):
            if value is not None:
                rating[key] = value
        return rating


DEFAULT_RATINGS: dict[str, Rating] = {
    "supported": Rating("True"),
    "disputed": Rating("False"),
    "editorial_framing": Rating("Misleading"),
}


@dataclass(frozen=True)
class ExportFilters:
    """Which verdicts to export. Empty tuples mean "all"."""

    article_ids: tuple[int, ...] = ()
    reviewers: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()
    since: datetime | None = None
    """Only verdicts (``final``: final verdicts) created or changed at or after this moment."""
    signals: tuple[str, ...] = ()
    """Only claims with every one of these signal kinds (``workbench.triage.SIGNAL_KINDS`` or ``quote``)."""
    min_checkworthiness: float | None = None
    """Only claims whose check-worthiness is at least this (0–1)."""


@dataclass(frozen=True)
class ClaimReviewSettings:
    """What a ClaimReview export says about who reviewed and where the review lives."""

    organisation: str = DEFAULT_ORGANISATION
    ratings: Mapping[str, Rating] = field(default_factory=lambda: dict(DEFAULT_RATINGS))
    review_url: str | None = None
    """A URL template for each review's page, with ``{claim_id}`` and/or ``{article_id}``."""


@dataclass(frozen=True)
class ExportOptions:
    format: str = "csv"
    layout: str = "long"
    filters: ExportFilters = ExportFilters()
    formula_guard: bool = True
    """Neutralise spreadsheet formulas in CSV cells (see :func:`guard_formula`)."""
    claimreview: ClaimReviewSettings = ClaimReviewSettings()
    fill_with_model: bool = False
    """``final``: also claims without a final verdict, with the model's most likely verdict, flagged."""

    def checked(self) -> ExportOptions:
        """These options, or an :class:`ExportError` saying what does not fit together."""
        if self.format not in FORMATS:
            raise ExportError(f"Unknown format {self.format!r}: use one of {', '.join(FORMATS)}.")
        if self.layout not in LAYOUTS:
            raise ExportError(f"Unknown layout {self.layout!r}: use one of {', '.join(LAYOUTS)}.")
        if self.format == "claimreview" and self.layout != "final":
            raise ExportError(
                "ClaimReview describes adjudicated verdicts: use it with the final layout."
            )
        if self.fill_with_model and (self.layout != "final" or self.format == "claimreview"):
            raise ExportError("Filling with the model's verdicts applies to the final layout in csv or jsonl.")
        if self.layout == "final" and self.filters.reviewers:
            raise ExportError(
                "Final verdicts are a lead's, not a reviewer's: choosing reviewers applies to the long and wide layouts."
            )
        if self.format == "claimreview":
            check_review_url(self.claimreview.review_url)
            if not self.claimreview.organisation.strip():
                raise ExportError("The organisation name of a ClaimReview cannot be empty.")
        return self


def parse_since(text: str) -> datetime:
    """``2024-05-01`` (midnight UTC) or an ISO 8601 time; times without a zone are UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ExportError(
            f"Cannot read {text!r} as a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def since_date(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time(0), tzinfo=timezone.utc)


def parse_rating_map(text: str) -> dict[str, Rating]:
    """Our labels → ratings, from ``supported=True,disputed=False`` or a JSON file.

    The JSON file maps a label to a name (``{"disputed": "False"}``) or to a Rating's fields
    (``{"disputed": {"alternateName": "False", "ratingValue": 1, "bestRating": 5, "worstRating": 1}}``).
    Labels left out keep their default (:data:`DEFAULT_RATINGS`).
    """
    path = Path(text)
    if text.lower().endswith(".json") or path.is_file():
        try:
            mapping = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ExportError(f"Cannot read the rating map {text}: {error.strerror}.") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise ExportError(f"The rating map {text} is not valid JSON: {error}.") from None
        if not isinstance(mapping, dict):
            raise ExportError(f"The rating map {text} must be a JSON object of label → rating.")
    else:
        mapping = {}
        for pair in filter(None, (part.strip() for part in text.split(","))):
            label, separator, name = pair.partition("=")
            if not separator:
                raise ExportError(f"Rating map entries look like label=Name, not {pair!r}.")
            mapping[label.strip()] = name.strip()
    ratings = dict(DEFAULT_RATINGS)
    for label, value in mapping.items():
        if label not in LABELS:
            raise ExportError(
                f"The rating map names {label!r}, which is not a label ({', '.join(LABELS)})."
            )
        ratings[label] = rating_from(label, value)
    return ratings


def rating_from(label: str, value: Any) -> Rating:
    if isinstance(value, str) and value.strip():
        return Rating(value.strip())
    if (
        isinstance(value, dict)
        and isinstance(value.get("alternateName"), str)
        and value["alternateName"].strip()
    ):
        numbers = {}
        for key in ("ratingValue", "bestRating", "worstRating"):
            number = value.get(key)
            if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
                raise ExportError(f"{key} for {label!r} must be a whole number.")
            numbers[key] = number
        return Rating(
            value["alternateName"].strip(),
            numbers["ratingValue"],
            numbers["bestRating"],
            numbers["worstRating"],
        )
    raise ExportError(f"The rating for {label!r} needs a non-empty name (alternateName).")


def check_review_url(template: str | None) -> None:
    if template is None:
        return
    if not template.lower().startswith(("http://", "https://")):
        raise ExportError("The review URL template must start with http:// or https://.")
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:
        raise ExportError(f"The review URL template is malformed: {error}.") from None
    unknown = fields - {"claim_id", "article_id"}
    if unknown:
        raise ExportError(
            f"The review URL template may only use {{claim_id}} and {{article_id}}, not {', '.join(sorted(unknown))}."
        )

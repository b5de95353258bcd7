"""The workbench's words, defined once: verdict labels, unit kinds, roles and statuses.

Each is a ``StrEnum`` whose values are what the database stores and the CSV files carry, so a
member compares equal to its stored string (``Label.DISPUTED == "disputed"``) and binds as that
string in queries. Code compares against members, never string literals; the ``*_TITLES`` maps
give the words people read. The plain tuples (``LABELS``, ``CLAIM_KINDS``, ``ROLES``) keep the
fixed orders the app relies on: labels in shortcut order 1, 2, 3.
"""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    """A reviewer's verdict on a claim."""

    SUPPORTED = "supported"
    DISPUTED = "disputed"
    EDITORIAL_FRAMING = "editorial_framing"


class ClaimKind(StrEnum):
    """What a unit of an article is; only ``CLAIM`` units go to reviewers."""

    CLAIM = "claim"
    TITLE = "title"
    HEADING = "heading"
    METADATA = "metadata"
    BOILERPLATE = "boilerplate"
    EMBED = "embed"


class Role(StrEnum):
    """What an account may do: review, or also lead (assign, adjudicate, export)."""

    REVIEWER = "reviewer"
    LEAD = "lead"


class MatchTier(StrEnum):
    """How close two claims in different articles are."""

    LINKED = "linked"
    """So close that a verdict may be shared."""
    SUGGESTED = "suggested"
    """Shown side by side to a person, who confirms or rejects."""
    NONE = "none"
    """Not a match; never stored."""


class MatchStatus(StrEnum):
    """Where a person stands on a match."""

    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


LABELS: tuple[str, ...] = tuple(label.value for label in Label)
"""The three verdict labels, in shortcut order (1, 2, 3)."""

LABEL_TITLES: dict[str, str] = {
    Label.SUPPORTED: "Supported",
    Label.DISPUTED: "Disputed",
    Label.EDITORIAL_FRAMING: "Editorial framing",
}

CLAIM_KINDS: tuple[str, ...] = tuple(kind.value for kind in ClaimKind)
"""Kinds of unit an article is split into."""

KIND_TITLES: dict[str, str] = {
    ClaimKind.CLAIM: "Claim",
    ClaimKind.TITLE: "Title",
    ClaimKind.HEADING: "Heading",
    ClaimKind.METADATA: "Metadata",
    ClaimKind.BOILERPLATE: "Boilerplate",
    ClaimKind.EMBED: "Embed",
}

ROLES: tuple[str, ...] = tuple(role.value for role in Role)

ARTICLE_STATUSES: dict[str, str] = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "no_claims": "No claims",
}
"""Review status of a whole article, as filtered on and shown in the list."""

LEAD_STATUSES: dict[str, str] = {
    "unreviewed": "No verdicts",
    "partial": "Partly reviewed",
    "agreed": "Agreed",
    "disagreed": "Reviewers disagree",
    "final": "Final verdict",
}
"""Status of a claim as a lead sees it. ``disagreed`` (reviewers differ) is not the label ``disputed``."""

REVIEWER_STATUSES: dict[str, str] = {
    "todo": "Not reviewed by you",
    "mine": "Reviewed by you",
}
"""Status of a claim as a reviewer sees it: only their own verdict, never anyone else's."""

NOT_A_CLAIM = "not_a_claim"
"""The status of a unit that is not a claim (a heading, chrome, metadata)."""

MATCH_TIERS: tuple[str, ...] = (MatchTier.LINKED.value, MatchTier.SUGGESTED.value)
"""The tiers a stored match can have."""

MATCH_STATUSES: tuple[str, ...] = tuple(status.value for status in MatchStatus)


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun``, plural unless the count is one: ``1 article``, ``2,000 articles``
    (``plural`` where adding ``s`` is wrong: ``counted(3, "match", "matches")``)."""
    return f"{count:,} {noun_for(count, noun, plural)}"


def noun_for(count: int, noun: str, plural: str | None = None) -> str:
    """``noun`` as ``counted`` writes it after ``count``, without the count: ``missing columns a, b``."""
    return noun if count == 1 else plural or noun + "s"

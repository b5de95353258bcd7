"""Label guidelines: a short definition per label, versioned; each verdict records the version it saw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench import LABEL_TITLES, LABELS
from workbench.access import Actor, require_lead
from workbench.db import unstorable_reason
from workbench.errors import WorkbenchError
from workbench.models import Guideline, Reviewer

MAX_DEFINITION_CHARS = 2_000

DEFAULT_DEFINITIONS: dict[str, str] = {
    "supported": (
        "The claim is factually accurate: reliable evidence (official records, data, primary "
        "sources, on-the-record statements) backs it as stated."
    ),
    "disputed": (
        "The claim is false, misleading or unproven: reliable evidence contradicts it, or it "
        "omits context that changes its meaning."
    ),
    "editorial_framing": (
        "Not a checkable statement of fact: opinion, prediction, rhetorical framing, loaded "
        "wording or the outlet's own characterisation."
    ),
}
"""Shown (as version 0) until a lead saves the first version."""


class GuidelineError(WorkbenchError):
    """Guidelines cannot be saved as given; the message says why."""


@dataclass(frozen=True)
class GuidelineVersion:
    """One version of the definitions; version 0 is the built-in default."""

    version: int
    definitions: dict[str, str]
    author: str | None
    created_at: datetime | None


def current_guidelines(session: Session) -> GuidelineVersion:
    """The newest definitions (the built-in ones while no lead has saved any)."""
    row = session.execute(
        select(Guideline, Reviewer.name)
        .outerjoin(Reviewer, Reviewer.id == Guideline.author_id)
        .order_by(Guideline.version.desc())
        .limit(1)
    ).first()
    if row is None:
        return GuidelineVersion(0, dict(DEFAULT_DEFINITIONS), None, None)
    return _version(*row)


def guideline_history(session: Session, limit: int = 50) -> list[GuidelineVersion]:
    """Saved versions, newest first."""
    rows = session.execute(
        select(Guideline, Reviewer.name)
        .outerjoin(Reviewer, Reviewer.id == Guideline.author_id)
        .order_by(Guideline.version.desc())
        .limit(limit)
    ).all()
    return [_version(guideline, author) for guideline, author in rows]


def validate_definitions(definitions: dict[str, str]) -> dict[str, str]:
    unknown = set(definitions) - set(LABELS)
    if unknown:
        raise GuidelineError(f"Unknown label {min(unknown)!r}: use one of {', '.join(LABELS)}.")
    cleaned = {}
    for label in LABELS:
        definition = (definitions.get(label) or "").strip()
        if not definition:
            raise GuidelineError(f"The definition of {LABEL_TITLES[label]} cannot be empty.")
        if len(definition) > MAX_DEFINITION_CHARS:
            raise GuidelineError(
                f"The definition of {LABEL_TITLES[label]} has more than {MAX_DEFINITION_CHARS:,} characters."
            )
        reason = unstorable_reason(definition)
        if reason:
            raise GuidelineError(f"The definition of {label!r} {reason}: remove it and save again.")
        cleaned[label] = definition
    return cleaned


def save_guidelines(
    session: Session, actor: Actor, definitions: dict[str, str]
) -> GuidelineVersion:
    """Save edited definitions as a new version (a lead only); unchanged text makes no new version."""
    require_lead(actor, "edit the label guidelines")
    cleaned = validate_definitions(definitions)
    current = current_guidelines(session)
    if cleaned == current.definitions:
        return current
    guideline = Guideline(version=current.version + 1, definitions=cleaned, author_id=actor.id)
    try:
        with session.begin_nested():
            session.add(guideline)
    except IntegrityError as error:
        raise GuidelineError(
            "Another lead saved new guidelines at the same moment. Reload to see them, then edit again."
        ) from error
    return GuidelineVersion(guideline.version, cleaned, actor.name, guideline.created_at)


def _version(guideline: Guideline, author: str | None) -> GuidelineVersion:
    definitions = {
        label: guideline.definitions.get(label, DEFAULT_DEFINITIONS[label]) for label in LABELS
    }
    return GuidelineVersion(guideline.version, definitions, author, guideline.created_at)

"""How far a workbench is set up, so empty pages can point to the next step.

Three indexed existence checks, each a single-row look-up: cheap on any database size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.models import Article, Reviewer, Verdict
from workbench.vocabulary import Role


@dataclass(frozen=True)
class SetupState:
    """What exists yet in the workbench."""

    has_articles: bool
    """At least one article was imported."""
    has_reviewers: bool
    """At least one active reviewer account (not a lead) exists."""
    has_verdicts: bool
    """At least one verdict was given."""

    @property
    def next_step(self) -> str:
        """``import``, ``team``, ``review`` or ``ready``: what a lead should do next."""
        if not self.has_articles:
            return "import"
        if not self.has_reviewers:
            return "team"
        if not self.has_verdicts:
            return "review"
        return "ready"


def setup_state(session: Session) -> SetupState:
    """What exists yet: articles, active reviewers, verdicts."""

    def exists(query) -> bool:
        return bool(session.scalar(select(query.exists())))

    return SetupState(
        has_articles=exists(select(Article.id)),
        has_reviewers=exists(select(Reviewer.id).where(Reviewer.active.is_(True), Reviewer.role == Role.REVIEWER)),
        has_verdicts=exists(select(Verdict.id)),
    )

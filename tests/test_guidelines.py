"""Label guidelines: defaults, lead-only versioned edits, and verdicts recording the version."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workbench import LABELS
from workbench.access import Actor, PermissionDenied
from workbench.auth import create_reviewer
from workbench.guidelines import (
    DEFAULT_DEFINITIONS,
    GuidelineError,
    current_guidelines,
    guideline_history,
    save_guidelines,
)
from workbench.ingest import Document, ingest_documents
from workbench.models import Claim, Guideline, Verdict
from workbench.review import submit_verdict


@pytest.fixture
def people(db) -> tuple[Actor, Actor]:
    with db.transaction() as session:
        lead = Actor.of(create_reviewer(session, "lena", None, "lead", actor=Actor.operator()))
        reviewer = Actor.of(create_reviewer(session, "ana", None, actor=Actor.operator()))
    return lead, reviewer


def edited(**changes: str) -> dict[str, str]:
    return DEFAULT_DEFINITIONS | changes


def test_defaults_until_a_lead_saves(db):
    with db.session() as session:
        current = current_guidelines(session)
    assert (
        current.version == 0
        and current.definitions == DEFAULT_DEFINITIONS
        and current.author is None
    )
    assert set(current.definitions) == set(LABELS)


def test_each_edit_is_a_new_version_and_old_ones_stay(db, people):
    lead, _ = people
    with db.transaction() as session:
        first = save_guidelines(session, lead, edited(supported="Backed by evidence."))
    with db.transaction() as session:
        second = save_guidelines(session, lead, edited(supported="Backed by two sources."))
    assert (first.version, second.version) == (1, 2)
    with db.session() as session:
        current = current_guidelines(session)
        assert current.version == 2 and current.definitions["supported"] == "Backed by two sources."
        assert current.author == "lena"
        assert [v.version for v in guideline_history(session)] == [2, 1]
        assert guideline_history(session)[1].definitions["supported"] == "Backed by evidence."


def test_unchanged_text_makes_no_new_version(db, people):
    lead, _ = people
    with db.transaction() as session:
        save_guidelines(session, lead, edited(disputed="Contradicted by evidence."))
    with db.transaction() as session:
        again = save_guidelines(session, lead, edited(disputed="  Contradicted by evidence.  "))
    assert again.version == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Guideline)) == 1


@pytest.mark.parametrize(
    "definitions, message",
    [
        (edited(supported="   "), "cannot be empty"),
        (edited(disputed="x" * 2001), "more than 2,000"),
        (edited(maybe="Unsure."), "Unknown label 'maybe'"),
        ({"supported": "Only one."}, "cannot be empty"),
    ],
)
def test_bad_definitions_are_refused(db, people, definitions, message):
    lead, _ = people
    with pytest.raises(GuidelineError, match=message), db.transaction() as session:
        save_guidelines(session, lead, definitions)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Guideline)) == 0


def test_only_a_lead_edits(db, people):
    _, reviewer = people
    with pytest.raises(PermissionDenied, match="Only a lead"), db.transaction() as session:
        save_guidelines(session, reviewer, edited(supported="Anything goes."))
    with db.session() as session:
        assert current_guidelines(session).version == 0


def test_verdicts_record_the_guideline_version_they_were_given_under(db, people):
    lead, reviewer = people
    (article,) = ingest_documents(
        db, [Document(source="a.txt", text="One claim here. Another claim there.")]
    ).article_ids
    with db.session() as session:
        first, second = session.scalars(
            select(Claim.id)
            .where(Claim.article_id == article, Claim.kind == "claim")
            .order_by(Claim.position)
        )
    with db.transaction() as session:
        submit_verdict(session, reviewer, first, "supported")
    with db.transaction() as session:
        save_guidelines(session, lead, edited(supported="Stricter: two independent sources."))
    with db.transaction() as session:
        submit_verdict(session, reviewer, second, "supported")
    with db.session() as session:
        rows = session.execute(select(Verdict.claim_id, Verdict.guideline_version))
        versions = {claim_id: version for claim_id, version in rows}
    assert versions == {first: None, second: 1}

"""Messages people read use the label titles and plain words, never internal names."""

from __future__ import annotations

import pytest

from workbench import LABEL_TITLES, LABELS
from workbench.access import Actor
from workbench.adjudication import AdjudicationError, record_final_verdict
from workbench.auth import create_reviewer
from workbench.guidelines import GuidelineError, validate_definitions
from workbench.ingest import Document, ingest_documents
from workbench.verdicts import VerdictError, save_verdict, validate_evidence

INTERNAL = [label for label in LABELS if LABEL_TITLES[label].lower() != label]


def assert_plain(message: str) -> None:
    for name in INTERNAL:
        assert name not in message, message


@pytest.mark.parametrize(
    ("evidence", "quoted"),
    [("not a url", "“not a url”"), ("https://ok.example\nftp://x.example/file", "“ftp://x.example/file”")],
)
def test_bad_evidence_is_quoted_whole(evidence: str, quoted: str) -> None:
    with pytest.raises(VerdictError) as raised:
        validate_evidence(evidence)
    assert quoted in str(raised.value)
    assert "'not'" not in str(raised.value)


def test_two_links_on_one_line_still_count() -> None:
    assert validate_evidence("https://a.example https://b.example\n") == ["https://a.example", "https://b.example"]


def test_an_empty_definition_is_named_by_its_title() -> None:
    with pytest.raises(GuidelineError) as raised:
        validate_definitions({"supported": "Yes.", "disputed": "No.", "editorial_framing": " "})
    assert "Editorial framing" in str(raised.value)
    assert_plain(str(raised.value))


@pytest.fixture
def tied_claim(db):
    with db.transaction() as session:
        lead = Actor.of(create_reviewer(session, "lena", None, "lead", actor=Actor.operator()))
        ana = Actor.of(create_reviewer(session, "ana", None, "reviewer", actor=Actor.operator()))
        bo = Actor.of(create_reviewer(session, "bo", None, "reviewer", actor=Actor.operator()))
    from workbench.extract import load_pipeline
    from workbench.models import Claim
    from sqlalchemy import select

    ingest_documents(db, [Document(source="a.txt", text="Taxes rose by 4% in 2023.")], "news", load_pipeline())
    with db.transaction() as session:
        claim_id = session.scalar(select(Claim.id).where(Claim.kind == "claim"))
        save_verdict(session, ana, claim_id, "supported")
        save_verdict(session, bo, claim_id, "editorial_framing")
    return db, lead, claim_id


def test_a_tie_is_not_called_a_majority(tied_claim) -> None:
    db, lead, claim_id = tied_claim
    with pytest.raises(AdjudicationError) as raised, db.transaction() as session:
        record_final_verdict(session, lead, claim_id, "disputed", "")
    message = str(raised.value)
    assert message == "Give a rationale: the reviewers have no majority (1 Supported, 1 Editorial framing)."
    assert_plain(message)

"""The verdict write path: bulk writes behave exactly like one write at a time."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.models import Claim, Reviewer, Verdict, VerdictHistory
from workbench.verdicts import VerdictError, validate_evidence, write_verdict, write_verdicts

ROUNDS = [
    [("supported", "", []), ("disputed", "why", ["https://a.example"]), ("supported", "", [])],
    [("supported", "", []), ("disputed", "why", ["https://a.example"]), ("editorial_framing", "x", [])],
    [("disputed", "changed", []), ("disputed", "why", ["https://a.example"]), ("supported", "", [])],
]


def state(database: Database, reviewer_id: int) -> tuple[list, list]:
    with database.session() as session:
        verdicts = session.execute(
            select(Verdict.claim_id, Verdict.label, Verdict.note, Verdict.evidence)
            .where(Verdict.reviewer_id == reviewer_id).order_by(Verdict.claim_id)
        ).all()
        history = session.execute(
            select(VerdictHistory.claim_id, VerdictHistory.action, VerdictHistory.old_label,
                   VerdictHistory.new_label, VerdictHistory.old_note, VerdictHistory.new_note,
                   VerdictHistory.old_evidence, VerdictHistory.new_evidence)
            .where(VerdictHistory.reviewer_id == reviewer_id).order_by(VerdictHistory.id)
        ).all()
    return [tuple(row) for row in verdicts], [tuple(row) for row in history]


def test_bulk_writes_match_single_writes(db: Database) -> None:
    ingest_documents(db, [Document("a", "One claim here. Another claim there. A third one.")])
    with db.transaction() as session:
        one, many = Reviewer(name="one"), Reviewer(name="many")
        session.add_all([one, many])
        session.flush()
        claim_ids = session.scalars(select(Claim.id).order_by(Claim.position)).all()
    reports = []
    for writes in ROUNDS:
        with db.transaction() as session:
            singles = [
                write_verdict(session, claim_id, one.id, label, note, evidence, actor_id=None, action="import").action
                for claim_id, (label, note, evidence) in zip(claim_ids, writes)
            ]
            bulk = write_verdicts(
                session,
                [(claim_id, many.id, *write) for claim_id, write in zip(claim_ids, writes)],
                actor_id=None,
                action="import",
            )
        reports.append((singles, [change.action for change in bulk]))
    assert all(singles == bulk for singles, bulk in reports)
    assert reports[1][1] == [None, None, "import"]
    assert state(db, one.id) == state(db, many.id)
    assert len(state(db, many.id)[1]) == 6


@pytest.mark.parametrize("url", ["http://[oops", "javascript:alert(1)", "ftp://example.org/x", "https://"])
def test_evidence_that_is_not_a_web_link_is_a_clean_error(url: str) -> None:
    with pytest.raises(VerdictError, match="http:// or https:// link"):
        validate_evidence([url])


def test_bulk_write_racing_an_insert_fails_whole(db: Database) -> None:
    """A verdict inserted by someone else after the bulk read makes the whole write fail, never merge."""
    ingest_documents(db, [Document("a", "One claim here. Another claim there.")])
    with db.transaction() as session:
        session.add(Reviewer(name="r"))
    with db.session() as session:
        reviewer_id = session.scalar(select(Reviewer.id))
        first, second = session.scalars(select(Claim.id).order_by(Claim.position)).all()
    with pytest.raises(IntegrityError), db.transaction() as session:
        write_verdict(session, second, reviewer_id, "supported", "", [], actor_id=None)
        write_verdicts(session, [(first, reviewer_id, "supported", "", [])] * 2, actor_id=None, action="import")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Verdict)) == 0

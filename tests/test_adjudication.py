"""Adjudication: the queue, a claim's case, final verdicts with history, bulk acceptance, permissions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from builders import DISPUTED, UNANIMOUS, ReviewedNewsroom
from sqlalchemy import delete, func, select, update

from workbench import LABELS
from workbench.access import Actor, PermissionDenied
from workbench.adjudication import (
    MAX_RATIONALE_CHARS,
    AdjudicationError,
    DecidedMeanwhile,
    QueueFilter,
    accept_unanimous,
    adjudication_queue,
    claim_case,
    clear_final_verdict,
    majority_label,
    queue_counts,
    record_final_verdict,
)
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.models import Claim, FinalVerdict, FinalVerdictHistory, Verdict
from workbench.verdicts import save_verdict


S, D, E = LABELS


@pytest.fixture
def newsroom(db: Database) -> ReviewedNewsroom:
    return ReviewedNewsroom(db)


# --- the queue ----------------------------------------------------------------------------------


def queue(newsroom: ReviewedNewsroom, filters: QueueFilter | None = None, **page):
    with newsroom.db.session() as session:
        return adjudication_queue(session, newsroom.lead, filters or QueueFilter(), **page)


def test_queue_lists_disputed_undecided_claims_in_reading_order(newsroom: ReviewedNewsroom):
    page = queue(newsroom)
    assert [item.claim_id for item in page.items] == newsroom.ids(DISPUTED)
    assert page.total == 3
    first = page.items[0]
    assert first.label_counts == {S: 1, D: 2, E: 0}
    assert first.majority == D and not first.unanimous
    assert first.article_title == "Budget row"
    assert first.text == "Unemployment fell last year."
    assert page.items[2].majority is None  # one supported, one editorial framing


def test_queue_can_include_unanimous_and_decided_claims(newsroom: ReviewedNewsroom):
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, newsroom.claims[1], D)
    assert [i.claim_id for i in queue(newsroom).items] == newsroom.ids([2, 5])
    everything = queue(newsroom, QueueFilter(include_unanimous=True, include_decided=True))
    assert [i.claim_id for i in everything.items] == newsroom.claims
    assert everything.items[1].final_label == D
    assert everything.items[0].unanimous
    audit = queue(newsroom, QueueFilter(include_unanimous=True))
    assert [i.claim_id for i in audit.items] == newsroom.ids([0, 2, 3, 4, 5, 6])


@pytest.mark.parametrize(("scope", "expected"), [("Politics", [1, 2]), ("Sport", [5])])
def test_queue_filters_by_collection(newsroom: ReviewedNewsroom, scope: str, expected: list[int]):
    page = queue(newsroom, QueueFilter(collection_id=newsroom.collections[scope]))
    assert [i.claim_id for i in page.items] == newsroom.ids(expected)


def test_queue_filters_by_article(newsroom: ReviewedNewsroom):
    with newsroom.db.session() as session:
        sport_article = session.get(Claim, newsroom.claims[5]).article_id
    page = queue(newsroom, QueueFilter(article_id=sport_article, include_unanimous=True))
    assert [i.claim_id for i in page.items] == newsroom.ids([4, 5, 6])


def test_queue_pages(newsroom: ReviewedNewsroom):
    filters = QueueFilter(include_unanimous=True)
    pages = [queue(newsroom, filters, offset=offset, limit=2) for offset in (0, 2, 4, 6, 8)]
    assert [len(p.items) for p in pages] == [2, 2, 2, 1, 0]
    assert all(p.total == 7 for p in pages)
    seen = [item.claim_id for p in pages for item in p.items]
    assert seen == newsroom.claims


def test_queue_counts(newsroom: ReviewedNewsroom):
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, newsroom.claims[1], D)
        record_final_verdict(session, newsroom.lead, newsroom.claims[0], S)
    with newsroom.db.session() as session:
        counts = queue_counts(session, newsroom.lead)
        sport = queue_counts(session, newsroom.lead, collection_id=newsroom.collections["Sport"])
    assert (counts.disputed, counts.disputed_decided, counts.unanimous, counts.unanimous_decided) == (3, 1, 4, 1)
    assert (counts.disputed_pending, counts.unanimous_pending) == (2, 3)
    assert (sport.disputed, sport.unanimous) == (1, 2)
    for unanimous in (False, True):
        for decided in (False, True):
            filters = QueueFilter(include_unanimous=unanimous, include_decided=decided)
            assert counts.matching(filters) == queue(newsroom, filters).total


def test_claims_needing_no_comparison_stay_out(newsroom: ReviewedNewsroom):
    """A single verdict is neither a dispute nor a consensus."""
    with newsroom.db.transaction() as session:
        session.execute(
            delete(Verdict).where(
                Verdict.claim_id == newsroom.claims[2], Verdict.reviewer_id != newsroom.reviewers["ann"].id
            )
        )
    all_claims = queue(newsroom, QueueFilter(include_unanimous=True, include_decided=True))
    assert newsroom.claims[2] not in [item.claim_id for item in all_claims.items]


# --- one claim's case --------------------------------------------------------------------------


def test_claim_case_shows_every_verdict_with_notes_and_evidence(newsroom: ReviewedNewsroom):
    with newsroom.db.session() as session:
        case = claim_case(session, newsroom.lead, newsroom.claims[2])
    assert case.text == "The bridge cost 3 million euros."
    assert [(v.reviewer, v.label) for v in case.verdicts] == [("ann", S), ("bob", D), ("cy", D)]
    assert case.verdicts[0].note == "ann's note"
    assert case.verdicts[0].evidence == ["https://example.org/ann"]
    assert case.context_before.endswith("Unemployment fell last year. ")
    assert case.context_after.startswith(" Critics called")
    assert case.label_counts == {S: 1, D: 2, E: 0} and case.majority == D
    assert case.final is None and case.history == [] and not case.changed_since_decision


def test_claim_case_shows_final_verdict_history_and_later_changes(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[2]
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, claim, D)
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, claim, S, "The budget line shows 3 million.")
    with newsroom.db.transaction() as session:
        session.execute(update(FinalVerdict).values(updated_at=datetime(2024, 1, 1, tzinfo=UTC)))
        save_verdict(session, newsroom.reviewers["bob"], claim, S, note="changed my mind")
    with newsroom.db.session() as session:
        case = claim_case(session, newsroom.lead, claim)
    assert case.final.label == S and case.final.decided_by == "Lena"
    assert case.final.rationale == "The budget line shows 3 million."
    assert [(h.old_label, h.new_label) for h in case.history] == [(D, S), (None, D)]
    assert case.history[0].actor == "Lena"
    assert case.changed_since_decision


@pytest.mark.parametrize(("which", "message"), [("missing", "no claim"), ("heading", "not a claim")])
def test_claim_case_of_a_missing_or_non_claim_unit(newsroom: ReviewedNewsroom, which: str, message: str):
    claim = newsroom.claims[0]
    if which == "missing":
        claim = 999_999
    else:
        with newsroom.db.transaction() as session:
            session.execute(update(Claim).where(Claim.id == claim).values(kind="heading"))
    with newsroom.db.session() as session, pytest.raises(AdjudicationError, match=message):
        claim_case(session, newsroom.lead, claim)


# --- recording, changing, clearing -------------------------------------------------------------


def test_record_then_change_then_nothing_to_change(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[1]
    with newsroom.db.transaction() as session:
        assert record_final_verdict(session, newsroom.lead, claim, D).action == "create"
    with newsroom.db.transaction() as session:
        assert record_final_verdict(session, newsroom.lead, claim, E, "  framing, not a fact  ").action == "update"
    with newsroom.db.transaction() as session:
        assert record_final_verdict(session, newsroom.lead, claim, E, "framing, not a fact").action is None
    assert newsroom.finals() == {claim: (E, "framing, not a fact")}
    lead = newsroom.lead.id
    assert newsroom.history(claim) == [(None, D, "", lead), (D, E, "framing, not a fact", lead)]


def test_a_decision_made_meanwhile_by_another_lead_is_never_replaced_unseen(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[1]
    with newsroom.db.transaction() as session:
        other = Actor.of(create_reviewer(session, "Omar", None, "lead", actor=Actor.operator()))
        record_final_verdict(session, other, claim, D)
    with pytest.raises(DecidedMeanwhile, match="Omar recorded Disputed"), newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, claim, S, "Ann is right.", expected_final=None)
    assert newsroom.finals() == {claim: (D, "")}
    with newsroom.db.transaction() as session:  # the page now shows Omar's decision: replaced knowingly
        record_final_verdict(session, newsroom.lead, claim, S, "Ann is right.", expected_final=(D, ""))
    with newsroom.db.transaction() as session:
        clear_final_verdict(session, other, claim)
    with pytest.raises(DecidedMeanwhile, match="cleared"), newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, claim, E, "Framing.", expected_final=(S, "Ann is right."))
    assert newsroom.finals() == {}


def test_reviewers_verdicts_are_untouched(newsroom: ReviewedNewsroom):
    before = newsroom.verdict_rows()
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, newsroom.claims[1], E, "Lead knows better")
        accept_unanimous(session, newsroom.lead)
        clear_final_verdict(session, newsroom.lead, newsroom.claims[1])
    assert newsroom.verdict_rows() == before


@pytest.mark.parametrize(
    ("index", "label"),
    [(1, S), (5, S), (5, E), (1, E)],  # against a 2-1 majority; a 1-1 tie has no majority
)
def test_overriding_the_majority_needs_a_rationale(newsroom: ReviewedNewsroom, index: int, label: str):
    claim = newsroom.claims[index]
    with newsroom.db.transaction() as session, pytest.raises(AdjudicationError, match="rationale"):
        record_final_verdict(session, newsroom.lead, claim, label, "   ")
    assert newsroom.finals() == {} and newsroom.history(claim) == []
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, claim, label, "Checked the source myself.")
    assert newsroom.finals()[claim][0] == label


def test_agreeing_with_the_majority_needs_no_rationale(newsroom: ReviewedNewsroom):
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, newsroom.claims[2], D)
    assert newsroom.finals() == {newsroom.claims[2]: (D, "")}


@pytest.mark.parametrize(
    ("claim", "label", "rationale", "message"),
    [
        (0, "true", "x", "Unknown label"),
        (None, S, "x", "no claim"),
        (0, S, "x" * (MAX_RATIONALE_CHARS + 1), "at most"),
    ],
)
def test_bad_final_verdicts_change_nothing(newsroom: ReviewedNewsroom, claim, label, rationale, message):
    claim_id = 424_242 if claim is None else newsroom.claims[claim]
    with newsroom.db.transaction() as session, pytest.raises(AdjudicationError, match=message):
        record_final_verdict(session, newsroom.lead, claim_id, label, rationale)
    assert newsroom.finals() == {}


def test_clear_records_what_it_was_and_why(newsroom: ReviewedNewsroom):
    claim = newsroom.claims[1]
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, claim, D)
    with newsroom.db.transaction() as session:
        assert clear_final_verdict(session, newsroom.lead, claim, "New evidence came in.")
    with newsroom.db.transaction() as session:
        assert not clear_final_verdict(session, newsroom.lead, claim)
    assert newsroom.finals() == {}
    assert newsroom.history(claim)[-1] == (D, None, "New evidence came in.", newsroom.lead.id)
    assert claim in [item.claim_id for item in queue(newsroom).items]


# --- accepting unanimous claims in bulk --------------------------------------------------------


def test_accept_unanimous_everywhere(newsroom: ReviewedNewsroom):
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, newsroom.claims[4], E, "Audited: framing.")
    with newsroom.db.transaction() as session:
        assert accept_unanimous(session, newsroom.lead) == 3
    finals = newsroom.finals()
    for index, label in UNANIMOUS.items():
        expected = E if index == 4 else label  # the audited decision is kept
        assert finals[newsroom.claims[index]][0] == expected
    assert not set(newsroom.ids(DISPUTED)) & set(finals)
    reviewers = {0: 3, 3: 2, 6: 2}
    for index, count in reviewers.items():
        assert finals[newsroom.claims[index]][1] == f"Accepted as unanimous: {count} reviewers agreed."
        assert newsroom.history(newsroom.claims[index]) == [
            (None, UNANIMOUS[index], f"Accepted as unanimous: {count} reviewers agreed.", newsroom.lead.id)
        ]
    with newsroom.db.transaction() as session:
        assert accept_unanimous(session, newsroom.lead) == 0


def test_accept_unanimous_in_one_collection(newsroom: ReviewedNewsroom):
    with newsroom.db.transaction() as session:
        assert accept_unanimous(session, newsroom.lead, collection_id=newsroom.collections["Sport"]) == 2
    assert set(newsroom.finals()) == set(newsroom.ids([4, 6]))


def test_accept_listed_unanimous_claims(newsroom: ReviewedNewsroom):
    with newsroom.db.transaction() as session:
        assert accept_unanimous(session, newsroom.lead, claim_ids=newsroom.ids([0, 3])) == 2
        assert accept_unanimous(session, newsroom.lead, claim_ids=[]) == 0
    assert set(newsroom.finals()) == set(newsroom.ids([0, 3]))


def test_accept_listed_claims_refuses_a_disputed_one_and_changes_nothing(newsroom: ReviewedNewsroom):
    with (
        pytest.raises(AdjudicationError, match=f"Not unanimous.*{newsroom.claims[1]}"),
        newsroom.db.transaction() as session,
    ):
        accept_unanimous(session, newsroom.lead, claim_ids=newsroom.ids([0, 1, 3]))
    assert newsroom.finals() == {}
    with newsroom.db.session() as session:
        assert session.scalar(select(func.count()).select_from(FinalVerdictHistory)) == 0


# --- permissions -------------------------------------------------------------------------------


LEAD_ONLY = {
    "queue": lambda session, actor, claim: adjudication_queue(session, actor),
    "counts": lambda session, actor, claim: queue_counts(session, actor),
    "case": lambda session, actor, claim: claim_case(session, actor, claim),
    "record": lambda session, actor, claim: record_final_verdict(session, actor, claim, D, "because"),
    "clear": lambda session, actor, claim: clear_final_verdict(session, actor, claim),
    "accept": lambda session, actor, claim: accept_unanimous(session, actor),
    "accept listed": lambda session, actor, claim: accept_unanimous(session, actor, claim_ids=[claim]),
}


@pytest.mark.parametrize("action", list(LEAD_ONLY))
def test_reviewers_cannot_adjudicate(newsroom: ReviewedNewsroom, action: str):
    claim = newsroom.claims[0]
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, claim, S)
    before = newsroom.finals()
    with newsroom.db.transaction() as session, pytest.raises(PermissionDenied):
        LEAD_ONLY[action](session, newsroom.reviewers["ann"], claim)
    assert newsroom.finals() == before
    assert len(newsroom.history(claim)) == 1


@pytest.mark.parametrize(
    ("counts", "expected"),
    [({S: 2, D: 1}, S), ({S: 1, D: 1}, None), ({S: 0, D: 0}, None), ({S: 1, D: 1, E: 3}, E)],
)
def test_majority_label(counts, expected):
    assert majority_label(counts) == expected

"""The review queue core: order, assignment, per-claim caps, context, progress, blind review, back, undo."""

from __future__ import annotations

import threading

import pytest
from builders import claim_ids
from sqlalchemy import func, select

from workbench.access import Actor, PermissionDenied
from workbench.assignment import assign, set_active, set_reviewers_per_claim
from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.models import Article, Claim, Verdict, VerdictHistory
from workbench.review import (
    QueueScope,
    SavedVerdict,
    VerdictState,
    article_progress,
    claim_context,
    claim_needs_reviewer,
    my_articles,
    my_verdicts,
    next_claim_id,
    others_verdicts,
    overall_progress,
    previous_verdict,
    resume_cursor,
    submit_verdict,
    undo,
    verdict_history,
)
from workbench.verdicts import AlreadyLabelled, StaleClaim, VerdictError

ARTICLE_ONE = "Alpha is one. Beta is two.\n\nGamma is three. Delta is four.\n\nEpsilon is five."
ARTICLE_TWO = "Zeta is six. Eta is seven."


def ingest(db: Database, *texts: str, collection: str = "default") -> list[int]:
    documents = [
        Document(source=f"doc{i}.txt", text=text, title=f"Title {i}")
        for i, text in enumerate(texts)
    ]
    return ingest_documents(db, documents, collection=collection).article_ids


def label(
    db: Database, actor: Actor, claim_id: int, value: str = "supported", **kwargs
) -> SavedVerdict:
    with db.transaction() as session:
        return submit_verdict(session, actor, claim_id, value, **kwargs)


def next_for(db: Database, actor: Actor, **kwargs) -> int | None:
    with db.session() as session:
        return next_claim_id(session, actor, **kwargs)


def test_queue_serves_claims_in_article_order_and_skips_reviewed(db, team):
    first, second = ingest(db, ARTICLE_ONE, ARTICLE_TWO)
    order = claim_ids(db, first) + claim_ids(db, second)
    ana = team["ana"]
    seen, cursor = [], None
    while (claim_id := next_for(db, ana, after=cursor)) is not None:
        seen.append(claim_id)
        label(db, ana, claim_id)
        with db.session() as session:
            cursor = claim_context(session, claim_id).cursor
    assert seen == order
    assert next_for(db, team["ben"]) == order[0]


def test_queue_wraps_around_to_earlier_claims_left_open(db, team):
    article = ingest(db, ARTICLE_ONE)[0]
    claims = claim_ids(db, article)
    ana = team["ana"]
    with db.session() as session:
        last = claim_context(session, claims[-1]).cursor
    assert next_for(db, ana, after=last) == claims[0]
    for claim_id in claims[1:]:
        label(db, ana, claim_id)
    assert next_for(db, ana, after=last) == claims[0]
    label(db, ana, claims[0])
    assert next_for(db, ana, after=last) is None


def test_exclude_skips_and_scope_limits(db, team):
    first, second = ingest(db, ARTICLE_ONE, ARTICLE_TWO)
    claims_one, claims_two = claim_ids(db, first), claim_ids(db, second)
    ana = team["ana"]
    assert next_for(db, ana, exclude=[claims_one[0]]) == claims_one[1]
    assert next_for(db, ana, scope=QueueScope(article_id=second)) == claims_two[0]
    assert next_for(db, ana, scope=QueueScope(article_id=second), exclude=claims_two) is None


def test_non_claim_units_never_reach_the_queue(db, team):
    article = ingest(db, "Headline words here\n\nThe council said it will vote on Monday.")[0]
    with db.transaction() as session:
        units = session.scalars(
            select(Claim).where(Claim.article_id == article).order_by(Claim.position)
        ).all()
        for unit in units:
            unit.kind = "boilerplate"
        units[-1].kind = "claim"
        expected = units[-1].id
    assert next_for(db, team["ana"]) == expected


def test_assigned_collections_are_reserved_and_open_ones_shared(db, team):
    (assigned_article,) = ingest(db, ARTICLE_TWO, collection="assigned")
    (open_article,) = ingest(db, ARTICLE_ONE, collection="open")
    with db.transaction() as session:
        collection_id = session.get(Article, assigned_article).collection_id
        assign(session, collection_id, [team["ana"].id], actor=team["lena"])
    assert next_for(db, team["ana"]) == claim_ids(db, assigned_article)[0]
    assert next_for(db, team["ben"]) == claim_ids(db, open_article)[0]
    assert next_for(db, team["ben"], scope=QueueScope(collection_id=collection_id)) is None
    with pytest.raises(PermissionDenied, match="not assigned"):
        label(db, team["ben"], claim_ids(db, assigned_article)[0])
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Verdict)) == 0


@pytest.mark.parametrize("per_claim, ben_sees_first", [(1, False), (2, True), (None, True)])
def test_claim_with_enough_verdicts_leaves_other_queues(db, team, per_claim, ben_sees_first):
    (article,) = ingest(db, ARTICLE_TWO, collection="story")
    claims = claim_ids(db, article)
    with db.transaction() as session:
        collection_id = session.get(Article, article).collection_id
        assign(session, collection_id, [team["ana"].id, team["ben"].id], actor=team["lena"])
        set_reviewers_per_claim(session, collection_id, per_claim, actor=team["lena"])
    label(db, team["ana"], claims[0])
    assert next_for(db, team["ben"]) == (claims[0] if ben_sees_first else claims[1])


def test_a_full_claim_still_accepts_a_verdict_already_on_screen(db, team):
    """Two reviewers on the last open slot: both verdicts are kept."""
    (article,) = ingest(db, ARTICLE_TWO, collection="story")
    claim = claim_ids(db, article)[0]
    with db.transaction() as session:
        collection_id = session.get(Article, article).collection_id
        set_reviewers_per_claim(session, collection_id, 1, actor=team["lena"])
    assert next_for(db, team["ana"]) == claim == next_for(db, team["ben"])
    label(db, team["ana"], claim, "supported")
    with db.session() as session:
        assert claim_needs_reviewer(session, team["ben"], claim)
    label(db, team["ben"], claim, "disputed")
    with db.session() as session:
        labels = sorted(session.scalars(select(Verdict.label).where(Verdict.claim_id == claim)))
    assert labels == ["disputed", "supported"]


def test_concurrent_last_slot_keeps_both_verdicts(db, team):
    (article,) = ingest(db, ARTICLE_TWO, collection="story")
    claim = claim_ids(db, article)[0]
    with db.transaction() as session:
        set_reviewers_per_claim(
            session, session.get(Article, article).collection_id, 1, actor=team["lena"]
        )
    barrier, errors = threading.Barrier(2), []

    def review(actor: Actor, value: str) -> None:
        try:
            barrier.wait()
            label(db, actor, claim, value)
        except Exception as error:  # noqa: BLE001  (any failure is reported by the assertion below)
            errors.append(error)

    threads = [
        threading.Thread(target=review, args=(team[name], value))
        for name, value in [("ana", "supported"), ("ben", "disputed")]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Verdict).where(Verdict.claim_id == claim)
            )
            == 2
        )


def test_context_holds_the_paragraph_and_neighbours(db, team):
    (article,) = ingest(db, ARTICLE_ONE)
    alpha, _, gamma, delta, _ = claim_ids(db, article)
    with db.session() as session:
        context = claim_context(session, gamma)
        assert (context.paragraph_before, context.claim_text, context.paragraph_after) == (
            "",
            "Gamma is three.",
            "Delta is four.",
        )
        assert (context.previous_unit, context.next_unit) == ("Beta is two.", "Epsilon is five.")
        assert (
            context.title == "Title 0"
            and context.source == "doc0.txt"
            and context.collection_name == "default"
        )
        delta_context = claim_context(session, delta)
        assert (
            delta_context.paragraph_before == "Gamma is three."
            and delta_context.paragraph_after == ""
        )
        first = claim_context(session, alpha)
        assert first.previous_unit is None and first.paragraph_after == "Beta is two."
        assert claim_context(session, 10_000) is None


def test_context_of_a_very_long_paragraph_is_bounded(db, team):
    text = " ".join(f"Sentence number {i} is here." for i in range(60))
    (article,) = ingest(db, text)
    middle = claim_ids(db, article)[30]
    with db.session() as session:
        context = claim_context(session, middle)
    assert context.claim_text == "Sentence number 30 is here."
    assert context.paragraph_truncated_before and context.paragraph_truncated_after
    assert "Sentence number 22 is here." in context.paragraph_before
    assert "Sentence number 21 is here." not in context.paragraph_before
    assert context.paragraph_after.endswith("Sentence number 38 is here.")


def test_progress_counts_only_this_reviewers_claims(db, team):
    first, second = ingest(db, ARTICLE_ONE, ARTICLE_TWO)
    for claim_id in claim_ids(db, first)[:2]:
        label(db, team["ana"], claim_id)
    label(db, team["ben"], claim_ids(db, second)[0])
    with db.session() as session:
        progress = article_progress(session, team["ana"], first)
        assert (progress.done, progress.total) == (2, 5)
        assert article_progress(session, team["ben"], first).done == 0
        overall = overall_progress(session, team["ana"])
        assert (overall.done, overall.total) == (2, 7)
        assert overall.fraction == pytest.approx(2 / 7)
        assert overall_progress(session, team["ana"], QueueScope(article_id=second)).done == 0


def test_blind_review_hides_others_until_own_verdict(db, team):
    (article,) = ingest(db, ARTICLE_TWO)
    claim = claim_ids(db, article)[0]
    label(db, team["ben"], claim, "disputed", note="<b>source?</b>")
    with db.session() as session:
        assert others_verdicts(session, team["ana"], claim).hidden
        assert others_verdicts(session, team["lena"], claim).hidden, "a lead who reviews is blind too"
    label(db, team["lena"], claim, "disputed")
    with db.session() as session:
        lead_view = others_verdicts(session, team["lena"], claim)
        assert not lead_view.hidden and [(v.reviewer, v.label) for v in lead_view.verdicts] == [
            ("ben", "disputed")
        ]
    label(db, team["ana"], claim, "supported")
    with db.session() as session:
        view = others_verdicts(session, team["ana"], claim)
    assert not view.hidden
    assert [(v.reviewer, v.label, v.note) for v in view.verdicts] == [
        ("ben", "disputed", "<b>source?</b>"), ("lena", "disputed", "")
    ]


def test_undo_withdraws_a_new_verdict_and_restores_a_changed_one(db, team):
    (article,) = ingest(db, ARTICLE_TWO)
    claim = claim_ids(db, article)[0]
    ana = team["ana"]
    created = label(db, ana, claim, "supported", note="first")
    assert created.before is None and created.after == VerdictState("supported", "first", ())
    changed = label(db, ana, claim, "disputed", note="second", evidence="https://example.org/a")
    assert changed.before == VerdictState("supported", "first", ())
    with db.transaction() as session:
        undo(session, ana, changed)
    with db.session() as session:
        verdict = session.scalar(select(Verdict).where(Verdict.claim_id == claim))
        assert (verdict.label, verdict.note, verdict.evidence) == ("supported", "first", [])
    with db.transaction() as session:
        undo(session, ana, created)
    with db.session() as session:
        assert session.scalar(select(Verdict).where(Verdict.claim_id == claim)) is None
        actions = [h.action for h in verdict_history(session, ana, claim)]
    assert actions == ["delete", "update", "update", "create"]
    assert next_for(db, ana) == claim


def test_undo_refuses_when_the_verdict_changed_since(db, team):
    (article,) = ingest(db, ARTICLE_TWO)
    claim = claim_ids(db, article)[0]
    saved = label(db, team["ana"], claim, "supported")
    label(db, team["ana"], claim, "disputed")
    with pytest.raises(VerdictError, match="changed since"), db.transaction() as session:
        undo(session, team["ana"], saved)
    with db.session() as session:
        assert session.scalar(select(Verdict.label).where(Verdict.claim_id == claim)) == "disputed"


def test_undo_of_a_verdict_withdrawn_since_says_it_is_gone(db, team):
    from workbench.verdicts import delete_verdict

    (article,) = ingest(db, ARTICLE_TWO)
    claim = claim_ids(db, article)[0]
    saved = label(db, team["ana"], claim, "supported")
    with db.transaction() as session:
        delete_verdict(session, team["ana"], claim)
    with pytest.raises(VerdictError, match="no longer there .* nothing was undone"), db.transaction() as session:
        undo(session, team["ana"], saved)


def test_a_queue_press_never_replaces_a_verdict_given_meanwhile(db, team):
    """``expect_unlabelled``: the page showed the claim unlabelled, so a verdict given since (another
    tab) is refused by name and left as it was; without it, a change is deliberate and saved."""
    (article,) = ingest(db, ARTICLE_TWO)
    claim = claim_ids(db, article)[0]
    label(db, team["ana"], claim, "supported")
    with pytest.raises(AlreadyLabelled, match="already labelled this claim Supported"), db.transaction() as session:
        submit_verdict(session, team["ana"], claim, "disputed", expect_unlabelled=True)
    with db.session() as session:
        assert session.scalar(select(Verdict.label).where(Verdict.claim_id == claim)) == "supported"
    with db.transaction() as session:
        submit_verdict(session, team["ana"], claim, "disputed")
    with db.session() as session:
        assert session.scalar(select(Verdict.label).where(Verdict.claim_id == claim)) == "disputed"


def test_back_walks_through_earlier_verdicts_and_resume_cursor(db, team):
    (article,) = ingest(db, ARTICLE_ONE)
    claims = claim_ids(db, article)
    for claim_id in claims[:3]:
        label(db, team["ana"], claim_id)
    label(db, team["ben"], claims[4])
    with db.session() as session:
        latest = previous_verdict(session, team["ana"])
        earlier = previous_verdict(session, team["ana"], latest.id)
        first = previous_verdict(session, team["ana"], earlier.id)
        assert [latest.claim_id, earlier.claim_id, first.claim_id] == claims[2::-1]
        assert previous_verdict(session, team["ana"], first.id) is None
        assert resume_cursor(session, team["ana"]) == claim_context(session, claims[2]).cursor
        assert resume_cursor(session, team["lena"]) is None


def test_stale_claim_and_bad_input_change_nothing(db, team):
    (article,) = ingest(db, ARTICLE_TWO)
    claim = claim_ids(db, article)[0]
    with db.transaction() as session:
        session.get(Claim, claim).version = 2
    with pytest.raises(StaleClaim):
        label(db, team["ana"], claim, expected_version=1)
    with pytest.raises(VerdictError, match="http"):
        label(db, team["ana"], claim, evidence="javascript:alert(1)")
    with pytest.raises(VerdictError, match="Unknown label"):
        label(db, team["ana"], claim, "maybe")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Verdict)) == 0
        assert session.scalar(select(func.count()).select_from(VerdictHistory)) == 0


def test_a_deactivated_account_cannot_save(db, team):
    (article,) = ingest(db, ARTICLE_TWO)
    with db.transaction() as session:
        set_active(session, team["ana"].id, False, actor=team["lena"])
    with pytest.raises(PermissionDenied, match="deactivated"):
        label(db, team["ana"], claim_ids(db, article)[0])


def test_a_forged_actor_cannot_write_under_another_name(db, team):
    """An Actor whose role or name does not match the account is refused, not trusted."""
    (article,) = ingest(db, ARTICLE_TWO)
    forged = Actor(id=team["ana"].id, name="ana", role="lead")
    with pytest.raises(PermissionDenied):
        label(db, forged, claim_ids(db, article)[0])


def test_my_verdicts_filters_and_pages(db, team):
    first, second = ingest(db, ARTICLE_ONE, ARTICLE_TWO)
    claims = claim_ids(db, first) + claim_ids(db, second)
    values = [
        "supported",
        "disputed",
        "editorial_framing",
        "supported",
        "disputed",
        "supported",
        "disputed",
    ]
    for claim_id, value in zip(claims, values):
        label(db, team["ana"], claim_id, value)
    label(db, team["ben"], claims[0], "disputed")
    with db.session() as session:
        rows, total = my_verdicts(session, team["ana"])
        assert total == 7 and len(rows) == 7 and rows[0].claim_id == claims[-1]
        rows, total = my_verdicts(session, team["ana"], labels=["supported"])
        assert total == 3 and {row.label for row in rows} == {"supported"}
        rows, total = my_verdicts(
            session, team["ana"], article_id=second, labels=["disputed", "supported"]
        )
        assert total == 2 and {row.article_id for row in rows} == {second}
        page, total = my_verdicts(session, team["ana"], limit=3, offset=6)
        assert total == 7 and [row.claim_id for row in page] == [claims[0]]
        assert [article_id for article_id, _ in my_articles(session, team["ana"])] == [
            first,
            second,
        ]
        with pytest.raises(VerdictError):
            my_verdicts(session, team["ana"], labels=["nonsense"])

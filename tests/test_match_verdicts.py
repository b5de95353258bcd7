"""Using matches: a verdict applied from a match, linked groups, a final verdict per group."""

from __future__ import annotations

import io
import json

import pytest
from builders import chained_lawsuit_claims, quote_claims
from sqlalchemy import select

from workbench.access import Actor
from workbench.adjudication import record_final_verdict
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.export import write_export
from workbench.export_options import ExportOptions
from workbench.extract import load_pipeline
from workbench.ingest import Document, ingest_documents
from workbench.match_verdicts import (
    apply_final_to_group,
    apply_match_verdict,
    group_final_preview,
    group_of,
    match_offers,
)
from workbench.matching import MATCH_ACTION, MatchError, applied_from_match, decide_match, list_matches, match_groups
from workbench.models import Claim, ClaimMatch, FinalVerdict, Verdict, VerdictHistory
from workbench.review import submit_verdict
from workbench.verdicts import AlreadyLabelled


def person(db: Database, name: str, role: str = "reviewer") -> Actor:
    with db.transaction() as session:
        return Actor.of(create_reviewer(session, name, None, role, actor=Actor.operator()))


def test_a_verdict_applied_from_a_match_is_the_reviewers_own_and_marked(db: Database) -> None:
    first, second, third = quote_claims(db)
    rita, other = person(db, "Rita"), person(db, "Otto")
    with db.transaction() as session:
        assert match_offers(session, rita, second) == []
        submit_verdict(session, rita, first, "disputed", "Numbers differ elsewhere.", "https://example.org/x")
        submit_verdict(session, other, third, "supported")  # blind review: never offered to Rita
    with db.transaction() as session:
        [offer] = match_offers(session, rita, second)
        assert (offer.source_claim_id, offer.label, offer.note, offer.linked) == (first, "disputed", "Numbers differ elsewhere.", True)
        saved = apply_match_verdict(session, rita, second, first)
        assert saved.before is None and saved.after.label == "disputed"
    with db.read_session() as session:
        history = session.scalars(select(VerdictHistory).where(VerdictHistory.claim_id == second)).all()
        assert [(h.action, h.reviewer_id, h.new_label, h.new_note, h.source_claim_id) for h in history] == [
            (MATCH_ACTION, rita.id, "disputed", "Numbers differ elsewhere.", first)
        ]
        assert applied_from_match(session) == {(second, rita.id)}
    with db.transaction() as session:  # changed by hand: an ordinary judgement again
        submit_verdict(session, rita, second, "supported")
    with db.read_session() as session:
        assert applied_from_match(session) == set()


def test_a_match_verdict_from_a_queue_card_never_replaces_one_given_meanwhile(db: Database) -> None:
    first, second, _ = quote_claims(db)
    rita = person(db, "Rita")
    with db.transaction() as session:
        submit_verdict(session, rita, first, "disputed")
        submit_verdict(session, rita, second, "supported")  # meanwhile, in another tab
    with db.transaction() as session, pytest.raises(AlreadyLabelled, match="already labelled this claim Supported"):
        apply_match_verdict(session, rita, second, first, expect_unlabelled=True)
    with db.read_session() as session:
        assert session.scalar(select(Verdict.label).where(Verdict.claim_id == second)) == "supported"


def test_a_match_verdict_changed_in_another_tab_since_it_was_offered_is_not_applied(db: Database) -> None:
    first, second, _ = quote_claims(db)
    rita = person(db, "Rita")
    with db.transaction() as session:
        submit_verdict(session, rita, first, "supported")
    with db.transaction() as session:
        (offered,) = match_offers(session, rita, second)
        submit_verdict(session, rita, first, "disputed")  # changed meanwhile, in another tab
    with db.transaction() as session, pytest.raises(MatchError, match="now Disputed, not Supported: nothing was saved"):
        apply_match_verdict(session, rita, second, first, expected_label=offered.label)
    with db.transaction() as session:
        assert session.scalar(select(Verdict.label).where(Verdict.claim_id == second)) is None
        saved = apply_match_verdict(session, rita, second, first, expected_label="disputed")
        assert saved.after.label == "disputed"


def test_nothing_is_applied_from_a_rejected_match_or_without_an_own_verdict(db: Database) -> None:
    first, second, _ = quote_claims(db)
    rita, lead = person(db, "Rita"), person(db, "Lena", "lead")
    with db.transaction() as session, pytest.raises(MatchError):
        apply_match_verdict(session, rita, second, first)
    with db.transaction() as session:
        submit_verdict(session, rita, first, "supported")
        match = next(row for row in list_matches(session, "news") if {row.claim_a, row.claim_b} == {first, second})
        decide_match(session, lead, match.id, "rejected")
    with db.transaction() as session, pytest.raises(MatchError):
        apply_match_verdict(session, rita, second, first)
    with db.read_session() as session:
        assert session.scalars(select(VerdictHistory).where(VerdictHistory.claim_id == second)).all() == []


def test_groups_are_components_with_a_stable_id_and_rejecting_splits_them(db: Database) -> None:
    first, second, third = quote_claims(db)
    lead = person(db, "Lena", "lead")
    with db.read_session() as session:
        assert {match_groups(session)[claim] for claim in (first, second, third)} == {f"G{first}"}
        assert group_of(session, third) == [first, second, third]
    with db.transaction() as session:
        for row in list_matches(session, "news"):
            if third in (row.claim_a, row.claim_b):
                decide_match(session, lead, row.id, "rejected")
    with db.read_session() as session:
        groups = match_groups(session)
        assert groups[first] == groups[second] == f"G{first}" and third not in groups


def test_a_final_verdict_goes_to_the_whole_group_after_a_preview(db: Database) -> None:
    first, second, third = quote_claims(db)
    lead, rita = person(db, "Lena", "lead"), person(db, "Rita")
    with db.transaction() as session:
        submit_verdict(session, rita, first, "supported")
        record_final_verdict(session, lead, second, "supported", "Checked.")
    with db.read_session() as session:
        preview = group_final_preview(session, lead, first, "supported")
        assert [(c.claim_id, c.before, c.changes) for c in preview] == [
            (first, None, True), (second, "supported", False), (third, None, True)
        ]
        with pytest.raises(Exception):
            group_final_preview(session, rita, first, "supported")
    with db.transaction() as session, pytest.raises(MatchError):
        apply_final_to_group(session, lead, first, "supported", expected_claims=[first, second])
    with db.transaction() as session:
        changes = apply_final_to_group(session, lead, first, "supported", "Same quote.", expected_claims=[first, second, third])
        assert [(change.claim_id, change.action) for change in changes] == [(first, "create"), (third, "create")]
    with db.read_session() as session:
        assert dict(session.execute(select(FinalVerdict.claim_id, FinalVerdict.label)).all()) == {
            first: "supported", second: "supported", third: "supported"
        }


def test_agreement_leaves_out_verdicts_applied_from_a_match_unless_asked(db: Database) -> None:
    from click.testing import CliRunner

    from workbench.agreement_data import RatingFilter, load_rating_table
    from workbench.cli import main

    first, second, _ = quote_claims(db)
    rita, otto = person(db, "Rita"), person(db, "Otto")
    with db.transaction() as session:
        submit_verdict(session, rita, first, "supported")
        submit_verdict(session, otto, first, "supported")
        submit_verdict(session, otto, second, "disputed")
        apply_match_verdict(session, rita, second, first)
    with db.read_session() as session:
        default = load_rating_table(session)
        included = load_rating_table(session, RatingFilter(include_match_applied=True))
    assert (default.n_ratings, included.n_ratings) == (3, 4)
    assert default.notes == ["1 verdict applied from a match was left out (not independent judgements)."]
    assert included.notes == ["1 verdict applied from a match is included (not independent judgements)."]
    runner = CliRunner()
    plain = runner.invoke(main, ["--database", db.url, "agreement", "--format", "json", "--resamples", "0"])
    counted = runner.invoke(main, ["--database", db.url, "agreement", "--format", "json", "--resamples", "0",
                                   "--include-match-applied"])
    assert plain.exit_code == 0 and counted.exit_code == 0, plain.output + counted.output
    assert '"n_ratings": 3' in plain.output and '"n_ratings": 4' in counted.output
    assert "left out" in plain.output


def test_exports_carry_the_group_and_claimreview_gives_one_review_per_group(db: Database) -> None:
    import csv
    import io
    import json

    from workbench.export import write_export
    from workbench.export_options import ExportOptions

    first, second, third = quote_claims(db)
    lead, rita = person(db, "Lena", "lead"), person(db, "Rita")
    with db.transaction() as session:
        submit_verdict(session, rita, first, "supported")
        apply_final_to_group(session, lead, first, "supported", "Same quote.")
        shelters = session.scalar(select(Claim.id).where(Claim.text.like("Officials opened shelters%")))
        record_final_verdict(session, lead, shelters, "disputed", "Only two towns.")

    def export(**options) -> str:
        stream = io.StringIO()
        write_export(db, stream, ExportOptions(**options))
        return stream.getvalue()

    for layout in ("long", "wide", "final"):
        rows = {int(row["claim_id"]): row for row in csv.DictReader(io.StringIO(export(layout=layout)))}
        assert rows[first]["match_group"] == f"G{first}"
        if layout != "long":
            assert rows[third]["match_group"] == f"G{first}" and rows[shelters]["match_group"] == ""
    reviews = [json.loads(line) for line in export(format="claimreview", layout="final").splitlines()]
    assert [review["identifier"] for review in reviews] == [f"claim-{shelters}", f"claim-{first}"]
    appearances = reviews[1]["itemReviewed"]["appearance"]
    assert [a["headline"] for a in appearances] == ["Storm hits coast", "Power cut", "Long night"]
    assert isinstance(reviews[0]["itemReviewed"]["appearance"], dict)


def test_a_lead_splits_a_claim_out_of_its_group(db: Database) -> None:
    from workbench.match_verdicts import detach_from_group

    first, second, third = quote_claims(db)
    lead, rita = person(db, "Lena", "lead"), person(db, "Rita")
    with db.transaction() as session, pytest.raises(Exception):
        detach_from_group(session, rita, third)
    with db.transaction() as session:
        assert detach_from_group(session, lead, third) == 2
    with db.read_session() as session:
        groups = match_groups(session)
        assert third not in groups and groups[second] == f"G{first}"


def test_a_lead_merges_two_groups(db: Database) -> None:
    from workbench.match_verdicts import detach_from_group, merge_groups

    first, second, third = quote_claims(db)
    lead, rita = person(db, "Lena", "lead"), person(db, "Rita")
    with db.transaction() as session:
        detach_from_group(session, lead, third)
    with db.transaction() as session, pytest.raises(Exception):
        merge_groups(session, rita, first, third)
    with db.transaction() as session:  # the closest stored match between the groups (rejected by the split) is confirmed
        match_id = merge_groups(session, lead, second, third)
    with db.read_session() as session:
        assert {match_groups(session)[claim] for claim in (first, second, third)} == {f"G{first}"}
        [merged] = [row for row in list_matches(session, "news") if row.id == match_id]
        assert (merged.status, merged.decided_by, third in (merged.claim_a, merged.claim_b)) == ("confirmed", "Lena", True)
        shelters, schools = (session.scalar(select(Claim.id).where(Claim.text.startswith(start)))
                             for start in ("Officials opened", "Schools stay"))
    with db.transaction() as session, pytest.raises(MatchError, match="already in one group"):
        merge_groups(session, lead, first, third)
    with db.transaction() as session:  # no stored match between them: one is recorded, confirmed
        merge_groups(session, lead, shelters, schools)
    with db.read_session() as session:
        groups = match_groups(session)
        assert groups[shelters] == groups[schools] == f"G{min(shelters, schools)}"
    with db.transaction() as session:  # first and shelters share an article, their groups do not
        match_id = merge_groups(session, lead, first, shelters)
    with db.read_session() as session:
        [merged] = [row for row in list_matches(session, "news") if row.id == match_id]
        assert merged.status == "confirmed" and {merged.claim_a, merged.claim_b} & {shelters, schools}
        articles = dict(session.execute(select(Claim.id, Claim.article_id)).all())
        assert articles[merged.claim_a] != articles[merged.claim_b]
        assert len(set(match_groups(session).values())) == 1
    with db.transaction() as session, pytest.raises(MatchError, match="one article"):
        merge_groups(session, lead, *singletons_of_one_article(db))


RIVER, BRIDGE = "The river rose two metres overnight after a week of rain.", "The old bridge was closed at dawn by the police."


def singletons_of_one_article(db: Database) -> list[int]:
    text = "Square\n\nA fox crossed the market square at noon today. A crowd watched it from the church steps."
    ingest_documents(db, [Document(source="fox.txt", text=text)], collection="news", nlp=load_pipeline())
    with db.read_session() as session:
        return [session.scalar(select(Claim.id).where(Claim.text.startswith(start))) for start in ("A fox", "A crowd")]


def test_merging_groups_whose_given_claims_share_an_article_matches_claims_of_two_others(db: Database) -> None:
    from workbench.match_verdicts import merge_groups

    documents = [
        Document(source="both.txt", text=f"Both\n\n{RIVER} {BRIDGE}"),
        Document(source="river.txt", text=f"River\n\n{RIVER}"),
        Document(source="bridge.txt", text=f"Bridge\n\n{BRIDGE}"),
    ]
    ingest_documents(db, documents, collection="news", nlp=load_pipeline())
    lead = person(db, "Lena", "lead")
    with db.read_session() as session:
        claims = {(text, article): claim for claim, text, article in session.execute(select(Claim.id, Claim.text, Claim.article_id))}
        first_article = min(article for _text, article in claims)
        river, bridge = claims[RIVER, first_article], claims[BRIDGE, first_article]
        assert len(group_of(session, river)) == len(group_of(session, bridge)) == 2
    with db.transaction() as session:
        match_id = merge_groups(session, lead, river, bridge)
    with db.read_session() as session:
        assert len(group_of(session, river)) == 4
        merged = session.get(ClaimMatch, match_id)
        articles = dict(session.execute(select(Claim.id, Claim.article_id)).all())
        assert articles[merged.claim_a_id] != articles[merged.claim_b_id] and merged.status == "confirmed"
    with db.transaction() as session:
        apply_final_to_group(session, lead, river, "supported", "Both reported by the police.")
    stream = io.StringIO()
    write_export(db, stream, ExportOptions(format="claimreview", layout="final"))
    (review,) = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [appearance["headline"] for appearance in review["itemReviewed"]["appearance"]] == ["Both", "River", "Bridge"]



def test_a_group_verdict_leaves_out_a_claim_of_the_group_that_states_a_different_fact(db: Database) -> None:
    """Groups join through pairs: $25 million and $30 million meet through a claim naming no sum."""
    twenty_five, no_sum, thirty = chained_lawsuit_claims(db)
    lead = person(db, "Lena", "lead")
    with db.transaction() as session:
        assert group_of(session, twenty_five) == sorted([twenty_five, no_sum, thirty])
        preview = {change.claim_id: change for change in group_final_preview(session, lead, twenty_five, "supported")}
        assert preview[thirty].conflict == "number: 25 vs 30"
        assert not preview[thirty].changes and preview[no_sum].changes and not preview[no_sum].conflict
        applied = apply_final_to_group(session, lead, twenty_five, "supported", "Court records.")
    assert sorted(change.claim_id for change in applied) == sorted([twenty_five, no_sum])
    with db.read_session() as session:
        finals = dict(session.execute(select(FinalVerdict.claim_id, FinalVerdict.label)).all())
    assert finals == {twenty_five: "supported", no_sum: "supported"}


def test_claimreview_never_presents_two_different_facts_of_one_group_as_one_claim(db: Database) -> None:
    twenty_five, no_sum, thirty = chained_lawsuit_claims(db)
    lead = person(db, "Lena", "lead")
    with db.transaction() as session:
        for claim_id in (twenty_five, no_sum, thirty):
            record_final_verdict(session, lead, claim_id, "supported", "Court records.")
    stream = io.StringIO()
    write_export(db, stream, ExportOptions(format="claimreview", layout="final"))
    reviews = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [review["identifier"] for review in reviews] == [f"claim-{twenty_five}", f"claim-{thirty}"]
    assert [len(review["itemReviewed"]["appearance"]) for review in reviews[:1]] == [2]
    assert isinstance(reviews[1]["itemReviewed"]["appearance"], dict)

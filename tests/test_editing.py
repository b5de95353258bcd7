"""A lead fixing the extraction: re-kind, merge and split units without losing verdicts."""

from __future__ import annotations

import random

import pytest
from builders import claim_ids, people
from sqlalchemy import func, select

from workbench.access import Actor, PermissionDenied
from workbench.edits import (
    EditError,
    EditImpact,
    check_units,
    edit_impact,
    merge_units,
    set_unit_kind,
    split_points,
    split_preview,
    split_unit,
)
from workbench.db import Database
from workbench.extract import load_pipeline
from workbench.ingest import Document, ingest_documents
from workbench.models import (
    Article,
    Claim,
    FinalVerdict,
    FinalVerdictHistory,
    Verdict,
    VerdictHistory,
)
from workbench.verdicts import StaleClaim, save_verdict

ARTICLE = (
    "Budget row deepens\n\n"
    "The minister said taxes rose by 4% in 2023. Unemployment fell to 3.1 percent last year.\n\n"
    "Critics called the budget reckless. The central bank kept rates unchanged. "
    "Exports grew for the third quarter in a row."
)
OTHER_ARTICLE = "A second article exists. It has two claims."


def ingest(db: Database, *texts: str) -> list[int]:
    documents = [Document(source=f"doc{index}.txt", text=text) for index, text in enumerate(texts)]
    return ingest_documents(db, documents, collection="news", nlp=load_pipeline()).article_ids


def units(db: Database, article_id: int) -> list[Claim]:
    with db.session() as session:
        return list(session.scalars(select(Claim).where(Claim.article_id == article_id).order_by(Claim.position)))


def problems(db: Database, article_id: int) -> list[str]:
    with db.session() as session:
        return check_units(session, article_id)


def verdict_rows(db: Database) -> dict[tuple[int, int], tuple]:
    """Every verdict, every column, keyed by (claim, reviewer)."""
    with db.session() as session:
        return {
            (v.claim_id, v.reviewer_id): (v.id, v.label, v.note, list(v.evidence), v.guideline_version, v.created_at, v.updated_at)
            for v in session.scalars(select(Verdict))
        }


def give(db: Database, actor: Actor, claim_id: int, label: str, note: str = "") -> None:
    with db.transaction() as session:
        save_verdict(session, actor, claim_id, label, note, ["https://example.org/source"])


@pytest.fixture
def setup(db: Database):
    """An article with a headline and five claims, another article, three people, verdicts on every claim."""
    lead, ann, bob = people(db)
    article_id, other_id = ingest(db, ARTICLE, OTHER_ARTICLE)
    with db.transaction() as session:  # the headline is a heading, whatever the extractor guessed
        session.scalar(select(Claim).where(Claim.article_id == article_id, Claim.position == 0)).kind = "heading"
    for claim_id in claim_ids(db, article_id) + claim_ids(db, other_id):
        give(db, ann, claim_id, "supported", f"ann on {claim_id}")
        give(db, bob, claim_id, "disputed", f"bob on {claim_id}")
    return db, lead, ann, bob, article_id, other_id


def test_fixture_article_has_the_expected_units(setup):
    db, *_, article_id, _ = setup
    kinds = [unit.kind for unit in units(db, article_id)]
    assert kinds == ["heading"] + ["claim"] * 5
    assert problems(db, article_id) == []


# --- set_unit_kind ------------------------------------------------------------------------------------


def test_marking_a_claim_as_non_claim_keeps_its_verdicts_and_back(setup):
    db, lead, _ann, _bob, article_id, _ = setup
    target = claim_ids(db, article_id)[1]
    before = verdict_rows(db)
    with db.transaction() as session:
        unit = set_unit_kind(session, lead, target, "boilerplate")
        assert unit.version == 2
    assert units(db, article_id)[2].kind == "boilerplate"
    assert verdict_rows(db) == before
    with db.transaction() as session:
        assert set_unit_kind(session, lead, target, "claim").version == 3
    assert target in claim_ids(db, article_id)
    assert verdict_rows(db) == before


def test_marking_a_title_as_claim_makes_it_reviewable(setup):
    db, lead, ann, _, article_id, _ = setup
    title = units(db, article_id)[0]
    with db.transaction() as session:
        set_unit_kind(session, lead, title.id, "claim")
    give(db, ann, title.id, "editorial_framing")
    assert verdict_rows(db)[(title.id, ann.id)][1] == "editorial_framing"


def test_setting_the_same_kind_changes_nothing(setup):
    db, lead, *_, article_id, _ = setup
    target = claim_ids(db, article_id)[0]
    with db.transaction() as session:
        assert set_unit_kind(session, lead, target, "claim").version == 1


def test_unknown_kind_is_refused(setup):
    db, lead, *_, article_id, _ = setup
    with pytest.raises(EditError, match="Unknown kind"), db.transaction() as session:
        set_unit_kind(session, lead, claim_ids(db, article_id)[0], "opinion")


# --- merge ------------------------------------------------------------------------------------------------


def test_merge_joins_neighbours_and_withdraws_only_their_verdicts(setup):
    db, lead, _ann, _bob, article_id, _other_id = setup
    before_units = units(db, article_id)
    first, second = before_units[1], before_units[2]
    before = verdict_rows(db)
    with db.transaction() as session:
        assert edit_impact(session, [first.id, second.id]).verdicts == 4
        merged = merge_units(session, lead, first.id, second.id)
        article_text = session.scalar(select(Article.text).where(Article.id == article_id))
    assert merged.id == first.id
    assert merged.text == article_text[first.start_char:second.end_char]
    assert merged.text.startswith(first.text) and merged.text.endswith(second.text)
    assert merged.version == first.version + 1
    after_units = units(db, article_id)
    assert len(after_units) == len(before_units) - 1
    assert [unit.id for unit in after_units] == [u.id for u in before_units if u.id != second.id]
    assert problems(db, article_id) == []
    after = verdict_rows(db)
    touched = {first.id, second.id}
    assert after == {key: row for key, row in before.items() if key[0] not in touched}


def test_merge_keeps_withdrawn_verdicts_and_old_history_in_history(setup):
    db, lead, ann, bob, article_id, _ = setup
    first, second = units(db, article_id)[3:5]
    with db.transaction() as session:
        merge_units(session, lead, first.id, second.id)
    with db.session() as session:
        history = session.scalars(
            select(VerdictHistory).where(VerdictHistory.claim_id == first.id).order_by(VerdictHistory.id)
        ).all()
    created = [h for h in history if h.action == "create"]
    withdrawn = [h for h in history if h.action == "edit"]
    assert len(created) == 4, "the deleted unit's history moved to the merged unit"
    assert {(h.reviewer_id, h.old_label, h.old_note) for h in withdrawn} == {
        (ann.id, "supported", f"ann on {first.id}"),
        (bob.id, "disputed", f"bob on {first.id}"),
        (ann.id, "supported", f"ann on {second.id}"),
        (bob.id, "disputed", f"bob on {second.id}"),
    }
    assert all(h.actor_id == lead.id and h.new_label is None for h in withdrawn)
    assert all(h.old_evidence == ["https://example.org/source"] for h in withdrawn)
    assert any(second.text in h.new_note for h in withdrawn), "the history says which text was judged"
    assert all("merged" in h.new_note for h in withdrawn)


def test_merge_accepts_units_in_either_order(setup):
    db, lead, *_, article_id, _ = setup
    first, second = units(db, article_id)[1:3]
    with db.transaction() as session:
        merged = merge_units(session, lead, second.id, first.id)
    assert merged.id == first.id and merged.start_char == first.start_char and merged.end_char == second.end_char


def test_merge_of_a_title_and_a_claim_is_a_claim(setup):
    db, lead, *_, article_id, _ = setup
    title, claim = units(db, article_id)[0:2]
    with db.transaction() as session:
        merged = merge_units(session, lead, title.id, claim.id)
    assert merged.kind == "claim" and "\n\n" in merged.text
    assert problems(db, article_id) == []


def test_merge_withdraws_a_final_verdict_into_history(setup):
    db, lead, _, _, article_id, _ = setup
    first, second = units(db, article_id)[1:3]
    with db.transaction() as session:
        session.add(FinalVerdict(claim_id=second.id, label="supported", rationale="checked", decided_by=lead.id))
        session.add(FinalVerdictHistory(claim_id=second.id, actor_id=lead.id, new_label="supported", new_rationale="checked"))
    with db.transaction() as session:
        assert edit_impact(session, [first.id, second.id]).final_verdicts == 1
        merge_units(session, lead, first.id, second.id)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(FinalVerdict)) == 0
        history = session.scalars(select(FinalVerdictHistory).order_by(FinalVerdictHistory.id)).all()
    assert [(h.claim_id, h.old_label, h.new_label) for h in history] == [
        (first.id, None, "supported"),
        (first.id, "supported", None),
    ]


@pytest.mark.parametrize(
    "pick, message",
    [
        (lambda mine, other: (mine[1], mine[3]), "not next to each other"),
        (lambda mine, other: (mine[1], mine[1]), "two different units"),
        (lambda mine, other: (mine[-1], other[0]), "same article"),
        (lambda mine, other: (mine[1], 10_000), "no longer exists"),
    ],
    ids=["not-adjacent", "same-unit", "two-articles", "missing"],
)
def test_bad_merges_are_refused_and_change_nothing(setup, pick, message):
    db, lead, _, _, article_id, other_id = setup
    mine = [unit.id for unit in units(db, article_id)]
    other = [unit.id for unit in units(db, other_id)]
    first, second = pick(mine, other)
    before_units = [(u.id, u.text, u.start_char, u.end_char, u.position, u.version) for u in units(db, article_id)]
    before = verdict_rows(db)
    with pytest.raises(EditError, match=message), db.transaction() as session:
        merge_units(session, lead, first, second)
    assert [(u.id, u.text, u.start_char, u.end_char, u.position, u.version) for u in units(db, article_id)] == before_units
    assert verdict_rows(db) == before


def test_merge_with_stale_versions_is_refused(setup):
    db, lead, _, _, article_id, _ = setup
    first, second = units(db, article_id)[1:3]
    with db.transaction() as session:
        set_unit_kind(session, lead, second.id, "heading")
    with pytest.raises(EditError, match="changed by someone else"), db.transaction() as session:
        merge_units(session, lead, first.id, second.id, expected_versions=(first.version, second.version))


# --- split ------------------------------------------------------------------------------------------------


def test_split_cuts_a_unit_in_two_and_withdraws_only_its_verdicts(setup):
    db, lead, _ann, _bob, article_id, _ = setup
    before_units = units(db, article_id)
    target = before_units[2]  # "Unemployment fell to 3.1 percent last year."
    cut = target.text.index("to 3.1")
    before = verdict_rows(db)
    with db.transaction() as session:
        head, tail = split_unit(session, lead, target.id, cut)
    assert head.id == target.id
    assert head.text == "Unemployment fell" and tail.text == "to 3.1 percent last year."
    assert (head.start_char, tail.end_char) == (target.start_char, target.end_char)
    assert head.version == tail.version == target.version + 1
    assert tail.kind == target.kind and tail.paragraph == target.paragraph
    after_units = units(db, article_id)
    assert [u.id for u in after_units] == [u.id for u in before_units[:3]] + [tail.id] + [u.id for u in before_units[3:]]
    assert problems(db, article_id) == []
    assert verdict_rows(db) == {key: row for key, row in before.items() if key[0] != target.id}
    with db.session() as session:
        actions = session.scalars(
            select(VerdictHistory.action).where(VerdictHistory.claim_id == target.id).order_by(VerdictHistory.id)
        ).all()
    assert actions == ["create", "create", "edit", "edit"]


@pytest.mark.parametrize("offset", [0, -1, 10_000], ids=["start", "negative", "past-end"])
def test_split_outside_the_unit_is_refused(setup, offset):
    db, lead, *_, article_id, _ = setup
    target = units(db, article_id)[1]
    with pytest.raises(EditError, match="Split inside the unit"), db.transaction() as session:
        split_unit(session, lead, target.id, offset)
    assert units(db, article_id)[1].text == target.text


def test_split_inside_whitespace_strips_it_from_both_parts(db):
    lead, *_ = people(db)
    (article_id,) = ingest(db, "Short claim  here. And another one.")
    target = units(db, article_id)[0]
    with db.transaction() as session:
        head, tail = split_unit(session, lead, target.id, target.text.index("  ") + 1)
    assert (head.text, tail.text) == ("Short claim", "here.")
    assert tail.start_char == head.end_char + 2
    assert problems(db, article_id) == []


def test_split_points_are_word_starts():
    assert split_points("Taxes  rose\nby 4%.") == [7, 12, 15]
    assert split_points("Single") == []


# --- permissions and stale forms --------------------------------------------------------------------------


EDITS = {
    "kind": lambda session, actor, ids: set_unit_kind(session, actor, ids[1], "heading"),
    "merge": lambda session, actor, ids: merge_units(session, actor, ids[1], ids[2]),
    "split": lambda session, actor, ids: split_unit(session, actor, ids[1], 4),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_reviewers_may_not_edit(setup, edit):
    db, _, ann, _, article_id, _ = setup
    ids = [unit.id for unit in units(db, article_id)]
    before = [(u.id, u.text, u.kind, u.version) for u in units(db, article_id)]
    with pytest.raises(PermissionDenied, match="Only a lead"), db.transaction() as session:
        edit(session, ann, ids)
    assert [(u.id, u.text, u.kind, u.version) for u in units(db, article_id)] == before


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_stale_verdict_form_is_refused_after_an_edit(setup, edit):
    db, lead, ann, _, article_id, _ = setup
    ids = [unit.id for unit in units(db, article_id)]
    loaded = units(db, article_id)[1]
    with db.transaction() as session:
        edit(session, lead, ids)
    with pytest.raises(StaleClaim), db.transaction() as session:
        save_verdict(session, ann, loaded.id, "disputed", "late", expected_version=loaded.version)


def test_a_form_on_a_merged_away_unit_is_refused(setup):
    db, lead, ann, _, article_id, _ = setup
    first, second = units(db, article_id)[1:3]
    with db.transaction() as session:
        merge_units(session, lead, first.id, second.id)
    with pytest.raises(StaleClaim, match="no longer exists"), db.transaction() as session:
        save_verdict(session, ann, second.id, "disputed", expected_version=second.version)


# --- invariants under many edits ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_keep_units_consistent_and_other_articles_untouched(setup, seed):
    db, lead, _, _, article_id, other_id = setup
    other_before = {key: row for key, row in verdict_rows(db).items() if key[0] in claim_ids(db, other_id)}
    rng = random.Random(seed)
    for _ in range(12):
        current = units(db, article_id)
        with db.transaction() as session:
            operation = rng.choice(["merge", "split", "kind"])
            unit = rng.choice(current)
            if operation == "merge" and len(current) > 1:
                index = current.index(unit)
                neighbour = current[index + 1] if index + 1 < len(current) else current[index - 1]
                merge_units(session, lead, unit.id, neighbour.id)
            elif operation == "split" and split_points(unit.text):
                split_unit(session, lead, unit.id, rng.choice(split_points(unit.text)))
            else:
                set_unit_kind(session, lead, unit.id, rng.choice(["claim", "heading", "boilerplate"]))
        with db.session() as session:
            assert check_units(session, article_id) == []
    after = verdict_rows(db)
    assert {key: row for key, row in after.items() if key[0] in claim_ids(db, other_id)} == other_before


# --- what the lead is told before withdrawing verdicts --------------------------------------------------


def test_edit_impact_counts_and_words():
    assert EditImpact(2, 0, 0).message() == "No verdicts are affected."
    assert EditImpact(2, 2, 1).message().startswith("2 verdicts and 1 final verdict on these units will be withdrawn")
    assert EditImpact(1, 1, 0).message().startswith("1 verdict on this unit will be withdrawn")


def test_an_edit_refuses_when_verdicts_arrived_after_the_confirmation(setup):
    db, lead, _ann, _, article_id, _ = setup
    unit = units(db, article_id)[1]
    with db.transaction() as session:
        agreed = edit_impact(session, [unit.id]).total
    assert agreed == 2
    with db.transaction() as session:
        session.add(FinalVerdict(claim_id=unit.id, label="supported", rationale="", decided_by=lead.id))
    with pytest.raises(EditError, match="2 verdicts and 1 final verdict"), db.transaction() as session:
        split_unit(session, lead, unit.id, 4, withdrawals=agreed)
    with pytest.raises(EditError, match="Verdicts changed meanwhile"), db.transaction() as session:
        merge_units(session, lead, unit.id, units(db, article_id)[2].id, withdrawals=agreed + 2)
    assert units(db, article_id)[1].text == unit.text
    with db.transaction() as session:
        split_unit(session, lead, unit.id, 4, withdrawals=3)
    assert problems(db, article_id) == []


def test_split_preview_shows_both_sides_of_the_cut():
    text = "The minister said taxes rose by four percent in 2023 according to the office."
    cut = text.index("according")
    assert split_preview(text, cut, width=15) == "…percent in 2023 ‖ according to…"
    assert split_preview("Short one", 6) == "Short ‖ one"

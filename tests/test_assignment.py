"""Assignments and the team: who may assign, what open collections mean, account activation."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, update

from workbench.access import Actor, PermissionDenied, reviewable_collection_ids
from workbench.assignment import (
    AssignmentError,
    assign,
    assigned_reviewer_ids,
    assignments_by_reviewer,
    collection_overview,
    create_first_lead,
    set_active,
    set_assigned_reviewers,
    set_reviewers_per_claim,
    unassign,
    verdict_counts,
)
from workbench.auth import AuthError, create_reviewer, sign_in
from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.models import Assignment, Collection, Reviewer
from workbench.names import NameNotFound, find_named, require_named


def make_collection(
    db: Database, name: str, text: str = "One claim here. Another claim there."
) -> int:
    ingest_documents(db, [Document(source=f"{name}.txt", text=text)], collection=name)
    with db.session() as session:
        return require_named(session, Collection, name).id


def test_assign_is_idempotent_and_opens_the_collection_only_to_assignees(db, team):
    story = make_collection(db, "story")
    other = make_collection(db, "other")
    with db.transaction() as session:
        assert assign(session, story, [team["ana"].id, team["ana"].id], actor=team["lena"]) == [
            team["ana"].id
        ]
        assert assign(session, story, [team["ana"].id, team["ben"].id], actor=team["lena"]) == [
            team["ben"].id
        ]
    with db.transaction() as session:
        assert assigned_reviewer_ids(session, story) == [team["ana"].id, team["ben"].id]
        assert reviewable_collection_ids(session, team["ana"].id) == [story, other]
        assert reviewable_collection_ids(session, team["lena"].id) == [other]
        assert unassign(session, story, [team["ben"].id], actor=team["lena"]) == 1
        assert reviewable_collection_ids(session, team["ben"].id) == [other]


def test_collections_read_once_per_session_are_read_again_after_any_write(db, team):
    """Remembered for the session (the queue asks many times per key press), forgotten as soon as
    the session writes: through the ORM, through a bulk statement, or by rolling back."""
    from sqlalchemy import delete

    story = make_collection(db, "story")
    other = make_collection(db, "other")
    ana, ben = team["ana"].id, team["ben"].id
    with db.transaction() as session:
        assert reviewable_collection_ids(session, ben) == [story, other]
        assign(session, story, [ana], actor=team["lena"])
        assert reviewable_collection_ids(session, ben) == [other]
        session.execute(delete(Assignment).where(Assignment.collection_id == story))
        assert reviewable_collection_ids(session, ben) == [story, other]
        nested = session.begin_nested()
        assign(session, other, [ana], actor=team["lena"])
        assert reviewable_collection_ids(session, ben) == [story]
        nested.rollback()
        assert reviewable_collection_ids(session, ben) == [story, other]


def test_set_assigned_reviewers_replaces_the_set(db, team):
    story = make_collection(db, "story")
    with db.transaction() as session:
        set_assigned_reviewers(session, story, [team["ana"].id], actor=team["lena"])
        set_assigned_reviewers(
            session, story, [team["ben"].id, team["lena"].id], actor=team["lena"]
        )
        assert assigned_reviewer_ids(session, story) == sorted([team["ben"].id, team["lena"].id])
        set_assigned_reviewers(session, story, [], actor=team["lena"])
        assert assigned_reviewer_ids(session, story) == []
        assert reviewable_collection_ids(session, team["ana"].id) == [story]


def test_saving_the_active_assignees_keeps_a_deactivated_one(db, team):
    story = make_collection(db, "story")
    with db.transaction() as session:
        set_assigned_reviewers(session, story, [team["ana"].id], actor=team["lena"])
        session.get(Reviewer, team["ana"].id).active = False
    with db.transaction() as session:
        set_assigned_reviewers(session, story, [], actor=team["lena"])  # the form lists only active ones
        assert assigned_reviewer_ids(session, story) == [team["ana"].id]
        assert reviewable_collection_ids(session, team["ben"].id) != [story]


@pytest.mark.parametrize(
    "call",
    [
        lambda s, c, a: assign(s, c, [a.id], actor=a),
        lambda s, c, a: unassign(s, c, [a.id], actor=a),
        lambda s, c, a: set_reviewers_per_claim(s, c, 2, actor=a),
        lambda s, c, a: set_active(s, a.id, False, actor=a),
    ],
    ids=["assign", "unassign", "per-claim", "deactivate"],
)
def test_reviewers_cannot_reach_lead_actions(db, team, call):
    story = make_collection(db, "story")
    with pytest.raises(PermissionDenied, match="Only a lead"), db.transaction() as session:
        call(session, story, team["ana"])
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 0
        assert session.get(Collection, story).reviewers_per_claim is None
        assert session.get(Reviewer, team["ana"].id).active


@pytest.mark.parametrize("value, stored", [(1, 1), (3, 3), (None, None)])
def test_reviewers_per_claim_is_stored(db, team, value, stored):
    story = make_collection(db, "story")
    with db.transaction() as session:
        set_reviewers_per_claim(session, story, value, actor=Actor.operator())
    with db.session() as session:
        assert session.get(Collection, story).reviewers_per_claim == stored


@pytest.mark.parametrize("value", [0, -1, 51])
def test_reviewers_per_claim_out_of_range_is_refused(db, team, value):
    story = make_collection(db, "story")
    with pytest.raises(AssignmentError, match="between 1 and 50"), db.transaction() as session:
        set_reviewers_per_claim(session, story, value, actor=team["lena"])


def test_assigning_unknown_or_deactivated_reviewers_changes_nothing(db, team):
    story = make_collection(db, "story")
    with db.transaction() as session:
        set_active(session, team["ben"].id, False, actor=team["lena"])
    for reviewer_ids, message in [
        ([team["ana"].id, 999], "No reviewer with id 999"),
        ([team["ana"].id, team["ben"].id], "deactivated"),
    ]:
        with pytest.raises(AssignmentError, match=message), db.transaction() as session:
            assign(session, story, reviewer_ids, actor=team["lena"])
    with pytest.raises(AssignmentError, match="No collection with id"), db.transaction() as session:
        assign(session, 12345, [team["ana"].id], actor=team["lena"])
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_deactivation_guards(db, team):
    with pytest.raises(AuthError, match="your own account"), db.transaction() as session:
        set_active(session, team["lena"].id, False, actor=team["lena"])
    with pytest.raises(AuthError, match="last active lead"), db.transaction() as session:
        set_active(session, team["lena"].id, False, actor=Actor.operator())
    with db.transaction() as session:
        set_active(session, team["ana"].id, False, actor=team["lena"])
        assert not session.get(Reviewer, team["ana"].id).active
        set_active(session, team["ana"].id, True, actor=team["lena"])
        assert session.get(Reviewer, team["ana"].id).active


def test_a_deactivated_reviewer_cannot_sign_in(db):
    with db.transaction() as session:
        create_reviewer(session, "lena", "password123", "lead", actor=Actor.operator())
        ana = create_reviewer(session, "ana", "password456", actor=Actor.operator())
        set_active(session, ana.id, False, actor=Actor.operator())
    with pytest.raises(AuthError, match="wrong password"):
        sign_in(db, "ana", "password456")
    with db.transaction() as session:
        set_active(session, require_named(session, Reviewer, "ANA").id, True, actor=Actor.operator())
    assert sign_in(db, "ana", "password456").name == "ana"


def test_first_lead_only_on_an_empty_database(db):
    actor = create_first_lead(db, "lena", "password123")
    assert actor.is_lead and actor.name == "lena"
    with pytest.raises(PermissionDenied, match="already has a lead"):
        create_first_lead(db, "mallory", "password123")
    with db.session() as session:
        assert [r.name for r in session.scalars(select(Reviewer))] == ["lena"]


def test_first_lead_while_no_lead_can_sign_in(db):
    """Accounts without passwords (imported, or added from the command line) leave the way open
    for one lead; once that lead exists the way is closed."""
    with db.transaction() as session:
        create_reviewer(session, "imported", None, "lead", actor=Actor.operator())
        create_reviewer(session, "ana", None, actor=Actor.operator())
    actor = create_first_lead(db, "lena", "password123")
    assert actor.is_lead
    with pytest.raises(PermissionDenied, match="already has a lead"):
        create_first_lead(db, "mallory", "password123")
    with db.transaction() as session:
        session.execute(update(Reviewer).where(Reviewer.name == "lena").values(active=False))
    with pytest.raises(AuthError, match="already exists"):
        create_first_lead(db, "ANA", "password123")
    with db.session() as session:
        assert sorted(r.name for r in session.scalars(select(Reviewer))) == ["ana", "imported", "lena"]


def test_two_first_visitors_at_once_make_one_lead(db):
    with db.transaction() as session:
        create_reviewer(session, "imported", None, actor=Actor.operator(), first_is_lead=False)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def visit(name: str) -> None:
        start.wait()
        try:
            outcomes.append(create_first_lead(db, name, "password123").name)
        except PermissionDenied:
            outcomes.append("refused")

    visitors = [threading.Thread(target=visit, args=(name,)) for name in ("lena", "mallory")]
    for visitor in visitors:
        visitor.start()
    for visitor in visitors:
        visitor.join()
    assert sorted(outcomes)[1] == "refused" and sorted(outcomes)[0] in ("lena", "mallory")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Reviewer).where(Reviewer.role == "lead")) == 1


def test_first_lead_with_a_bad_password_creates_nothing(db):
    with pytest.raises(AuthError, match="at least 8"):
        create_first_lead(db, "lena", "short")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Reviewer)) == 0


def test_overview_and_lookups(db, team):
    story = make_collection(db, "story", "One claim here. Another claim there. A third claim.")
    make_collection(db, "empty story", "Just one claim.")
    with db.transaction() as session:
        assign(session, story, [team["ben"].id, team["ana"].id], actor=Actor.operator())
        set_reviewers_per_claim(session, story, 2, actor=Actor.operator())
    with db.session() as session:
        overview = {row.name: row for row in collection_overview(session)}
        assert overview["story"].claims == 3 and overview["story"].articles == 1
        assert (
            overview["story"].assigned == ("ana", "ben")
            and overview["story"].reviewers_per_claim == 2
        )
        assert overview["empty story"].is_open and not overview["story"].is_open
        assert assignments_by_reviewer(session) == {
            team["ana"].id: ["story"],
            team["ben"].id: ["story"],
        }
        assert verdict_counts(session) == {}
        with pytest.raises(NameNotFound, match="Known collections: empty story, story"):
            require_named(session, Collection, "nope")
        with pytest.raises(NameNotFound, match="No reviewer called 'nobody'. Known reviewers: ana, ben"):
            require_named(session, Reviewer, "nobody")


def test_names_are_found_in_any_case_and_only_the_strict_look_up_raises(db, team):
    story = make_collection(db, "Story")
    with db.session() as session:
        assert require_named(session, Collection, "  sTORY ").id == story
        assert find_named(session, Reviewer, "LENA").id == team["lena"].id
        assert find_named(session, Reviewer, "nobody") is None
        assert find_named(session, Collection, "stories") is None


def test_verdict_counts_leave_out_units_a_lead_set_aside(db):
    from builders import give, newsroom

    from workbench.edits import set_unit_kind

    room = newsroom(db)
    alice = room.reviewers["alice"]
    first, second = room.claims["bridge"][:2]
    give(db, alice, first, "supported")
    give(db, alice, second, "disputed")
    with db.transaction() as session:
        set_unit_kind(session, room.lead, second, "boilerplate")
    with db.session() as session:
        assert verdict_counts(session) == {alice.id: 1}, "as Agreement and exports count"

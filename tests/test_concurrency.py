"""Many reviewers at once: no verdict lost, duplicated or mixed up; a lead's edit never gets a verdict on changed text.

27 writers run at the same time, as threads sharing one ``Database`` and as spawned processes each
with its own ``Database``, against a SQLite file in WAL mode and against PostgreSQL:

* 20 reviewers label the same three claims (every verdict must exist exactly once);
* one reviewer saves the same claim from two sessions, six times each (last write wins, every
  write in the history, in order);
* four reviewers save, with the version they loaded, on units a lead merges, splits or re-kinds at
  the same moment (they get ``StaleClaim``, or their verdict was saved first and then withdrawn).

Afterwards every row is checked, and the history of every (claim, reviewer) replays to its verdict.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

import pytest
from builders import make_accounts, team_claims
from sqlalchemy import select, text
from teamkit import (
    LeadEdit,
    Outcome,
    Task,
    Write,
    new_barrier,
    perform,
    plain_main_module,
    process_main,
    run_writers_in_threads,
    run_writes,
)

from workbench import LABELS
from workbench.access import Actor
from workbench.edits import merge_units, set_unit_kind, split_unit
from workbench.auth import FREE_FAILED_LOGINS, AuthError, create_reviewer, sign_in
from workbench.db import Database
from workbench.models import Claim, Verdict, VerdictHistory
from workbench.review import QueueScope, next_claim_id
from workbench.verdicts import StaleClaim, save_verdict

DISTINCT_REVIEWERS = 20
SHARED_CLAIMS = 3
TWIN_WRITES = 6
RACERS = 4
PROCESSES = 6


@dataclass
class Scenario:
    lead: Actor
    distinct: list[Actor]
    twin: Actor
    racers: list[Actor]
    shared: list[int]
    twin_claim: int
    merged: tuple[int, int]
    split: int
    rekinded: int


@pytest.fixture
def scenario(db: Database) -> Scenario:
    ids = team_claims(db)
    lead, people = make_accounts(db, DISTINCT_REVIEWERS + 1 + RACERS)
    return Scenario(
        lead=lead,
        distinct=people[:DISTINCT_REVIEWERS],
        twin=people[DISTINCT_REVIEWERS],
        racers=people[DISTINCT_REVIEWERS + 1 :],
        shared=ids[:SHARED_CLAIMS],
        twin_claim=ids[3],
        merged=(ids[4], ids[5]),
        split=ids[7],
        rekinded=ids[9],
    )


def distinct_label(reviewer_index: int, claim_index: int) -> str:
    return LABELS[(reviewer_index + claim_index) % len(LABELS)]


def plans_for(s: Scenario) -> list[list[Task]]:
    plans: list[list[Task]] = []
    for index, actor in enumerate(s.distinct):
        plans.append(
            [
                Write(actor, claim, distinct_label(index, position), f"{actor.name} on claim {claim}")
                for position, claim in enumerate(s.shared)
            ]
        )
    for session_number in (1, 2):
        plans.append(
            [
                Write(s.twin, s.twin_claim, LABELS[(write + session_number) % len(LABELS)],
                      f"session {session_number} write {write}")
                for write in range(TWIN_WRITES)
            ]
        )
    edited = [*s.merged, s.split, s.rekinded]
    for index, actor in enumerate(s.racers):
        order = edited[index % len(edited):] + edited[: index % len(edited)]
        plans.append(
            [Write(actor, claim, LABELS[index % len(LABELS)], f"{actor.name} racing", expected_version=1) for claim in order]
        )
    plans.append(
        [
            LeadEdit(s.lead, "merge", s.merged),
            LeadEdit(s.lead, "split", (s.split,)),
            LeadEdit(s.lead, "kind", (s.rekinded,)),
        ]
    )
    return plans


def run_in_processes(database: Database, plans: list[list[Task]]) -> list[list[Outcome]]:
    """Reviewers' plans spread over spawned processes; the lead's (last) plan in this one, at the same moment."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(plans), timeout=180)
    results = context.Queue()
    reviewer_plans, lead_plan = plans[:-1], plans[-1]
    groups = [list(range(slot, len(reviewer_plans), PROCESSES)) for slot in range(PROCESSES)]
    processes = [
        context.Process(
            target=process_main, args=(database.url, [reviewer_plans[i] for i in group], barrier, results, slot)
        )
        for slot, group in enumerate(groups)
    ]
    with plain_main_module():
        for process in processes:
            process.start()
    lead_outcomes = run_writes(database, lead_plan, barrier)
    collected: dict[int, list[list[Outcome]]] = {}
    for _ in processes:
        slot, outcome = results.get(timeout=240)
        if isinstance(outcome, BaseException):
            raise outcome
        collected[slot] = outcome
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    by_plan: dict[int, list[Outcome]] = {}
    for slot, group in enumerate(groups):
        by_plan.update(zip(group, collected[slot]))
    return [by_plan[index] for index in range(len(reviewer_plans))] + [lead_outcomes]


@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_many_writers_at_once_keep_every_verdict(db: Database, scenario: Scenario, mode: str) -> None:
    plans = plans_for(scenario)
    assert len(plans) >= 20
    if mode == "threads":
        outcomes = run_writers_in_threads(db, plans, new_barrier(len(plans)))
    else:
        outcomes = run_in_processes(db, plans)
    check_distinct_reviewers(db, scenario)
    check_same_reviewer_two_sessions(db, scenario, outcomes)
    check_lead_edits_against_racers(db, scenario, outcomes)
    check_history_replays_to_verdicts(db, exclude_claims={scenario.merged[0]})
    check_no_extra_rows(db, scenario, outcomes)


def verdict_rows(db: Database) -> list[Verdict]:
    with db.session() as session:
        return list(session.scalars(select(Verdict).order_by(Verdict.id)))


def history_rows(db: Database, **where: int) -> list[VerdictHistory]:
    query = select(VerdictHistory).order_by(VerdictHistory.id)
    for column, value in where.items():
        query = query.where(getattr(VerdictHistory, column) == value)
    with db.session() as session:
        return list(session.scalars(query))


def check_distinct_reviewers(db: Database, s: Scenario) -> None:
    rows = [v for v in verdict_rows(db) if v.claim_id in s.shared]
    found = defaultdict(list)
    for verdict in rows:
        found[verdict.claim_id, verdict.reviewer_id].append(verdict)
    assert len(rows) == DISTINCT_REVIEWERS * SHARED_CLAIMS
    for index, actor in enumerate(s.distinct):
        for position, claim in enumerate(s.shared):
            (verdict,) = found[claim, actor.id]
            assert verdict.label == distinct_label(index, position)
            assert verdict.note == f"{actor.name} on claim {claim}"
            (created,) = history_rows(db, claim_id=claim, reviewer_id=actor.id)
            assert (created.action, created.actor_id, created.new_label, created.new_note) == (
                "create", actor.id, verdict.label, verdict.note
            )


def check_same_reviewer_two_sessions(db: Database, s: Scenario, outcomes: list[list[Outcome]]) -> None:
    twin_outcomes = [o for plan in outcomes for o in plan if isinstance(o.task, Write) and o.task.actor == s.twin]
    assert sorted(o.result for o in twin_outcomes) == ["create"] + ["update"] * (2 * TWIN_WRITES - 1)
    history = history_rows(db, claim_id=s.twin_claim, reviewer_id=s.twin.id)
    assert len(history) == 2 * TWIN_WRITES, "every write of both sessions is in the history"
    for session_number in (1, 2):
        order = [int(h.new_note.rsplit(" ", 1)[1]) for h in history if h.new_note.startswith(f"session {session_number} ")]
        assert order == list(range(TWIN_WRITES)), "each session's writes are recorded in the order made"
    (verdict,) = [v for v in verdict_rows(db) if v.claim_id == s.twin_claim]
    assert (verdict.label, verdict.note) == (history[-1].new_label, history[-1].new_note), "the last write wins"


def check_lead_edits_against_racers(db: Database, s: Scenario, outcomes: list[list[Outcome]]) -> None:
    lead_outcomes = [o.result for o in outcomes[-1]]
    assert lead_outcomes == ["edited"] * 3
    with db.session() as session:
        merged = session.get(Claim, s.merged[0])
        assert session.get(Claim, s.merged[1]) is None
        split = session.get(Claim, s.split)
        rekinded = session.get(Claim, s.rekinded)
        assert (merged.version, split.version, rekinded.version, rekinded.kind) == (2, 2, 2, "heading")
        second_part = session.scalar(
            select(Claim.id).where(Claim.article_id == split.article_id, Claim.position == split.position + 1)
        )
    texts_changed = {s.merged[0], s.split, second_part}
    assert not [v for v in verdict_rows(db) if v.claim_id in texts_changed], "no verdict on text a lead changed"
    racer_ids = {actor.id for actor in s.racers}
    kept_on_rekinded = {v.reviewer_id: v for v in verdict_rows(db) if v.claim_id == s.rekinded}
    withdrawn = defaultdict(list)
    for row in history_rows(db):
        if row.action == "edit":
            withdrawn[row.reviewer_id].append((row.claim_id, row.old_label, row.old_note))
    for outcome in (o for plan in outcomes for o in plan):
        write = outcome.task
        if not isinstance(write, Write) or write.actor.id not in racer_ids:
            continue
        if outcome.result == "stale":
            assert "lead" in outcome.message
            assert write.claim_id != s.rekinded or write.actor.id not in kept_on_rekinded
            continue
        assert outcome.result == "create"
        if write.claim_id == s.rekinded:
            kept = kept_on_rekinded[write.actor.id]
            assert (kept.label, kept.note) == (write.label, write.note), "a kind change keeps earlier verdicts"
        else:
            history_claim = s.merged[0] if write.claim_id in s.merged else write.claim_id
            assert (history_claim, write.label, write.note) in withdrawn[write.actor.id], (
                "a verdict saved before the edit was withdrawn by it, and kept in history"
            )


def check_history_replays_to_verdicts(db: Database, exclude_claims: set[int]) -> None:
    """Per (claim, reviewer), each history row starts from what the previous one left; the last is the verdict."""
    current = {(v.claim_id, v.reviewer_id): (v.label, v.note, list(v.evidence)) for v in verdict_rows(db)}
    streams = defaultdict(list)
    for row in history_rows(db):
        streams[row.claim_id, row.reviewer_id].append(row)
    for key, rows in streams.items():
        if key[0] in exclude_claims:
            continue
        state = None
        for row in rows:
            before = None if row.old_label is None else (row.old_label, row.old_note, row.old_evidence)
            assert before == state, f"history of {key} skips a change at row {row.id}"
            state = None if row.new_label is None else (row.new_label, row.new_note, row.new_evidence)
        assert current.get(key) == state, f"history of {key} does not end at its verdict"
    assert set(current) <= set(streams), "every verdict has a history"


def check_no_extra_rows(db: Database, s: Scenario, outcomes: list[list[Outcome]]) -> None:
    saved = sum(1 for plan in outcomes for o in plan if o.result == "create")
    withdrawn = sum(1 for row in history_rows(db) if row.action == "edit")
    assert len(verdict_rows(db)) == saved - withdrawn
    with db.engine.connect() as connection:
        duplicates = connection.execute(
            text("SELECT claim_id, reviewer_id FROM verdict GROUP BY claim_id, reviewer_id HAVING COUNT(*) > 1")
        ).all()
    assert duplicates == []


# --- a reviewer saving while a lead's edit is in flight, step by step -----------------------------


def wait_until_blocked(db: Database, timeout: float = 10.0) -> None:
    """On PostgreSQL, wait until another connection waits for a lock (the reviewer's save)."""
    if db.dialect != "postgresql":
        time.sleep(0.3)
        return
    deadline = time.monotonic() + timeout
    with db.engine.connect() as connection:
        while time.monotonic() < deadline:
            waiting = connection.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND wait_event_type = 'Lock'")
            )
            connection.rollback()  # pg_stat_activity is a per-transaction snapshot
            if waiting:
                return
            time.sleep(0.02)
    raise AssertionError("the reviewer's save never waited for the lead's edit")


@pytest.mark.parametrize("edit", ["kind", "merge-first", "merge-second", "split"])
def test_save_during_a_lead_edit_is_refused_not_attached_to_new_text(db: Database, edit: str) -> None:
    ids = team_claims(db)
    lead, (reviewer,) = make_accounts(db, 1)
    target = {"kind": ids[0], "merge-first": ids[0], "merge-second": ids[1], "split": ids[0]}[edit]
    outcome: list[Outcome | BaseException] = []

    def reviewer_saves() -> None:
        try:
            outcome.append(perform(db, Write(reviewer, target, "disputed", "loaded before the edit", 1)))
        except BaseException as error:  # surfaced by the assertion below
            outcome.append(error)

    with db.transaction() as session:
        if edit == "kind":
            set_unit_kind(session, lead, ids[0], "boilerplate", expected_version=1)
        elif edit.startswith("merge"):
            merge_units(session, lead, ids[0], ids[1], expected_versions=(1, 1))
        else:
            split_unit(session, lead, ids[0], session.get(Claim, ids[0]).text.index(" says") + 1, expected_version=1)
        saver = threading.Thread(target=reviewer_saves)
        saver.start()
        wait_until_blocked(db)
    saver.join(timeout=30)
    (result,) = outcome
    assert isinstance(result, Outcome), result
    assert result.result == "stale"
    assert "lead" in result.message
    assert verdict_rows(db) == []
    assert history_rows(db) == []


def test_same_reviewer_in_two_sessions_last_write_wins(db: Database) -> None:
    claim = team_claims(db)[0]
    _, (reviewer,) = make_accounts(db, 1)
    for label, note in (("supported", "first tab"), ("disputed", "second tab")):
        with db.transaction() as session:
            save_verdict(session, reviewer, claim, label, note, expected_version=1)
    (verdict,) = verdict_rows(db)
    assert (verdict.label, verdict.note) == ("disputed", "second tab")
    assert [(h.action, h.old_note, h.new_note) for h in history_rows(db)] == [
        ("create", None, "first tab"),
        ("update", "first tab", "second tab"),
    ]


def test_stale_version_is_refused_without_a_race(db: Database) -> None:
    claim = team_claims(db)[0]
    lead, (reviewer,) = make_accounts(db, 1)
    with db.transaction() as session:
        split_unit(session, lead, claim, session.get(Claim, claim).text.index(" says") + 1, expected_version=1)
    with pytest.raises(StaleClaim, match="edited this claim"), db.transaction() as session:
        save_verdict(session, reviewer, claim, "supported", expected_version=1)
    assert verdict_rows(db) == []


def test_two_app_processes_share_one_state(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two ``Database`` objects (two processes' pools) see each other's verdicts and sign-in locks at once.

    The sign-in clock stands still, so the lockout cannot run out on a slow machine before the
    second process asks.
    """
    import workbench.auth

    frozen = workbench.auth.utcnow()
    monkeypatch.setattr(workbench.auth, "utcnow", lambda: frozen)
    first_process, second_process = db, Database(db.url)
    try:
        claims = team_claims(first_process)
        with first_process.transaction() as session:
            reviewer = Actor.of(create_reviewer(session, "Shared", "a long enough secret", "lead", actor=Actor.operator()))
        for _ in range(FREE_FAILED_LOGINS):
            with pytest.raises(AuthError):
                sign_in(first_process, "Shared", "wrong guess")
        with pytest.raises(AuthError):  # the right password, refused: the other process's lock holds
            sign_in(second_process, "Shared", "a long enough secret")
        with first_process.transaction() as session:
            save_verdict(session, reviewer, claims[0], "supported")
        with second_process.session() as session:
            assert next_claim_id(session, reviewer, QueueScope()) == claims[1]
    finally:
        second_process.dispose()

"""Who may call what: every public core function that takes an ``actor``, found by importing the
package, so a new one cannot be forgotten.

Each is either lead-only (tried here as a reviewer: refused, nothing changed; as a lead: past the
role check) or listed as open to every signed-in reviewer. No ``actor`` has a default or accepts
``None``, and nothing in the core or the command line reads a missing actor as the operator.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from builders import World, build_world, database_rows

import workbench
from workbench.access import Actor, PermissionDenied, require_active, require_lead
from workbench.adjudication import (
    accept_unanimous,
    adjudication_queue,
    claim_case,
    clear_final_verdict,
    queue_counts,
    record_final_verdict,
)
from workbench.agreement_data import analyse
from workbench.assignment import assign, set_active, set_assigned_reviewers, set_reviewers_per_claim, unassign
from workbench.auth import create_reviewer, set_password
from workbench.db import Database
from workbench.edits import merge_units, set_unit_kind, split_unit
from workbench.errors import WorkbenchError
from workbench.guidelines import save_guidelines
from workbench.import_preview import import_documents
from workbench.ingest import Document
from workbench.match_verdicts import apply_final_to_group, detach_from_group, group_final_preview, merge_groups
from workbench.models import Collection, Reviewer
from workbench.controls import collection_controls, control_scores, mark_control, set_control_rate, unmark_control
from workbench.model_verdicts import model_verdict, queue_by_doubt
from workbench.reliability import aggregate_verdicts, review_pace
from workbench.sessions import end_all_sessions
from workbench.triage_model import set_model_enabled, train_model
from workbench.verdict_import import ImportPlan, ImportReport, import_verdicts, write_plan

PACKAGE = Path(workbench.__file__).parent
EDGES = ("workbench.app", "workbench.cli", "workbench.migrations", "workbench.__main__")
"""Not the core: the pages and the command line call it as someone."""
PASSWORD = "a long enough secret"
GUIDELINES = {"supported": "Backed by evidence.", "disputed": "Contradicted.", "editorial_framing": "Opinion."}
EMPTY_PLAN = ImportPlan(ImportReport(reviewers_created=["Newcomer"]), [])
"""A checked file that only adds an account (which takes a lead)."""

LeadOnly = Callable[[Database, object, Actor, World], object]

LEAD_ONLY: dict[str, LeadOnly] = {
    "adjudication_queue": lambda db, s, a, w: adjudication_queue(s, a),
    "analyse": lambda db, s, a, w: analyse(s, a, resamples=10),
    "queue_counts": lambda db, s, a, w: queue_counts(s, a),
    "claim_case": lambda db, s, a, w: claim_case(s, a, w.claims[0]),
    "record_final_verdict": lambda db, s, a, w: record_final_verdict(s, a, w.claims[0], "supported", "Agreed."),
    "clear_final_verdict": lambda db, s, a, w: clear_final_verdict(s, a, w.claims[0], "Reopened."),
    "accept_unanimous": lambda db, s, a, w: accept_unanimous(s, a),
    "set_unit_kind": lambda db, s, a, w: set_unit_kind(s, a, w.claims[0], "heading"),
    "merge_units": lambda db, s, a, w: merge_units(s, a, w.claims[0], w.claims[1]),
    "split_unit": lambda db, s, a, w: split_unit(s, a, w.claims[2], 6),
    "import_documents": lambda db, s, a, w: import_documents(db, a, [Document("new.txt", "New claim. Other claim.")]),
    "set_active": lambda db, s, a, w: set_active(s, w.other.id, False, actor=a),
    "assign": lambda db, s, a, w: assign(s, w.collection_id, [w.other.id], actor=a),
    "unassign": lambda db, s, a, w: unassign(s, w.collection_id, [w.other.id], actor=a),
    "set_assigned_reviewers": lambda db, s, a, w: set_assigned_reviewers(s, w.collection_id, [w.other.id], actor=a),
    "set_reviewers_per_claim": lambda db, s, a, w: set_reviewers_per_claim(s, w.collection_id, 2, actor=a),
    "create_reviewer": lambda db, s, a, w: create_reviewer(s, "Intruder", PASSWORD, "lead", actor=a),
    "set_password": lambda db, s, a, w: set_password(s, w.other.id, PASSWORD, actor=a),
    "save_guidelines": lambda db, s, a, w: save_guidelines(s, a, GUIDELINES),
    "import_verdicts": lambda db, s, a, w: import_verdicts(db, b"claim_id,reviewer,label\n", actor=a),
    "write_plan": lambda db, s, a, w: write_plan(s, EMPTY_PLAN, a),
    "end_all_sessions": lambda db, s, a, w: end_all_sessions(s, w.other.id, actor=a),
    "aggregate_verdicts": lambda db, s, a, w: aggregate_verdicts(s, a),
    "review_pace": lambda db, s, a, w: review_pace(s, a),
    "queue_by_doubt": lambda db, s, a, w: queue_by_doubt(s, a),
    "model_verdict": lambda db, s, a, w: model_verdict(s, a, w.claims[0]),
    "mark_control": lambda db, s, a, w: mark_control(s, a, w.claims[0]),
    "unmark_control": lambda db, s, a, w: unmark_control(s, a, w.claims[0]),
    "set_control_rate": lambda db, s, a, w: set_control_rate(s, a, w.collection_id, 0.1),
    "collection_controls": lambda db, s, a, w: collection_controls(s, a, w.collection_id),
    "control_scores": lambda db, s, a, w: control_scores(s, a),
    "detach_from_group": lambda db, s, a, w: detach_from_group(s, a, w.claims[0]),
    "merge_groups": lambda db, s, a, w: merge_groups(s, a, w.claims[0], w.claims[1]),
    "group_final_preview": lambda db, s, a, w: group_final_preview(s, a, w.claims[0], "supported"),
    "apply_final_to_group": lambda db, s, a, w: apply_final_to_group(s, a, w.claims[0], "supported"),
    "set_model_enabled": lambda db, s, a, w: set_model_enabled(s, a, w.collection_id, True),
    "train_model": lambda db, s, a, w: train_model(db, s.get(Collection, w.collection_id).name, a),
}

OPEN_TO_REVIEWERS = {
    # the checks themselves
    "account_unchanged", "require_active", "require_active_lead", "require_lead",
    # what a reviewer sees, narrowed to their collections (a lead sees everything)
    "visible_collection_ids", "visible_collections", "list_articles", "article_view",
    # the review queue and a reviewer's own verdicts
    "scope_collection_ids", "needs_reviewer", "next_claim_id", "resume_cursor", "claim_needs_reviewer",
    "may_review", "article_progress", "overall_progress", "own_verdict", "submit_verdict", "undo",
    "previous_verdict", "others_verdicts", "verdict_history", "my_articles", "my_verdicts", "latest_verdict_change",
    "articles_in_scope", "collections_in_scope", "save_verdict", "delete_verdict", "with_control",
    # matches between claims: any reviewer confirms or rejects an open match or changes their own
    # decision (test_matching), and reuses a verdict they may review
    "decide_match", "may_decide", "match_offers", "apply_match_verdict",
    # signing in
    "start_session",
}


def core_modules() -> list:
    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(workbench.__path__, "workbench.")
        if not info.name.startswith(EDGES)
    ]


def functions_taking_an_actor() -> dict[str, Callable]:
    """Every public function of the core with an ``actor`` parameter, by name."""
    return {
        name: function
        for module in core_modules()
        for name, function in vars(module).items()
        if inspect.isfunction(function)
        and function.__module__ == module.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(function).parameters
    }


def functions_checking_for_a_lead() -> set[str]:
    """Every function in the package whose body calls ``require_lead`` or ``require_active_lead``."""
    guards = {"require_lead", "require_active_lead"}
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "app" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name not in guards:
                calls = {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
                if calls & guards:
                    found.add(node.name)
    return found


def reads_a_missing_actor(tree: ast.AST) -> list[int]:
    """Lines that test ``actor`` for ``None`` or for truth (``actor is None``, ``if actor``, ``actor and …``)."""

    def is_actor(node: ast.AST) -> bool:
        return isinstance(node, ast.Name) and node.id == "actor"

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and (is_actor(node.left) or any(map(is_actor, node.comparators))):
            if any(isinstance(side, ast.Constant) and side.value is None for side in node.comparators + [node.left]):
                lines.append(node.lineno)
        elif isinstance(node, (ast.If, ast.IfExp, ast.While)) and (
            is_actor(node.test) or (isinstance(node.test, ast.UnaryOp) and is_actor(node.test.operand))
        ):
            lines.append(node.lineno)
        elif isinstance(node, ast.BoolOp) and any(map(is_actor, node.values)):
            lines.append(node.lineno)
    return lines


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def test_every_function_that_takes_an_actor_is_either_lead_only_or_open_to_reviewers() -> None:
    found = set(functions_taking_an_actor())
    assert not set(LEAD_ONLY) & OPEN_TO_REVIEWERS
    assert found - set(LEAD_ONLY) - OPEN_TO_REVIEWERS == set(), "new: add it to LEAD_ONLY or OPEN_TO_REVIEWERS"
    assert set(LEAD_ONLY) | OPEN_TO_REVIEWERS == found, "gone: take it off the lists"


def test_every_function_that_checks_for_a_lead_is_tried_as_a_reviewer() -> None:
    assert functions_checking_for_a_lead() <= set(LEAD_ONLY)


@pytest.mark.parametrize("name", sorted(functions_taking_an_actor()))
def test_an_actor_is_always_required_and_never_optional(name: str) -> None:
    parameter = inspect.signature(functions_taking_an_actor()[name]).parameters["actor"]
    assert parameter.default is inspect.Parameter.empty, f"{name}: a missing actor would get a default"
    assert parameter.annotation == "Actor", f"{name}: actor is {parameter.annotation}, not Actor"


def test_nothing_outside_the_pages_reads_a_missing_actor_as_anyone() -> None:
    found = {
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in PACKAGE.rglob("*.py")
        if "app" not in path.relative_to(PACKAGE).parts
        for line in reads_a_missing_actor(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert found == set()


def test_the_missing_actor_check_finds_what_it_looks_for() -> None:
    caught = "if actor is None: pass\nif not actor: pass\nx = actor.id if actor else None\nactor and actor.id\n"
    assert sorted(reads_a_missing_actor(ast.parse(caught))) == [1, 2, 3, 4]
    assert reads_a_missing_actor(ast.parse("if actor.is_lead: pass\nrequire_lead(actor)\n")) == []


@pytest.mark.parametrize("name", sorted(LEAD_ONLY))
def test_a_reviewer_is_refused_every_lead_action_and_nothing_changes(db: Database, world: World, name: str) -> None:
    before = database_rows(db)
    with pytest.raises(PermissionDenied), db.transaction() as session:
        LEAD_ONLY[name](db, session, world.reviewer, world)
    assert database_rows(db) == before
    with pytest.raises((TypeError, AttributeError)), db.transaction() as session:
        LEAD_ONLY[name](db, session, None, world)  # a forgotten actor is an error, never the operator
    assert database_rows(db) == before
    try:  # the same call as a lead gets past the role check (it may still refuse for other reasons)
        with db.transaction() as session:
            LEAD_ONLY[name](db, session, world.lead, world)
    except PermissionDenied as error:
        pytest.fail(f"{name} refused a lead: {error}")
    except WorkbenchError:
        pass


def test_the_operator_has_a_leads_rights_and_no_account(db: Database, world: World) -> None:
    operator = Actor.operator()
    assert operator.is_lead and operator.is_operator and operator.id is None
    assert not world.lead.is_operator and not world.reviewer.is_lead
    with db.session() as session:
        require_lead(operator, "test")
        require_active(session, operator)
        assert session.scalar(select(Reviewer.id).where(Reviewer.role == operator.role)) is None


def test_require_lead_names_the_action_it_refuses() -> None:
    with pytest.raises(PermissionDenied, match="Only a lead can merge units."):
        require_lead(Actor(1, "Ann", "reviewer"), "merge units")

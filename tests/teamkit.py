"""Helpers for the team-mode tests: data set-up, and writers that run in threads or spawned processes.

Kept free of pytest, and of spaCy until a function needs it (ingest, a lead's edit), so that
``multiprocessing`` (spawn) children that only save verdicts start quickly.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

from workbench import LABELS
from workbench.access import Actor
from workbench.auth import create_reviewer
from workbench.db import Database, normalise_url
from workbench.models import Claim, Collection
from workbench.verdicts import StaleClaim, save_verdict

SENTENCES = 12
ARTICLE_TEXT = " ".join(
    f"Claim number {index} says the council spent {index} million on roads last year." for index in range(SENTENCES)
)


def claim_ids(database: Database, text: str = ARTICLE_TEXT, source: str = "team.txt") -> list[int]:
    """Ingest one article and return its claims' ids in reading order."""
    from workbench.ingest import Document, ingest_documents

    report = ingest_documents(database, [Document(source=source, text=text)])
    assert report.added == 1, report.messages
    with database.session() as session:
        return list(
            session.scalars(
                select(Claim.id)
                .where(Claim.article_id == report.article_ids[0], Claim.kind == "claim")
                .order_by(Claim.position)
            )
        )


@contextmanager
def scratch_database(kind: str, folder: Path) -> Iterator[Database]:
    """A database without any schema: a new SQLite file, or a new PostgreSQL database dropped afterwards.

    PostgreSQL is skipped when unreachable, except under CI=true (see ``conftest.require``).
    """
    if kind == "sqlite":
        database = Database(f"sqlite:///{folder / f'scratch-{uuid.uuid4().hex[:8]}.db'}")
        yield database
        database.dispose()
        return
    from tests.conftest import POSTGRES_ADMIN_URL, postgres_reachable, require

    problem = postgres_reachable()
    require(problem is None, problem or "")
    name = f"wb_scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = Database(normalise_url(POSTGRES_ADMIN_URL).rsplit("/", 1)[0] + f"/{name}")
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_accounts(database: Database, reviewers: int) -> tuple[Actor, list[Actor]]:
    """A lead and ``reviewers`` reviewers (no passwords: hashing is not what is tested here)."""
    with database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "lead", None, "lead", actor=Actor.operator()))
        people = [
            Actor.of(create_reviewer(session, f"reviewer {index:02}", None, "reviewer", actor=Actor.operator()))
            for index in range(reviewers)
        ]
    return lead, people


@dataclass(frozen=True)
class World:
    """One article's claims, a lead and two reviewers who both gave verdicts on the first three claims."""

    lead: Actor
    reviewer: Actor
    other: Actor
    claims: list[int]
    collection_id: int


def build_world(database: Database) -> World:
    claims = claim_ids(database)
    lead, (reviewer, other) = make_accounts(database, 2)
    with database.transaction() as session:
        collection_id = session.scalar(select(Collection.id))
        for claim in claims[:3]:
            for person in (reviewer, other):
                save_verdict(session, person, claim, "supported", f"{person.name}'s note")
    return World(lead, reviewer, other, claims, collection_id)


def database_rows(database: Database) -> list[dict]:
    """Every row of every table (the dump without its header): to show that nothing changed."""
    from workbench.dump import dump_records

    return list(dump_records(database))[1:]


@dataclass(frozen=True)
class Write:
    """One verdict save, in its own transaction, as ``actor``."""

    actor: Actor
    claim_id: int
    label: str
    note: str
    expected_version: int | None = None


@dataclass(frozen=True)
class LeadEdit:
    """A lead fixing the split of a unit: ``kind`` (to a heading), ``merge`` (with the next) or ``split``."""

    actor: Actor
    edit: str
    claim_ids: tuple[int, ...]


Task = Write | LeadEdit


@dataclass(frozen=True)
class Outcome:
    task: Task
    result: str
    """``create``/``update``/``unchanged`` when saved, ``stale`` when refused as :class:`StaleClaim`,
    ``edited`` for a lead's edit."""
    message: str = ""


def perform(database: Database, task: Task) -> Outcome:
    """One task in its own transaction."""
    try:
        with database.transaction() as session:
            if isinstance(task, LeadEdit):
                lead_edit(session, task)
                return Outcome(task, "edited")
            change = save_verdict(
                session, task.actor, task.claim_id, task.label, task.note, expected_version=task.expected_version
            )
            return Outcome(task, change.action or "unchanged")
    except StaleClaim as error:
        return Outcome(task, "stale", str(error))


def lead_edit(session, task: LeadEdit) -> None:
    from workbench.edits import merge_units, set_unit_kind, split_unit

    first = task.claim_ids[0]
    if task.edit == "kind":
        set_unit_kind(session, task.actor, first, "heading", expected_version=1)
    elif task.edit == "merge":
        merge_units(session, task.actor, first, task.claim_ids[1], expected_versions=(1, 1))
    else:
        text = session.get(Claim, first).text
        split_unit(session, task.actor, first, text.index(" says") + 1, expected_version=1)


def run_writes(database: Database, tasks: list[Task], barrier: Any) -> list[Outcome]:
    """Wait for every other writer, then perform ``tasks`` one transaction each, in order."""
    barrier.wait()
    return [perform(database, task) for task in tasks]


def run_writers_in_threads(database: Database, plans: list[list[Task]], barrier: Any) -> list[list[Outcome]]:
    """Each plan in its own thread (and pooled connection) against one ``Database``."""
    with ThreadPoolExecutor(max_workers=len(plans)) as pool:
        futures = [pool.submit(run_writes, database, plan, barrier) for plan in plans]
        return [future.result() for future in futures]


def process_main(url: str, plans: list[list[Task]], barrier: Any, results: Any, slot: int) -> None:
    """Body of a spawned process: its own ``Database`` (engine, pool), its plans in threads."""
    database = Database(url)
    try:
        results.put((slot, run_writers_in_threads(database, plans, barrier)))
    except BaseException as error:
        results.put((slot, error))
        raise
    finally:
        database.dispose()


def new_barrier(parties: int) -> threading.Barrier:
    return threading.Barrier(parties, timeout=120)


# --- a database with a bit of everything, for dumps and backups -------------------------------------

LEAD_PASSWORD = "lead password 12345"
REVIEWER_PASSWORD = "reviewer secret 6789"


def fill_workbench(database: Database, seeds_dir) -> dict[str, int]:
    """Seed articles, accounts with passwords, assignments, guidelines, verdicts with updates, an undo,
    a lead's merge (withdrawn verdicts: SQL NULLs in history) and a final verdict. Returns row counts."""
    from workbench.adjudication import record_final_verdict
    from workbench.edits import merge_units
    from workbench.assignment import assign
    from workbench.dump import data_tables, row_counts
    from workbench.guidelines import save_guidelines
    from workbench.ingest import ingest_paths
    from workbench.verdicts import delete_verdict

    ingest_paths(database, [seeds_dir], "Seeds")
    with database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lead Ana", LEAD_PASSWORD, "lead", actor=Actor.operator()))
        people = [
            Actor.of(create_reviewer(session, name, REVIEWER_PASSWORD if index == 0 else None, actor=lead))
            for index, name in enumerate(["Ravi", "Zoë O'Neil", "Kim"])
        ]
        collection_id = session.scalar(select(Collection.id).where(Collection.name == "Seeds"))
        assign(session, collection_id, [person.id for person in people], actor=lead)
        save_guidelines(session, lead, {label: f"Definition of {label} — “v2”" for label in LABELS})
        claims = session.scalars(
            select(Claim).where(Claim.kind == "claim").order_by(Claim.article_id, Claim.position).limit(8)
        ).all()
    ids = [claim.id for claim in claims]
    neighbours = next(
        (a.id, b.id) for a, b in pairwise(claims) if a.article_id == b.article_id and b.position == a.position + 1
    )
    for index, claim in enumerate(ids):
        for number, person in enumerate(people):
            with database.transaction() as session:
                save_verdict(
                    session, person, claim, LABELS[(index + number) % 3],
                    f"Note by {person.name}: ünïcode, =1+1, <b>bold</b>" if number else "",
                    ["https://example.org/source", f"https://example.com/{index}?q=a&b=c"] if number == 1 else [],
                )
    with database.transaction() as session:
        save_verdict(session, people[0], ids[-1], "editorial_framing", "changed my mind")
        delete_verdict(session, people[1], ids[-2])
        record_final_verdict(session, lead, ids[-3], LABELS[(len(ids) - 3) % 3], "Agreed with the majority.")
        merge_units(session, lead, *neighbours)
    with database.engine.connect() as connection:
        return row_counts(connection, data_tables(connection))

"""Writers for the team-mode tests, run in threads or spawned processes (data set-up: ``builders``).

Kept free of pytest, and of spaCy until a function needs it (a lead's edit), so that
``multiprocessing`` (spawn) children that only save verdicts start quickly.
"""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from workbench.access import Actor
from workbench.db import Database
from workbench.models import Claim
from workbench.verdicts import StaleClaim, save_verdict


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


@contextmanager
def plain_main_module() -> Iterator[None]:
    """A bare ``__main__`` while processes are spawned.

    Streamlit's script runner (AppTest, in any earlier page test of this worker) leaves the page
    script installed as ``sys.modules["__main__"]``, and a spawned child re-imports ``__main__``
    from its file: it would run the app, against the default database, instead of its writes.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


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

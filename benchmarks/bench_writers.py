"""Many reviewers saving at once: save latency percentiles, and how long each write path holds the lock.

Run by hand: ``python benchmarks/bench_writers.py [--writers 2 8 20 40] [--saves 25]
[--postgres postgresql://postgres@127.0.0.1:5432/test] [--holds]``.

``N`` writer threads share one ``Database``, as the sessions of one ``workbench serve`` process
do, and each saves ``--saves`` verdicts from the review queue (``submit_verdict`` in a transaction
of its own, as a key press does), all starting together. Latency is one save, from asking for the
transaction to its commit. The figures go into the README ("How many reviewers at once").

``--holds`` times, on one quiet database, how long each write path holds its write transaction
(on SQLite: the database's one write lock): one save, an import of 5,000 verdicts, an ingest
of 20 articles, accepting unanimous verdicts, a merge. Parsing, planning and splitting run
before those transactions begin, so they are not in these figures.
"""

from __future__ import annotations

import argparse
import csv
import io
import threading
import time
from collections import defaultdict
from contextlib import contextmanager

import numpy as np
from sqlalchemy import event, insert, select, text
from synthetic import fresh_database

from workbench.access import Actor
from workbench.adjudication import accept_unanimous
from workbench.edits import merge_units
from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.models import Assignment, Claim, Reviewer
from workbench.review import submit_verdict
from workbench.verdict_import import import_verdicts
from workbench.verdicts import save_verdict

SENTENCE = "The council said on Tuesday that {n} new homes had been approved since last spring."
LABELS = ("supported", "disputed", "editorial_framing")


class HoldTimer:
    """Records how long every write transaction of an engine stays open, under the current label."""

    def __init__(self, database: Database) -> None:
        self.label = threading.local()
        self.default = "other"
        self.holds: dict[str, list[float]] = defaultdict(list)
        self.begun: dict[int, float] = {}
        event.listen(database.engine, "begin", self._begin)
        event.listen(database.engine, "commit", self._end)
        event.listen(database.engine, "rollback", self._end)

    def _begin(self, connection) -> None:
        if not connection.get_execution_options().get("read_only", False):
            self.begun[id(connection)] = time.perf_counter()

    def _end(self, connection) -> None:
        started = self.begun.pop(id(connection), None)
        if started is not None:
            self.holds[getattr(self.label, "name", self.default)].append(time.perf_counter() - started)

    @contextmanager
    def path(self, name: str):
        self.label.name = self.default = name
        try:
            yield
        finally:
            self.label.name = self.default = "other"


def article(number: int, sentences: int = 50) -> Document:
    body = " ".join(SENTENCE.format(n=number * 1000 + i) for i in range(sentences))
    return Document(source=f"article-{number}.txt", text=body, title=f"Article {number}")


def setup(database: Database, reviewers: int, articles: int) -> tuple[Actor, list[Actor], list[int]]:
    ingest_documents(database, [article(n) for n in range(articles)], "Bench")
    with database.transaction() as session:
        lead = Reviewer(name="lead", role="lead")
        people = [Reviewer(name=f"reviewer {i:02}") for i in range(reviewers)]
        session.add_all([lead, *people])
        session.flush()
        collection_id = session.scalar(text("SELECT id FROM collection"))
        session.execute(insert(Assignment), [{"collection_id": collection_id, "reviewer_id": p.id} for p in people])
        actors = Actor.of(lead), [Actor.of(p) for p in people]
    with database.read_session() as session:
        claims = list(session.scalars(select(Claim.id).where(Claim.kind == "claim").order_by(Claim.id)))
    return actors[0], actors[1], claims


def save_latencies(database: Database, writers: list[Actor], claims: list[int], saves: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(writers))

    def work(index: int, actor: Actor) -> None:
        mine = []
        barrier.wait()
        for step in range(saves):
            claim = claims[(index * saves + step) % len(claims)]
            started = time.perf_counter()
            with database.transaction() as session:
                submit_verdict(session, actor, claim, LABELS[step % 3], f"note {step}")
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(i, actor)) for i, actor in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def run_writers(kind: str, postgres: str | None, counts: list[int], saves: int) -> None:
    for count in counts:
        with fresh_database(kind, postgres) as database:
            _, people, claims = setup(database, count, articles=max(4, count * saves // 50 + 1))
            timer = HoldTimer(database)
            with timer.path("save"):
                started = time.perf_counter()
                latencies = save_latencies(database, people, claims, saves)
                elapsed = time.perf_counter() - started
            p50, p95, p99 = np.percentile(latencies, [50, 95, 99])
            holds = timer.holds["save"]
            print(
                f"| {kind} | {count} | {len(latencies) / elapsed:,.0f} | {ms(p50)} | {ms(p95)} | {ms(p99)} | "
                f"{ms(max(latencies))} | {ms(float(np.median(holds)))} |",
                flush=True,
            )


def verdict_file(claims: list[int], names: list[str], rows: int) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(["claim_id", "reviewer", "verdict", "note"])
    for i in range(rows):
        writer.writerow([claims[i % len(claims)], names[i // len(claims) % len(names)], LABELS[i % 3], f"imported {i}"])
    return stream.getvalue().encode()


def run_holds(kind: str, postgres: str | None) -> None:
    with fresh_database(kind, postgres) as database:
        lead, people, claims = setup(database, 5, articles=100)
        timer = HoldTimer(database)
        for step in range(50):
            with timer.path("one save (submit_verdict)"), database.transaction() as session:
                submit_verdict(session, people[step % 2], claims[step], "supported", "note")
        for claim in claims[:2_000]:
            with database.transaction() as session:
                save_verdict(session, people[2], claim, "supported")
                save_verdict(session, people[3], claim, "supported")
        with timer.path("import of 5,000 verdicts (write phase)"):
            started = time.perf_counter()
            import_verdicts(database, verdict_file(claims, [p.name for p in people[4:5] + people[:1]], 5_000), actor=Actor.operator())
            total = time.perf_counter() - started
        with timer.path("ingest of 20 articles, 1,000 claims (write phase)"):
            ingest_documents(database, [article(1000 + n) for n in range(20)], "Bench")
        with timer.path("accept unanimous (2,000 claims)"), database.transaction() as session:
            accept_unanimous(session, lead)
        with timer.path("merge two units"), database.transaction() as session:
            merge_units(session, lead, claims[-2], claims[-1])
        print(f"\n{kind}: write transaction hold times (median / longest)")
        for name, holds in timer.holds.items():
            if name != "other":
                print(f"  {name}: {ms(float(np.median(holds)))} / {ms(max(holds))}")
        print(f"  (the whole import, parsing and planning included: {ms(total)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, nargs="+", default=[2, 8, 20, 40])
    parser.add_argument("--saves", type=int, default=25, help="saves per writer")
    parser.add_argument("--postgres", help="PostgreSQL admin URL; a scratch database is made there")
    parser.add_argument("--holds", action="store_true", help="time each write path's transaction instead")
    options = parser.parse_args()
    kinds = ["sqlite"] + (["postgresql"] if options.postgres else [])
    if options.holds:
        for kind in kinds:
            run_holds(kind, options.postgres)
        return
    print("| database | writers | saves/s | p50 | p95 | p99 | slowest | median hold |")
    print("|---|---|---|---|---|---|---|---|")
    for kind in kinds:
        run_writers(kind, options.postgres, options.writers, options.saves)


if __name__ == "__main__":
    main()

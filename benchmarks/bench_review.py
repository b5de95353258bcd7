"""Review speed: save a verdict and show the next claim, with 100,000 claims in the database.

Run by hand: ``python benchmarks/bench_review.py [--claims 100000] [--url URL]``.
It fills a fresh SQLite file (or an empty database given with ``--url``, e.g. a scratch
PostgreSQL database) with articles, claims, five reviewers and their verdicts, then times what
one press of a label key costs the server in the review queue: save the verdict (with history),
find the next claim, load it in context, the other reviewers' verdicts, the guidelines and the
article's progress bar (the overall bar is counted when the page opens and then kept current by
the page itself, which checks the reviewer's latest verdict change to notice another tab's). It also times opening the queue: resuming where the reviewer left off and
counting the overall progress.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
from synthetic import add_articles, add_collection, add_reviewers, add_verdicts, insert_rows, sentences_as_units

from workbench import LABELS
from workbench.access import Actor
from workbench.db import Database
from workbench.guidelines import current_guidelines
from workbench.models import VerdictHistory
from workbench.review import (
    article_progress,
    claim_context,
    claim_needs_reviewer,
    latest_verdict_change,
    next_claim_id,
    others_verdicts,
    overall_progress,
    resume_cursor,
    submit_verdict,
)

CLAIMS_PER_ARTICLE = 40
SENTENCES_PER_PARAGRAPH = 4
REVIEWERS = 5
SENTENCE = (
    "The minister said on Tuesday that unemployment had fallen by {n} per cent since last year."
)


def fill(database: Database, n_claims: int, done_fraction: float, seed: int) -> None:
    """Articles of 40 sentences in paragraphs of 4; reviewer 1 has labelled the first ``done_fraction``."""
    rng = np.random.default_rng(seed)
    text, units = sentences_as_units(
        [SENTENCE.format(n=i) for i in range(CLAIMS_PER_ARTICLE)], SENTENCES_PER_PARAGRAPH
    )
    done = int(n_claims * done_fraction)
    verdicts = [(c + 1, 1) for c in range(done)]
    for reviewer in range(2, REVIEWERS + 1):
        chosen = rng.random(n_claims) < 0.4
        verdicts.extend((int(c) + 1, reviewer) for c in np.flatnonzero(chosen))
    labels = rng.integers(0, len(LABELS), len(verdicts))
    with database.transaction() as session:
        add_collection(session)
        add_reviewers(session, REVIEWERS)
        add_articles(session, n_claims, units, text)
        add_verdicts(
            session,
            ((claim, reviewer, LABELS[label], "", []) for (claim, reviewer), label in zip(verdicts, labels)),
        )
        order = rng.permutation(len(verdicts))  # the team's history, reviewers' changes interleaved
        insert_rows(session, VerdictHistory, (
            {"claim_id": verdicts[i][0], "reviewer_id": verdicts[i][1], "actor_id": verdicts[i][1],
             "action": "create", "new_label": LABELS[labels[i]]}
            for i in order
        ))


def timed(steps: dict[str, list[float]], name: str, call: Callable):
    start = time.perf_counter()
    result = call()
    steps[name].append((time.perf_counter() - start) * 1000)
    return result


def label_one(
    database: Database, actor: Actor, claim_id: int, label: str, steps: dict[str, list[float]]
) -> int | None:
    """One key press in the queue: everything the server does between the press and the next claim."""
    with database.transaction() as tx:
        timed(steps, "save verdict", lambda: submit_verdict(tx, actor, claim_id, label, "", ""))
    with database.session() as session:
        cursor = timed(steps, "claim context", lambda: claim_context(session, claim_id)).cursor
        next_id = timed(steps, "next claim", lambda: next_claim_id(session, actor, after=cursor))
        timed(steps, "still needed", lambda: claim_needs_reviewer(session, actor, next_id))
        context = timed(steps, "claim context", lambda: claim_context(session, next_id))
        timed(steps, "others (blind)", lambda: others_verdicts(session, actor, next_id))
        timed(steps, "guidelines", lambda: current_guidelines(session))
        timed(
            steps, "article progress", lambda: article_progress(session, actor, context.article_id)
        )
        timed(steps, "latest change", lambda: latest_verdict_change(session, actor))
    return next_id


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument(
        "--done", type=float, default=0.5, help="Fraction reviewer 1 has already labelled."
    )
    parser.add_argument("--presses", type=int, default=300, help="Label key presses to time.")
    parser.add_argument("--url", help="An empty database to fill (default: a fresh SQLite file).")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database = Database(args.url or f"sqlite:///{Path(folder) / 'bench.db'}")
        database.upgrade()
        started = time.perf_counter()
        fill(database, args.claims, args.done, args.seed)
        with (
            database.engine.connect() as connection
        ):  # fresh statistics, as autovacuum would keep them
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
        print(
            f"{database.dialect}: filled {args.claims:,} claims in {time.perf_counter() - started:.1f} s"
        )
        actor = Actor(id=1, name="reviewer1", role="reviewer")

        opening: dict[str, list[float]] = defaultdict(list)
        for _ in range(20):
            with database.session() as session:
                cursor = timed(opening, "resume cursor", lambda: resume_cursor(session, actor))
                claim_id = timed(
                    opening,
                    "first claim",
                    lambda cursor=cursor: next_claim_id(session, actor, after=cursor),
                )
                timed(opening, "overall progress", lambda: overall_progress(session, actor))
        print("open the queue:")
        for name, values in opening.items():
            print(
                f"  {name:<17} p50 {statistics.median(values):7.2f} ms   max {max(values):7.2f} ms"
            )

        steps: dict[str, list[float]] = defaultdict(list)
        totals = []
        for press in range(args.presses):
            start = time.perf_counter()
            claim_id = label_one(database, actor, claim_id, LABELS[press % len(LABELS)], steps)
            totals.append((time.perf_counter() - start) * 1000)
            if claim_id is None:
                break
        print(
            f"save + next claim, {len(totals)} presses: p50 {percentile(totals, 50):.2f} ms, "
            f"p95 {percentile(totals, 95):.2f} ms, max {max(totals):.2f} ms"
        )
        for name, values in steps.items():
            print(
                f"  {name:<17} p50 {percentile(values, 50):7.2f} ms   p95 {percentile(values, 95):7.2f} ms"
            )
        database.dispose()


if __name__ == "__main__":
    main()

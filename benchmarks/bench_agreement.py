"""Agreement speed: 200,000 claims × 5 reviewers read from the database, every measure.

Run by hand: ``python benchmarks/bench_agreement.py [--claims 200000] [--reviewers 5]``.
It fills a fresh SQLite file (or an empty database given with ``--url``) with claims and
verdicts that disagree realistically, then times loading plus all measures except the
bootstrap, and the bootstrap on its own.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select

from workbench import LABELS
from workbench.agreement import RatingTable, agreement_report, alpha_with_interval
from workbench.agreement_breakdowns import by_article, by_label, by_reviewer, disputed_claims
from workbench.agreement_data import load_rating_table
from workbench.db import Database
from workbench.models import Article, Claim, Collection, Reviewer, Verdict, utcnow

CLAIMS_PER_ARTICLE = 20
PREVALENCE = (0.55, 0.30, 0.15)
"""How often each label (supported, disputed, editorial framing) is the right answer."""
CONFUSION = np.array([[0.0, 0.6, 0.4], [0.7, 0.0, 0.3], [0.5, 0.5, 0.0]])
"""When a reviewer is wrong, which label they pick instead (rows: right label)."""
CHUNK = 50_000


def fill(database: Database, n_claims: int, n_reviewers: int, seed: int) -> None:
    """Claims in articles of 20, every reviewer rating every claim with 75-92% accuracy."""
    rng = np.random.default_rng(seed)
    now = utcnow()
    n_articles = -(-n_claims // CLAIMS_PER_ARTICLE)
    with database.transaction() as session:
        session.execute(insert(Collection), [{"id": 1, "name": "Benchmark", "created_at": now}])
        session.execute(
            insert(Reviewer),
            [{"id": r + 1, "name": f"reviewer{r + 1}", "role": "reviewer", "created_at": now} for r in range(n_reviewers)],
        )
        session.execute(
            insert(Article),
            [
                {"id": a + 1, "collection_id": 1, "title": f"Article {a + 1}", "text": "x" * 2000,
                 "content_hash": f"{a:064x}", "imported_at": now}
                for a in range(n_articles)
            ],
        )
        for start in range(0, n_claims, CHUNK):
            session.execute(
                insert(Claim),
                [
                    {"id": c + 1, "article_id": c // CLAIMS_PER_ARTICLE + 1, "position": c % CLAIMS_PER_ARTICLE,
                     "text": "A claim.", "start_char": (c % CLAIMS_PER_ARTICLE) * 100,
                     "end_char": (c % CLAIMS_PER_ARTICLE) * 100 + 8, "kind": "claim", "paragraph": 0, "version": 1}
                    for c in range(start, min(start + CHUNK, n_claims))
                ],
            )
        truth = rng.choice(len(LABELS), size=n_claims, p=PREVALENCE)
        accuracy = rng.uniform(0.75, 0.92, size=n_reviewers)
        verdict_id = 0
        for reviewer in range(n_reviewers):
            wrong = rng.random(n_claims) > accuracy[reviewer]
            labels = truth.copy()
            # Draw each mistaken label from its row of CONFUSION (inverse of the cumulative sums).
            cumulative = CONFUSION.cumsum(axis=1)[truth[wrong]]
            labels[wrong] = (rng.random(int(wrong.sum()))[:, None] > cumulative).sum(axis=1)
            for start in range(0, n_claims, CHUNK):
                stop = min(start + CHUNK, n_claims)
                rows = [
                    {"id": verdict_id + c + 1, "claim_id": c + 1, "reviewer_id": reviewer + 1,
                     "label": LABELS[labels[c]], "note": "", "evidence": [], "created_at": now, "updated_at": now}
                    for c in range(start, stop)
                ]
                session.execute(insert(Verdict), rows)
            verdict_id += n_claims


def load_rating_table_copy(table: RatingTable) -> RatingTable:
    return RatingTable(table.unit_codes, table.rater_codes, table.value_codes, table.unit_ids, table.raters,
                       table.labels, table.unit_articles)


def timed(function, repeats: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--reviewers", type=int, default=5)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--url", help="A database to fill, or one filled by an earlier run to reuse (default: a fresh SQLite file)."
    )
    args = parser.parse_args()

    folder = tempfile.TemporaryDirectory()
    url = args.url or f"sqlite:///{Path(folder.name) / 'bench.db'}"
    database = Database(url)
    database.upgrade()
    with database.session() as session:
        existing = session.scalar(select(func.count()).select_from(Verdict))
    if existing:
        print(f"using the {existing:,} verdicts already in {database.dialect} database")
    else:
        start = time.perf_counter()
        fill(database, args.claims, args.reviewers, args.seed)
        print(f"filled {args.claims:,} claims × {args.reviewers} reviewers on {database.dialect} "
              f"in {time.perf_counter() - start:.1f} s")

    def load_only():
        with database.session() as session:
            return load_rating_table(session)

    def measures(table):
        report = agreement_report(table, resamples=0)
        by_label(table), by_article(table), by_reviewer(table), disputed_claims(table)
        return report

    def everything_but_bootstrap():
        table = load_only()
        return table, measures(table)

    load_times, loaded = timed(load_only, args.repeats)
    # A fresh table each time, so nothing cached on it from an earlier run is reused.
    measure_times, _ = timed(lambda: measures(load_rating_table_copy(loaded)), args.repeats)
    all_times, (table, report) = timed(everything_but_bootstrap, args.repeats)
    boot_times, interval = timed(lambda: alpha_with_interval(table.counts, resamples=args.resamples), args.repeats)
    print(f"ratings: {table.n_ratings:,}; alpha {report.krippendorff_alpha.value:.4f} "
          f"(95% CI {interval.ci95[0]:.4f}–{interval.ci95[1]:.4f}); Fleiss {report.fleiss_kappa.value:.4f}")
    print(f"load from database:                 median {statistics.median(load_times):.2f} s, best {min(load_times):.2f} s")
    print(f"all measures on loaded ratings:     median {statistics.median(measure_times):.2f} s, best {min(measure_times):.2f} s")
    print(f"load + all measures (no bootstrap): median {statistics.median(all_times):.2f} s, best {min(all_times):.2f} s")
    print(f"bootstrap, {args.resamples} resamples:         median {statistics.median(boot_times):.3f} s")
    database.dispose()
    folder.cleanup()


if __name__ == "__main__":
    main()

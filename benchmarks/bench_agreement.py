"""Agreement speed: 200,000 claims × 5 reviewers read from the database, every measure.

Run by hand: ``python benchmarks/bench_agreement.py [--claims 200000] [--reviewers 5]``.
It fills a fresh SQLite file (or an empty database given with ``--url``) with claims and
verdicts that disagree realistically, then times loading plus all measures except the
bootstrap, and the bootstrap on its own.
"""

from __future__ import annotations

import argparse
import statistics
import time

from synthetic import rated_claims_database

from workbench.agreement import (
    RatingTable,
    agreement_report,
    alpha_with_interval,
    by_article,
    by_label,
    by_reviewer,
    disputed_claims,
)
from workbench.agreement_data import load_rating_table
from workbench.db import Database


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

    with rated_claims_database(args.url, args.claims, args.reviewers, args.seed) as database:
        measure(database, args.repeats, args.resamples)


def measure(database: Database, repeats: int, resamples: int) -> None:
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

    load_times, loaded = timed(load_only, repeats)
    # A fresh table each time, so nothing cached on it from an earlier run is reused.
    measure_times, _ = timed(lambda: measures(load_rating_table_copy(loaded)), repeats)
    all_times, (table, report) = timed(everything_but_bootstrap, repeats)
    boot_times, interval = timed(lambda: alpha_with_interval(table.counts, resamples=resamples), repeats)
    print(f"ratings: {table.n_ratings:,}; alpha {report.krippendorff_alpha.value:.4f} "
          f"(95% CI {interval.ci95[0]:.4f}–{interval.ci95[1]:.4f}); Fleiss {report.fleiss_kappa.value:.4f}")
    print(f"load from database:                 median {statistics.median(load_times):.2f} s, best {min(load_times):.2f} s")
    print(f"all measures on loaded ratings:     median {statistics.median(measure_times):.2f} s, best {min(measure_times):.2f} s")
    print(f"load + all measures (no bootstrap): median {statistics.median(all_times):.2f} s, best {min(all_times):.2f} s")
    print(f"bootstrap, {resamples} resamples:         median {statistics.median(boot_times):.3f} s")


if __name__ == "__main__":
    main()

"""Aggregation speed: 200,000 claims × 5 reviewers (1,000,000 verdicts) read from the database.

Run by hand: ``python benchmarks/bench_aggregate.py [--claims 200000] [--reviewers 5] [--url URL]``.
It fills a fresh SQLite file (or an empty database given with ``--url``, e.g. a scratch
PostgreSQL database) the way ``bench_agreement.py`` does, then times reading the verdicts plus
Dawid–Skene, and reading plus majority vote. A second part measures accuracy on simulated teams
(three careful reviewers, one who over-uses "disputed", one random clicker, three verdicts per
claim) against the truth, for Dawid–Skene, majority vote and the Bayes-optimal rule that knows
the true confusion matrices.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT)]

from synthetic import rated_claims_database  # noqa: E402

from tests.reliability_sim import simulate  # noqa: E402
from workbench.agreement_data import load_rating_table  # noqa: E402
from workbench.db import Database  # noqa: E402
from workbench.reliability import aggregate  # noqa: E402


def timed(function, repeats: int) -> tuple[list[float], list[float], object]:
    """Wall-clock and CPU seconds of this process per run (CPU time is what a quiet machine would
    take for in-process work; the database server's own work shows only in wall-clock time)."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, result


def accuracy_on_simulated_teams(seeds: int, n_claims: int) -> None:
    rows = []
    for seed in range(seeds):
        team = simulate(seed, n_claims=n_claims)
        table = team.table()
        truth = team.truth[table.unit_ids - 1]
        model, majority = aggregate(table), aggregate(table, "majority")
        order = [team.names.index(name) for name in table.raters]
        log_posterior = np.tile(np.log([0.5, 0.3, 0.2]), (table.n_units, 1))
        np.add.at(log_posterior, table.unit_codes,
                  np.log(team.confusions[order][table.rater_codes, :, table.value_codes]))
        rng = np.random.default_rng(seed)
        random_ties = np.array([rng.choice(np.flatnonzero(row == row.max())) for row in table.counts])
        tied = table.counts == table.counts.max(axis=1, keepdims=True)
        name_rank = np.argsort(np.argsort(table.labels))  # crowd-kit's MajorityVote: first label by name
        name_ties = (tied * (len(table.labels) - name_rank)).argmax(axis=1)
        mae = max(np.abs(item.confusion - team.confusions[team.names.index(item.reviewer)]).mean()
                  for item in model.reviewers)
        reliability = {item.reviewer: item.reliability for item in model.reviewers}
        rows.append((
            (model.label_codes == truth).mean(), (majority.label_codes == truth).mean(),
            (random_ties == truth).mean(), (name_ties == truth).mean(),
            (log_posterior.argmax(axis=1) == truth).mean(), mae,
            min(reliability, key=reliability.get) == "r4",
        ))
    ds, mv, mv_random, mv_name, oracle, mae, least = (np.array(column) for column in zip(*rows))
    print(f"simulated teams ({seeds} seeds × {n_claims:,} claims, 3 verdicts each):")
    print(f"  Dawid–Skene accuracy {ds.mean():.3f}; majority vote {mv.mean():.3f} (ties to the commonest label), "
          f"{mv_random.mean():.3f} (ties at random), {mv_name.mean():.3f} (ties to the first label by name, "
          f"as crowd-kit's MajorityVote); Bayes-optimal with the true matrices {oracle.mean():.3f}")
    print(f"  gain over majority vote: {100 * (ds - mv).mean():.1f} points (range {100 * (ds - mv).min():.1f}–"
          f"{100 * (ds - mv).max():.1f}); over random-tie majority {100 * (ds - mv_random).mean():.1f} points; "
          f"over name-order ties {100 * (ds - mv_name).mean():.1f} points")
    print(f"  worst confusion-matrix MAE per run: max {mae.max():.3f}, mean {mae.mean():.3f}; "
          f"random clicker ranked least reliable in {int(least.sum())}/{seeds} runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--reviewers", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="An empty database to fill, or one filled by an earlier run to reuse.")
    parser.add_argument("--simulations", type=int, default=10, help="Simulated teams for the accuracy part (0: skip).")
    args = parser.parse_args()

    with rated_claims_database(args.url, args.claims, args.reviewers, args.seed) as database:
        measure(database, args.repeats)
    if args.simulations:
        accuracy_on_simulated_teams(args.simulations, 3000)


def measure(database: Database, repeats: int) -> None:
    def load():
        with database.session() as session:
            return load_rating_table(session)

    load_times, load_cpu, table = timed(load, repeats)
    ds_times, ds_cpu, model = timed(lambda: aggregate(table), repeats)
    mv_times, mv_cpu, _ = timed(lambda: aggregate(table, "majority"), repeats)
    total_times, total_cpu, _ = timed(lambda: aggregate(load()), repeats)
    print(f"{table.n_ratings:,} verdicts on {table.n_units:,} claims; Dawid–Skene converged in "
          f"{model.iterations} iterations ({'converged' if model.converged else 'NOT converged'})")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for name, times, cpu in (("read from the database", load_times, load_cpu),
                             ("Dawid–Skene on read verdicts", ds_times, ds_cpu),
                             ("majority vote on read verdicts", mv_times, mv_cpu),
                             ("read + Dawid–Skene", total_times, total_cpu)):
        print(f"{name:32} wall median {statistics.median(times):.2f} s, best {min(times):.2f} s; "
              f"CPU of this process median {statistics.median(cpu):.2f} s")


if __name__ == "__main__":
    main()

"""Export speed and memory: a long CSV of 1,000 vs 1,000,000 verdicts (run by hand).

    python benchmarks/bench_export.py                 # 1k, 100k and 1M verdicts on SQLite
    python benchmarks/bench_export.py --sizes 1000 1000000 --layout wide
    python benchmarks/bench_export.py --database postgresql://postgres@127.0.0.1:5432/bench_export

Each database is filled with bulk Core inserts (5 reviewers per claim, 20 claims per article),
then exported by a fresh child process, so the peak resident memory reported is the export's
alone. Flat memory across sizes shows the export streams.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from synthetic import add_articles, add_collection, add_reviewers, add_verdicts

from workbench import LABELS
from workbench.db import Database, normalise_url
from workbench.models import Base

REVIEWERS = 5
CLAIMS_PER_ARTICLE = 20
NOTES = [
    "",
    "Checked against the ministry's figures.",
    'Quote: "we never said that", per the transcript.\nSecond line.',
    "=SUM(A1:A9) looks like a formula",
]


def fill(database: Database, verdicts: int) -> float:
    """Insert ``verdicts`` verdicts (and their claims, articles, reviewers); returns seconds taken."""
    started = time.perf_counter()
    sentence = "The council spent 4.2 million on the new bridge, the report says. "
    units = [
        (sentence.strip(), p * len(sentence), p * len(sentence) + len(sentence.strip()), 0)
        for p in range(CLAIMS_PER_ARTICLE)
    ]
    rows = (
        (
            v // REVIEWERS + 1,
            v % REVIEWERS + 1,
            LABELS[(v * 7 + v // REVIEWERS) % len(LABELS)],
            NOTES[v % len(NOTES)],
            [f"https://example.org/source/{v}"] if v % 3 == 0 else [],
        )
        for v in range(verdicts)
    )
    with database.engine.begin() as connection:
        add_collection(connection)
        add_reviewers(connection, REVIEWERS)
        add_articles(connection, -(-verdicts // REVIEWERS), units, sentence * CLAIMS_PER_ARTICLE)
        add_verdicts(connection, rows)
    return time.perf_counter() - started


def export_in_child(url: str, layout: str, out: Path) -> dict:
    """Run the export in a fresh interpreter and measure its time and peak memory."""
    child = subprocess.run(
        [sys.executable, __file__, "--export-only", url, layout, str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(child.stdout)


def peak_rss_mib() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec (ru_maxrss does not)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_only(url: str, layout: str, out: str) -> None:
    """Child process: import, export, print timings as JSON."""
    from workbench.export import export_to_path
    from workbench.export_options import ExportOptions

    database = Database(url)
    baseline = peak_rss_mib()
    started = time.perf_counter()
    result = export_to_path(database, ExportOptions(layout=layout), Path(out))
    seconds = time.perf_counter() - started
    peak = peak_rss_mib()
    print(
        json.dumps(
            {
                "rows": result.rows,
                "seconds": seconds,
                "rss_before_export_mib": baseline,
                "peak_rss_mib": peak,
                "bytes": Path(out).stat().st_size,
            }
        )
    )


def admin_engine(base_url: str):
    admin_url = normalise_url(base_url).rsplit("/", 1)[0]
    return create_engine(f"{admin_url}/postgres", isolation_level="AUTOCOMMIT")


def fresh_database(base_url: str | None, folder: Path, verdicts: int) -> str:
    """An empty schema: a SQLite file in ``folder``, or a new PostgreSQL database per size."""
    if base_url is None:
        url = f"sqlite:///{folder / f'bench-{verdicts}.db'}"
    else:
        prefix, name = normalise_url(base_url).rsplit("/", 1)
        url = f"{prefix}/{name}_{verdicts}"
        drop_database(base_url, url)
        admin = admin_engine(base_url)
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}_{verdicts}"'))
        admin.dispose()
    database = Database(url)
    Base.metadata.create_all(database.engine)
    database.dispose()
    return url


def drop_database(base_url: str | None, url: str) -> None:
    if base_url is None:
        return
    admin = admin_engine(base_url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--layout", choices=["long", "wide", "final"], default="long")
    parser.add_argument(
        "--database",
        help="PostgreSQL URL prefix; a database per size is created (default: SQLite files)",
    )
    parser.add_argument(
        "--export-only", nargs=3, metavar=("URL", "LAYOUT", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.export_only:
        export_only(*args.export_only)
        return
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        print(
            f"{'verdicts':>10} {'fill s':>8} {'export s':>9} {'rows/s':>10} {'MiB out':>8} {'RSS before':>11} {'peak RSS MiB':>13}"
        )
        for size in args.sizes:
            url = fresh_database(args.database, Path(folder), size)
            database = Database(url)
            fill_seconds = fill(database, size)
            database.dispose()
            result = export_in_child(url, args.layout, Path(folder) / f"out-{size}.csv")
            print(
                f"{size:>10,} {fill_seconds:>8.1f} {result['seconds']:>9.1f} {result['rows'] / result['seconds']:>10,.0f} "
                f"{result['bytes'] / 2**20:>8.1f} {result['rss_before_export_mib']:>11.0f} {result['peak_rss_mib']:>13.0f}",
                flush=True,
            )
            Path(folder, f"out-{size}.csv").unlink()
            drop_database(args.database, url)


if __name__ == "__main__":
    main()

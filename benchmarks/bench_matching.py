"""Matching speed: rebuild all matches for 100,000 claims; match a new 50-claim article against them.

Run by hand: ``python benchmarks/bench_matching.py [--claims 100000] [--url URL]``.
Fills a fresh SQLite file (or an empty database given with ``--url``, e.g. a scratch PostgreSQL
database) with synthetic news-style claims (Zipf-distributed words, 50 claims per article, about
one claim in ten repeated with small edits in another article), then times a full rebuild
(vectors, chunked sparse products, scoring, writing ``match_term`` and ``claim_match``) and the
matching of a new 50-claim article, as ingest does it. Peak memory is the process's peak RSS
during the rebuild (Linux's high-water mark, reset after filling the database).
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sqlalchemy import select
from synthetic import add_collection, article_row, claim_row, insert_rows, move_sequences

from workbench.db import Database
from workbench.match_search import rebuild, update_claims
from workbench.models import Article, Claim, Collection

CLAIMS_PER_ARTICLE = 50


def vocabulary(size: int, rng: np.random.Generator) -> list[str]:
    """English stop words first (the most frequent words, as in news), then made-up words."""
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    made_up = ["".join(rng.choice(letters, size=rng.integers(3, 10))) for _ in range(size)]
    return sorted(ENGLISH_STOP_WORDS) + made_up


def sentences(count: int, words: list[str], rng: np.random.Generator) -> list[str]:
    weights = 1 / np.arange(1, len(words) + 1) ** 1.1  # Zipf over the vocabulary (clipping numpy's
    ranks = rng.choice(len(words), size=(count, 22), p=weights / weights.sum())  # made a third one word)
    lengths = rng.integers(8, 22, size=count)
    texts = [" ".join(words[r] for r in row[:n]).capitalize() + "." for row, n in zip(ranks, lengths)]
    for index in range(0, count, 10):  # a near copy elsewhere
        source = texts[(index * 7919) % count]
        texts[index] = source.replace(".", ", officials said.")
    return texts


def fill(database: Database, claims: int, rng: np.random.Generator, words: list[str]) -> None:
    """Collection "bench": articles of 50 made-up sentences."""
    texts = sentences(claims, words, rng)[: claims // CLAIMS_PER_ARTICLE * CLAIMS_PER_ARTICLE]
    with database.transaction() as session:
        add_collection(session, "bench")
        insert_rows(session, Article, (article_row(a + 1, "x") for a in range(claims // CLAIMS_PER_ARTICLE)))
        insert_rows(
            session,
            Claim,
            (
                claim_row(i + 1, i // CLAIMS_PER_ARTICLE + 1, i % CLAIMS_PER_ARTICLE, (text, 0, len(text), 0))
                for i, text in enumerate(texts)
            ),
        )
    move_sequences(database)


def peak_rss_mib() -> float:
    """The process's peak resident memory since the last reset (``VmHWM``)."""
    return int(re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1)) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--url", help="an EMPTY database (default: a fresh SQLite file)")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    words = vocabulary(30_000, rng)
    with tempfile.TemporaryDirectory() as folder:
        database = Database(args.url or f"sqlite:///{Path(folder) / 'bench.db'}")
        database.upgrade()
        fill(database, args.claims, rng, words)
        Path("/proc/self/clear_refs").write_text("5")  # resets the peak to the current size
        started, cpu = time.perf_counter(), time.process_time()
        report = rebuild(database, "bench")
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"{database.dialect}: rebuild of {report.claims:,} claims: {took:.1f} s ({cpu:.1f} s CPU) "
              f"({report.candidates:,} pairs scored, {report.linked:,} linked, {report.suggested:,} suggested), "
              f"peak RSS {peak_rss_mib():.0f} MiB")
        timings = []
        for run in range(3):
            new = sentences(CLAIMS_PER_ARTICLE, words, rng)
            with database.transaction() as session:
                article = Article(collection_id=session.scalar(select(Collection.id)), title=f"new{run}", source="", text="x", content_hash=f"n{run}")
                session.add(article)
                session.flush()
                ids = []
                for position, text in enumerate(new):
                    claim = Claim(article_id=article.id, position=position, text=text, start_char=0,
                                  end_char=len(text), kind="claim", paragraph=0, version=1)
                    session.add(claim)
                    session.flush()
                    ids.append(claim.id)
            started = time.perf_counter()
            with database.transaction() as session:
                found = update_claims(session, ids)
            timings.append(time.perf_counter() - started)
        print(f"{database.dialect}: new 50-claim article against {report.claims:,} claims: "
              + ", ".join(f"{t:.2f} s" for t in timings) + f" (last found {found} matches)")
        database.dispose()


if __name__ == "__main__":
    main()

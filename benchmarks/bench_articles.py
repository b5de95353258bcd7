"""Articles page speed: the list, one article and a lead's edits on a large database.

Run by hand: ``python benchmarks/bench_articles.py [--articles 5000] [--claims 40] [--url URL]``.
It fills a fresh SQLite file (or an empty database given with ``--url``) with articles whose
claims have verdicts from three reviewers on about half of them, then times what one rerun of
the Articles page does: a page of the list (plain, searched, filtered by status), one article
view, and a merge and a split in their own transactions.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from synthetic import (
    add_collection,
    add_reviewers,
    add_verdicts,
    article_row,
    claim_row,
    insert_rows,
    move_sequences,
    sentences_as_units,
)

from workbench import LABELS
from workbench.access import Actor
from workbench.articles import ArticleFilters, article_view, list_articles
from workbench.edits import merge_units, split_points, split_unit
from workbench.db import Database
from workbench.models import Article, Claim, Verdict

REVIEWERS = 3
SENTENCE = "Claim {n} of article {a} says the council spent {n} million on roads last year."


def fill(database: Database, n_articles: int, claims_per_article: int, seed: int) -> None:
    """Articles with titles, sources and dates; each claim has a one-in-two chance of verdicts,
    each of them from a reviewer with a four-in-five chance."""
    rng = random.Random(seed)
    with database.transaction() as session:
        add_collection(session, reviewers_per_claim=2)
        add_reviewers(session, REVIEWERS, lead=True)
    claim_id = 0
    for first in range(0, n_articles, 500):
        articles, claims, verdicts = [], [], []
        for article_id in range(first + 1, min(first + 500, n_articles) + 1):
            article_text, units = sentences_as_units(
                [SENTENCE.format(n=n, a=article_id) for n in range(claims_per_article)]
            )
            articles.append(article_row(
                article_id, article_text, title=f"Article {article_id} about roads",
                source=f"https://news.example/{article_id}",
                published=date(2020, 1, 1) + timedelta(days=article_id % 1500),
            ))  # fmt: skip
            for position, unit in enumerate(units):
                claim_id += 1
                claims.append(claim_row(claim_id, article_id, position, unit))
                if rng.random() < 0.5:
                    verdicts.extend(
                        (claim_id, reviewer + 2, rng.choice(LABELS), "", [])
                        for reviewer in range(REVIEWERS)
                        if rng.random() < 0.8
                    )
        with database.transaction() as session:
            insert_rows(session, Article, articles)
            insert_rows(session, Claim, claims)
            add_verdicts(session, verdicts)
    move_sequences(database)


def timed(label: str, action: Callable[[], object], repeat: int = 5) -> None:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    print(f"{label:<42} median {statistics.median(samples):8.1f} ms   max {max(samples):8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--claims", type=int, default=40, help="claims per article")
    parser.add_argument("--url", help="an empty database to use instead of a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Database(args.url or f"sqlite:///{Path(folder) / 'bench.db'}")
        database.upgrade()
        started = time.perf_counter()
        fill(database, args.articles, args.claims, args.seed)
        with database.session() as session:
            claims = session.scalar(select(Claim.id).order_by(Claim.id.desc()).limit(1))
            verdicts = session.scalar(select(Verdict.id).order_by(Verdict.id.desc()).limit(1))
        print(f"{database.dialect}: {args.articles:,} articles, {claims:,} claims, {verdicts:,} verdicts "
              f"(filled in {time.perf_counter() - started:.1f} s)")
        lead, reviewer = Actor(1, "lead", "lead"), Actor(2, "reviewer1", "reviewer")
        middle = args.articles // 2

        def listing(actor: Actor, filters: ArticleFilters, page: int = 1) -> Callable[[], object]:
            def run() -> object:
                with database.session() as session:
                    return list_articles(session, actor, filters, page=page)
            return run

        def view(actor: Actor) -> object:
            with database.session() as session:
                return article_view(session, actor, middle)

        timed("list, first page (lead)", listing(lead, ArticleFilters()))
        timed("list, page 100 (reviewer)", listing(reviewer, ArticleFilters(), page=100))
        timed("list, search 'article 42'", listing(lead, ArticleFilters(search="article 42")))
        timed("list, status = in progress", listing(lead, ArticleFilters(status="in_progress")))
        timed("list, status = done", listing(lead, ArticleFilters(status="done")))
        timed("article view (lead)", lambda: view(lead))
        timed("article view (reviewer)", lambda: view(reviewer))

        def merge() -> None:
            with database.transaction() as session:
                first, second = session.scalars(
                    select(Claim.id).where(Claim.article_id == middle).order_by(Claim.position).limit(2)
                ).all()
                merge_units(session, lead, first, second)

        def split() -> None:
            with database.transaction() as session:
                unit = session.scalar(select(Claim).where(Claim.article_id == middle).order_by(Claim.position).limit(1))
                split_unit(session, lead, unit.id, split_points(unit.text)[-1])

        timed("merge two units (one transaction)", merge)
        timed("split a unit (one transaction)", split)
        database.dispose()


if __name__ == "__main__":
    main()

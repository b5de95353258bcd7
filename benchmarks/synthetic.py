"""Synthetic data for the benchmarks: scratch databases and bulk rows with explicit ids.

Every benchmark builds its data set from these pieces (a collection, reviewers, articles, claims,
verdicts), so the shape of each row lives in one place. Ids start at 1 and are given explicitly;
:func:`move_sequences` puts PostgreSQL's id sequences past them when a benchmark then writes
through the workbench. Speed: rows go in with one executemany per :data:`CHUNK` rows, so a
million verdicts take seconds, not minutes.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, func, insert, select, text

from workbench import LABELS
from workbench.db import Database, normalise_url
from workbench.models import Article, Claim, Collection, Reviewer, Verdict, utcnow

CHUNK = 20_000
Unit = tuple[str, int, int, int]
"""A claim's text, start and end character, and paragraph within its article."""


# --- databases ---------------------------------------------------------------------------------------


@contextmanager
def fresh_database(kind: str, admin_url: str | None = None) -> Iterator[Database]:
    """An empty, migrated database: a SQLite file, or a scratch PostgreSQL database on the server
    of ``admin_url``; removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            database = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
            database.upgrade()
            yield database
            database.dispose()
        return
    name = f"wb_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = Database(normalise_url(admin_url).rsplit("/", 1)[0] + f"/{name}")
    try:
        database.upgrade()
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def move_sequences(database: Database) -> None:
    """On PostgreSQL, move the id sequences past the explicit ids (a no-op on SQLite), and ``ANALYZE``
    as autovacuum soon would after a bulk load."""
    if database.dialect != "postgresql":
        return
    with database.transaction() as session:
        for table in ("collection", "reviewer", "article", "claim", "verdict"):
            session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
    with database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


# --- rows ----------------------------------------------------------------------------------------------


def insert_rows(connection, table, rows: Iterable[dict]) -> int:
    """Insert ``rows`` (a session or a connection) in chunks of :data:`CHUNK`; returns how many."""
    rows = iter(rows)
    count = 0
    while chunk := list(islice(rows, CHUNK)):
        connection.execute(insert(table), chunk)
        count += len(chunk)
    return count


def add_collection(connection, name: str = "Benchmark", **fields) -> None:
    """Collection 1."""
    insert_rows(connection, Collection, [{"id": 1, "name": name, "created_at": utcnow(), **fields}])


def add_reviewers(connection, count: int, lead: bool = False) -> None:
    """``reviewer1`` … ``reviewer{count}``, with ids from 1, or from 2 after a lead named ``lead``."""
    now = utcnow()
    first = [{"id": 1, "name": "lead", "role": "lead", "created_at": now}] if lead else []
    insert_rows(
        connection,
        Reviewer,
        first
        + [
            {"id": len(first) + r + 1, "name": f"reviewer{r + 1}", "role": "reviewer", "created_at": now}
            for r in range(count)
        ],
    )


def article_row(article_id: int, text: str, **fields) -> dict:
    """An article of collection 1; ``fields`` override the defaults (title, source, ...)."""
    return {
        "id": article_id, "collection_id": 1, "title": f"Article {article_id}", "source": "bench",
        "text": text, "content_hash": f"{article_id:064d}", "imported_at": utcnow(), **fields,
    }  # fmt: skip


def claim_row(claim_id: int, article_id: int, position: int, unit: Unit) -> dict:
    unit_text, start, end, paragraph = unit
    return {
        "id": claim_id, "article_id": article_id, "position": position, "text": unit_text,
        "start_char": start, "end_char": end, "kind": "claim", "paragraph": paragraph, "version": 1,
    }  # fmt: skip


def add_articles(connection, n_claims: int, units: Sequence[Unit], text: str) -> None:
    """Articles of ``len(units)`` claims each (the last may be shorter), all with the same ``text``
    and units, until there are ``n_claims`` claims; claim ``c`` is in article ``(c - 1) // len(units) + 1``."""
    per_article = len(units)
    n_articles = -(-n_claims // per_article)
    insert_rows(connection, Article, (article_row(a + 1, text) for a in range(n_articles)))
    insert_rows(
        connection,
        Claim,
        (
            claim_row(c + 1, c // per_article + 1, c % per_article, units[c % per_article])
            for c in range(n_claims)
        ),
    )


def sentences_as_units(sentences: Sequence[str], per_paragraph: int | None = None) -> tuple[str, list[Unit]]:
    """An article text of ``sentences`` (a blank line after every ``per_paragraph``) and its units."""
    units, pieces, offset = [], [], 0
    for index, sentence in enumerate(sentences):
        paragraph = index // per_paragraph if per_paragraph else 0
        units.append((sentence, offset, offset + len(sentence), paragraph))
        separator = "\n\n" if per_paragraph and (index + 1) % per_paragraph == 0 else " "
        pieces.append(sentence + separator)
        offset += len(sentence) + len(separator)
    return "".join(pieces).rstrip(" "), units


def add_verdicts(connection, verdicts: Iterable[tuple[int, int, str, str, list[str]]]) -> int:
    """Verdicts from (claim id, reviewer id, label, note, evidence); returns how many."""
    now = utcnow()
    return insert_rows(
        connection,
        Verdict,
        (
            {"claim_id": claim, "reviewer_id": reviewer, "label": label, "note": note, "evidence": evidence,
             "created_at": now, "updated_at": now}
            for claim, reviewer, label, note, evidence in verdicts
        ),
    )


# --- a team that disagrees realistically ---------------------------------------------------------------

PREVALENCE = (0.55, 0.30, 0.15)
"""How often each label (supported, disputed, editorial framing) is the right answer."""
CONFUSION = np.array([[0.0, 0.6, 0.4], [0.7, 0.0, 0.3], [0.5, 0.5, 0.0]])
"""When a reviewer is wrong, which label they pick instead (rows: right label)."""
TEAM_CLAIMS_PER_ARTICLE = 20


def fill_rated_claims(database: Database, n_claims: int, n_reviewers: int, seed: int) -> None:
    """Claims in articles of 20, every reviewer rating every claim with 75-92% accuracy."""
    rng = np.random.default_rng(seed)
    units = [("A claim.", position * 100, position * 100 + 8, 0) for position in range(TEAM_CLAIMS_PER_ARTICLE)]
    truth = rng.choice(len(LABELS), size=n_claims, p=PREVALENCE)
    accuracy = rng.uniform(0.75, 0.92, size=n_reviewers)
    with database.transaction() as session:
        add_collection(session)
        add_reviewers(session, n_reviewers)
        add_articles(session, n_claims, units, "x" * 2000)
        for reviewer in range(n_reviewers):
            wrong = rng.random(n_claims) > accuracy[reviewer]
            labels = truth.copy()
            # Draw each mistaken label from its row of CONFUSION (inverse of the cumulative sums).
            cumulative = CONFUSION.cumsum(axis=1)[truth[wrong]]
            labels[wrong] = (rng.random(int(wrong.sum()))[:, None] > cumulative).sum(axis=1)
            add_verdicts(session, ((c + 1, reviewer + 1, LABELS[labels[c]], "", []) for c in range(n_claims)))


@contextmanager
def rated_claims_database(url: str | None, n_claims: int, n_reviewers: int, seed: int) -> Iterator[Database]:
    """``url`` (default: a new SQLite file), migrated and filled by :func:`fill_rated_claims`, unless
    it already holds verdicts from an earlier run, which are then reused."""
    with tempfile.TemporaryDirectory() as folder:
        database = Database(url or f"sqlite:///{Path(folder) / 'bench.db'}")
        database.upgrade()
        with database.session() as session:
            existing = session.scalar(select(func.count()).select_from(Verdict))
        if existing:
            print(f"using the {existing:,} verdicts already in the {database.dialect} database")
        else:
            started = time.perf_counter()
            fill_rated_claims(database, n_claims, n_reviewers, seed)
            print(f"filled {n_claims:,} claims × {n_reviewers} reviewers on {database.dialect} "
                  f"in {time.perf_counter() - started:.1f} s")
        try:
            yield database
        finally:
            database.dispose()

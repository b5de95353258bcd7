"""Shared builders for the tests: where things are, the PostgreSQL server, small data sets, and
opening an app page in AppTest. Test files import from here, never from each other or a conftest.

Builders take a :class:`Database` and return ids or small records; none is a fixture, so a test
file wraps the ones it needs in its own fixture (e.g. ``ReviewedNewsroom(app_database)``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from streamlit.testing.v1 import AppTest

from workbench import LABELS
from workbench.adjudication import record_final_verdict
from workbench.edits import merge_units
from workbench.assignment import assign
from workbench.access import Actor
from workbench.auth import create_reviewer
from workbench.db import Database, normalise_url
from workbench.dump import data_tables, row_counts
from workbench.export import ExportOptions, write_export
from workbench.extract import load_pipeline
from workbench.guidelines import save_guidelines
from workbench.ingest import Document, ingest_documents, ingest_paths
from workbench.models import Article, Base, Claim, Collection, FinalVerdict, FinalVerdictHistory, Verdict
from workbench.verdicts import delete_verdict, save_verdict

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
APP = ROOT / "workbench" / "app"
README = ROOT / "README.md"
POSTGRES_ADMIN_URL = os.environ.get(
    "WORKBENCH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
S, D, E = LABELS


# --- outside dependencies and the PostgreSQL server --------------------------------------------------


def require(condition: bool, reason: str) -> None:
    """Skip when a test's outside dependency is missing, but fail under CI=true."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must run in CI)")
    pytest.skip(reason)


def postgres_reachable() -> str | None:
    """``None`` when the PostgreSQL server answers, else why not."""
    try:
        engine = create_engine(normalise_url(POSTGRES_ADMIN_URL))
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:  # any driver or network failure means "not reachable"
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {error.__class__.__name__}"


@contextmanager
def new_postgres_database(prefix: str) -> Iterator[str]:
    """URL of a new, empty database on the PostgreSQL server, dropped afterwards.

    Skipped when the server is unreachable, except under CI=true (see :func:`require`).
    """
    problem = postgres_reachable()
    require(problem is None, problem or "")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield normalise_url(POSTGRES_ADMIN_URL).rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def scratch_database(kind: str, folder: Path) -> Iterator[Database]:
    """A database without any schema: a new SQLite file, or a new PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        database = Database(f"sqlite:///{folder / f'scratch-{uuid.uuid4().hex[:8]}.db'}")
        yield database
        database.dispose()
        return
    with new_postgres_database("wb_scratch") as url:
        database = Database(url)
        try:
            yield database
        finally:
            database.dispose()


def empty_postgres(database: Database) -> None:
    """Delete every row and restart every id sequence at 1.

    ``DELETE`` instead of ``TRUNCATE``: on these small tables it takes milliseconds, where
    ``TRUNCATE`` makes new files for all tables and took about 0.7 s per test.
    """
    with database.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))


# --- articles, claims and people ---------------------------------------------------------------------


def add_account(db: Database, name: str, role: str = "reviewer") -> Actor:
    """An account without a password (the first account is always the lead)."""
    with db.transaction() as session:
        return Actor.of(create_reviewer(session, name, None, role, actor=Actor.operator()))


def people(db: Database) -> tuple[Actor, Actor, Actor]:
    """Lena Lead, and Ann and Bob, reviewers."""
    return add_account(db, "Lena Lead", "lead"), add_account(db, "Ann"), add_account(db, "Bob")


def claim_ids(database: Database, article_id: int) -> list[int]:
    """The ids of an article's claims (not headings or other units), in reading order."""
    with database.session() as session:
        return list(
            session.scalars(
                select(Claim.id)
                .where(Claim.article_id == article_id, Claim.kind == "claim")
                .order_by(Claim.position)
            )
        )


TEAM_SENTENCES = 12
TEAM_ARTICLE = " ".join(
    f"Claim number {index} says the council spent {index} million on roads last year." for index in range(TEAM_SENTENCES)
)


def team_claims(database: Database, text: str = TEAM_ARTICLE, source: str = "team.txt") -> list[int]:
    """Ingest one article (by default :data:`TEAM_ARTICLE`) and return its claims' ids in reading order."""
    report = ingest_documents(database, [Document(source=source, text=text)])
    assert report.added == 1, report.messages
    return claim_ids(database, report.article_ids[0])


def make_accounts(database: Database, reviewers: int) -> tuple[Actor, list[Actor]]:
    """A lead and ``reviewers`` reviewers (no passwords: hashing is not what is tested here)."""
    with database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "lead", None, "lead", actor=Actor.operator()))
        others = [
            Actor.of(create_reviewer(session, f"reviewer {index:02}", None, "reviewer", actor=Actor.operator()))
            for index in range(reviewers)
        ]
    return lead, others


@dataclass(frozen=True)
class World:
    """One article's claims, a lead and two reviewers who both gave verdicts on the first three claims."""

    lead: Actor
    reviewer: Actor
    other: Actor
    claims: list[int]
    collection_id: int


def build_world(database: Database) -> World:
    claims = team_claims(database)
    lead, (reviewer, other) = make_accounts(database, 2)
    with database.transaction() as session:
        collection_id = session.scalar(select(Collection.id))
        for claim in claims[:3]:
            for person in (reviewer, other):
                save_verdict(session, person, claim, "supported", f"{person.name}'s note")
    return World(lead, reviewer, other, claims, collection_id)


def database_rows(database: Database) -> list[dict]:
    """Every row of every table (the dump without its header): to show that nothing changed."""
    from workbench.dump import dump_records

    return list(dump_records(database))[1:]


# --- the reviewed newsroom: disputed and unanimous claims -------------------------------------------

POLITICS = (
    "The minister said taxes rose by 5%. Unemployment fell last year. The bridge cost 3 million euros. "
    "Critics called the plan reckless."
)
SPORT = "The club won nine games in a row. Its stadium holds 40,000 fans. The coach earns twice the league average."
VERDICTS = {
    "ann": [S, D, S, E, S, S, D],
    "bob": [S, D, D, E, S, None, D],
    "cy": [S, S, D, None, S, E, None],
}
DISPUTED = [1, 2, 5]
UNANIMOUS = {0: S, 3: E, 4: S, 6: D}


class ReviewedNewsroom:
    """Politics (claims 0-3) and Sport (claims 4-6), a lead, three reviewers with VERDICTS.

    ``sport=False`` leaves out the Sport article (and the verdicts on it): four claims only.
    """

    def __init__(self, db: Database, sport: bool = True) -> None:
        self.db = db
        ingest_documents(db, [Document(source="politics.txt", text=POLITICS, title="Budget row")], "Politics")
        if sport:
            ingest_documents(db, [Document(source="sport.txt", text=SPORT, title="Winning streak")], "Sport")
        with db.transaction() as session:
            self.lead = Actor.of(create_reviewer(session, "Lena", None, actor=Actor.operator()))
            self.reviewers = {name: Actor.of(create_reviewer(session, name, None, actor=Actor.operator())) for name in VERDICTS}
            self.claims = list(
                session.scalars(select(Claim.id).where(Claim.kind == "claim").order_by(Claim.article_id, Claim.position))
            )
            self.collections = dict(session.execute(select(Collection.name, Collection.id)).all())
            for name, labels in VERDICTS.items():
                for claim_id, label in zip(self.claims, labels[: len(self.claims)], strict=True):
                    if label is not None:
                        save_verdict(session, self.reviewers[name], claim_id, label, note=f"{name}'s note",
                                     evidence=[f"https://example.org/{name}"])

    def ids(self, indexes) -> list[int]:
        return [self.claims[index] for index in indexes]

    def finals(self) -> dict[int, tuple[str, str]]:
        with self.db.session() as session:
            return {c: (label, rationale) for c, label, rationale in session.execute(
                select(FinalVerdict.claim_id, FinalVerdict.label, FinalVerdict.rationale))}

    def history(self, claim_id: int) -> list[tuple]:
        with self.db.session() as session:
            return session.execute(
                select(FinalVerdictHistory.old_label, FinalVerdictHistory.new_label,
                       FinalVerdictHistory.new_rationale, FinalVerdictHistory.actor_id)
                .where(FinalVerdictHistory.claim_id == claim_id).order_by(FinalVerdictHistory.id)
            ).all()

    def verdict_rows(self) -> list[tuple]:
        with self.db.session() as session:
            return session.execute(
                select(Verdict.claim_id, Verdict.reviewer_id, Verdict.label, Verdict.note).order_by(Verdict.id)
            ).all()


# --- match candidates --------------------------------------------------------------------------------

STORY_A = "Storm hits coast\n\nThe storm knocked out power to about 250,000 homes across the region on Sunday night. Officials opened shelters."
STORY_B = "Power cut\n\nAbout 250,000 homes across the region lost power when the storm knocked out lines on Sunday night. Repairs will take days."
QUOTE = "The storm knocked out power to about 250,000 homes across the region on Sunday night."
QUOTING_STORIES = [
    f"Storm hits coast\n\n{QUOTE} Officials opened shelters in three towns.",
    f"Power cut\n\n{QUOTE} Repairs will take several days, the utility said.",
    f"Long night\n\n{QUOTE} Schools stay closed on Monday.",
]


def two_stories(db: Database) -> list[int]:
    """Two articles in "news" that tell the same story in other words; their ids."""
    documents = [Document(source="a.txt", text=STORY_A), Document(source="b.txt", text=STORY_B)]
    return ingest_documents(db, documents, collection="news", nlp=load_pipeline()).article_ids


def quote_claims(db: Database) -> list[int]:
    """Three articles in "news" that all quote :data:`QUOTE`; the ids of the quoting claims."""
    documents = [Document(source=f"{n}.txt", text=text) for n, text in enumerate(QUOTING_STORIES)]
    ingest_documents(db, documents, collection="news", nlp=load_pipeline())
    with db.read_session() as session:
        return session.scalars(select(Claim.id).where(Claim.text == QUOTE).order_by(Claim.id)).all()


LAWSUIT = "Following the controversy, Balenciaga filed a {}lawsuit in the New York Supreme Court against the production company."


def chained_lawsuit_claims(db: Database) -> list[int]:
    """Three articles in "news": a $25 million lawsuit, a lawsuit of no stated sum, a $30 million
    one. The first two and the last two link; the first and the last differ (``number: 25 vs 30``),
    yet are one group through the middle one. The claims' ids, in that order."""
    texts = [LAWSUIT.format("$25 million "), LAWSUIT.format(""), LAWSUIT.format("$30 million ")]
    documents = [Document(source=f"lawsuit-{n}.txt", text=text) for n, text in enumerate(texts)]
    ingest_documents(db, documents, collection="news", nlp=load_pipeline())
    with db.read_session() as session:
        return [session.scalar(select(Claim.id).where(Claim.text == text)) for text in texts]


# --- the triage newsroom: checkable and framing sentences --------------------------------------------

CHECKABLE = [
    f"Unemployment fell to {n}.{n % 10} percent in {1990 + n}, the statistics office said."
    for n in range(1, 21)
]
FRAMING = [
    f"This is a {word}, shameful choice and we must do better."
    for word in "bad sad poor weak vain dull grim bleak base mean low cheap crude vile foul sour dark cold harsh rude".split()
]


def triage_newsroom(db: Database, checkable: int = 20, framing: int = 20) -> tuple[Actor, Actor, int]:
    """One article of checkable and framing sentences, every claim judged by a lead.

    Returns that lead, a second lead and the collection's id.
    """
    text = "Figures and opinions\n\n" + " ".join(
        sentence for pair in zip(CHECKABLE[:checkable], FRAMING[:framing]) for sentence in pair
    )
    ingest_documents(db, [Document(source="mix.txt", text=text)], collection="news", nlp=load_pipeline())
    with db.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))
        other = Actor.of(create_reviewer(session, "Otto Other", None, "lead", actor=Actor.operator()))
        create_reviewer(session, "Rita Reviewer", None, "reviewer", actor=Actor.operator())
        claims = session.scalars(select(Claim).where(Claim.kind == "claim").order_by(Claim.position)).all()
        for claim in claims:
            label = "editorial_framing" if "shameful" in claim.text else "supported"
            save_verdict(session, lead, claim.id, label)
        collection_id = session.scalar(select(Article.collection_id))
    return lead, other, collection_id


# --- the export newsroom: three articles in two collections ------------------------------------------

TRICKY_NOTES = [
    'He said "no", twice, then left',
    "line one\nline two\n\nline four",
    "windows\r\nline ending",
    "emoji 🎉🇺🇦 and accents: café, naïve, 東京",
    '=HYPERLINK("http://evil.example","click")',
    "+31 20 123 4567",
    "-5% on the year",
    "@mention at start",
    "'=already guarded looking",
    "''+two quotes",
    "'Tis the season",
    "NA",
    "null",
    "1e5",
    "007",
    'trailing quote"',
]


@dataclass
class Newsroom:
    """A small database: two collections, three articles, a lead and three reviewers."""

    lead: Actor
    reviewers: dict[str, Actor]
    claims: dict[str, list[int]]
    """Claim ids per article key, in reading order."""
    articles: dict[str, int]


def add_article(
    database: Database,
    text: str,
    *,
    title: str,
    collection: str = "default",
    url: str | None = None,
    published: date | None = None,
) -> int:
    report = ingest_documents(
        database,
        [Document(source=title, text=text, title=title, url=url, published=published)],
        collection,
    )
    assert report.added == 1, report.messages
    return report.article_ids[0]


def add_people(database: Database, *names: str) -> tuple[Actor, dict[str, Actor]]:
    with database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lead Lee", None, "lead", actor=Actor.operator()))
        people = {
            name: Actor.of(create_reviewer(session, name, None, actor=Actor.operator())) for name in names
        }
    return lead, people


def give(
    database: Database,
    actor: Actor,
    claim_id: int,
    label: str,
    note: str = "",
    evidence: list[str] | None = None,
) -> None:
    with database.transaction() as session:
        save_verdict(session, actor, claim_id, label, note, evidence or [])


def decide(
    database: Database,
    lead: Actor,
    claim_id: int,
    label: str,
    rationale: str = "Decided by the desk.",
) -> None:
    with database.transaction() as session:
        record_final_verdict(session, lead, claim_id, label, rationale)


def newsroom(database: Database) -> Newsroom:
    articles = {
        "bridge": add_article(
            database,
            "The bridge opened in 1932. It carries 40,000 cars a day. Critics call it a folly.",
            title="=Bridge story",
            collection="City",
            url="https://news.example/bridge",
            published=date(2024, 3, 1),
        ),
        "budget": add_article(
            database,
            "The budget grew by 4 percent. Spending on schools fell.",
            title='Budget, "explained"',
            collection="City",
        ),
        "match": add_article(
            database,
            "The team won 3-1 on Sunday. Attendance was a record.",
            title="Match report",
            collection="Sport",
        ),
    }
    lead, reviewers = add_people(database, "alice", "bob", "carol")
    claims = {key: claim_ids(database, article_id) for key, article_id in articles.items()}
    assert (
        len(claims["bridge"]) == 3 and len(claims["budget"]) == 2 and len(claims["match"]) == 2
    ), claims
    return Newsroom(lead, reviewers, claims, articles)


def export_text(database: Database, **options) -> str:
    stream = io.StringIO(newline="")
    write_export(database, stream, ExportOptions(**options))
    return stream.getvalue()


def export_rows(database: Database, **options) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export_text(database, **options), newline="")))


def export_json(database: Database, **options) -> list[dict]:
    return [json.loads(line) for line in export_text(database, **options).splitlines()]


# --- a database with a bit of everything, for dumps and backups -------------------------------------

LEAD_PASSWORD = "lead password 12345"
REVIEWER_PASSWORD = "reviewer secret 6789"


def fill_workbench(database: Database, seeds_dir) -> dict[str, int]:
    """Seed articles, accounts with passwords, assignments, guidelines, verdicts with updates, an undo,
    a lead's merge (withdrawn verdicts: SQL NULLs in history) and a final verdict. Returns row counts."""
    ingest_paths(database, [seeds_dir], "Seeds")
    with database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lead Ana", LEAD_PASSWORD, "lead", actor=Actor.operator()))
        people = [
            Actor.of(create_reviewer(session, name, REVIEWER_PASSWORD if index == 0 else None, actor=lead))
            for index, name in enumerate(["Ravi", "Zoë O'Neil", "Kim"])
        ]
        collection_id = session.scalar(select(Collection.id).where(Collection.name == "Seeds"))
        assign(session, collection_id, [person.id for person in people], actor=lead)
        save_guidelines(session, lead, {label: f"Definition of {label} — “v2”" for label in LABELS})
        claims = session.scalars(
            select(Claim).where(Claim.kind == "claim").order_by(Claim.article_id, Claim.position).limit(8)
        ).all()
    ids = [claim.id for claim in claims]
    neighbours = next(
        (a.id, b.id) for a, b in pairwise(claims) if a.article_id == b.article_id and b.position == a.position + 1
    )
    for index, claim in enumerate(ids):
        for number, person in enumerate(people):
            with database.transaction() as session:
                save_verdict(
                    session, person, claim, LABELS[(index + number) % 3],
                    f"Note by {person.name}: ünïcode, =1+1, <b>bold</b>" if number else "",
                    ["https://example.org/source", f"https://example.com/{index}?q=a&b=c"] if number == 1 else [],
                )
    with database.transaction() as session:
        save_verdict(session, people[0], ids[-1], "editorial_framing", "changed my mind")
        delete_verdict(session, people[1], ids[-2])
        record_final_verdict(session, lead, ids[-3], LABELS[(len(ids) - 3) % 3], "Agreed with the majority.")
        merge_units(session, lead, *neighbours)
    with database.engine.connect() as connection:
        return row_counts(connection, data_tables(connection))


# --- pages in AppTest and the README ------------------------------------------------------------------

PAGE_TIMEOUT_S = 60


def signed_in(actor: Actor, script: Path = APP / "main.py") -> AppTest:
    """An AppTest of ``script`` with ``actor`` signed in (not run yet)."""
    app = AppTest.from_file(str(script), default_timeout=PAGE_TIMEOUT_S)
    app.session_state["actor"] = actor
    app.session_state["last_seen"] = time.time()
    return app


def open_adjudication(actor: Actor, claim_id: int | None = None, script: Path = APP / "main.py") -> AppTest:
    """The Adjudication page, run once (on ``claim_id`` when given), with no exception."""
    app = signed_in(actor, script)
    if claim_id is not None:
        app.query_params["claim"] = str(claim_id)
    if script.name == "main.py":
        app.switch_page("views/adjudication.py")
    app.run()
    assert not app.exception, app.exception
    return app


def open_agreement(actor: Actor) -> AppTest:
    """The Agreement page, run once, with no exception."""
    app = signed_in(actor).switch_page("views/agreement.py").run()
    assert not app.exception, app.exception
    return app


def label_button(app: AppTest, label: str):
    """The queue's label button of the claim on screen: its key carries the claim's id."""
    return app.button(key=f"label_{label}_{app.session_state['queue_current']}")


README_ROW = re.compile(r"^\|\s*(`[^|]+`)\s*\|\s*([^|]+?)\s*\|")


def documented(heading: str) -> list[tuple[str, str]]:
    """(first cell, second cell) of each README table row whose first cell is code, in the section ``heading``."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^### {re.escape(heading)}.*?$(.*?)(?=^##+ )", text, re.S | re.M)
    assert match, f"no section {heading!r} in {README.name}"
    return [
        (m.group(1).strip("`"), m.group(2))
        for line in match.group(1).splitlines()
        if (m := README_ROW.match(line))
    ]

"""Shared data builders for the export and verdict-import tests (no tests here)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from workbench.access import Actor
from workbench.adjudication import record_final_verdict
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.export import write_export
from workbench.export_options import ExportOptions
from workbench.ingest import Document, ingest_documents
from workbench.models import Claim
from workbench.verdicts import save_verdict

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


def claim_ids(database: Database, article_id: int) -> list[int]:
    with database.session() as session:
        return list(
            session.scalars(
                select(Claim.id)
                .where(Claim.article_id == article_id, Claim.kind == "claim")
                .order_by(Claim.position)
            )
        )


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

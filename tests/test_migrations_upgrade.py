"""Upgrading keeps every verdict: a database filled by the previous release is migrated to the next.

For every consecutive pair of revisions (read from alembic's script directory), a database is
built at the older one, filled with raw SQL that matches THAT revision's schema, upgraded to the
newer one and then to head, and every row is compared through today's models. The newest
revision is also filled and "upgraded" to itself, so the raw fixtures stay honest today.
A new migration must add the raw INSERTs of the revision it replaces to ``FILLS``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from builders import scratch_database
from sqlalchemy import create_engine, select, text

from workbench.db import Database, alembic_config
from workbench.models import Article, Claim, FinalVerdict, Reviewer, Verdict, VerdictHistory


def revision_chain() -> list[str]:
    """Every revision from the first to head."""
    script = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


REVISIONS = revision_chain()
UPGRADES = list(pairwise(REVISIONS)) + [(REVISIONS[-1], REVISIONS[-1])]

WHEN = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
NOTES = ["", "Plain note.", "Ünïcödé — “quotes”, emoji 🧪, newline\nand tab\t.", "=SUM(A1:A2)", "<script>x</script>"]
EVIDENCE = ['[]', '["https://example.org/a"]', '["https://example.org/a", "http://example.com/b?c=d&e=f"]']
LABELS = ["supported", "disputed", "editorial_framing"]
ARTICLE_TEXT = "First claim here. Second claim there. Third claim everywhere."
SPANS = [(0, 17), (18, 37), (38, 62)]


def stamp(dialect: str) -> object:
    """A timestamp as the revision's DateTime(timezone=True) column stores it on ``dialect``."""
    return WHEN.replace(tzinfo=None) if dialect == "sqlite" else WHEN


def fill_0001(connection, dialect: str) -> None:
    """Rows for revision 0001's schema, written with plain SQL (no models)."""
    at = stamp(dialect)
    run = lambda sql, rows: connection.execute(text(sql), rows)
    run("INSERT INTO collection (id, name, reviewers_per_claim, created_at) VALUES (:id, :name, :per, :at)",
        [{"id": 1, "name": "Old collection", "per": 2, "at": at}])
    run("INSERT INTO reviewer (id, name, role, password_hash, active, failed_logins, locked_until, created_at) "
        "VALUES (:id, :name, :role, :hash, :active, 0, NULL, :at)",
        [{"id": i, "name": f"person {i}", "role": "lead" if i == 1 else "reviewer",
          "hash": f"$argon2id$v=19$m=65536,t=3,p=4$old{i}", "active": i != 4, "at": at} for i in range(1, 5)])
    run("INSERT INTO assignment (collection_id, reviewer_id, assigned_at) VALUES (1, :reviewer, :at)",
        [{"reviewer": i, "at": at} for i in range(2, 5)])
    run("INSERT INTO guideline (version, definitions, author_id, created_at) VALUES (1, :definitions, 1, :at)",
        [{"definitions": '{"supported": "S", "disputed": "D", "editorial_framing": "E"}', "at": at}])
    run("INSERT INTO article (id, collection_id, title, source, url, published, text, content_hash, imported_at) "
        "VALUES (1, 1, 'Old article', 'old.txt', 'https://example.org/old', :published, :text, :hash, :at)",
        [{"published": date(2024, 5, 1), "text": ARTICLE_TEXT, "hash": "0" * 64, "at": at}])
    run("INSERT INTO claim (id, article_id, position, text, start_char, end_char, kind, paragraph, version) "
        "VALUES (:id, 1, :position, :text, :start, :end, 'claim', 0, :version)",
        [{"id": i + 1, "position": i, "text": ARTICLE_TEXT[s:e], "start": s, "end": e, "version": 1 + i % 2}
         for i, (s, e) in enumerate(SPANS)])
    verdicts = [
        {"id": n + 1, "claim": claim, "reviewer": reviewer, "label": LABELS[(claim + reviewer) % 3],
         "note": NOTES[n % len(NOTES)], "evidence": EVIDENCE[n % len(EVIDENCE)], "at": at}
        for n, (claim, reviewer) in enumerate((c, r) for c in (1, 2, 3) for r in (2, 3, 4))
    ]
    run("INSERT INTO verdict (id, claim_id, reviewer_id, label, note, evidence, guideline_version, created_at, updated_at) "
        "VALUES (:id, :claim, :reviewer, :label, :note, :evidence, 1, :at, :at)", verdicts)
    run("INSERT INTO verdict_history (id, claim_id, reviewer_id, actor_id, action, old_label, new_label, "
        "old_note, new_note, old_evidence, new_evidence, changed_at) "
        "VALUES (:id, :claim, :reviewer, :reviewer, 'create', NULL, :label, NULL, :note, NULL, :evidence, :at)",
        verdicts)
    run("INSERT INTO final_verdict (claim_id, label, rationale, decided_by, created_at, updated_at) "
        "VALUES (1, 'disputed', 'Lead decided.', 1, :at, :at)", [{"at": at}])
    run("INSERT INTO final_verdict_history (id, claim_id, actor_id, old_label, new_label, old_rationale, "
        "new_rationale, changed_at) VALUES (1, 1, 1, NULL, 'disputed', NULL, 'Lead decided.', :at)", [{"at": at}])


def fill_0002(connection, dialect: str) -> None:
    """Revision 0002 adds sign-in sessions and the sign-in throttle."""
    fill_0001(connection, dialect)
    at = stamp(dialect)
    connection.execute(
        text("INSERT INTO sign_in_session (id, reviewer_id, token_hash, handoff_hash, created_at, last_seen_at, "
             "expires_at, ended_at) VALUES (1, 2, :token, NULL, :at, :at, :at, NULL)"),
        [{"token": "a" * 64, "at": at}],
    )
    connection.execute(
        text("INSERT INTO sign_in_throttle (key_hash, failures, locked_until, updated_at) VALUES (:key, 4, :at, :at)"),
        [{"key": "b" * 64, "at": at}],
    )


def fill_0003(connection, dialect: str) -> None:
    """Rows for revision 0003 (claim matches) on top of 0002's."""
    fill_0002(connection, dialect)
    at = stamp(dialect)
    connection.execute(text(
        "INSERT INTO claim_match (id, claim_a_id, claim_b_id, score, tier, reasons, same_collection, status, "
        "decided_by, decided_at, created_at, updated_at) VALUES (1, 1, 2, 0.9, 'linked', '[]', true, "
        "'confirmed', 1, :at, :at, :at)"), [{"at": at}])
    connection.execute(text("INSERT INTO match_term (term, claim_id) VALUES (:term, 1)"), [{"term": 2**62 + 5}])
    connection.execute(text(
        "INSERT INTO match_settings (collection_id, link_threshold, suggest_threshold, updated_at) "
        "VALUES (1, 0.9, 0.5, :at)"), [{"at": at}])


def fill_0004(connection, dialect: str) -> None:
    """Rows for revision 0004 (triage): 0003's rows plus stored signals and a queue order."""
    fill_0003(connection, dialect)
    connection.execute(
        text(
            "INSERT INTO claim_signal (claim_id, checkworthiness, kinds, signals, quote_start, quote_end, "
            "quote_speaker, quote_verb, claim_version) VALUES (1, 0.5, ' number ', :signals, NULL, NULL, NULL, NULL, 1)"
        ),
        {"signals": json.dumps([{"kind": "number", "start": 0, "end": 5, "text": "First", "detail": ""}])},
    )
    connection.execute(text("INSERT INTO collection_triage (collection_id, queue_order) VALUES (1, 'checkworthiness')"))


def fill_0005(connection, dialect: str) -> None:
    """Revision 0005 (control claims): 0004's rows plus a control claim and a collection's control rate."""
    fill_0004(connection, dialect)
    connection.execute(text("INSERT INTO control_claim (claim_id, added_by, created_at) VALUES (1, 1, :at)"),
                       {"at": stamp(dialect)})
    connection.execute(text("INSERT INTO control_setting (collection_id, rate, threshold, updated_at) "
                            "VALUES (1, 0.1, 0.7, :at)"), {"at": stamp(dialect)})


def fill_0006(connection, dialect: str) -> None:
    """Revision 0006 (triage model): 0005's rows plus a collection's model and a claim's score."""
    fill_0005(connection, dialect)
    connection.execute(
        text("INSERT INTO triage_model (collection_id, weights, intercept, examples, checkable, roc_auc, "
             "average_precision, rule_roc_auc, enabled, trained_by, trained_at) "
             "VALUES (1, :weights, -0.5, 40, 20, 0.9, 0.85, 0.7, true, 1, :at)"),
        {"weights": json.dumps({"number": 1.5}), "at": stamp(dialect)},
    )
    connection.execute(text("INSERT INTO claim_model_score (claim_id, score) VALUES (1, 0.8)"))


def fill_0007(connection, dialect: str) -> None:
    """Revision 0007 (a verdict's match source): 0006's rows, one history row naming the claim it came from."""
    fill_0006(connection, dialect)
    connection.execute(text("UPDATE verdict_history SET source_claim_id = 1 WHERE id = 9"))


def fill_0008(connection, dialect: str) -> None:
    """Revision 0008 (verdict history indexed by reviewer and id): the same rows as 0007."""
    fill_0007(connection, dialect)


def fill_0009(connection, dialect: str) -> None:
    """Revision 0009 (an article's hash ignores trailing spaces and Unicode composition): 0008's rows."""
    fill_0008(connection, dialect)


FILLS: dict[str, Callable] = {
    "0001": fill_0001, "0002": fill_0002, "0003": fill_0003, "0004": fill_0004, "0005": fill_0005, "0006": fill_0006,
    "0007": fill_0007, "0008": fill_0008, "0009": fill_0009,
}


def expected_verdicts() -> list[tuple]:
    return [
        (claim, reviewer, LABELS[(claim + reviewer) % 3], NOTES[n % len(NOTES)], json.loads(EVIDENCE[n % len(EVIDENCE)]), 1, WHEN)
        for n, (claim, reviewer) in enumerate((c, r) for c in (1, 2, 3) for r in (2, 3, 4))
    ]


@pytest.fixture(params=["sqlite", pytest.param("postgres", id="postgresql", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database without any schema, on SQLite or on a scratch PostgreSQL database."""
    with scratch_database(request.param, tmp_path) as database:
        yield database


def test_every_previous_revision_has_raw_fixtures() -> None:
    missing = [older for older, _ in UPGRADES if older not in FILLS]
    assert not missing, f"add raw INSERTs for revision(s) {missing} to FILLS before adding a migration after them"


@pytest.mark.parametrize(("older", "newer"), UPGRADES, ids=[f"{o}-to-{n}" for o, n in UPGRADES])
def test_upgrade_keeps_every_verdict(empty_database: Database, older: str, newer: str) -> None:
    empty_database.upgrade(older)
    with empty_database.engine.begin() as connection:
        FILLS[older](connection, empty_database.dialect)
    empty_database.upgrade(newer)
    empty_database.upgrade("head")
    assert empty_database.current_revision() == REVISIONS[-1]

    with empty_database.session() as session:
        verdicts = [
            (v.claim_id, v.reviewer_id, v.label, v.note, v.evidence, v.guideline_version, v.created_at)
            for v in session.scalars(select(Verdict).order_by(Verdict.id))
        ]
        history = [
            (h.claim_id, h.reviewer_id, h.action, h.new_label, h.new_note, h.new_evidence, h.changed_at)
            for h in session.scalars(select(VerdictHistory).order_by(VerdictHistory.id))
        ]
        claims = [(c.text, c.start_char, c.end_char, c.version) for c in session.scalars(select(Claim).order_by(Claim.id))]
        article = session.scalar(select(Article))
        reviewers = {r.name: (r.role, r.active, r.password_hash) for r in session.scalars(select(Reviewer))}
        final = session.get(FinalVerdict, 1)

    assert verdicts == expected_verdicts()
    assert history == [(c, r, "create", label, note, evidence, WHEN) for c, r, label, note, evidence, _, _ in expected_verdicts()]
    assert claims == [(ARTICLE_TEXT[s:e], s, e, 1 + i % 2) for i, (s, e) in enumerate(SPANS)]
    assert all(article.text[s:e] == t for t, s, e, _ in claims)
    assert article.published == date(2024, 5, 1)
    assert reviewers["person 1"][0] == "lead" and reviewers["person 4"][1] is False
    assert reviewers["person 2"][2] == "$argon2id$v=19$m=65536,t=3,p=4$old2"
    assert (final.label, final.rationale) == ("disputed", "Lead decided.")


def test_0009_recomputes_article_hashes_and_keeps_articles_already_alike_apart(empty_database: Database) -> None:
    from workbench.ingest import content_hash

    empty_database.upgrade("0008")
    with empty_database.engine.begin() as connection:
        fill_0008(connection, empty_database.dialect)
        connection.execute(
            text("INSERT INTO article (id, collection_id, title, source, url, published, text, content_hash, imported_at) "
                 "VALUES (2, 1, 'Saved again', 'again.txt', NULL, NULL, :text, :hash, :at)"),
            [{"text": ARTICLE_TEXT + "\n\n", "hash": "1" * 64, "at": stamp(empty_database.dialect)}],
        )
    empty_database.upgrade("head")
    with empty_database.session() as session:
        hashes = dict(session.execute(select(Article.id, Article.content_hash)).all())
    assert hashes == {1: content_hash(ARTICLE_TEXT), 2: "1" * 64}, "the second, alike, keeps its own"

"""One rule on both databases: text with a NUL character or a lone surrogate is refused with a
message, on every write path, and no database error ever shows the values bound to a statement."""

from __future__ import annotations

import pytest
from builders import give, newsroom
from click.testing import CliRunner
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import DBAPIError

from workbench import LABELS
from workbench.access import Actor
from workbench.adjudication import AdjudicationError, record_final_verdict
from workbench.auth import create_reviewer
from workbench.cli import main as cli
from workbench.db import Database, UnstorableText, database_error_message
from workbench.errors import WorkbenchError
from workbench.guidelines import GuidelineError, save_guidelines
from workbench.ingest import Document, ingest_documents
from workbench.models import Article, Reviewer, Verdict, VerdictHistory
from workbench.verdict_file import VerdictImportError
from workbench.verdict_import import import_verdicts
from workbench.verdicts import VerdictError

UNSTORABLE = {"nul": "before\x00after", "surrogate": "before\ud800after"}
SECRET_NOTE = "alice's private note: source is the mayor's aide"


@pytest.fixture(params=list(UNSTORABLE))
def bad(request: pytest.FixtureRequest) -> str:
    return UNSTORABLE[request.param]


def verdict_rows(database: Database) -> int:
    with database.read_session() as session:
        return session.scalar(select(func.count()).select_from(Verdict)) + session.scalar(
            select(func.count()).select_from(VerdictHistory)
        )


def test_a_note_or_evidence_link_is_refused_with_a_message(db: Database, bad: str) -> None:
    room = newsroom(db)
    claim = room.claims["bridge"][0]
    with pytest.raises(VerdictError, match="The note holds a (NUL character|lone surrogate)"):
        give(db, room.reviewers["alice"], claim, "supported", bad)
    with pytest.raises(VerdictError, match="Evidence must be an http"):
        give(db, room.reviewers["alice"], claim, "supported", "fine", [f"https://example.org/{bad}"])
    assert verdict_rows(db) == 0


def test_a_rationale_and_guidelines_are_refused_with_a_message(db: Database, bad: str) -> None:
    room = newsroom(db)
    claim = room.claims["bridge"][0]
    with pytest.raises(AdjudicationError, match="The rationale holds"), db.transaction() as session:
        record_final_verdict(session, room.lead, claim, "disputed", bad)
    with pytest.raises(GuidelineError, match="The definition of 'supported' holds"), db.transaction() as session:
        save_guidelines(session, room.lead, {label: f"{label} {bad}" for label in LABELS})


def test_titles_article_text_and_names_are_refused_by_the_database_layer(db: Database, bad: str) -> None:
    """Paths without a field check of their own still meet the same rule, before the database.

    (Article text is normalised before it is stored, and a title loses its control characters when
    it is read, so a NUL never reaches the database there; a lone surrogate is refused.)
    """
    if "\x00" in bad:
        ingest_documents(db, [Document(source="a.txt", text="The bridge opened in 1932.", title=bad)])
        with db.transaction() as session:
            assert "\x00" not in session.scalar(select(Article.title))
            session.execute(delete(Article))
    else:
        with pytest.raises(UnstorableText, match="Nothing was saved"):
            ingest_documents(db, [Document(source="a.txt", text="The bridge opened in 1932.", title=bad)])
    with pytest.raises(WorkbenchError), db.transaction() as session:  # names have their own, stricter rule
        create_reviewer(session, f"name{bad}", None, actor=Actor.operator())
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0
        assert session.scalar(select(func.count()).select_from(Reviewer)) == 0


def nul_past_the_binary_check(claim: int) -> bytes:
    """A verdict file whose NUL comes after the first 8 KiB (earlier, the file is taken as binary)."""
    padding = "".join(f"{claim},alice,supported,{'x' * 100}\r\n" for _ in range(100))
    return f"claim_id,reviewer,verdict,note\r\n{padding}{claim},bob,supported,a\x00b\r\n".encode()


def test_an_imported_note_is_refused_by_line(db: Database) -> None:
    room = newsroom(db)
    with pytest.raises(VerdictImportError, match="line 102: The note holds a NUL character"):
        import_verdicts(db, nul_past_the_binary_check(room.claims["bridge"][0]), actor=Actor.operator())
    assert verdict_rows(db) == 0


def test_the_cli_says_what_is_wrong_without_a_traceback(db: Database, tmp_path) -> None:
    room = newsroom(db)
    path = tmp_path / "verdicts.csv"
    path.write_bytes(nul_past_the_binary_check(room.claims["bridge"][0]))
    result = CliRunner().invoke(cli, ["--database", db.url, "import-verdicts", str(path)])
    assert result.exit_code == 1
    assert "NUL character" in result.output and "Traceback" not in result.output


def test_database_errors_never_show_bound_values(db: Database) -> None:
    """A statement the database refuses: its message names the reason, never the values."""
    room = newsroom(db)
    give(db, room.reviewers["alice"], room.claims["bridge"][0], "supported", SECRET_NOTE)
    with pytest.raises(DBAPIError) as caught, db.transaction() as session:
        session.execute(text("INSERT INTO reviewer (name, role) VALUES (:name, :role)"),
                        {"name": SECRET_NOTE, "role": "no such role"})
    assert "parameters hidden" in str(caught.value)  # PostgreSQL's own DETAIL may still quote the row:
    assert SECRET_NOTE not in database_error_message(caught.value)  # so messages keep only the reason
    assert "constraint" in database_error_message(caught.value).lower()

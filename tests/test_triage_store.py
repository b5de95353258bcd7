"""Stored triage: computed at ingest, refreshed by a lead's edits, recomputed in bulk; the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select, update

from workbench.access import Actor, PermissionDenied
from workbench.auth import create_reviewer
from workbench.cli import main
from workbench.db import Database
from workbench.edits import merge_units, set_unit_kind, split_unit
from workbench.extract import load_pipeline
from workbench.ingest import Document, ingest_documents
from workbench.models import Article, Claim, ClaimSignal
from workbench.review import next_claim_id
from workbench.triage import triage_article, triage_text
from workbench.triage_store import (
    TriageError,
    kind_condition,
    queue_order,
    recompute_signals,
    set_queue_order,
    stored_triage,
)

ARTICLE = (
    "Budget row deepens\n\n"
    "The minister said taxes rose by 4% in 2023. Unemployment fell to 3.1 percent last year.\n\n"
    "“We will cut spending by $2 billion,” Finance Minister Ana Ruiz told reporters. "
    "Is the budget reckless?"
)


def ingest(db: Database, text: str = ARTICLE) -> int:
    report = ingest_documents(db, [Document(source="budget.txt", text=text)], collection="news", nlp=load_pipeline())
    return report.article_ids[0]


def claim_texts(text: str) -> list[str]:
    """The claims extraction finds in ``text`` (the CLI and the store triage exactly these)."""
    from workbench.extract import extract

    return [unit.text for unit in extract(text, load_pipeline()).units if unit.kind == "claim"]


def stored_scores(session, article_id: int) -> dict[int, float]:
    """Claim id → stored check-worthiness, for one article."""
    return dict(
        session.execute(
            select(Claim.id, ClaimSignal.checkworthiness)
            .join(ClaimSignal, ClaimSignal.claim_id == Claim.id)
            .where(Claim.article_id == article_id)
        ).all()
    )


def lead(db: Database) -> Actor:
    with db.transaction() as session:
        return Actor.of(create_reviewer(session, "Lena Lead", None, "lead", actor=Actor.operator()))


def claims_and_rows(db: Database, article_id: int):
    with db.session() as session:
        claims = list(
            session.scalars(select(Claim).where(Claim.article_id == article_id).order_by(Claim.position))
        )
        rows = {row.claim_id: row for row in session.scalars(select(ClaimSignal))}
        text = session.scalar(select(Article.text).where(Article.id == article_id))
        return claims, rows, text


def assert_current(db: Database, article_id: int) -> None:
    """Every claim has exactly the triage computed now for its span; non-claims have none."""
    claims, rows, text = claims_and_rows(db, article_id)
    reviewable = [claim for claim in claims if claim.kind == "claim"]
    assert set(rows) == {claim.id for claim in reviewable}
    expected = triage_article(text, [(claim.start_char, claim.end_char) for claim in reviewable])
    for claim, triage in zip(reviewable, expected):
        row = rows[claim.id]
        assert row.claim_version == claim.version
        assert row.checkworthiness == triage.checkworthiness
        assert row.signals == [signal.as_dict() for signal in triage.signals]
        for signal in row.signals:
            assert text[signal["start"] : signal["end"]] == signal["text"]
        if row.quote_start is not None:
            assert claim.start_char <= row.quote_start < row.quote_end <= claim.end_char


def test_ingest_stores_signals_for_every_claim(db: Database) -> None:
    article_id = ingest(db)
    assert_current(db, article_id)
    claims, rows, _ = claims_and_rows(db, article_id)
    quoted = [rows[c.id] for c in claims if c.id in rows and rows[c.id].quote_speaker]
    assert [row.quote_speaker for row in quoted] == ["Ana Ruiz"]
    with db.read_session() as session:
        numbers = set(session.scalars(select(ClaimSignal.claim_id).where(kind_condition("number"))))
        questions = set(session.scalars(select(ClaimSignal.claim_id).where(kind_condition("question"))))
    assert len(numbers) == 3 and len(questions) == 1
    with db.read_session() as session:
        stored = stored_triage(session, rows)
    assert any(reason.startswith("quote: ") for item in stored.values() for reason in item.reasons())


def test_edits_keep_signals_current(db: Database) -> None:
    article_id = ingest(db)
    actor = lead(db)
    claims, _, _ = claims_and_rows(db, article_id)
    first, second = [claim for claim in claims if claim.kind == "claim"][:2]
    with db.transaction() as session:
        merge_units(session, actor, first.id, second.id)
    assert_current(db, article_id)
    with db.transaction() as session:
        split_unit(session, actor, first.id, len(first.text) + 1)  # where the second unit began
    assert_current(db, article_id)
    with db.transaction() as session:
        set_unit_kind(session, actor, first.id, "heading")
    assert_current(db, article_id)
    with db.transaction() as session:
        set_unit_kind(session, actor, first.id, "claim")
    assert_current(db, article_id)


def test_recompute_restores_missing_and_stale_rows(db: Database) -> None:
    article_id = ingest(db)
    with db.transaction() as session:
        some = session.scalars(select(ClaimSignal.claim_id)).first()
        session.execute(delete(ClaimSignal).where(ClaimSignal.claim_id == some))
        session.execute(update(ClaimSignal).values(checkworthiness=0.0, signals=[]))
    report = recompute_signals(db)
    assert report.articles == 1 and report.skipped == 0
    assert_current(db, article_id)


def test_queue_order_per_collection(db: Database) -> None:
    ingest(db)
    with db.transaction() as session:
        collection_id = session.scalar(select(Article.collection_id))
        assert queue_order(session, collection_id) == "article"
        set_queue_order(session, collection_id, "checkworthiness")
    with db.read_session() as session:
        assert queue_order(session, collection_id) == "checkworthiness"
    with db.transaction() as session, pytest.raises(TriageError):
        set_queue_order(session, collection_id, "random")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_triage_of_sentences_and_articles(tmp_path: Path) -> None:
    sentences = tmp_path / "sentences.jsonl"
    sentences.write_text(
        "\n".join(
            json.dumps({"id": identifier, "text": text})
            for identifier, text in [
                ("a", "Unemployment fell to 3.1 percent in 2023."),
                ("b", "“It is the best budget ever,” she said."),
                ("c", ""),
            ]
        ),
        encoding="utf-8",
    )
    result = run("triage", "--input", str(sentences), "--format", "jsonl")
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [record["id"] for record in records] == ["a", "b", "c"]
    assert set(records[0]) == {"id", "text", "checkworthiness", "signals", "quote", "reasons"}
    assert records[0]["checkworthiness"] > records[2]["checkworthiness"]
    assert records[1]["quote"]["speaker"] == "she" and records[1]["quote"]["verb"] == "said"
    for record in records:
        for signal in record["signals"]:
            assert record["text"][signal["start"] : signal["end"]] == signal["text"]

    article = tmp_path / "budget.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    records = [json.loads(line) for line in run("triage", "--input", str(article), "--format", "jsonl").output.splitlines()]
    assert [record["text"] for record in records] == claim_texts(ARTICLE)
    for record in records:
        if record["quote"]:
            assert record["text"][record["quote"]["start"] : record["quote"]["end"]].startswith("We will cut")
    table = run("triage", "--input", str(article)).output
    assert "quote: Ana Ruiz" in table


def test_cli_triage_of_a_web_page_leaves_its_headline_aside_as_split_does(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Prices climb - Daily</title></head><body><article><h1>Head</h1>\n"
        "<p>Inflation rose 3% in 2022, the bank said in a statement on Tuesday morning.</p>\n<h2>Outlook</h2>\n"
        "<p>Officials expect it to fall next year, according to the central bank's report.</p>\n"
        "<p>Unemployment stayed at 4 percent, the lowest level since 1999.</p></article></body></html>",
        encoding="utf-8",
    )
    records = [json.loads(line) for line in run("triage", "--input", str(page), "--format", "jsonl").output.splitlines()]
    split = [json.loads(line) for line in run("split", str(page), "--format", "jsonl").output.splitlines()]
    claims = [(str(unit["index"]), unit["text"]) for unit in split if unit["kind"] == "claim"]
    assert any(unit["kind"] == "title" for unit in split)
    assert [(record["id"], record["text"]) for record in records] == claims


def test_cli_needs_input_or_recompute(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["triage"])
    assert result.exit_code != 0 and "--input FILE, --recompute" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--queue-order", "article", "--model", "on", "--collection", "news"],
        ["--recompute", "--model", "off", "--collection", "news"],
        ["--recompute", "--queue-order", "checkworthiness", "--collection", "news"],
        ["--input", "FILE", "--model", "on", "--collection", "news"],
        ["--input", "FILE", "--collection", "news"],
        ["--recompute", "--format", "jsonl"],
    ],
)
def test_cli_refuses_options_that_ask_two_things(tmp_path: Path, args: list[str]) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(main, ["--database", url, "triage", *[str(article) if a == "FILE" else a for a in args]])
    assert result.exit_code == 2 and "Usage:" in result.output, result.output
    assert not (tmp_path / "cli.db").exists(), "nothing was done"


def write_lines(path: Path, *lines: str | bytes) -> Path:
    path.write_bytes(b"\n".join(line if isinstance(line, bytes) else line.encode("utf-8") for line in lines))
    return path


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([bytes(range(256)) * 4], "binary file"),
        ([b'{"id": "a", "text": "caf\xe9"}'], "not UTF-8"),
        (["[" * 100_000 + "]" * 100_000], "nested too deeply"),
        (['{"id": "a", "text": "He said \\ud800 it rose 5%."}'], "lone surrogate"),
        (['{"id": 1, "text": "A."}', '{"text": "B."}'], ':2: each line needs an "id"'),
        (['{"id": 1, "text": "A."}', '{"id": 2, "text": 3}'], ':2: each line needs an "id"'),
        (['{"id": 1, "text": "A."}', '{"id": true, "text": "B."}'], ':2: each line needs an "id"'),
        (['{"id": 1, "text": "A."}', '{"id": Infinity, "text": "B."}'], ':2: each line needs an "id"'),
        (['{"id": 1, "text": "A."}', '{"id": 2, "text": "B.", "title": "T"}'], ':2: each line needs an "id"'),
        (['{"id": 1}'], ':1: each line needs an "id"'),  # the first line too: an id and no article field
        (["", "  "], "the file is empty"),
        (["\n\n \n"], "the file is empty"),
    ],
)
def test_cli_refuses_bad_sentence_files_by_name_and_line(tmp_path: Path, lines: list, message: str) -> None:
    path = write_lines(tmp_path / "bad.jsonl", *lines)
    result = CliRunner().invoke(main, ["triage", "--input", str(path)])
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output


def test_cli_reads_sentence_files_as_ingest_reads_json_lines(tmp_path: Path) -> None:
    """A BOM, and U+2028 or U+0085 inside a JSON string (as ``json.dumps(ensure_ascii=False)``
    writes them), are read as ingest reads them; an empty text is scored like any other; a key that
    is no article field (a dataset's ``label``) leaves the file a file of sentences."""
    lines = [json.dumps({"id": "a", "text": text, "label": 1}, ensure_ascii=False) for text in ["Up 5%\u2028in 2023.", "x\x85y", ""]]
    path = tmp_path / "s.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))
    records = [json.loads(line) for line in run("triage", "--input", str(path), "--format", "jsonl").output.splitlines()]
    assert [record["text"] for record in records] == ["Up 5%\u2028in 2023.", "x\x85y", ""]
    assert records[2]["checkworthiness"] == triage_text("").checkworthiness == triage_text("   ").checkworthiness


def test_cli_takes_any_number_as_an_id_and_says_when_an_article_has_no_claims(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "s.jsonl", '{"id": 1.5, "text": "Taxes rose 5%."}')
    assert [json.loads(line)["id"] for line in run("triage", "--input", str(path), "--format", "jsonl").output.splitlines()] == [1.5]
    heading = tmp_path / "heading.md"
    heading.write_text("# Title only\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["triage", "--input", str(heading)])
    assert result.exit_code == 0 and result.stdout == ""
    assert "heading.md: no claims" in result.stderr


def test_cli_splits_article_json_lines_even_with_an_id(tmp_path: Path) -> None:
    """Objects with more than ``id`` and ``text`` (or a ``body``) are articles, split into claims."""
    path = tmp_path / "articles.jsonl"
    path.write_text(
        json.dumps({"id": "a1", "title": "Budget", "text": ARTICLE}) + "\n" + json.dumps({"title": "Budget", "body": ARTICLE}),
        encoding="utf-8",
    )
    records = [json.loads(line) for line in run("triage", "--input", str(path), "--format", "jsonl").output.splitlines()]
    assert [record["text"] for record in records] == claim_texts(ARTICLE) * 2


def test_cli_recompute(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = Database(url)
    database.upgrade("head")
    ingest(database)
    database.dispose()
    result = run("--database", url, "triage", "--recompute")
    assert result.output.startswith(f"Recomputed the triage of {len(claim_texts(ARTICLE))} claims in 1 article")


def test_export_carries_triage_columns(db: Database) -> None:
    import csv
    import io

    from workbench.export import write_export
    from workbench.export_options import ExportFilters, ExportOptions

    ingest(db)
    stream = io.StringIO()
    write_export(db, stream, ExportOptions(format="csv", layout="wide", filters=ExportFilters()))
    rows = list(csv.DictReader(io.StringIO(stream.getvalue(), newline="")))
    assert all(0 < float(row["checkworthiness"]) < 1 for row in rows)
    quoted = [row for row in rows if row["quote_speaker"]]
    assert [row["quote_speaker"] for row in quoted] == ["Ana Ruiz"]
    assert quoted[0]["signals"].split()[0] == "quote"


def test_article_filters_by_signal_and_score(db: Database) -> None:
    from workbench.articles import ArticleFilters, list_articles

    budget = ingest(db)
    plain = ingest(db, "A plain note\n\nThe cat sat on the mat. It was calm.")
    actor = lead(db)
    with db.read_session() as session:
        def ids(**fields) -> set[int]:
            listing = list_articles(session, actor, ArticleFilters(**fields))
            return {row.id for row in listing.rows}

        assert ids() == {budget, plain}
        assert ids(signal="quote") == {budget}
        assert ids(signal="number", min_checkworthiness=0.5) == {budget}
        assert ids(min_checkworthiness=0.99) == set()
    with db.transaction() as session:
        reviewer = Actor.of(create_reviewer(session, "Rita Reviewer", None, "reviewer", actor=Actor.operator()))
    with db.read_session() as session:
        assert {row.id for row in list_articles(session, reviewer, ArticleFilters(signal="quote")).rows} <= {budget}
        with pytest.raises(PermissionDenied, match="reviewers never see scores"):
            list_articles(session, reviewer, ArticleFilters(min_checkworthiness=0.5))


def test_chips_and_marked_quote_describe_the_text_only() -> None:
    from workbench.app.triage_chips import chips_html
    from workbench.render import text_with_quote_html
    from workbench.triage_store import StoredTriage

    triage = StoredTriage(
        claim_id=1, checkworthiness=0.9, kinds=("quote", "number", "hedged"), signals=(),
        quote_start=13, quote_end=24, quote_speaker="Kim <K>", quote_verb="said",
    )
    chips = chips_html(triage)
    assert "quote: Kim &lt;K&gt;" in chips and "number" in chips and "hedged" in chips
    assert "0.9" not in chips and "supported" not in chips and "disputed" not in chips
    marked = text_with_quote_html("She said: “It rose <5%>.”", (11, 24, "Kim <K>"))
    assert marked.startswith("She said: “<span") and marked.endswith(">It rose &lt;5%&gt;.</span>”")
    assert 'title="Quote: Kim &lt;K&gt;"' in marked


def test_queue_most_checkable_first_when_the_collection_chooses_it(db: Database) -> None:
    from workbench.verdicts import save_verdict

    article_id = ingest(db)
    actor = lead(db)
    with db.read_session() as session:
        scores = stored_scores(session, article_id)
        in_article_order = next_claim_id(session, actor)
        collection_id = session.scalar(select(Article.collection_id))
    by_score = sorted(scores, key=lambda claim_id: -scores[claim_id])
    assert in_article_order == min(scores)
    with db.transaction() as session:
        set_queue_order(session, collection_id, "checkworthiness")
    with db.read_session() as session:
        assert next_claim_id(session, actor) == by_score[0]
        assert next_claim_id(session, actor, exclude=[by_score[0]]) == by_score[1]
    with db.transaction() as session:
        save_verdict(session, actor, by_score[0], "supported")
    with db.read_session() as session:
        assert next_claim_id(session, actor) == by_score[1]


def test_a_queue_over_several_collections_works_the_most_checkable_first_ones_first(db: Database) -> None:
    """A reviewer's "All my collections" queue: the collections whose lead chose most checkable
    first come first, in that order; then the others in article order."""
    in_article_order = ingest_documents(
        db, [Document(source="older.txt", text=ARTICLE.replace("Budget", "Older budget"))], collection="older",
        nlp=load_pipeline(),
    ).article_ids[0]
    checkable_article = ingest(db)
    actor = lead(db)
    with db.transaction() as session:
        set_queue_order(session, session.get(Article, checkable_article).collection_id, "checkworthiness")
    with db.read_session() as session:
        scores = stored_scores(session, checkable_article)
        by_score = sorted(scores, key=lambda claim_id: (-scores[claim_id], claim_id))
        assert next_claim_id(session, actor) == by_score[0]
        first_older = session.scalar(
            select(func.min(Claim.id)).where(Claim.article_id == in_article_order, Claim.kind == "claim")
        )
        assert next_claim_id(session, actor, exclude=by_score) == first_older


def test_cli_queue_order(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = Database(url)
    database.upgrade("head")
    ingest(database)
    result = run("--database", url, "triage", "--collection", "news", "--queue-order", "checkworthiness")
    assert "most checkable first" in result.output
    with database.read_session() as session:
        assert queue_order(session, session.scalar(select(Article.collection_id))) == "checkworthiness"
    database.dispose()
    missing = CliRunner().invoke(main, ["--database", url, "triage", "--collection", "nope", "--queue-order", "article"])
    assert missing.exit_code == 1 and "No collection called 'nope'" in missing.output


def test_exports_filter_by_signal_and_score(db: Database) -> None:
    import csv
    import io

    from workbench.export import count_export_rows, write_export
    from workbench.export_options import ExportError, ExportFilters, ExportOptions

    ingest(db)
    ingest(db, "A plain note\n\nThe cat sat on the mat. It was calm.")

    def wide(**fields) -> list[dict[str, str]]:
        stream = io.StringIO()
        write_export(db, stream, ExportOptions(format="csv", layout="wide", filters=ExportFilters(**fields)))
        return list(csv.DictReader(io.StringIO(stream.getvalue(), newline="")))

    everything = wide()
    numbers = wide(signals=("number",))
    assert numbers and all("number" in row["signals"].split() for row in numbers)
    assert {row["claim_id"] for row in numbers} == {
        row["claim_id"] for row in everything if "number" in row["signals"].split()
    }
    quoted_numbers = wide(signals=("quote", "number"))
    assert [row["quote_speaker"] for row in quoted_numbers] == ["Ana Ruiz"]
    high = wide(min_checkworthiness=0.5)
    assert high and {row["claim_id"] for row in high} == {
        row["claim_id"] for row in everything if float(row["checkworthiness"]) >= 0.5
    }
    assert len(high) < len(everything)
    assert count_export_rows(db, ExportOptions(layout="wide", filters=ExportFilters(min_checkworthiness=1.0))) == 0
    named = wide(signals=("names",))  # a chip's word names its kind
    assert named == wide(signals=("entity",)) == wide(signals=(" Names ", "entity"))
    assert {row["claim_id"] for row in named} == {
        row["claim_id"] for row in everything if "entity" in row["signals"].split()
    }
    assert wide(signals=("Scare quote",)) == wide(signals=("scare_quote",))
    with pytest.raises(ExportError, match="Unknown signal 'numbers'"):
        wide(signals=("numbers",))
    with pytest.raises(ExportError, match="between 0 and 1"):
        wide(min_checkworthiness=1.5)


def test_cli_export_filters_by_signal_and_score(db: Database) -> None:
    import csv
    import io

    ingest(db)
    url = db.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        main,
        ["--database", url, "export", "--layout", "wide", "--signal", "number",
         "--min-checkworthiness", "0.5", "--out", "-"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert rows
    assert all("number" in row["signals"].split() and float(row["checkworthiness"]) >= 0.5 for row in rows)
    for typed in ("vibes", "Good Vibes"):
        refused = CliRunner().invoke(main, ["--database", url, "export", "--signal", typed, "--out", "-"])
        assert refused.exit_code != 0 and f"Unknown signal {typed!r}" in refused.output, "says what was typed"
    refused = CliRunner().invoke(main, ["--database", url, "export", "--signal", "quote: Ana Ruiz", "--out", "-"])
    assert refused.exit_code != 0 and "a chip's speaker is no filter: use 'quote' alone" in refused.output
    for typed in ("-1", "1.5"):  # echoed as typed, not as -1.0
        refused = CliRunner().invoke(main, ["--database", url, "export", "--min-checkworthiness", typed, "--out", "-"])
        assert refused.exit_code == 1 and f"between 0 and 1, not {typed}." in refused.output


def test_dump_and_load_carry_triage(db: Database, tmp_path: Path) -> None:
    from workbench.dump import dump_database, load_dump

    article_id = ingest(db)
    with db.transaction() as session:
        collection_id = session.scalar(select(Article.collection_id).where(Article.id == article_id))
        set_queue_order(session, collection_id, "checkworthiness")
    path = tmp_path / "dump.jsonl"
    dump_database(db, path)
    target = Database(f"sqlite:///{tmp_path / 'copy.db'}")
    load_dump(target, path)
    assert_current(target, article_id)
    with target.read_session() as session:
        assert queue_order(session, collection_id) == "checkworthiness"

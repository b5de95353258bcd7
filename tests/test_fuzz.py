"""Random bytes and random Unicode into the extractor and every importer.

Each either succeeds with offsets that hold (``unit.text == text[start:end]``, every stored claim
equal to its slice of the article) or fails with a ``WorkbenchError`` whose message is not empty.
Any other exception is a bug.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from workbench import LABELS
from workbench.access import Actor
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.dump import load_dump
from workbench.errors import WorkbenchError
from workbench.extract import extract, load_pipeline
from workbench.ingest import SUPPORTED_SUFFIXES, Document, ingest_documents, read_upload
from workbench.models import CLAIM_KINDS, Article, Claim
from workbench.verdict_file import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from workbench.verdict_import import import_verdicts

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_WITH_DATABASE = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

CHARACTER = st.characters(codec="utf-8")
"""Any character that can come out of decoding a file (so no lone surrogates)."""
# Text that looks like articles: words, punctuation, line breaks, quotes, and any Unicode at all.
WORDISH = st.lists(
    st.one_of(
        st.sampled_from(["The", "council", "said", " ", " ", "\n", "\n\n", "\t", "\r\n", ".", ",", "!", "?", ";", ":",
                         "'", '"', "“", "”", "‘", "’", "—", "–", "-", "(", ")", "[", "]", "Mr.", "U.S.", "3.5", "e.g.",
                         "...", "# ", "* ", "date 2022-11-29", "https://example.org/a?b=c", "<p>", "&amp;"]),
        CHARACTER,
    ),
    max_size=120,
).map("".join)
ANY_TEXT = st.one_of(st.text(CHARACTER, max_size=300), WORDISH)


def check_units(extraction) -> None:
    text = extraction.text
    previous_end = 0
    covered = [False] * len(text)
    for unit in extraction.units:
        assert 0 <= unit.start < unit.end <= len(text)
        assert text[unit.start : unit.end] == unit.text
        assert unit.start >= previous_end, "units are in order and do not overlap"
        assert unit.kind in CLAIM_KINDS
        previous_end = unit.end
        covered[unit.start : unit.end] = [True] * (unit.end - unit.start)
    assert all(covered[i] or text[i].isspace() for i in range(len(text))), "no text falls outside the units"


def expect_clear_failure(error: WorkbenchError) -> None:
    assert str(error).strip(), "a WorkbenchError always says what is wrong"


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@FUZZ
@given(text=ANY_TEXT)
@example(text="Intro.\nPost text\n— Jane Doe (@jane) March 3, 2021\n— Jane Doe (@jane) March 3, 2021")
@example(text="Post text\n— Jane Doe (@jane) March 3, 2021\n" * 2 + "— Jane Doe (@jane) March 3, 2021")
@example(text="A post shared by Kim Kardashian (@kimkardashian)\n" * 3)
def test_the_extractor_keeps_offsets_for_any_text(nlp, text: str) -> None:
    try:
        extraction = extract(text, nlp)
    except WorkbenchError as error:
        expect_clear_failure(error)
        return
    check_units(extraction)


@FUZZ
@given(suffix=st.sampled_from(SUPPORTED_SUFFIXES), data=st.one_of(st.binary(max_size=600), ANY_TEXT.map(str.encode)))
def test_reading_an_upload_of_any_bytes(nlp, suffix: str, data: bytes) -> None:
    try:
        documents = read_upload(f"fuzz{suffix}", data)
    except WorkbenchError as error:
        expect_clear_failure(error)
        return
    for document in documents:
        assert isinstance(document.text, str) and document.text.strip()
        check_units(extract(document.text, nlp))


CELL = st.one_of(ANY_TEXT, st.sampled_from(["", "1", "2", "-1", "99999999999999999999999", "Ravi", *LABELS]))


@FUZZ
@given(
    rows=st.lists(st.dictionaries(st.sampled_from(["text", "title", "url", "date", "body", "x"]), CELL), max_size=4),
    suffix=st.sampled_from([".csv", ".jsonl"]),
)
def test_reading_csv_and_jsonl_articles_with_random_fields(nlp, rows: list[dict[str, str]], suffix: str) -> None:
    if suffix == ".jsonl":
        data = "".join(json.dumps(row) + "\n" for row in rows).encode()
    else:
        columns = sorted({key for row in rows for key in row}) or ["text"]
        out = io.StringIO()
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        writer.writerows(rows)
        data = out.getvalue().encode()
    try:
        documents = read_upload(f"fuzz{suffix}", data)
    except WorkbenchError as error:
        expect_clear_failure(error)
        return
    for document in documents:
        check_units(extract(document.text, nlp))


@FUZZ_WITH_DATABASE
@given(texts=st.lists(WORDISH, min_size=1, max_size=3))
def test_ingested_claims_are_exact_slices_of_their_article(sqlite_db: Database, nlp, texts: list[str]) -> None:
    try:
        report = ingest_documents(sqlite_db, [Document(f"fuzz-{i}.txt", text) for i, text in enumerate(texts)], nlp=nlp)
    except WorkbenchError as error:
        expect_clear_failure(error)
        return
    with sqlite_db.session() as session:
        for article_id in report.article_ids:
            article = session.get(Article, article_id)
            claims = session.scalars(select(Claim).where(Claim.article_id == article_id)).all()
            for claim in claims:
                assert article.text[claim.start_char : claim.end_char] == claim.text


VERDICT_COLUMNS = st.one_of(
    st.lists(st.sampled_from([*OPTIONAL_COLUMNS, "extra"]), unique=True).flatmap(
        lambda extra: st.permutations([*REQUIRED_COLUMNS, *extra])
    ),
    st.lists(st.sampled_from([*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, "extra", ""]), min_size=1, max_size=7),
)
CLAIM_IDS = st.one_of(st.integers(min_value=-5, max_value=40).map(str), st.integers(min_value=2**31).map(str),
                      st.sampled_from(["", "1.0", " 7 ", "٣", "１", "99999999999999999999999", "0x1"]))
VERDICT_CELLS = {
    "claim_id": CLAIM_IDS,
    "reviewer": st.one_of(st.sampled_from(["Ravi", "ravi ", "Kim", "", "new person"]), st.sampled_from(["Ravi"]), ANY_TEXT),
    "verdict": st.one_of(st.sampled_from([*LABELS, "Supported", ""]), st.sampled_from(LABELS)),
    "note": st.one_of(st.sampled_from(["", "'=1+1", "=1+1"]), ANY_TEXT),
    "evidence": st.one_of(st.sampled_from(["", "https://example.org/a", "javascript:alert(1)", "a b"]), ANY_TEXT),
    "claim_text": ANY_TEXT,
    "extra": ANY_TEXT,
}


@st.composite
def verdict_files(draw) -> bytes:
    """A CSV with some of the verdict columns, in any order, and mostly plausible cells."""
    columns = draw(VERDICT_COLUMNS)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        writer.writerow([draw(VERDICT_CELLS.get(column, ANY_TEXT)) for column in columns])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def verdict_target(db: Database) -> Database:
    """Claims and two reviewers, so that imported rows can match."""
    ingest_documents(db, [Document("claims.txt", "First claim here. Second claim there. Third one too.")])
    with db.transaction() as session:
        create_reviewer(session, "Ravi", None, actor=Actor.operator())
        create_reviewer(session, "Kim", None, actor=Actor.operator())
    return db


@FUZZ_WITH_DATABASE
@given(data=st.one_of(verdict_files(), st.binary(max_size=300)), create=st.booleans())
@example(data=b"claim_id,reviewer,verdict\n99999999999999999999999,Ravi,supported\n", create=False)
@example(data=b"claim_id,reviewer,verdict\n" + b"9" * 5000 + b",Ravi,supported\n", create=False)
def test_the_verdict_importer_on_random_files(verdict_target: Database, data: bytes, create: bool) -> None:
    try:
        report = import_verdicts(verdict_target, data, actor=Actor.operator(), create_reviewers=create, dry_run=True)
    except WorkbenchError as error:
        expect_clear_failure(error)
        return
    assert report.dry_run


ROW = st.fixed_dictionaries(
    {"table": st.sampled_from(["collection", "reviewer", "article", "claim", "verdict", "nope"]),
     "row": st.dictionaries(st.sampled_from(["id", "name", "label", "claim_id", "text", "role", "x"]),
                            st.one_of(CELL, st.integers(), st.booleans(), st.none()))}
)


@FUZZ_WITH_DATABASE
@given(
    with_header=st.booleans(),
    lines=st.lists(st.one_of(ANY_TEXT, st.builds(json.dumps, ROW), st.builds(json.dumps, st.dictionaries(st.text(CHARACTER, max_size=8), CELL))), max_size=5),
    end=st.booleans(),
)
def test_the_dump_loader_on_random_files(
    tmp_path_factory: pytest.TempPathFactory, with_header: bool, lines: list[str], end: bool
) -> None:
    folder = tmp_path_factory.mktemp("fuzzdump")
    target = Database(f"sqlite:///{folder / 'target.db'}")
    header = {"format": "workbench-dump", "format_version": 1, "alembic_revision": target.head_revision()}
    content = ([json.dumps(header)] if with_header else []) + lines + ([json.dumps({"end": True, "rows": {}})] if end else [])
    path = folder / "random.jsonl"
    path.write_text("\n".join(content), encoding="utf-8")
    try:
        load_dump(target, path)
    except WorkbenchError as error:
        expect_clear_failure(error)
    finally:
        target.dispose()

"""Ingest: every supported format, duplicates, and every kind of bad input writes nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from workbench import ingest as ingest_module
from workbench import reading
from workbench.db import Database
from workbench.ingest import (
    Document,
    InputError,
    ingest_documents,
    ingest_paths,
    read_path,
    read_upload,
)
from workbench.models import Article, Claim, Collection


def count(database: Database, model) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_seeds_import_with_exact_offsets(db: Database, seeds_dir: Path) -> None:
    report = ingest_paths(db, [seeds_dir], "Balenciaga")
    assert (report.added, report.duplicates, report.failed) == (5, 0, 0)
    with db.session() as session:
        articles = session.scalars(select(Article)).all()
        assert {a.collection.name for a in articles} == {"Balenciaga"}
        for article in articles:
            units = sorted(article.claims, key=lambda claim: claim.position)
            assert units, article.source
            assert all(unit.text == article.text[unit.start_char : unit.end_char] for unit in units)
            assert all(a.end_char <= b.start_char for a, b in zip(units, units[1:]))
        claims = session.scalar(select(func.count()).select_from(Claim).where(Claim.kind == "claim"))
    assert report.claims == claims > 40


def test_seed_dates_and_titles(db: Database, seeds_dir: Path) -> None:
    ingest_paths(db, [seeds_dir])
    with db.session() as session:
        by_file = {Path(a.source).name: a for a in session.scalars(select(Article))}
    assert by_file["000_61620f005caad597.txt"].published == date(2022, 11, 29)
    assert by_file["001_68c18a8236d82fe6.txt"].published == date(2022, 11, 28)
    assert by_file["001_68c18a8236d82fe6.txt"].title.startswith("Balenciaga Sues Production Company")
    assert by_file["002_4c0b4ffaa8ac48fb.txt"].published is None


def test_reimport_changes_nothing(db: Database, seeds_dir: Path) -> None:
    ingest_paths(db, [seeds_dir])
    before = count(db, Claim)
    report = ingest_paths(db, [seeds_dir])
    assert (report.added, report.duplicates, report.claims) == (0, 5, 0)
    assert all("already imported" in message for message in report.messages)
    assert count(db, Article) == 5 and count(db, Claim) == before


def test_same_text_twice_in_one_batch_is_one_article(db: Database) -> None:
    text = "The council met on Monday. It approved the budget."
    report = ingest_documents(db, [Document("a", text), Document("b", text)])
    assert (report.added, report.duplicates) == (1, 1)


def test_same_article_may_live_in_two_collections(db: Database) -> None:
    document = Document("a", "The council met on Monday. It approved the budget.")
    ingest_documents(db, [document], "one")
    ingest_documents(db, [document], "two")
    assert count(db, Article) == 2 and count(db, Collection) == 2


def test_a_collection_name_in_another_case_is_the_same_collection(db: Database) -> None:
    document = Document("a", "The council met on Monday. It approved the budget.")
    ingest_documents(db, [document], "News")
    report = ingest_documents(db, [document, Document("b", "The mayor resigned.")], " NEWS ")
    assert (report.added, report.duplicates) == (1, 1)
    with db.session() as session:
        assert session.scalars(select(Collection.name)).all() == ["News"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.txt", "Plain text. Two claims.", [("a.txt", "Plain text. Two claims.", None)]),
        ("a.md", "# The Headline\n\nSome **bold** claim with [a link](http://x.org).",
         [("a.md", "# The Headline\n\nSome bold claim with a link.", "The Headline")]),
        ("a.csv", "title,text,date\nHello,\"First, with comma.\n\nSecond para.\",2024-01-02\n",
         [("a.csv:2", "First, with comma.\n\nSecond para.", "Hello")]),
        ("a.jsonl", '{"text": "One."}\n\n{"body": "Two.", "title": "T"}\n',
         [("a.jsonl:1", "One.", None), ("a.jsonl:3", "Two.", "T")]),
    ],
)
def test_readers(name: str, content: str, expected: list[tuple[str, str, str | None]]) -> None:
    documents = read_upload(name, content.encode())
    assert [(d.source, d.text, d.title) for d in documents] == expected


def test_csv_date_is_parsed() -> None:
    (document,) = read_upload("a.csv", b"text,published\nA claim.,2022-11-29T10:00:00Z\n")
    assert document.published == date(2022, 11, 29)


def test_html_main_text_is_extracted() -> None:
    html = (
        "<html><head><title>Council approves budget</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Council approves budget</h1>"
        + "".join(f"<p>The council approved spending item number {i} on Monday after a long debate.</p>" for i in range(8))
        + "</article><footer>Copyright 2024</footer></body></html>"
    )
    (document,) = read_upload("page.html", html.encode())
    assert "spending item number 3" in document.text
    assert "Copyright" not in document.text
    assert document.title == "Council approves budget"
    assert document.published is None, "a copyright year is no publication date"


@pytest.mark.parametrize(
    ("head", "body", "published"),
    [
        ('<meta property="article:published_time" content="2022-11-29T10:00:00Z">', "", date(2022, 11, 29)),
        ("", '<time datetime="2021-05-04">May 4, 2021</time>', date(2021, 5, 4)),
    ],
)
def test_html_date_comes_from_the_markup(head: str, body: str, published: date) -> None:
    html = (
        f"<html><head><title>Vote</title>{head}</head><body><article>{body}"
        + "<p>The council voted to close the library on Friday after a long debate.</p>" * 6
        + "</article><footer>Copyright 2024</footer></body></html>"
    )
    (document,) = read_upload("page.html", html.encode())
    assert document.published == published


def test_utf16_with_bom_is_decoded() -> None:
    (document,) = read_upload("a.txt", "Caf\u00e9 owners protested.".encode("utf-16"))
    assert document.text == "Caf\u00e9 owners protested."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty.txt: the file is empty"),
        ("blank.txt", b"  \n\t\n ", "blank.txt: the file is empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary.txt: this looks like a binary file"),
        ("latin.txt", "Caf\u00e9 claims.".encode("latin-1"), "latin.txt: not UTF-8 text (byte 0xe9 on line 1)"),
        ("a.pdf", b"%PDF-1.4", "a.pdf: unsupported file type .pdf"),
        ("no_text.csv", b"title,url\nA,http://x\n", "no_text.csv: no text column"),
        ("empty_row.csv", b"text\nfine\n\"\"\nfine too\n", "empty_row.csv:3: the text is empty"),
        ("ragged.csv", b"text\nok\nok,extra\n", "ragged.csv:3: more cells than header columns"),
        ("bad_date.csv", b"text,date\nok,yesterday\n", "bad_date.csv:2: date 'yesterday' is not an ISO date"),
        ("header_only.csv", b"text\n", "header_only.csv: no rows below the header"),
        ("bad_url.csv", b"text,url\nok,http://[oops\n", "bad_url.csv:2: the URL must be an http:// or https:// link"),
        ("script_url.jsonl", b'{"text": "ok", "url": "javascript:alert(1)"}\n', "script_url.jsonl:1: the URL must be"),
        ("bad.jsonl", b'{"text": "ok"}\n{"text": \n', "bad.jsonl:2: not valid JSON"),
        ("list.jsonl", b'["text"]\n', "list.jsonl:1: each line must be a JSON object"),
        ("notext.jsonl", b'{"title": "x"}\n', "notext.jsonl:1: no text field"),
        ("number.jsonl", b'{"text": 5}\n', "number.jsonl:1: 'text' must be text, not a number"),
        ("unterminated.jsonl", b'{"text": "abc\n', "unterminated.jsonl:1: not valid JSON (Unterminated string starting at column 10)"),
        ("empty.html", b"<html><body></body></html>", "empty.html: no article text found"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    db: Database, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as raised:
        read_path(path)
    assert message in str(raised.value)
    report = ingest_paths(db, [path])
    assert report.failed == 1 and message in report.messages[0]
    assert count(db, Article) == 0 and count(db, Collection) == 0


def test_a_bad_row_refuses_the_whole_file_but_not_other_files(db: Database, tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("text\nGood row one.\n\"\"\nGood row three.\n")
    (tmp_path / "good.txt").write_text("A good article. With two claims.")
    report = ingest_paths(db, [tmp_path])
    assert (report.added, report.failed) == (1, 1)
    assert "bad.csv:3" in report.messages[0] and "nothing was read from this file" in report.messages[0]
    with db.session() as session:
        assert session.scalars(select(Article.source)).all() == ["good.txt"]


def test_missing_path_is_reported(db: Database, tmp_path: Path) -> None:
    report = ingest_paths(db, [tmp_path / "nope.txt"])
    assert report.failed == 1 and "no such file or folder" in report.messages[0]


def test_article_over_the_size_limit_is_refused(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_ARTICLE_CHARS", 50)
    with pytest.raises(InputError, match="the limit is 50"):
        read_upload("long.txt", ("A sentence that is long. " * 5).encode())


def test_folder_walk_skips_hidden_and_unsupported_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.pdf").write_text("x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.JSONL").write_text("x")
    found = list(ingest_module.expand_paths([tmp_path]))
    assert found == [tmp_path / "a.txt", tmp_path / "sub" / "d.JSONL"]


def test_jsonl_preserves_unicode_offsets(db: Database, tmp_path: Path) -> None:
    text = "Emoji 🎉 claims work. Zürich’s “council” agreed."
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    ingest_paths(db, [tmp_path / "a.jsonl"])
    with db.session() as session:
        article = session.scalars(select(Article)).one()
        assert article.text == text
        assert [c.text for c in article.claims] == ["Emoji 🎉 claims work.", "Zürich’s “council” agreed."]


STORY = "Officials said the new bridge over the river will cost 40 million euros and open in 2027."


@pytest.mark.parametrize(
    "saved_again",
    [STORY + "\n", STORY + "  \n\n\n", "\n" + STORY, STORY + " \t", "\ufeff" + STORY + "\r\n"],
    ids=["final newline", "trailing blank lines", "leading blank line", "trailing spaces", "BOM and CRLF"],
)
def test_a_file_saved_again_by_an_editor_is_the_same_article(db: Database, saved_again: str) -> None:
    from workbench.extract import load_pipeline
    from workbench.ingest import Document

    nlp = load_pipeline()
    ingest_documents(db, [Document(source="a.txt", text=STORY)], "news", nlp)
    report = ingest_documents(db, [Document(source="a.txt", text=saved_again)], "news", nlp)
    assert (report.added, report.duplicates) == (0, 1)


def test_the_same_words_composed_or_decomposed_are_the_same_article(db: Database) -> None:
    import unicodedata

    from workbench.extract import load_pipeline
    from workbench.ingest import Document

    text = "Café owners in Zürich said the rent rose 40 percent."
    nlp = load_pipeline()
    ingest_documents(db, [Document(source="nfc.txt", text=unicodedata.normalize("NFC", text))], "news", nlp)
    report = ingest_documents(db, [Document(source="nfd.txt", text=unicodedata.normalize("NFD", text))], "news", nlp)
    assert (report.added, report.duplicates) == (0, 1)


def test_an_import_stopped_while_matching_leaves_nothing_and_runs_again_whole(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the new claims are matched: the article is not stored without its matches."""
    from workbench.extract import load_pipeline
    from workbench.ingest import Document
    from workbench.matching import list_matches

    nlp = load_pipeline()
    ingest_documents(db, [Document(source="a.txt", text=f"Bridge\n\n{STORY}")], "news", nlp)

    def stopped(session, article_ids):
        raise KeyboardInterrupt

    second = [Document(source="b.txt", text=f"Bridge again\n\n{STORY} More later.")]
    with monkeypatch.context() as patched:
        patched.setattr(ingest_module, "match_articles", stopped)
        with pytest.raises(KeyboardInterrupt):
            ingest_documents(db, second, "news", nlp)
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1
    report = ingest_documents(db, second, "news", nlp)
    assert (report.added, report.duplicates) == (1, 0)
    with db.read_session() as session:
        [match] = list_matches(session, "news")
        assert match.tier == "linked"


def test_an_article_an_older_version_stored_without_matching_is_matched_when_imported_again(db: Database) -> None:
    """Older versions stored and matched in two transactions; a stop between them left an article
    with no matches. Importing the same file again repairs it."""
    from sqlalchemy import delete

    from workbench.extract import load_pipeline
    from workbench.ingest import Document
    from workbench.matching import list_matches
    from workbench.models import ClaimMatch, MatchTerm

    nlp = load_pipeline()
    ingest_documents(db, [Document(source="a.txt", text=f"Bridge\n\n{STORY}")], "news", nlp)
    second = [Document(source="b.txt", text=f"Bridge again\n\n{STORY} More later.")]
    [stopped] = ingest_documents(db, second, "news", nlp).article_ids
    with db.transaction() as session:
        claims = select(Claim.id).where(Claim.article_id == stopped)
        session.execute(delete(ClaimMatch))
        session.execute(delete(MatchTerm).where(MatchTerm.claim_id.in_(claims)))
    report = ingest_documents(db, second, "news", nlp)
    assert (report.added, report.duplicates) == (0, 1)
    with db.read_session() as session:
        [match] = list_matches(session, "news")
        assert match.tier == "linked"
        assert session.scalar(select(func.count()).select_from(MatchTerm).where(MatchTerm.claim_id.in_(claims))) > 0


@pytest.mark.postgres
def test_two_imports_of_the_same_files_at_once_on_postgresql_skip_each_other_s_articles(postgres_db: Database) -> None:
    import threading

    from workbench.extract import load_pipeline
    from workbench.ingest import Document

    nlp = load_pipeline()
    documents = [Document(source=f"{n}.txt", text=f"Story {n}\n\nThe council met {n} times this year.") for n in range(30)]
    ingest_documents(postgres_db, documents[:1], "news", nlp)  # the collection exists, as in a running newsroom
    reports, errors = [], []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        try:
            reports.append(ingest_documents(postgres_db, documents, "news", nlp))
        except Exception as error:  # noqa: BLE001 (the test reports it)
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(report.added for report in reports) == [0, 29]
    with postgres_db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 30


@pytest.mark.postgres
@pytest.mark.parametrize("collection_exists", [True, False], ids=["existing collection", "new collection"])
def test_two_imports_of_related_articles_at_once_on_postgresql_match_each_other(
    postgres_db: Database, collection_exists: bool
) -> None:
    """Each import matches against the other's claims (it waits for the other to commit), and two
    imports creating the same collection at once both land in it."""
    import threading

    from workbench.extract import load_pipeline
    from workbench.ingest import Document
    from workbench.matching import list_matches

    nlp = load_pipeline()
    if collection_exists:
        ingest_documents(postgres_db, [Document(source="old.txt", text="Old\n\nThe mayor opened a library.")], "news", nlp)
    documents = [Document(source=f"{n}.txt", text=f"Report {n}\n\n{STORY}" + " Developing." * n) for n in (1, 2)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(document: Document) -> None:
        start.wait()
        try:
            ingest_documents(postgres_db, [document], "news", nlp)
        except Exception as error:  # noqa: BLE001 (the test reports it)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(document,)) for document in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for document in documents:  # the same two, one after the other
        ingest_documents(postgres_db, [document], "control", nlp)
    with postgres_db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Collection)) == 2
        tiers = sorted(match.tier for match in list_matches(session, "news"))
        assert "linked" in tiers and tiers == sorted(match.tier for match in list_matches(session, "control"))


@pytest.mark.postgres
def test_an_import_in_progress_does_not_hold_up_assigning_its_collection(
    postgres_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import's lock on its collection row keeps other imports out, not rows that refer to it."""
    import threading

    from sqlalchemy import text

    from workbench.access import Actor
    from workbench.auth import create_reviewer
    from workbench.extract import load_pipeline
    from workbench.ingest import Document
    from workbench.models import Assignment

    nlp = load_pipeline()
    ingest_documents(postgres_db, [Document(source="a.txt", text="A\n\nThe council met twice.")], "news", nlp)
    with postgres_db.transaction() as session:
        rita = create_reviewer(session, "rita", None, "reviewer", actor=Actor.operator())
        collection_id = session.scalar(select(Collection.id))
    inside, release = threading.Event(), threading.Event()
    real = ingest_module.store_article_signals

    def paused(*args, **kwargs):
        inside.set()
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest_module, "store_article_signals", paused)
    importing = threading.Thread(
        target=ingest_documents, args=(postgres_db, [Document(source="b.txt", text="B\n\nThe council met again.")], "news", nlp)
    )
    importing.start()
    try:
        assert inside.wait(30)
        with postgres_db.transaction() as session:
            session.execute(text("SET LOCAL lock_timeout = '3s'"))
            session.add(Assignment(collection_id=collection_id, reviewer_id=rita.id))
    finally:
        release.set()
        importing.join()
    assert count(postgres_db, Article) == 2

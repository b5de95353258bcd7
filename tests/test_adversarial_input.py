"""Issue 15: input that used to hang or crash ingest and split, in small versions.

The full-size versions (up to the 1,000,000-character limit) are timed by hand with
``benchmarks/bench_adversarial.py``; here each case must give the right result.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.db import Database
from workbench.extract import extract
from workbench.ingest import ingest_paths
from workbench.markdown import markdown_text
from workbench.models import Article, Claim
from workbench.nlp.sentences import _TERMINAL, sentence_start_offsets
from workbench.reading import InputError, read_path, read_upload


def assert_exact(text: str) -> list:
    extraction = extract(text)
    assert all(unit.text == extraction.text[unit.start : unit.end] for unit in extraction.units)
    return extraction.units


@pytest.mark.parametrize(
    "text",
    [
        "." * 5000,
        "!" * 5000,
        "?" * 5000,
        '"' * 5000,
        "! " * 2000,
        " ." * 2000,
        "Mr. " * 2000,
        "A. " * 2000,
        "at 5 a.m. It " * 500,
        "x: 1. A " * 800,
        "x: " + " ".join(f"{i % 999 + 1}. A" for i in range(800)),
        "By John Smith, and" + " " * 3000 + "x.y",
        "a. [1] " * 800,
        "a. " + "[1," * 2000,
        "Aa " + "b" * 3000 + "\n" + "c.\n" * 1000,
    ],
    ids=lambda text: repr(text[:12]),
)
def test_runs_of_punctuation_split_with_exact_offsets(text: str) -> None:
    assert_exact(text)


def test_repeated_lines_are_read_once_and_classified_where_they_stand() -> None:
    """The many-line inputs (``a\\n`` × 500,000): a line's own features are worked out once per
    distinct text, but its kind still depends on where it stands."""
    assert [(u.text, u.start, u.kind, u.paragraph) for u in assert_exact("a\n" * 3)] == [
        ("a", 0, "claim", 0), ("a", 2, "claim", 1), ("a", 4, "claim", 2),
    ]
    assert [u.kind for u in assert_exact("Dear a\n" * 3)] == ["title", "boilerplate", "boilerplate"]
    text = "Jane Doe\nIt rose. It fell.\nAdvertisement\nIt rose. It fell.\nAdvertisement\nJane Doe"
    assert [(u.text, u.kind, u.paragraph) for u in assert_exact(text)] == [
        ("Jane Doe", "title", 0),
        ("It rose.", "claim", 1), ("It fell.", "claim", 1),
        ("Advertisement", "boilerplate", 2),
        ("It rose.", "claim", 3), ("It fell.", "claim", 3),
        ("Advertisement", "boilerplate", 4),
        ("Jane Doe", "boilerplate", 5),
    ]


def test_a_run_of_terminal_punctuation_is_one_candidate_boundary() -> None:
    """A match may start only at the start of a run, so a run is read once, not once per character."""
    assert [m.span() for m in _TERMINAL.finditer("!" * 1000)] == []
    assert [m["term"] for m in _TERMINAL.finditer("Wait!!! Now?! Yes... Go. . . . On")] == [
        "!!!", "?!", "...", ". . . .",
    ]


def test_punctuation_runs_still_end_sentences() -> None:
    text = "It works!!!! Does it??? Yes."
    assert sentence_start_offsets(text) == [text.index("Does"), text.index("Yes")]


def test_emphasis_pairs_are_dropped_and_unpaired_marks_stay() -> None:
    assert markdown_text("Some **bold** and *soft* and `code` and __strong__ text")[0] == (
        "Some bold and soft and code and strong text"
    )
    assert markdown_text("*a *a *a")[0] == "*a *a *a"
    assert markdown_text("5 * 3 = 15 and snake_case_name stay")[0] == "5 * 3 = 15 and snake_case_name stay"


@pytest.mark.parametrize(
    ("markdown", "expected_text", "expected_title"),
    [
        ("A [link](javascript:alert(1)) here", "A link here", None),
        ("See ![img](http://x.org/a.png) the chart.", "See  the chart.", None),
        ("# The *bold* headline\nBody text.", "# The bold headline\n\nBody text.", "The bold headline"),
        ("# Hello <script>alert(1)</script>world\nBody.", "# Hello world\n\nBody.", "Hello world"),
        ("Text <script>\nvar a = 1;\n</script> after.", "Text  after.", None),
        ("## Section ##\nBody.", "## Section\n\nBody.", "Section"),
        ("Keep [brackets] and (parens).", "Keep [brackets] and (parens).", None),
        ("A [link](http://x.org/a_(b)) and *more*.", "A link and more.", None),
        ("Unclosed <!-- comment", "Unclosed", None),
        ("Met on Tuesday.<br>It voted.", "Met on Tuesday.\nIt voted.", None),
        ("<p>It costs $4 million.</p><p>Critics disagreed.</p>", "It costs $4 million.\n\n\n\nCritics disagreed.", None),
        ("A <b>bold</b> word and <span class='x'>a span</span>.", "A bold word and a span.", None),
        ("Council approves budget\n=====\n\nIt passed.", "# Council approves budget\n\nIt passed.", "Council approves budget"),
        ("A sentence wrapped\nover two lines.", "A sentence wrapped over two lines.", None),
        ("* Schools rose 3 percent.\n* Roads got $1 million.", "Schools rose 3 percent.\n\nRoads got $1 million.", None),
        ('> "We kept it," the mayor said.', '"We kept it," the mayor said.', None),
        ("| Month | CPI |\n|---|---|\n| Jan | 2.9% |", "| Month | CPI |\n\n| Jan | 2.9% |", None),
        ("It fell.[^1]\n\n[^1]: Office for National Statistics.", "It fell.", None),
        ("See the [budget][1].\n\n[1]: https://example.org/budget", "See the budget.", None),
        ("Before.\n\n```\nprint(1)\n```\n\nAfter.", "Before.\n\nAfter.", None),
        ("Fish &amp; chips \\*not emphasis\\*.", "Fish & chips *not emphasis*.", None),
    ],
)
def test_markdown_conversion(markdown: str, expected_text: str, expected_title: str | None) -> None:
    assert markdown_text(markdown) == (expected_text, expected_title)


@pytest.mark.parametrize(
    "markdown",
    ["*a " * 3000, "**a " * 3000, "_a " * 3000, "[a](" * 3000, "[" * 5000, "](" * 3000,
     "[a](b(" * 2000, "![a](" * 2000, "<script>" * 2000, "<a " * 3000, "<!--" * 2000, "`a " * 3000],
    ids=lambda text: repr(text[:8]),
)
def test_adversarial_markdown_converts(markdown: str) -> None:
    text, _title = markdown_text(markdown + "\nA sentence.")
    assert len(text) <= len(markdown) + 12
    unclosed = markdown.startswith(("<script>", "<!--"))  # hides the rest of the file, as a browser would
    assert text.endswith("A sentence.") != unclosed


def test_deeply_nested_jsonl_is_refused_with_a_message() -> None:
    with pytest.raises(InputError, match=r"deep.jsonl:1: the JSON is nested too deeply"):
        read_upload("deep.jsonl", ("[" * 100_000 + "]" * 100_000).encode())


@pytest.mark.parametrize("field", ["text", "title", "url"])
def test_lone_surrogate_is_refused_in_any_field(field: str) -> None:
    record = {"text": "A claim.", field: "bad \ud800 char"}
    line = json.dumps(record)  # ensure_ascii writes it as "\ud800", which json.loads accepts
    with pytest.raises(InputError, match=r"s.jsonl:1: .*lone surrogate, U\+D800"):
        read_upload("s.jsonl", line.encode())


def test_json_lines_split_on_line_feeds_only() -> None:
    text = "First line\u2028second line. Next.\u2029Third."
    data = (json.dumps({"text": text}, ensure_ascii=False) + "\n").encode()
    (document,) = read_upload("u.jsonl", data)
    assert document.text == text


def test_csv_cell_may_hold_a_whole_article() -> None:
    body = "A sentence. " * 20_000  # 240,000 characters, over csv's default 131,072
    (document,) = read_upload("big.csv", f'text\n"{body}"\n'.encode())
    assert document.text == body


def test_csv_unterminated_quote_is_refused_with_its_line() -> None:
    with pytest.raises(InputError, match=r"open.csv:3: a quote \(\"\) opened in this row is never closed"):
        read_upload("open.csv", b'text\nFine row.\n"Never closed, and\nmore text\n')


def test_csv_header_with_a_column_twice_is_refused() -> None:
    with pytest.raises(InputError, match=r"twice.csv:1: the header names the column 'text' twice"):
        read_upload("twice.csv", b"text,title,Text\nOne.,T,Two.\n")


def test_titles_lose_control_characters_and_line_breaks() -> None:
    (document,) = read_upload("t.jsonl", json.dumps({"text": "A.", "title": "A\u0000 b\nc\u2028d"}).encode())
    assert document.title == "A b c d"


def test_sources_are_file_names_not_server_paths(db: Database, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "story.txt").write_text("The council met. It agreed.")
    (document,) = read_path(tmp_path / "sub" / "story.txt")
    assert document.source == "story.txt"
    ingest_paths(db, [tmp_path])
    with db.session() as session:
        assert session.scalars(select(Article.source)).all() == ["story.txt"]


def test_bad_files_are_reported_and_the_rest_imported(db: Database, tmp_path: Path) -> None:
    (tmp_path / "a_deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n")
    (tmp_path / "b_surrogate.jsonl").write_text('{"text": "ok", "title": "\\ud800"}\n')
    (tmp_path / "c_open.csv").write_text('text\n"never closed\n')
    (tmp_path / "d_good.txt").write_text("A good article. With two claims.")
    report = ingest_paths(db, [tmp_path])
    assert (report.added, report.failed, report.claims) == (1, 3, 2)
    assert [message.split(":")[0] for message in report.messages] == [
        "a_deep.jsonl", "b_surrogate.jsonl", "c_open.csv",
    ]
    with db.session() as session:
        assert session.scalars(select(Article.source)).all() == ["d_good.txt"]
        assert len(session.scalars(select(Claim)).all()) == 2


def test_markdown_too_long_to_hold_an_article_is_refused_unread() -> None:
    from workbench.reading import MAX_MARKDOWN_CHARS

    with pytest.raises(InputError, match=r"big.md: the file has 2,000,001 characters; Markdown is read up to 2,000,000"):
        read_upload("big.md", b"[" * (MAX_MARKDOWN_CHARS + 1))

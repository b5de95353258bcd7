"""Verdict exports: every layout and format, filters, streaming, files, and the CLI."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from builders import (
    TRICKY_NOTES,
    decide,
    export_json,
    export_rows,
    export_text,
    give,
    newsroom,
)
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from workbench.cli import main as cli
from workbench.db import Database
from workbench.errors import WorkbenchError
from workbench.export import (
    count_export_rows,
    default_file_name,
    export_to_path,
    iter_export_chunks,
    majority_label,
    reviewers_agreed,
)
from workbench.export_columns import (
    CLAIM_COLUMNS,
    FINAL_COLUMNS,
    FORMULA_TRIGGERS,
    LONG_COLUMNS,
    MATCH_GROUP_COLUMN,
    TRIAGE_COLUMNS,
    WIDE_SUMMARY_COLUMNS,
    cell_encoder,
    guard_formula,
    unguard_formula,
)
from workbench.export_options import (
    DEFAULT_RATINGS,
    ClaimReviewSettings,
    ExportError,
    ExportFilters,
    ExportOptions,
    Rating,
    parse_rating_map,
    parse_since,
)
from workbench.export_queries import export_choices
from workbench.models import Article, Claim, FinalVerdict, Verdict
from workbench.output import OutputError

DOCS = Path(__file__).resolve().parent.parent / "README.md"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


# --- long ----------------------------------------------------------------------------------------


def test_long_has_one_row_per_verdict_with_documented_columns(db: Database) -> None:
    room = newsroom(db)
    alice, bob = room.reviewers["alice"], room.reviewers["bob"]
    first, second, _ = room.claims["bridge"]
    give(
        db,
        alice,
        first,
        "supported",
        "Checked the archive.",
        ["https://archive.example/1932", "https://b.example/x|y"],
    )
    give(db, bob, first, "disputed")
    give(db, bob, second, "editorial_framing", "Counts vary.")
    text = export_text(db)
    assert text.startswith(",".join([*LONG_COLUMNS, MATCH_GROUP_COLUMN]) + "\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(int(r["claim_id"]), r["reviewer"], r["verdict"]) for r in rows] == [
        (first, "alice", "supported"),
        (first, "bob", "disputed"),
        (second, "bob", "editorial_framing"),
    ]
    with db.session() as session:
        claim = session.get(Claim, first)
        article = session.get(Article, room.articles["bridge"])
        verdict = session.scalar(
            select(Verdict).where(Verdict.claim_id == first, Verdict.reviewer_id == alice.id)
        )
        row = rows[0]
        assert (
            row["claim_text"]
            == claim.text
            == article.text[int(row["start_char"]) : int(row["end_char"])]
        )
        assert (int(row["claim_position"]), int(row["article_id"]), row["collection"]) == (
            claim.position,
            article.id,
            "City",
        )
        assert row["article_title"] == "'=Bridge story"
        assert row["evidence"] == "https://archive.example/1932\nhttps://b.example/x|y"
        assert row["note"] == "Checked the archive."
        assert row["created_at"] == verdict.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert all(ISO_UTC.match(r["created_at"]) and ISO_UTC.match(r["updated_at"]) for r in rows)
    assert rows[1]["note"] == rows[1]["evidence"] == ""


def test_long_leaves_out_units_that_are_no_longer_claims(db: Database) -> None:
    room = newsroom(db)
    first, second, _ = room.claims["bridge"]
    give(db, room.reviewers["alice"], first, "supported")
    give(db, room.reviewers["alice"], second, "supported")
    with db.transaction() as session:
        session.execute(update(Claim).where(Claim.id == second).values(kind="boilerplate"))
    assert [int(r["claim_id"]) for r in export_rows(db)] == [first]
    assert count_export_rows(db, ExportOptions()) == 1


def documented_pandas_recipe() -> str:
    """The pandas snippet of the README, so the documentation is what is tested."""
    text = DOCS.read_text(encoding="utf-8")
    return re.search(r"```python\n(import pandas as pd\n.*?)```", text, re.S).group(1)


@pytest.mark.parametrize("note", TRICKY_NOTES)
def test_csv_round_trips_through_pandas(db: Database, tmp_path: Path, note: str) -> None:
    room = newsroom(db)
    claim = room.claims["budget"][0]
    give(
        db,
        room.reviewers["alice"],
        claim,
        "disputed",
        note,
        ["https://a.example/?q=1,2", "https://b.example/=x"],
    )
    give(db, room.reviewers["bob"], claim, "supported", "")
    with db.session() as session:
        stored = session.scalar(
            select(Verdict.note).where(Verdict.reviewer_id == room.reviewers["alice"].id)
        )
    assert stored == note.strip()
    recipe = documented_pandas_recipe()
    unguard = re.search(r"# Undo the formula guard.*?\n(?=df\[\"evidence\"\])", recipe, re.S).group(
        0
    )
    for guard, code in ((True, recipe), (False, recipe.replace(unguard, ""))):
        path = export_to_path(
            db, ExportOptions(formula_guard=guard), tmp_path / f"long-{guard}.csv"
        ).path
        namespace: dict = {"path": path}
        exec(code, namespace)
        frame = namespace["df"]
        assert list(frame["note"]) == [stored, ""]
        assert list(frame["evidence"]) == [["https://a.example/?q=1,2", "https://b.example/=x"], []]
        assert list(frame["claim_id"]) == [claim, claim] and frame["claim_id"].dtype == "int64"
        assert list(frame["reviewer"]) == ["alice", "bob"]
        assert frame["article_title"][0] == 'Budget, "explained"'
        assert str(frame["created_at"].dt.tz) == "UTC"
        assert frame["guideline_version"].isna().all()


def test_plain_read_csv_gives_typed_columns(db: Database, tmp_path: Path) -> None:
    room = newsroom(db)
    for claim in room.claims["bridge"]:
        give(db, room.reviewers["carol"], claim, "supported", 'multi\nline, "quoted" 🎉')
    path = export_to_path(db, ExportOptions(), tmp_path / "x.csv").path
    frame = pd.read_csv(path, parse_dates=["created_at", "updated_at"])
    assert len(frame) == 3
    assert frame["start_char"].dtype == "int64" and frame["end_char"].dtype == "int64"
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert set(frame["note"]) == {'multi\nline, "quoted" 🎉'}


def test_long_export_feeds_the_agreement_reader(db: Database, tmp_path: Path) -> None:
    from workbench.agreement_data import read_ratings_csv

    room = newsroom(db)
    for name, label in (("alice", "supported"), ("bob", "disputed"), ("carol", "supported")):
        give(
            db, room.reviewers[name], room.claims["match"][0], label, "=not a formula\nsecond line"
        )
    path = export_to_path(db, ExportOptions(), tmp_path / "long.csv").path
    table = read_ratings_csv(path)
    assert sorted(table.raters) == ["alice", "bob", "carol"]
    assert list(table.unit_ids) == [room.claims["match"][0]]
    assert sorted(table.labels[code] for code in table.value_codes) == [
        "disputed",
        "supported",
        "supported",
    ]


# --- formula guard ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("'=1+1", "''=1+1"),
        ("''-x", "'''-x"),
        ("'Tis", "'Tis"),
        ("'", "'"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formula_guard_is_exactly_reversible(text: str, written: str) -> None:
    assert guard_formula(text) == written
    assert unguard_formula(written) == text


@given(st.text())
def test_formula_guard_round_trips_any_text(text: str) -> None:
    guarded = guard_formula(text)
    assert unguard_formula(guarded) == text
    assert not guarded or guarded[0] not in FORMULA_TRIGGERS


@given(st.text(alphabet="'=+-@\t\rab", max_size=6))
def test_formula_guard_round_trips_quote_heavy_text(text: str) -> None:
    assert unguard_formula(guard_formula(text)) == text


@pytest.mark.parametrize(
    ("kind", "value", "cell"),
    [
        ("text", None, ""),
        ("boolean", None, ""),
        ("boolean", True, "true"),
        ("boolean", False, "false"),
        ("integer", 42, "42"),
        ("integer", None, ""),
        (
            "time (UTC)",
            datetime(2024, 5, 1, 14, 30, 5, 999, tzinfo=timezone(timedelta(hours=2))),
            "2024-05-01T12:30:05Z",
        ),
        (
            "time (UTC)",
            datetime(2024, 5, 1, 14, 30, 5, tzinfo=timezone.utc),
            "2024-05-01T14:30:05Z",
        ),
        ("date", date(2024, 5, 1), "2024-05-01"),
        (
            "URLs",
            ["https://a.example", "https://b.example"],
            "https://a.example\nhttps://b.example",
        ),
        ("URLs", [], ""),
        ("text", "=x", "'=x"),
        ("text", "'x", "'x"),
        ("label", "supported", "supported"),
    ],
)
def test_cell_encoders(kind: str, value, cell: str) -> None:
    assert cell_encoder(kind, formula_guard=True)(value) == cell
    if kind == "text" and value:
        assert cell_encoder(kind, formula_guard=False)(value) == value


def test_every_exported_cell_is_guarded_and_the_option_turns_it_off(db: Database) -> None:
    room = newsroom(db)
    give(db, room.reviewers["alice"], room.claims["bridge"][0], "disputed", "@cmd|' /C calc'!A0")
    decide(db, room.lead, room.claims["bridge"][0], "disputed", "-rationale")
    for layout in ("long", "wide", "final"):
        cells = [
            cell
            for row in csv.reader(io.StringIO(export_text(db, layout=layout), newline=""))
            for cell in row
        ]
        assert not [cell for cell in cells if cell and cell[0] in FORMULA_TRIGGERS], layout
        raw = [
            cell
            for row in csv.reader(
                io.StringIO(export_text(db, layout=layout, formula_guard=False), newline="")
            )
            for cell in row
        ]
        assert "=Bridge story" in raw, layout


# --- wide --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "majority", "agreed"),
    [
        ([], None, None),
        (["supported"], "supported", None),
        (["supported", "supported"], "supported", True),
        (["supported", "disputed"], None, False),
        (["disputed", "supported", "disputed"], "disputed", False),
        (["editorial_framing"] * 3, "editorial_framing", True),
        (["supported", "disputed", "editorial_framing"], None, False),
    ],
)
def test_majority_and_agreement(
    labels: list[str], majority: str | None, agreed: bool | None
) -> None:
    assert majority_label(labels) == majority
    assert reviewers_agreed(labels) == agreed


def test_wide_has_every_claim_and_a_column_per_reviewer(db: Database) -> None:
    room = newsroom(db)
    a, b, c = room.claims["bridge"]
    give(db, room.reviewers["alice"], a, "supported")
    give(db, room.reviewers["bob"], a, "supported")
    give(db, room.reviewers["bob"], b, "disputed")
    give(db, room.reviewers["carol"], b, "supported")
    decide(db, room.lead, b, "disputed", "The record says so.")
    text = export_text(db, layout="wide")
    header = next(csv.reader(io.StringIO(text)))
    assert header == [
        *CLAIM_COLUMNS,
        "verdict:alice",
        "verdict:bob",
        "verdict:carol",
        *WIDE_SUMMARY_COLUMNS,
        *TRIAGE_COLUMNS,
        MATCH_GROUP_COLUMN,
    ]
    rows = {int(r["claim_id"]): r for r in csv.DictReader(io.StringIO(text, newline=""))}
    all_claims = [claim for claims in room.claims.values() for claim in claims]
    assert list(rows) == all_claims
    assert (rows[a]["verdict:alice"], rows[a]["verdict:bob"], rows[a]["verdict:carol"]) == (
        "supported",
        "supported",
        "",
    )
    assert (
        rows[a]["n_verdicts"],
        rows[a]["majority"],
        rows[a]["agreed"],
        rows[a]["final_verdict"],
    ) == ("2", "supported", "true", "")
    assert (
        rows[b]["n_verdicts"],
        rows[b]["majority"],
        rows[b]["agreed"],
        rows[b]["final_verdict"],
    ) == ("2", "", "false", "disputed")
    assert (rows[c]["n_verdicts"], rows[c]["majority"], rows[c]["agreed"]) == ("0", "", "")
    assert count_export_rows(db, ExportOptions(layout="wide")) == len(all_claims)


def test_wide_with_chosen_reviewers_counts_only_them(db: Database) -> None:
    room = newsroom(db)
    a = room.claims["match"][0]
    give(db, room.reviewers["alice"], a, "supported")
    give(db, room.reviewers["bob"], a, "disputed")
    give(db, room.reviewers["carol"], a, "disputed")
    rows = export_rows(db, layout="wide", filters=ExportFilters(reviewers=("ALICE", "bob")))
    assert [c for c in rows[0] if c.startswith("verdict:")] == ["verdict:alice", "verdict:bob"]
    row = next(r for r in rows if int(r["claim_id"]) == a)
    assert (row["n_verdicts"], row["majority"], row["agreed"]) == ("2", "", "false")


def test_wide_jsonl_is_typed(db: Database) -> None:
    room = newsroom(db)
    a = room.claims["match"][1]
    give(db, room.reviewers["alice"], a, "supported")
    give(db, room.reviewers["bob"], a, "supported")
    records = {r["claim_id"]: r for r in export_json(db, format="jsonl", layout="wide")}
    assert (
        records[a]["agreed"] is True
        and records[a]["n_verdicts"] == 2
        and records[a]["verdict:alice"] == "supported"
    )
    assert "verdict:carol" not in records[a]  # carol gave no verdict in scope: no column
    assert records[room.claims["match"][0]]["verdict:bob"] is None
    assert records[room.claims["match"][0]]["agreed"] is None


# --- final and ClaimReview ---------------------------------------------------------------------------


def test_final_has_adjudicated_claims_only_with_rationale(db: Database) -> None:
    room = newsroom(db)
    a, b, _ = room.claims["bridge"]
    give(db, room.reviewers["alice"], a, "supported")
    decide(db, room.lead, b, "editorial_framing", "Framing, line one\nline two")
    text = export_text(db, layout="final")
    assert next(csv.reader(io.StringIO(text))) == [*FINAL_COLUMNS, MATCH_GROUP_COLUMN]
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 1
    row = rows[0]
    assert (int(row["claim_id"]), row["final_verdict"], row["rationale"], row["decided_by"]) == (
        b,
        "editorial_framing",
        "Framing, line one\nline two",
        "Lead Lee",
    )
    assert (row["article_url"], row["article_published"]) == (
        "https://news.example/bridge",
        "2024-03-01",
    )
    assert ISO_UTC.match(row["decided_at"])


def test_claimreview_follows_schema_org(db: Database) -> None:
    room = newsroom(db)
    a = room.claims["bridge"][0]
    m = room.claims["match"][0]
    decide(db, room.lead, a, "disputed", "internal reasoning")
    decide(db, room.lead, m, "supported")
    settings = ClaimReviewSettings(
        organisation="Example Checks", review_url="https://checks.example/{article_id}/{claim_id}"
    )
    reviews = export_json(db, format="claimreview", layout="final", claimreview=settings)
    assert len(reviews) == 2
    review = reviews[0]
    with db.session() as session:
        claim_text = session.get(Claim, a).text
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["url"] == f"https://checks.example/{room.articles['bridge']}/{a}"
    assert review["claimReviewed"] == claim_text
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "False"}
    assert review["author"] == {"@type": "Organization", "name": "Example Checks"}
    assert review["itemReviewed"] == {
        "@type": "Claim",
        "datePublished": "2024-03-01",
        "appearance": {
            "@type": "CreativeWork",
            "headline": "=Bridge story",
            "url": "https://news.example/bridge",
            "datePublished": "2024-03-01",
        },
    }
    assert re.match(r"^\d{4}-\d\d-\d\d$", review["datePublished"])
    assert "internal reasoning" not in json.dumps(reviews)
    assert reviews[1]["reviewRating"]["alternateName"] == "True"
    assert "url" not in reviews[1]["itemReviewed"]["appearance"]


def test_claimreview_rating_map_is_configurable(db: Database, tmp_path: Path) -> None:
    room = newsroom(db)
    decide(db, room.lead, room.claims["budget"][0], "editorial_framing")
    mapping = tmp_path / "ratings.json"
    mapping.write_text(
        json.dumps(
            {
                "editorial_framing": {
                    "alternateName": "Needs context",
                    "ratingValue": 3,
                    "bestRating": 5,
                    "worstRating": 1,
                }
            }
        )
    )
    settings = ClaimReviewSettings(ratings=parse_rating_map(str(mapping)))
    (review,) = export_json(db, format="claimreview", layout="final", claimreview=settings)
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Needs context",
        "ratingValue": 3,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert review["author"]["name"] == "Workbench"
    assert "url" not in review


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("supported=Accurate", {**DEFAULT_RATINGS, "supported": Rating("Accurate")}),
        (
            "supported=Yes, disputed = No ,editorial_framing=Spin",
            {
                "supported": Rating("Yes"),
                "disputed": Rating("No"),
                "editorial_framing": Rating("Spin"),
            },
        ),
    ],
)
def test_rating_map_pairs(text: str, expected: dict[str, Rating]) -> None:
    assert parse_rating_map(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("true=Yes", "not a label"),
        ("supported", "label=Name"),
        ("supported=", "non-empty name"),
        ("missing-file.json", "Cannot read"),
    ],
)
def test_rating_map_errors(text: str, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        parse_rating_map(text)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "JSON object"),
        ("{not json", "not valid JSON"),
        ('{"disputed": {"alternateName": "False", "ratingValue": "one"}}', "whole number"),
    ],
)
def test_rating_map_file_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "map.json"
    path.write_text(content)
    with pytest.raises(ExportError, match=message):
        parse_rating_map(str(path))


# --- filters --------------------------------------------------------------------------------------


def test_filters_narrow_every_layout(db: Database) -> None:
    room = newsroom(db)
    alice, bob = room.reviewers["alice"], room.reviewers["bob"]
    give(db, alice, room.claims["bridge"][0], "supported")
    give(db, bob, room.claims["budget"][0], "disputed")
    give(db, alice, room.claims["match"][0], "disputed")
    decide(db, room.lead, room.claims["match"][0], "disputed")

    def long_ids(**filters) -> list[int]:
        return [int(r["claim_id"]) for r in export_rows(db, filters=ExportFilters(**filters))]

    assert long_ids(article_ids=(room.articles["budget"],)) == [room.claims["budget"][0]]
    assert long_ids(reviewers=("alice",)) == [room.claims["bridge"][0], room.claims["match"][0]]
    assert long_ids(collections=("Sport",)) == [room.claims["match"][0]]
    assert long_ids(collections=("City",), reviewers=("alice",)) == [room.claims["bridge"][0]]
    wide = export_rows(db, layout="wide", filters=ExportFilters(collections=("Sport",)))
    assert [int(r["claim_id"]) for r in wide] == room.claims["match"]
    assert export_rows(db, layout="final", filters=ExportFilters(collections=("City",))) == []
    assert count_export_rows(db, ExportOptions(filters=ExportFilters(reviewers=("alice",)))) == 2


def test_since_keeps_recent_changes(db: Database) -> None:
    room = newsroom(db)
    old, recent = room.claims["bridge"][0], room.claims["bridge"][1]
    give(db, room.reviewers["alice"], old, "supported")
    give(db, room.reviewers["alice"], recent, "supported")
    decide(db, room.lead, old, "supported")
    long_ago = datetime(2020, 1, 1, tzinfo=timezone.utc)
    with db.transaction() as session:
        session.execute(
            update(Verdict)
            .where(Verdict.claim_id == old)
            .values(updated_at=long_ago, created_at=long_ago)
        )
        session.execute(update(FinalVerdict).values(updated_at=long_ago, created_at=long_ago))
    since = ExportFilters(since=parse_since("2021-06-01"))
    assert [int(r["claim_id"]) for r in export_rows(db, filters=since)] == [recent]
    assert [int(r["claim_id"]) for r in export_rows(db, layout="wide", filters=since)] == [recent]
    assert export_rows(db, layout="final", filters=since) == []
    # The final verdict is from 2020-01-01T00:00Z: an hour later in UTC+02:00 and two hours earlier in UTC-02:00.
    assert (
        len(
            export_rows(
                db,
                layout="final",
                filters=ExportFilters(since=parse_since("2020-01-01T01:00:00+02:00")),
            )
        )
        == 1
    )
    assert (
        export_rows(
            db,
            layout="final",
            filters=ExportFilters(since=parse_since("2019-12-31T23:00:00-02:00")),
        )
        == []
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=timezone.utc)),
        ("2024-05-01T10:00", datetime(2024, 5, 1, 10, tzinfo=timezone.utc)),
        ("2024-05-01T10:00:00+02:00", datetime(2024, 5, 1, 8, tzinfo=timezone.utc)),
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=timezone.utc)),
    ],
)
def test_parse_since(text: str, expected: datetime) -> None:
    assert parse_since(text) == expected


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ExportOptions(filters=ExportFilters(reviewers=("nobody",))),
            "No reviewer called 'nobody'",
        ),
        (
            ExportOptions(filters=ExportFilters(collections=("Nope",))),
            "No collection called 'Nope'",
        ),
        (ExportOptions(filters=ExportFilters(article_ids=(999_999,))), "No article with id 999999"),
        (
            ExportOptions(layout="final", filters=ExportFilters(reviewers=("alice",))),
            "choosing reviewers applies",
        ),
        (ExportOptions(format="claimreview", layout="long"), "use it with the final layout"),
        (ExportOptions(format="xml"), "Unknown format"),
        (ExportOptions(layout="tall"), "Unknown layout"),
        (
            ExportOptions(
                format="claimreview",
                layout="final",
                claimreview=ClaimReviewSettings(review_url="ftp://x/{claim_id}"),
            ),
            "http",
        ),
        (
            ExportOptions(
                format="claimreview",
                layout="final",
                claimreview=ClaimReviewSettings(review_url="https://x/{slug}"),
            ),
            "slug",
        ),
        (
            ExportOptions(
                format="claimreview",
                layout="final",
                claimreview=ClaimReviewSettings(organisation=" "),
            ),
            "organisation",
        ),
    ],
)
def test_bad_options_are_refused_and_write_no_file(
    db: Database, tmp_path: Path, options: ExportOptions, message: str
) -> None:
    newsroom(db)
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(WorkbenchError, match=re.escape(message)):
        export_to_path(db, options, directory=folder)
    assert list(folder.iterdir()) == []


def test_parse_since_refuses_nonsense() -> None:
    with pytest.raises(ExportError, match="YYYY-MM-DD"):
        parse_since("last tuesday")


# --- files and streaming -----------------------------------------------------------------------------


def test_default_files_are_timestamped_in_the_exports_folder(db: Database, tmp_path: Path) -> None:
    room = newsroom(db)
    give(db, room.reviewers["bob"], room.claims["match"][0], "supported")
    moment = datetime(2024, 5, 1, 12, 34, 56, tzinfo=timezone.utc)
    first = export_to_path(db, ExportOptions(), directory=tmp_path / "exports", now=moment)
    second = export_to_path(db, ExportOptions(), directory=tmp_path / "exports", now=moment)
    review = export_to_path(
        db,
        ExportOptions(format="claimreview", layout="final"),
        directory=tmp_path / "exports",
        now=moment,
    )
    assert first.path == tmp_path / "exports" / "verdicts-long-20240501T123456Z.csv"
    assert second.path.name == "verdicts-long-20240501T123456Z-2.csv"
    assert review.path.name == "claimreview-20240501T123456Z.jsonl"
    assert (first.rows, review.rows) == (1, 0)
    assert first.path.read_bytes() == second.path.read_bytes()
    assert not list((tmp_path / "exports").glob("*.part"))
    assert (
        default_file_name(ExportOptions(format="jsonl", layout="wide"), moment)
        == "verdicts-wide-20240501T123456Z.jsonl"
    )


def test_out_must_be_a_writable_file(db: Database, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a folder"):
        export_to_path(db, ExportOptions(), tmp_path)
    with pytest.raises(OutputError, match="does not exist"):
        export_to_path(db, ExportOptions(), tmp_path / "missing" / "x.csv")


def test_an_existing_out_file_is_replaced_only_when_asked(db: Database, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "verdicts.csv"
    out.write_text("keep me")
    with pytest.raises(OutputError, match="already exists"):
        export_to_path(db, ExportOptions(), out)
    assert out.read_text() == "keep me"
    assert export_to_path(db, ExportOptions(), out, overwrite=True).rows == 0
    assert out.read_text(encoding="utf-8").startswith("claim_id,")
    assert [path.name for path in out.parent.iterdir()] == ["verdicts.csv"]


def test_chunks_stream_the_same_bytes(db: Database) -> None:
    room = newsroom(db)
    for claims in room.claims.values():
        for claim in claims:
            for name in ("alice", "bob", "carol"):
                give(
                    db,
                    room.reviewers[name],
                    claim,
                    "supported",
                    f"note {claim} {name}\nsecond line",
                )
    for layout in ("long", "wide"):
        chunks = list(iter_export_chunks(db, ExportOptions(layout=layout), rows_per_chunk=2))
        assert len(chunks) > 3
        assert "".join(chunks) == export_text(db, layout=layout)
    assert len(export_rows(db)) == 21


def test_export_reads_a_snapshot_without_blocking_writers(db: Database) -> None:
    room = newsroom(db)
    for claim in room.claims["bridge"] + room.claims["budget"]:
        give(db, room.reviewers["alice"], claim, "supported")
    chunks = iter_export_chunks(db, ExportOptions(), rows_per_chunk=1)
    first = next(chunks)  # the export now holds its read transaction open
    give(
        db, room.reviewers["bob"], room.claims["match"][0], "disputed"
    )  # must not wait for the export
    rest = "".join(chunks)
    rows = list(csv.DictReader(io.StringIO(first + rest, newline="")))
    assert [r["reviewer"] for r in rows] == ["alice"] * 5
    assert len(export_rows(db)) == 6


def test_export_choices_list_what_can_be_picked(db: Database) -> None:
    room = newsroom(db)
    with db.session() as session:
        choices = export_choices(session)
    assert choices.collections == ["City", "Sport"]
    assert [article_id for article_id, _ in choices.articles] == list(room.articles.values())
    assert choices.reviewers == ["alice", "bob", "carol", "Lead Lee"]


# --- command line ------------------------------------------------------------------------------------


def run_cli(database: Database, *args: str, cwd: Path | None = None):
    runner = CliRunner()
    url = database.engine.url.render_as_string(hide_password=False)
    if cwd is None:
        return runner.invoke(cli, ["--database", url, *args], catch_exceptions=False)
    with contextlib.chdir(cwd):
        return runner.invoke(cli, ["--database", url, *args], catch_exceptions=False)


def test_cli_export_to_a_file_and_to_stdout(db: Database, tmp_path: Path) -> None:
    room = newsroom(db)
    give(db, room.reviewers["alice"], room.claims["bridge"][0], "disputed", "=2+2")
    out = tmp_path / "long.csv"
    result = run_cli(db, "export", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 1 row to" in result.stderr
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert rows[0]["note"] == "'=2+2"
    raw = run_cli(db, "export", "--no-formula-guard", "--format", "jsonl", "--out", "-")
    assert json.loads(raw.stdout.splitlines()[0])["note"] == "=2+2"
    raw_csv = run_cli(db, "export", "--no-formula-guard", "--out", "-")
    assert list(csv.DictReader(io.StringIO(raw_csv.stdout, newline="")))[0]["note"] == "=2+2"


def test_cli_export_defaults_to_the_exports_folder(db: Database, tmp_path: Path) -> None:
    room = newsroom(db)
    decide(db, room.lead, room.claims["bridge"][0], "supported")
    runner = CliRunner()
    url = db.engine.url.render_as_string(hide_password=False)
    folder = tmp_path
    with contextlib.chdir(folder):
        result = runner.invoke(
            cli,
            [
                "--database",
                url,
                "export",
                "--format",
                "claimreview",
                "--organisation",
                "Example",
                "--rating-map",
                "supported=Correct",
                "--review-url",
                "https://x.example/{claim_id}",
            ],
        )
        assert result.exit_code == 0, result.output
        files = list((Path(folder) / "exports").glob("claimreview-*.jsonl"))
        assert len(files) == 1 and result.stdout.strip().endswith(files[0].name)
        review = json.loads(files[0].read_text(encoding="utf-8"))
    assert review["reviewRating"]["alternateName"] == "Correct"
    assert review["author"]["name"] == "Example"
    assert review["url"] == f"https://x.example/{room.claims['bridge'][0]}"


def test_cli_replaces_an_out_file_only_with_overwrite(db: Database, tmp_path: Path) -> None:
    url = db.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "verdicts.csv"
    out.write_text("keep me")
    refused = CliRunner().invoke(cli, ["--database", url, "export", "--out", str(out)])
    assert refused.exit_code == 1 and "already exists" in refused.stderr and "--overwrite" in refused.stderr
    assert out.read_text() == "keep me"
    replaced = CliRunner().invoke(
        cli, ["--database", url, "export", "--out", str(out), "--overwrite"]
    )
    assert replaced.exit_code == 0, replaced.output
    assert out.read_text(encoding="utf-8").startswith("claim_id,")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "Cannot read 'yesterday' as a date"),
        (["--reviewer", "ghost"], "No reviewer called 'ghost'"),
        (
            ["--layout", "final", "--reviewer", "alice"],
            "choosing reviewers applies to the long and wide layouts",
        ),
        (["--format", "claimreview", "--layout", "wide"], "use it with the final layout"),
        (["--format", "claimreview", "--rating-map", "maybe=Perhaps"], "not a label"),
        (["--layout", "diagonal"], "Invalid value for '--layout'"),
    ],
)
def test_cli_export_errors_are_clean(
    db: Database, tmp_path: Path, args: list[str], message: str
) -> None:
    newsroom(db)
    runner = CliRunner()
    url = db.engine.url.render_as_string(hide_password=False)
    folder = tmp_path
    with contextlib.chdir(folder):
        result = runner.invoke(cli, ["--database", url, "export", *args])
        assert not list(Path(folder).rglob("*.csv"))
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.output

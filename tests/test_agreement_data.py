"""Loading ratings for the agreement measures: from the database (SQLite and PostgreSQL) and from CSV files."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, update

from workbench import LABELS
from workbench.access import Actor, PermissionDenied
from workbench.agreement import RatingTable, agreement_report
from workbench.agreement_breakdowns import by_article
from workbench.agreement_data import (
    RatingFilter,
    RatingsFileError,
    analyse,
    article_choices,
    article_titles,
    claim_summaries,
    load_rating_table,
    ratings_fingerprint,
    read_ratings_csv,
)
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.export import export_to_path
from workbench.export_options import ExportOptions
from workbench.ingest import Document, ingest_documents
from workbench.models import Article, Claim, Collection, Verdict
from workbench.verdicts import delete_verdict, save_verdict

POLITICS = (
    "The minister said taxes rose by 5%. Unemployment fell last year. The bridge cost 3 million euros. "
    "Critics called the plan reckless."
)
SPORT = "The club won nine games in a row. Its stadium holds 40,000 fans. The coach earns twice the league average."

S, D, E = LABELS
# Verdicts per reviewer, one entry per claim in order (None: no verdict).
VERDICTS = {
    "ann": [S, D, S, E, S, S, D],
    "bob": [S, D, D, E, S, None, D],
    "cy": [S, S, D, None, S, E, None],
}


def build_newsroom(db: Database) -> dict:
    """Two collections (Politics: 4 claims, Sport: 3), a lead and three reviewers with VERDICTS."""
    first = ingest_documents(db, [Document(source="politics.txt", text=POLITICS, title="Budget row")], "Politics")
    second = ingest_documents(db, [Document(source="sport.txt", text=SPORT, title="Winning streak")], "Sport")
    with db.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena", None, actor=Actor.operator()))
        reviewers = {name: Actor.of(create_reviewer(session, name, None, actor=Actor.operator())) for name in VERDICTS}
        claims = list(
            session.scalars(select(Claim.id).where(Claim.kind == "claim").order_by(Claim.article_id, Claim.position))
        )
        assert len(claims) == 7
        for name, labels in VERDICTS.items():
            for claim_id, label in zip(claims, labels, strict=True):
                if label is not None:
                    save_verdict(session, reviewers[name], claim_id, label, note=f"{name} on {claim_id}")
    return {
        "lead": lead,
        "reviewers": reviewers,
        "claims": claims,
        "articles": first.article_ids + second.article_ids,
    }


def expected_frame(newsroom: dict, claim_slice: slice = slice(None)) -> pd.DataFrame:
    claims = newsroom["claims"]
    rows = [
        (claims[index], name, label)
        for name, labels in VERDICTS.items()
        for index, label in list(enumerate(labels))[claim_slice]
        if label is not None
    ]
    return pd.DataFrame(rows, columns=["claim_id", "reviewer", "verdict"])


def figures(table: RatingTable) -> dict:
    document = agreement_report(table, resamples=0).to_dict()
    return {key: document[key] for key in ("n_ratings", "n_claims", "percent_agreement", "fleiss_kappa",
                                           "krippendorff_alpha", "cohen_kappa", "confusion", "reviewers")}


# --- database ----------------------------------------------------------------------------------


def test_loads_every_current_verdict(db: Database):
    newsroom = build_newsroom(db)
    with db.session() as session:
        table = load_rating_table(session)
    assert table.n_ratings == 18
    assert table.raters == ("ann", "bob", "cy")
    assert table.labels == LABELS
    assert list(table.unit_ids) == newsroom["claims"]
    assert figures(table) == figures(RatingTable.from_frame(expected_frame(newsroom), LABELS))
    articles = by_article(table)
    assert list(articles["article_id"]) == newsroom["articles"]
    assert list(articles["claims"]) == [4, 3]


def test_only_reviewable_claims_count(db: Database):
    newsroom = build_newsroom(db)
    with db.transaction() as session:
        session.execute(update(Claim).where(Claim.id == newsroom["claims"][0]).values(kind="heading"))
    with db.session() as session:
        table = load_rating_table(session)
    assert newsroom["claims"][0] not in set(table.unit_ids)
    assert table.n_ratings == 15


@pytest.mark.parametrize(
    ("which", "claims"),
    [("collection", slice(0, 4)), ("article", slice(4, 7))],
)
def test_filters_by_collection_and_article(db: Database, which: str, claims: slice):
    newsroom = build_newsroom(db)
    with db.session() as session:
        if which == "collection":
            politics = session.scalar(select(Collection.id).where(Collection.name == "Politics"))
            filters = RatingFilter(collection_id=politics)
        else:
            filters = RatingFilter(article_id=newsroom["articles"][1])
        table = load_rating_table(session, filters)
    assert figures(table) == figures(RatingTable.from_frame(expected_frame(newsroom, claims), LABELS))


def test_filters_by_the_day_a_verdict_last_changed(db: Database):
    newsroom = build_newsroom(db)
    days = [datetime(2024, 5, day, 23, 30, tzinfo=UTC) for day in (1, 2, 3)]
    with db.transaction() as session:
        reviewer_ids = {name: actor.id for name, actor in newsroom["reviewers"].items()}
        for name, moment in zip(VERDICTS, days, strict=True):
            session.execute(update(Verdict).where(Verdict.reviewer_id == reviewer_ids[name]).values(updated_at=moment))
    with db.session() as session:
        only_bob = load_rating_table(session, RatingFilter(since=date(2024, 5, 2), until=date(2024, 5, 2)))
        from_bob = load_rating_table(session, RatingFilter(since=date(2024, 5, 2)))
        until_bob = load_rating_table(session, RatingFilter(until=date(2024, 5, 2)))
        nothing = load_rating_table(session, RatingFilter(since=date(2024, 5, 4)))
    assert only_bob.raters == ("bob",)
    assert from_bob.raters == ("bob", "cy")
    assert until_bob.raters == ("ann", "bob")
    assert nothing.n_ratings == 0
    assert agreement_report(nothing).notes == ["There are no verdicts to measure."]


def test_fingerprint_changes_with_every_kind_of_change(db: Database):
    newsroom = build_newsroom(db)
    ann = newsroom["reviewers"]["ann"]
    claim = newsroom["claims"][0]
    seen = []
    with db.session() as session:
        seen.append(ratings_fingerprint(session))
    with db.transaction() as session:
        save_verdict(session, ann, claim, D)
    with db.session() as session:
        seen.append(ratings_fingerprint(session))
    with db.transaction() as session:
        delete_verdict(session, ann, claim)
    with db.session() as session:
        seen.append(ratings_fingerprint(session))
    with db.transaction() as session:
        session.execute(update(Claim).where(Claim.id == claim).values(kind="heading", version=Claim.version + 1))
    with db.session() as session:
        seen.append(ratings_fingerprint(session))
        assert ratings_fingerprint(session) == seen[-1]
    assert len(set(seen)) == 4


def test_article_titles(db: Database):
    newsroom = build_newsroom(db)
    with db.session() as session:
        titles = article_titles(session, newsroom["articles"])
        stored = dict(session.execute(select(Article.id, Article.title)).all())
    assert titles == stored
    assert all(titles.values())


def test_our_own_csv_export_reads_back_to_the_same_figures(db: Database, tmp_path: Path):
    newsroom = build_newsroom(db)
    with db.transaction() as session:
        # Notes with line breaks and commas make CSV records span several lines.
        session.execute(update(Verdict).values(note='first line, "quoted"\nsecond line'))
    out = tmp_path / "verdicts.csv"
    export_to_path(db, ExportOptions(), out)
    from_file = read_ratings_csv(out)
    with db.session() as session:
        from_database = load_rating_table(session)
    assert figures(from_file) == figures(from_database)
    assert list(by_article(from_file)["article_id"]) == newsroom["articles"]


def test_analysis_for_the_page_is_for_leads(db: Database):
    newsroom = build_newsroom(db)
    with db.session() as session:
        with pytest.raises(PermissionDenied):
            analyse(session, newsroom["reviewers"]["ann"])
        analysis = analyse(session, newsroom["lead"], resamples=100)
        expected = agreement_report(load_rating_table(session), resamples=100)
    assert analysis.report.to_dict() == expected.to_dict()
    assert list(analysis.by_article["title"]) == ["Budget row", "Winning streak"]
    assert list(analysis.by_reviewer["reviewer"]) == ["ann", "bob", "cy"]
    assert list(analysis.disputed["claim_id"]) == [newsroom["claims"][i] for i in (5, 1, 2)]
    assert len(analysis.by_label) == 3


def test_claim_summaries_and_article_choices(db: Database):
    newsroom = build_newsroom(db)
    claims = newsroom["claims"]
    with db.session() as session:
        summaries = claim_summaries(session, [claims[4], claims[0], 999_999])
        politics = session.scalar(select(Collection.id).where(Collection.name == "Politics"))
        everything = article_choices(session)
        only_politics = article_choices(session, politics)
    assert list(summaries["claim_id"]) == [claims[4], claims[0]]
    assert list(summaries["article_title"]) == ["Winning streak", "Budget row"]
    assert summaries.iloc[1]["text"] == "The minister said taxes rose by 5%."
    assert summaries["final"].isna().all()
    assert [title for _, title in everything] == ["Budget row", "Winning streak"]
    assert [title for _, title in only_politics] == ["Budget row"]


# --- CSV files ---------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "ratings.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


KRIPPENDORFF_CSV = "\n".join(
    ["unit,coder,value,comment"]
    + [
        f"{unit + 1},{coder},{value},free text"
        for coder, values in zip(
            "ABCD",
            ["1 2 3 3 2 1 4 1 2 . . .", "1 2 3 3 2 2 4 1 2 5 . 3", ". 3 3 3 2 3 4 2 2 5 1 .", "1 2 3 3 2 4 4 1 2 5 1 ."],
            strict=True,
        )
        for unit, value in enumerate(values.split())
        if value != "."
    ]
)


def test_file_from_another_tool_with_its_own_column_names(tmp_path: Path):
    path = write(tmp_path, KRIPPENDORFF_CSV)
    table = read_ratings_csv(path, claim_column="unit", reviewer_column="coder", verdict_column="value")
    assert table.labels == ("1", "2", "3", "4", "5")
    assert round(agreement_report(table, resamples=0).krippendorff_alpha.value, 3) == 0.743


@pytest.mark.parametrize(
    ("separator", "encoding", "prefix"),
    [(",", "utf-8", ""), (";", "utf-8", ""), ("\t", "utf-8", ""), (",", "utf-8", "\ufeff"), (",", "utf-16", "")],
)
def test_separators_and_encodings(tmp_path: Path, separator: str, encoding: str, prefix: str):
    rows = [["Claim_ID", " Reviewer", "Verdict ", "note"], ["1", "ann", "true", "x"], ["1", "bob", "false", "y"],
            ["2", "ann", "true", ""], ["2", "bob", "true", ""]]
    text = prefix + "\r\n".join(separator.join(row) for row in rows) + "\r\n"
    table = read_ratings_csv(write(tmp_path, text, encoding=encoding))
    assert table.n_ratings == 4
    assert table.raters == ("ann", "bob")
    assert table.labels == ("true", "false")
    assert list(table.unit_ids) == [1, 2]


def test_blank_rows_and_verdicts_and_repeats_are_reported_not_fatal(tmp_path: Path):
    text = "claim_id,reviewer,verdict\n1,ann,supported\n\n1,bob,\n1,bob,disputed\n1,bob,disputed\n2,ann,supported\n"
    table = read_ratings_csv(write(tmp_path, text))
    assert table.n_ratings == 3
    assert table.notes == [
        "1 row with an empty verdict skipped.",
        "1 repeated row with the same verdict ignored.",
    ]
    assert agreement_report(table, resamples=0).notes[:2] == table.notes


def test_labels_differing_only_in_case_are_kept_apart_with_a_note(tmp_path: Path):
    text = "claim_id,reviewer,verdict\n1,ann,Supported\n1,bob,supported\n2,ann,disputed\n2,bob,disputed\n"
    table = read_ratings_csv(write(tmp_path, text))
    assert set(table.labels) == {"Supported", "supported", "disputed"}, "taken as written"
    assert table.notes == [
        "the labels 'Supported', 'supported' differ only in case or spaces and count as different labels: "
        "write them one way if they mean the same."
    ]


def test_conflicting_duplicates_name_their_lines(tmp_path: Path):
    text = (
        'claim_id,reviewer,verdict,note\n'
        '1,ann,supported,"spans\ntwo lines"\n'
        '2,ann,supported,\n'
        '1,ann,disputed,\n'
        '2,bob,supported,\n'
    )
    with pytest.raises(RatingsFileError) as error:
        read_ratings_csv(write(tmp_path, text))
    message = str(error.value)
    assert "ratings.csv" in message
    assert "claim 1 by 'ann' on lines 2, 5" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("claim_id,reviewer\n1,ann\n", r"missing column verdict \(found: claim_id, reviewer\)"),
        ("id;who;label\n1;a;b\n", "missing columns claim_id, reviewer, verdict"),
        ("claim_id,reviewer,verdict\n1,,supported\n2,ann,supported\n", "empty reviewer on line 2."),
        ("claim_id,reviewer,verdict\n1,ann,supported\n,bob,supported\n", "empty claim_id on line 3."),
        ("claim_id,reviewer,verdict\n1,ann,supported\n1,bob,supported,extra\n", r"line 3 has 4 fields but the header has 3"),
        ("claim_id,reviewer,verdict\n1,ann\n", r"line 2 has 2 fields"),
        ('claim_id,reviewer,verdict\n1,ann,"unterminated\n', r"not a readable CSV file"),
        ("   \n", "the file is empty"),
    ],
)
def test_unusable_files_get_a_clear_message(tmp_path: Path, text: str, expected: str):
    path = write(tmp_path, text)
    with pytest.raises(RatingsFileError, match=expected) as error:
        read_ratings_csv(path)
    assert str(path) in str(error.value)


def test_trailing_empty_fields_are_fine(tmp_path: Path):
    table = read_ratings_csv(write(tmp_path, "claim_id,reviewer,verdict\n1,ann,supported,,\n1,bob,disputed\n"))
    assert table.n_ratings == 2


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda path: None, "no such file"),
        (lambda path: path.mkdir(), "is a folder"),
        (lambda path: path.write_bytes(b"claim_id,reviewer,verdict\n1,\xe9,x\n"), r"not UTF-8 text \(line 2\)"),
        (lambda path: path.write_bytes(b"PK\x03\x04\x00\x00binary"), "binary file"),
    ],
)
def test_unreadable_files(tmp_path: Path, setup, expected: str):
    path = tmp_path / "verdicts.csv"
    setup(path)
    with pytest.raises(RatingsFileError, match=expected):
        read_ratings_csv(path)


def test_non_numeric_claim_ids_are_kept_as_text(tmp_path: Path):
    text = "claim_id,reviewer,verdict\nq-7,ann,yes\nq-7,bob,no\nq-10,ann,yes\nq-10,bob,yes\n"
    table = read_ratings_csv(write(tmp_path, text))
    assert sorted(table.unit_ids) == ["q-10", "q-7"]
    report = agreement_report(table, resamples=0)
    assert report.percent_agreement.value == pytest.approx(0.5)
    assert not math.isnan(report.cohen_kappa[0].agreement)

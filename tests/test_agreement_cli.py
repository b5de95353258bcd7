"""``workbench agreement`` and ``workbench adjudicate`` on real databases and CSV files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from builders import VERDICTS, ReviewedNewsroom
from click.testing import CliRunner
from sqlalchemy import select

from workbench import LABELS
from workbench.agreement import RatingTable, agreement_report
from workbench.agreement_data import load_rating_table
from workbench.cli import main
from workbench.db import Database
from workbench.models import FinalVerdict, FinalVerdictHistory

S, D, E = LABELS


def run(*args: str, url: str | None = None):
    prefix = ["--database", url] if url else []
    return CliRunner().invoke(main, [*prefix, *args], catch_exceptions=False)


@pytest.fixture
def newsroom(db: Database) -> dict:
    """The reviewed newsroom's Politics article: four claims, three reviewers, Lena the lead."""
    room = ReviewedNewsroom(db, sport=False)
    return {"url": db.url, "claims": room.claims, "db": db}


# --- agreement -----------------------------------------------------------------------------------


def test_json_from_the_database_matches_the_library(newsroom: dict):
    result = run("agreement", "--format", "json", "--resamples", "200", "--seed", "3", url=newsroom["url"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    with newsroom["db"].session() as session:
        expected = agreement_report(load_rating_table(session), resamples=200, seed=3).to_dict()
    assert document == {"source": "database", **expected}
    assert document["n_claims"] == 4 and document["n_reviewers"] == 3
    assert document["krippendorff_alpha"]["ci95"] is not None
    assert {(p["reviewer_a"], p["reviewer_b"], p["n"]) for p in document["cohen_kappa"]} == {
        ("ann", "bob", 4), ("ann", "cy", 3), ("bob", "cy", 3)
    }


def test_breakdowns_in_json(newsroom: dict):
    result = run("agreement", "--format", "json", "--resamples", "0", "--by", "label", "--by", "article",
                 "--by", "reviewer", url=newsroom["url"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [row["label"] for row in document["by_label"]] == list(LABELS)
    (article,) = document["by_article"]
    assert article["title"] == "Budget row" and article["claims"] == 4 and article["disputed"] == 2
    assert [row["reviewer"] for row in document["by_reviewer"]] == ["ann", "bob", "cy"]
    assert all(isinstance(row["kappa_vs_others"], float) for row in document["by_reviewer"])


def test_table_output(newsroom: dict):
    result = run("agreement", "--by", "reviewer", "--resamples", "100", url=newsroom["url"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "11 verdicts by 3 reviewers on 4 claims (4 rated by two or more, 2 disputed)" in text
    for expected in ("Percent agreement", "Krippendorff alpha", "95% CI", "Fleiss kappa", "Cohen's kappa per pair",
                     "Label confusion", "By reviewer:"):
        assert expected in text


def test_collection_filter_and_unknown_collection(newsroom: dict):
    ok = run("agreement", "--format", "json", "--resamples", "0", "--collection", "Politics", url=newsroom["url"])
    assert json.loads(ok.stdout)["n_ratings"] == 11
    empty = run("agreement", "--format", "json", "--resamples", "0", "--since", "2999-01-01", url=newsroom["url"])
    assert json.loads(empty.stdout)["n_ratings"] == 0
    reversed_range = run("agreement", "--since", "2026-12-05", "--until", "2026-12-01", url=newsroom["url"])
    assert reversed_range.exit_code == 2 and "--since 2026-12-05 is after --until 2026-12-01" in reversed_range.stderr
    missing = run("agreement", "--collection", "Nope", url=newsroom["url"])
    assert missing.exit_code == 1
    assert "No collection called 'Nope'" in missing.stderr
    assert "Traceback" not in missing.output


KRIPPENDORFF_ROWS = [
    ("A", "1 2 3 3 2 1 4 1 2 . . ."),
    ("B", "1 2 3 3 2 2 4 1 2 5 . 3"),
    ("C", ". 3 3 3 2 3 4 2 2 5 1 ."),
    ("D", "1 2 3 3 2 4 4 1 2 5 1 ."),
]


def krippendorff_csv(tmp_path: Path, header: str = "claim_id,reviewer,verdict,source") -> Path:
    lines = [header] + [
        f"u{unit + 1},{coder},{value},elsewhere"
        for coder, values in KRIPPENDORFF_ROWS
        for unit, value in enumerate(values.split())
        if value != "."
    ]
    path = tmp_path / "other-tool.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_csv_from_another_tool(tmp_path: Path):
    result = run("agreement", "--input", str(krippendorff_csv(tmp_path)), "--format", "json", "--resamples", "100")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert round(document["krippendorff_alpha"]["value"], 3) == 0.743
    assert document["krippendorff_alpha"]["n_claims_left_out"] == 1
    assert document["labels"] == ["1", "2", "3", "4", "5"]
    assert document["source"].endswith("other-tool.csv")


def test_csv_with_renamed_columns(tmp_path: Path):
    path = krippendorff_csv(tmp_path, header="item,annotator,label,source")
    result = run("agreement", "--input", str(path), "--format", "json", "--resamples", "0",
                 "--claim-column", "item", "--reviewer-column", "annotator", "--verdict-column", "label")
    assert result.exit_code == 0, result.output
    assert round(json.loads(result.stdout)["krippendorff_alpha"]["value"], 3) == 0.743


def test_csv_by_article_without_article_column_is_a_clean_error(tmp_path: Path):
    result = run("agreement", "--input", str(krippendorff_csv(tmp_path)), "--by", "article")
    assert result.exit_code == 1
    assert "article_id column" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("claim_id,reviewer\n1,a\n", "missing column verdict ("),
        ("claim_id\n1\n", "missing columns reviewer, verdict"),
        ("claim_id,reviewer,verdict\n1,a,x\n1,a,y\n", "lines 2, 3"),
        (None, "no such file"),
    ],
)
def test_bad_csv_files_exit_1_with_the_file_named(tmp_path: Path, content: str | None, message: str):
    path = tmp_path / "verdicts.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run("agreement", "--input", str(path))
    assert result.exit_code == 1
    assert message in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.output


def test_filters_do_not_apply_to_files(tmp_path: Path):
    result = run("agreement", "--input", str(krippendorff_csv(tmp_path)), "--collection", "x")
    assert result.exit_code == 2
    assert "apply to the database" in result.stderr


def test_degenerate_file_gives_an_honest_answer(tmp_path: Path):
    path = tmp_path / "same.csv"
    path.write_text("claim_id,reviewer,verdict\n1,a,yes\n1,b,yes\n2,a,yes\n2,b,yes\n", encoding="utf-8")
    table = run("agreement", "--input", str(path))
    assert table.exit_code == 0, table.output
    assert "Krippendorff alpha  undefined" in table.stdout
    document = json.loads(run("agreement", "--input", str(path), "--format", "json").stdout)
    assert document["krippendorff_alpha"]["value"] is None
    assert "same label" in document["krippendorff_alpha"]["note"]
    assert document["percent_agreement"] == 1.0


def test_database_and_csv_export_agree(newsroom: dict, tmp_path: Path):
    out = tmp_path / "export.csv"
    exported = run("export", "--out", str(out), url=newsroom["url"])
    assert exported.exit_code == 0, exported.output
    from_db = json.loads(run("agreement", "--format", "json", "--resamples", "0", url=newsroom["url"]).stdout)
    from_file = json.loads(run("agreement", "--input", str(out), "--format", "json", "--resamples", "0").stdout)
    for key in ("n_claims", "percent_agreement", "fleiss_kappa", "krippendorff_alpha", "cohen_kappa", "confusion"):
        assert from_file[key] == from_db[key]


# --- adjudicate ----------------------------------------------------------------------------------


def finals(db: Database) -> dict[int, str]:
    with db.session() as session:
        return dict(session.execute(select(FinalVerdict.claim_id, FinalVerdict.label)).all())


def test_adjudicate_list_show_decide_clear(newsroom: dict):
    url, claims = newsroom["url"], newsroom["claims"]
    listed = run("adjudicate", "list", "--as", "Lena", "--format", "json", url=url)
    assert listed.exit_code == 0, listed.output
    document = json.loads(listed.stdout)
    assert document["total"] == 2
    assert [c["claim_id"] for c in document["claims"]] == claims[1:3]
    assert document["claims"][0]["majority"] == D

    shown = run("adjudicate", "show", str(claims[2]), "--as", "Lena", url=url)
    assert shown.exit_code == 0, shown.output
    assert "ann: supported" in shown.stdout and "note: bob's note" in shown.stdout
    assert "evidence: https://example.org/bob" in shown.stdout

    refused = run("adjudicate", "decide", str(claims[2]), S, "--as", "Lena", url=url)
    assert refused.exit_code == 1 and "rationale" in refused.stderr
    decided = run("adjudicate", "decide", str(claims[2]), S, "--rationale", "Budget says so", "--as", "Lena", url=url)
    assert decided.exit_code == 0, decided.output
    assert finals(newsroom["db"]) == {claims[2]: S}
    assert "1 claim to adjudicate; page 1 of 1." in run("adjudicate", "list", "--as", "Lena", url=url).stdout
    past = run("adjudicate", "list", "--as", "Lena", "--page", "5", url=url)
    assert past.exit_code == 1
    assert "There is no page 5; the last is page 1 (1 claim to adjudicate, 25 a page)." in past.stderr

    cleared = run("adjudicate", "clear", str(claims[2]), "--reason", "oops", "--as", "Lena", url=url)
    assert cleared.exit_code == 0 and finals(newsroom["db"]) == {}
    with newsroom["db"].session() as session:
        assert session.scalars(select(FinalVerdictHistory.new_rationale).order_by(FinalVerdictHistory.id)).all() == [
            "Budget says so", "oops"
        ]


def test_adjudicate_accept_unanimous(newsroom: dict):
    result = run("adjudicate", "accept-unanimous", "--as", "Lena", url=newsroom["url"])
    assert result.exit_code == 0, result.output
    assert "Accepted 2 unanimous claims" in result.stdout
    claims = newsroom["claims"]
    assert finals(newsroom["db"]) == {claims[0]: S, claims[3]: E}
    refused = run("adjudicate", "accept-unanimous", "--claim", str(claims[1]), "--as", "Lena", url=newsroom["url"])
    assert refused.exit_code == 1 and "Not unanimous" in refused.stderr


@pytest.mark.parametrize(("name", "message"), [("ann", "not a lead"), ("ghost", "No active account")])
def test_adjudicate_needs_a_lead(newsroom: dict, name: str, message: str):
    for args in (["list"], ["decide", str(newsroom["claims"][1]), D], ["accept-unanimous"]):
        result = run("adjudicate", *args, "--as", name, url=newsroom["url"])
        assert result.exit_code == 1
        assert message in result.stderr
    assert finals(newsroom["db"]) == {}


def test_adjudicate_requires_naming_the_lead(newsroom: dict, monkeypatch):
    monkeypatch.delenv("WORKBENCH_LEAD", raising=False)
    result = run("adjudicate", "list", url=newsroom["url"])
    assert result.exit_code == 2 and "--as" in result.stderr
    monkeypatch.setenv("WORKBENCH_LEAD", "Lena")
    assert run("adjudicate", "list", url=newsroom["url"]).exit_code == 0


def test_ratings_from_json_match_a_fresh_table(newsroom: dict):
    """The JSON's Cohen list and the long table agree pair by pair (a guard against mislabelled pairs)."""
    document = json.loads(run("agreement", "--format", "json", "--resamples", "0", url=newsroom["url"]).stdout)
    rows = [(c, name, label) for name, labels in VERDICTS.items()
            for c, label in zip(newsroom["claims"], labels) if label]  # Politics: the first four
    table = RatingTable.from_frame(pd.DataFrame(rows, columns=["claim_id", "reviewer", "verdict"]), LABELS)
    expected = {(p.reviewer_a, p.reviewer_b): p.kappa for p in agreement_report(table, resamples=0).cohen_kappa}
    assert {(p["reviewer_a"], p["reviewer_b"]): p["kappa"] for p in document["cohen_kappa"]} == pytest.approx(expected)

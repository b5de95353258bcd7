"""``workbench aggregate`` on real databases (SQLite and PostgreSQL) and CSV files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from builders import VERDICTS, ReviewedNewsroom
from click.testing import CliRunner
from reliability_sim import simulate

from workbench import LABELS
from workbench.access import PermissionDenied
from workbench.agreement_data import RatingFilter, load_rating_table
from workbench.cli import main
from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.reliability import aggregate, aggregate_verdicts

S, D, E = LABELS


def run(*args: str, url: str | None = None):
    prefix = ["--database", url] if url else []
    return CliRunner().invoke(main, [*prefix, *args], catch_exceptions=False)


@pytest.fixture
def newsroom(db: Database) -> dict:
    """The reviewed newsroom's Politics article, and an article in Sport that nobody reviewed."""
    room = ReviewedNewsroom(db, sport=False)
    ingest_documents(db, [Document(source="other.txt", text="Nobody reviewed this sentence.", title="Other")], "Sport")
    return {"url": db.url, "claims": room.claims, "db": db, "lead": room.lead, "reviewer": room.reviewers["ann"]}


def test_json_from_the_database_matches_the_library(newsroom: dict):
    result = run("aggregate", "--format", "json", url=newsroom["url"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    with newsroom["db"].session() as session:
        expected = aggregate(load_rating_table(session)).to_dict()
    assert document == json.loads(json.dumps(expected))
    assert document["method"] == "dawid-skene"
    assert [claim["claim_id"] for claim in document["claims"]] == newsroom["claims"]
    assert {reviewer["reviewer"] for reviewer in document["reviewers"]} == set(VERDICTS)
    first = document["claims"][0]
    assert first["label"] == S and 0.5 < first["confidence"] <= 1.0
    assert first["confidence"] > document["claims"][2]["confidence"]  # unanimous beats a 2-1 split
    for reviewer in document["reviewers"]:
        assert set(reviewer) >= {"reviewer", "reliability", "n", "confusion"}
        for row in reviewer["confusion"].values():
            assert sum(row.values()) == pytest.approx(1.0)


def test_majority_and_collection_filter(newsroom: dict):
    document = json.loads(run("aggregate", "--method", "majority", "--collection", "Politics", "--format", "json",
                              url=newsroom["url"]).stdout)
    assert document["method"] == "majority"
    by_claim = {claim["claim_id"]: claim for claim in document["claims"]}
    assert by_claim[newsroom["claims"][1]] == {"claim_id": newsroom["claims"][1], "label": D, "confidence": 2 / 3}
    assert json.loads(run("aggregate", "--collection", "Sport", "--format", "json", url=newsroom["url"]).stdout)[
        "claims"] == []


def test_unknown_collection_is_a_message(newsroom: dict):
    result = run("aggregate", "--collection", "Nope", url=newsroom["url"])
    assert result.exit_code == 1 and "Nope" in result.output


def test_library_call_is_for_leads_only(newsroom: dict):
    with newsroom["db"].session() as session:
        assert len(aggregate_verdicts(session, newsroom["lead"], RatingFilter()).claim_ids) == 4
        with pytest.raises(PermissionDenied):
            aggregate_verdicts(session, newsroom["reviewer"])


def test_csv_input_table_and_csv_output(tmp_path: Path):
    team = simulate(4, n_claims=400)
    path = tmp_path / "team.csv"
    team.frame.to_csv(path, index=False)
    table = run("aggregate", "--input", str(path))
    assert table.exit_code == 0, table.output
    assert "Reviewers, least reliable first" in table.output
    assert table.output.split("least reliable first")[1].split("\n")[2].split()[0] == "r4"
    rows = list(csv.DictReader(io.StringIO(run("aggregate", "--input", str(path), "--format", "csv").stdout)))
    assert len(rows) == 400
    assert list(rows[0]) == ["claim_id", "label", "confidence", *(f"p_{label}" for label in LABELS)]
    model = aggregate(team.table())
    assert float(rows[0]["confidence"]) == float(model.confidence[0])  # full precision


def test_input_with_collection_is_refused(tmp_path: Path):
    path = tmp_path / "v.csv"
    path.write_text("claim_id,reviewer,verdict\n1,a,supported\n")
    result = run("aggregate", "--input", str(path), "--collection", "X")
    assert result.exit_code == 2 and "--collection" in result.output


def test_agreement_json_keeps_full_precision(tmp_path: Path):
    path = tmp_path / "team.csv"
    simulate(4, n_claims=300).frame.to_csv(path, index=False)
    document = json.loads(run("agreement", "--input", str(path), "--format", "json", "--resamples", "0",
                              "--by", "reviewer").stdout)
    value = document["krippendorff_alpha"]["value"]
    assert value != round(value, 6)
    assert any(row["agreement"] != round(row["agreement"], 6) for row in document["by_reviewer"])

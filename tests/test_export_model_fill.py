"""``final`` export filled with the model's verdicts (option, off by default), documented in the README."""

from __future__ import annotations

import csv
import io

import pytest
from builders import decide, documented, export_json, export_text, give, newsroom
from click.testing import CliRunner

from workbench.cli import main
from workbench.db import Database
from workbench.export_columns import FINAL_COLUMNS, MATCH_GROUP_COLUMN
from workbench.export_options import ExportError, ExportOptions
from workbench.reliability import aggregate
from workbench.agreement_data import load_rating_table


def test_fill_with_model_adds_flagged_rows_in_order(db: Database) -> None:
    room = newsroom(db)
    bridge, other = room.claims["bridge"][0], next(
        claim for claims in room.claims.values() for claim in claims if claim != room.claims["bridge"][0])
    give(db, room.reviewers["bob"], bridge, "supported")
    give(db, room.reviewers["alice"], bridge, "disputed")
    give(db, room.reviewers["bob"], other, "disputed")
    give(db, room.reviewers["alice"], other, "disputed")
    decide(db, room.lead, bridge, "disputed")
    plain = list(export_json(db, format="jsonl", layout="final"))
    assert [record["claim_id"] for record in plain] == [bridge]
    filled = list(export_json(db, format="jsonl", layout="final", fill_with_model=True))
    assert sorted(record["claim_id"] for record in filled) == sorted([bridge, other])
    by_id = {record["claim_id"]: record for record in filled}
    assert by_id[bridge]["verdict_source"] == "adjudicated" and by_id[bridge]["model_confidence"] is None
    assert by_id[bridge]["final_verdict"] == "disputed"
    with db.session() as session:
        model = aggregate(load_rating_table(session))
    label, confidence = model.label_of(other)
    assert (by_id[other]["final_verdict"], by_id[other]["model_confidence"]) == (label, confidence)
    assert by_id[other]["verdict_source"] == "model" and by_id[other]["decided_by"] is None
    order = [(record["article_id"], record["claim_position"]) for record in filled]
    assert order == sorted(order)
    header, *rows = list(csv.reader(io.StringIO(export_text(db, layout="final", fill_with_model=True))))
    documented_extra = [name for name, _ in documented("Filling `final` with the model")]
    assert header == [*FINAL_COLUMNS, *documented_extra, MATCH_GROUP_COLUMN]
    model_row = next(row for row in rows if row[-3] == "model")
    assert float(model_row[-2]) == confidence


def test_fill_with_model_only_for_final_csv_or_jsonl() -> None:
    with pytest.raises(ExportError, match="the final layout"):
        ExportOptions(layout="long", fill_with_model=True).checked()
    with pytest.raises(ExportError, match="the final layout"):
        ExportOptions(format="claimreview", layout="final", fill_with_model=True).checked()


def test_cli_option(db: Database) -> None:
    room = newsroom(db)
    bridge = room.claims["bridge"][0]
    give(db, room.reviewers["bob"], bridge, "supported")
    result = CliRunner().invoke(main, ["--database", db.url, "export", "--layout", "final", "--fill-with-model",
                                       "--out", "-"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith("verdict_source,model_confidence,match_group")
    assert len(lines) == 2 and ",model," in lines[1]

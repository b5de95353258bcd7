"""The README documents exactly the columns, types and fields the exporter writes."""

from __future__ import annotations

import csv
import io

import pytest
from builders import decide, documented, export_json, export_text, give, newsroom

from workbench.db import Database
from workbench.export_columns import COLUMN_TYPES, REVIEWER_COLUMN_PREFIX, column_type
from workbench.export_options import ClaimReviewSettings


@pytest.mark.parametrize("layout", ["long", "wide", "final"])
def test_documented_columns_are_the_exported_columns(db: Database, layout: str) -> None:
    room = newsroom(db)
    give(db, room.reviewers["bob"], room.claims["bridge"][0], "supported")
    give(db, room.reviewers["alice"], room.claims["bridge"][0], "disputed")
    decide(db, room.lead, room.claims["bridge"][0], "disputed")
    rows = documented(f"Layout `{layout}`")
    expected: list[str] = []
    for name, _ in rows:
        if name == f"{REVIEWER_COLUMN_PREFIX}NAME":
            expected += [f"{REVIEWER_COLUMN_PREFIX}alice", f"{REVIEWER_COLUMN_PREFIX}bob"]
        else:
            expected.append(name)
    header = next(csv.reader(io.StringIO(export_text(db, layout=layout))))
    assert header == expected
    assert [list(record) for record in export_json(db, format="jsonl", layout=layout)][
        0
    ] == expected
    for name, kind in rows:
        assert kind == column_type(name), name


def test_every_typed_column_is_documented() -> None:
    names = {
        name for layout in ("long", "wide", "final") for name, _ in documented(f"Layout `{layout}`")
    } | {name for name, _ in documented("Filling `final` with the model")}
    assert set(COLUMN_TYPES) <= names


def test_documented_claimreview_fields_are_the_ones_written(db: Database) -> None:
    room = newsroom(db)
    decide(db, room.lead, room.claims["bridge"][0], "supported")
    settings = ClaimReviewSettings(review_url="https://checks.example/{claim_id}")
    (review,) = export_json(db, format="claimreview", layout="final", claimreview=settings)
    fields = {field for name, _ in documented("ClaimReview") for field in name.split("`, `")}
    assert fields == set(review)

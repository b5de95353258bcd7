"""Reliability from the database (SQLite and PostgreSQL): pace from the verdict history, label use, the page section."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from builders import VERDICTS, ReviewedNewsroom
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from workbench import LABELS
from workbench.access import PermissionDenied
from workbench.agreement_data import RatingFilter, load_rating_table
from workbench.db import Database
from workbench.models import VerdictHistory
from workbench.reliability import aggregate_verdicts, label_distribution, review_pace

APP = Path(__file__).resolve().parent.parent / "workbench" / "app"


@pytest.fixture
def newsroom(app_database: Database) -> ReviewedNewsroom:
    return ReviewedNewsroom(app_database)


def spread_history(newsroom: ReviewedNewsroom, name: str, seconds: list[float], start: datetime) -> None:
    """Give ``name``'s first verdicts the given gaps (in claim order), starting at ``start``."""
    reviewer_id = newsroom.reviewers[name].id
    with newsroom.db.transaction() as session:
        rows = session.scalars(select(VerdictHistory.id).where(
            VerdictHistory.reviewer_id == reviewer_id, VerdictHistory.action == "create").order_by(VerdictHistory.id)).all()
        moment = start
        for row, gap in zip(rows, [0.0, *seconds], strict=True):
            moment += timedelta(seconds=gap)
            session.execute(update(VerdictHistory).where(VerdictHistory.id == row).values(changed_at=moment))


def test_pace_per_reviewer_and_day_skips_breaks(newsroom: ReviewedNewsroom):
    name = next(iter(VERDICTS))
    given = sum(label is not None for label in VERDICTS[name])
    gaps = [10.0, 30.0, 3600.0, 20.0, 40.0, 50.0][: given - 1]
    spread_history(newsroom, name, gaps, datetime(2024, 5, 1, 9, tzinfo=UTC))
    with newsroom.db.session() as session:
        pace = review_pace(session, newsroom.lead)
        with pytest.raises(PermissionDenied):
            review_pace(session, newsroom.reviewers[name])
    mine = pace[pace["reviewer"] == name]
    timed = [gap for gap in gaps if gap <= 900]
    assert mine["claims"].sum() == len(timed)
    assert mine["day"].tolist() == [date(2024, 5, 1)]
    assert mine["median_seconds"].iloc[0] == pytest.approx(sorted(timed)[len(timed) // 2] if len(timed) % 2 else
                                                           sum(sorted(timed)[len(timed) // 2 - 1: len(timed) // 2 + 1]) / 2)


def test_pace_by_collection_and_days(newsroom: ReviewedNewsroom):
    name = next(iter(VERDICTS))
    given = sum(label is not None for label in VERDICTS[name])
    spread_history(newsroom, name, [86_400.0 + 5] + [12.0] * (given - 2), datetime(2024, 5, 1, 23, tzinfo=UTC))
    with newsroom.db.session() as session:
        everything = review_pace(session, newsroom.lead)
        sport = review_pace(session, newsroom.lead, RatingFilter(collection_id=newsroom.collections["Sport"]))
        later = review_pace(session, newsroom.lead, RatingFilter(since=date(2024, 5, 3)))
    assert set(sport["reviewer"]) <= set(everything["reviewer"])
    assert sport["claims"].sum() < everything["claims"].sum()
    assert later.empty or (later["day"] >= date(2024, 5, 3)).all()


def test_label_distribution_matches_the_verdicts(newsroom: ReviewedNewsroom):
    with newsroom.db.session() as session:
        table = load_rating_table(session)
        model = aggregate_verdicts(session, newsroom.lead)
    shares = label_distribution(table)
    for name, labels in VERDICTS.items():
        given = [label for label in labels if label]
        mine = shares[shares["reviewer"] == name].set_index("label")
        for label in LABELS:
            assert mine.loc[label, "verdicts"] == given.count(label)
    team = shares[shares["reviewer"].isna()]
    assert team["share"].sum() == pytest.approx(1.0)
    assert {item.reviewer for item in model.reviewers} == set(VERDICTS)


def test_agreement_page_shows_the_reliability_section(newsroom: ReviewedNewsroom):
    app = AppTest.from_file(str(APP / "main.py"), default_timeout=60)
    app.session_state["actor"] = newsroom.lead
    app.session_state["last_seen"] = time.time()
    app = app.switch_page("views/agreement.py").run()
    assert not app.exception, app.exception
    assert "Reviewer reliability" in [header.value for header in app.subheader]
    assert not any("reliability" in frame.value.columns for frame in app.dataframe)  # only when asked
    app.toggle(key="agreement_reliability").set_value(True).run()
    assert not app.exception, app.exception
    tables = [frame.value for frame in app.dataframe]
    reliability = next(table for table in tables if "reliability" in table.columns)
    assert set(reliability["reviewer"]) == set(VERDICTS)
    with newsroom.db.session() as session:
        model = aggregate_verdicts(session, newsroom.lead)
    expected = {item.reviewer: item.reliability for item in model.reviewers}
    for row in reliability.itertuples():
        assert row.reliability == pytest.approx(expected[row.reviewer], nan_ok=True) or expected[row.reviewer] is None
    assert any(tab.label == "Time per claim" for tab in app.tabs)


def test_queue_by_doubt_holds_the_same_claims_least_certain_first(newsroom: ReviewedNewsroom):
    from workbench.adjudication import QueueFilter, adjudication_queue
    from workbench.model_verdicts import model_verdict, queue_by_doubt

    with newsroom.db.session() as session:
        for filters in (QueueFilter(), QueueFilter(include_unanimous=True),
                        QueueFilter(collection_id=newsroom.collections["Politics"])):
            plain = adjudication_queue(session, newsroom.lead, filters, limit=500)
            doubt = queue_by_doubt(session, newsroom.lead, filters, limit=500)
            assert doubt.total == plain.total
            assert {item.claim_id for item in doubt.items} == {item.claim_id for item in plain.items}
            by_id = {item.claim_id: item for item in plain.items}
            for item in doubt.items:
                assert item == by_id[item.claim_id]
            confidences = [model_verdict(session, newsroom.lead, item.claim_id)[2] for item in doubt.items]
            if filters.collection_id is not None:
                assert confidences == sorted(confidences)
        page = queue_by_doubt(session, newsroom.lead, QueueFilter(include_unanimous=True), offset=1, limit=2)
        assert len(page.items) <= 2
        with pytest.raises(PermissionDenied):
            queue_by_doubt(session, newsroom.reviewers[next(iter(VERDICTS))])


def test_adjudication_page_orders_by_doubt_and_shows_the_model(newsroom: ReviewedNewsroom):
    app = AppTest.from_file(str(APP / "main.py"), default_timeout=60)
    app.session_state["actor"] = newsroom.lead
    app.session_state["last_seen"] = time.time()
    app = app.switch_page("views/adjudication.py").run()
    assert not app.exception, app.exception
    assert any("Model (Dawid–Skene" in caption.value for caption in app.caption)
    app.toggle(key="adjudication_by_doubt").set_value(True).run()
    assert not app.exception, app.exception

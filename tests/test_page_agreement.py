"""The Agreement page through streamlit's AppTest: the real entry point, a signed-in lead, a real database."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from builders import APP, ReviewedNewsroom, open_agreement, signed_in
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from workbench import LABELS
from workbench.access import Actor
from workbench.adjudication import record_final_verdict
from workbench.agreement import interpret_alpha
from workbench.agreement_data import analyse
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.models import Article, Claim


@pytest.fixture
def newsroom(app_database: Database) -> ReviewedNewsroom:
    return ReviewedNewsroom(app_database)


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_headline_figures_and_their_reading(newsroom: ReviewedNewsroom):
    app = open_agreement(newsroom.lead)
    with newsroom.db.session() as session:
        expected = analyse(session, newsroom.lead, resamples=1000).report
    shown = metrics(app)
    assert shown["Krippendorff's alpha"] == f"{expected.krippendorff_alpha.value:.3f}"
    assert shown["Percent agreement"] == f"{expected.percent_agreement.value:.1%}"
    assert shown["Fleiss' kappa"] == f"{expected.fleiss_kappa.value:.3f}"
    assert shown["Claims compared"] == "7"
    captions = " ".join(caption.value for caption in app.caption)
    low, high = expected.krippendorff_alpha.ci95
    assert f"95% CI {low:.3f} to {high:.3f}" in captions
    assert "3 disputed" in captions
    assert interpret_alpha(expected.krippendorff_alpha.value).startswith("unreliable")
    (alert,) = app.error
    assert alert.value.startswith("**Unreliable**") and "0.667" in alert.value and "0.800" in alert.value


def test_pair_matrix_confusion_heatmap_and_tables(newsroom: ReviewedNewsroom):
    app = open_agreement(newsroom.lead)
    charts = app.get("vega_lite_chart")
    assert len(charts) == 2
    pair_spec, confusion_spec = (json.loads(chart.proto.spec) for chart in charts)
    assert pair_spec["layer"][0]["mark"]["type"] == "rect"
    assert confusion_spec["layer"][0]["mark"]["type"] == "rect"
    assert confusion_spec["height"] == {"step": 56}, "rows tall enough to read, whatever the page width"
    y_axis = confusion_spec["layer"][0]["encoding"]["y"]["axis"]
    assert y_axis["labelOverlap"] is False, "no row label (e.g. Disputed) is dropped"
    pairs = app.dataframe[0].value
    assert list(pairs["reviewer_a"]) == ["ann", "ann", "bob"] and list(pairs["n"]) == [6, 5, 4]
    by_label = app.dataframe[2].value
    assert list(by_label["label"]) == ["Supported", "Disputed", "Editorial framing"]
    by_article = app.dataframe[3].value
    assert set(by_article["title"]) == {"Budget row", "Winning streak"}
    by_reviewer = app.dataframe[4].value
    assert list(by_reviewer["reviewer"]) == ["ann", "bob", "cy"]


def test_every_percentage_column_is_rounded_to_one_decimal_in_every_row(newsroom: ReviewedNewsroom):
    """Streamlit's ``percent`` trims each row to its own decimals (``50%`` above ``33.33%``), and with a
    ``step`` cuts digits off (90.47% shown as 90.4%): a printf format of percents rounds (90.5%)."""
    app = open_agreement(newsroom.lead)
    with newsroom.db.session() as session:
        report = analyse(session, newsroom.lead, resamples=0).report
    percent_columns = [
        (frame_index, name)
        for frame_index, frame in enumerate(app.dataframe)
        for name, column in json.loads(frame.proto.columns).items()
        if column.get("type_config", {}).get("format", "").endswith("%")
    ]
    assert len(percent_columns) >= 8, percent_columns
    assert all(
        json.loads(app.dataframe[index].proto.columns)[name]["type_config"]["format"] == "%.1f%%"
        for index, name in percent_columns
    )
    pairs = app.dataframe[0].value
    assert list(pairs["agreement"]) == pytest.approx([pair.agreement * 100 for pair in report.cohen_kappa])
    assert pairs["kappa"].dtype.kind == "f", "a missing kappa is a blank cell, never 'None'"


def test_disputed_claims_link_into_adjudication(newsroom: ReviewedNewsroom):
    app = open_agreement(newsroom.lead)
    links = app.get("page_link")
    # Most divided first: the 1-1 split, then the 2-1 splits in claim order.
    assert [link.proto.query_string for link in links] == [f"claim={c}" for c in newsroom.ids([5, 1, 2])]
    assert all(link.proto.page == "adjudication" for link in links)
    adjudication = signed_in(newsroom.lead)
    adjudication.query_params["claim"] = str(newsroom.claims[5])
    adjudication.switch_page("views/adjudication.py").run()
    assert not adjudication.exception
    assert any("<mark>Its stadium holds 40,000 fans.</mark>" in block.value for block in adjudication.markdown)


def test_a_decided_disputed_claim_says_so(newsroom: ReviewedNewsroom):
    decided = newsroom.claims[1]
    with newsroom.db.transaction() as session:
        record_final_verdict(session, newsroom.lead, decided, LABELS[1])
    app = open_agreement(newsroom.lead)
    links = {link.proto.query_string: link.proto.label for link in app.get("page_link")}
    assert links[f"claim={decided}"] == "Review"
    assert links[f"claim={newsroom.claims[5]}"] == "Adjudicate"
    assert any(f"claim {decided} ·" in caption.value and "**final: Disputed**" in caption.value for caption in app.caption)


def test_filters_by_collection_article_and_date(newsroom: ReviewedNewsroom):
    app = open_agreement(newsroom.lead)
    app.selectbox(key="agreement_collection").set_value(newsroom.collections["Sport"]).run()
    assert metrics(app)["Claims compared"] == "3"
    article = app.selectbox(key="agreement_article")
    assert [option for option in article.options] == ["All articles", "Winning streak"]
    with newsroom.db.transaction() as session:
        politics = session.scalar(select(Article.id).where(Article.title == "Budget row"))
    app.selectbox(key="agreement_collection").set_value(None).run()
    app.selectbox(key="agreement_article").set_value(politics).run()
    assert metrics(app)["Claims compared"] == "4"
    app.date_input(key="agreement_since").set_value(date.today() + timedelta(days=2)).run()
    assert [info.value for info in app.info] == ["There are no verdicts in this scope yet."]


def test_figures_follow_new_verdicts_without_a_restart(newsroom: ReviewedNewsroom):
    app = open_agreement(newsroom.lead)
    assert metrics(app)["Claims compared"] == "7"
    with newsroom.db.transaction() as session:
        session.execute(update(Claim).where(Claim.id == newsroom.claims[0]).values(kind="heading", version=2))
    app.run()
    assert metrics(app)["Claims compared"] == "6"


def test_untrusted_text_is_shown_as_text(newsroom: ReviewedNewsroom):
    with newsroom.db.transaction() as session:
        session.execute(update(Article).values(title="<img src=x onerror=alert(1)> [click](http://evil)"))
        session.execute(update(Claim).where(Claim.id == newsroom.claims[5]).values(text="<script>alert(1)</script> **x**"))
    app = open_agreement(newsroom.lead)
    assert "<script>alert(1)</script> **x**" in [text.value for text in app.text]
    captions = [caption.value for caption in app.caption]
    assert not any("<img" in caption or "](http" in caption for caption in captions)
    assert any("&#60;img" in caption for caption in captions)


def test_empty_database(app_database: Database):
    with app_database.transaction() as session:
        lead = Actor.of(create_reviewer(session, "Lena", None, actor=Actor.operator()))
    app = open_agreement(lead)
    assert [info.value for info in app.info] == [
        "There are no verdicts in this scope yet. Start by importing articles: paste one or upload files, "
        "then check how they split into claims."
    ]
    assert [link.proto.label for link in app.get("page_link")] == ["Import articles"]


def test_reviewers_are_turned_away(newsroom: ReviewedNewsroom):
    app = signed_in(newsroom.reviewers["ann"], APP / "views" / "agreement.py").run()
    assert not app.exception
    assert [error.value for error in app.error] == ["Only a lead can see agreement between reviewers."]
    assert not app.metric

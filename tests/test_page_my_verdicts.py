"""My verdicts in AppTest: only one's own verdicts, filters, paging, edits and withdrawals into the history."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.access import Actor
from workbench.auth import create_reviewer
from workbench.db import Database
from workbench.ingest import Document, ingest_documents
from workbench.models import Claim, Verdict, VerdictHistory
from workbench.review import submit_verdict

PAGE = Path(__file__).resolve().parent.parent / "workbench" / "app" / "views" / "my_verdicts.py"
LABELLED = ["supported", "disputed", "supported", "editorial_framing"]


@pytest.fixture
def world(db: Database, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Ana labelled four claims in two articles; Ben labelled one of them too."""
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    with db.transaction() as session:
        create_reviewer(session, "lena", None, "lead", actor=Actor.operator())
        ana = Actor.of(create_reviewer(session, "ana", None, actor=Actor.operator()))
        ben = Actor.of(create_reviewer(session, "ben", None, actor=Actor.operator()))
    articles = ingest_documents(
        db,
        [
            Document(source="a.txt", text="Alpha is one. Beta is two.", title="Article A"),
            Document(
                source="b.txt", text="Gamma is three. Delta is <b>four</b>.", title="Article B"
            ),
        ],
    ).article_ids
    with db.transaction() as session:
        claims = list(
            session.scalars(select(Claim.id).where(Claim.kind == "claim").order_by(Claim.id))
        )
        for claim_id, label in zip(claims, LABELLED):
            submit_verdict(session, ana, claim_id, label, note=f"note {claim_id}")
        submit_verdict(session, ben, claims[0], "disputed", note="ben's view")
    return {"db": db, "ana": ana, "ben": ben, "claims": claims, "articles": articles}


def open_page(actor: Actor) -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=30)
    app.session_state["actor"] = actor
    app.session_state["last_seen"] = time.time()
    return app.run()


def listed(app: AppTest) -> list[int]:
    return [
        int(button.key.removeprefix("mv_edit_"))
        for button in app.button
        if button.key.startswith("mv_edit_")
    ]


def html_of(app: AppTest) -> str:
    return "\n".join(element.proto.body for element in app.get("html"))


def test_only_own_verdicts_newest_first(world):
    app = open_page(world["ana"])
    assert listed(app) == world["claims"][::-1]
    assert "ben's view" not in html_of(app)
    assert listed(open_page(world["ben"])) == [world["claims"][0]]


@pytest.mark.parametrize(
    "labels, expected",
    [(["supported"], [0, 2]), (["disputed", "editorial_framing"], [1, 3]), ([], [0, 1, 2, 3])],
)
def test_filter_by_label(world, labels, expected):
    app = open_page(world["ana"])
    app.get("button_group")[0].set_value(labels).run()
    assert sorted(listed(app)) == [world["claims"][i] for i in expected]


def test_filter_by_article(world):
    app = open_page(world["ana"])
    app.selectbox(key="mv_article").select(world["articles"][1]).run()
    assert sorted(listed(app)) == world["claims"][2:]
    assert "Delta is &#60;b&#62;four&#60;/b&#62;." in html_of(app)


def test_edit_changes_the_verdict_and_records_history(world):
    ana, claim = world["ana"], world["claims"][1]
    app = open_page(ana)
    app.button(key=f"mv_edit_{claim}").click().run()
    app.get("button_group")[1].set_value("supported")
    app.text_area(key=f"mv_note_{claim}").input("Second source confirms it.")
    app.text_area(key=f"mv_evidence_{claim}").input("https://example.org/source")
    app = app.button(key=f"mv_save_{claim}").click().run()
    assert not app.error
    with world["db"].session() as session:
        verdict = session.scalar(
            select(Verdict).where(Verdict.claim_id == claim, Verdict.reviewer_id == ana.id)
        )
        history = session.scalars(
            select(VerdictHistory)
            .where(VerdictHistory.claim_id == claim)
            .order_by(VerdictHistory.id)
        ).all()
    assert (verdict.label, verdict.note, verdict.evidence) == (
        "supported",
        "Second source confirms it.",
        ["https://example.org/source"],
    )
    assert [(h.action, h.old_label, h.new_label, h.actor_id) for h in history] == [
        ("create", None, "disputed", ana.id),
        ("update", "disputed", "supported", ana.id),
    ]
    assert listed(app)[0] == claim


def test_a_bad_edit_changes_nothing(world):
    ana, claim = world["ana"], world["claims"][0]
    app = open_page(ana)
    app.button(key=f"mv_edit_{claim}").click().run()
    app.text_area(key=f"mv_evidence_{claim}").input("javascript:alert(1)")
    app = app.button(key=f"mv_save_{claim}").click().run()
    assert "http:// or https://" in app.error[0].value
    with world["db"].session() as session:
        assert (
            session.scalar(
                select(Verdict.evidence).where(
                    Verdict.claim_id == claim, Verdict.reviewer_id == ana.id
                )
            )
            == []
        )


def test_others_are_visible_once_reviewed(world):
    claim = world["claims"][0]
    app = open_page(world["ana"])
    app.button(key=f"mv_edit_{claim}").click().run()
    assert "ben: Disputed" in " ".join(caption.value for caption in app.caption)


def test_withdraw_removes_it_and_keeps_history(world):
    ana, claim = world["ana"], world["claims"][2]
    app = open_page(ana)
    app.button(key=f"mv_edit_{claim}").click().run()
    app = app.button(key=f"mv_withdraw_{claim}").click().run()
    assert claim not in listed(app)
    with world["db"].session() as session:
        assert (
            session.scalar(
                select(Verdict).where(Verdict.claim_id == claim, Verdict.reviewer_id == ana.id)
            )
            is None
        )
        assert (
            session.scalar(
                select(VerdictHistory.old_label).where(
                    VerdictHistory.claim_id == claim, VerdictHistory.action == "delete"
                )
            )
            == "supported"
        )


def test_paging_through_many_verdicts(world):
    text = " ".join(f"Claim number {i} stands." for i in range(21))
    ingest_documents(world["db"], [Document(source="long.txt", text=text, title="Long")])
    with world["db"].transaction() as session:
        for claim_id in session.scalars(
            select(Claim.id).where(Claim.id > world["claims"][-1]).order_by(Claim.id)
        ):
            submit_verdict(session, world["ana"], claim_id, "supported")
    app = open_page(world["ana"])
    first_page = listed(app)
    assert len(first_page) == 20 and app.button(key="mv_prev").disabled
    assert "1–20 of 25 verdicts" in app.caption[0].value
    app = app.button(key="mv_next").click().run()
    second_page = listed(app)
    assert len(second_page) == 5 and not set(first_page) & set(second_page)
    assert app.button(key="mv_next").disabled
    app = app.button(key="mv_prev").click().run()
    assert listed(app) == first_page

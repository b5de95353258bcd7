"""The sign-in page in AppTest: the first lead on a fresh database, sign-in, throttling, no stored passwords."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from workbench.access import Actor
from workbench.auth import SIGN_IN_FAILED, create_reviewer
from workbench.db import Database
from workbench.models import Reviewer, SignInThrottle, utcnow

PASSWORD = "correct horse battery"


@pytest.fixture
def app_db(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    return db


def sign_in_page() -> None:
    from workbench.app import signin_form

    signin_form.draw_sign_in_page()


def new_page() -> AppTest:
    return AppTest.from_function(sign_in_page, default_timeout=30)


def open_page() -> AppTest:
    return new_page().run()


def submit(app: AppTest, label: str, **fields: str) -> AppTest:
    for key, value in fields.items():
        app.text_input(key=key).input(value)
    next(button for button in app.button if button.label == label).click()
    return app.run()


def accounts(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        return [(r.name, r.role) for r in session.scalars(select(Reviewer).order_by(Reviewer.id))]


def no_password_kept(app: AppTest) -> bool:
    return all(
        PASSWORD not in str(app.session_state[key])
        for key in ("signin_password", "first_password", "first_confirm")
        if key in app.session_state
    )


def test_a_fresh_database_creates_the_first_lead(app_db):
    app = open_page()
    assert app.subheader[0].value == "Create the first lead account"
    app = submit(
        app,
        "Create lead account",
        first_name="Lena",
        first_password=PASSWORD,
        first_confirm=PASSWORD,
    )
    assert not app.exception
    actor = app.session_state["actor"]
    assert (actor.name, actor.role) == ("Lena", "lead")
    assert accounts(app_db) == [("Lena", "lead")]
    with app_db.session() as session:
        stored = session.scalar(select(Reviewer.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert no_password_kept(app)


def test_the_first_lead_form_sent_twice_signs_in_and_a_stranger_is_still_refused(app_db):
    """Enter pressed twice: the second send of the same form finds the lead its first send made,
    and signs in with it; other credentials on a stale form are refused as before."""
    first, again, stranger = open_page(), open_page(), open_page()
    fields = {"first_name": "Lena", "first_password": PASSWORD, "first_confirm": PASSWORD}
    submit(first, "Create lead account", **fields)
    again = submit(again, "Create lead account", **fields)
    assert not again.error and again.session_state["actor"].name == "Lena"
    stranger = submit(stranger, "Create lead account", first_name="Mallory", first_password=PASSWORD + "x",
                      first_confirm=PASSWORD + "x")
    assert "already has a lead" in stranger.error[0].value and "actor" not in stranger.session_state
    assert accounts(app_db) == [("Lena", "lead")]


def test_accounts_without_passwords_still_let_the_first_lead_in(app_db):
    with app_db.transaction() as session:
        create_reviewer(session, "ana", None, actor=Actor.operator())
        create_reviewer(session, "bo", PASSWORD, actor=Actor.operator())
    app = open_page()
    assert app.subheader[0].value == "Create the first lead account"
    assert "No lead can sign in yet" in app.caption[0].value
    assert any(button.label == "Sign in" for button in app.button)  # bo may still sign in
    app = submit(app, "Create lead account", first_name="Lena", first_password=PASSWORD, first_confirm=PASSWORD)
    assert not app.exception and app.session_state["actor"].role == "lead"
    app = open_page()
    assert not app.subheader and any(button.label == "Sign in" for button in app.button)


@pytest.mark.parametrize(
    "name, password, confirm, message",
    [
        ("Lena", PASSWORD, PASSWORD + "x", "The two passwords differ"),
        ("Lena", "short", "short", "at least 8 characters"),
        ("<Lena>", PASSWORD, PASSWORD, "A reviewer name is"),
    ],
)
def test_a_bad_first_account_is_refused(app_db, name, password, confirm, message):
    app = submit(
        open_page(),
        "Create lead account",
        first_name=name,
        first_password=password,
        first_confirm=confirm,
    )
    assert message in app.error[0].value
    assert "actor" not in app.session_state and accounts(app_db) == []


@pytest.fixture
def ana(app_db: Database) -> Database:
    with app_db.transaction() as session:
        create_reviewer(session, "lena", PASSWORD, "lead", actor=Actor.operator())
        create_reviewer(session, "ana", PASSWORD, actor=Actor.operator())
    return app_db


def test_with_accounts_everyone_signs_in_and_nobody_can_claim_the_first_lead(ana):
    app = open_page()
    assert not app.subheader and [button.label for button in app.button] == ["Sign in"]
    app = submit(app, "Sign in", signin_name="ANA", signin_password=PASSWORD)
    actor = app.session_state["actor"]
    assert (actor.name, actor.role) == ("ana", "reviewer")
    assert no_password_kept(app)


@pytest.mark.parametrize(
    "name, password", [("ana", "wrong password"), ("nobody", PASSWORD), ("", "")]
)
def test_a_wrong_sign_in_is_refused(ana, name, password):
    app = submit(open_page(), "Sign in", signin_name=name, signin_password=password)
    assert "actor" not in app.session_state
    assert app.error[0].value in (SIGN_IN_FAILED, "Enter your name and password.")


def test_repeated_failures_say_when_to_try_again(ana):
    app = open_page()
    for _ in range(3):
        app = submit(app, "Sign in", signin_name="ana", signin_password="wrong password")
    with ana.transaction() as session:  # no race with a slow test machine
        session.execute(update(SignInThrottle).values(locked_until=utcnow() + timedelta(seconds=12)))
    app = submit(app, "Sign in", signin_name="ana", signin_password=PASSWORD)
    assert re.search(r"Try again in 1[12] s\.$", app.error[0].value), app.error[0].value
    assert "actor" not in app.session_state


def test_the_reason_for_a_sign_out_is_shown(ana):
    app = new_page()
    app.session_state["signed_out_reason"] = "Your session expired. Please sign in again."
    app.run()
    assert app.info[0].value == "Your session expired. Please sign in again."

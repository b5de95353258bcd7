"""What every page shares: the cached database and pipeline, the rerun's Session, the signed-in actor."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

import streamlit as st
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from workbench import render, sessions
from workbench.access import Actor, account_unchanged, require_active
from workbench.config import database_url
from workbench.db import Database, open_database
from workbench.errors import WorkbenchError

PAGES_DIR = Path(__file__).parent / "views"
"""Page scripts; not named ``pages``, which would switch Streamlit to its old multipage mode."""
SESSION_IDLE_SECONDS = 8 * 60 * 60
"""A signed-in browser session ends after this long without activity."""

T = TypeVar("T")

_rerun_session: ContextVar[Session | None] = ContextVar("rerun_session", default=None)


PAGE_SCRIPTS = Path(__file__).parent / "scripts"
"""The pages' keyboard and click scripts, one ``.js`` file each."""


@cache
def page_script_source(name: str) -> str:
    return (PAGE_SCRIPTS / f"{name}.js").read_text(encoding="utf-8")


def run_page_script(name: str, **values: object) -> None:
    """Run ``scripts/NAME.js`` in the page, each ``__KEY__`` in it replaced by ``values[key]`` as JSON.

    Each script guards itself with a flag on ``document.body``, so a rerun does not add it twice.
    """
    source = page_script_source(name)
    for key, value in values.items():
        source = source.replace(f"__{key.upper()}__", json.dumps(value))
    st.html(f"<script>\n{source}</script>", unsafe_allow_javascript=True)


@st.cache_resource(show_spinner=False)
def get_database(url: str) -> Database:
    """One engine (and connection pool) per database URL for the whole server process."""
    return open_database(url)


@st.cache_resource(show_spinner="Loading the sentence splitter…")
def get_pipeline():
    """The spaCy pipeline, built once per server process."""
    from workbench.extract import load_pipeline

    return load_pipeline()


def database() -> Database:
    return get_database(database_url())


@contextmanager
def rerun_session() -> Iterator[Session]:
    """Open the one Session this rerun uses; pages get it from :func:`session`.

    It is for reading: on SQLite it holds no write lock, so a slow page never delays a reviewer's
    save. Writes go through :func:`run_action`, in a transaction of their own.
    """
    with database().read_session() as session:
        token = _rerun_session.set(session)
        try:
            yield session
        finally:
            _rerun_session.reset(token)


def session() -> Session:
    """The Session of the current rerun."""
    current = _rerun_session.get()
    if current is None:
        raise RuntimeError("session() is only available while a page runs")
    return current


SIGN_IN_SESSION = "sign_in_session"  # id of the database session this tab is signed in with
HANDOFF = "sign_in_handoff"  # (one-time code, time): the browser trades it for the session cookie
FORGET_COOKIE = "forget_session_cookie"  # after signing out: the browser drops its cookie


def sign_in_as(actor: Actor, session_id: int | None = None) -> None:
    st.session_state["actor"] = actor
    st.session_state["last_seen"] = time.time()
    if session_id is not None:
        st.session_state[SIGN_IN_SESSION] = session_id


def start_signed_in(actor: Actor) -> None:
    """Signed in just now: record a database session and have the browser fetch its cookie."""
    new = sessions.start_session(database(), actor)
    sign_in_as(actor, new.id)
    st.session_state[HANDOFF] = (new.handoff_code, time.time())


def sign_out() -> None:
    """End this tab's sign-in session everywhere and forget everything this tab kept."""
    session_id = st.session_state.get(SIGN_IN_SESSION)
    if session_id is not None:
        try:
            sessions.end_session(database(), session_id)
        except OperationalError:
            pass  # the database is away; the browser still drops its cookie below
    st.session_state.clear()
    st.session_state[FORGET_COOKIE] = True


def signed_out(reason: str) -> None:
    """This tab's sign-in ended elsewhere (expired, ended by a lead, account changed)."""
    st.session_state.clear()
    st.session_state[FORGET_COOKIE] = True
    st.session_state["signed_out_reason"] = reason


def sync_cookie() -> None:
    """Hand the browser its session cookie after signing in, or have it drop the cookie after
    signing out. The cookie is HttpOnly: only the server routes in ``server.py`` set or clear it."""
    handoff = st.session_state.get(HANDOFF)
    if handoff is not None:
        code, issued = handoff
        if time.time() - issued > sessions.HANDOFF_LIFETIME.total_seconds():
            del st.session_state[HANDOFF]
        else:
            browser_post(SESSION_ROUTE, {"code": code})
    if st.session_state.pop(FORGET_COOKIE, False):
        browser_post(SESSION_END_ROUTE, {})


SESSION_ROUTE = "/_workbench/session"
SESSION_END_ROUTE = "/_workbench/session/end"


def browser_post(path: str, form: dict[str, str]) -> None:
    """Have the browser POST a form to one of the workbench's own routes (same origin, credentials)."""
    body = json.dumps(urlencode(form))
    st.html(
        f"<script>fetch({json.dumps(path)}, {{method: 'POST', credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'application/x-www-form-urlencoded', 'X-Workbench': '1'}}, "
        f"body: {body}}});</script>",
        unsafe_allow_javascript=True,
    )


def unexpired_actor() -> Actor | None:
    """The actor in this browser tab, unless it has been idle too long (then signed out)."""
    actor: Actor | None = st.session_state.get("actor")
    if actor is None:
        return None
    if time.time() - st.session_state.get("last_seen", 0) > SESSION_IDLE_SECONDS:
        sign_out()
        st.session_state["signed_out_reason"] = "Your session expired. Please sign in again."
        return None
    return actor


def current_actor() -> Actor | None:
    """The signed-in person, or ``None``.

    A tab signed in with a database session rechecks it on every run (ended by sign-out elsewhere,
    by a lead, by deactivation, or expired: signed out). A tab that is not signed in yet is signed
    in by a live session cookie: reloads, new tabs and deep links keep the sign-in.
    """
    actor = unexpired_actor()
    if actor is None:
        return actor_from_cookie()
    session_id = st.session_state.get(SIGN_IN_SESSION)
    if session_id is not None:
        active = sessions.session_by_id(session(), session_id)
        if active is None or active.actor != actor:
            signed_out("Your session ended (signed out, ended by a lead, or expired). Please sign in again.")
            return None
        sessions.touch(database(), active)
    else:
        if not account_unchanged(session(), actor):
            signed_out("Your account was changed. Please sign in again.")
            return None
    st.session_state["last_seen"] = time.time()
    return actor


def actor_from_cookie() -> Actor | None:
    """Sign this tab in with the browser's session cookie, if it names a live session."""
    token = st.context.cookies.get(sessions.COOKIE_NAME)
    if not token:
        return None
    active = sessions.session_for_token(session(), token)
    if active is None:
        return None
    sign_in_as(active.actor, active.id)
    sessions.touch(database(), active)
    return active.actor


def database_unavailable(error: OperationalError) -> None:
    """Say the database is away (and what was not saved), then stop the run early: Streamlit keeps
    the values of widgets an unfinished run did not draw, so typed notes survive the outage."""
    show_flash()
    st.error(
        "The database cannot be reached right now. Nothing was lost: what you had not saved is "
        "still in this page. Try again in a moment."
    )
    st.caption(f"Details: {error.orig or error}")
    st.stop()


@contextmanager
def page_session() -> Iterator[Session]:
    """The rerun's Session, or a fresh one where ``main.py`` did not run (a fragment rerun, a callback)."""
    current = _rerun_session.get()
    if current is not None:
        yield current
        return
    try:
        with rerun_session() as fresh:
            yield fresh
    except OperationalError as error:  # main.py's handler does not wrap a fragment rerun
        database_unavailable(error)


def lead_or_stop(action: str) -> Actor:
    """The signed-in lead; anyone else sees "Only a lead can …" and the page stops there."""
    actor = current_actor()
    if actor is None or not actor.is_lead:
        st.error(f"Only a lead can {action}.", icon=":material/lock:")
        st.stop()
    return actor


def load_style() -> None:
    """Apply the workbench style sheet (style tags only, so it takes no space on the page)."""
    st.html(render.STYLE_SHEET)


def id_from(value: str | None) -> int | None:
    """A database id from a query parameter, or ``None`` for anything that is not one."""
    if value and value.isascii() and value.isdigit() and len(value) <= 10 and int(value) < 2**31:
        return int(value)
    return None


PERCENT_FORMAT = "%.1f%%"


def percent_column(label: str, **options):
    """A column of shares (0–1) shown as percentages rounded to one decimal in every row (``33.3%``,
    ``90.5%``), drawn by ``table``: Streamlit's ``percent`` trims each row to its own decimals, and
    with a ``step`` cuts digits off instead of rounding."""
    return st.column_config.NumberColumn(label, format=PERCENT_FORMAT, **options)


def table(frame, column_config: dict, **options) -> None:
    """``st.dataframe`` of ``frame``: its number columns as numbers (a missing value is a blank cell,
    never ``None``), and the shares of its ``percent_column`` columns as percents."""
    import pandas as pd

    numbers = {
        name: config["type_config"].get("format")
        for name, config in column_config.items()
        if isinstance(config, dict) and config.get("type_config", {}).get("type") == "number" and name in frame
    }
    frame = frame.assign(**{
        name: pd.to_numeric(frame[name], errors="coerce") * (100 if number_format == PERCENT_FORMAT else 1)
        for name, number_format in numbers.items()
    })
    st.dataframe(frame, column_config=column_config, **options)


def flash(message: str, kind: str = "success") -> None:
    """Queue a message for the next run of the page (callbacks cannot draw elements themselves)."""
    st.session_state.setdefault("flash", []).append((kind, message))


def show_flash() -> None:
    """Show and forget the queued messages: successes as toasts, the rest inline."""
    for kind, message in st.session_state.pop("flash", []):
        if kind == "success":
            st.toast(message, icon=":material/check_circle:")
        elif kind == "error":
            st.error(message, icon=":material/error:")
        else:
            st.info(message, icon=":material/info:")


def run_action(
    action: Callable[[Session, Actor], T] | Callable[[Database, Actor], T], *, own_transactions: bool = False
) -> T | None:
    """Run a write from a widget callback as the signed-in actor, rechecked in the database first.

    The action gets a Session in one transaction opened here, or (``own_transactions``) the
    ``Database``, for the core functions that open their own (see :mod:`workbench.db`); then the
    actor is rechecked in a short read before it runs. Callbacks run before ``main.py``, so no rerun
    Session is open holding locks. A user's mistake (any ``WorkbenchError``) rolls its transaction
    back, becomes an error message and returns ``None``; so does an unreachable database.
    """
    actor = unexpired_actor()
    if actor is None:
        flash("You are signed out. Sign in again.", "error")
        return None
    try:
        if own_transactions:
            with database().read_session() as read:
                require_active(read, actor)
            return action(database(), actor)
        with database().transaction() as tx:
            require_active(tx, actor)
            return action(tx, actor)
    except WorkbenchError as error:
        flash(str(error), "error")
        return None
    except OperationalError as error:
        flash(
            f"The database cannot be reached right now; nothing was saved. Details: {error.orig or error}",
            "error",
        )
        return None

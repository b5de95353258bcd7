"""What every page shares: the cached database and pipeline, the rerun's Session, the signed-in actor."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from workbench.auth import Actor
from workbench.config import database_url
from workbench.db import Database, open_database
from workbench.models import Reviewer

PAGES_DIR = Path(__file__).parent / "pages"
SESSION_IDLE_SECONDS = 8 * 60 * 60
"""A signed-in browser session ends after this long without activity."""

_rerun_session: ContextVar[Session | None] = ContextVar("rerun_session", default=None)


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
    """Open the one Session this rerun uses; pages get it from :func:`session`."""
    with database().session() as session:
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


def sign_in_as(actor: Actor) -> None:
    st.session_state["actor"] = actor
    st.session_state["last_seen"] = time.time()


def sign_out() -> None:
    st.session_state.clear()


def current_actor() -> Actor | None:
    """The signed-in person, or ``None``; expired or deactivated sessions are signed out."""
    actor: Actor | None = st.session_state.get("actor")
    if actor is None:
        return None
    if time.time() - st.session_state.get("last_seen", 0) > SESSION_IDLE_SECONDS:
        sign_out()
        st.session_state["signed_out_reason"] = "Your session expired. Please sign in again."
        return None
    reviewer = session().get(Reviewer, actor.id)
    if reviewer is None or not reviewer.active or reviewer.role != actor.role:
        sign_out()
        st.session_state["signed_out_reason"] = "Your account was changed. Please sign in again."
        return None
    st.session_state["last_seen"] = time.time()
    return actor


def database_unavailable(error: OperationalError) -> None:
    st.error(
        "The database cannot be reached right now. Nothing was lost: what you had not saved is "
        "still in this page. Try again in a moment."
    )
    st.caption(f"Details: {error.orig or error}")

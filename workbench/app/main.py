"""Streamlit entry point: ``streamlit run workbench/app/server.py`` (or ``workbench serve``).

Every page is registered for everyone, so a deep link (``/articles?article=3``) always finds its
page: signed out, the sign-in form answers in its place and the page opens right after signing
in; a page the role may not see answers "not available to your role".
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import OperationalError

from workbench.app import common, signin_form
from workbench.app.page_list import LEAD_PAGE_PATHS, LEAD_PAGES, REVIEW_PAGES

st.set_page_config(page_title="Workbench", page_icon="🔎", layout="wide")


def page(
    name: str, title: str, icon: str, *, default: bool = False, visible: bool = True, url_path: str | None = None
) -> st.Page:
    return st.Page(
        common.PAGES_DIR / f"{name}.py",
        title=title,
        icon=icon,
        url_path=url_path or name,
        default=default,
        visibility="visible" if visible else "hidden",
    )


def queue_pages(signed_in: bool) -> list[st.Page]:
    """The review queue twice: as the default page (served at ``/``) and, hidden from the menu, at
    its own address ``/queue`` (Streamlit serves a default page at ``/`` only)."""
    name, title, icon = REVIEW_PAGES[0]
    return [
        page(name, title, icon, default=True, visible=signed_in, url_path="home"),
        page(name, title, icon, visible=False),
    ]


def navigation_for(actor) -> dict[str, list[st.Page]]:
    """Every page, shown in the menu only to those who may open it."""
    signed_in = actor is not None
    lead = signed_in and actor.is_lead
    return {
        "Review": queue_pages(signed_in)
        + [page(name, title, icon, visible=signed_in) for name, title, icon in REVIEW_PAGES[1:]],
        "Lead": [page(name, title, icon, visible=lead) for name, title, icon in LEAD_PAGES],
    }


try:
    with common.rerun_session():
        actor = common.current_actor()
        navigation = st.navigation(navigation_for(actor))
        common.sync_cookie()
        if actor is None:  # the page asked for opens once signed in (the address is kept)
            asked_for = None if navigation.url_path in ("", "queue") else navigation.title
            signin_form.draw_sign_in_page(then=asked_for)
            st.stop()
        if actor is not None:
            with st.sidebar:
                st.caption(f"Signed in as **{actor.name}** ({actor.role})")
                if st.button("Sign out", icon=":material/logout:", key="sign_out"):
                    common.sign_out()
                    st.rerun()
            if navigation.url_path in LEAD_PAGE_PATHS and not actor.is_lead:
                st.error("This page is not available to your role.", icon=":material/lock:")
                st.page_link(common.PAGES_DIR / "queue.py", label="Go to the review queue", icon=":material/task_alt:")
                st.stop()
        navigation.run()
except OperationalError as error:
    common.database_unavailable(error)

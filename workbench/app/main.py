"""Streamlit entry point: ``streamlit run workbench/app/main.py`` (or ``workbench serve``)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import OperationalError

from workbench.app import common

st.set_page_config(page_title="Workbench", page_icon="🔎", layout="wide")


def page(name: str, title: str, icon: str, *, default: bool = False) -> st.Page:
    return st.Page(common.PAGES_DIR / f"{name}.py", title=title, icon=icon, url_path=name, default=default)


def navigation_for(actor) -> dict[str, list[st.Page]] | list[st.Page]:
    if actor is None:
        return [page("signin", "Sign in", ":material/login:", default=True)]
    sections = {
        "Review": [
            page("queue", "Review queue", ":material/task_alt:", default=True),
            page("my_verdicts", "My verdicts", ":material/history:"),
            page("articles", "Articles", ":material/article:"),
            page("guidelines", "Guidelines", ":material/menu_book:"),
        ]
    }
    if actor.is_lead:
        sections["Lead"] = [
            page("import_articles", "Import", ":material/upload_file:"),
            page("team", "Reviewers & assignment", ":material/group:"),
            page("agreement", "Agreement", ":material/insights:"),
            page("adjudication", "Adjudication", ":material/gavel:"),
            page("matches", "Matches", ":material/join_inner:"),
            page("export", "Export", ":material/download:"),
        ]
    return sections


try:
    with common.rerun_session():
        actor = common.current_actor()
        navigation = st.navigation(navigation_for(actor))
        if actor is not None:
            with st.sidebar:
                st.caption(f"Signed in as **{actor.name}** ({actor.role})")
                if st.button("Sign out", icon=":material/logout:", key="sign_out"):
                    common.sign_out()
                    st.rerun()
        navigation.run()
except OperationalError as error:
    common.database_unavailable(error)

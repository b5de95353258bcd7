"""Empty pages point to the next step: Import, then Reviewers & assignment, then the review queue."""

from __future__ import annotations

import streamlit as st

from workbench.app import common
from workbench.setup_state import setup_state

STEPS: dict[str, tuple[str, str, str, str]] = {
    "import": (
        "import_articles.py", "Import articles", ":material/upload_file:",
        "Start by importing articles: paste one or upload files, then check how they split into claims.",
    ),
    "team": (
        "team.py", "Reviewers & assignment", ":material/group:",
        "Next, add reviewers and assign them collections, so they can start labelling.",
    ),
    "review": (
        "queue.py", "Review queue", ":material/task_alt:",
        "No verdicts yet: figures appear once reviewers label claims. Check who is assigned on "
        "Reviewers & assignment, or label some yourself in the review queue.",
    ),
}
"""Step → (page script, link label, icon, what to say)."""


def page_link(step: str) -> None:
    script, label, icon, _ = STEPS[step]
    st.page_link(common.PAGES_DIR / script, label=label, icon=icon)


def show_next_step(session, empty: str) -> None:
    """Say why this page is empty (``empty``) and link to the step the workbench needs next."""
    step = setup_state(session).next_step
    if step == "ready":
        st.info(empty, icon=":material/info:")
        return
    st.info(f"{empty} {STEPS[step][3]}", icon=":material/info:")
    page_link(step)
    if step == "review":
        page_link("team")

"""Matches (leads): the same claim across the articles of a story, conflicts first; confirm or reject."""

from __future__ import annotations

import streamlit as st

from workbench.app import common
from workbench.app.match_panel import show_match
from workbench.articles import visible_collections
from workbench.errors import WorkbenchError
from workbench.matching import linked_groups, list_matches, rebuild

actor = common.lead_or_stop("review matches")
common.load_style()
common.show_flash()
st.title("Matches")
st.caption(
    "Claims in different articles that say the same thing. **Linked** pairs are close enough to share "
    "a verdict; **suggested** pairs need a person. Confirming joins two claims' groups, rejecting splits them. "
    "Pairs that differ in numbers, dates, negation, direction or names are never linked and come first."
)


def rebuild_collection(name: str) -> None:
    try:
        report = rebuild(common.database(), name)
    except WorkbenchError as error:
        common.flash(str(error), "error")
    else:
        common.flash(f"Rebuilt: {report.linked} linked, {report.suggested} suggested.")


with common.page_session() as session:
    collections = [name for _, name in visible_collections(session, actor)]
    if not collections:
        st.info("No collections yet: import articles first.")
        st.stop()
    collection = st.selectbox("Story (collection)", collections, key="matches_collection")
    tier = st.segmented_control("Show", ["all", "linked", "suggested"], default="all", key="matches_tier")
    rows = list_matches(session, collection, tier=None if tier in (None, "all") else tier)

st.button("Rebuild matches", on_click=rebuild_collection, args=(collection,), icon=":material/refresh:")
groups = linked_groups(rows)
conflicts = sum(row.conflict for row in rows)
st.markdown(f"**{len(rows)}** matches · **{len(groups)}** groups of linked claims · **{conflicts}** conflicting")
if not rows:
    st.info("No matches in this story.")
for row in rows[:200]:
    with st.container(border=True):
        show_match(row, key=f"match-{row.id}")
if len(rows) > 200:
    st.caption(f"Showing the first 200 of {len(rows)}; use `workbench matches` for all.")

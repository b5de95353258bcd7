"""Matches (leads): the same claim across the articles of a story, conflicts first; confirm or reject."""

from __future__ import annotations

import streamlit as st

from workbench import render
from workbench.access import visible_collections
from workbench.app import common
from workbench.app.match_panel import show_match
from workbench.match_verdicts import detach_from_group, merge_groups
from workbench.match_search import collection_thresholds, rebuild, set_thresholds
from workbench.matching import linked_groups, list_matches
from workbench.vocabulary import counted

actor = common.lead_or_stop("review matches")
common.load_style()
common.show_flash()
st.title("Matches")
st.caption(
    "Claims in different articles that say the same thing. **Linked** pairs are close enough to share "
    "a verdict; **suggested** pairs need a person. Confirming joins two claims' groups, rejecting splits them; "
    "a group can also be merged with another or have a claim split out. "
    "Pairs that differ in numbers, dates, negation, direction or names are never linked and come first."
)


def rebuild_collection(name: str) -> None:
    report = common.run_action(lambda database, actor: rebuild(database, name), own_transactions=True)
    if report is not None:
        common.flash(f"Rebuilt: {report.linked} linked, {report.suggested} suggested.")


with common.page_session() as session:
    collections = [name for _, name in visible_collections(session, actor)]
    if not collections:
        st.info("No collections yet: import articles first.")
        st.stop()
    # Both kept in the page's address (``?collection=news&show=linked``): reload, tabs, links.
    collection = st.selectbox("Story (collection)", collections, key="collection", bind="query-params")
    tier = st.segmented_control("Show", ["all", "linked", "suggested"], default="all", key="show",
                                bind="query-params")
    every_match = list_matches(session, collection)  # groups come from all of them, whatever is shown
    rows = [row for row in every_match if tier in (None, "all") or row.tier == tier]

def save_thresholds(name: str) -> None:
    link, suggest = st.session_state["matches_link"], st.session_state["matches_suggest"]
    if common.run_action(lambda session, actor: set_thresholds(session, name, link, suggest)) is not None:
        rebuild_collection(name)


def split_out(claim_id: int) -> None:
    if (count := common.run_action(lambda session, actor: detach_from_group(session, actor, claim_id))) is not None:
        common.flash(f"Claim {claim_id} split out of its group ({counted(count, 'match', 'matches')} rejected).")


def merge_into(claim_id: int, collection: str) -> None:
    other = st.session_state[f"matches_merge_with_{claim_id}"]
    if other is None:
        return
    match_id = common.run_action(lambda session, actor: merge_groups(session, actor, claim_id, other))
    if match_id is None:
        return
    with common.page_session() as session:
        joined = next((row for row in list_matches(session, collection) if row.id == match_id), None)
    if joined is not None and joined.conflict:
        common.flash(f"Groups G{claim_id} and G{other} merged through claims {joined.claim_a} and {joined.claim_b}, "
                     f"which differ ({'; '.join(joined.reasons)}): a group verdict leaves out claims that state a different fact.",
                     "warning")
    else:
        common.flash(f"Groups G{claim_id} and G{other} merged.")


with common.page_session() as session:
    current = collection_thresholds(session, collection)
with st.expander("Thresholds of this story"):
    st.number_input("Link at or above", 0.01, 1.0, current.link, 0.01, key="matches_link")
    st.number_input("Suggest at or above", 0.01, 1.0, current.suggest, 0.01, key="matches_suggest")
    st.button("Save and rebuild", on_click=save_thresholds, args=(collection,), key="matches_save_thresholds")
st.button("Rebuild matches", on_click=rebuild_collection, args=(collection,), icon=":material/refresh:")
groups = linked_groups(every_match)
claims = {row.claim_a: (row.title_a, row.text_a) for row in every_match} | {
    row.claim_b: (row.title_b, row.text_b) for row in every_match
}
for group in groups[:50]:
    with st.expander(f"Group G{group[0]}: {len(group)} linked claims"):
        for claim_id in group:
            title, text = claims[claim_id]
            with st.container(horizontal=True, vertical_alignment="center"):
                st.markdown(f"**{claim_id}** · *{render.escape_html(render.snippet(title, 60))}*: "
                            f"{render.escape_html(render.snippet(text, 160))}")
                st.button("Split out", key=f"matches_split_{claim_id}", on_click=split_out, args=(claim_id,),
                          help=f"Split claim {claim_id} out of the group: its linked or confirmed matches are rejected.")
        others = [other[0] for other in groups if other is not group]
        if others:
            with st.container(horizontal=True, vertical_alignment="bottom"):
                st.selectbox("Merge with group", others, format_func=lambda first: f"G{first}", index=None,
                             key=f"matches_merge_with_{group[0]}")
                st.button("Merge", key=f"matches_merge_{group[0]}", on_click=merge_into, args=(group[0], collection))
conflicts = sum(row.conflict for row in rows)
st.markdown(f"**{len(rows)}** matches · **{len(groups)}** groups of linked claims · **{conflicts}** conflicting")
if not rows:
    st.info("No matches in this story.")
for row in rows[:200]:
    with st.container(border=True):
        show_match(row, actor, key=f"match-{row.id}")
if len(rows) > 200:
    st.caption(f"Showing the first 200 of {len(rows)}; use `workbench matches` for all.")

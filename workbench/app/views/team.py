"""Reviewers & assignment (lead): accounts, passwords, and who reviews which collection."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from workbench import render
from workbench.access import Actor
from workbench.app import common
from workbench.app.next_step import page_link
from workbench.app.triage_queue_panel import draw_triage_controls
from workbench.assignment import (
    CollectionOverview,
    assignments_by_reviewer,
    collection_overview,
    set_active,
    set_assigned_reviewers,
    set_reviewers_per_claim,
    verdict_counts,
)
from workbench.auth import MIN_PASSWORD_LENGTH, create_reviewer, list_reviewers, set_password
from workbench.models import ROLES, Reviewer
from workbench.vocabulary import counted

EVERY = "Every assigned reviewer"
A_NUMBER = "A fixed number"


# --- callbacks -------------------------------------------------------------------------------------


LAST_ADDED = "team_last_added"  # (name, role, monotonic time) of the last account this page added
SAME_SUBMIT_SECONDS = 30


def on_add_reviewer() -> None:
    name = st.session_state.get("team_new_name", "")
    role = st.session_state.get("team_new_role", "reviewer")
    password = st.session_state.get("team_new_password", "")
    st.session_state["team_new_password"] = ""
    last = st.session_state.get(LAST_ADDED)
    if last and last[:2] == (name.strip().casefold(), role) and time.monotonic() - last[2] < SAME_SUBMIT_SECONDS:
        st.session_state["team_new_name"] = ""  # the form sent twice (Enter pressed again): added once
        common.flash(f"Added {name.strip()} as {role}. Give them their password in person.")
        return

    def add(tx, actor) -> str:
        return create_reviewer(tx, name, password, role, actor=actor).name

    added = common.run_action(add)
    if added is not None:
        st.session_state["team_new_name"] = ""
        st.session_state[LAST_ADDED] = (name.strip().casefold(), role, time.monotonic())
        common.flash(f"Added {added} as {role}. Give them their password in person.")


def on_reset_password(reviewer_id: int, name: str) -> None:
    key = f"team_password_{reviewer_id}"
    password = st.session_state.get(key, "")
    st.session_state[key] = ""
    if common.run_action(
        lambda tx, actor: set_password(tx, reviewer_id, password, actor=actor) or True
    ):
        common.flash(f"New password set for {name}; any sign-in lock is lifted.")


def on_set_active(reviewer_id: int, name: str, active: bool) -> None:
    if common.run_action(lambda tx, actor: set_active(tx, reviewer_id, active, actor=actor)):
        common.flash(f"{name} {'activated' if active else 'deactivated'}.")


def on_save_assignment(collection: CollectionOverview) -> None:
    reviewer_ids = st.session_state.get(f"team_assigned_{collection.id}", [])
    every = st.session_state.get(f"team_mode_{collection.id}", EVERY) == EVERY
    per_claim = None if every else int(st.session_state.get(f"team_per_claim_{collection.id}", 1))

    def save(tx, actor) -> bool:
        set_assigned_reviewers(tx, collection.id, reviewer_ids, actor=actor)
        set_reviewers_per_claim(tx, collection.id, per_claim, actor=actor)
        return True

    if common.run_action(save):
        common.flash(f"Assignment of {collection.name} saved.")


# --- drawing ---------------------------------------------------------------------------------------


def draw_reviewers(session, me: Actor, reviewers: list[Reviewer]) -> None:
    assigned = assignments_by_reviewer(session)
    counts = verdict_counts(session)
    table = pd.DataFrame(
        {
            "Name": [r.name for r in reviewers],
            "Role": [r.role for r in reviewers],
            "Status": ["active" if r.active else "deactivated" for r in reviewers],
            "Verdicts": [counts.get(r.id, 0) for r in reviewers],
            "Assigned collections": [", ".join(assigned.get(r.id, [])) or "—" for r in reviewers],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")

    left, right = st.columns(2, gap="large")
    with left, st.container(border=True):
        st.html('<div class="wb-section">Add a reviewer</div>')
        with st.form("team_add", border=False):
            st.text_input("Name", key="team_new_name")
            st.selectbox("Role", ROLES, key="team_new_role")
            st.text_input(
                "First password",
                type="password",
                key="team_new_password",
                help=f"At least {MIN_PASSWORD_LENGTH} characters. They can sign in with it straight away.",
            )
            st.form_submit_button(
                "Add reviewer",
                type="primary",
                on_click=on_add_reviewer,
                icon=":material/person_add:",
            )
    with right, st.container(border=True):
        st.html('<div class="wb-section">Manage an account</div>')
        by_id = {r.id: r for r in reviewers}
        chosen = st.selectbox(
            "Account",
            list(by_id),
            format_func=lambda reviewer_id: (
                f"{by_id[reviewer_id].name} ({by_id[reviewer_id].role})"
            ),
            key="team_manage",
        )
        if chosen is None:
            return
        reviewer = by_id[chosen]
        with st.form(f"team_reset_{reviewer.id}", border=False):
            st.text_input(
                f"New password for {reviewer.name}",
                type="password",
                key=f"team_password_{reviewer.id}",
            )
            st.form_submit_button(
                "Reset password",
                on_click=on_reset_password,
                args=(reviewer.id, reviewer.name),
                icon=":material/key:",
            )
        if reviewer.id == me.id:
            st.caption("This is your own account: another lead can deactivate it.")
        elif reviewer.active:
            st.button(
                f"Deactivate {reviewer.name}",
                key=f"team_deactivate_{reviewer.id}",
                on_click=on_set_active,
                args=(reviewer.id, reviewer.name, False),
                icon=":material/person_off:",
                help="They can no longer sign in. Their verdicts are kept.",
            )
        else:
            st.button(
                f"Activate {reviewer.name}",
                key=f"team_activate_{reviewer.id}",
                on_click=on_set_active,
                args=(reviewer.id, reviewer.name, True),
                icon=":material/person_check:",
            )


def draw_assignments(session, reviewers: list[Reviewer]) -> None:
    collections = collection_overview(session)
    if not collections:
        st.info("No collections yet: a collection is made when you import articles into it.", icon=":material/info:")
        page_link("import")
        return
    active = {r.id: r.name for r in reviewers if r.active}
    ids_by_name = {r.name: r.id for r in reviewers}
    st.caption(
        "A collection with nobody assigned is open: every reviewer sees it. Once you assign reviewers, "
        "only they do. A claim leaves the other queues when it has the verdicts it needs."
    )
    for collection in collections:
        with st.container(border=True):
            st.html(
                f'<div class="wb-article-title">{render.escape_html(collection.name)}</div>'
                f'<div class="wb-meta"><span>{counted(collection.articles, "article")}</span>'
                f'<span>{counted(collection.claims, "claim")}</span>'
                f'<span class="wb-chip">{"open to everyone" if collection.is_open else "assigned"}</span></div>'
            )
            current = [
                ids_by_name[name] for name in collection.assigned if ids_by_name.get(name) in active
            ]
            left, middle, right = st.columns([2.2, 1.4, 0.8], vertical_alignment="bottom")
            left.multiselect(
                "Assigned reviewers",
                list(active),
                default=current,
                format_func=active.get,
                key=f"team_assigned_{collection.id}",
                placeholder="Nobody: open to everyone",
            )
            with middle:
                mode = st.radio(
                    "Each claim needs",
                    (EVERY, A_NUMBER),
                    index=0 if collection.reviewers_per_claim is None else 1,
                    key=f"team_mode_{collection.id}",
                    horizontal=True,
                )
                if mode == A_NUMBER:
                    st.number_input(
                        "Reviewers per claim",
                        min_value=1,
                        max_value=50,
                        value=collection.reviewers_per_claim or 2,
                        key=f"team_per_claim_{collection.id}",
                    )
            right.button(
                "Save",
                key=f"team_save_{collection.id}",
                on_click=on_save_assignment,
                args=(collection,),
                type="primary",
                width="stretch",
            )
            draw_triage_controls(session, collection.id, collection.name)


common.load_style()
with common.page_session() as page_session:
    me = common.lead_or_stop("manage reviewers")
    st.title("Reviewers & assignment", anchor=False)
    common.show_flash()
    everyone = list_reviewers(page_session)
    reviewers_tab, assignments_tab = st.tabs(["Reviewers", "Assignments"], key="team_tab", on_change="rerun")
    with reviewers_tab:
        draw_reviewers(page_session, me, everyone)
    with assignments_tab:
        draw_assignments(page_session, everyone)

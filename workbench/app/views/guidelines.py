"""Label guidelines: the three definitions everyone labels by; a lead's edit makes a new version."""

from __future__ import annotations

import streamlit as st

from workbench import LABEL_TITLES, LABELS, render
from workbench.app import common
from workbench.guidelines import (
    GuidelineVersion,
    current_guidelines,
    guideline_history,
    save_guidelines,
)


def on_save() -> None:
    edited = {label: st.session_state.get(f"guideline_{label}", "") for label in LABELS}
    saved = common.run_action(lambda tx, actor: save_guidelines(tx, actor, edited))
    if saved is not None:
        common.flash(
            f"Guidelines saved as version {saved.version}. New verdicts record this version."
        )


def describe(version: GuidelineVersion) -> str:
    if version.version == 0:
        return "Built-in definitions (no lead has edited them yet)"
    return f"Version {version.version} · by {version.author or 'unknown'} · {version.created_at:%d %b %Y %H:%M} UTC"


def draw_definitions(version: GuidelineVersion) -> None:
    for column, label in zip(st.columns(len(LABELS), gap="medium"), LABELS):
        with column, st.container(border=True, height="stretch"):
            st.html(
                f'<span class="wb-badge wb-badge-{label}">{LABEL_TITLES[label]}</span>'
                f'<p class="wb-note" style="margin-top:.6rem">{render.escape_html(version.definitions[label])}</p>'
            )


common.load_style()
with common.page_session() as page_session:
    me = common.current_actor()
    if me is None:
        st.stop()
    st.title("Label guidelines", anchor=False)
    common.show_flash()
    current = current_guidelines(page_session)
    st.caption(describe(current) + ". Each verdict records the version its reviewer saw.")
    draw_definitions(current)

    if me.is_lead:
        with (
            st.expander("Edit the definitions", icon=":material/edit:"),
            st.form("guidelines_edit", border=False),
        ):
            for label in LABELS:
                st.text_area(
                    LABEL_TITLES[label],
                    value=current.definitions[label],
                    key=f"guideline_{label}",
                    height=110,
                )
            st.form_submit_button("Save as a new version", type="primary", on_click=on_save)

    history = guideline_history(page_session)
    if len(history) > 1:
        st.subheader("Earlier versions", anchor=False)
        for version in history[1:]:
            with st.expander(describe(version)):
                draw_definitions(version)

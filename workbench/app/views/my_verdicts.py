"""My verdicts: a reviewer's own verdicts, filterable and editable; every change goes to the history."""

from __future__ import annotations

import streamlit as st

from workbench import LABEL_TITLES, LABELS, render
from workbench.app import common
from workbench.links import host_of
from workbench.review import (
    MyVerdictRow,
    SavedVerdict,
    my_articles,
    my_verdicts,
    others_verdicts,
    submit_verdict,
    verdict_history,
)
from workbench.verdicts import delete_verdict
from workbench.vocabulary import counted

PAGE_SIZE = 20
EDITING = "mv_editing"
PAGE = "mv_page"


def reset_page() -> None:
    st.session_state[PAGE] = 0
    st.session_state.pop(EDITING, None)


def on_edit(claim_id: int) -> None:
    st.session_state[EDITING] = None if st.session_state.get(EDITING) == claim_id else claim_id


def on_save(row: MyVerdictRow) -> None:
    label = st.session_state.get(f"mv_label_{row.claim_id}") or row.label
    note = st.session_state.get(f"mv_note_{row.claim_id}", row.note)
    evidence = st.session_state.get(f"mv_evidence_{row.claim_id}", "")

    def save(tx, actor) -> SavedVerdict:
        return submit_verdict(
            tx, actor, row.claim_id, label, note, evidence, expected_version=row.claim_version
        )

    saved = common.run_action(save)
    if saved is not None:
        st.session_state.pop(EDITING, None)
        common.flash("Verdict updated." if saved.before != saved.after else "Nothing changed.")


def on_withdraw(row: MyVerdictRow) -> None:
    if common.run_action(lambda tx, actor: delete_verdict(tx, actor, row.claim_id)):
        st.session_state.pop(EDITING, None)
        common.flash(
            "Verdict withdrawn; the claim is back in your queue. The history keeps what it was."
        )


def on_page(delta: int) -> None:
    st.session_state[PAGE] = max(0, st.session_state.get(PAGE, 0) + delta)
    st.session_state.pop(EDITING, None)


def draw_row(session, actor, row: MyVerdictRow) -> None:
    e = render.escape_html
    editing = st.session_state.get(EDITING) == row.claim_id
    with st.container(border=True):
        text_column, action_column = st.columns([6, 1], vertical_alignment="top")
        with text_column:
            links = " ".join(
                render.safe_link(url, host_of(url)) for url in row.evidence
            )
            note = f'<div class="wb-note">{e(row.note)}</div>' if row.note else ""
            stale = "" if row.reviewable else ' <span class="wb-chip">no longer a claim</span>'
            st.html(
                f'<span class="wb-badge wb-badge-{row.label}">{LABEL_TITLES[row.label]}</span>{stale} '
                f'<span class="wb-small">{e(row.article_title)} · {row.updated_at:%d %b %Y %H:%M} UTC</span>'
                f'<div style="font-size:1.02rem;margin:.35rem 0">{e(row.claim_text)}</div>{note}'
                f'<div class="wb-small">{links}</div>'
            )
        action_column.button(
            "Close" if editing else "Edit",
            key=f"mv_edit_{row.claim_id}",
            on_click=on_edit,
            args=(row.claim_id,),
            icon=":material/close:" if editing else ":material/edit:",
            disabled=not row.reviewable,
            width="stretch",
        )
        if editing:
            draw_editor(session, actor, row)


def draw_editor(session, actor, row: MyVerdictRow) -> None:
    st.segmented_control(
        "Label",
        LABELS,
        default=row.label,
        format_func=LABEL_TITLES.get,
        key=f"mv_label_{row.claim_id}",
    )
    note_column, evidence_column = st.columns(2)
    note_column.text_area("Note", value=row.note, key=f"mv_note_{row.claim_id}", height=90)
    evidence_column.text_area(
        "Evidence links (one per line)",
        value="\n".join(row.evidence),
        key=f"mv_evidence_{row.claim_id}",
        height=90,
    )
    with st.container(horizontal=True):
        st.button(
            "Save changes",
            key=f"mv_save_{row.claim_id}",
            type="primary",
            on_click=on_save,
            args=(row,),
        )
        st.button(
            "Withdraw verdict",
            key=f"mv_withdraw_{row.claim_id}",
            on_click=on_withdraw,
            args=(row,),
            icon=":material/delete:",
        )
    others = others_verdicts(session, actor, row.claim_id)
    if others.verdicts:
        st.caption(
            "Other reviewers: "
            + ", ".join(
                f"{other.reviewer}: {LABEL_TITLES[other.label]}" for other in others.verdicts
            )
        )
    history = verdict_history(session, actor, row.claim_id)
    with st.expander(f"History ({counted(len(history), 'change')})"):
        for change in history:
            was = LABEL_TITLES.get(change.old_label or "", "—")
            now = LABEL_TITLES.get(change.new_label or "", "withdrawn")
            source = f" (applied from the match with claim {change.source_claim_id})" if change.source_claim_id else ""
            st.caption(f"{change.changed_at:%d %b %Y %H:%M} UTC · {change.action}: {was} → {now}{source}")


common.load_style()
with common.page_session() as page_session:
    me = common.current_actor()
    if me is None:
        st.stop()
    st.title("My verdicts", anchor=False)
    common.show_flash()
    articles = dict(my_articles(page_session, me))
    with st.container(horizontal=True, vertical_alignment="bottom"):
        chosen_labels = st.pills(
            "Label",
            LABELS,
            selection_mode="multi",
            format_func=LABEL_TITLES.get,
            key="mv_labels",
            on_change=reset_page,
        )
        if st.session_state.get("mv_article") not in (None, *articles):
            st.session_state.pop("mv_article")
        article_id = st.selectbox(
            "Article",
            [None, *articles],
            format_func=lambda value: (
                "All articles" if value is None else (articles[value] or f"Article {value}")[:90]
            ),
            key="mv_article",
            on_change=reset_page,
            width=460,
        )
    page = st.session_state.get(PAGE, 0)
    rows, total = my_verdicts(
        page_session,
        me,
        labels=chosen_labels or None,
        article_id=article_id,
        limit=PAGE_SIZE,
        offset=page * PAGE_SIZE,
    )
    if total == 0:
        st.info(
            "No verdicts match."
            if chosen_labels or article_id
            else "You have not labelled any claims yet.",
            icon=":material/info:",
        )
    else:
        first = page * PAGE_SIZE + 1
        st.caption(
            f"{first:,}–{first + len(rows) - 1:,} of {counted(total, 'verdict')}, most recently changed first"
        )
        for row in rows:
            draw_row(page_session, me, row)
        with st.container(horizontal=True, horizontal_alignment="center"):
            st.button(
                "Newer",
                key="mv_prev",
                on_click=on_page,
                args=(-1,),
                disabled=page == 0,
                icon=":material/chevron_left:",
            )
            st.button(
                "Older",
                key="mv_next",
                on_click=on_page,
                args=(1,),
                disabled=first + len(rows) - 1 >= total,
                icon=":material/chevron_right:",
                icon_position="right",
            )

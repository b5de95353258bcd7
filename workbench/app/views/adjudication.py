"""Adjudication (lead): work through claims reviewers disagree on and record final verdicts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench import LABEL_TITLES, LABELS, render
from workbench.access import visible_collections
from workbench.adjudication import (
    CONTEXT_CHARS,
    DEFAULT_PAGE_SIZE,
    AdjudicationError,
    ClaimCase,
    QueueCounts,
    QueueFilter,
    QueueItem,
    accept_unanimous,
    adjudication_queue,
    claim_case,
    clear_final_verdict,
    queue_counts,
    record_final_verdict,
)
from workbench.agreement_data import article_choices
from workbench.app import common
from workbench.app.match_panel import show_group_final
from workbench.app.next_step import show_next_step
from workbench.app.reliability_panel import draw_control_toggle, draw_model_verdict
from workbench.model_verdicts import queue_by_doubt
from workbench.setup_state import setup_state
from workbench.vocabulary import counted

CLAIM = "adjudication_claim"  # the claim on screen
LINKED = "adjudication_linked"  # the ?claim= value already followed
SNIPPET_CHARS = 110
SHORTCUTS = {label: str(number) for number, label in enumerate(LABELS, start=1)}
KEYS_HELP = (
    '<div class="wb-keys"><kbd>1</kbd> <kbd>2</kbd> <kbd>3</kbd> choose the label · <kbd>W</kbd> write the '
    "rationale · <kbd>Esc</kbd> leave it · <kbd>F</kbd> record the final verdict · <kbd>J</kbd> next case · <kbd>K</kbd> previous</div>"
)


def split_text(counts: dict[str, int]) -> str:
    return " · ".join(f"{count} {LABEL_TITLES.get(label, label)}" for label, count in counts.items() if count)


def split_html(counts: dict[str, int], final_label: str | None) -> str:
    """The vote split as small chips in each label's colour (and the final verdict, if any)."""
    chips = "".join(
        f'<span class="wb-vote wb-vote-{label}">{count} {LABEL_TITLES[label]}</span>'
        for label, count in counts.items()
        if count and label in LABEL_TITLES
    )
    final = f'<span class="wb-vote-final">final: {LABEL_TITLES[final_label]}</span>' if final_label else ""
    return f'<div class="wb-votes">{chips}{final}</div>'


def label_key(claim_id: int) -> str:
    return f"adjudication_label_{claim_id}"


# --- callbacks -----------------------------------------------------------------------------------


def show_claim(claim_id: int | None) -> None:
    st.session_state[CLAIM] = claim_id
    if claim_id is None:
        st.query_params.pop("claim", None)
    else:
        st.query_params["claim"] = str(claim_id)
        st.session_state[LINKED] = str(claim_id)


def on_choose(claim_id: int, label: str) -> None:
    st.session_state[label_key(claim_id)] = label


def on_record(claim_id: int, next_claim_id: int | None, shown: tuple[str, str] | None) -> None:
    """Record the chosen label; ``shown`` is the final verdict the page showed (another lead's
    decision made since is never replaced unseen)."""
    label = st.session_state.get(label_key(claim_id))
    rationale = st.session_state.get(f"adjudication_rationale_{claim_id}", "")
    if label is None:
        common.flash("Pick the final label first.", "error")
        return
    change = common.run_action(
        lambda tx, actor: record_final_verdict(tx, actor, claim_id, label, rationale, expected_final=shown)
    )
    if change is None:
        return
    title = LABEL_TITLES[label]
    common.flash(f"Claim {claim_id}: final verdict {title}." if change.action else f"Claim {claim_id} was already final as {title}.")
    show_claim(next_claim_id)


def on_clear(claim_id: int) -> None:
    reason = st.session_state.get(f"adjudication_clear_reason_{claim_id}", "")
    if common.run_action(lambda tx, actor: clear_final_verdict(tx, actor, claim_id, reason)):
        common.flash(f"Claim {claim_id}: final verdict cleared; it is back in the queue.")


def on_accept_unanimous(collection_id: int | None, article_id: int | None) -> None:
    st.session_state["adjudication_confirm_bulk"] = False
    count = common.run_action(
        lambda tx, actor: accept_unanimous(tx, actor, collection_id=collection_id, article_id=article_id)
    )
    if count is not None:
        common.flash(f"Accepted {counted(count, 'unanimous claim')} as final.")


# --- drawing -------------------------------------------------------------------------------------


def draw_filters(session, me) -> QueueFilter:
    names = dict(visible_collections(session, me))
    left, middle, right = st.columns([3, 4, 3])
    collection_id = left.selectbox(
        "Collection", [None, *names], format_func=lambda value: "All collections" if value is None else names[value],
        key="adjudication_collection",
    )
    articles = dict(article_choices(session, collection_id))
    if st.session_state.get("adjudication_article") not in (None, *articles):
        st.session_state["adjudication_article"] = None
    article_id = middle.selectbox(
        "Article", [None, *articles], format_func=lambda value: "All articles" if value is None else articles[value],
        key="adjudication_article",
    )
    with right:
        unanimous = st.toggle("Also unanimous claims (audit)", key="adjudication_unanimous")
        decided = st.toggle("Also claims already decided", key="adjudication_decided")
    return QueueFilter(collection_id, article_id, unanimous, decided)


def draw_counts(session, me, filters: QueueFilter) -> QueueCounts:
    counts = queue_counts(session, me, filters.collection_id, filters.article_id)
    first, second, third, fourth = st.columns([2, 2, 2, 3], vertical_alignment="bottom")
    first.metric("Disputed, waiting", f"{counts.disputed_pending:,}")
    second.metric("Disputed, decided", f"{counts.disputed_decided:,}")
    third.metric("Unanimous, waiting", f"{counts.unanimous_pending:,}")
    with fourth:
        if counts.unanimous_pending:
            confirmed = st.checkbox(
                f"Make the agreed label final on {counted(counts.unanimous_pending, 'unanimous claim')}",
                key="adjudication_confirm_bulk",
            )
            st.button(
                "Accept unanimous",
                icon=":material/done_all:",
                disabled=not confirmed,
                on_click=on_accept_unanimous,
                args=(filters.collection_id, filters.article_id),
                key="adjudication_accept_unanimous",
            )
    return counts


def draw_queue(session, items: list[QueueItem], total: int, page: int) -> None:
    st.caption(f"{counted(total, 'claim')} · page {page}")
    if not items and not setup_state(session).has_verdicts:
        show_next_step(session, "Nothing to adjudicate yet.")
    elif not items:
        st.success("Nothing left to adjudicate here.", icon=":material/task_alt:")
    current = st.session_state.get(CLAIM)
    with st.container(key="adjudication_queue"):
        for item in items:
            st.button(
                render.escape_html(render.snippet(item.text, SNIPPET_CHARS)),
                key=f"adjudication_pick_{item.claim_id}",
                help=f"Claim {item.claim_id}",
                type="primary" if item.claim_id == current else "secondary",
                width="stretch",
                on_click=show_claim,
                args=(item.claim_id,),
            )
            st.html(split_html(item.label_counts, item.final_label))


def draw_case(case: ClaimCase, previous_claim_id: int | None, next_claim_id: int | None) -> None:
    """The claim and its vote split, the decision right under it, then the claim in its article
    and what each reviewer said (the panel stays in view while the list scrolls)."""
    st.markdown(f"**{render.escape_html(case.article_title)}** · claim {case.claim_id}")
    st.markdown(f'<div class="wb-context"><mark>{render.escape_html(case.text)}</mark></div>', unsafe_allow_html=True)
    st.html(split_html(case.label_counts, None))
    draw_decision(case, previous_claim_id, next_claim_id)
    before, after = case.context_before, case.context_after
    if len(before) >= CONTEXT_CHARS:  # cut: start at a word, after an ellipsis
        before = "…" + before[before.find(" ") + 1 :]
    if len(after) >= CONTEXT_CHARS:
        after = after[: after.rfind(" ")] + "…" if " " in after else after + "…"
    st.markdown("**In its article**")
    st.markdown(
        f'<div class="wb-context">{render.escape_html(before)}<mark>{render.escape_html(case.text)}</mark>'
        f"{render.escape_html(after)}</div>",
        unsafe_allow_html=True,
    )
    st.markdown(f"**Reviewers:** {split_text(case.label_counts) or 'no verdicts yet'}")
    for verdict in case.verdicts:
        with st.container(border=True):
            st.markdown(
                f"**{render.escape_html(verdict.reviewer)}** · {LABEL_TITLES.get(verdict.label, verdict.label)}"
                f" · {verdict.updated_at:%Y-%m-%d %H:%M} UTC"
            )
            if verdict.note:
                st.text(verdict.note)
            if verdict.evidence:
                st.markdown(
                    " · ".join(render.safe_link(link, link) for link in verdict.evidence), unsafe_allow_html=True
                )
    if case.history:
        with st.expander(f"History ({len(case.history)})"):
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "When (UTC)": entry.changed_at.strftime("%Y-%m-%d %H:%M"),
                            "By": entry.actor,
                            "From": LABEL_TITLES.get(entry.old_label or "", "—"),
                            "To": LABEL_TITLES.get(entry.new_label or "", "cleared"),
                            "Rationale": entry.new_rationale or "",
                        }
                        for entry in case.history
                    ]
                ),
                hide_index=True,
            )


def draw_decision(case: ClaimCase, previous_claim_id: int | None, next_claim_id: int | None) -> None:
    st.subheader("Final verdict", anchor=False)
    common.show_flash()
    if case.final is not None:
        st.markdown(
            f"Now **{LABEL_TITLES[case.final.label]}**, decided by {render.escape_html(case.final.decided_by)} "
            f"on {case.final.updated_at:%Y-%m-%d %H:%M} UTC."
        )
        if case.final.rationale:
            st.text(case.final.rationale)
        if case.changed_since_decision:
            st.warning("A reviewer changed a verdict after this decision.", icon=":material/update:")
    key = label_key(case.claim_id)
    if key not in st.session_state:
        st.session_state[key] = case.final.label if case.final else case.majority
    chosen = st.session_state[key]
    for column, label in zip(st.columns(len(LABELS)), LABELS):
        column.button(
            LABEL_TITLES[label],
            key=f"adjudication_choose_{label}",
            type="primary" if chosen == label else "secondary",
            shortcut=SHORTCUTS[label],
            on_click=on_choose,
            args=(case.claim_id, label),
            width="stretch",
        )
    majority = LABEL_TITLES[case.majority] if case.majority else None
    st.text_area(
        "Rationale",
        value=case.final.rationale if case.final else "",
        key=f"adjudication_rationale_{case.claim_id}",
        height=90,
        help=f"Required unless you follow the reviewers' majority ({majority})." if majority
        else "Required: the reviewers have no majority.",
    )
    record, back, forward = st.columns([4, 2, 2])
    record.button(
        "Record final verdict",
        type="primary",
        icon=":material/gavel:",
        key=f"adjudication_record_{case.claim_id}",
        shortcut="F",
        on_click=on_record,
        args=(case.claim_id, next_claim_id, (case.final.label, case.final.rationale or "") if case.final else None),
        width="stretch",
    )
    back.button("Previous", key="adjudication_previous", shortcut="K", disabled=previous_claim_id is None,
                on_click=show_claim, args=(previous_claim_id,), width="stretch")
    forward.button("Next", key="adjudication_next", shortcut="J", disabled=next_claim_id is None,
                   on_click=show_claim, args=(next_claim_id,), width="stretch")
    if case.final is not None:
        with st.popover("Clear final verdict", icon=":material/undo:"):
            st.text_input("Why (kept in the history)", key=f"adjudication_clear_reason_{case.claim_id}")
            st.button("Clear it", key=f"adjudication_clear_{case.claim_id}", on_click=on_clear, args=(case.claim_id,))
    show_group_final(case.claim_id, chosen, f"adjudication_rationale_{case.claim_id}")
    st.html(KEYS_HELP)


# --- the page ------------------------------------------------------------------------------------


common.load_style()
common.run_page_script("adjudication_keys")
with common.page_session() as page_session:
    me = common.lead_or_stop("adjudicate")
    st.title("Adjudication", anchor=False)
    linked = st.query_params.get("claim")
    if linked and linked != st.session_state.get(LINKED):
        st.session_state[LINKED] = linked
        st.session_state[CLAIM] = common.id_from(linked)
    filters = draw_filters(page_session, me)
    counts = draw_counts(page_session, me, filters)
    pages = max(1, -(-counts.matching(filters) // DEFAULT_PAGE_SIZE))
    queue_column, case_column = st.columns([2, 3], gap="large")
    with queue_column:
        by_doubt = st.toggle("Least certain first", key="adjudication_by_doubt",
                             help="Order by the model's confidence in its most likely verdict (Dawid–Skene).")
        page = st.pagination(pages, key="adjudication_page") if pages > 1 else 1
        queue = (queue_by_doubt if by_doubt else adjudication_queue)(
            page_session, me, filters, offset=(page - 1) * DEFAULT_PAGE_SIZE)
        if st.session_state.get(CLAIM) is None and queue.items:
            st.session_state[CLAIM] = queue.items[0].claim_id
        draw_queue(page_session, queue.items, queue.total, page)
    with case_column, st.container(key="adjudication_case"):
        claim_id = st.session_state.get(CLAIM)
        if claim_id is None:
            common.show_flash()
            st.info("Pick a claim from the queue.", icon=":material/arrow_back:")
        else:
            ids = [item.claim_id for item in queue.items]
            after = ids[ids.index(claim_id) + 1 :] if claim_id in ids else []
            others = after + [other for other in ids if other != claim_id and other not in after]
            earlier = ids[: ids.index(claim_id)] if claim_id in ids else []
            try:
                case = claim_case(page_session, me, claim_id)
                draw_case(case, earlier[-1] if earlier else None, others[0] if others else None)
                draw_model_verdict(page_session, me, claim_id)
                draw_control_toggle(page_session, claim_id, case.final is not None)
            except AdjudicationError as error:
                common.show_flash()
                st.warning(str(error), icon=":material/warning:")

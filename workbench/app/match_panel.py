"""Matches on screen: one match side by side with the differing words marked, and confirm/reject.

Used by the lead's Matches page and, with one call, by the review queue (:func:`show_claim_matches`).
Blind review holds: only texts, articles, scores and match decisions are shown, and of verdicts
only the reviewer's own on a matched claim, which the queue offers to apply here (key M).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from workbench import LABEL_TITLES, render
from workbench.access import Actor
from workbench.app import common
from workbench.match_verdicts import apply_final_to_group, group_final_preview, match_offers
from workbench.matching import MatchRow, decide_match, matches_of_claim, may_decide
from workbench.vocabulary import MatchStatus, MatchTier, counted


def decide(match_id: int, status: str) -> None:
    if common.run_action(lambda session, actor: decide_match(session, actor, match_id, status)) is not None:
        common.flash({"confirmed": "Match confirmed.", "rejected": "Match rejected.", "suggested": "Decision undone."}[status])


def show_match(row: MatchRow, actor: Actor, *, key: str) -> None:
    """A match side by side (one block of markup) with the confirm/reject buttons (disabled, with
    the reason, on a decision only a lead may change)."""
    st.html(render.match_html(row))
    locked = not may_decide(actor, row.decided_by_id)
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.button("Confirm", key=f"{key}-confirm", on_click=decide, args=(row.id, "confirmed"),
                  disabled=locked or row.status == MatchStatus.CONFIRMED, icon=":material/link:")
        st.button("Reject", key=f"{key}-reject", on_click=decide, args=(row.id, "rejected"),
                  disabled=locked or row.status == MatchStatus.REJECTED, icon=":material/link_off:")
        if row.status != MatchStatus.SUGGESTED:
            st.button("Undo decision", key=f"{key}-undo", on_click=decide, args=(row.id, "suggested"), disabled=locked)
        if locked:
            st.caption(f"Decided by {render.escape_html(row.decided_by or 'someone else')}: only a lead can change it.")


APPLY_SHORTCUT = "M"
# The queue shows this many matches of the claim on screen (best first); the rest are counted, and
# listed on the Matches page. Each one drawn costs every key press a little.
QUEUE_MATCHES_SHOWN = 3


def show_claim_matches(claim_id: int, actor: Actor, on_apply: Callable[[int, str], None]) -> None:
    """In the review queue: "Same claim in 'Article X'" for each match of the claim on screen.

    When the reviewer already labelled a matched claim, a button (the first with key M) calls
    ``on_apply(source_claim_id, label)`` to save the same verdict here.
    """
    with common.page_session() as session:
        rows = matches_of_claim(session, claim_id)
        offers = match_offers(session, actor, claim_id)
    for number, offer in enumerate(offers):
        note = f" with your note “{render.snippet(offer.note)}”" if offer.note else ""
        kind = "the same claim" if offer.linked else "possibly the same claim"
        with st.container(horizontal=True, vertical_alignment="center"):
            st.caption(
                f"You labelled {kind} in '{render.snippet(offer.source_title, 60)}' as **{LABEL_TITLES[offer.label]}**{note}."
            )
            st.button(
                f"Apply {LABEL_TITLES[offer.label]}",  # the first shows its shortcut (M) itself
                key=f"queue-apply-{claim_id}-{offer.source_claim_id}",
                shortcut=APPLY_SHORTCUT if number == 0 else None,
                on_click=on_apply,
                args=(offer.source_claim_id, offer.label),
                icon=":material/content_copy:",
            )
    for row in rows[:QUEUE_MATCHES_SHOWN]:
        label = "Same claim" if row.tier == MatchTier.LINKED else "Possibly the same claim"
        with st.expander(f"{label} in '{render.snippet(row.title_b)}'", icon=":material/link:"):
            show_match(row, actor, key=f"queue-match-{row.id}")
    if len(rows) > QUEUE_MATCHES_SHOWN:
        more = len(rows) - QUEUE_MATCHES_SHOWN
        st.caption(f"…and {counted(more, 'more possible match', 'more possible matches')} of this claim (Matches page).")


def apply_group_final(claim_id: int, label: str, rationale_key: str, members: list[int]) -> None:
    rationale = st.session_state.get(rationale_key, "")
    changes = common.run_action(
        lambda session, actor: apply_final_to_group(session, actor, claim_id, label, rationale, expected_claims=members)
    )
    if changes is not None:
        common.flash(f"Final verdict {LABEL_TITLES[label]} applied to {counted(len(changes), 'claim')} of the linked group.")


def show_group_final(claim_id: int, label: str | None, rationale_key: str) -> None:
    """Adjudication: preview, then apply the chosen final verdict to the claim's whole linked group."""
    actor = common.current_actor()
    if label is None or actor is None:
        return
    with common.page_session() as session:
        preview = group_final_preview(session, actor, claim_id, label)
    if len(preview) < 2:
        return
    changing = sum(change.changes for change in preview)
    different = sum(bool(change.conflict) for change in preview)
    left_out = f", {different} left as {'it is' if different == 1 else 'they are'} (a different fact)" if different else ""
    with st.expander(f"Linked group: {len(preview)} claims, {changing} would change to {LABEL_TITLES[label]}{left_out}",
                     icon=":material/link:"):
        for change in preview:
            before = LABEL_TITLES[change.before] if change.before else "no final verdict"
            if change.conflict:
                mark = f"(left as it is: a different fact, {render.escape_html(change.conflict)})"
            else:
                mark = "→ **" + LABEL_TITLES[label] + "**" if change.changes else "(unchanged)"
            st.markdown(f"Claim {change.claim_id} in *{render.escape_html(render.snippet(change.article_title, 60))}*: "
                        f"{before} {mark}")
            st.caption(render.escape_html(render.snippet(change.text, 200)))
        st.button(f"Apply {LABEL_TITLES[label]} to the whole group", key=f"adjudication_group_{claim_id}",
                  on_click=apply_group_final, args=(claim_id, label, rationale_key, [c.claim_id for c in preview]),
                  disabled=not changing)

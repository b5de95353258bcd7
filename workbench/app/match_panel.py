"""Matches on screen: one match side by side with the differing words marked, and confirm/reject.

Used by the lead's Matches page and, with one call, by the review queue (:func:`show_claim_matches`).
Blind review holds: only texts, articles, scores and match decisions are shown, and of verdicts
only the reviewer's own on a matched claim, which the queue offers to apply here (key M).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from workbench import LABEL_TITLES, render
from workbench.access import Actor
from workbench.app import common
from workbench.match_verdicts import apply_final_to_group, group_final_preview, match_offers
from workbench.match_text import differing_words, normalise
from workbench.matching import MatchRow, decide_match, matches_of_claim
from workbench.vocabulary import MatchStatus, MatchTier


def marked(text: str, differing: set[str]) -> str:
    """``text`` as safe HTML with the words in ``differing`` (normalised) inside ``<mark>``."""
    parts = []
    for piece in re.split(r"(\w+)", text):
        escaped = render.escape_html(piece)
        word = normalise(piece) if piece.strip() else ""
        parts.append(f"<mark>{escaped}</mark>" if word and word in differing else escaped)
    return "".join(parts)


def decide(match_id: int, status: str) -> None:
    if common.run_action(lambda session, actor: decide_match(session, actor, match_id, status)) is not None:
        common.flash({"confirmed": "Match confirmed.", "rejected": "Match rejected.", "suggested": "Decision undone."}[status])


def show_match(row: MatchRow, *, key: str) -> None:
    """A match as two columns with its tier, score, reasons and the confirm/reject buttons."""
    only_a, only_b = differing_words(row.text_a, row.text_b)
    tier = "Same claim" if row.tier == MatchTier.LINKED else "Possibly the same claim"
    status = "" if row.status == MatchStatus.SUGGESTED else f" · {row.status} by {row.decided_by or 'someone'}"
    st.markdown(f"**{tier}** · score {row.score:.2f}{status}")
    if row.reasons:
        st.warning("Differs: " + "; ".join(row.reasons), icon=":material/compare_arrows:")
    left, right = st.columns(2)
    left.caption(render.escape_html(row.title_a))
    left.html(f"<div>{marked(row.text_a, only_a)}</div>")
    right.caption(render.escape_html(row.title_b))
    right.html(f"<div>{marked(row.text_b, only_b)}</div>")
    buttons = st.columns(3)
    buttons[0].button("Confirm", key=f"{key}-confirm", on_click=decide, args=(row.id, "confirmed"),
                      disabled=row.status == MatchStatus.CONFIRMED, icon=":material/link:")
    buttons[1].button("Reject", key=f"{key}-reject", on_click=decide, args=(row.id, "rejected"),
                      disabled=row.status == MatchStatus.REJECTED, icon=":material/link_off:")
    if row.status != MatchStatus.SUGGESTED:
        buttons[2].button("Undo decision", key=f"{key}-undo", on_click=decide, args=(row.id, "suggested"))


APPLY_SHORTCUT = "M"


def show_claim_matches(claim_id: int, actor: Actor, on_apply: Callable[[int, str], None]) -> None:
    """In the review queue: "Same claim in 'Article X'" for each match of the claim on screen.

    When the reviewer already labelled a matched claim, a button (the first with key M) calls
    ``on_apply(source_claim_id, label)`` to save the same verdict here.
    """
    with common.page_session() as session:
        rows = matches_of_claim(session, claim_id)
        offers = match_offers(session, actor, claim_id)
    for number, offer in enumerate(offers):
        note = f" with your note “{offer.note[:80]}”" if offer.note else ""
        kind = "the same claim" if offer.linked else "possibly the same claim"
        with st.container(horizontal=True, vertical_alignment="center"):
            st.caption(
                f"You labelled {kind} in '{offer.source_title[:60]}' as **{LABEL_TITLES[offer.label]}**{note}."
            )
            st.button(
                f"Apply {LABEL_TITLES[offer.label]}" + (f" ({APPLY_SHORTCUT})" if number == 0 else ""),
                key=f"queue-apply-{claim_id}-{offer.source_claim_id}",
                shortcut=APPLY_SHORTCUT if number == 0 else None,
                on_click=on_apply,
                args=(offer.source_claim_id, offer.label),
                icon=":material/content_copy:",
            )
    for row in rows:
        label = "Same claim" if row.tier == MatchTier.LINKED else "Possibly the same claim"
        with st.expander(f"{label} in '{row.title_b[:80]}'", icon=":material/link:"):
            show_match(row, key=f"queue-match-{row.id}")


def apply_group_final(claim_id: int, label: str, rationale_key: str, members: list[int]) -> None:
    rationale = st.session_state.get(rationale_key, "")
    changes = common.run_action(
        lambda session, actor: apply_final_to_group(session, actor, claim_id, label, rationale, expected_claims=members)
    )
    if changes is not None:
        common.flash(f"Final verdict {LABEL_TITLES[label]} applied to {len(changes)} claim(s) of the linked group.")


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
    with st.expander(f"Linked group: {len(preview)} claims, {changing} would change to {LABEL_TITLES[label]}",
                     icon=":material/link:"):
        for change in preview:
            before = LABEL_TITLES[change.before] if change.before else "no final verdict"
            mark = "→ **" + LABEL_TITLES[label] + "**" if change.changes else "(unchanged)"
            st.markdown(f"Claim {change.claim_id} in *{render.escape_html(change.article_title[:60])}*: "
                        f"{before} {mark}")
        st.button(f"Apply {LABEL_TITLES[label]} to the whole group", key=f"adjudication_group_{claim_id}",
                  on_click=apply_group_final, args=(claim_id, label, rationale_key, [c.claim_id for c in preview]),
                  disabled=not changing)

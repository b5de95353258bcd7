"""Triage in the app: reason chips under a claim and the Articles filters (``workbench.render``
marks a claim's quote inside the claim).

Chips describe the text ("number", "quote: Kim Kardashian", "hedged"); they never show a score
or anything that reads as a verdict, so review stays blind. Pages call one function each.
"""

from __future__ import annotations

import streamlit as st

from workbench import render
from workbench.triage import SIGNAL_KINDS, signal_choice
from workbench.triage_store import StoredTriage, stored_triage

CHIP_STYLE = (
    "display:inline-block;padding:0 .5rem;margin:.1rem .25rem 0 0;border-radius:999px;"
    "background:#eef2f7;color:#475569;font-size:.78rem"
)


def chips_html(triage: StoredTriage) -> str:
    """The reason chips of one claim, as HTML."""
    return "".join(
        f'<span class="wb-triage-chip" style="{CHIP_STYLE}">{render.escape_plain(reason)}</span>'
        for reason in triage.reasons()
    )


def draw_claim_triage(session, claim_id: int) -> None:
    """Under a claim in the queue or the article view: its chips (the claim marks its quote itself)."""
    triage = stored_triage(session, [claim_id]).get(claim_id)
    if triage is None or not triage.kinds:
        return
    st.html(f'<div class="wb-triage" style="margin:.25rem 0 .5rem">{chips_html(triage)}</div>')


def article_filters(lead: bool, signal_column, score_column) -> dict:
    """Signal and (for a lead: reviewers never see scores) minimum check-worthiness filters for the
    Articles page (``ArticleFilters`` fields), drawn in the two columns given."""
    signal = signal_column.selectbox(
        "Claims with signal",
        [None, *SIGNAL_KINDS, "quote"],  # in the order of the Export page and the CLI
        format_func=lambda kind: "Any" if kind is None else signal_choice(kind),
        key="signal",
        bind="query-params",
    )
    if not lead:
        return {"signal": signal}
    minimum = score_column.slider(
        "Claims with check-worthiness at least", 0.0, 1.0, 0.0, 0.05, key="min_score", bind="query-params"
    )
    return {"signal": signal, "min_checkworthiness": minimum}


def draw_article_triage(session, claims: list[tuple[int, int, str]]) -> None:
    """Reviewers' read-only article view: each claim ``(id, position, text)`` that has signals,
    with its chips, in one collapsed list under the article."""
    stored = stored_triage(session, [claim_id for claim_id, _, _ in claims])
    rows = [
        f'<div class="wb-triage-row" style="margin:.35rem 0"><span style="color:#64748b">#{position + 1}</span> '
        f"{render.escape_plain(render.snippet(text, 90))}<br>{chips_html(stored[claim_id])}</div>"
        for claim_id, position, text in claims
        if claim_id in stored and stored[claim_id].kinds
    ]
    if rows:
        with st.expander(f"What the claims contain ({len(rows)} with signals)"):
            st.html("".join(rows))

"""Triage in the app: reason chips under a claim, its quote marked, and the Articles filters.

Chips describe the text ("number", "quote: Kim Kardashian", "hedged"); they never show a score
or anything that reads as a verdict, so review stays blind. Pages call one function each.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import select

from workbench import render
from workbench.models import Claim
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


def quote_marked_html(claim_text: str, claim_start: int, triage: StoredTriage) -> str:
    """The claim's text with its quote span highlighted (offsets are the article's)."""
    if triage.quote_start is None or triage.quote_end is None:
        return render.escape_plain(claim_text)
    start = triage.quote_start - claim_start
    end = triage.quote_end - claim_start
    if not 0 <= start < end <= len(claim_text):
        return render.escape_plain(claim_text)
    speaker = f' title="{render.escape_plain(triage.quote_speaker)}"' if triage.quote_speaker else ""
    return (
        render.escape_plain(claim_text[:start])
        + f'<span class="wb-triage-quote" style="{render.QUOTE_STYLE}"{speaker}>{render.escape_plain(claim_text[start:end])}</span>'
        + render.escape_plain(claim_text[end:])
    )


def draw_claim_triage(session, claim_id: int, quote_line: bool = True) -> None:
    """Under a claim in the queue or the article view: its chips, and (``quote_line``: where the
    claim itself does not show it marked) the claim again with its quote marked."""
    triage = stored_triage(session, [claim_id]).get(claim_id)
    if triage is None or not triage.kinds:
        return
    parts = [f'<div class="wb-triage" style="margin:.25rem 0 .5rem">{chips_html(triage)}</div>']
    if quote_line and triage.quote_start is not None:
        claim = session.execute(select(Claim.text, Claim.start_char).where(Claim.id == claim_id)).one()
        parts.append(
            '<div class="wb-triage-quoted" style="font-size:.85rem;color:#475569">Quoted: '
            + quote_marked_html(claim.text, claim.start_char, triage)
            + "</div>"
        )
    st.html("".join(parts))


def article_filters(lead: bool) -> dict:
    """Signal and (for a lead: reviewers never see scores) minimum check-worthiness filters for the
    Articles page (``ArticleFilters`` fields)."""
    signal_column, score_column = st.columns(2)
    signal = signal_column.selectbox(
        "Claims with signal",
        [None, "quote", *SIGNAL_KINDS],
        format_func=lambda kind: "Any" if kind is None else signal_choice(kind),
        key="articles_triage_signal",
    )
    if not lead:
        return {"signal": signal}
    minimum = score_column.slider(
        "Claims with check-worthiness at least", 0.0, 1.0, 0.0, 0.05, key="articles_triage_minimum"
    )
    return {"signal": signal, "min_checkworthiness": minimum}


def draw_article_triage(session, claims: list[tuple[int, int, str]]) -> None:
    """Reviewers' read-only article view: each claim ``(id, position, text)`` that has signals,
    with its chips, in one collapsed list under the article."""
    stored = stored_triage(session, [claim_id for claim_id, _, _ in claims])
    rows = [
        f'<div class="wb-triage-row" style="margin:.35rem 0"><span style="color:#64748b">#{position + 1}</span> '
        f"{render.escape_plain(text if len(text) <= 90 else text[:89] + '…')}<br>{chips_html(stored[claim_id])}</div>"
        for claim_id, position, text in claims
        if claim_id in stored and stored[claim_id].kinds
    ]
    if rows:
        with st.expander(f"What the claims contain ({len(rows)} with signals)"):
            st.html("".join(rows))

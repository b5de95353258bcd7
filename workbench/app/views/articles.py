"""Articles: the list with review progress, one article's units by kind and status, and (for a
lead) fixes to the extraction: mark a unit as claim or non-claim, merge or split units."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench import LABEL_TITLES, render
from workbench.access import Actor, visible_collections
from workbench.app import common, triage_chips
from workbench.app.next_step import show_next_step
from workbench.articles import (
    ArticleFilters,
    ArticleView,
    UnitView,
    article_view,
    list_articles,
)
from workbench.edits import edit_impact, merge_units, set_unit_kind, split_points, split_preview, split_unit
from workbench.errors import WorkbenchError
from workbench.vocabulary import ARTICLE_STATUSES, CLAIM_KINDS, KIND_TITLES, LEAD_STATUSES, REVIEWER_STATUSES, counted

ARTICLE_PARAM = "article"
PAGE = "articles_page"
FILTERS = "articles_filters"
TABLE = "articles_table"
PENDING = "articles_pending"  # an edit waiting for the lead to confirm withdrawing verdicts


PICK = "articles_pick"  # hidden field the click script writes a unit id into
def unit_key(article_id: int) -> str:
    return f"articles_unit_{article_id}"


def on_pick(article_id: int) -> None:
    """A unit clicked in the text becomes the one the extraction fixes act on."""
    picked = common.id_from(st.session_state.get(PICK))
    st.session_state[PICK] = ""
    if picked is not None:
        st.session_state[unit_key(article_id)] = picked
        st.session_state.pop(PENDING, None)


# --- navigation ------------------------------------------------------------------------------------


def open_article(article_id: int | None) -> None:
    st.session_state.pop(PENDING, None)
    if article_id is None:
        st.query_params.pop(ARTICLE_PARAM, None)
    else:
        st.query_params[ARTICLE_PARAM] = str(article_id)


def requested_article() -> int | None:
    return common.id_from(st.query_params.get(ARTICLE_PARAM))


# --- the list --------------------------------------------------------------------------------------


def draw_filters(session, actor: Actor) -> ArticleFilters:
    """The list's filters, each kept in the page's address (``?collection=news&status=…``), so a
    reload, a second tab or a shared link shows the same list."""
    collections = dict(visible_collections(session, actor))
    search, collection, status = st.columns([2.4, 1.6, 1.3], vertical_alignment="bottom")
    # Dates get room for "yyyy - mm - dd", a clear button and the calendar; the triage filters follow.
    start, end, signal, score = st.columns([1, 1, 1.5, 1.5], vertical_alignment="bottom")
    filters = ArticleFilters(
        search=search.text_input("Search", placeholder="Title or source", key="search", bind="query-params"),
        collection_id=collection.selectbox(
            "Collection",
            [None, *collections],
            format_func=lambda value: "All collections" if value is None else collections[value],
            key="collection",
            bind="query-params",
        ),
        status=status.selectbox(
            "Status",
            [None, *ARTICLE_STATUSES],
            format_func=lambda value: "Any status" if value is None else ARTICLE_STATUSES[value],
            key="status",
            bind="query-params",
        ),
        published_from=start.date_input("Published from", value=None, key="from", format="YYYY-MM-DD",
                                        bind="query-params"),
        published_to=end.date_input("Published until", value=None, key="until", format="YYYY-MM-DD",
                                        bind="query-params"),
        **triage_chips.article_filters(actor.is_lead, signal, score),
    )
    if st.session_state.get(FILTERS) != filters:
        st.session_state[FILTERS] = filters
        st.session_state[PAGE] = 1
    return filters


def listing_frame(listing, lead: bool) -> pd.DataFrame:
    """The list as a table. Progress has one definition: the share of the verdicts the claims need
    (see ``ArticleRow.progress``), so Status, Complete and Claims done always tell the same story."""
    rows = listing.rows
    frame = pd.DataFrame(
        {
            "Title": [row.title or "(untitled)" for row in rows],
            "Status": [ARTICLE_STATUSES[row.status] for row in rows],
            "Complete": [row.progress for row in rows],
            "Claims": [row.claims for row in rows],
            "Claims done": [row.claims_done for row in rows],
            "Verdicts": [row.verdicts for row in rows],
            "Per claim": [row.needed for row in rows],
            "Yours": [f"{row.mine} of {row.claims}" for row in rows],
            "Published": [row.published.isoformat() if row.published else "" for row in rows],
            "Collection": [row.collection for row in rows],
            "Source": [render.source_label(row.source) for row in rows],
        }
    )
    return frame if not lead else frame.drop(columns=["Yours"])


def draw_list(session, actor: Actor) -> None:
    st.title("Articles", anchor=False)
    filters = draw_filters(session, actor)
    listing = list_articles(session, actor, filters, page=st.session_state.get(PAGE, 1))
    if not listing.total:
        if filters == ArticleFilters() and actor.is_lead:
            show_next_step(session, "No articles yet.")
        elif filters == ArticleFilters():
            st.info("No article is open to you yet: a lead imports articles and assigns you a collection.",
                    icon=":material/info:")
        else:
            st.info("No article matches these filters.", icon=":material/filter_alt_off:")
        return
    first = (listing.page - 1) * listing.page_size + 1
    st.caption(
        f"{counted(listing.total, 'article')} · showing {first}–{first + len(listing.rows) - 1}"
        " · click an article to open it"
    )
    event = st.dataframe(
        listing_frame(listing, actor.is_lead),
        hide_index=True,
        on_select="rerun",
        selection_mode=["single-row", "single-cell"],
        key=TABLE,
        column_config={
            "Title": st.column_config.TextColumn(width=340),
            "Source": st.column_config.TextColumn(width="small"),
            "Collection": st.column_config.TextColumn(width="small"),
            "Published": st.column_config.TextColumn(help="Publication date (YYYY-MM-DD), blank when unknown"),
            "Complete": st.column_config.ProgressColumn(
                help="Verdicts given of the verdicts the claims need", min_value=0.0, max_value=1.0,
                format="percent", step=0.01, color="green", width="small",
            ),
            "Claims done": st.column_config.TextColumn(help="Claims with every verdict they need"),
            "Per claim": st.column_config.NumberColumn(
                help="Verdicts each claim needs: the collection's setting, at most the reviewers who can "
                "see it (its assigned reviewers, or every active reviewer when nobody is assigned)",
                width="small",
            ),
            "Yours": st.column_config.TextColumn(help="Your verdicts out of the claims"),
        },
    )
    chosen = event.selection.rows or [row for row, _ in event.selection.cells]
    if chosen:
        open_article(listing.rows[chosen[0]].id)
        st.rerun()
    if listing.pages > 1:
        st.session_state[PAGE] = listing.page
        st.pagination(listing.pages, key=PAGE)


# --- one article -----------------------------------------------------------------------------------


def status_summary(view: ArticleView) -> str:
    statuses = LEAD_STATUSES if view.lead_view else REVIEWER_STATUSES
    parts = [counted(view.claims, "claim")]
    parts += [f"{statuses[status]}: {count}" for status, count in view.status_counts().items()]
    return " · ".join(parts)


def draw_article(session, actor: Actor, article_id: int) -> None:
    try:
        view = article_view(session, actor, article_id)
    except WorkbenchError as error:
        st.error(str(error), icon=":material/error:")
        st.button("All articles", icon=":material/arrow_back:", on_click=open_article, args=(None,))
        return
    common.show_flash()
    st.html(render.header_html(view))
    summary, back = st.columns([5, 1], vertical_alignment="center")
    summary.caption(status_summary(view))
    back.button("All articles", icon=":material/arrow_back:", on_click=open_article, args=(None,),
                type="tertiary", width="stretch")
    st.html(render.legend_html(view.lead_view))
    if not view.lead_view:
        st.html(render.article_html(view))
        triage_chips.draw_article_triage(session, [(u.id, u.position, u.text) for u in view.units if u.is_claim])
        return
    st.text_input("Unit clicked", key=PICK, on_change=on_pick, args=(view.id,), label_visibility="collapsed")
    common.run_page_script("unit_pick")
    selected = selected_unit(view)
    text_column, edit_column = st.columns([1.8, 1], gap="large")
    with text_column:
        st.caption("Click a sentence or line to fix it.")
        st.html(f'<div class="wb-pickable">{render.article_html(view, selected.id if selected else None)}</div>')
    with edit_column, st.container(border=True, key="articles_editor"):
        draw_editor(session, view, selected)
        if selected:
            triage_chips.draw_claim_triage(session, selected.id)


def unit_choice(unit: UnitView) -> str:
    return f"#{unit.position + 1} · {KIND_TITLES[unit.kind]} · {render.snippet(unit.text, 60)}"


def selected_unit(view: ArticleView) -> UnitView | None:
    if not view.units:
        return None
    key = unit_key(view.id)
    if view.unit(st.session_state.get(key)) is None:
        st.session_state[key] = next((unit.id for unit in view.units if unit.is_claim), view.units[0].id)
    return view.unit(st.session_state[key])


# --- fixing the extraction (lead) -----------------------------------------------------------------------


def on_set_kind(article_id: int, claim_id: int, version: int) -> None:
    kind = st.session_state[f"articles_kind_{claim_id}_{version}"]
    if common.run_action(lambda tx, actor: set_unit_kind(tx, actor, claim_id, kind, expected_version=version)):
        common.flash(f"Marked as {KIND_TITLES[kind].lower()}.")


def on_ask(edit: dict) -> None:
    """Merge or split at once if no verdict is affected; otherwise ask the lead to confirm first."""
    if edit["withdrawals"]:
        st.session_state[PENDING] = edit
    else:
        on_confirm(edit)


def on_confirm(edit: dict) -> None:
    st.session_state.pop(PENDING, None)
    if edit["action"] == "merge":
        first, second = edit["units"]
        merged = common.run_action(
            lambda tx, actor: merge_units(
                tx, actor, first, second, expected_versions=edit["versions"], withdrawals=edit["withdrawals"]
            ).id
        )
        if merged is not None:
            st.session_state[unit_key(edit["article"])] = merged
            common.flash(f"Merged. {withdrawn(edit['withdrawals'])}")
    else:
        (claim_id,), (version,) = edit["units"], edit["versions"]
        parts = common.run_action(
            lambda tx, actor: split_unit(
                tx, actor, claim_id, edit["at"], expected_version=version, withdrawals=edit["withdrawals"]
            )[0].id
        )
        if parts is not None:
            common.flash(f"Split in two. {withdrawn(edit['withdrawals'])}")


def withdrawn(count: int) -> str:
    return f"{counted(count, 'verdict')} withdrawn (kept in history)." if count else ""


def draw_editor(session, view: ArticleView, unit: UnitView | None) -> None:
    st.subheader("Fix the extraction", anchor=False)
    if unit is None:
        st.caption("This article has no units.")
        return
    st.selectbox(
        "Unit", [u.id for u in view.units], format_func=lambda i: unit_choice(view.unit(i)), key=unit_key(view.id)
    )
    st.html(unit_details(view, unit))
    pending = st.session_state.get(PENDING)
    if pending and pending["article"] == view.id:
        draw_confirmation(session, pending)
        return
    draw_kind(view, unit)
    draw_merge(session, view, unit)
    draw_split(session, view, unit)


def unit_details(view: ArticleView, unit: UnitView) -> str:
    facts = [KIND_TITLES[unit.kind]]
    if unit.is_claim:
        facts.append(LEAD_STATUSES[unit.status])
    facts += [f"{LABEL_TITLES[label]}: {count}" for label, count in unit.label_counts]
    if unit.final_label:
        facts.append(f"Final: {LABEL_TITLES[unit.final_label]}")
    if not unit.is_claim and unit.verdicts:
        facts.append(f"{counted(unit.verdicts, 'verdict')} kept, not counting")
    chips = "".join(f'<span class="wb-chip">{render.escape_html(fact)}</span> ' for fact in facts)
    return (
        f'<div class="wb-small" style="margin-bottom:.35rem">{chips}</div>'
        f'<div class="wb-note" style="border-left:3px solid #d0d7de;padding-left:.6rem">{render.escape_html(unit.text)}</div>'
    )


def draw_kind(view: ArticleView, unit: UnitView) -> None:
    key = f"articles_kind_{unit.id}_{unit.version}"
    left, right = st.columns([1.3, 1], vertical_alignment="bottom")
    kind = left.selectbox(
        "Kind", CLAIM_KINDS, index=CLAIM_KINDS.index(unit.kind), format_func=KIND_TITLES.get, key=key
    )
    right.button(
        "Apply kind",
        disabled=kind == unit.kind,
        on_click=on_set_kind,
        args=(view.id, unit.id, unit.version),
        key=f"articles_apply_kind_{unit.id}",
        width="stretch",
    )
    st.caption("Changing the kind keeps verdicts: a non-claim's verdicts stop counting until it is a claim again.")


def draw_merge(session, view: ArticleView, unit: UnitView) -> None:
    before, after = view.neighbours(unit.id)
    st.caption("Merge this unit with the one before or after it")
    left, right = st.columns(2)
    for column, neighbour, label, icon, side in (
        (left, before, "Previous", ":material/arrow_upward:", "previous"),
        (right, after, "Next", ":material/arrow_downward:", "next"),
    ):
        edit = None
        if neighbour is not None:
            first, second = sorted((unit, neighbour), key=lambda u: u.position)
            edit = {
                "action": "merge",
                "article": view.id,
                "units": (first.id, second.id),
                "versions": (first.version, second.version),
                "withdrawals": edit_impact(session, [first.id, second.id]).total,
                "describe": f"Merge #{first.position + 1} and #{second.position + 1}",
            }
        column.button(
            label, icon=icon, disabled=edit is None, on_click=on_ask, args=(edit,), key=f"articles_merge_{side}_{unit.id}",
            width="stretch",
        )


def draw_split(session, view: ArticleView, unit: UnitView) -> None:
    points = split_points(unit.text)
    if not points:
        st.caption("A single word cannot be split.")
        return
    key = f"articles_split_{unit.id}_{unit.version}"
    at = st.selectbox("Split before", points, format_func=lambda at: split_preview(unit.text, at), key=key)
    edit = {
        "action": "split",
        "article": view.id,
        "units": (unit.id,),
        "versions": (unit.version,),
        "at": at,
        "withdrawals": edit_impact(session, [unit.id]).total,
        "describe": f"Split #{unit.position + 1}",
    }
    st.button("Split here", icon=":material/call_split:", on_click=on_ask, args=(edit,), key=f"split_{unit.id}",
              width="stretch")


def draw_confirmation(session, pending: dict) -> None:
    impact = edit_impact(session, list(pending["units"]))
    st.warning(f"{pending['describe']}? {impact.message()}", icon=":material/warning:")
    st.button(
        f"{pending['describe']}, withdrawing {impact.counted()}",
        type="primary",
        on_click=on_confirm,
        args=({**pending, "withdrawals": impact.total},),
        key="articles_confirm",
        width="stretch",
    )
    st.button("Cancel", on_click=st.session_state.pop, args=(PENDING, None), key="articles_cancel", width="stretch")


common.load_style()
with common.page_session() as page_session:
    me = common.current_actor()
    if me is None:
        st.stop()
    article = requested_article()
    if article is None:
        draw_list(page_session, me)
    else:
        draw_article(page_session, me, article)

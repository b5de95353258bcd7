"""Export (leads only): download verdict sets in every layout and format; import verdicts back.

Downloads are built when clicked: the export is written to ``exports/`` (as the command line
does) and that file is sent. Exports above ``BROWSER_DOWNLOAD_MAX_ROWS`` rows are not offered
here; the page points to ``workbench export``, which streams any size to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from workbench import LABEL_TITLES, LABELS, render
from workbench.app import common
from workbench.app.next_step import show_next_step
from workbench.config import EXPORTS_DIR
from workbench.db import Database
from workbench.errors import WorkbenchError
from workbench.export import (
    BROWSER_DOWNLOAD_MAX_ROWS,
    count_export_rows,
    default_file_name,
    export_to_path,
)
from workbench.export_options import (
    DEFAULT_ORGANISATION,
    DEFAULT_RATINGS,
    LAYOUTS,
    ClaimReviewSettings,
    ExportFilters,
    ExportOptions,
    Rating,
    since_date,
)
from workbench.export_queries import EXPORT_SIGNALS, export_choices
from workbench.setup_state import setup_state
from workbench.triage import signal_choice
from workbench.verdict_file import VerdictImportError
from workbench.verdict_import import MAX_UPLOAD_BYTES, ImportReport, check_verdict_file, import_verdicts
from workbench.vocabulary import counted

PROBLEMS_LISTED = 200
LAYOUT_TEXT = {
    "long": (
        "Verdicts (long)",
        "One row per verdict: the file analysts load, and the one import reads back.",
    ),
    "wide": (
        "Claims (wide)",
        "One row per claim, reviewed or not: a verdict column per reviewer, majority, agreement, final verdict.",
    ),
    "final": ("Final verdicts", "Adjudicated claims only, with the lead's rationale."),
}
FORMAT_TEXT = {"csv": "CSV (spreadsheets, pandas, R)", "jsonl": "JSON Lines (typed, for pipelines)"}
MIME = {"csv": "text/csv", "jsonl": "application/x-ndjson", "claimreview": "application/x-ndjson"}
UPLOAD_GENERATION = "export_upload_generation"
IMPORT_RESULT = "export_import_result"


def build_download(database: Database, options: ExportOptions, named_at: datetime) -> Callable[[], bytes]:
    """The deferred download: write the export into exports/ when clicked, then send that file. The
    copy in exports/ is named as the download is (``named_at``, when the button was drawn)."""

    def build() -> bytes:
        return export_to_path(database, options, now=named_at).path.read_bytes()

    return build


def draw_filters(session: Session) -> ExportFilters:
    choices = export_choices(session)
    titles = dict(choices.articles)
    collections, articles, reviewers, since = st.columns(4)
    signals, score = st.columns(2)
    return ExportFilters(
        signals=tuple(
            signals.multiselect(
                "Signals", EXPORT_SIGNALS, key="export_signals", placeholder="Any", format_func=signal_choice,
                help="Only claims with every chosen triage signal (see Triage in the README).",
            )
        ),
        min_checkworthiness=score.slider(
            "Minimum check-worthiness", 0.0, 1.0, 0.0, 0.05, key="export_min_checkworthiness",
        ) or None,
        collections=tuple(
            collections.multiselect(
                "Collections", choices.collections, key="export_collections", placeholder="All"
            )
        ),
        article_ids=tuple(
            articles.multiselect(
                "Articles",
                list(titles),
                format_func=lambda article_id: (
                    f"#{article_id} {titles.get(article_id) or 'Untitled'}"
                ),
                key="export_articles",
                placeholder="All",
            )
        ),
        reviewers=tuple(
            reviewers.multiselect(
                "Reviewers",
                choices.reviewers,
                key="export_reviewers",
                placeholder="All",
                help="Long: only their verdicts. Wide: only their columns. Does not apply to final verdicts.",
            )
        ),
        since=(
            since_date(day)
            if (
                day := since.date_input(
                    "Changed since (UTC)", value=None, key="export_since", format="YYYY-MM-DD"
                )
            )
            else None
        ),
    )


def draw_download(database: Database, options: ExportOptions, title: str, description: str) -> None:
    text, count_column, button_column = st.columns([5, 2, 2], vertical_alignment="center")
    text.markdown(f"**{title}**  \n{description}")
    try:
        rows = count_export_rows(database, options)
    except WorkbenchError as error:
        count_column.error(render.markdown_escape(str(error)), icon=":material/error:")
        return
    unit = (
        "claim"
        if options.layout == "wide"
        else ("review" if options.format == "claimreview" else "row")
    )
    count_column.caption(counted(rows, unit))
    too_big = rows > BROWSER_DOWNLOAD_MAX_ROWS
    named_at = datetime.now(timezone.utc)
    button_column.download_button(
        "Download",
        data=build_download(database, options, named_at),
        file_name=default_file_name(options, named_at),
        mime=MIME[options.format],
        on_click="ignore",
        icon=":material/download:",
        disabled=too_big or rows == 0,
        key=f"download_{options.format}_{options.layout}",
    )
    if too_big:
        st.info(
            f"Over {BROWSER_DOWNLOAD_MAX_ROWS:,} rows is too much for a browser download. On the server, run "
            f"`workbench export --format {options.format} --layout {options.layout}` with the same filters "
            f"(--collection, --article, --reviewer, --since, --signal, --min-checkworthiness): it streams any size into `{EXPORTS_DIR}/`.",
            icon=":material/terminal:",
        )


def draw_claimreview(database: Database, filters: ExportFilters) -> None:
    with st.expander("ClaimReview (schema.org JSON-LD) for publishing final verdicts"):
        organisation = st.text_input(
            "Organisation (author)", value=DEFAULT_ORGANISATION, key="export_organisation"
        )
        review_url = st.text_input(
            "Review URL template",
            key="export_review_url",
            placeholder="https://example.org/fact-checks/{claim_id}",
            help="Where each review is published; {claim_id} and {article_id} are filled in. Search engines need it.",
        )
        ratings: dict[str, Rating] = {}
        for column, label in zip(st.columns(len(LABELS)), LABELS, strict=True):
            name = column.text_input(
                f"Rating for “{LABEL_TITLES[label]}”",
                value=DEFAULT_RATINGS[label].alternate_name,
                key=f"export_rating_{label}",
            )
            ratings[label] = Rating(name.strip() or DEFAULT_RATINGS[label].alternate_name)
        options = ExportOptions(
            format="claimreview",
            layout="final",
            filters=replace(filters, reviewers=()),
            claimreview=ClaimReviewSettings(
                organisation=organisation, ratings=ratings, review_url=review_url.strip() or None
            ),
        )
        try:
            options.checked()
        except WorkbenchError as error:
            st.error(render.markdown_escape(str(error)), icon=":material/error:")
            return
        draw_download(
            database, options, "ClaimReview", "One ClaimReview object per line (JSON Lines)."
        )


def draw_export(session: Session, database: Database) -> None:
    if not setup_state(session).has_verdicts:
        show_next_step(session, "Nothing to export yet.")
        return
    filters = draw_filters(session)
    format_column, guard_column = st.columns(2)
    export_format = format_column.radio(
        "Format",
        list(FORMAT_TEXT),
        format_func=FORMAT_TEXT.get,
        horizontal=True,
        key="export_format",
    )
    guard = guard_column.toggle(
        "Formula guard",
        value=True,
        key="export_guard",
        disabled=export_format != "csv",
        help="Puts a ' before cells starting with = + - @ so spreadsheets never run them as formulas. "
        "Import undoes it exactly. Turn off only for pipelines that never open the file in a spreadsheet.",
    )
    for layout in LAYOUTS:
        layout_filters = replace(filters, reviewers=()) if layout == "final" else filters
        options = ExportOptions(
            format=export_format, layout=layout, filters=layout_filters, formula_guard=guard
        )
        draw_download(database, options, *LAYOUT_TEXT[layout])
    st.caption("Every column is described in the README, section 'Verdict exports'. Times are UTC.")
    draw_claimreview(database, filters)


def on_import(data: bytes, create_reviewers: bool, formula_guard: bool) -> None:
    """Write the checked file (checked again inside the transaction) as the signed-in lead."""

    def import_as(database, actor) -> ImportReport | None:
        try:
            return import_verdicts(
                database,
                data,
                actor=actor,
                create_reviewers=create_reviewers,
                formula_guard=formula_guard,
                max_bytes=MAX_UPLOAD_BYTES,
            )
        except WorkbenchError as error:  # the message quotes the file: shown literally
            common.flash(render.markdown_escape(str(error)), "error")
            return None

    report = common.run_action(import_as, own_transactions=True)
    if report is None:
        return
    st.session_state[IMPORT_RESULT] = report.summary()
    st.session_state[UPLOAD_GENERATION] = st.session_state.get(UPLOAD_GENERATION, 0) + 1


def draw_problems(error: VerdictImportError) -> None:
    st.error(
        f"This file cannot be imported and nothing was written: {counted(error.total, 'problem')}. "
        "Fix them and upload it again.",
        icon=":material/error:",
    )
    listed = error.problems[:PROBLEMS_LISTED]
    st.dataframe(
        pd.DataFrame({"Line": [p.line for p in listed], "Problem": [p.message for p in listed]}),
        hide_index=True,
        width="stretch",
        column_config={"Line": st.column_config.NumberColumn(width="small")},
    )
    if error.total > len(listed):
        st.caption(
            f"The first {len(listed):,} are listed; `workbench import-verdicts --dry-run FILE` lists them too."
        )


def draw_import(session: Session) -> None:
    st.caption(
        "Upload a long CSV export (for reviewers who worked offline or in another copy). The whole file is "
        "checked first; then every row lands, or none does. Changes are recorded in each verdict's history "
        "under your name, and importing the same file again changes nothing."
    )
    if IMPORT_RESULT in st.session_state:
        st.success(render.markdown_escape(st.session_state.pop(IMPORT_RESULT)), icon=":material/task_alt:")
    uploaded = st.file_uploader(
        "Verdict file (.csv)",
        type=["csv"],
        key=f"export_upload_{st.session_state.get(UPLOAD_GENERATION, 0)}",
        max_upload_size=MAX_UPLOAD_BYTES // 2**20,
        help=f"Up to {MAX_UPLOAD_BYTES // 2**20} MiB; larger files: workbench import-verdicts FILE.",
    )
    create_column, guard_column = st.columns(2)
    create_reviewers = create_column.checkbox(
        "Create missing reviewers",
        key="export_create_reviewers",
        help="Added without a password; set one on the team page.",
    )
    formula_guard = guard_column.checkbox(
        "Undo the formula guard",
        value=True,
        key="export_unguard",
        help="Untick for files exported without the guard.",
    )
    if uploaded is None:
        return
    data = uploaded.getvalue()
    try:
        report = check_verdict_file(
            session,
            data,
            create_reviewers=create_reviewers,
            formula_guard=formula_guard,
            max_bytes=MAX_UPLOAD_BYTES,
        )
    except VerdictImportError as error:
        draw_problems(error)
        return
    st.info(render.markdown_escape(report.summary()), icon=":material/fact_check:")
    changes = report.created + report.updated
    st.button(
        f"Import {counted(changes, 'change')}"
        if changes
        else "Nothing to import",
        type="primary",
        icon=":material/upload:",
        disabled=changes == 0 and not report.reviewers_created,
        on_click=on_import,
        args=(data, create_reviewers, formula_guard),
        key="export_import",
    )


common.load_style()
with common.page_session() as page_session:
    me = common.lead_or_stop("export or import verdicts")
    st.title("Export", anchor=False)
    common.show_flash()
    export_tab, import_tab = st.tabs(["Download", "Import verdicts"], key="export_tab", on_change="rerun")
    with export_tab:
        draw_export(page_session, common.database())
    with import_tab:
        draw_import(page_session)

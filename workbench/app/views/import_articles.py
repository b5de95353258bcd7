"""Import: paste an article or upload files, preview how each splits into claims, then import them."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import date

import streamlit as st

from workbench import render
from workbench.access import Actor, visible_collections
from workbench.app import common
from workbench.errors import WorkbenchError
from workbench.import_preview import (
    DocumentPreview,
    import_documents,
    pasted_document,
    preview_documents,
    read_uploads,
)
from workbench.ingest import DEFAULT_COLLECTION, SUPPORTED_SUFFIXES, Document, IngestReport
from workbench.links import web_link
from workbench.vocabulary import counted

PREVIEW = "import_preview"  # what the last Preview produced, so reruns do not split again
REPORT = "import_report"  # what the last import did
COLLECTION = "import_collection"
NEW_COLLECTION = "import_new_collection"
UPLOADS = "import_uploads"
UPLOADER_ROUND = "import_uploader_round"  # bumped after an import, so the uploader starts empty
NEW = "New collection…"  # plain text: a full-width plus is missing from some fonts


# --- inputs ---------------------------------------------------------------------------------------------


def chosen_collection(session, actor: Actor) -> str:
    """The collection to import into: an existing one (the first, by name, unless chosen), or
    ``default`` while there is none, or a new one named here."""
    names = [name for _, name in visible_collections(session, actor)] or [DEFAULT_COLLECTION]
    options = [*names, NEW]
    if st.session_state.get(COLLECTION) not in options:
        st.session_state[COLLECTION] = names[0]
    left, right = st.columns(2)
    choice = left.selectbox("Into collection", options, key=COLLECTION)
    if choice != NEW:
        return choice
    return right.text_input("New collection name", key=NEW_COLLECTION, max_chars=200, placeholder="e.g. election-2024")


def signature(*parts) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def paste_signature() -> str:
    state = st.session_state
    return signature("paste", state.get("import_text", ""), state.get("import_title", ""),
                     state.get("import_url", ""), state.get("import_date"))


def upload_signature(files) -> str:
    return "upload:" + signature("upload", tuple((f.file_id, f.name, f.size) for f in files or ()))


def draw_paste(session, collection: str) -> None:
    st.text_area("Article text", key="import_text", height=220,
                 placeholder="Paste the article here: headline on the first line, then the body.")
    title, url, published = st.columns([2, 2, 1])
    title.text_input("Title (optional)", key="import_title", max_chars=1000)
    url.text_input("URL (optional)", key="import_url", placeholder="https://…")
    published.date_input("Published (optional)", value=None, key="import_date", format="YYYY-MM-DD",
                         min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
    if st.button("Preview", icon=":material/visibility:", key="import_preview_paste", type="primary"):
        state = st.session_state
        try:
            document = pasted_document(state["import_text"], state["import_title"], state["import_url"],
                                       state["import_date"])
        except WorkbenchError as error:
            st.error(render.markdown_escape(str(error)), icon=":material/error:")
            return
        make_preview(session, [document], [], collection, paste_signature())


def uploader_key() -> str:
    return f"{UPLOADS}_{st.session_state.get(UPLOADER_ROUND, 0)}"


def draw_upload(session, collection: str) -> None:
    files = st.file_uploader(
        "Files", type=[suffix.lstrip(".") for suffix in SUPPORTED_SUFFIXES], accept_multiple_files=True,
        key=uploader_key(), help="Text, Markdown, HTML, CSV (a text column) or JSON Lines (a text field); UTF-8.",
    )
    if st.button("Preview", icon=":material/visibility:", key="import_preview_files", type="primary",
                 disabled=not files):
        documents, errors = read_uploads([(f.name, f.getvalue()) for f in files])
        make_preview(session, documents, errors, collection, upload_signature(files))


def make_preview(session, documents: list[Document], errors: list[str], collection: str, source: str) -> None:
    """Split the documents once and keep the result for the following reruns."""
    st.session_state[REPORT] = None
    if not collection:
        st.error("Name the new collection first.", icon=":material/error:")
        return
    previews = preview_documents(session, documents, collection, common.get_pipeline()) if documents else []
    st.session_state[PREVIEW] = {
        "documents": documents,
        "previews": previews,
        "errors": errors,
        "collection": collection,
        "signature": source,
    }


# --- preview and import ------------------------------------------------------------------------------------


REPORT_KEPT_SECONDS = 60  # how long a reloaded tab of the same sign-in still shows the last import's report
TAB = "import_tab_id"  # tells this tab from a reloaded one of the same sign-in


@st.cache_resource
def reports_to_show() -> dict[int, tuple[float, str, tuple[str, IngestReport]]]:
    """The last import's report per sign-in session: (when, the tab that imported, the report). A
    reload pressed right after Import loses the tab that would have shown it, so the next run of
    this page in another tab of that sign-in within ``REPORT_KEPT_SECONDS`` shows it, once (also
    when the import finished only after the reloaded page first drew)."""
    return {}


def keep_report(sign_in_session: int | None, tab: str | None, stored: tuple[str, IngestReport]) -> None:
    """Keep the report for a reloaded tab. Touches no session state: a reload during the import
    closes this tab's session, whose state can no longer be read (so the caller reads it first)."""
    kept, now = reports_to_show(), time.monotonic()
    if sign_in_session is not None:
        kept[sign_in_session] = (now, tab, stored)
    for key, (when, _tab, _stored) in list(kept.items()):
        if now - when >= REPORT_KEPT_SECONDS:
            kept.pop(key, None)  # no tab came for it


def report_of_a_reloaded_tab() -> tuple[str, IngestReport] | None:
    """The report another tab of this sign-in imported moments ago (see ``reports_to_show``); taken
    with one ``pop``, so two tabs opened at once cannot both show it."""
    kept, sign_in_session = reports_to_show(), st.session_state.get(common.SIGN_IN_SESSION)
    entry = kept.pop(sign_in_session, None)
    if entry is None:
        return None
    when, tab, stored = entry
    if tab == st.session_state[TAB]:
        kept.setdefault(sign_in_session, entry)  # this tab's own report: left for a reload of it
        return None
    return stored if time.monotonic() - when < REPORT_KEPT_SECONDS else None


def on_import() -> None:
    preview = st.session_state.get(PREVIEW)
    if not preview:
        return
    sign_in_session, tab = st.session_state.get(common.SIGN_IN_SESSION), st.session_state.get(TAB)
    report = common.run_action(
        lambda database, actor: import_documents(
            database, actor, preview["documents"], preview["collection"], common.get_pipeline()
        ),
        own_transactions=True,
    )
    if report is None:
        return
    report.failed += len(preview["errors"])
    report.messages = [*preview["errors"], *report.messages]
    keep_report(sign_in_session, tab, (preview["collection"], report))
    st.session_state[REPORT] = (preview["collection"], report)
    st.session_state.pop(PREVIEW)
    if preview["signature"].startswith("upload:"):
        st.session_state[UPLOADER_ROUND] = st.session_state.get(UPLOADER_ROUND, 0) + 1


def preview_is_current(preview: dict, collection: str) -> bool:
    files = st.session_state.get(uploader_key())
    current = {paste_signature(), upload_signature(files)}
    return preview["signature"] in current and preview["collection"] == collection


def document_facts(preview: DocumentPreview) -> str:
    facts = [render.escape_html(preview.source), counted(preview.claims, "claim"), counted(len(preview.units), "unit")]
    if preview.published:
        facts.append(preview.published.isoformat())
    link = web_link(preview.url)
    if link:
        facts.append(render.safe_link(link, link))
    elif preview.url:
        facts.append(f"URL {render.escape_html(preview.url)}")
    if preview.duplicate:
        facts.append('<span class="wb-chip">already imported: will be skipped</span>')
    return f'<div class="wb-meta">{"".join(f"<span>{fact}</span>" for fact in facts)}</div>'


def draw_preview(collection: str) -> None:
    preview = st.session_state.get(PREVIEW)
    if not preview:
        return
    st.divider()
    st.subheader("Preview", anchor=False)
    for error in preview["errors"]:
        st.error(render.markdown_escape(error), icon=":material/error:")
    previews: list[DocumentPreview] = preview["previews"]
    documents: list[Document] = preview["documents"]
    if not documents:
        st.info("Nothing to import: every file had a problem (see above).", icon=":material/info:")
        return
    fresh = len(documents) - sum(p.duplicate for p in previews)
    claims = sum(p.claims for p in previews)
    st.caption(
        f"{counted(len(documents), 'article')} read"
        + (f"; the first {len(previews)} are previewed" if len(previews) < len(documents) else "")
        + f" · {counted(claims, 'claim')} in the preview."
    )
    st.html(render.legend_html(lead_view=True, with_status=False))
    current = preview_is_current(preview, collection)
    if not current:
        st.warning("The text, files or collection changed since this preview. Preview again before importing.",
                   icon=":material/sync_problem:")
    st.button(
        f"Import {counted(len(documents), 'article')} into “{preview['collection']}”",
        icon=":material/download_done:",
        type="primary",
        disabled=not current or (fresh == 0 and len(previews) == len(documents)),
        on_click=on_import,
        key="import_commit",
    )
    for index, document in enumerate(previews):
        with st.expander(f"Article {index + 1} of {len(documents)}: {counted(document.claims, 'claim')}", expanded=index == 0):
            st.html(f'<div class="wb-article-title">{render.escape_html(document.title or "Untitled")}</div>'
                    + document_facts(document))
            st.html(render.preview_html(document))


def draw_report() -> None:
    if not st.session_state.get(REPORT):  # none of its own: one a reloaded tab left, if any
        st.session_state[REPORT] = report_of_a_reloaded_tab()
    stored = st.session_state[REPORT]
    if not stored:
        return
    collection, report = stored
    report: IngestReport
    (st.success if report.added else st.warning)(report.summary(), icon=":material/task_alt:")
    for message in report.messages:
        st.text(message)
    if report.article_ids:
        st.page_link(common.PAGES_DIR / "articles.py", label=f"Open the articles of “{collection}”",
                     icon=":material/article:")


common.load_style()
with common.page_session() as page_session:
    me = common.lead_or_stop("import articles")
    st.title("Import articles", anchor=False)
    st.caption(
        "Paste one article or upload files (" + ", ".join(SUPPORTED_SUFFIXES) + "). Check how each splits into "
        "claims, then import: each file (or the pasted text) lands whole or not at all, and a bad file does not stop "
        "the others. Articles already in the collection are skipped."
    )
    st.session_state.setdefault(TAB, secrets.token_hex(8))
    common.show_flash()
    draw_report()
    target = chosen_collection(page_session, me).strip()
    paste_tab, upload_tab = st.tabs(["Paste text", "Upload files"], key="import_tab", on_change="rerun")
    with paste_tab:
        draw_paste(page_session, target)
    with upload_tab:
        draw_upload(page_session, target)
    draw_preview(target)

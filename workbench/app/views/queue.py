"""Review queue: one claim at a time in its article, labelled from the keyboard."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, replace

import streamlit as st

from workbench import LABEL_TITLES, LABELS
from workbench.access import Actor
from workbench.app import common, triage_chips
from workbench.app.match_panel import show_claim_matches
from workbench.guidelines import current_guidelines
from workbench.links import host_of
from workbench.match_verdicts import apply_match_verdict
from workbench.render import claim_card_html, escape_html, escape_plain, safe_link
from workbench.review import (
    ClaimContext,
    Progress,
    QueueScope,
    SavedVerdict,
    article_progress,
    articles_in_scope,
    claim_context,
    claim_needs_reviewer,
    collections_in_scope,
    has_collections,
    latest_claim_id,
    latest_verdict_change,
    next_claim_id,
    others_verdicts,
    overall_progress,
    own_verdict,
    previous_verdict,
    resume_cursor,
    submit_verdict,
    undo,
)
from workbench.verdicts import AlreadyLabelled
from workbench.vocabulary import counted, noun_for

SHORTCUTS = {label: str(number) for number, label in enumerate(LABELS, start=1)}
UNDO_DEPTH = 50
# A hidden button outside the claim's fragment: a restarted server knows no fragment of the page
# it finds, so after a lost connection the page redraws whole (see queue_keys.js).
REDRAW_BUTTON = "queue_redraw"
# Keys that write a verdict (or skip): the key press clicks the button of the claim on screen.
CLAIM_BUTTONS = {SHORTCUTS[label]: f"label_{label}_" for label in LABELS} | {"s": "queue_skip_button_"}
# Session state of this page.
CURRENT = "queue_current"  # claim id on screen
CURSOR = "queue_cursor"  # (article_id, position) the queue continues after
REVISIT = "queue_revisit"  # verdict id when showing an earlier verdict (back)
SKIPPED = "queue_skipped"  # claim ids skipped in this session
UNDO = "queue_undo"  # (serial, SavedVerdict) stack of this session
UNDO_SERIAL = "queue_undo_serial"  # counts the saves pushed on UNDO: an undo press names the one it undoes
# A CachedOverall: counted on full runs, kept current by this page's callbacks, and counted again
# when it may be out of date (see cached_overall).
OVERALL = "queue_overall"
# How long key presses may show the overall total counted before (counting 100,000 claims on every
# press would slow every press).
OVERALL_MAX_AGE_S = 20.0
RENDER = "queue_render"  # counts the card's drawings: the browser tells one drawing from the next
# A session counts its drawings from a random start, so a restarted server's first drawing of a
# claim never repeats the markup the browser already shows (which would leave a read-ahead on screen).
FIRST_RENDER_RANGE = 2**40
AHEAD = "queue_ahead"  # (claim on screen, the claim read ahead to follow it) while a queue card shows
SCOPE_COLLECTION = "queue_collection"
SCOPE_ARTICLE = "queue_article"


# A note field and a links field per claim (keyed by its id): they keep focus and what is typed
# across reruns of that claim, and text typed for one claim can never be saved with another; the
# callbacks fill them when going back or undoing. Streamlit forgets a field once its claim is left,
# so what was typed and not saved is kept as a draft per claim and given back on its return.
NOTE = "queue_note_text_"
EVIDENCE = "queue_evidence_text_"
DRAFTS = "queue_drafts"


def fill_fields(claim_id: int | None, note: str = "", evidence: tuple[str, ...] | list[str] = ()) -> None:
    """Set (or, with nothing given, drop) what a claim's note and links fields hold."""
    if claim_id is None:
        return
    st.session_state.get(DRAFTS, {}).pop(claim_id, None)
    if note or evidence:
        st.session_state[f"{NOTE}{claim_id}"] = note
        st.session_state[f"{EVIDENCE}{claim_id}"] = "\n".join(evidence)
    else:
        st.session_state.pop(f"{NOTE}{claim_id}", None)
        st.session_state.pop(f"{EVIDENCE}{claim_id}", None)


def scope() -> QueueScope:
    return QueueScope(
        collection_id=st.session_state.get(SCOPE_COLLECTION),
        article_id=st.session_state.get(SCOPE_ARTICLE),
    )


def restart_queue() -> None:
    """A new scope: start again from the top of it."""
    if st.session_state.get(REVISIT) is not None:
        fill_fields(st.session_state.get(CURRENT))
    for key in (CURRENT, CURSOR, REVISIT, SKIPPED, AHEAD):
        st.session_state.pop(key, None)


def restart_for_collection() -> None:
    st.session_state.pop(SCOPE_ARTICLE, None)
    restart_queue()


def count_in_overall(change: int, before_change: int, latest_change: int) -> None:
    """Keep the cached overall progress current without recounting 100,000 claims per key press:
    ``change`` is this page's own ``+1``/``-1``/``0``, and ``before_change`` / ``latest_change`` the
    reviewer's last verdict change as the page's own transaction saw it before and after writing.
    If the cache had not seen ``before_change`` (another tab wrote meanwhile), it is counted afresh."""
    cached = st.session_state.get(OVERALL)
    if cached is None:
        return
    if cached.seen_change != before_change:
        st.session_state.pop(OVERALL)
        return
    progress = cached.progress
    st.session_state[OVERALL] = replace(
        cached, progress=Progress(progress.done + change, progress.total), seen_change=latest_change
    )


@dataclass(frozen=True)
class CachedOverall:
    """The overall progress as last counted, and what it was counted against."""

    queue: QueueScope
    progress: Progress
    seen_change: int  # the reviewer's latest verdict change then (``latest_verdict_change``)
    seen_claim: int  # the newest claim then (``latest_claim_id``): a larger one means claims were added
    counted_at: float  # ``time.monotonic()`` of the count


def refresh_overall(session, actor: Actor, queue: QueueScope) -> None:
    """Count the overall progress afresh (on full runs: opening the page, changing the scope)."""
    st.session_state[OVERALL] = CachedOverall(
        queue,
        overall_progress(session, actor, queue),
        latest_verdict_change(session, actor),
        latest_claim_id(session),
        time.monotonic(),
    )


def cached_overall(session, actor: Actor, queue: QueueScope) -> Progress:
    """The overall progress, counted afresh when the scope changed, the reviewer's verdicts changed
    elsewhere, claims were added (an import, a split), or ``OVERALL_MAX_AGE_S`` passed (a merge or a
    unit set aside by a lead changes no cheap marker)."""
    cached = st.session_state.get(OVERALL)
    if (
        cached is None
        or cached.queue != queue
        or cached.seen_change != latest_verdict_change(session, actor)
        or cached.seen_claim != latest_claim_id(session)
        or time.monotonic() - cached.counted_at > OVERALL_MAX_AGE_S
    ):
        refresh_overall(session, actor, queue)
        cached = st.session_state[OVERALL]
    return cached.progress


# --- callbacks (they run before the page draws, so the next claim shows at once) ---------------------


def shown(claim_id: int) -> bool:
    """Whether a press carrying ``claim_id`` was made on the claim this page shows now.

    Buttons are keyed by their claim, so a press made on a card the browser still showed while the
    server had moved on carries the old claim's id; such a press is dropped, with a visible sign.
    """
    if st.session_state.get(CURRENT) == claim_id:
        return True
    common.flash(
        "A key press arrived after its claim had left the screen, so it was ignored: "
        "nothing was saved for a claim you had not seen.",
        "info",
    )
    return False


def following(claim_id: int) -> int | None:
    """The claim read ahead to follow ``claim_id`` (the one the browser already shows), if any."""
    ahead = st.session_state.pop(AHEAD, None)
    return ahead[1] if ahead is not None and ahead[0] == claim_id else None


def on_label(label: str, context: ClaimContext, from_match: int | None = None) -> None:
    """Save ``label`` (or, with ``from_match``, the reviewer's own verdict on that matched claim)."""
    if not shown(context.claim_id):
        return
    note = st.session_state.get(f"{NOTE}{context.claim_id}", "")
    evidence = st.session_state.get(f"{EVIDENCE}{context.claim_id}", "")
    on_queue_card = st.session_state.get(REVISIT) is None

    def save(tx, actor: Actor) -> tuple[SavedVerdict, int, int]:
        before = latest_verdict_change(tx, actor)
        try:
            if from_match is not None:
                saved = apply_match_verdict(
                    tx, actor, context.claim_id, from_match,
                    expected_version=context.version, expect_unlabelled=on_queue_card, expected_label=label,
                )
            else:
                saved = submit_verdict(
                    tx, actor, context.claim_id, label, note, evidence,
                    expected_version=context.version, expect_unlabelled=on_queue_card,
                )
        except AlreadyLabelled:
            # Given meanwhile in another tab: shown, so that changing it is a deliberate second press.
            st.session_state[REVISIT] = own_verdict(tx, actor, context.claim_id).id
            raise
        tx.flush()
        return saved, before, latest_verdict_change(tx, actor)

    outcome = common.run_action(save)
    if outcome is None:
        return  # the error is shown; the note and links stay as typed
    saved, before_change, latest_change = outcome
    serial = st.session_state[UNDO_SERIAL] = st.session_state.get(UNDO_SERIAL, 0) + 1
    stack: list[tuple[int, SavedVerdict]] = st.session_state.setdefault(UNDO, [])
    stack.append((serial, saved))
    del stack[:-UNDO_DEPTH]
    if on_queue_card:
        st.session_state[CURSOR] = context.cursor
        st.session_state[CURRENT] = following(context.claim_id)
    else:
        st.session_state[CURRENT] = None
    st.session_state[REVISIT] = None
    count_in_overall(+1 if saved.before is None else 0, before_change, latest_change)
    fill_fields(context.claim_id)
    common.flash(f"Saved: {LABEL_TITLES[saved.after.label]}")


def on_skip(context: ClaimContext) -> None:
    if not shown(context.claim_id):
        return
    st.session_state.setdefault(SKIPPED, []).append(context.claim_id)
    st.session_state[CURSOR] = context.cursor
    st.session_state[CURRENT] = following(context.claim_id)


def on_back() -> None:
    actor = common.unexpired_actor()
    if actor is None:
        return  # signed out meanwhile: the page shows the sign-in form
    with common.database().read_session() as read:
        verdict = previous_verdict(read, actor, st.session_state.get(REVISIT))
    if verdict is None:
        common.flash("There is no earlier verdict to go back to.", "info")
        return
    st.session_state[CURRENT] = verdict.claim_id
    st.session_state[REVISIT] = verdict.id
    fill_fields(verdict.claim_id, verdict.note, verdict.evidence or ())


def on_undo(serial: int) -> None:
    """Undo the save numbered ``serial`` (the last one when the button was drawn): a second press
    arriving before the page redrew names a save already undone, and is ignored."""
    stack: list[tuple[int, SavedVerdict]] = st.session_state.get(UNDO, [])
    if not stack:
        common.flash("Nothing to undo in this session.", "info")
        return
    if stack[-1][0] != serial:
        common.flash("That press of Undo came from an earlier drawing of the page; nothing more was undone.", "info")
        return
    saved = stack[-1][1]

    def revert(tx, actor: Actor) -> tuple[int, int, int]:
        before = latest_verdict_change(tx, actor)
        undo(tx, actor, saved)
        tx.flush()
        verdict = own_verdict(tx, actor, saved.claim_id)
        return (verdict.id if verdict is not None else 0), before, latest_verdict_change(tx, actor)

    outcome = common.run_action(revert)
    if outcome is None:
        return
    restored, before_change, latest_change = outcome
    stack.pop()
    count_in_overall(-1 if saved.before is None else 0, before_change, latest_change)
    st.session_state[CURRENT] = saved.claim_id
    st.session_state[REVISIT] = restored or None
    shown = saved.before or saved.after  # a withdrawn verdict's note comes back to be reused
    fill_fields(saved.claim_id, shown.note, shown.evidence)
    common.flash(
        "Undone: the claim is back on screen."
        if saved.before is None
        else "Undone: earlier verdict restored."
    )


def on_leave_revisit() -> None:
    fill_fields(st.session_state.get(CURRENT))
    st.session_state[CURRENT] = None
    st.session_state[REVISIT] = None


def on_review_skipped() -> None:
    st.session_state[SKIPPED] = []
    st.session_state[CURSOR] = None
    st.session_state[CURRENT] = None


# --- drawing ---------------------------------------------------------------------------------------


def choose_claim(session, actor: Actor, queue: QueueScope) -> int | None:
    """The claim to show: the one on screen (or read ahead) while it still needs this reviewer, else the next."""
    current = st.session_state.get(CURRENT)
    if current is not None and (
        st.session_state.get(REVISIT) is not None or claim_needs_reviewer(session, actor, current)
    ):
        return current
    if st.session_state.get(REVISIT) is not None:
        fill_fields(current)  # the earlier verdict's note is not for the next claim
    cursor = st.session_state.get(CURSOR) or resume_cursor(session, actor)
    current = next_claim_id(
        session, actor, queue, after=cursor, exclude=st.session_state.get(SKIPPED, [])
    )
    st.session_state[CURRENT] = current
    st.session_state[REVISIT] = None
    return current


def read_ahead(session, actor: Actor, queue: QueueScope, context: ClaimContext) -> ClaimContext | None:
    """The claim that follows ``context`` once it is labelled or skipped, remembered for the
    callbacks; the browser shows it at the key press, before the server has answered."""
    skipped = st.session_state.get(SKIPPED, [])
    next_id = next_claim_id(
        session, actor, queue, after=context.cursor, exclude=[*skipped, context.claim_id], verdicts_to_come=1
    )
    st.session_state[AHEAD] = (context.claim_id, next_id)
    return claim_context(session, next_id) if next_id is not None else None


def draw_context(
    session, actor: Actor, queue: QueueScope, context: ClaimContext, render: int, revisiting: bool
) -> None:
    """The claim in its article; on a queue card (not when going back), the next claim read ahead."""
    st.session_state.pop(AHEAD, None)
    ahead = None if revisiting else read_ahead(session, actor, queue, context)
    with st.container(border=True, key="queue_claim"):
        st.html(claim_card_html(context, render, ahead))


def draw_others(session, actor: Actor, context: ClaimContext) -> None:
    view = others_verdicts(session, actor, context.claim_id)
    if view.hidden:
        st.caption(
            ":material/visibility_off: Other reviewers' verdicts stay hidden until you give yours."
        )
        return
    if not view.verdicts:
        st.caption("No other reviewer has labelled this claim yet.")
        return
    with st.expander(f"Other reviewers ({len(view.verdicts)})"):
        for other in view.verdicts:
            note = (
                f' — <span class="wb-note">{escape_html(other.note)}</span>'
                if other.note
                else ""
            )
            links = " · ".join(safe_link(url, host_of(url)) for url in other.evidence)
            st.html(
                f"<b>{escape_html(other.reviewer)}</b> "
                f'<span class="wb-badge wb-badge-{other.label}">{LABEL_TITLES[other.label]}</span>{note} '
                f'<span class="wb-small">{links}</span>'
            )


def keep_drafts() -> None:
    """Keep what every claim's fields hold as that claim's draft, at the start of a run: in a run that
    leaves a claim its fields still hold what was typed, and Streamlit forgets them at the run's end."""
    drafts = st.session_state.setdefault(DRAFTS, {})
    claim_ids = {
        int(key.removeprefix(prefix))
        for key in list(st.session_state)
        for prefix in (NOTE, EVIDENCE)
        if isinstance(key, str) and key.startswith(prefix) and key.removeprefix(prefix).isdigit()
    }
    for claim_id in claim_ids:
        typed = (st.session_state.get(f"{NOTE}{claim_id}", ""), st.session_state.get(f"{EVIDENCE}{claim_id}", ""))
        if any(typed):
            drafts[claim_id] = typed
        else:
            drafts.pop(claim_id, None)


def draw_fields(claim_id: int) -> None:
    """The claim's note and links fields, holding its unsaved draft when the reviewer comes back to it."""
    drafts = st.session_state.setdefault(DRAFTS, {})
    keys = (f"{NOTE}{claim_id}", f"{EVIDENCE}{claim_id}")
    for key, draft in zip(keys, drafts.get(claim_id, ()), strict=False):
        st.session_state.setdefault(key, draft)
    note_column, evidence_column = st.columns(2)
    with note_column, st.container(key="queue_note"):
        st.text_area(
            "Note",
            key=f"{NOTE}{claim_id}",
            height=90,
            placeholder="Why? (optional)  ·  N to type here, Esc to leave",
        )
    with evidence_column, st.container(key="queue_evidence"):
        st.text_area(
            "Evidence links",
            key=f"{EVIDENCE}{claim_id}",
            height=90,
            placeholder="https://… one per line  ·  E to type here",
        )


def draw_verdict_panel(session, actor: Actor, context: ClaimContext, existing) -> None:
    definitions = current_guidelines(session).definitions
    if existing is not None:
        st.info(
            f"Your verdict: **{LABEL_TITLES[existing.label]}**. Press a label to change it.",
            icon=":material/undo:",
        )
    for label in LABELS:
        st.button(
            LABEL_TITLES[label],
            key=f"label_{label}_{context.claim_id}",
            shortcut=SHORTCUTS[label],
            on_click=on_label,
            args=(label, context),
            type="primary" if existing is not None and existing.label == label else "secondary",
            width="stretch",
        )
        st.html(f'<div class="wb-definition">{escape_html(definitions[label])}</div>')
    with st.container(horizontal=True, gap="small"):
        st.button("Back", key="queue_back_button", shortcut="B", on_click=on_back)
        if existing is not None:
            st.button("Queue", key="queue_return_button", shortcut="Q", on_click=on_leave_revisit)
        else:
            st.button(
                "Skip",
                key=f"queue_skip_button_{context.claim_id}",
                shortcut="S",
                on_click=on_skip,
                args=(context,),
            )
        undoable = st.session_state.get(UNDO)
        serial = undoable[-1][0] if undoable else 0
        st.button(  # keyed by the save it undoes: a second press on this drawing undoes nothing more
            "Undo",
            key=f"queue_undo_button_{serial}",
            shortcut="U",
            on_click=on_undo,
            args=(serial,),
            disabled=not undoable,
        )


def draw_progress(session, actor: Actor, queue: QueueScope, context: ClaimContext | None) -> None:
    overall = cached_overall(session, actor, queue)
    scope = "This article" if queue.article_id else "This collection" if queue.collection_id else "Overall"
    st.progress(
        overall.fraction,
        text=f"{scope}: {overall.done:,} of {counted(overall.total, 'claim')} labelled by you",
    )
    if context is not None and queue.article_id is None:
        article = article_progress(session, actor, context.article_id)
        st.progress(article.fraction, text=f"This article: {article.done:,} of {article.total:,}")


def draw_nothing_to_review(actor: Actor) -> None:
    """An empty queue that was never full: the next step, not a congratulation."""
    with st.container(border=True):
        if actor.is_lead:
            st.markdown(
                "**Nothing to review here yet.** Import articles, or open a collection to yourself "
                "in Reviewers & assignment."
            )
            with st.container(horizontal=True):
                st.page_link(
                    common.PAGES_DIR / "import_articles.py", label="Import", icon=":material/upload_file:"
                )
                st.page_link(
                    common.PAGES_DIR / "team.py", label="Reviewers & assignment", icon=":material/group:"
                )
        else:
            st.markdown(
                "**Nothing to review here yet.** When a lead assigns you a collection with claims, "
                "they appear here."
            )


def draw_done(session, actor: Actor, queue: QueueScope) -> None:
    skipped = st.session_state.get(SKIPPED, [])
    overall = cached_overall(session, actor, queue)
    if overall.total == 0 and not skipped:
        draw_nothing_to_review(actor)
        return
    rest = (
        f"Only the {noun_for(len(skipped), 'claim')} you skipped {'is' if len(skipped) == 1 else 'are'} left."
        if skipped else "Nothing else needs you right now."
    )
    with st.container(border=True):
        st.html(
            '<div class="wb-done"><div class="wb-done-icon">✓</div><h2>All caught up</h2>'
            f"<p>You have labelled {counted(overall.done, 'claim')} here. {rest}</p></div>"
        )
        with st.container(horizontal=True, horizontal_alignment="center"):
            if skipped:
                st.button(
                    f"Review the {counted(len(skipped), 'skipped claim')}",
                    key="queue_review_skipped",
                    on_click=on_review_skipped,
                    type="primary",
                )
            st.button(
                "Back to my last verdict",
                key="queue_back_button",
                shortcut="B",
                on_click=on_back,
                icon=":material/arrow_back:",
            )
            st.page_link(
                common.PAGES_DIR / "my_verdicts.py", label="My verdicts", icon=":material/history:"
            )


def show_status() -> None:
    """Queued messages in a line above the card: a save is confirmed there, covering nothing."""
    messages = st.session_state.pop("flash", [])
    with st.container(key="queue_status"):
        if not messages:
            st.html('<div class="wb-small">&nbsp;</div>')
        for kind, message in messages:
            if kind == "success":
                st.html(
                    f'<div class="wb-small" role="status">✓ {escape_plain(message)}</div>'
                )
            elif kind != "error":
                st.info(message, icon=":material/info:")
        errors = [message for kind, message in messages if kind == "error"]
        if errors:
            with st.container(key="queue_refused"):  # the page's script tells a refused press by it
                for message in errors:
                    st.error(message, icon=":material/error:")


def draw_claim_card(session, actor: Actor, queue: QueueScope, context: ClaimContext) -> None:
    """The claim card: the claim in its article, note and links, others' verdicts, the label panel.

    Panels that belong to one claim (matches, triage, control claims) are added here.
    """
    if RENDER not in st.session_state:
        st.session_state[RENDER] = secrets.randbelow(FIRST_RENDER_RANGE)
    render = st.session_state[RENDER] = st.session_state[RENDER] + 1
    revisiting = st.session_state.get(REVISIT) is not None
    existing = own_verdict(session, actor, context.claim_id) if revisiting else None
    left, right = st.columns([1.9, 1], gap="large")
    with left:
        if revisiting:
            st.caption(
                ":material/history: Going back over your earlier verdicts. **Q** returns to the queue."
            )
        draw_context(session, actor, queue, context, render, revisiting)
        # Until the server draws the next card, the browser dims what belongs to the claim just left.
        with st.container(key="queue_extras"):
            triage_chips.draw_claim_triage(session, context.claim_id)
            show_claim_matches(context.claim_id, actor, lambda source, label: on_label(label, context, source))
            draw_fields(context.claim_id)
            draw_others(session, actor, context)
    with right, st.container(key="queue_panel"):
        draw_progress(session, actor, queue, context)
        draw_verdict_panel(session, actor, context, existing)
        st.html(
            '<div class="wb-keys"><kbd>1</kbd> <kbd>2</kbd> <kbd>3</kbd> label · <kbd>N</kbd> note · '
            "<kbd>E</kbd> evidence · <kbd>Esc</kbd> leave a field · <kbd>S</kbd> skip · <kbd>B</kbd> back · "
            "<kbd>U</kbd> undo · <kbd>M</kbd> same verdict as a match</div>"
        )


@st.fragment
def workspace() -> None:
    """Everything that changes per claim; reruns alone, so saving never redraws the whole page."""
    with common.page_session() as session:
        actor = common.current_actor()
        if actor is None:
            st.rerun()
        queue = scope()
        show_status()
        keep_drafts()
        claim_id = choose_claim(session, actor, queue)
        context = claim_context(session, claim_id) if claim_id is not None else None
        if claim_id is not None and context is None:  # removed by a lead's edit just now
            st.session_state[CURRENT] = None
            st.rerun(scope="fragment")
        if context is None:
            draw_done(session, actor, queue)
            return
        draw_claim_card(session, actor, queue, context)


def draw_no_collection(session, actor: Actor) -> None:
    """Nothing to review: say why, and point to the step that changes it."""
    if not actor.is_lead:
        st.warning(
            "No collection is open to you yet. A lead assigns collections to reviewers; ask one.",
            icon=":material/info:",
        )
        return
    if has_collections(session):
        st.info(
            "Every collection is assigned to other reviewers. Assign yourself in "
            "**Reviewers & assignment** to review here.",
            icon=":material/info:",
        )
        st.page_link(common.PAGES_DIR / "team.py", label="Reviewers & assignment", icon=":material/group:")
    else:
        st.info(
            "No articles yet. Import some to start: they are split into claims to review.",
            icon=":material/info:",
        )
        st.page_link(
            common.PAGES_DIR / "import_articles.py", label="Import articles", icon=":material/upload_file:"
        )


def draw_header(session, actor: Actor) -> None:
    """The page title and the scope filters (a change of scope restarts the queue)."""
    collections = collections_in_scope(session, actor)
    names = {collection_id: name for collection_id, name, _ in collections}
    if st.session_state.get(SCOPE_COLLECTION) not in (None, *names):
        st.session_state.pop(SCOPE_COLLECTION)
    title, collection_column, article_column = st.columns(
        [1.5, 1, 1.4], vertical_alignment="bottom"
    )
    title.title("Review queue", anchor=False)
    collection_column.selectbox(
        "Collection",
        [None, *names],
        format_func=lambda value: "All my collections" if value is None else names[value],
        key=SCOPE_COLLECTION,
        on_change=restart_for_collection,
    )
    articles = dict(articles_in_scope(session, actor, st.session_state.get(SCOPE_COLLECTION)))
    if st.session_state.get(SCOPE_ARTICLE) not in (None, *articles):
        st.session_state.pop(SCOPE_ARTICLE)
    article_column.selectbox(
        "Article",
        [None, *articles],
        format_func=lambda value: (
            "All articles" if value is None else (articles[value] or f"Article {value}")[:90]
        ),
        key=SCOPE_ARTICLE,
        on_change=restart_queue,
    )
    if not collections:
        draw_no_collection(session, actor)
    elif all(is_open for _, _, is_open in collections):
        st.caption(
            "No collection is assigned to you, so you see every collection nobody is assigned to."
        )


common.load_style()
common.run_page_script("queue_keys", claim_buttons=CLAIM_BUTTONS, redraw_button=REDRAW_BUTTON)
with common.page_session() as page_session:
    me = common.current_actor()
    if me is None:
        st.stop()
    draw_header(page_session, me)
    refresh_overall(page_session, me, scope())
    st.button("Redraw", key=REDRAW_BUTTON)  # hidden; pressed by the page once a lost connection returns
    workspace()

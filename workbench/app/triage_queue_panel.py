"""A lead's triage controls for one collection (Reviewers & assignment page): the queue order and
the team's own model (train it, see its cross-validated quality, let it order the queue).

The model is trained outside any write transaction (``workbench.triage_model.train_model`` reads,
fits, then writes briefly). Nothing here shows a score or label to reviewers.
"""

from __future__ import annotations

import streamlit as st

from workbench.app import common
from workbench.triage_model import (
    MIN_EXAMPLES,
    MIN_PER_CLASS,
    UNUSABLE,
    model_report,
    set_model_enabled,
    train_model,
)
from workbench.triage_store import queue_order, set_queue_order

ORDERS = {"article": "Article order", "checkworthiness": "Most checkable first"}


def on_queue_order(collection_id: int, name: str) -> None:
    order = st.session_state.get(f"triage_order_{collection_id}", "article")
    if common.run_action(lambda tx, actor: set_queue_order(tx, collection_id, order) or True):
        common.flash(f"Queue of {name}: {ORDERS[order].lower()}.")


def on_train(collection_id: int, name: str) -> None:
    was_enabled = st.session_state.get(f"triage_model_{collection_id}", False)
    report = common.run_action(lambda database, actor: train_model(database, name, actor), own_transactions=True)
    if report is not None:
        common.flash(f"Model trained. {report.summary()}")
        if was_enabled and not report.enabled:
            common.flash("The retrained model no longer orders the queue: " + UNUSABLE + ".", "info")


def on_use_model(collection_id: int, name: str) -> None:
    enabled = bool(st.session_state.get(f"triage_model_{collection_id}", False))
    if common.run_action(lambda tx, actor: set_model_enabled(tx, actor, collection_id, enabled)):
        common.flash(f"The model {'now orders' if enabled else 'no longer orders'} the queue of {name}.")


def draw_triage_controls(session, collection_id: int, name: str) -> None:
    """Queue order radio, model quality, Train button and the model switch of one collection.

    The radio and the switch show what the database holds on every run (set through their keys),
    so a change made elsewhere (the CLI, another tab, a retrained model switched off) shows at once."""
    report = model_report(session, collection_id)
    st.session_state[f"triage_order_{collection_id}"] = queue_order(session, collection_id)
    st.session_state[f"triage_model_{collection_id}"] = bool(report and report.enabled)
    left, right = st.columns([1.4, 2.2], vertical_alignment="bottom")
    left.radio(
        "Queue order",
        list(ORDERS),
        format_func=ORDERS.get,
        key=f"triage_order_{collection_id}",
        horizontal=True,
        on_change=on_queue_order,
        args=(collection_id, name),
        help="Most checkable first orders each reviewer's queue by check-worthiness (see Triage in the README); "
        "in a queue over several collections, those set to most checkable first come first.",
    )
    with right:
        if report is None:
            st.caption(
                f"Own model: not trained. It needs {MIN_EXAMPLES} claims judged checkable (supported or "
                f"disputed) or editorial framing, at least {MIN_PER_CLASS} of each."
            )
        else:
            st.caption(f"Own model: {report.summary()}")
        train, use = st.columns(2, vertical_alignment="center")
        train.button(
            "Train model" if report is None else "Retrain model",
            key=f"triage_train_{collection_id}",
            on_click=on_train,
            args=(collection_id, name),
        )
        use.toggle(
            "Model orders the queue",
            key=f"triage_model_{collection_id}",
            disabled=report is None or not (report.enabled or report.usable),
            on_change=on_use_model,
            args=(collection_id, name),
            help="Only with 'Most checkable first', and only for a model that ranks at least as well as the "
            "rules alone and better than chance: the model's score orders the queue. It never shows a label.",
        )

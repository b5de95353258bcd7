"""The Agreement page's reliability section: who to trust, how each reviewer uses the labels, their pace.

Drawn by :func:`draw_reliability`; everything it shows comes from :mod:`workbench.reliability`,
:mod:`workbench.controls` and :mod:`workbench.model_verdicts`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from workbench import LABEL_TITLES, render
from workbench.access import Actor, require_lead
from workbench.agreement_data import RatingFilter, load_rating_table, ratings_fingerprint
from workbench.app import common
from workbench.controls import (
    MAX_CONTROL_RATE,
    ControlScore,
    collection_controls,
    control_scores,
    is_control,
    mark_control,
    set_control_rate,
    unmark_control,
)
from workbench.model_verdicts import model_verdict
from workbench.reliability import Aggregation, aggregate, label_distribution, review_pace
from workbench.vocabulary import counted

TEAM = "Team"


@st.cache_data(max_entries=8, show_spinner="Estimating reviewer reliability…")
def cached_reliability(_session, actor: Actor, url: str, filters: RatingFilter, fingerprint: tuple
                       ) -> tuple[Aggregation, pd.DataFrame]:
    """Dawid–Skene and label shares for one scope (``_session`` is not part of the key; the fingerprint is)."""
    require_lead(actor, "see reviewer reliability")
    table = load_rating_table(_session, filters)
    return aggregate(table), label_distribution(table)


def _title(label: str) -> str:
    return LABEL_TITLES.get(label, label)


def draw_reliability(session, actor: Actor, url: str, filters: RatingFilter, fingerprint: tuple) -> None:
    """The whole section: reliability table, confusion heatmaps, label shares, time per claim."""
    st.subheader("Reviewer reliability", anchor=False)
    draw_controls(control_scores(session, actor, filters.collection_id))
    draw_control_rate(session, actor, filters.collection_id)
    if not st.toggle("Estimate each reviewer's reliability", key="agreement_reliability",
                     help="Fits the Dawid–Skene model to every verdict in scope (about a second per million verdicts)."):
        return
    model, shares = cached_reliability(session, actor, url, filters, fingerprint)
    st.caption(
        "Dawid–Skene: each reviewer's confusion matrix and every claim's most likely verdict, estimated "
        "together from all verdicts. Reliability is the reviewer's kappa against the estimated truth "
        "(1 perfect, 0 no better than chance)."
    )
    for note in model.notes:
        st.caption(note)
    reviewers = model.reviewers_frame().sort_values("reliability", na_position="last")
    common.table(
        reviewers,
        hide_index=True,
        column_config={
            "reviewer": "Reviewer",
            "reliability": st.column_config.ProgressColumn("Reliability", format="%.3f", min_value=0.0, max_value=1.0),
            "accuracy": common.percent_column("Estimated accuracy"),
            "n": st.column_config.NumberColumn("Verdicts", format="%d"),
            "n_shared": st.column_config.NumberColumn("On shared claims", format="%d"),
            "note": "Note",
        },
    )
    confusion_tab, labels_tab, pace_tab = st.tabs(["Confusion per reviewer", "Label use", "Time per claim"])
    with confusion_tab:
        draw_confusions(model)
    with labels_tab:
        draw_label_use(shares)
    with pace_tab:
        draw_pace(review_pace(session, actor, filters))


def draw_confusions(model: Aggregation) -> None:
    if not model.reviewers:
        st.info("No verdicts in this scope.")
        return
    order = [_title(label) for label in model.labels]
    cells = pd.DataFrame(
        [
            (item.reviewer, _title(true), _title(given), float(item.confusion[row, column]))
            for item in model.reviewers
            for row, true in enumerate(model.labels)
            for column, given in enumerate(model.labels)
        ],
        columns=["reviewer", "true", "given", "share"],
    )
    base = alt.Chart(cells).encode(
        x=alt.X("given:N", title="Gave", sort=order),
        y=alt.Y("true:N", title="Most likely true verdict", sort=order),
        tooltip=["reviewer:N", alt.Tooltip("true:N", title="True"), alt.Tooltip("given:N", title="Gave"),
                 alt.Tooltip("share:Q", title="Share of the row", format=".1%")],
    )
    heat = base.mark_rect().encode(color=alt.Color("share:Q", scale=alt.Scale(domain=[0, 1], scheme="blues"),
                                                   title="Share"))
    text = base.mark_text(fontSize=11).encode(text=alt.Text("share:Q", format=".0%"))
    chart = (heat + text).properties(width=220, height=60 * len(order)).facet(
        facet=alt.Facet("reviewer:N", title=None), columns=3)
    st.altair_chart(chart)
    st.caption("Each row sums to 100%: of the claims whose most likely verdict is the row's, the share the reviewer "
               "gave each label. A strong diagonal is a careful reviewer; a heavy column is a label over-used.")


def draw_label_use(shares: pd.DataFrame) -> None:
    if shares.empty:
        st.info("No verdicts in this scope.")
        return
    shown = shares.assign(reviewer=shares["reviewer"].fillna(TEAM), label=shares["label"].map(_title))
    names = [TEAM, *sorted(name for name in shown["reviewer"].unique() if name != TEAM)]
    chart = alt.Chart(shown).mark_bar().encode(
        x=alt.X("share:Q", title="Share of verdicts", axis=alt.Axis(format="%"), stack="normalize"),
        y=alt.Y("reviewer:N", title=None, sort=names, axis=alt.Axis(labelOverlap=False)),  # every name, however tight
        color=alt.Color("label:N", title="Label", scale=alt.Scale(
            domain=[_title(label) for label in render.LABEL_COLOURS], range=list(render.LABEL_COLOURS.values())
        )),
        tooltip=["reviewer:N", "label:N", alt.Tooltip("share:Q", format=".1%"), alt.Tooltip("verdicts:Q", format=",")],
    )
    st.altair_chart(chart.properties(height=32 * len(names) + 40), width="stretch")
    st.caption(f"Each reviewer's use of the labels against the whole team's ({TEAM}, top).")


def draw_pace(pace: pd.DataFrame) -> None:
    if pace.empty:
        st.info("No timed verdicts yet: time per claim comes from verdicts reviewers gave in the app.")
        return
    summary = pace.assign(total=pace["median_seconds"] * pace["claims"]).groupby("reviewer", as_index=False).agg(
        claims=("claims", "sum"), days=("day", "nunique"), total=("total", "sum"))
    summary["typical_seconds"] = summary["total"] / summary["claims"]
    st.dataframe(
        summary.drop(columns="total"),
        hide_index=True,
        column_config={
            "reviewer": "Reviewer",
            "claims": st.column_config.NumberColumn("Timed claims", format="%d"),
            "days": st.column_config.NumberColumn("Days", format="%d"),
            "typical_seconds": st.column_config.NumberColumn("Seconds per claim (weighted daily medians)",
                                                             format="%.1f"),
        },
    )
    chart = alt.Chart(pace.assign(day=pd.to_datetime(pace["day"]))).mark_line(point=True).encode(
        x=alt.X("day:T", title="Day"),
        y=alt.Y("median_seconds:Q", title="Median seconds per claim"),
        color=alt.Color("reviewer:N", title="Reviewer"),
        tooltip=["reviewer:N", alt.Tooltip("day:T", format="%Y-%m-%d"), alt.Tooltip("claims:Q", title="Timed claims"),
                 alt.Tooltip("median_seconds:Q", title="Median seconds", format=".1f")],
    )
    st.altair_chart(chart, width="stretch")
    st.caption("Time between a reviewer's consecutive first verdicts; gaps over 15 minutes count as breaks.")


@st.cache_data(max_entries=32, show_spinner=False)
def cached_model_verdict(_session, actor: Actor, url: str, claim_id: int, fingerprint: tuple
                         ) -> tuple[str, float, int] | None:
    found = model_verdict(_session, actor, claim_id)
    if found is None:
        return None
    model, label, confidence = found
    return label, confidence, len(model.claim_ids)


def draw_model_verdict(session, actor: Actor, claim_id: int) -> None:
    """On an open adjudication case: the model's most likely verdict and how sure it is."""
    found = cached_model_verdict(session, actor, common.database().url, claim_id, ratings_fingerprint(session))
    if found is None:
        return
    label, confidence, n_claims = found
    st.caption(
        f"Model (Dawid–Skene over {counted(n_claims, 'claim')} of this collection): most likely **{_title(label)}**, "
        f"probability {confidence:.1%}."
    )


def draw_controls(scores: list[ControlScore]) -> None:
    """Accuracy on control claims, lowest first, with who falls below their collection's threshold."""
    if not scores:
        st.caption("Control claims: nobody has answered one yet (mark adjudicated claims as controls on the "
                   "Adjudication page or with `workbench controls mark`, and set a collection's rate below).")
        return
    below = [score.reviewer for score in scores if score.below_threshold]
    if below:
        st.warning(f"Below the accuracy threshold on control claims: {', '.join(below)}.", icon=":material/flag:")
    common.table(
        pd.DataFrame([{"reviewer": score.reviewer, "answered": score.answered, "correct": score.correct,
                       "accuracy": score.accuracy, "threshold": score.threshold,
                       "below": score.below_threshold} for score in scores]),
        hide_index=True,
        column_config={
            "reviewer": "Reviewer",
            "answered": st.column_config.NumberColumn("Controls answered", format="%d"),
            "correct": st.column_config.NumberColumn("Right", format="%d"),
            "accuracy": common.percent_column("Accuracy on controls"),
            "threshold": common.percent_column("Threshold"),
            "below": st.column_config.CheckboxColumn("Below threshold"),
        },
    )


def on_control_toggle(claim_id: int, key: str) -> None:
    wanted = st.session_state[key]
    changed = common.run_action(
        lambda tx, me: (mark_control if wanted else unmark_control)(tx, me, claim_id))
    if changed:
        common.flash(f"Claim {claim_id} is {'now' if wanted else 'no longer'} a control claim.", "success")


def draw_control_toggle(session, claim_id: int, adjudicated: bool) -> None:
    """On an open adjudication case: use the adjudicated claim as a control (its final verdict the answer)."""
    key = f"adjudication_control_{claim_id}"
    st.session_state[key] = is_control(session, claim_id)
    st.toggle(
        "Use as control",
        key=key,
        disabled=not adjudicated and not st.session_state[key],
        on_change=on_control_toggle,
        args=(claim_id, key),
        help="Mixed into reviewers' queues at the collection's control rate (Agreement page), looking like any "
        "other claim; each reviewer's answers are scored against this final verdict."
        if adjudicated else "Record a final verdict first: only adjudicated claims can be controls.",
    )


def on_control_rate(collection_id: int) -> None:
    rate = st.session_state[f"agreement_control_rate_{collection_id}"] / 100
    threshold = st.session_state[f"agreement_control_threshold_{collection_id}"] / 100
    if common.run_action(lambda tx, me: set_control_rate(tx, me, collection_id, rate, threshold) or True):
        common.flash(f"Control rate {rate:.0%} and accuracy threshold {threshold:.0%} saved.", "success")


def draw_control_rate(session, actor: Actor, collection_id: int | None) -> None:
    """The chosen collection's control rate and accuracy threshold, with a form to change them."""
    if collection_id is None:
        st.caption("Pick a collection to see and set its control rate and accuracy threshold.")
        return
    controls = collection_controls(session, actor, collection_id)
    common.show_flash()
    with st.form(key=f"agreement_controls_{collection_id}", border=True):
        st.markdown(
            f"**Control claims in this collection:** {controls.controls:,} · shown at "
            f"{controls.rate:.0%} of queue steps · accuracy threshold {controls.threshold:.0%}"
        )
        rate, threshold, save = st.columns([3, 3, 2], vertical_alignment="bottom")
        rate.number_input("Control rate (% of queue steps)", min_value=0.0, max_value=MAX_CONTROL_RATE * 100,
                          value=round(controls.rate * 100, 1), step=1.0,
                          key=f"agreement_control_rate_{collection_id}")
        threshold.number_input("Accuracy threshold (%)", min_value=0.0, max_value=100.0,
                               value=round(controls.threshold * 100, 1), step=5.0,
                               key=f"agreement_control_threshold_{collection_id}")
        save.form_submit_button("Save", key=f"agreement_control_save_{collection_id}", on_click=on_control_rate,
                                args=(collection_id,), width="stretch")

"""Agreement (lead): how far reviewers agree, where they differ, and which claims need a final verdict."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from workbench import LABEL_TITLES, render
from workbench.access import Actor, visible_collections
from workbench.agreement import ALPHA_RELIABLE, ALPHA_TENTATIVE, DEFAULT_RESAMPLES, AgreementReport
from workbench.agreement_data import (
    AgreementAnalysis,
    RatingFilter,
    analyse,
    article_choices,
    claim_summaries,
    ratings_fingerprint,
)
from workbench.app import common
from workbench.app.next_step import show_next_step
from workbench.app.reliability_panel import draw_reliability
from workbench.vocabulary import counted

ADJUDICATION_PAGE = "views/adjudication.py"
DISPUTED_PER_PAGE = 20
CONFUSION_ROW_PX = 56
ALL = None


@st.cache_data(max_entries=8, show_spinner="Measuring agreement…")
def cached_analysis(
    _session,
    actor: Actor,
    url: str,
    collection_id: int | None,
    article_id: int | None,
    since: date | None,
    until: date | None,
    resamples: int,
    fingerprint: tuple,
    include_match_applied: bool = False,
) -> AgreementAnalysis:
    """The analysis of one scope, read through the rerun's session (``_session`` is not part of the key).

    The actor is, so one person never sees another's cached result; the fingerprint changes
    whenever a verdict or claim does, so a result is never stale.
    """
    filters = RatingFilter(collection_id, article_id, since, until, include_match_applied)
    return analyse(_session, actor, filters, resamples=resamples)


def label_title(label: str) -> str:
    return LABEL_TITLES.get(label, label)


def number(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


# --- drawing -------------------------------------------------------------------------------------


def draw_filters(session, me) -> tuple[RatingFilter, int]:
    collections = visible_collections(session, me)
    names = {collection_id: name for collection_id, name in collections}
    left, middle, right, far = st.columns([3, 4, 2, 2])
    collection_id = left.selectbox(
        "Collection",
        [ALL, *names],
        format_func=lambda value: "All collections" if value is None else names[value],
        key="agreement_collection",
    )
    articles = dict(article_choices(session, collection_id))
    if st.session_state.get("agreement_article") not in (None, *articles):
        st.session_state["agreement_article"] = None
    article_id = middle.selectbox(
        "Article",
        [ALL, *articles],
        format_func=lambda value: "All articles" if value is None else articles[value],
        key="agreement_article",
    )
    since = right.date_input("Verdicts changed from", value=None, key="agreement_since", format="YYYY-MM-DD")
    until = far.date_input("until", value=None, key="agreement_until", format="YYYY-MM-DD")
    with st.expander("Confidence interval options"):
        resamples = st.number_input(
            "Bootstrap resamples for alpha's 95% interval (0 to skip)",
            min_value=0,
            max_value=20_000,
            value=DEFAULT_RESAMPLES,
            step=500,
            key="agreement_resamples",
            help="Claims are resampled with replacement; claims with the same split of labels are pooled, "
            "so even 200,000 claims take well under a second.",
        )
    include_match_applied = st.toggle(
        "Count verdicts applied from a match",
        key="agreement_include_match_applied",
        help="A reviewer who applies their own verdict from a matched claim gives no independent judgement, "
        "so such verdicts are left out by default.",
    )
    return RatingFilter(collection_id, article_id, since, until, include_match_applied), int(resamples)


def draw_headline(report: AgreementReport) -> None:
    alpha, fleiss, agreement = report.krippendorff_alpha, report.fleiss_kappa, report.percent_agreement
    first, second, third, fourth = st.columns(4)
    with first:
        st.metric("Krippendorff's alpha", number(alpha.value), help="Nominal alpha over every claim with two or more verdicts.")
        if alpha.ci95:
            st.caption(f"95% CI {alpha.ci95[0]:.3f} to {alpha.ci95[1]:.3f} ({alpha.n_resamples:,} resamples)")
        st.caption(f"{counted(alpha.n_claims, 'claim')}; {alpha.n_claims_left_out:,} with a single verdict left out")
    with second:
        st.metric(
            "Percent agreement",
            "—" if agreement.value is None else f"{agreement.value:.1%}",
            help="Mean, over claims with two or more verdicts, of the share of reviewer pairs who gave the same label. "
            "It ignores agreement by chance: read it next to alpha.",
        )
    with third:
        st.metric("Fleiss' kappa", number(fleiss.value), help="Over the claims rated by the most common number of reviewers.")
        if fleiss.reviewers_per_claim:
            st.caption(f"{counted(fleiss.n_claims, 'claim')} rated by {fleiss.reviewers_per_claim} reviewers")
    with fourth:
        st.metric("Claims compared", f"{report.n_claims_compared:,}")
        st.caption(f"{report.n_claims_disputed:,} disputed · {counted(report.n_reviewers, 'reviewer')} · "
                   f"{counted(report.n_ratings, 'verdict')}")

    reading = (
        f"Krippendorff's guidance: rely on data with alpha ≥ {ALPHA_RELIABLE:.3f}; "
        f"draw only tentative conclusions when {ALPHA_TENTATIVE:.3f} ≤ alpha < {ALPHA_RELIABLE:.3f}; "
        f"below {ALPHA_TENTATIVE:.3f} the labels are not reliable enough to use."
    )
    if alpha.value is None:
        st.info(f"Alpha is undefined here: {alpha.note}.", icon=":material/info:")
    elif alpha.value >= ALPHA_RELIABLE:
        st.success(f"**Reliable** (alpha {alpha.value:.3f}). {reading}", icon=":material/verified:")
    elif alpha.value >= ALPHA_TENTATIVE:
        st.warning(f"**Tentative** (alpha {alpha.value:.3f}). {reading}", icon=":material/warning:")
    else:
        st.error(f"**Unreliable** (alpha {alpha.value:.3f}). {reading}", icon=":material/error:")
    notes = list(report.notes)
    if fleiss.note:
        notes.append(f"Fleiss' kappa is undefined: {fleiss.note}.")
    if alpha.note and alpha.value is not None:
        notes.append(f"Alpha's interval: {alpha.note}.")
    for note in notes:
        st.caption(note)


def draw_pairs(report: AgreementReport) -> None:
    if len(report.reviewers) < 2:
        st.info("Pairwise kappa needs two or more reviewers.")
        return
    kappa = report.kappa_matrix().rename_axis("reviewer_a").reset_index().melt("reviewer_a", var_name="reviewer_b", value_name="kappa")
    shared = report.shared_matrix().rename_axis("reviewer_a").reset_index().melt("reviewer_a", var_name="reviewer_b", value_name="n")
    cells = kappa.merge(shared, on=["reviewer_a", "reviewer_b"])
    cells = cells[cells["reviewer_a"] != cells["reviewer_b"]]
    cells["shown"] = cells["kappa"].map(lambda value: "n/a" if pd.isna(value) else f"{value:.2f}")
    base = alt.Chart(cells).encode(
        x=alt.X("reviewer_b:N", title=None, sort=list(report.reviewers)),
        y=alt.Y("reviewer_a:N", title=None, sort=list(report.reviewers)),
        tooltip=[
            alt.Tooltip("reviewer_a:N", title="Reviewer"),
            alt.Tooltip("reviewer_b:N", title="and"),
            alt.Tooltip("kappa:Q", title="Cohen's kappa", format=".3f"),
            alt.Tooltip("n:Q", title="Claims both rated", format=","),
        ],
    )
    heat = base.mark_rect().encode(
        # kappa runs from -1 to 1: below 0 (worse than chance) red, above blue, whatever the data hold
        color=alt.Color("kappa:Q", title="Cohen's kappa", scale=alt.Scale(domain=[-1, 1], domainMid=0, scheme="redblue"))
    )
    text = base.mark_text(fontSize=12).encode(text="shown:N")
    st.altair_chart((heat + text).properties(height=max(160, 42 * len(report.reviewers))), width="stretch")
    pairs = pd.DataFrame([pair.to_dict() for pair in report.cohen_kappa]).fillna({"note": ""})
    common.table(
        pairs,
        hide_index=True,
        column_config={
            "reviewer_a": "Reviewer",
            "reviewer_b": "and",
            "n": st.column_config.NumberColumn("Claims both rated", format="%d"),
            "agreement": common.percent_column("Agreement"),
            "kappa": st.column_config.NumberColumn("Cohen's kappa", format="%.3f"),
            "note": "Note",
        },
    )


def draw_confusion(report: AgreementReport) -> None:
    if not report.n_claims_compared:
        st.info("No claim has two verdicts yet, so there is nothing to compare.")
        return
    matrix = report.confusion.rename(index=label_title, columns=label_title)
    order = list(matrix.index)
    cells = matrix.rename_axis("one").reset_index().melt("one", var_name="other", value_name="pairs")
    base = alt.Chart(cells).encode(
        x=alt.X("other:N", title="…and the other said", sort=order, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("one:N", title="One reviewer said…", sort=order, axis=alt.Axis(labelLimit=200, labelOverlap=False)),
        tooltip=[alt.Tooltip("one:N", title="One said"), alt.Tooltip("other:N", title="Other said"),
                 alt.Tooltip("pairs:Q", title="Pairs of verdicts", format=",")],
    )
    heat = base.mark_rect().encode(color=alt.Color("pairs:Q", title="Pairs", scale=alt.Scale(scheme="oranges")))
    text = base.mark_text(fontSize=14).encode(
        text=alt.Text("pairs:Q", format=","),
        color=alt.condition(alt.datum.pairs > cells["pairs"].max() / 2, alt.value("white"), alt.value("#1f2933")),
    )
    st.altair_chart((heat + text).properties(height=alt.Step(CONFUSION_ROW_PX)), width="stretch")
    st.caption("Pairs of verdicts by two reviewers on the same claim; off the diagonal, the labels they confuse.")
    table = report.confusion_pairs()
    table["label_a"] = table["label_a"].map(label_title)
    table["label_b"] = table["label_b"].map(label_title)
    common.table(
        table,
        hide_index=True,
        column_config={
            "label_a": "One said",
            "label_b": "Other said",
            "pairs": st.column_config.NumberColumn("Pairs", format="%d"),
            "share_of_pairs": common.percent_column("Share of all pairs"),
            "share_of_disagreements": common.percent_column("Share of disagreements"),
        },
    )


def draw_breakdowns(analysis: AgreementAnalysis) -> None:
    by_label, by_article, by_reviewer = st.tabs(["By label", "By article", "By reviewer"])
    with by_label:
        st.caption("Each label against the rest. Specific agreement: when one reviewer gives the label, "
                   "the chance another reviewer of the same claim gives it too.")
        table = analysis.by_label.assign(label=analysis.by_label["label"].map(label_title)).fillna({"note": ""})
        common.table(
            table,
            hide_index=True,
            column_config={
                "label": "Label",
                "ratings": st.column_config.NumberColumn("Verdicts", format="%d"),
                "share": common.percent_column("Share"),
                "specific_agreement": common.percent_column("Specific agreement"),
                "alpha": st.column_config.NumberColumn("Alpha (label vs rest)", format="%.3f"),
                "note": "Note",
            },
        )
    with by_article:
        st.caption("Least reliable articles first.")
        common.table(
            analysis.by_article.sort_values(["alpha", "article_id"], na_position="last").fillna({"note": ""}),
            hide_index=True,
            column_config={
                "article_id": st.column_config.NumberColumn("Article", format="%d"),
                "title": "Title",
                "claims": st.column_config.NumberColumn("Claims", format="%d"),
                "compared": st.column_config.NumberColumn("Compared", format="%d"),
                "disputed": st.column_config.NumberColumn("Disputed", format="%d"),
                "ratings": st.column_config.NumberColumn("Verdicts", format="%d"),
                "percent_agreement": common.percent_column("Agreement"),
                "alpha": st.column_config.NumberColumn("Alpha", format="%.3f"),
                "note": "Note",
            },
        )
    with by_reviewer:
        st.caption("Each reviewer against the others. Alpha without: alpha if this reviewer's verdicts were "
                   "left out (higher than the overall alpha means they pull agreement down).")
        shares = {column: common.percent_column(f"Gave {label_title(column.removeprefix('share_'))}")
                  for column in analysis.by_reviewer.columns if column.startswith("share_")}
        common.table(
            analysis.by_reviewer,
            hide_index=True,
            column_config={
                "reviewer": "Reviewer",
                "ratings": st.column_config.NumberColumn("Verdicts", format="%d"),
                "shared_claims": st.column_config.NumberColumn("Shared claims", format="%d"),
                "pairs": st.column_config.NumberColumn("Verdict pairs", format="%d"),
                "agreement": common.percent_column("Agreement"),
                "kappa_vs_others": st.column_config.NumberColumn("Kappa vs others", format="%.3f"),
                "alpha_without": st.column_config.NumberColumn("Alpha without", format="%.3f"),
                **shares,
            },
        )


def draw_disputed(session, analysis: AgreementAnalysis) -> None:
    disputed = analysis.disputed
    st.subheader(f"Disputed claims ({len(disputed):,})", anchor=False)
    if disputed.empty:
        st.caption("No claim has conflicting verdicts in this scope.")
        return
    st.caption("Most divided first. Open one to record a final verdict (or to review one already recorded).")
    pages = -(-len(disputed) // DISPUTED_PER_PAGE)
    page = st.pagination(pages, key="agreement_disputed_page") if pages > 1 else 1
    shown = disputed.iloc[(page - 1) * DISPUTED_PER_PAGE : page * DISPUTED_PER_PAGE]
    summaries = {row.claim_id: row for row in claim_summaries(session, shown["claim_id"].tolist()).itertuples(index=False)}
    labels = [column for column in shown.columns if column in analysis.report.labels]
    for row in shown.itertuples(index=False):
        claim_id = int(row.claim_id)
        summary = summaries.get(claim_id)
        text, title = (summary.text, summary.article_title) if summary else ("(claim no longer exists)", "")
        final = summary.final if summary and isinstance(summary.final, str) else None  # pandas: NaN when undecided
        split = " · ".join(f"{getattr(row, label)} {label_title(label)}" for label in labels if getattr(row, label))
        decided = f" · **final: {label_title(final)}**" if final else ""
        with st.container(border=True):
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.text(text)
            left.caption(f"{render.escape_html(title)} · claim {claim_id} · {split}{decided}")
            with right:
                st.page_link(ADJUDICATION_PAGE, label="Review" if final else "Adjudicate",
                             icon=":material/check_circle:" if final else ":material/gavel:",
                             query_params={"claim": claim_id})


# --- the page ------------------------------------------------------------------------------------


common.load_style()
with common.page_session() as page_session:
    me = common.lead_or_stop("see agreement between reviewers")
    st.title("Agreement", anchor=False)
    filters, resamples = draw_filters(page_session, me)
    analysis = cached_analysis(
        page_session,
        me,
        common.database().url,
        filters.collection_id,
        filters.article_id,
        filters.since,
        filters.until,
        resamples,
        ratings_fingerprint(page_session),
        filters.include_match_applied,
    )
    report = analysis.report
    if not report.n_ratings:
        show_next_step(page_session, "There are no verdicts in this scope yet.")
        st.stop()
    draw_headline(report)
    pairs_tab, confusion_tab = st.tabs(["Reviewer pairs", "Label confusion"])
    with pairs_tab:
        draw_pairs(report)
    with confusion_tab:
        draw_confusion(report)
    draw_breakdowns(analysis)
    draw_reliability(page_session, me, common.database().url, filters, ratings_fingerprint(page_session))
    draw_disputed(page_session, analysis)

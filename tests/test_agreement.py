"""Agreement statistics: published worked examples, library cross-checks, properties, degenerate data."""

from __future__ import annotations

import itertools
import math

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from workbench import LABELS
from workbench import agreement as ag
from workbench.agreement import (
    AgreementError,
    RatingTable,
    agreement_report,
    alpha_from_sums,
    alpha_with_interval,
    bootstrap_alpha,
    cohen_pairs,
    interpret_alpha,
    percent_agreement,
    unit_sums,
)
from workbench.agreement_breakdowns import by_article, by_label, by_reviewer, disputed_claims

# --- helpers ------------------------------------------------------------------------------------


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["claim_id", "reviewer", "verdict"])


def table_of(rows, labels=None) -> RatingTable:
    return RatingTable.from_frame(frame(rows), labels)


def from_reliability_data(data: list[list[float]]) -> RatingTable:
    """Krippendorff's layout: one row per observer, one column per unit, NaN for missing."""
    rows = [
        (unit + 1, f"observer {observer}", str(int(value)))
        for observer, values in enumerate(data)
        for unit, value in enumerate(values)
        if not math.isnan(value)
    ]
    return table_of(rows)


def from_contingency(table: list[list[int]], labels: list[str]) -> RatingTable:
    """Two raters' contingency table (rows: rater A, columns: rater B) as long ratings."""
    rows, claim = [], 0
    for (a, label_a), (b, label_b) in itertools.product(enumerate(labels), repeat=2):
        for _ in range(table[a][b]):
            claim += 1
            rows += [(claim, "A", label_a), (claim, "B", label_b)]
    return table_of(rows, labels)


def from_subject_counts(counts: list[list[int]]) -> RatingTable:
    """Fleiss' layout: per subject, how many raters chose each category."""
    rows = []
    for subject, row in enumerate(counts):
        rater = 0
        for category, count in enumerate(row):
            for _ in range(count):
                rows.append((subject + 1, f"rater {rater}", f"category {category + 1}"))
                rater += 1
    return table_of(rows)


def random_ratings(seed: int, n_claims: int, n_reviewers: int, missing: float = 0.3, k: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n_claims)
    rows = []
    for claim in range(n_claims):
        for reviewer in range(n_reviewers):
            if rng.random() < missing:
                continue
            value = truth[claim] if rng.random() < 0.7 else rng.integers(0, k)
            rows.append((claim + 1, f"r{reviewer}", LABELS[value] if k == 3 else f"L{value}"))
    return frame(rows)


ratings_strategy = st.builds(
    random_ratings,
    seed=st.integers(0, 10_000),
    n_claims=st.integers(2, 40),
    n_reviewers=st.integers(2, 6),
    missing=st.sampled_from([0.0, 0.3, 0.6]),
)

# --- published worked examples ------------------------------------------------------------------

KRIPPENDORFF_EXAMPLE = [
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", reliability data with missing values.
    [1, 2, 3, 3, 2, 1, 4, 1, 2, math.nan, math.nan, math.nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, math.nan, 3],
    [math.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, math.nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, math.nan],
]

FLEISS_WIKIPEDIA = [
    # Fleiss' kappa worked example on Wikipedia: 10 subjects, 14 raters, 5 categories.
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_krippendorff_published_example_with_missing_values():
    table = from_reliability_data(KRIPPENDORFF_EXAMPLE)
    report = agreement_report(table, resamples=200)
    alpha = report.krippendorff_alpha
    assert round(alpha.value, 3) == 0.743
    assert alpha.n_claims == 11
    assert alpha.n_claims_left_out == 1  # unit 12 has a single value
    assert alpha.ci95[0] <= alpha.value <= alpha.ci95[1]
    assert alpha.interpretation.startswith("tentative")


def test_fleiss_wikipedia_example():
    result = agreement_report(from_subject_counts(FLEISS_WIKIPEDIA), resamples=0).fleiss_kappa
    assert round(result.value, 3) == 0.210
    assert (result.n_claims, result.reviewers_per_claim, result.n_claims_left_out) == (10, 14, 0)


@pytest.mark.parametrize(
    ("contingency", "kappa", "agreement"),
    [
        # Wikipedia, "Cohen's kappa": 50 grant proposals read by two readers.
        ([[20, 5], [10, 15]], 0.4, 0.7),
        # Wikipedia: same observed agreement (0.60), different marginals, different kappa.
        ([[45, 15], [25, 15]], 0.1304, 0.6),
        ([[25, 35], [5, 35]], 0.2593, 0.6),
    ],
)
def test_cohen_kappa_published_examples(contingency, kappa, agreement):
    (pair,) = cohen_pairs(from_contingency(contingency, ["yes", "no"]))
    assert round(pair.kappa, 4) == kappa
    assert pair.agreement == pytest.approx(agreement)
    assert pair.n == sum(map(sum, contingency))


# --- cross-checks against the libraries ----------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(ratings_strategy)
def test_cohen_pairs_match_scikit_learn(ratings):
    table = RatingTable.from_frame(ratings)
    wide = ratings.pivot(index="claim_id", columns="reviewer", values="verdict")
    for pair in cohen_pairs(table):
        both = wide[[pair.reviewer_a, pair.reviewer_b]].dropna()
        assert pair.n == len(both)
        if pair.kappa is None:
            assert len(both) == 0 or both.stack().nunique() == 1
            continue
        expected = cohen_kappa_score(both[pair.reviewer_a], both[pair.reviewer_b])
        assert pair.kappa == pytest.approx(expected, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(ratings_strategy)
def test_alpha_formula_matches_krippendorff_package(ratings):
    """The vectorised alpha used for the bootstrap and breakdowns equals the package's alpha."""
    table = RatingTable.from_frame(ratings)
    compared = table.counts[table.compared]
    sums = unit_sums(compared).sum(axis=0) if len(compared) else np.zeros(5)
    ours = float(alpha_from_sums(sums[0], sums[1], sums[2:]))
    if (compared.sum(axis=0) > 0).sum() < 2:
        assert math.isnan(ours)
        assert agreement_report(table, resamples=0).krippendorff_alpha.value is None
        return
    expected = krippendorff.alpha(value_counts=compared, level_of_measurement="nominal")
    assert ours == pytest.approx(expected, abs=1e-12)
    assert agreement_report(table, resamples=0).krippendorff_alpha.value == pytest.approx(expected, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(ratings_strategy)
def test_per_label_alpha_is_alpha_on_label_versus_rest(ratings):
    table = RatingTable.from_frame(ratings)
    breakdown = by_label(table).set_index("label")
    compared = table.counts[table.compared]
    for index, label in enumerate(table.labels):
        binary = np.column_stack([compared[:, index], compared.sum(axis=1) - compared[:, index]])
        if len(binary) == 0 or (binary.sum(axis=0) > 0).sum() < 2:
            assert math.isnan(breakdown.loc[label, "alpha"])
            assert breakdown.loc[label, "note"]
            continue
        expected = krippendorff.alpha(value_counts=binary, level_of_measurement="nominal")
        assert breakdown.loc[label, "alpha"] == pytest.approx(expected, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(ratings_strategy)
def test_percent_agreement_matches_pairwise_count(ratings):
    expected = []
    for _, group in ratings.groupby("claim_id"):
        labels = list(group["verdict"])
        if len(labels) >= 2:
            pairs = list(itertools.combinations(labels, 2))
            expected.append(sum(a == b for a, b in pairs) / len(pairs))
    value = percent_agreement(RatingTable.from_frame(ratings).counts).value
    if not expected:
        assert value is None
    else:
        assert value == pytest.approx(float(np.mean(expected)), abs=1e-12)


def test_fleiss_uses_statsmodels_on_the_most_common_group():
    ratings = random_ratings(seed=3, n_claims=200, n_reviewers=5, missing=0.25)
    table = RatingTable.from_frame(ratings)
    result = agreement_report(table, resamples=0).fleiss_kappa
    m = table.counts.sum(axis=1)
    sizes, counts = np.unique(m[m >= 2], return_counts=True)
    size = sizes[np.argmax(counts)]
    assert result.reviewers_per_claim == size
    assert result.n_claims == int((m == size).sum())
    assert result.n_claims_left_out == len(m) - result.n_claims
    assert result.value == pytest.approx(statsmodels_fleiss(table.counts[m == size]), abs=1e-12)


def test_reviewer_against_others():
    ratings = random_ratings(seed=11, n_claims=60, n_reviewers=4, missing=0.2)
    table = RatingTable.from_frame(ratings)
    frame_ = by_reviewer(table).set_index("reviewer")
    for reviewer in table.raters:
        rest = ratings[ratings["reviewer"] != reviewer]
        rest_table = RatingTable.from_frame(rest, table.labels)
        compared = rest_table.counts[rest_table.compared]
        expected = krippendorff.alpha(value_counts=compared, level_of_measurement="nominal")
        assert frame_.loc[reviewer, "alpha_without"] == pytest.approx(expected, abs=1e-12)
        mine = ratings[ratings["reviewer"] == reviewer].set_index("claim_id")["verdict"]
        others = rest.merge(mine.rename("own"), left_on="claim_id", right_index=True)
        assert frame_.loc[reviewer, "pairs"] == len(others)
        assert frame_.loc[reviewer, "agreement"] == pytest.approx((others["own"] == others["verdict"]).mean())
        assert frame_.loc[reviewer, "kappa_vs_others"] == pytest.approx(
            cohen_kappa_score(others["own"], others["verdict"]), abs=1e-12
        )
        assert frame_.loc[reviewer, "ratings"] == len(mine)


def test_two_reviewers_against_each_other_is_their_cohen_kappa():
    table = from_contingency([[20, 5], [10, 15]], ["yes", "no"])
    frame_ = by_reviewer(table)
    assert list(frame_["kappa_vs_others"].round(4)) == [0.4, 0.4]


def test_per_article_figures_match_each_article_alone():
    ratings = random_ratings(seed=5, n_claims=90, n_reviewers=3, missing=0.2)
    ratings["article_id"] = (ratings["claim_id"] - 1) // 30 + 100
    breakdown = by_article(RatingTable.from_frame(ratings)).set_index("article_id")
    assert list(breakdown.index) == [100, 101, 102]
    for article_id, group in ratings.groupby("article_id"):
        alone = agreement_report(RatingTable.from_frame(group.drop(columns="article_id")), resamples=0)
        row = breakdown.loc[article_id]
        assert row["alpha"] == pytest.approx(alone.krippendorff_alpha.value, abs=1e-12)
        assert row["percent_agreement"] == pytest.approx(alone.percent_agreement.value, abs=1e-12)
        assert (row["claims"], row["compared"], row["disputed"], row["ratings"]) == (
            alone.n_claims, alone.n_claims_compared, alone.n_claims_disputed, alone.n_ratings
        )


def test_per_article_needs_article_ids():
    with pytest.raises(AgreementError, match="article_id"):
        by_article(table_of([(1, "a", "supported"), (1, "b", "supported")]))


# --- confusion and disputed claims -------------------------------------------------------------


def test_confusion_counts_pairs_of_verdicts_on_the_same_claim():
    table = table_of(
        [
            (1, "a", "supported"), (1, "b", "disputed"), (1, "c", "disputed"),
            (2, "a", "supported"), (2, "b", "supported"),
            (3, "a", "editorial_framing"),
        ]
    )
    confusion = ag.label_confusion(table)
    assert confusion.loc["supported", "disputed"] == 2 == confusion.loc["disputed", "supported"]
    assert confusion.loc["disputed", "disputed"] == 1
    assert confusion.loc["supported", "supported"] == 1
    assert confusion.loc["editorial_framing"].sum() == 0
    pairs = ag.confusion_pairs(confusion)
    top = pairs.iloc[0]
    assert (top["label_a"], top["label_b"], top["pairs"]) == ("supported", "disputed", 2)
    assert top["share_of_disagreements"] == 1.0
    assert pairs["pairs"].sum() == 3 + 1  # C(3,2) pairs on claim 1, one on claim 2


def test_disputed_claims_lists_only_disagreements_most_divided_first():
    table = table_of(
        [
            (1, "a", "supported"), (1, "b", "supported"), (1, "c", "disputed"),
            (2, "a", "supported"), (2, "b", "disputed"), (2, "c", "editorial_framing"),
            (3, "a", "disputed"), (3, "b", "disputed"),
            (4, "a", "disputed"),
        ]
    )
    disputed = disputed_claims(table)
    assert list(disputed["claim_id"]) == [2, 1]
    assert disputed.iloc[1][["supported", "disputed", "editorial_framing"]].tolist() == [2, 1, 0]


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6), st.integers(2, 30), st.integers(0, 1000))
def test_perfect_agreement_gives_one(n_reviewers, n_claims, seed):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, n_claims)
    truth[:2] = [0, 1]  # at least two labels, or agreement beyond chance is undefined
    rows = [(c, f"r{r}", LABELS[truth[c]]) for c in range(n_claims) for r in range(n_reviewers)]
    report = agreement_report(table_of(rows), resamples=50)
    assert report.percent_agreement.value == 1.0
    assert report.krippendorff_alpha.value == pytest.approx(1.0)
    assert report.krippendorff_alpha.ci95 == pytest.approx((1.0, 1.0))
    assert report.fleiss_kappa.value == pytest.approx(1.0)
    assert all(pair.kappa == pytest.approx(1.0) for pair in report.cohen_kappa)
    assert report.n_claims_disputed == 0


def _headline(report: ag.AgreementReport) -> tuple:
    pairs = {
        frozenset((pair.reviewer_a, pair.reviewer_b)): (pair.n, pair.kappa) for pair in report.cohen_kappa
    }
    return (
        report.n_ratings, report.n_claims, report.n_claims_compared, report.n_claims_disputed,
        round(report.percent_agreement.value or 0, 12), round(report.krippendorff_alpha.value or 0, 12),
        round(report.fleiss_kappa.value or 0, 12), pairs, report.confusion.to_numpy().tolist(),
    )


@settings(max_examples=40, deadline=None)
@given(ratings_strategy, st.integers(0, 10_000))
def test_permuting_reviewers_claims_and_rows_changes_nothing(ratings, seed):
    rng = np.random.default_rng(seed)
    original = agreement_report(RatingTable.from_frame(ratings), resamples=0)
    shuffled = ratings.sample(frac=1, random_state=seed).reset_index(drop=True)
    claims = ratings["claim_id"].unique()
    claim_map = dict(zip(claims, rng.permutation(len(claims)) + 1000, strict=True))
    shuffled["claim_id"] = shuffled["claim_id"].map(claim_map)
    permuted = agreement_report(RatingTable.from_frame(shuffled), resamples=0)
    assert _headline(permuted) == _headline(original)
    # Renaming reviewers (a permutation of who is who) changes names only, not figures.
    names = sorted(ratings["reviewer"].unique())
    renamed = dict(zip(names, rng.permutation(names), strict=True))
    swapped = ratings.assign(reviewer=ratings["reviewer"].map(renamed))
    result = agreement_report(RatingTable.from_frame(swapped), resamples=0)
    assert result.krippendorff_alpha.value == original.krippendorff_alpha.value
    assert sorted(p.kappa or -9 for p in result.cohen_kappa) == sorted(p.kappa or -9 for p in original.cohen_kappa)


# --- bootstrap ---------------------------------------------------------------------------------


def test_bootstrap_is_seeded_and_brackets_alpha():
    table = RatingTable.from_frame(random_ratings(seed=2, n_claims=300, n_reviewers=4, missing=0.2))
    first = alpha_with_interval(table.counts, resamples=500, seed=7)
    again = alpha_with_interval(table.counts, resamples=500, seed=7)
    other = alpha_with_interval(table.counts, resamples=500, seed=8)
    assert first.ci95 == again.ci95
    assert first.ci95 != other.ci95
    low, high = first.ci95
    assert low < first.value < high
    assert high - low < 0.3
    assert first.n_resamples == 500


def test_bootstrap_pattern_shortcut_matches_drawing_claims(monkeypatch):
    """Pooling claims by label counts is the same bootstrap as drawing claims one by one."""
    table = RatingTable.from_frame(random_ratings(seed=4, n_claims=400, n_reviewers=4, missing=0.3))
    compared = table.counts[table.compared]
    pooled = bootstrap_alpha(compared, resamples=4000, seed=1)
    monkeypatch.setattr(ag, "MAX_BOOTSTRAP_PATTERNS", 0)
    monkeypatch.setattr(ag, "BOOTSTRAP_CHUNK_CELLS", 50_000)
    drawn = bootstrap_alpha(compared, resamples=4000, seed=2)
    assert len(pooled) == len(drawn) == 4000
    assert np.mean(pooled) == pytest.approx(np.mean(drawn), abs=0.005)
    assert np.std(pooled) == pytest.approx(np.std(drawn), rel=0.1)
    # A naive bootstrap with the krippendorff package agrees too.
    rng = np.random.default_rng(3)
    naive = [
        krippendorff.alpha(value_counts=compared[rng.integers(0, len(compared), len(compared))],
                           level_of_measurement="nominal")
        for _ in range(400)
    ]
    assert np.std(pooled) == pytest.approx(np.std(naive), rel=0.2)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=3, max_size=3), min_size=1, max_size=60))
def test_pooling_claims_by_label_counts_matches_numpy_unique(rows):
    counts = np.array(rows)
    patterns, inverse, frequency = ag._distinct_rows(counts)
    expected_patterns, expected_inverse, expected_frequency = np.unique(
        counts, axis=0, return_inverse=True, return_counts=True
    )
    assert patterns.tolist() == expected_patterns.tolist()
    assert inverse.tolist() == expected_inverse.ravel().tolist()
    assert frequency.tolist() == expected_frequency.tolist()


def test_no_bootstrap_when_resamples_is_zero():
    alpha = agreement_report(from_reliability_data(KRIPPENDORFF_EXAMPLE), resamples=0).krippendorff_alpha
    assert alpha.ci95 is None and alpha.n_resamples == 0
    assert alpha.to_dict()["ci95"] is None


# --- degenerate data: honest answers -----------------------------------------------------------


def test_no_ratings_at_all():
    report = agreement_report(table_of([]), resamples=100)
    assert report.n_claims == 0 and report.n_reviewers == 0
    assert report.percent_agreement.value is None
    assert report.krippendorff_alpha.value is None
    assert report.fleiss_kappa.value is None
    assert report.cohen_kappa == []
    assert "no verdicts" in " ".join(report.notes)


def test_fewer_than_two_reviewers():
    report = agreement_report(table_of([(1, "solo", "supported"), (2, "solo", "disputed")]))
    assert report.n_reviewers == 1
    assert report.krippendorff_alpha.value is None and report.krippendorff_alpha.note
    assert report.fleiss_kappa.value is None
    assert report.cohen_kappa == []
    assert any("Fewer than two reviewers" in note for note in report.notes)
    assert report.krippendorff_alpha.n_claims_left_out == 2


def test_no_claim_rated_twice():
    report = agreement_report(table_of([(1, "a", "supported"), (2, "b", "disputed"), (3, "c", "supported")]))
    assert report.n_claims_compared == 0
    assert report.percent_agreement.value is None
    assert report.krippendorff_alpha.value is None
    assert report.krippendorff_alpha.n_claims_left_out == 3
    assert all(pair.kappa is None and pair.n == 0 and pair.note == "no shared claims" for pair in report.cohen_kappa)
    assert any("No claim was rated by two reviewers" in note for note in report.notes)


def test_every_rating_the_same_label():
    rows = [(c, r, "supported") for c in range(5) for r in ("a", "b", "c")]
    report = agreement_report(table_of(rows), resamples=100)
    assert report.percent_agreement.value == 1.0
    assert report.krippendorff_alpha.value is None
    assert "undefined" in report.krippendorff_alpha.note
    assert report.krippendorff_alpha.ci95 is None
    assert report.fleiss_kappa.value is None and "undefined" in report.fleiss_kappa.note
    assert all(pair.kappa is None and "undefined" in pair.note for pair in report.cohen_kappa)
    document = report.to_dict()
    assert document["krippendorff_alpha"]["value"] is None
    assert document["cohen_kappa"][0]["kappa"] is None
    assert interpret_alpha(None) == "undefined"


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [(1, "solo", "supported"), (2, "solo", "disputed")],
        [(1, "a", "supported"), (2, "b", "disputed")],
        [(1, "a", "supported"), (1, "b", "supported")],
    ],
    ids=["empty", "one reviewer", "nothing shared", "one label"],
)
def test_breakdowns_of_degenerate_data_do_not_make_numbers_up(rows):
    table = RatingTable.from_frame(
        pd.DataFrame(rows, columns=["claim_id", "reviewer", "verdict"]).assign(article_id=7)
    )
    labels, articles, reviewers = by_label(table), by_article(table), by_reviewer(table)
    disputed = disputed_claims(table)
    assert len(labels) == 3 and labels["alpha"].isna().all() and labels["note"].notna().all()
    assert articles["alpha"].isna().all() and articles["note"].notna().all()
    assert len(reviewers) == len(table.raters)
    assert reviewers["alpha_without"].isna().all() and reviewers["kappa_vs_others"].isna().all()
    assert disputed.empty


def test_a_pair_with_no_shared_claims():
    rows = [(1, "a", "supported"), (1, "b", "disputed"), (2, "b", "supported"), (2, "c", "supported")]
    pairs = {(p.reviewer_a, p.reviewer_b): p for p in agreement_report(table_of(rows)).cohen_kappa}
    assert pairs[("a", "c")].n == 0 and pairs[("a", "c")].kappa is None
    assert pairs[("a", "c")].note == "no shared claims"
    assert pairs[("a", "b")].n == 1


@pytest.mark.parametrize(("claims", "shared"), [(1, "their one shared claim"), (3, "all 3 shared claims")])
def test_a_pair_that_always_gave_one_label_says_why_kappa_is_undefined(claims: int, shared: str):
    rows = [(claim, who, "supported") for claim in range(1, claims + 1) for who in ("a", "b")]
    (pair,) = agreement_report(table_of(rows)).cohen_kappa
    assert pair.kappa is None and pair.note == f"both gave Supported on {shared}: kappa is undefined"


def test_one_reviewer_using_one_label_still_has_a_kappa():
    """Kappa is undefined only when chance agreement is certain, not whenever a reviewer is constant."""
    table = from_contingency([[3, 2], [0, 0]], ["yes", "no"])
    (pair,) = cohen_pairs(table)
    assert pair.kappa == pytest.approx(0.0)


def test_alpha_ci_skips_single_label_resamples():
    # One disputed claim among many unanimous ones: some resamples have a single label.
    rows = [(c, r, "supported") for c in range(8) for r in ("a", "b")] + [(99, "a", "supported"), (99, "b", "disputed")]
    alpha = agreement_report(table_of(rows), resamples=300, seed=1).krippendorff_alpha
    assert alpha.value is not None
    assert alpha.note and "skipped" in alpha.note


# --- encoding ----------------------------------------------------------------------------------


def test_labels_from_other_tools_are_taken_as_they_appear():
    table = table_of([(1, "a", "true"), (1, "b", "false"), (2, "a", "mixed"), (2, "b", "true")])
    assert table.labels == ("true", "false", "mixed")


def test_workbench_labels_keep_their_order_and_all_three_show():
    table = table_of([(1, "a", "disputed"), (1, "b", "supported")])
    assert table.labels == LABELS
    assert list(ag.label_confusion(table).index) == list(LABELS)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(1, "a", "supported"), (1, "a", "disputed")], "more than once"),
        ([(1, "a", None)], "needs a claim_id"),
    ],
)
def test_bad_tables_are_refused(rows, message):
    with pytest.raises(AgreementError, match=message):
        table_of(rows)


def test_unknown_label_with_fixed_labels_is_refused():
    with pytest.raises(AgreementError, match="Unknown label"):
        table_of([(1, "a", "maybe")], labels=LABELS)


def test_missing_columns_are_named():
    with pytest.raises(AgreementError, match="verdict"):
        RatingTable.from_frame(pd.DataFrame({"claim_id": [1], "reviewer": ["a"]}))


def test_report_json_shape():
    document = agreement_report(from_reliability_data(KRIPPENDORFF_EXAMPLE), resamples=100).to_dict()
    for key in ("n_claims", "n_reviewers", "percent_agreement", "fleiss_kappa", "krippendorff_alpha", "cohen_kappa"):
        assert key in document
    assert document["n_claims"] == 12 and document["n_reviewers"] == 4
    assert {"value", "n_claims"} <= set(document["fleiss_kappa"])
    assert {"value", "ci95"} <= set(document["krippendorff_alpha"])
    assert len(document["krippendorff_alpha"]["ci95"]) == 2
    assert set(document["cohen_kappa"][0]) >= {"reviewer_a", "reviewer_b", "kappa", "n"}
    assert len(document["cohen_kappa"]) == 6
    assert "percent_agreement" in document["definitions"]

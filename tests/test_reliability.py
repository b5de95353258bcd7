"""Dawid–Skene and majority-vote aggregation: a reference on known data, simulated teams, degenerate input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from reliability_sim import simulate

from workbench import LABELS
from workbench.agreement import RatingTable
from workbench.reliability import ReliabilityError, _Ratings, _dawid_skene, aggregate

# Dawid & Skene (1979), Table 1: 45 patients, 5 anaesthetists, 4 classes; observer 1 rated
# every patient three times. patient -> observer responses (observer 1 first, three of them).
PATIENTS = """
1 1,1,1 1 1 1 1|2 3,3,3 4 3 3 4|3 1,1,2 2 1 2 2|4 2,2,2 3 1 2 1|5 2,2,2 3 2 2 2|6 2,2,2 3 3 2 2
7 1,2,2 2 1 1 1|8 3,3,3 3 4 3 3|9 2,2,2 2 2 2 3|10 2,3,2 2 2 2 3|11 4,4,4 4 4 4 4|12 2,2,2 3 3 4 3
13 1,1,1 1 1 1 1|14 2,2,2 3 2 1 2|15 1,2,1 1 1 1 1|16 1,1,1 2 1 1 1|17 1,1,1 1 1 1 1|18 1,1,1 1 1 1 1
19 2,2,2 2 2 2 1|20 2,2,2 1 3 2 2|21 2,2,2 2 2 2 2|22 2,2,2 2 2 2 1|23 2,2,2 3 2 2 2|24 2,2,1 2 2 2 2
25 1,1,1 1 1 1 1|26 1,1,1 1 1 1 1|27 2,3,2 2 2 2 2|28 1,1,1 1 1 1 1|29 1,1,1 1 1 1 1|30 1,1,2 1 1 2 1
31 1,1,1 1 1 1 1|32 3,3,3 3 2 3 3|33 1,1,1 1 1 1 1|34 2,2,2 2 2 2 2|35 2,2,2 3 2 3 2|36 4,3,3 4 3 4 3
37 2,2,1 2 2 3 2|38 2,3,2 3 2 3 3|39 3,3,3 3 4 3 2|40 1,1,1 1 1 1 1|41 1,1,1 1 1 1 1|42 1,2,1 2 1 1 1
43 2,3,2 2 2 2 2|44 1,2,1 1 1 1 1|45 2,2,2 2 2 2 2
"""


def patient_ratings() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    items, raters, values = [], [], []
    for record in PATIENTS.replace("\n", "|").split("|"):
        if not record.strip():
            continue
        patient, first, *others = record.split()
        for observer, given in [(0, value) for value in first.split(",")] + list(enumerate(others, start=1)):
            items.append(int(patient) - 1)
            raters.append(observer)
            values.append(int(given) - 1)
    return np.array(items), np.array(raters), np.array(values)


def reference_dawid_skene(items, raters, values, n_items, n_raters, k, iterations):
    """The paper's EM written out loop by loop (no smoothing), started from vote shares."""
    counts = np.zeros((n_items, n_raters, k))
    for i, j, l in zip(items, raters, values):
        counts[i, j, l] += 1
    t = counts.sum(axis=1) / counts.sum(axis=(1, 2))[:, None]
    for _ in range(iterations):
        p = t.sum(axis=0) / n_items
        pi = np.zeros((n_raters, k, k))
        for j in range(n_raters):
            for true in range(k):
                for given in range(k):
                    pi[j, true, given] = sum(t[i, true] * counts[i, j, given] for i in range(n_items))
                pi[j, true] /= pi[j, true].sum()
        for i in range(n_items):
            for true in range(k):
                t[i, true] = p[true] * np.prod([pi[j, true, given] ** counts[i, j, given]
                                                for j in range(n_raters) for given in range(k)])
            t[i] /= t[i].sum()
    return t, p, pi


def patient_model(**options):
    items, raters, values = patient_ratings()
    ratings = _Ratings.from_codes(items, raters, values, np.arange(1, 46), [f"observer {j}" for j in range(1, 6)],
                                  ["1", "2", "3", "4"])
    return ratings, _dawid_skene(ratings, options.get("smoothing", 0.0), options.get("tolerance", 0.0),
                                 options.get("max_iterations", 50), [])


def test_patient_data_matches_the_papers_em_step_by_step():
    items, raters, values = patient_ratings()
    assert len(items) == 45 * 7
    for iterations in (1, 2, 10):
        _, model = patient_model(max_iterations=iterations)
        t, p, pi = reference_dawid_skene(items, raters, values, 45, 5, 4, iterations)
        # the reference's t after n E-steps equals ours; our reported p and pi are re-estimated from it
        np.testing.assert_allclose(model.posteriors, t, atol=1e-10)


def test_patient_data_published_findings():
    _, model = patient_model(max_iterations=200, tolerance=1e-12)
    assert model.converged
    # Dawid & Skene's estimated class proportions are close to the majority shares and sum to 1;
    # the four classes are all present, class 4 the rarest.
    assert model.prevalence.sum() == pytest.approx(1.0)
    assert list(np.argsort(-model.prevalence)[:2]) in ([0, 1], [1, 0])
    assert model.prevalence.argmin() == 3
    # The paper's estimates (two decimals): class proportions and observer 1's error rates.
    np.testing.assert_allclose(model.prevalence, [0.40, 0.42, 0.11, 0.07], atol=0.005)
    np.testing.assert_allclose(
        model.reviewers[0].confusion,
        [[0.89, 0.11, 0, 0], [0.07, 0.88, 0.05, 0], [0, 0.34, 0.66, 0], [0, 0, 0.56, 0.44]],
        atol=0.006,
    )
    # Patients every observer put in the same class stay there with near certainty.
    for patient in (1, 11, 13, 17, 21):
        assert model.posteriors[patient - 1].max() > 0.99
    for item in model.reviewers:
        np.testing.assert_allclose(item.confusion.sum(axis=1), 1.0)


@pytest.mark.parametrize("seed", range(5))
def test_simulated_team_beats_majority_vote(seed):
    team = simulate(seed, n_claims=3000)
    table = team.table()
    truth = team.truth[table.unit_ids - 1]
    model = aggregate(table)
    majority = aggregate(table, "majority")
    accuracy = (model.label_codes == truth).mean()
    assert accuracy >= (majority.label_codes == truth).mean() + 0.02
    rng = np.random.default_rng(seed)
    counts = table.counts
    random_ties = np.array([rng.choice(np.flatnonzero(row == row.max())) for row in counts])
    assert accuracy >= (random_ties == truth).mean() + 0.04
    # as good as knowing the true confusion matrices (the Bayes-optimal rule), within a point
    order = [team.names.index(name) for name in table.raters]
    log_posterior = np.tile(np.log([0.5, 0.3, 0.2]), (table.n_units, 1))
    np.add.at(log_posterior, table.unit_codes, np.log(team.confusions[order][table.rater_codes, :, table.value_codes]))
    assert accuracy >= (log_posterior.argmax(axis=1) == truth).mean() - 0.01
    reliability = {item.reviewer: item.reliability for item in model.reviewers}
    assert min(reliability, key=reliability.get) == "r4"  # the random clicker
    for item in model.reviewers:
        real = team.confusions[team.names.index(item.reviewer)]
        assert np.abs(item.confusion - real).mean() < 0.08, item.reviewer


def test_overuser_confusion_shows_the_pull_towards_disputed():
    team = simulate(11, n_claims=4000)
    model = aggregate(team.table())
    overuser_ = next(item for item in model.reviewers if item.reviewer == "r3")
    disputed = LABELS.index("disputed")
    assert overuser_.confusion[LABELS.index("supported"), disputed] > 0.3
    careful_ = [item.reliability for item in model.reviewers if item.reviewer in ("r0", "r1", "r2")]
    assert min(careful_) > overuser_.reliability > model.reviewers[-1].reliability


def frame(rows):
    return RatingTable.from_frame(pd.DataFrame(rows, columns=["claim_id", "reviewer", "verdict"]), labels=LABELS)


S, D, E = LABELS


def test_one_reviewer_falls_back_to_majority_with_a_note():
    result = aggregate(frame([(1, "ana", S), (2, "ana", D)]))
    assert result.method == "majority"
    assert any("cannot be estimated" in note for note in result.notes)
    assert result.reviewers[0].reliability is None
    assert result.label_of(1) == (S, 1.0)


def test_one_label_everywhere_gives_no_reliability():
    result = aggregate(frame([(claim, name, S) for claim in range(1, 6) for name in ("ana", "bo")]))
    assert result.method == "dawid-skene"
    assert (result.label_codes == 0).all()
    assert all(item.reliability is None for item in result.reviewers)
    assert any("reliability beyond chance is undefined" in note for note in result.notes)


def test_a_reviewer_who_never_varies_is_no_better_than_chance_and_little_evidence_is_said():
    team = simulate(3, n_claims=300)
    constant = pd.DataFrame({"claim_id": team.frame["claim_id"].unique()[:40], "reviewer": "dave", "verdict": S})
    newcomer = pd.DataFrame({"claim_id": team.frame["claim_id"].unique()[:2], "reviewer": "gina", "verdict": [S, D]})
    result = aggregate(RatingTable.from_frame(pd.concat([team.frame, constant, newcomer]), labels=LABELS))
    by_name = {item.reviewer: item for item in result.reviewers}
    assert by_name["dave"].reliability == 0.0 and by_name["dave"].note == "gave Supported every time: no better than chance"
    assert by_name["gina"].note == "judged on 2 shared claims only: little evidence"
    assert all(by_name[name].note is None for name in ("r1", "r2", "r3"))


def test_claim_with_one_verdict_is_only_as_certain_as_its_reviewer():
    team = simulate(3, n_claims=1500)
    extra = pd.DataFrame({"claim_id": [99_999], "reviewer": ["r4"], "verdict": [D]})
    table = RatingTable.from_frame(pd.concat([team.frame, extra]), labels=LABELS)
    result = aggregate(table)
    label, confidence = result.label_of(99_999)
    assert confidence < 0.6  # the random clicker's lone verdict says little


def test_reviewer_without_overlap_is_flagged_not_trusted():
    team = simulate(5, n_claims=1500)
    loner = pd.DataFrame({"claim_id": range(50_000, 50_040), "reviewer": "zed", "verdict": [S, D] * 20})
    result = aggregate(RatingTable.from_frame(pd.concat([team.frame, loner]), labels=LABELS))
    zed = next(item for item in result.reviewers if item.reviewer == "zed")
    assert zed.reliability is None and zed.n == 40 and zed.n_shared == 0
    assert "shares no claim" in zed.note
    assert result.label_of(50_000)[1] < 0.99


def test_two_reviewers_alone_are_told_their_reliabilities_cannot_be_told_apart():
    two = aggregate(frame([(claim, name, label) for claim in range(1, 11) for name, label in (("ana", S), ("bo", D if claim % 3 else S))]))
    assert two.method == "dawid-skene"
    assert any("No claim has verdicts from three reviewers" in note for note in two.notes)
    three = aggregate(frame([(1, "ana", S), (1, "bo", S), (1, "cy", D), (2, "ana", D), (2, "bo", D)]))
    assert not any("three reviewers" in note for note in three.notes)


def test_nobody_overlaps():
    result = aggregate(frame([(1, "ana", S), (2, "bo", D), (3, "cy", E)]))
    assert result.method == "majority" and all(item.reliability is None for item in result.reviewers)


def test_a_few_claims_from_a_small_team_keep_their_majorities():
    """Four claims, three reviewers: the model may not collapse every claim onto one label."""
    verdicts = {"ann": [S, D, S, E], "bob": [S, D, D, E], "cy": [S, S, D, None]}
    result = aggregate(frame([
        (claim, name, label) for name, labels in verdicts.items() for claim, label in enumerate(labels, 1) if label
    ]))
    assert [result.label_of(claim)[0] for claim in (1, 2, 3, 4)] == [S, D, D, E]
    assert result.label_of(1)[1] > result.label_of(2)[1]  # unanimous is surer than a 2-1 split


def test_empty_and_bad_settings():
    result = aggregate(RatingTable.from_frame(pd.DataFrame(columns=["claim_id", "reviewer", "verdict"]), labels=LABELS))
    assert result.to_dict()["claims"] == [] and "No verdicts" in result.notes[0]
    with pytest.raises(ReliabilityError, match="Unknown method"):
        aggregate(frame([(1, "ana", S)]), "vote")
    with pytest.raises(ReliabilityError):
        aggregate(frame([(1, "ana", S)]), smoothing=-1)


def test_majority_vote_ties_and_shares():
    result = aggregate(frame([(1, "ana", S), (1, "bo", D), (2, "ana", D), (2, "bo", D), (2, "cy", S)]), "majority")
    assert result.label_of(2) == (D, pytest.approx(2 / 3))
    assert result.label_of(1) == (D, 0.5)  # tie: disputed was given more often overall
    assert any("tied" in note for note in result.notes)


def test_json_document_keeps_full_precision():
    result = aggregate(simulate(1, n_claims=300).table())
    document = json.loads(json.dumps(result.to_dict()))
    assert set(document) >= {"method", "claims", "reviewers"}
    claim = document["claims"][0]
    assert set(claim) >= {"claim_id", "label", "confidence"}
    assert claim["confidence"] == float(result.confidence[0])
    reviewer = document["reviewers"][0]
    assert set(reviewer["confusion"]) == set(LABELS)
    assert reviewer["confusion"][S][D] == float(result.reviewers[0].confusion[0, 1])

"""Reviewer reliability and the most likely verdict per claim: Dawid–Skene and majority vote.

Dawid & Skene (1979) model each reviewer by a confusion matrix (true verdict × given verdict)
and each claim by a hidden true verdict. EM alternates between the posterior of every claim's
true verdict (E-step) and the confusion matrices and label prevalences that best explain the
verdicts under those posteriors (M-step). Here it starts from the majority vote (each claim's
vote shares), adds ``smoothing`` pseudo-counts to every confusion cell and prevalence (so a
reviewer who never used a label is not declared certain never to use it) and
:data:`DIAGONAL_PRIOR` × ``smoothing`` more to each matrix's diagonal (reviewers are assumed to
do better than chance until their verdicts say otherwise: without it, a small team's first
handful of claims can collapse to one label for every claim), and stops when the log-likelihood
per verdict changes by less than ``tolerance`` or after ``max_iterations``. With
``smoothing=0`` it is the paper's maximum-likelihood EM.

Degenerate input is reported, not hidden:

- A reviewer who shares no claim with anyone else cannot be told apart from the truth: their
  confusion matrix is the team's pooled one, their reliability ``None``, with a note.
- When no claim has verdicts from two reviewers (one reviewer, or nobody overlaps), the model
  cannot be estimated at all: the result is the majority vote, with a note.
- When every verdict is the same label, agreement with the truth beyond chance is undefined:
  reliabilities are ``None``.
- A claim with one verdict gets the posterior implied by that reviewer's confusion matrix, so
  its confidence is honest (a careless reviewer's lone verdict is not "certain").

Performance contract: everything is vectorised over a sparse claims × (reviewer, label) matrix;
one EM iteration is two sparse products. 1,000,000 verdicts (200,000 claims × 5 reviewers)
take well under a second to aggregate (``benchmarks/bench_aggregate.py``).

The statistics work on a :class:`~workbench.agreement.RatingTable` (from a CSV or the database);
:func:`aggregate_verdicts` loads one with :func:`workbench.agreement_data.load_rating_table`,
the fast integer-column reader of the agreement measures (leads only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench import LABEL_TITLES
from workbench.access import Actor, require_lead
from workbench.agreement import RatingTable
from workbench.agreement_data import RatingFilter, load_rating_table
from workbench.errors import WorkbenchError
from workbench.models import Article, Claim, Reviewer, VerdictHistory
from workbench.vocabulary import counted

METHODS: tuple[str, ...] = ("dawid-skene", "majority")
DEFAULT_SMOOTHING = 0.5
"""Pseudo-count added to every confusion cell and every label prevalence."""
DIAGONAL_PRIOR = 2.0
"""Extra pseudo-counts on a confusion matrix's diagonal, in units of ``smoothing``.

Chosen on simulated teams (tests/reliability_sim.py, 60 to 2,000 claims): it never lowered
accuracy against the truth, and it keeps four claims from three reviewers from all getting one
label."""
FEW_SHARED_CLAIMS = 5
"""Below this many claims shared with others, a reviewer's reliability carries a note: little evidence."""
DEFAULT_TOLERANCE = 1e-7
"""EM stops when the log-likelihood per verdict changes by less than this."""
DEFAULT_MAX_ITERATIONS = 500
PACE_BREAK_SECONDS = 15 * 60
"""A gap longer than this between two first verdicts is a break, not time spent on a claim."""


class ReliabilityError(WorkbenchError):
    """Aggregation asked of something it cannot do (an unknown method, bad settings)."""


@dataclass(frozen=True)
class ReviewerReliability:
    """How one reviewer relates to the estimated truth."""

    reviewer: str
    n: int
    """Verdicts given."""
    n_shared: int
    """Verdicts on claims that someone else also rated (only these say anything about reliability)."""
    reliability: float | None
    """Chance-corrected agreement with the estimated truth (Cohen's kappa of the reviewer against
    the model): 1 is perfect, 0 is no better than clicking at the reviewer's own label rates.
    ``None`` when it cannot be estimated (no shared claims, or a single label in use)."""
    accuracy: float | None
    """Estimated probability that this reviewer's verdict is the true one."""
    confusion: np.ndarray
    """Labels × labels: row = true verdict, column = given verdict; each row sums to 1."""
    evidence: np.ndarray
    """Per true verdict: the (expected) number of this reviewer's verdicts behind that row."""
    note: str | None = None

    def confusion_dict(self, labels: tuple[str, ...]) -> dict[str, dict[str, float]]:
        return {
            true: {given: float(self.confusion[row, column]) for column, given in enumerate(labels)}
            for row, true in enumerate(labels)
        }


@dataclass(frozen=True)
class Aggregation:
    """The most likely verdict per claim and each reviewer's reliability."""

    method: str
    """The method actually used (``majority`` when Dawid–Skene could not be estimated)."""
    labels: tuple[str, ...]
    claim_ids: np.ndarray
    posteriors: np.ndarray
    """Claims × labels: probability of each true verdict (majority vote: vote shares)."""
    label_codes: np.ndarray
    """Index into ``labels`` of each claim's most likely verdict."""
    prevalence: np.ndarray
    """Estimated share of each true verdict among the claims."""
    reviewers: tuple[ReviewerReliability, ...]
    iterations: int = 0
    converged: bool = True
    log_likelihood: float | None = None
    notes: tuple[str, ...] = ()

    @property
    def confidence(self) -> np.ndarray:
        """Posterior probability of each claim's most likely verdict."""
        if not len(self.claim_ids):
            return np.zeros(0)
        return self.posteriors[np.arange(len(self.claim_ids)), self.label_codes]

    def claims_frame(self) -> pd.DataFrame:
        """``claim_id``, ``label``, ``confidence`` and one ``p_<label>`` column per label."""
        frame = pd.DataFrame(
            {
                "claim_id": self.claim_ids,
                "label": np.asarray(self.labels, dtype=object)[self.label_codes] if len(self.labels) else [],
                "confidence": self.confidence,
            }
        )
        for index, label in enumerate(self.labels):
            frame[f"p_{label}"] = self.posteriors[:, index]
        return frame

    def reviewers_frame(self) -> pd.DataFrame:
        """One row per reviewer, least reliable first (unknown reliability last)."""
        frame = pd.DataFrame(
            [
                {
                    "reviewer": item.reviewer,
                    "reliability": item.reliability,
                    "accuracy": item.accuracy,
                    "n": item.n,
                    "n_shared": item.n_shared,
                    "note": item.note or "",
                }
                for item in self.reviewers
            ],
            columns=["reviewer", "reliability", "accuracy", "n", "n_shared", "note"],
        )
        return frame.astype({"reliability": float, "accuracy": float})

    def label_of(self, claim_id: int) -> tuple[str, float] | None:
        """The most likely verdict and its probability for one claim, or ``None`` if it has no verdicts."""
        position = int(np.searchsorted(self.claim_ids, claim_id))
        if position >= len(self.claim_ids) or self.claim_ids[position] != claim_id:
            return None
        return self.labels[self.label_codes[position]], float(self.posteriors[position, self.label_codes[position]])

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``workbench aggregate --format json`` (floats at full precision)."""
        labels = np.asarray(self.labels, dtype=object)
        return {
            "method": self.method,
            "labels": list(self.labels),
            "prevalence": {label: float(p) for label, p in zip(self.labels, self.prevalence)},
            "iterations": self.iterations,
            "converged": self.converged,
            "log_likelihood": self.log_likelihood,
            "notes": list(self.notes),
            "claims": [
                {"claim_id": _plain(claim_id), "label": label, "confidence": float(confidence)}
                for claim_id, label, confidence in zip(
                    self.claim_ids.tolist(), labels[self.label_codes].tolist(), self.confidence.tolist()
                )
            ],
            "reviewers": [
                {
                    "reviewer": item.reviewer,
                    "reliability": item.reliability,
                    "accuracy": item.accuracy,
                    "n": item.n,
                    "n_shared": item.n_shared,
                    "confusion": item.confusion_dict(self.labels),
                    "evidence": {label: float(count) for label, count in zip(self.labels, item.evidence)},
                    "note": item.note,
                }
                for item in self.reviewers
            ],
        }


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


# --- entry point ----------------------------------------------------------------------------------


def aggregate(
    table: RatingTable,
    method: str = "dawid-skene",
    *,
    smoothing: float = DEFAULT_SMOOTHING,
    tolerance: float = DEFAULT_TOLERANCE,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
) -> Aggregation:
    """Aggregate the verdicts of ``table`` with ``method`` (``dawid-skene`` or ``majority``)."""
    if method not in METHODS:
        raise ReliabilityError(f"Unknown method {method!r}: use one of {', '.join(METHODS)}.")
    if smoothing < 0 or not math.isfinite(smoothing):
        raise ReliabilityError("Smoothing must be a finite number >= 0.")
    if max_iterations < 1:
        raise ReliabilityError("The iteration cap must be at least 1.")
    ratings = _Ratings.of(table)
    notes: list[str] = list(table.notes)
    if ratings.n_ratings == 0:
        notes.append("No verdicts to aggregate.")
        return _empty(method, ratings, notes)
    if ratings.labels_used() == 1:
        notes.append(
            f"Every verdict is {ratings.labels[int(ratings.values[0])]!r}: reliability beyond chance is undefined."
        )
    if method == "majority":
        return _majority(ratings, smoothing, notes)
    if not ratings.shared.any():
        notes.append(
            "No claim has verdicts from two reviewers, so reviewers cannot be compared: "
            "Dawid–Skene cannot be estimated and the majority vote is shown instead."
        )
        return _majority(ratings, smoothing, notes)
    if np.bincount(ratings.items[ratings.shared]).max() < 3:
        notes.append(
            "No claim has verdicts from three reviewers: where two disagree nothing shows which is right, so "
            "their reliabilities rest on the claims they agree on and may swap as verdicts are added. A third "
            "reviewer on some claims, or control claims, makes them meaningful."
        )
    return _dawid_skene(ratings, smoothing, tolerance, max_iterations, notes)


def aggregate_verdicts(
    session: Session, actor: Actor, filters: RatingFilter = RatingFilter(), method: str = "dawid-skene"
) -> Aggregation:
    """Aggregate the current verdicts in scope (leads only)."""
    require_lead(actor, "see reviewer reliability")
    return aggregate(load_rating_table(session, filters), method)


@dataclass(frozen=True)
class _Ratings:
    """The verdicts as integer arrays plus the sparse claims × (reviewer, label) count matrix."""

    items: np.ndarray
    raters: np.ndarray
    values: np.ndarray
    claim_ids: np.ndarray
    reviewer_names: tuple[str, ...]
    labels: tuple[str, ...]
    matrix: sparse.csr_matrix
    """Claims × (reviewer · labels + label): how often the reviewer gave the label to the claim."""
    shared: np.ndarray
    """Per verdict: the claim also has a verdict from another reviewer."""

    @classmethod
    def of(cls, table: RatingTable) -> _Ratings:
        return cls.from_codes(
            table.unit_codes, table.rater_codes, table.value_codes,
            np.asarray(table.unit_ids), table.raters, table.labels,
        )

    @classmethod
    def from_codes(cls, items, raters, values, claim_ids, reviewer_names, labels) -> _Ratings:
        """From integer codes; a reviewer may rate a claim more than once (each verdict counts)."""
        items, raters, values = (np.asarray(array, dtype=np.int64) for array in (items, raters, values))
        n_items, n_raters, k = len(claim_ids), len(reviewer_names), len(labels)
        matrix = sparse.csr_matrix(
            (np.ones(len(items)), (items, raters * k + values)), shape=(n_items, n_raters * k)
        )
        matrix.sum_duplicates()
        pairs = sparse.csr_matrix((np.ones(len(items)), (items, raters)), shape=(n_items, max(n_raters, 1)))
        pairs.sum_duplicates()
        raters_per_item = np.diff(pairs.indptr)
        return cls(items, raters, values, np.asarray(claim_ids), tuple(reviewer_names), tuple(labels),
                   matrix, raters_per_item[items] >= 2)

    @property
    def n_ratings(self) -> int:
        return len(self.items)

    def labels_used(self) -> int:
        return int((np.bincount(self.values, minlength=len(self.labels)) > 0).sum())

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.claim_ids), len(self.reviewer_names), len(self.labels)

    def vote_counts(self) -> np.ndarray:
        """Claims × labels: verdicts per label."""
        n_items, _, k = self.shape
        return np.bincount(self.items * k + self.values, minlength=n_items * k).reshape(n_items, k).astype(float)

    def per_rater(self, mask: np.ndarray | None = None) -> np.ndarray:
        _, n_raters, _ = self.shape
        raters = self.raters if mask is None else self.raters[mask]
        return np.bincount(raters, minlength=n_raters)


# --- Dawid–Skene --------------------------------------------------------------------------------


def _dawid_skene(ratings: _Ratings, smoothing: float, tolerance: float, max_iterations: int,
                 notes: list[str]) -> Aggregation:
    n_items, n_raters, k = ratings.shape
    identifiable = ratings.per_rater(ratings.shared) > 0
    # Claims with the same verdicts from the same reviewers have the same posterior: EM runs on
    # the distinct patterns, each weighted by how many claims share it (a few hundred for a team
    # of five, however many claims), and the result is spread back to the claims at the end.
    pattern_of, first, weight = _patterns(ratings.matrix)
    matrix = ratings.matrix[first]
    transposed = matrix.T.tocsr()
    votes = ratings.vote_counts()[first]
    posteriors = votes / votes.sum(axis=1, keepdims=True)
    previous = -math.inf
    converged = False
    iterations = 0
    log_likelihood = -math.inf
    for iterations in range(1, max_iterations + 1):
        counts, prevalence = _m_step(transposed, posteriors, weight, n_raters, k, smoothing)
        confusion = _confusion(counts, smoothing, identifiable)
        with np.errstate(divide="ignore"):  # only without smoothing: a zero rate rules a class out
            log_weights = np.log(confusion).transpose(0, 2, 1).reshape(n_raters * k, k)
            joint = matrix @ log_weights + np.log(prevalence)
        peak = joint.max(axis=1, keepdims=True)
        posteriors = np.exp(joint - peak)
        totals = posteriors.sum(axis=1, keepdims=True)
        posteriors /= totals
        log_likelihood = float(weight @ (np.log(totals) + peak).ravel())
        if abs(log_likelihood - previous) <= tolerance * ratings.n_ratings:
            converged = True
            break
        previous = log_likelihood
    if not converged:
        notes.append(f"EM stopped at the cap of {max_iterations} iterations before converging.")
    counts, prevalence = _m_step(transposed, posteriors, weight, n_raters, k, smoothing)
    confusion = _confusion(counts, smoothing, identifiable)
    label_codes = posteriors.argmax(axis=1)
    return Aggregation(
        method="dawid-skene",
        labels=ratings.labels,
        claim_ids=ratings.claim_ids,
        posteriors=posteriors[pattern_of],
        label_codes=label_codes[pattern_of],
        prevalence=prevalence,
        reviewers=_reviewers(ratings, confusion, counts, identifiable),
        iterations=iterations,
        converged=converged,
        log_likelihood=log_likelihood,
        notes=tuple(notes),
    )


def _patterns(matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pattern of each claim, first claim of each pattern, claims per pattern).

    A claim's pattern is its row of verdict counts; rows are told apart by a fixed random
    projection, which gives equal rows equal keys (same entries in the same order) and
    different rows different keys except with negligible probability.
    """
    projection = np.random.default_rng(20_240_501).uniform(1.0, 2.0, matrix.shape[1])
    pattern_of, keys = pd.factorize(matrix @ projection)
    first = np.empty(len(keys), dtype=np.int64)
    first[pattern_of[::-1]] = np.arange(len(pattern_of) - 1, -1, -1)
    return pattern_of, first, np.bincount(pattern_of, minlength=len(keys)).astype(float)


def _m_step(transposed: sparse.csr_matrix, posteriors: np.ndarray, weight: np.ndarray, n_raters: int, k: int,
            smoothing: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected confusion counts (reviewers × true × given) and smoothed prevalence."""
    weighted = posteriors * weight[:, None]
    counts = np.asarray(transposed @ weighted).reshape(n_raters, k, k).transpose(0, 2, 1)
    prevalence = (weighted.sum(axis=0) + smoothing) / (weight.sum() + k * smoothing)
    return counts, prevalence


def _confusion(counts: np.ndarray, smoothing: float, identifiable: np.ndarray) -> np.ndarray:
    """Row-normalised, smoothed confusion matrices (diagonal favoured); reviewers sharing no claim get the pooled one."""
    k = counts.shape[1]
    if not identifiable.all():
        pooled = counts[identifiable].sum(axis=0)
        counts = counts.copy()
        counts[~identifiable] = pooled
    smoothed = counts + smoothing + np.eye(k) * (DIAGONAL_PRIOR * smoothing)
    totals = smoothed.sum(axis=2, keepdims=True)
    uniform = np.full_like(smoothed, 1.0 / k)
    return np.divide(smoothed, totals, out=uniform, where=totals > 0)


# --- majority vote --------------------------------------------------------------------------------


def _majority(ratings: _Ratings, smoothing: float, notes: list[str]) -> Aggregation:
    """Vote shares as posteriors; a tie goes to the label given most often overall (then label order)."""
    n_items, n_raters, k = ratings.shape
    votes = ratings.vote_counts()
    shares = votes / votes.sum(axis=1, keepdims=True)
    overall = votes.sum(axis=0)
    rank = np.argsort(np.argsort(-overall, kind="stable"), kind="stable")
    tie_break = (k - rank) / (k + 1.0) * 1e-9
    label_codes = (shares + tie_break).argmax(axis=1)
    truth = np.zeros_like(shares)
    truth[np.arange(n_items), label_codes] = 1.0
    shared = ratings.shared
    cells = (ratings.raters[shared] * k + label_codes[ratings.items[shared]]) * k + ratings.values[shared]
    counts = np.bincount(cells, minlength=n_raters * k * k).reshape(n_raters, k, k).astype(float)
    identifiable = ratings.per_rater(shared) > 0
    confusion = _confusion(counts, smoothing, identifiable)
    ties = int(((shares == shares.max(axis=1, keepdims=True)).sum(axis=1) > 1).sum())
    if ties:
        notes.append(f"{counted(ties, 'claim is', 'claims are')} tied; each tie goes to the label given most often overall.")
    return Aggregation(
        method="majority",
        labels=ratings.labels,
        claim_ids=ratings.claim_ids,
        posteriors=shares,
        label_codes=label_codes,
        prevalence=truth.mean(axis=0),
        reviewers=_reviewers(ratings, confusion, counts, identifiable),
        notes=tuple(notes),
    )


# --- per reviewer ---------------------------------------------------------------------------------


def _reviewers(ratings: _Ratings, confusion: np.ndarray, counts: np.ndarray,
               identifiable: np.ndarray) -> tuple[ReviewerReliability, ...]:
    given = ratings.per_rater()
    shared = ratings.per_rater(ratings.shared)
    single_label = ratings.labels_used() < 2
    result = []
    for rater, name in enumerate(ratings.reviewer_names):
        note = None
        reliability = accuracy = None
        if not identifiable[rater]:
            note = "shares no claim with another reviewer: the team's pooled confusion matrix is shown"
        else:
            accuracy, reliability = _agreement_with_truth(counts[rater], confusion[rater])
            used = np.flatnonzero(counts[rater].sum(axis=0) > 0)
            if single_label:
                reliability = None
                note = "one label only: agreement beyond chance is undefined"
            elif len(used) == 1:
                reliability = 0.0  # a reviewer who never varies agrees with the truth by chance alone
                label = ratings.labels[used[0]]
                note = f"gave {LABEL_TITLES.get(label, label)} every time: no better than chance"
            elif shared[rater] < FEW_SHARED_CLAIMS:
                note = f"judged on {counted(int(shared[rater]), 'shared claim')} only: little evidence"
        result.append(
            ReviewerReliability(
                reviewer=name,
                n=int(given[rater]),
                n_shared=int(shared[rater]),
                reliability=reliability,
                accuracy=accuracy,
                confusion=confusion[rater],
                evidence=counts[rater].sum(axis=1),
                note=note,
            )
        )
    return tuple(result)


def _agreement_with_truth(counts: np.ndarray, confusion: np.ndarray) -> tuple[float | None, float | None]:
    """(accuracy, kappa) of a reviewer against the estimated truth, weighting true verdicts by
    how often this reviewer met them."""
    total = counts.sum()
    if total <= 0:
        return None, None
    weights = counts.sum(axis=1) / total
    accuracy = float(weights @ np.diag(confusion))
    given = weights @ confusion
    chance = float(weights @ given)
    if 1.0 - chance < 1e-12:
        return accuracy, None
    return accuracy, (accuracy - chance) / (1.0 - chance)


def _empty(method: str, ratings: _Ratings, notes: list[str]) -> Aggregation:
    _, n_raters, k = ratings.shape
    return Aggregation(
        method=method,
        labels=ratings.labels,
        claim_ids=ratings.claim_ids[:0],
        posteriors=np.zeros((0, k)),
        label_codes=np.zeros(0, dtype=np.int64),
        prevalence=np.full(k, 1.0 / k) if k else np.zeros(0),
        reviewers=(),
        notes=tuple(notes),
    )


# --- label use and pace ---------------------------------------------------------------------------


def label_distribution(table: RatingTable) -> pd.DataFrame:
    """Share of each label per reviewer and for the whole team (``reviewer`` = ``None``), long form."""
    k = len(table.labels)
    usage = np.bincount(table.rater_codes * k + table.value_codes, minlength=len(table.raters) * k)
    usage = usage.reshape(len(table.raters), k).astype(float)
    rows = [(name, label, count) for name, counts in zip(table.raters, usage) for label, count in zip(table.labels, counts)]
    rows += [(None, label, count) for label, count in zip(table.labels, usage.sum(axis=0))]
    frame = pd.DataFrame(rows, columns=["reviewer", "label", "verdicts"])
    totals = frame.groupby("reviewer", dropna=False)["verdicts"].transform("sum")
    frame["share"] = np.where(totals > 0, frame["verdicts"] / totals.where(totals > 0, 1), np.nan)
    return frame


def review_pace(session: Session, actor: Actor, filters: RatingFilter = RatingFilter(),
                break_seconds: float = PACE_BREAK_SECONDS) -> pd.DataFrame:
    """Seconds per claim for each reviewer and day, from the verdict history (leads only).

    The time spent on a claim is the gap between a reviewer's first verdict on it and their
    previous first verdict; gaps longer than ``break_seconds`` (breaks, a new session) and
    each session's first claim are left out. Only verdicts reviewers gave themselves count
    (not imports or a lead's edits). Columns: ``reviewer``, ``day``, ``claims`` (timed),
    ``median_seconds``.
    """
    require_lead(actor, "see how fast reviewers work")
    statement = (
        select(Reviewer.name, VerdictHistory.changed_at)
        .join(Reviewer, Reviewer.id == VerdictHistory.reviewer_id)
        .join(Claim, Claim.id == VerdictHistory.claim_id)
        .where(VerdictHistory.action == "create", VerdictHistory.actor_id == VerdictHistory.reviewer_id,
               Claim.reviewable)
        .order_by(VerdictHistory.reviewer_id, VerdictHistory.changed_at)
    )
    if filters.collection_id is not None:
        statement = statement.join(Article, Article.id == Claim.article_id).where(
            Article.collection_id == filters.collection_id)
    if filters.article_id is not None:
        statement = statement.where(Claim.article_id == filters.article_id)
    events = pd.DataFrame(session.execute(statement).all(), columns=["reviewer", "changed_at"])
    columns = ["reviewer", "day", "claims", "median_seconds"]
    if events.empty:
        return pd.DataFrame(columns=columns)
    events["changed_at"] = pd.to_datetime(events["changed_at"], utc=True)
    events["seconds"] = events.groupby("reviewer")["changed_at"].diff().dt.total_seconds()
    timed = events[(events["seconds"] > 0) & (events["seconds"] <= break_seconds)].copy()
    timed["day"] = timed["changed_at"].dt.date
    if filters.since is not None:
        timed = timed[timed["day"] >= filters.since]
    if filters.until is not None:
        timed = timed[timed["day"] <= filters.until]
    pace = timed.groupby(["reviewer", "day"], as_index=False).agg(
        claims=("seconds", "size"), median_seconds=("seconds", "median"))
    return pace[columns]

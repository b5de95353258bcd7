"""Agreement between reviewers on nominal labels: pure statistics on a long table of ratings.

A rating is one reviewer's label for one claim (a *unit*). Every measure here treats labels as
nominal categories and allows missing ratings (not every reviewer rates every claim).

Definitions used throughout:

- A claim is *compared* when at least two reviewers rated it; only compared claims carry
  information about agreement.
- *Percent agreement* is the mean, over compared claims, of the share of pairs of reviewers on
  the claim who gave the same label.
- Cohen's kappa for a pair of reviewers uses the claims both rated; Fleiss' kappa uses the
  claims rated by the most common number of reviewers; Krippendorff's alpha (nominal) uses every
  compared claim and gets a bootstrap 95% interval by resampling claims.

No database code lives here: :mod:`workbench.agreement_data` loads ratings into the long table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
from scipy import sparse
from statsmodels.stats.inter_rater import fleiss_kappa

from workbench import LABEL_TITLES, LABELS
from workbench.errors import WorkbenchError
from workbench.vocabulary import counted, noun_for

CLAIM_COLUMN, REVIEWER_COLUMN, VERDICT_COLUMN, ARTICLE_COLUMN = "claim_id", "reviewer", "verdict", "article_id"
RATING_COLUMNS: tuple[str, ...] = (CLAIM_COLUMN, REVIEWER_COLUMN, VERDICT_COLUMN)
"""The columns a long rating table needs; ``article_id`` is optional (for per-article figures)."""

ALPHA_RELIABLE = 0.800
ALPHA_TENTATIVE = 0.667
"""Krippendorff's thresholds: rely on data with alpha >= 0.800; draw only tentative conclusions
from 0.667 <= alpha < 0.800; discard data below 0.667."""

DEFAULT_RESAMPLES = 1000
MAX_BOOTSTRAP_PATTERNS = 5000
"""Above this many distinct per-claim label counts the bootstrap draws claims one by one."""
BOOTSTRAP_CHUNK_CELLS = 4_000_000

PERCENT_AGREEMENT_DEFINITION = (
    "Mean, over claims rated by at least two reviewers, of the share of pairs of reviewers "
    "on the claim who gave the same label."
)
CONFUSION_DEFINITION = (
    "Pairs of verdicts by two different reviewers on the same claim: cell (a, b) counts the "
    "pairs where one said a and the other b (the matrix is symmetric; the diagonal counts agreeing pairs)."
)


class AgreementError(WorkbenchError):
    """Ratings cannot be analysed as given; the message says why."""


@dataclass(frozen=True)
class Estimate:
    """A statistic that may be undefined: then ``value`` is ``None`` and ``note`` says why."""

    value: float | None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": _finite(self.value), "note": self.note}


@dataclass(frozen=True)
class FleissResult:
    """Fleiss' kappa over the claims rated by exactly ``reviewers_per_claim`` reviewers."""

    value: float | None
    n_claims: int
    reviewers_per_claim: int | None
    n_claims_left_out: int
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": _finite(self.value),
            "n_claims": self.n_claims,
            "reviewers_per_claim": self.reviewers_per_claim,
            "n_claims_left_out": self.n_claims_left_out,
            "note": self.note,
        }


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha (nominal) over compared claims, with a bootstrap 95% interval."""

    value: float | None
    n_claims: int
    n_claims_left_out: int
    """Claims with fewer than two ratings, which carry no information about agreement."""
    ci95: tuple[float, float] | None = None
    n_resamples: int = 0
    note: str | None = None

    @property
    def interpretation(self) -> str:
        return interpret_alpha(self.value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": _finite(self.value),
            "ci95": [_finite(bound) for bound in self.ci95] if self.ci95 else None,
            "n_resamples": self.n_resamples,
            "n_claims": self.n_claims,
            "n_claims_left_out": self.n_claims_left_out,
            "interpretation": self.interpretation,
            "note": self.note,
        }


@dataclass(frozen=True)
class PairKappa:
    """Cohen's kappa between two reviewers over the ``n`` claims both rated."""

    reviewer_a: str
    reviewer_b: str
    n: int
    agreement: float | None
    kappa: float | None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviewer_a": self.reviewer_a,
            "reviewer_b": self.reviewer_b,
            "n": self.n,
            "agreement": _finite(self.agreement),
            "kappa": _finite(self.kappa),
            "note": self.note,
        }


@dataclass(frozen=True)
class AgreementReport:
    """Every headline measure for one set of ratings."""

    labels: tuple[str, ...]
    reviewers: tuple[str, ...]
    n_ratings: int
    n_claims: int
    n_claims_compared: int
    n_claims_disputed: int
    percent_agreement: Estimate
    fleiss_kappa: FleissResult
    krippendorff_alpha: AlphaResult
    cohen_kappa: list[PairKappa]
    confusion: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def n_reviewers(self) -> int:
        return len(self.reviewers)

    def kappa_matrix(self) -> pd.DataFrame:
        """Cohen's kappa as a symmetric reviewer × reviewer table (``NaN`` where undefined)."""
        matrix = pd.DataFrame(np.nan, index=list(self.reviewers), columns=list(self.reviewers))
        for pair in self.cohen_kappa:
            value = np.nan if pair.kappa is None else pair.kappa
            matrix.loc[pair.reviewer_a, pair.reviewer_b] = value
            matrix.loc[pair.reviewer_b, pair.reviewer_a] = value
        for name in self.reviewers:
            matrix.loc[name, name] = 1.0
        return matrix

    def shared_matrix(self) -> pd.DataFrame:
        """How many claims each pair of reviewers both rated."""
        matrix = pd.DataFrame(0, index=list(self.reviewers), columns=list(self.reviewers))
        for pair in self.cohen_kappa:
            matrix.loc[pair.reviewer_a, pair.reviewer_b] = pair.n
            matrix.loc[pair.reviewer_b, pair.reviewer_a] = pair.n
        return matrix

    def confusion_pairs(self) -> pd.DataFrame:
        """The confusion as a long table: one row per unordered label pair, most frequent first."""
        return confusion_pairs(self.confusion)

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "reviewers": list(self.reviewers),
            "n_ratings": self.n_ratings,
            "n_claims": self.n_claims,
            "n_claims_compared": self.n_claims_compared,
            "n_claims_disputed": self.n_claims_disputed,
            "n_reviewers": self.n_reviewers,
            "percent_agreement": _finite(self.percent_agreement.value),
            "percent_agreement_note": self.percent_agreement.note,
            "definitions": {
                "percent_agreement": PERCENT_AGREEMENT_DEFINITION,
                "confusion": CONFUSION_DEFINITION,
            },
            "fleiss_kappa": self.fleiss_kappa.to_dict(),
            "krippendorff_alpha": self.krippendorff_alpha.to_dict(),
            "cohen_kappa": [pair.to_dict() for pair in self.cohen_kappa],
            "confusion": {
                row: {column: int(self.confusion.loc[row, column]) for column in self.confusion.columns}
                for row in self.confusion.index
            },
            "notes": list(self.notes),
        }


def interpret_alpha(alpha: float | None) -> str:
    """Krippendorff's reading of an alpha value (0.800 reliable, 0.667 tentative)."""
    if alpha is None:
        return "undefined"
    if alpha >= ALPHA_RELIABLE:
        return "reliable (alpha ≥ 0.800)"
    if alpha >= ALPHA_TENTATIVE:
        return "tentative conclusions only (0.667 ≤ alpha < 0.800)"
    return "unreliable (alpha < 0.667)"


class RatingTable:
    """Ratings encoded once for every measure: integer codes for claims, reviewers and labels.

    Build it with :meth:`from_frame` from a long table with columns ``claim_id``, ``reviewer``,
    ``verdict`` and optionally ``article_id``. Each (claim, reviewer) may appear only once.
    """

    def __init__(
        self,
        unit_codes: np.ndarray,
        rater_codes: np.ndarray,
        value_codes: np.ndarray,
        unit_ids: np.ndarray,
        raters: Sequence[str],
        labels: Sequence[str],
        unit_articles: np.ndarray | None = None,
        notes: Sequence[str] = (),
    ) -> None:
        self.unit_codes = unit_codes.astype(np.int64, copy=False)
        self.rater_codes = rater_codes.astype(np.int64, copy=False)
        self.value_codes = value_codes.astype(np.int64, copy=False)
        self.unit_ids = unit_ids
        self.raters = tuple(raters)
        self.labels = tuple(labels)
        self.unit_articles = unit_articles
        self.notes = list(notes)
        """What loading the ratings skipped or assumed, to show next to the figures."""

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, labels: Sequence[str] | None = None, notes: Sequence[str] = ()
    ) -> RatingTable:
        """Encode a long rating table; ``labels`` fixes the categories and their order.

        Without ``labels``, the workbench's three labels are used when every verdict is one of
        them, and otherwise the labels in the order they first appear (files from other tools).
        """
        missing = [column for column in RATING_COLUMNS if column not in frame.columns]
        if missing:
            raise AgreementError(f"The ratings need the {noun_for(len(missing), 'column')} {', '.join(missing)}.")
        if frame[list(RATING_COLUMNS)].isna().any().any():
            raise AgreementError("Every rating needs a claim_id, a reviewer and a verdict.")
        unit_codes, unit_ids = pd.factorize(frame[CLAIM_COLUMN], sort=True)
        rater_codes, raters = pd.factorize(frame[REVIEWER_COLUMN].astype(str), sort=True)
        verdicts = frame[VERDICT_COLUMN].astype(str)
        if labels is None:
            seen = pd.unique(verdicts)
            labels = LABELS if set(seen) <= set(LABELS) else [str(label) for label in seen]
        value_codes = pd.Index(list(labels)).get_indexer(verdicts)
        if (value_codes < 0).any():
            unknown = sorted(set(verdicts[value_codes < 0]))
            raise AgreementError(
                f"Unknown {noun_for(len(unknown), 'label')} {', '.join(map(repr, unknown[:5]))}: expected one of {', '.join(labels)}."
            )
        keys = unit_codes.astype(np.int64) * max(len(raters), 1) + rater_codes
        if len(np.unique(keys)) != len(keys):
            raise AgreementError("A reviewer rated the same claim more than once.")
        unit_articles = None
        if ARTICLE_COLUMN in frame.columns:
            first_rows = np.unique(unit_codes, return_index=True)[1]
            unit_articles = frame[ARTICLE_COLUMN].to_numpy()[first_rows]
        return cls(
            unit_codes, rater_codes, value_codes, np.asarray(unit_ids), list(raters), labels, unit_articles, notes
        )

    @property
    def n_ratings(self) -> int:
        return len(self.value_codes)

    @property
    def n_units(self) -> int:
        return len(self.unit_ids)

    @cached_property
    def counts(self) -> np.ndarray:
        """Claims × labels: how many reviewers gave each label to each claim."""
        k = len(self.labels)
        flat = np.bincount(self.unit_codes * k + self.value_codes, minlength=self.n_units * k)
        return flat.reshape(self.n_units, k)

    @cached_property
    def ratings_per_unit(self) -> np.ndarray:
        return self.counts.sum(axis=1)

    @cached_property
    def compared(self) -> np.ndarray:
        """Mask of claims rated by at least two reviewers."""
        return self.ratings_per_unit >= 2

    @cached_property
    def disputed(self) -> np.ndarray:
        """Mask of compared claims that received more than one label."""
        return self.compared & ((self.counts > 0).sum(axis=1) > 1)

    @cached_property
    def pair_tables(self) -> sparse.coo_matrix:
        """(reviewer, label) × (reviewer, label) counts of claims: every pairwise contingency at once."""
        k = len(self.labels)
        columns = self.rater_codes * k + self.value_codes
        one_hot = sparse.csr_matrix(
            (np.ones(self.n_ratings, dtype=np.int64), (self.unit_codes, columns)),
            shape=(self.n_units, len(self.raters) * k),
        )
        return (one_hot.T @ one_hot).tocoo()


# --- headline measures --------------------------------------------------------------------------


def agreement_report(
    table: RatingTable, *, resamples: int = DEFAULT_RESAMPLES, seed: int | None = 0
) -> AgreementReport:
    """All headline measures; ``resamples=0`` skips the bootstrap interval for alpha."""
    notes = list(table.notes)
    if not table.n_ratings:
        notes.append("There are no verdicts to measure.")
    elif len(table.raters) < 2:
        notes.append("Fewer than two reviewers: agreement cannot be measured.")
    elif not table.compared.any():
        notes.append("No claim was rated by two reviewers: agreement cannot be measured.")
    return AgreementReport(
        labels=table.labels,
        reviewers=table.raters,
        n_ratings=table.n_ratings,
        n_claims=table.n_units,
        n_claims_compared=int(table.compared.sum()),
        n_claims_disputed=int(table.disputed.sum()),
        percent_agreement=percent_agreement(table.counts),
        fleiss_kappa=fleiss(table.counts),
        krippendorff_alpha=alpha_with_interval(table.counts, resamples=resamples, seed=seed),
        cohen_kappa=cohen_pairs(table),
        confusion=label_confusion(table),
        notes=notes,
    )


def percent_agreement(counts: np.ndarray) -> Estimate:
    """Mean share of agreeing reviewer pairs per claim, over claims with two or more ratings."""
    counts = np.asarray(counts, dtype=np.float64)
    m = counts.sum(axis=1)
    compared = m >= 2
    if not compared.any():
        return Estimate(None, "no claim was rated by two reviewers")
    agreeing = (counts[compared] * (counts[compared] - 1)).sum(axis=1)
    return Estimate(float(np.mean(agreeing / (m[compared] * (m[compared] - 1)))))


def fleiss(counts: np.ndarray) -> FleissResult:
    """Fleiss' kappa over the claims rated by the most common number (at least two) of reviewers.

    Fleiss' kappa assumes every claim has the same number of ratings, so claims with another
    number are left out (and counted). Ties between group sizes go to the larger number.
    """
    counts = np.asarray(counts)
    m = counts.sum(axis=1)
    compared = m >= 2
    if not compared.any():
        return FleissResult(None, 0, None, len(m), "no claim was rated by two reviewers")
    sizes, frequency = np.unique(m[compared], return_counts=True)
    size = int(sizes[np.flatnonzero(frequency == frequency.max())[-1]])
    used = counts[m == size]
    left_out = int(len(m) - len(used))
    if (used.sum(axis=0) > 0).sum() < 2:
        return FleissResult(None, len(used), size, left_out, _single_label_note("these claims"))
    return FleissResult(float(fleiss_kappa(used, method="fleiss")), len(used), size, left_out)


def krippendorff_alpha(counts: np.ndarray) -> Estimate:
    """Krippendorff's alpha for nominal data (the ``krippendorff`` package) from claim × label counts."""
    counts = np.asarray(counts)
    compared = counts[counts.sum(axis=1) >= 2]
    if not len(compared):
        return Estimate(None, "no claim was rated by two reviewers")
    if (compared.sum(axis=0) > 0).sum() < 2:
        return Estimate(None, _single_label_note("the compared claims"))
    value = krippendorff.alpha(value_counts=compared, level_of_measurement="nominal")
    return Estimate(float(value))


def alpha_with_interval(
    counts: np.ndarray, *, resamples: int = DEFAULT_RESAMPLES, seed: int | None = 0
) -> AlphaResult:
    """Alpha plus a percentile bootstrap 95% interval from ``resamples`` resamples of claims."""
    counts = np.asarray(counts)
    compared = counts.sum(axis=1) >= 2
    estimate = krippendorff_alpha(counts)
    n_claims, left_out = int(compared.sum()), int((~compared).sum())
    if estimate.value is None or resamples <= 0:
        return AlphaResult(estimate.value, n_claims, left_out, note=estimate.note)
    replicates = bootstrap_alpha(counts[compared], resamples=resamples, seed=seed)
    note = None
    if len(replicates) < resamples:
        note = f"{resamples - len(replicates)} of {resamples} resamples had a single label and were skipped"
    if not len(replicates):
        return AlphaResult(estimate.value, n_claims, left_out, None, resamples, note)
    low, high = np.percentile(replicates, [2.5, 97.5])
    return AlphaResult(estimate.value, n_claims, left_out, (float(low), float(high)), resamples, note)


def alpha_from_sums(n_values: np.ndarray, disagreement: np.ndarray, label_totals: np.ndarray) -> np.ndarray:
    """Nominal alpha from sums over compared claims, vectorised over any leading axes.

    With ``m_u`` ratings and ``n_uc`` ratings of label c on claim u (only claims with m_u >= 2):
    ``n_values`` = Σ m_u, ``disagreement`` = Σ (m_u² − Σ_c n_uc²) / (m_u − 1) and
    ``label_totals[c]`` = Σ n_uc. Then alpha = 1 − (n − 1) · disagreement / (n² − Σ_c n_c²),
    which is Krippendorff's 1 − D_o / D_e. ``NaN`` where alpha is undefined (one label only).
    """
    expected = n_values.astype(np.float64) ** 2 - (label_totals.astype(np.float64) ** 2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n_values - 1.0) * disagreement / expected
    return np.where(expected > 0, alpha, np.nan)


def unit_sums(counts: np.ndarray) -> np.ndarray:
    """Per claim: [m_u, disagreement_u, n_u1, ..., n_uk], the terms alpha sums over (zeros below two ratings)."""
    counts = np.asarray(counts, dtype=np.float64)
    m = counts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.column_stack([m, (m**2 - (counts**2).sum(axis=1)) / (m - 1), counts])
    terms[m < 2] = 0.0
    return terms


def bootstrap_alpha(compared_counts: np.ndarray, *, resamples: int, seed: int | None = 0) -> np.ndarray:
    """Alpha for ``resamples`` bootstrap resamples of the compared claims (undefined ones dropped).

    A resample draws as many claims as there are, with replacement. Alpha depends on a claim
    only through its label counts, so claims with equal counts are pooled and the number drawn
    of each pattern is multinomial: exact, and fast however many claims there are.
    """
    rng = np.random.default_rng(seed)
    patterns, inverse, frequency = _distinct_rows(np.asarray(compared_counts))
    terms = unit_sums(patterns)
    n_units = len(inverse)
    if len(patterns) <= MAX_BOOTSTRAP_PATTERNS:
        draws = rng.multinomial(n_units, frequency / n_units, size=resamples)
    else:
        chunk = max(1, BOOTSTRAP_CHUNK_CELLS // n_units)
        draws = np.concatenate(
            [
                _pattern_draws(rng, inverse.ravel(), len(patterns), min(chunk, resamples - start), n_units)
                for start in range(0, resamples, chunk)
            ]
        )
    sums = draws @ terms
    replicates = alpha_from_sums(sums[:, 0], sums[:, 1], sums[:, 2:])
    return replicates[~np.isnan(replicates)]


def _distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows, each row's index among them, and how often each occurs (a fast ``np.unique(axis=0)``)."""
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    starts = np.ones(len(rows), dtype=bool)
    starts[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    group = np.cumsum(starts) - 1
    inverse = np.empty(len(rows), dtype=np.int64)
    inverse[order] = group
    return ordered[starts], inverse, np.bincount(group)


def _pattern_draws(rng: np.random.Generator, inverse: np.ndarray, n_patterns: int, size: int, n_units: int) -> np.ndarray:
    picked = inverse[rng.integers(0, n_units, size=(size, n_units))]
    offsets = (np.arange(size) * n_patterns)[:, None]
    return np.bincount((picked + offsets).ravel(), minlength=size * n_patterns).reshape(size, n_patterns)


def cohen_kappa_from_tables(tables: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cohen's kappa for a stack of k × k contingency tables: (n, observed agreement, kappa).

    ``NaN`` where undefined: no shared claims, or both reviewers used one and the same label.
    """
    tables = np.asarray(tables, dtype=np.float64)
    n = tables.sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = np.trace(tables, axis1=-2, axis2=-1) / n
        expected = (tables.sum(axis=-1) * tables.sum(axis=-2)).sum(axis=-1) / n**2
        kappa = (observed - expected) / (1.0 - expected)
    defined = (n > 0) & (expected < 1.0)
    return n, np.where(n > 0, observed, np.nan), np.where(defined, kappa, np.nan)


def cohen_pairs(table: RatingTable) -> list[PairKappa]:
    """Cohen's kappa for every pair of reviewers, with the number of claims both rated."""
    first, second, tables = pair_contingencies(table)
    n, observed, kappa = cohen_kappa_from_tables(tables)
    index = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a < b}
    pairs: list[PairKappa] = []
    for a, b in zip(*np.triu_indices(len(table.raters), k=1), strict=True):
        i = index.get((int(a), int(b)))
        if i is None:
            pairs.append(PairKappa(table.raters[a], table.raters[b], 0, None, None, "no shared claims"))
            continue
        note = None
        if np.isnan(kappa[i]):
            label = table.labels[int(np.argmax(tables[i].sum(axis=1)))]
            shared = "their one shared claim" if n[i] == 1 else f"all {counted(int(n[i]), 'shared claim')}"
            note = f"both gave {LABEL_TITLES.get(label, label)} on {shared}: kappa is undefined"
        pairs.append(
            PairKappa(table.raters[a], table.raters[b], int(n[i]), _finite(observed[i]), _finite(kappa[i]), note)
        )
    return pairs


def pair_contingencies(table: RatingTable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every ordered pair of different reviewers sharing a claim: (first, second, k × k table).

    Only pairs that share claims are built, so many reviewers who rarely overlap cost little.
    """
    k, r = len(table.labels), len(table.raters)
    pairs = table.pair_tables
    first, second = pairs.row // k, pairs.col // k
    different = first != second
    keys, slot = np.unique(first[different] * r + second[different], return_inverse=True)
    tables = np.zeros((len(keys), k, k), dtype=np.int64)
    np.add.at(tables, (slot, pairs.row[different] % k, pairs.col[different] % k), pairs.data[different])
    return keys // r, keys % r, tables


def label_confusion(table: RatingTable) -> pd.DataFrame:
    """Which labels reviewers confuse: pairs of verdicts on the same claim (see ``CONFUSION_DEFINITION``)."""
    counts = table.counts.astype(np.int64)
    pairs = counts.T @ counts
    np.fill_diagonal(pairs, (np.diagonal(pairs) - counts.sum(axis=0)) // 2)
    labels = list(table.labels)
    return pd.DataFrame(pairs, index=pd.Index(labels, name="label"), columns=labels)


def confusion_pairs(confusion: pd.DataFrame) -> pd.DataFrame:
    """One row per unordered label pair with its count and its share of all (and of disagreeing) pairs."""
    labels = list(confusion.index)
    rows = [
        (labels[i], labels[j], int(confusion.iloc[i, j]))
        for i in range(len(labels))
        for j in range(i, len(labels))
    ]
    frame = pd.DataFrame(rows, columns=["label_a", "label_b", "pairs"])
    total = frame["pairs"].sum()
    disagreeing = frame.loc[frame["label_a"] != frame["label_b"], "pairs"].sum()
    frame["share_of_pairs"] = frame["pairs"] / total if total else np.nan
    frame["share_of_disagreements"] = np.where(
        frame["label_a"] != frame["label_b"], frame["pairs"] / disagreeing if disagreeing else np.nan, np.nan
    )
    return frame.sort_values(["pairs", "label_a", "label_b"], ascending=[False, True, True], ignore_index=True)


def _single_label_note(which: str) -> str:
    return f"every verdict on {which} is the same label: agreement beyond chance is undefined"


def _finite(value: float | None) -> float | None:
    """The value as a plain float at full precision; ``None`` when missing or not finite."""
    return None if value is None or not math.isfinite(value) else float(value)

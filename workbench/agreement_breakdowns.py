"""Agreement broken down: per label, per article, per reviewer, and the disputed claims.

The statistics of :mod:`workbench.agreement` on its :class:`~workbench.agreement.RatingTable`,
vectorised: each breakdown is a few array passes over the claims × labels counts (no Python loop
over claims), measured with the other measures by ``benchmarks/bench_agreement.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.agreement import (
    AgreementError,
    RatingTable,
    alpha_from_sums,
    cohen_kappa_from_tables,
    pair_contingencies,
    unit_sums,
)


def by_label(table: RatingTable) -> pd.DataFrame:
    """Each label against the rest: how often it is used and how reliably reviewers agree on it.

    ``specific_agreement`` is the chance that, when one reviewer gives the label, another
    reviewer of the same claim gives it too; ``alpha`` is nominal alpha on label-vs-rest data.
    """
    counts = table.counts[table.compared].astype(np.float64)
    m = counts.sum(axis=1)
    rows = []
    for index, label in enumerate(table.labels):
        chosen = counts[:, index]
        binary = np.column_stack([chosen, m - chosen])
        sums = unit_sums(binary).sum(axis=0) if len(binary) else np.zeros(4)
        alpha = alpha_from_sums(sums[0], sums[1], sums[2:])
        opportunities = (chosen * (m - 1)).sum()
        specific = (chosen * (chosen - 1)).sum() / opportunities if opportunities else np.nan
        used = int(table.counts[:, index].sum())
        note = None
        if not len(binary):
            note = "no claim rated twice"
        elif chosen.sum() == 0:
            note = "never given on a compared claim: alpha undefined"
        elif chosen.sum() == m.sum():
            note = "given on every compared verdict: alpha undefined"
        rows.append(
            {
                "label": label,
                "ratings": used,
                "share": used / table.n_ratings if table.n_ratings else np.nan,
                "specific_agreement": specific,
                "alpha": float(alpha),
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=["label", "ratings", "share", "specific_agreement", "alpha", "note"])


def by_article(table: RatingTable) -> pd.DataFrame:
    """Per article: claims, compared and disputed claims, ratings, percent agreement and alpha."""
    if table.unit_articles is None:
        raise AgreementError("Per-article figures need an article_id column in the ratings.")
    article_codes, articles = pd.factorize(table.unit_articles, sort=True)
    n_articles = len(articles)
    compared = table.compared
    compared_articles = article_codes[compared]
    counts = table.counts[compared].astype(np.float64)
    m = counts.sum(axis=1)
    terms = unit_sums(counts)
    sums = np.zeros((n_articles, terms.shape[1]))
    np.add.at(sums, compared_articles, terms)
    n_compared = np.bincount(compared_articles, minlength=n_articles)
    agreeing = np.bincount(
        compared_articles, weights=(counts * (counts - 1)).sum(axis=1) / (m * (m - 1)), minlength=n_articles
    )
    alpha = alpha_from_sums(sums[:, 0], sums[:, 1], sums[:, 2:])
    with np.errstate(divide="ignore", invalid="ignore"):
        agreement = np.where(n_compared > 0, agreeing / n_compared, np.nan)
    frame = pd.DataFrame(
        {
            "article_id": articles,
            "claims": np.bincount(article_codes, minlength=n_articles),
            "compared": n_compared,
            "disputed": np.bincount(article_codes[table.disputed], minlength=n_articles),
            "ratings": np.bincount(article_codes, weights=table.ratings_per_unit, minlength=n_articles).astype(np.int64),
            "percent_agreement": agreement,
            "alpha": alpha,
        }
    )
    frame["note"] = np.where(
        n_compared == 0, "no claim rated twice", np.where(np.isnan(alpha), "one label only: alpha undefined", None)
    )
    return frame


def by_reviewer(table: RatingTable) -> pd.DataFrame:
    """Each reviewer against the others.

    ``agreement`` is the share of (this reviewer, other reviewer) verdict pairs on shared claims
    that match; ``kappa_vs_others`` is Cohen's kappa over all those pairs pooled;
    ``alpha_without`` is alpha recomputed without this reviewer (higher means they pull it down).
    """
    r, k = len(table.raters), len(table.labels)
    first, _, tables = pair_contingencies(table)
    pooled = np.zeros((r, k, k), dtype=np.int64)
    np.add.at(pooled, first, tables)
    n_pairs, agreement, kappa = cohen_kappa_from_tables(pooled)
    rated = np.bincount(table.rater_codes, minlength=r)
    usage = np.bincount(table.rater_codes * k + table.value_codes, minlength=r * k).reshape(r, k)
    frame = pd.DataFrame(
        {
            "reviewer": list(table.raters),
            "ratings": rated,
            "shared_claims": np.bincount(table.rater_codes[table.compared[table.unit_codes]], minlength=r),
            "pairs": n_pairs.astype(np.int64),
            "agreement": agreement,
            "kappa_vs_others": kappa,
            "alpha_without": _alpha_without_each(table),
        }
    )
    for index, label in enumerate(table.labels):
        frame[f"share_{label}"] = usage[:, index] / np.maximum(rated, 1)
    return frame


def _alpha_without_each(table: RatingTable) -> np.ndarray:
    """Alpha without each reviewer: the overall sums, corrected claim by claim for their ratings."""
    r = len(table.raters)
    own = table.counts[table.unit_codes]
    without = own.copy()
    without[np.arange(table.n_ratings), table.value_codes] -= 1
    change = unit_sums(without) - unit_sums(own)
    sums = unit_sums(table.counts).sum(axis=0) + np.column_stack(
        [np.bincount(table.rater_codes, weights=change[:, column], minlength=r) for column in range(change.shape[1])]
    )
    return alpha_from_sums(sums[:, 0], sums[:, 1], sums[:, 2:])


def disputed_claims(table: RatingTable) -> pd.DataFrame:
    """Claims whose reviewers disagree, with the count of each label, most divided first."""
    mask = table.disputed
    counts = table.counts[mask]
    frame = pd.DataFrame(counts, columns=list(table.labels))
    frame.insert(0, "claim_id", table.unit_ids[mask])
    if table.unit_articles is not None:
        frame.insert(1, "article_id", table.unit_articles[mask])
    frame["verdicts"] = counts.sum(axis=1)
    frame["majority_share"] = counts.max(axis=1) / frame["verdicts"] if len(frame) else []
    return frame.sort_values(["majority_share", "claim_id"], ignore_index=True)

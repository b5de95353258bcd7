"""Simulated review teams with known truth, for testing and benchmarking aggregation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench import LABELS
from workbench.agreement import RatingTable


def careful(accuracy: float, k: int = 3) -> np.ndarray:
    """A reviewer right with probability ``accuracy``, mistakes spread evenly."""
    matrix = np.full((k, k), (1 - accuracy) / (k - 1))
    np.fill_diagonal(matrix, accuracy)
    return matrix


def overuser(label: int, pull: float, accuracy: float = 0.9, k: int = 3) -> np.ndarray:
    """A reviewer who gives ``label`` instead of the truth a ``pull`` share of the time."""
    matrix = careful(accuracy, k) * (1 - pull)
    matrix[:, label] += pull
    return matrix


def random_clicker(k: int = 3) -> np.ndarray:
    return np.full((k, k), 1.0 / k)


@dataclass(frozen=True)
class Team:
    confusions: np.ndarray
    """Reviewers × true × given."""
    names: tuple[str, ...]
    truth: np.ndarray
    """True label code per claim (claim ids are 1..n)."""
    frame: pd.DataFrame
    """Long verdicts: claim_id, reviewer, verdict."""

    def table(self) -> RatingTable:
        return RatingTable.from_frame(self.frame, labels=LABELS)


def standard_team(rng: np.random.Generator) -> np.ndarray:
    """Three careful reviewers, one who over-uses "disputed", one who clicks at random."""
    return np.stack([
        careful(rng.uniform(0.8, 0.9)),
        careful(rng.uniform(0.8, 0.9)),
        careful(rng.uniform(0.8, 0.9)),
        overuser(LABELS.index("disputed"), rng.uniform(0.35, 0.5), accuracy=rng.uniform(0.85, 0.95)),
        random_clicker(),
    ])


def simulate(seed: int, n_claims: int = 2000, per_claim: int = 3, confusions: np.ndarray | None = None,
             prevalence=(0.5, 0.3, 0.2)) -> Team:
    """Each claim gets ``per_claim`` verdicts from distinct reviewers drawn at random."""
    rng = np.random.default_rng(seed)
    confusions = standard_team(rng) if confusions is None else confusions
    n_reviewers, k, _ = confusions.shape
    truth = rng.choice(k, size=n_claims, p=np.asarray(prevalence) / np.sum(prevalence))
    chosen = np.argsort(rng.random((n_claims, n_reviewers)), axis=1)[:, :per_claim]
    items = np.repeat(np.arange(n_claims), per_claim)
    raters = chosen.ravel()
    rows = confusions[raters, truth[items]]
    given = (rng.random(len(items))[:, None] > rows.cumsum(axis=1)).sum(axis=1)
    names = tuple(f"r{index}" for index in range(n_reviewers))
    frame = pd.DataFrame({
        "claim_id": items + 1,
        "reviewer": np.asarray(names)[raters],
        "verdict": np.asarray(LABELS)[np.minimum(given, k - 1)],
    })
    return Team(confusions, names, truth, frame)

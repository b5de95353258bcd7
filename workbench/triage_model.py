"""A collection's own check-worthiness model, trained on its team's verdicts.

Claims a team judged *supported* or *disputed* are checkable; *editorial framing* is not. Once
a collection has ``MIN_EXAMPLES`` such claims with at least ``MIN_PER_CLASS`` of each, a
scikit-learn logistic regression over the triage features (``workbench.triage.analyse_article``)
can be trained (``train_model``: ``workbench triage --train --collection NAME`` or the lead's
Reviewers & assignment page). Its quality is measured first, by stratified k-fold
cross-validation (ROC AUC and average precision, beside the rule score's ROC AUC on the same
claims), and stored with it; a lead then enables it per collection (``set_model_enabled``). An
enabled model only orders the queue (most checkable first): no label is ever shown from it.

The model lives in the database as weights and an intercept (table ``triage_model``); each
claim's score is stored in ``claim_model_score`` at training time. Claims added later have no
score and are ordered by their rule check-worthiness until the next training. Only this
database's verdicts are used, never shipped data.

Performance: training reads the collection's claims and verdicts in one read session, computes
features and fits outside any write lock (linear in the collection's text, about the speed of
``workbench triage --recompute``), then writes the model and scores in one short transaction.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from workbench.access import Actor, require_lead
from workbench.db import Database
from workbench.errors import WorkbenchError
from workbench.models import (
    Article, Claim, ClaimModelScore, Collection, FinalVerdict, TriageModel, Verdict, utcnow,
)
from workbench.triage import analyse_article, score
from workbench.vocabulary import counted

MIN_EXAMPLES = 30
"""Labelled claims (checkable or editorial framing) a collection needs before a model is trained."""
MIN_PER_CLASS = 8
"""Of those, at least this many checkable and this many editorial framing."""
MAX_FOLDS = 5
CHECKABLE = frozenset({"supported", "disputed"})
FRAMING = "editorial_framing"


UNUSABLE = "it ranks the team's verdicts worse than the rules alone or no better than chance"


def model_usable(roc_auc: float, rule_roc_auc: float) -> bool:
    """A model may order a queue only if its cross-validated ROC AUC beats chance (0.5) and is at
    least the rule score's on the same claims."""
    return roc_auc > 0.5 and roc_auc >= rule_roc_auc


class TriageModelError(WorkbenchError):
    """A model request that cannot be done (too few verdicts, no model, unknown collection)."""


@dataclass(frozen=True)
class ModelReport:
    """A collection's trained model, as the CLI and the lead's page show it."""

    collection: str
    examples: int
    """Claims trained on."""
    checkable: int
    """Of those, labelled supported or disputed."""
    folds: int
    """Cross-validation folds (stratified)."""
    roc_auc: float
    """Cross-validated ROC AUC (0.5 is chance)."""
    average_precision: float
    """Cross-validated average precision (chance is the share of checkable claims)."""
    rule_roc_auc: float
    """ROC AUC of the rule check-worthiness on the same claims."""
    enabled: bool
    """Whether it orders the collection's queue."""

    @property
    def usable(self) -> bool:
        """Whether it may order a queue: it ranks this team's verdicts better than chance and at
        least as well as the rule score (``model_usable``)."""
        return model_usable(self.roc_auc, self.rule_roc_auc)

    def summary(self) -> str:
        chance = self.checkable / self.examples if self.examples else 0.0
        return (
            f"{self.collection}: {counted(self.examples, 'claim')} ({self.checkable} checkable), {self.folds}-fold "
            f"cross-validated ROC AUC {self.roc_auc:.3f} (rules alone {self.rule_roc_auc:.3f}), average "
            f"precision {self.average_precision:.3f} (chance {chance:.3f}); "
            + (f"{'enabled' if self.enabled else 'not enabled'} for the queue order." if self.usable else
               f"not used for the queue order: {UNUSABLE}.")
        )


def collection_id_by_name(session: Session, name: str) -> int:
    found = session.scalar(select(Collection.id).where(func.lower(Collection.name) == name.strip().lower()))
    if found is None:
        raise TriageModelError(f"No collection called {name!r}.")
    return found


def claim_labels(session: Session, collection_id: int) -> dict[int, int]:
    """Claim id → 1 (checkable) or 0 (editorial framing): the final verdict, else a strict
    majority of the reviewers' verdicts on that question (supported and disputed both say
    checkable); claims without one are left out."""
    in_collection = select(Claim.id).join(Article, Article.id == Claim.article_id).where(
        Article.collection_id == collection_id, Claim.reviewable
    )
    votes: dict[int, Counter[int]] = defaultdict(Counter)
    for claim_id, label in session.execute(
        select(Verdict.claim_id, Verdict.label).where(Verdict.claim_id.in_(in_collection))
    ):
        if label in CHECKABLE or label == FRAMING:
            votes[claim_id][int(label in CHECKABLE)] += 1
    chosen = {claim_id: int(counts[1] > counts[0]) for claim_id, counts in votes.items() if counts[1] != counts[0]}
    for claim_id, label in session.execute(
        select(FinalVerdict.claim_id, FinalVerdict.label).where(FinalVerdict.claim_id.in_(in_collection))
    ):
        if label in CHECKABLE or label == FRAMING:
            chosen[claim_id] = int(label in CHECKABLE)
    return chosen


def collection_features(session: Session, collection_id: int) -> dict[int, dict[str, float]]:
    """Claim id → triage features, for every claim of the collection."""
    spans: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for claim_id, article_id, start, end in session.execute(
        select(Claim.id, Claim.article_id, Claim.start_char, Claim.end_char)
        .join(Article, Article.id == Claim.article_id)
        .where(Article.collection_id == collection_id, Claim.reviewable)
        .order_by(Claim.article_id, Claim.position)
    ):
        spans[article_id].append((claim_id, start, end))
    features: dict[int, dict[str, float]] = {}
    for article_id, text in session.execute(select(Article.id, Article.text).where(Article.id.in_(list(spans)))):
        claims = spans[article_id]
        analysed = analyse_article(text, [(start, end) for _, start, end in claims])
        for (claim_id, _, _), (_signals, _quote, claim_features) in zip(claims, analysed):
            features[claim_id] = claim_features
    return features


def linear_score(weights: dict[str, float], intercept: float, features: dict[str, float]) -> float:
    """The model's probability that a claim is checkable."""
    total = intercept + sum(weights.get(name, 0.0) * value for name, value in features.items())
    return 1 / (1 + math.exp(-max(-60.0, min(60.0, total))))


def train_model(database: Database, collection: str, actor: Actor) -> ModelReport:
    """Train, cross-validate and store the collection's model (a lead's work); keeps whether it was enabled."""
    require_lead(actor, "train the triage model")
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    with database.read_session() as session:
        collection_id = collection_id_by_name(session, collection)
        labels = claim_labels(session, collection_id)
        checkable = sum(labels.values())
        if len(labels) < MIN_EXAMPLES or min(checkable, len(labels) - checkable) < MIN_PER_CLASS:
            raise TriageModelError(
                f"Too few verdicts in {collection!r} to train: {len(labels)} claims judged checkable or "
                f"editorial framing ({checkable} checkable); a model needs at least {MIN_EXAMPLES}, "
                f"with at least {MIN_PER_CLASS} of each."
            )
        features = collection_features(session, collection_id)
    labelled = [claim_id for claim_id in sorted(labels) if claim_id in features]
    rows = [features[claim_id] for claim_id in labelled]
    target = [labels[claim_id] for claim_id in labelled]
    vectorizer = DictVectorizer(sparse=False)
    matrix = vectorizer.fit_transform(rows)
    folds = min(MAX_FOLDS, checkable, len(labelled) - checkable)
    classifier = LogisticRegression(class_weight="balanced", max_iter=1000)
    probabilities = cross_val_predict(
        classifier, matrix, target, cv=StratifiedKFold(folds, shuffle=True, random_state=0), method="predict_proba"
    )[:, 1]
    classifier.fit(matrix, target)
    weights = {name: float(weight) for name, weight in zip(vectorizer.feature_names_, classifier.coef_[0])}
    intercept = float(classifier.intercept_[0])
    scores = {claim_id: linear_score(weights, intercept, claim_features) for claim_id, claim_features in features.items()}
    model_values = dict(
        weights=weights,
        intercept=intercept,
        examples=len(labelled),
        checkable=sum(target),
        roc_auc=float(roc_auc_score(target, probabilities)),
        average_precision=float(average_precision_score(target, probabilities)),
        rule_roc_auc=float(roc_auc_score(target, [score(row) for row in rows])),
        trained_by=actor.id,
    )
    with database.transaction() as session:
        stored = session.get(Collection, collection_id)
        if stored is None:
            raise TriageModelError(f"No collection called {collection!r}.")
        model = session.get(TriageModel, collection_id)
        if model is None:
            model = TriageModel(collection_id=collection_id, enabled=False)
            session.add(model)
        for name, value in model_values.items():
            setattr(model, name, value)
        if not model_usable(model.roc_auc, model.rule_roc_auc):
            model.enabled = False  # a retrained model worse than the rules stops ordering the queue
        model.trained_at = utcnow()
        existing = set(session.scalars(select(Claim.id).where(Claim.id.in_(list(scores)))))
        claim_ids = [claim_id for claim_id in scores if claim_id in existing]
        session.execute(delete(ClaimModelScore).where(ClaimModelScore.claim_id.in_(claim_ids)))
        if claim_ids:
            session.execute(insert(ClaimModelScore), [{"claim_id": c, "score": scores[c]} for c in claim_ids])
        session.flush()
        return report_of(model, stored.name, folds)


def report_of(model: TriageModel, collection: str, folds: int | None = None) -> ModelReport:
    return ModelReport(
        collection=collection,
        examples=model.examples,
        checkable=model.checkable,
        folds=folds if folds is not None else min(MAX_FOLDS, model.checkable, model.examples - model.checkable),
        roc_auc=model.roc_auc,
        average_precision=model.average_precision,
        rule_roc_auc=model.rule_roc_auc,
        enabled=model.enabled,
    )


def model_report(session: Session, collection_id: int) -> ModelReport | None:
    """The collection's model, or None if none was trained."""
    model = session.get(TriageModel, collection_id)
    if model is None:
        return None
    return report_of(model, session.get(Collection, collection_id).name)


def set_model_enabled(session: Session, actor: Actor, collection_id: int, enabled: bool) -> ModelReport | None:
    """Let the trained model order the collection's queue (or stop it): a lead's work. Only a model
    that is ``usable`` may be enabled; switching off a collection without a model
    changes nothing (``None``)."""
    require_lead(actor, "switch the triage model")
    model = session.get(TriageModel, collection_id)
    if model is None and not enabled:
        return None
    if model is None:
        raise TriageModelError("Train a model for this collection first (its quality is shown before it is used).")
    if enabled and not model_usable(model.roc_auc, model.rule_roc_auc):
        raise TriageModelError(
            f"This model cannot order the queue: {UNUSABLE} (cross-validated ROC AUC {model.roc_auc:.3f}, "
            f"rules {model.rule_roc_auc:.3f}). Retrain it once more claims are judged."
        )
    model.enabled = enabled
    session.flush()
    return report_of(model, session.get(Collection, collection_id).name)


def model_orders(session: Session, collection_ids: Sequence[int]) -> bool:
    """Whether every collection in scope has an enabled, usable model (a mixed scope uses the rule
    score; so does a model enabled before it failed ``model_usable``, e.g. one loaded from a dump)."""
    enabled = session.scalar(
        select(func.count()).select_from(TriageModel).where(
            TriageModel.collection_id.in_(collection_ids), TriageModel.enabled.is_(True),
            TriageModel.roc_auc > 0.5, TriageModel.roc_auc >= TriageModel.rule_roc_auc,  # ``model_usable``
        )
    )
    return bool(enabled) and enabled == len(set(collection_ids))

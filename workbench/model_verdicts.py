"""The Dawid–Skene model's verdicts where leads use them: the adjudication queue ordered by doubt,
one claim's most likely verdict, and the ``final`` export filled in with the model.

Each fits the model (:func:`workbench.reliability.aggregate`) on the verdicts in scope, which
takes well under a second for a million verdicts; the export then streams its rows as before.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

import numpy as np
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from workbench import LABELS
from workbench.adjudication import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    MIN_VERDICTS_FOR_UNANIMOUS,
    QueueFilter,
    QueueItem,
    QueuePage,
)
from workbench.agreement_data import RatingFilter, load_rating_table
from workbench.auth import Actor, require_lead
from workbench.models import Article, Claim, FinalVerdict
from workbench.reliability import Aggregation, aggregate


def queue_by_doubt(session: Session, actor: Actor, filters: QueueFilter = QueueFilter(), *, offset: int = 0,
                   limit: int = DEFAULT_PAGE_SIZE) -> QueuePage:
    """The adjudication queue (same claims as :func:`~workbench.adjudication.adjudication_queue`),
    ordered by doubt: lowest Dawid–Skene posterior of the most likely verdict first.

    The model is fitted on every verdict in the collection or article in scope.
    """
    require_lead(actor, "adjudicate")
    offset, limit = max(0, offset), min(max(1, limit), MAX_PAGE_SIZE)
    table = load_rating_table(session, RatingFilter(filters.collection_id, filters.article_id))
    model = aggregate(table)
    counts = table.counts
    keep = counts.sum(axis=1) >= MIN_VERDICTS_FOR_UNANIMOUS
    if not filters.include_unanimous:
        keep &= (counts > 0).sum(axis=1) > 1
    claim_ids = np.asarray(table.unit_ids, dtype=np.int64)
    if not filters.include_decided and keep.any():
        decided = np.fromiter(session.scalars(select(FinalVerdict.claim_id)), dtype=np.int64)
        keep &= ~np.isin(claim_ids, decided)
    order = np.lexsort((claim_ids[keep], model.confidence[keep]))
    page = [int(claim_id) for claim_id in claim_ids[keep][order][offset : offset + limit]]
    rows = {
        row[0]: row
        for row in session.execute(
            select(Claim.id, Claim.article_id, Article.title, Claim.position, Claim.text, FinalVerdict.label)
            .join(Article, Article.id == Claim.article_id)
            .outerjoin(FinalVerdict, FinalVerdict.claim_id == Claim.id)
            .where(Claim.id.in_(page))
        )
    } if page else {}
    position = {claim_id: index for index, claim_id in enumerate(claim_ids)}
    items = []
    for claim_id in page:
        _, article_id, title, unit_position, text, final = rows[claim_id]
        split = dict(zip(table.labels, (int(count) for count in counts[position[claim_id]])))
        items.append(QueueItem(claim_id, article_id, title or f"Article {article_id}", unit_position, text,
                               {label: split.get(label, 0) for label in LABELS}, final))
    return QueuePage(items, int(keep.sum()), offset, limit)


def model_verdict(session: Session, actor: Actor, claim_id: int) -> tuple[Aggregation, str, float] | None:
    """The model's most likely verdict on a claim and its probability, fitted on the claim's collection.

    ``None`` when the claim has no verdicts (or does not exist).
    """
    require_lead(actor, "adjudicate")
    collection_id = session.scalar(
        select(Article.collection_id).join(Claim, Claim.article_id == Article.id).where(Claim.id == claim_id))
    if collection_id is None:
        return None
    model = aggregate(load_rating_table(session, RatingFilter(collection_id)))
    found = model.label_of(claim_id)
    return None if found is None else (model, *found)


# --- export: final verdicts filled with the model -------------------------------------------------

ADJUDICATED, MODEL = "adjudicated", "model"
"""Values of the ``verdict_source`` export column."""


def final_rows_filled_with_model(connection, final_rows: Iterator[tuple], unadjudicated: Select) -> Iterator[tuple]:
    """The ``final`` export rows plus, in the same order, a row for each claim in scope that has
    verdicts but no final verdict, carrying the model's most likely verdict.

    ``final_rows`` are ordered by article, position and claim; ``unadjudicated`` selects the claim
    columns, then the triage columns, of the other claims in the same order. The model is fitted on every current verdict.
    Each row ends with ``verdict_source`` (``adjudicated`` or ``model``) and ``model_confidence``
    (the model's probability for its verdict; empty on adjudicated rows).
    """
    with Session(bind=connection) as session:
        model = aggregate(load_rating_table(session))
    rows = (
        (*claim[:CLAIM_FIELDS], *_model_fill(model, claim[0]), *claim[CLAIM_FIELDS:], MODEL, model_confidence)
        for claim in connection.execute(unadjudicated, execution_options={"yield_per": 5_000})
        for model_confidence in [_model_confidence(model, claim[0])]
    )
    adjudicated = ((*row, ADJUDICATED, None) for row in final_rows)
    yield from heapq.merge(adjudicated, rows, key=lambda row: (row[2], row[6], row[0]))


CLAIM_FIELDS = 10
"""The claim columns that open a ``final`` row, before the final verdict's own five."""


def _model_fill(model: Aggregation, claim_id: int) -> tuple:
    """The final verdict's five fields, filled in by the model: its label, no rationale, no lead."""
    found = model.label_of(claim_id)
    return (found[0] if found else None), "", None, None, None


def _model_confidence(model: Aggregation, claim_id: int) -> float | None:
    found = model.label_of(claim_id)
    return found[1] if found else None

"""Stored triage: signals and check-worthiness per claim, kept current with the claims.

``workbench.triage`` computes; this module stores (table ``claim_signal``, one row per unit of
kind ``claim``) and reads. Signals are computed at ingest (``prepare_signals`` before the write
lock, ``store_article_signals`` inside the import's transaction), refreshed for the units a lead
edits (``refresh_claim_signals``: kind changes, merges, splits), and recomputed in bulk by
``recompute_signals`` (``workbench triage --recompute``), which computes outside the write lock
and writes one short transaction per batch of articles, skipping claims edited meanwhile.
A row remembers the claim ``version`` it was computed for, so stale rows can be found.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from workbench.db import Database
from workbench.errors import WorkbenchError
from workbench.vocabulary import ClaimKind
from workbench.models import Article, Claim, ClaimModelScore, ClaimSignal, Collection, CollectionTriage
from workbench.triage import Triage, signal_title, triage_article
from workbench.triage_model import model_orders

if TYPE_CHECKING:  # spaCy loads only where text is split, not on every page that reads signals
    from workbench.extract import Extraction

QUEUE_ORDERS: tuple[str, ...] = ("article", "checkworthiness")
"""Review queue orders: article order (the default) or most checkable first."""


class TriageError(WorkbenchError):
    """A triage request that cannot be done (unknown order or collection)."""


@dataclass(frozen=True)
class StoredTriage:
    """A claim's stored triage, as pages and exports read it."""

    claim_id: int
    checkworthiness: float
    kinds: tuple[str, ...]
    signals: tuple[dict, ...]
    quote_start: int | None
    quote_end: int | None
    quote_speaker: str | None
    quote_verb: str | None

    def reasons(self) -> list[str]:
        """Chip labels: ``quote: Kim Kardashian``, ``number``, ``hedged``, …"""
        labels = []
        for kind in self.kinds:
            if kind == "quote":
                labels.append(f"quote: {self.quote_speaker}" if self.quote_speaker else "quote")
            elif kind == "attributed":
                speakers = [s.get("detail") for s in self.signals if s.get("kind") == kind and s.get("detail")]
                labels.append(f"attributed: {speakers[0]}" if speakers else "attributed")
            else:
                labels.append(signal_title(kind))
        return labels


def _row(claim_id: int, version: int, triage: Triage) -> dict:
    quote = triage.quote
    return {
        "claim_id": claim_id,
        "checkworthiness": triage.checkworthiness,
        "kinds": " " + " ".join(triage.kinds()) + " " if triage.kinds() else "",
        "signals": [signal.as_dict() for signal in triage.signals],
        "quote_start": quote.start if quote else None,
        "quote_end": quote.end if quote else None,
        "quote_speaker": quote.speaker[:200] if quote and quote.speaker else None,
        "quote_verb": quote.verb[:60] if quote and quote.verb else None,
        "claim_version": version,
    }


def kind_condition(kind: str):
    """SQL condition: the stored claim has a signal of ``kind`` (``quote`` included)."""
    return ClaimSignal.kinds.contains(f" {kind} ", autoescape=True)


# --------------------------------------------------------------------------- ingest


def prepare_signals(extractions: Iterable[Extraction]) -> dict[str, list[Triage]]:
    """Triage of the claims of each extraction, keyed by its text (call before the write lock)."""
    prepared: dict[str, list[Triage]] = {}
    for extraction in extractions:
        spans = [(unit.start, unit.end) for unit in extraction.units if unit.kind == ClaimKind.CLAIM]
        prepared[extraction.text] = triage_article(extraction.text, spans)
    return prepared


def store_article_signals(
    session: Session, article_id: int, extraction: Extraction, prepared: dict[str, list[Triage]]
) -> None:
    """Store the prepared triage of a freshly inserted article's claims (inside its transaction)."""
    triaged = prepared.get(extraction.text)
    if triaged is None:
        triaged = prepare_signals([extraction])[extraction.text]
    claims = session.execute(
        select(Claim.id, Claim.version)
        .where(Claim.article_id == article_id, Claim.reviewable)
        .order_by(Claim.position)
    ).all()
    rows = [_row(claim_id, version, triage) for (claim_id, version), triage in zip(claims, triaged, strict=True)]
    if rows:
        session.execute(insert(ClaimSignal), rows)


# --------------------------------------------------------------------------- edits


def refresh_claim_signals(session: Session, claim_ids: Sequence[int]) -> None:
    """Recompute the stored triage of ``claim_ids`` after an edit (in the edit's transaction).

    Units that are no longer claims (or no longer exist) lose their row."""
    session.flush()
    session.execute(
        delete(ClaimSignal).where(ClaimSignal.claim_id.in_(claim_ids)),
        execution_options={"synchronize_session": False},
    )
    claims = session.execute(
        select(Claim.id, Claim.article_id, Claim.start_char, Claim.end_char, Claim.version)
        .where(Claim.id.in_(claim_ids), Claim.reviewable)
        .order_by(Claim.article_id, Claim.position)
    ).all()
    rows = []
    for article_id in dict.fromkeys(claim.article_id for claim in claims):
        text = session.scalar(select(Article.text).where(Article.id == article_id))
        mine = [claim for claim in claims if claim.article_id == article_id]
        triaged = triage_article(text, [(claim.start_char, claim.end_char) for claim in mine])
        rows += [_row(claim.id, claim.version, triage) for claim, triage in zip(mine, triaged)]
    if rows:
        session.execute(insert(ClaimSignal), rows)


# --------------------------------------------------------------------------- bulk


@dataclass(frozen=True)
class RecomputeReport:
    """What ``recompute_signals`` did."""

    articles: int
    claims: int
    """Claims whose triage was stored."""
    skipped: int
    """Claims edited while their triage was computed (left for the edit's own refresh)."""


def recompute_signals(database: Database, article_ids: Sequence[int] | None = None, batch: int = 50) -> RecomputeReport:
    """Recompute the stored triage of every claim (or of ``article_ids``' claims).

    Each batch of articles is read, triaged without any lock, then written in one short
    transaction; a claim whose version changed in between is skipped."""
    with database.read_session() as session:
        query = select(Article.id).order_by(Article.id)
        if article_ids is not None:
            query = query.where(Article.id.in_(article_ids))
        ids = list(session.scalars(query))
    articles = claims = skipped = 0
    for offset in range(0, len(ids), batch):
        chunk = ids[offset : offset + batch]
        with database.read_session() as session:
            texts = dict(session.execute(select(Article.id, Article.text).where(Article.id.in_(chunk))).all())
            units = session.execute(
                select(Claim.id, Claim.article_id, Claim.start_char, Claim.end_char, Claim.version)
                .where(Claim.article_id.in_(chunk), Claim.reviewable)
                .order_by(Claim.article_id, Claim.position)
            ).all()
        by_article: dict[int, list] = {}
        for unit in units:
            by_article.setdefault(unit.article_id, []).append(unit)
        computed = {}
        for article_id, mine in by_article.items():
            triaged = triage_article(texts[article_id], [(u.start_char, u.end_char) for u in mine])
            computed.update({u.id: (u.version, t) for u, t in zip(mine, triaged)})
        with database.transaction() as session:
            current = dict(
                session.execute(
                    select(Claim.id, Claim.version).where(Claim.article_id.in_(chunk), Claim.reviewable)
                ).all()
            )
            fresh = [cid for cid, (version, _) in computed.items() if current.get(cid) == version]
            skipped += len(computed) - len(fresh)
            session.execute(
                delete(ClaimSignal).where(ClaimSignal.claim_id.in_(fresh)),
                execution_options={"synchronize_session": False},
            )
            rows = [_row(cid, computed[cid][0], computed[cid][1]) for cid in fresh]
            if rows:
                session.execute(insert(ClaimSignal), rows)
        articles += len(chunk)
        claims += len(fresh)
    return RecomputeReport(articles, claims, skipped)


# --------------------------------------------------------------------------- reading


def triage_conditions(signal: str | None, minimum: float) -> list:
    """Conditions on ``Article``: it has a claim with this signal kind / at least this score."""
    claim_condition = []
    if signal:
        claim_condition.append(kind_condition(signal))
    if minimum > 0:
        claim_condition.append(ClaimSignal.checkworthiness >= minimum)
    if not claim_condition:
        return []
    return [
        Article.id.in_(
            select(Claim.article_id).join(ClaimSignal, ClaimSignal.claim_id == Claim.id).where(*claim_condition)
        )
    ]


def quote_in_claim(signal: ClaimSignal | None, start: int, version: int, length: int) -> tuple[int, int, str | None] | None:
    """The stored quote of a claim (``start``, ``version`` and text ``length``) as ``(start, end,
    speaker)`` in the claim's text, if it was computed for this version of the claim."""
    if signal is None or signal.quote_start is None or signal.quote_end is None or signal.claim_version != version:
        return None
    quote_start, quote_end = signal.quote_start - start, signal.quote_end - start
    return (quote_start, quote_end, signal.quote_speaker) if 0 <= quote_start < quote_end <= length else None


def stored_triage(session: Session, claim_ids: Iterable[int]) -> dict[int, StoredTriage]:
    """The stored triage of ``claim_ids`` (claims without a row are left out)."""
    ids = list(claim_ids)
    if not ids:
        return {}
    result = {}
    for row in session.scalars(select(ClaimSignal).where(ClaimSignal.claim_id.in_(ids))):
        result[row.claim_id] = StoredTriage(
            claim_id=row.claim_id,
            checkworthiness=row.checkworthiness,
            kinds=tuple(row.kinds.split()),
            signals=tuple(row.signals or ()),
            quote_start=row.quote_start,
            quote_end=row.quote_end,
            quote_speaker=row.quote_speaker,
            quote_verb=row.quote_verb,
        )
    return result


def collections_checkable_first(session: Session, collection_ids: Sequence[int]) -> list[int]:
    """Those of ``collection_ids`` whose lead chose most checkable first, in id order."""
    return list(session.scalars(
        select(CollectionTriage.collection_id)
        .where(CollectionTriage.collection_id.in_(collection_ids), CollectionTriage.queue_order == "checkworthiness")
        .order_by(CollectionTriage.collection_id)
    ))


def most_checkable_claim_id(
    session: Session, needs_reviewer, collection_ids: Sequence[int], article_id: int | None, exclude: Container[int]
) -> int | None:
    """The most check-worthy claim still needing this reviewer (``needs_reviewer``), ties in
    article order; claims never triaged come last. If every collection in scope enabled its
    model (``workbench.triage_model``), the model's score orders (the rule score where it has none)."""
    checkworthiness = ClaimSignal.checkworthiness
    query = (
        select(Claim.id)
        .join(Article, Article.id == Claim.article_id)
        .join(Collection, Collection.id == Article.collection_id)
        .outerjoin(ClaimSignal, ClaimSignal.claim_id == Claim.id)
    )
    if model_orders(session, collection_ids):  # the team's own model, where a lead enabled it
        query = query.outerjoin(ClaimModelScore, ClaimModelScore.claim_id == Claim.id)
        checkworthiness = func.coalesce(ClaimModelScore.score, ClaimSignal.checkworthiness)
    query = (
        query.where(Article.collection_id.in_(collection_ids), needs_reviewer)
        .order_by(func.coalesce(checkworthiness, -1.0).desc(), Claim.article_id, Claim.position)
        .limit(1)
    )
    if article_id is not None:
        query = query.where(Claim.article_id == article_id)
    if exclude:
        query = query.where(Claim.id.not_in(list(exclude)))
    return session.scalar(query)


def queue_order(session: Session, collection_id: int) -> str:
    """The collection's queue order: ``article`` unless a lead chose ``checkworthiness``."""
    order = session.scalar(
        select(CollectionTriage.queue_order).where(CollectionTriage.collection_id == collection_id)
    )
    return order or "article"


def set_queue_order(session: Session, collection_id: int, order: str) -> None:
    """Set how the collection's review queue is ordered (the caller checks the lead role)."""
    if order not in QUEUE_ORDERS:
        raise TriageError(f"Unknown queue order {order!r}: use one of {', '.join(QUEUE_ORDERS)}.")
    if session.get(Collection, collection_id) is None:
        raise TriageError(f"No collection with id {collection_id}.")
    setting = session.get(CollectionTriage, collection_id)
    if setting is None:
        session.add(CollectionTriage(collection_id=collection_id, queue_order=order))
    else:
        setting.queue_order = order
    session.flush()

"""Writing verdicts: the one path every verdict takes, with validation and history."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench import LABELS
from workbench.access import Actor, PermissionDenied
from workbench.db import unstorable_reason
from workbench.errors import WorkbenchError
from workbench.links import web_link
from workbench.models import Claim, Guideline, Verdict, VerdictHistory, utcnow

MAX_NOTE_CHARS = 10_000
MAX_EVIDENCE_LINKS = 20


class VerdictError(WorkbenchError):
    """A verdict cannot be saved as given; the message says why and is safe to show."""


class StaleClaim(VerdictError):
    """The claim was edited (merged, split, re-kinded) after the reviewer loaded it."""


class AlreadyLabelled(VerdictError):
    """The reviewer labelled the claim elsewhere (another tab) after the page showed it unlabelled."""


@dataclass(frozen=True)
class VerdictChange:
    """What one write did: the action recorded in history (or ``None`` if nothing changed)."""

    claim_id: int
    reviewer_id: int
    action: str | None


def validate_label(label: str) -> str:
    if label not in LABELS:
        raise VerdictError(f"Unknown label {label!r}: use one of {', '.join(LABELS)}.")
    return label


def validate_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise VerdictError(f"A note may have at most {MAX_NOTE_CHARS:,} characters.")
    reason = unstorable_reason(note)
    if reason:
        raise VerdictError(f"The note {reason}: remove it and save again.")
    return note


def validate_evidence(urls: Iterable[str] | str | None) -> list[str]:
    """Evidence links: absolute http(s) URLs, one per item (or per line/space in a string)."""
    if urls is None:
        return []
    lines = urls.splitlines() if isinstance(urls, str) else list(urls)
    cleaned: list[str] = []
    for line, url in ((line, url) for line in lines for url in line.split()):
        link = web_link(url)
        if link is None or unstorable_reason(link):
            raise VerdictError(
                f"Evidence must be an http:// or https:// link, one per line; "
                f"this line is not: “{line.strip()[:80]}”."
            )
        if link not in cleaned:
            cleaned.append(link)
    if len(cleaned) > MAX_EVIDENCE_LINKS:
        raise VerdictError(f"At most {MAX_EVIDENCE_LINKS} evidence links per verdict.")
    return cleaned


def current_guideline_version(session: Session) -> int | None:
    return session.scalar(select(func.max(Guideline.version)))


def load_reviewable_claim(session: Session, claim_id: int, expected_version: int | None) -> Claim:
    # FOR SHARE: a lead's edit (FOR UPDATE) in flight is waited for and then seen, so a verdict
    # can never land on text changed after the check; reviewers saving together do not block.
    claim = session.get(Claim, claim_id, with_for_update={"read": True}, populate_existing=True)
    if claim is None:
        raise StaleClaim("This claim no longer exists: a lead has changed the article. Reload to continue.")
    if not claim.reviewable:
        raise StaleClaim("This unit is no longer a claim: a lead has changed the article. Reload to continue.")
    if expected_version is not None and claim.version != expected_version:
        raise StaleClaim("A lead edited this claim while you were reviewing it. Check the new text and save again.")
    return claim


def save_verdict(
    session: Session,
    actor: Actor,
    claim_id: int,
    label: str,
    note: str | None = "",
    evidence: Iterable[str] | str | None = (),
    *,
    expected_version: int | None = None,
    check_current: Callable[[Verdict | None], None] | None = None,
) -> VerdictChange:
    """Create or change ``actor``'s own verdict on a claim. Nobody writes under another name.

    ``check_current`` (see ``write_verdict``) refuses the save by what the verdict is once locked."""
    label, note, links = validate_label(label), validate_note(note), validate_evidence(evidence)
    load_reviewable_claim(session, claim_id, expected_version)
    return write_verdict(session, claim_id, actor.id, label, note, links, actor_id=actor.id, check_current=check_current)


def write_verdict(
    session: Session,
    claim_id: int,
    reviewer_id: int,
    label: str,
    note: str,
    evidence: list[str],
    *,
    actor_id: int | None,
    action: str | None = None,
    source_claim_id: int | None = None,
    check_current: Callable[[Verdict | None], None] | None = None,
) -> VerdictChange:
    """Upsert one verdict and record the change; inputs are already validated and permitted.

    ``source_claim_id``: the matched claim the verdict was applied from (history action ``match``).
    ``check_current`` is called with the verdict as it is once locked (``None``: none yet) and
    raises to refuse the write; it is called again with a verdict another session inserted while
    this one waited, so no check is passed on a stale read.

    Safe against a concurrent insert of the same (claim, reviewer): the loser updates instead.
    """
    now = utcnow()
    verdict = locked_verdict(session, claim_id, reviewer_id)
    if check_current is not None:
        check_current(verdict)
    if verdict is None:
        try:
            with session.begin_nested():
                session.add(
                    Verdict(
                        claim_id=claim_id,
                        reviewer_id=reviewer_id,
                        label=label,
                        note=note,
                        evidence=evidence,
                        guideline_version=current_guideline_version(session),
                        created_at=now,
                        updated_at=now,
                    )
                )
        except IntegrityError:
            verdict = locked_verdict(session, claim_id, reviewer_id)
            if verdict is None:
                raise
            if check_current is not None:
                check_current(verdict)
        else:
            _record(session, claim_id, reviewer_id, actor_id, action or "create", None, (label, note, evidence),
                    source_claim_id)
            return VerdictChange(claim_id, reviewer_id, action or "create")
    old = (verdict.label, verdict.note, list(verdict.evidence or []))
    if old == (label, note, evidence):
        return VerdictChange(claim_id, reviewer_id, None)
    verdict.label, verdict.note, verdict.evidence = label, note, evidence
    verdict.guideline_version = current_guideline_version(session)
    verdict.updated_at = now
    _record(session, claim_id, reviewer_id, actor_id, action or "update", old, (label, note, evidence), source_claim_id)
    return VerdictChange(claim_id, reviewer_id, action or "update")


VerdictKey = tuple[int, int]
"""``(claim_id, reviewer_id)``."""


@dataclass(frozen=True)
class SeenVerdict:
    """A verdict as a bulk write read it: the write goes ahead only while it is still exactly so."""

    label: str
    note: str
    evidence: tuple[str, ...]
    updated_at: datetime
    """Changes on every save, so a change and a change back still count as a change."""

    @classmethod
    def of(cls, verdict: Verdict) -> SeenVerdict:
        return cls(verdict.label, verdict.note, tuple(verdict.evidence or ()), verdict.updated_at)


class ConcurrentVerdictChange(VerdictError):
    """Verdicts a bulk write planned on were saved, changed or withdrawn meanwhile; nothing was written."""

    def __init__(self, keys: list[VerdictKey]) -> None:
        self.keys = keys
        super().__init__(
            f"{len(keys):,} verdict{'s were' if len(keys) != 1 else ' was'} saved or changed by a reviewer "
            "while this ran, so nothing was written. Run it again to see the current verdicts."
        )


def write_verdicts(
    session: Session,
    writes: Iterable[tuple[int, int, str, str, list[str]]],
    *,
    actor_id: int | None,
    action: str,
    expected: Mapping[VerdictKey, SeenVerdict | None] | None = None,
    chunk: int = 2_000,
) -> list[VerdictChange]:
    """Many validated, permitted writes of ``(claim_id, reviewer_id, label, note, evidence)``.

    Same outcome and history as :func:`write_verdict` row by row, in a few statements per
    chunk. ``expected``: what the caller read for each write (``None``: no verdict); each verdict
    is locked and compared with it, and if any was saved, changed or withdrawn since,
    :class:`ConcurrentVerdictChange` names them all and the caller's transaction must roll back.
    Without ``expected``, a concurrent insert of the same (claim, reviewer) fails the caller's
    whole transaction instead of being merged.
    """
    changes: list[VerdictChange] = []
    conflicts: list[VerdictKey] = []
    version = current_guideline_version(session)
    pending = list(writes)
    for start in range(0, len(pending), chunk):
        batch = pending[start : start + chunk]
        existing = {
            (verdict.claim_id, verdict.reviewer_id): verdict
            for verdict in session.scalars(
                select(Verdict)
                .where(Verdict.claim_id.in_({claim_id for claim_id, *_ in batch}))
                .order_by(Verdict.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        }
        now = utcnow()
        inserts, history = [], []
        for claim_id, reviewer_id, label, note, evidence in batch:
            new = (label, note, evidence)
            verdict = existing.get((claim_id, reviewer_id))
            if expected is not None and _changed_since(verdict, expected.get((claim_id, reviewer_id))):
                conflicts.append((claim_id, reviewer_id))
                continue
            old = None if verdict is None else (verdict.label, verdict.note, list(verdict.evidence or []))
            if old == new:
                changes.append(VerdictChange(claim_id, reviewer_id, None))
                continue
            if verdict is None:
                inserts.append(
                    {
                        "claim_id": claim_id, "reviewer_id": reviewer_id, "label": label,
                        "note": note, "evidence": evidence, "guideline_version": version,
                        "created_at": now, "updated_at": now,
                    }
                )
            else:
                verdict.label, verdict.note, verdict.evidence = new
                verdict.guideline_version, verdict.updated_at = version, now
            history.append(_history_row(claim_id, reviewer_id, actor_id, action, old, new, now))
            changes.append(VerdictChange(claim_id, reviewer_id, action))
        session.flush()
        if inserts and expected is None:
            session.execute(insert(Verdict), inserts)
        elif inserts:
            conflicts.extend(_insert_unless_present(session, inserts))
        if history and not conflicts:
            session.execute(insert(VerdictHistory), history)
    if conflicts:
        raise ConcurrentVerdictChange(sorted(conflicts))
    return changes


def _changed_since(verdict: Verdict | None, expected: SeenVerdict | None) -> bool:
    return (None if verdict is None else SeenVerdict.of(verdict)) != expected


def _insert_unless_present(session: Session, rows: list[dict]) -> list[VerdictKey]:
    """Insert verdicts, skipping any a concurrent save created first; returns the skipped keys.

    A row inserted by a transaction that has not yet committed is waited for (PostgreSQL).
    """
    dialect = session.get_bind().dialect.name
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = set(
        session.execute(
            upsert(Verdict.__table__)
            .on_conflict_do_nothing(index_elements=["claim_id", "reviewer_id"])
            .returning(Verdict.claim_id, Verdict.reviewer_id),
            rows,
        ).all()
    )
    return [(row["claim_id"], row["reviewer_id"]) for row in rows if (row["claim_id"], row["reviewer_id"]) not in inserted]


def delete_verdict(session: Session, actor: Actor, claim_id: int, reviewer_id: int | None = None) -> bool:
    """Withdraw a verdict (undo). Only its own reviewer may; the history keeps what it was."""
    reviewer_id = actor.id if reviewer_id is None else reviewer_id
    if reviewer_id != actor.id:
        raise PermissionDenied("You can only withdraw your own verdicts.")
    verdict = locked_verdict(session, claim_id, reviewer_id)
    if verdict is None:
        return False
    old = (verdict.label, verdict.note, list(verdict.evidence or []))
    session.delete(verdict)
    _record(session, claim_id, reviewer_id, actor.id, "delete", old, None)
    session.flush()
    return True


def locked_verdict(session: Session, claim_id: int, reviewer_id: int) -> Verdict | None:
    """A reviewer's verdict on a claim, row-locked for this transaction (as last committed)."""
    return session.scalar(
        select(Verdict)
        .where(Verdict.claim_id == claim_id, Verdict.reviewer_id == reviewer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _history_row(
    claim_id: int,
    reviewer_id: int,
    actor_id: int | None,
    action: str,
    old: tuple[str, str, list[str]] | None,
    new: tuple[str, str, list[str]] | None,
    changed_at: datetime,
) -> dict:
    old_label, old_note, old_evidence = old or (None, None, None)
    new_label, new_note, new_evidence = new or (None, None, None)
    return {
        "claim_id": claim_id, "reviewer_id": reviewer_id, "actor_id": actor_id, "action": action,
        "old_label": old_label, "new_label": new_label, "old_note": old_note,
        "new_note": new_note, "old_evidence": old_evidence, "new_evidence": new_evidence,
        "changed_at": changed_at,
    }


def _record(
    session: Session,
    claim_id: int,
    reviewer_id: int,
    actor_id: int | None,
    action: str,
    old: tuple[str, str, list[str]] | None,
    new: tuple[str, str, list[str]] | None,
    source_claim_id: int | None = None,
) -> None:
    row = _history_row(claim_id, reviewer_id, actor_id, action, old, new, utcnow())
    session.add(VerdictHistory(**row, source_claim_id=source_claim_id))
    session.flush()


def withdraw_verdicts(session: Session, claim_id: int, *, actor_id: int, reason: str) -> int:
    """Remove every verdict on a unit whose text a lead changed (merge, split); returns how many.

    Each is kept in history as action ``edit``, with ``reason`` as its new note.
    """
    verdicts = session.scalars(
        select(Verdict).where(Verdict.claim_id == claim_id).order_by(Verdict.id).with_for_update()
    ).all()
    for verdict in verdicts:
        session.add(
            VerdictHistory(
                claim_id=claim_id,
                reviewer_id=verdict.reviewer_id,
                actor_id=actor_id,
                action="edit",
                old_label=verdict.label,
                old_note=verdict.note,
                old_evidence=list(verdict.evidence or []),
                new_note=reason,
            )
        )
        session.delete(verdict)
    session.flush()
    return len(verdicts)

"""A lead's fixes to how an article was split into units: re-kind, merge, split.

* Turning a claim into a non-claim **keeps** its verdicts. They stop counting (only ``kind ==
  "claim"`` units are reviewed, agreed on and exported) and count again if the unit is turned back.
* Merging or splitting changes a unit's text, so verdicts on the units involved no longer apply to
  what is shown. They are **withdrawn**: removed, with a history row (action ``edit``) that keeps
  the label, note, evidence and the text that was judged. Verdicts on every other unit stay as they were.

Performance: an edit locks and rewrites the units involved, shifts the positions of the article's
later units in one UPDATE, and re-matches and re-scores only the changed units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from workbench.access import Actor, require_lead
from workbench.adjudication import clear_final_verdict
from workbench.articles import ArticleError
from workbench.match_search import update_claims
from workbench.models import CLAIM_KINDS, Article, Claim, FinalVerdict, FinalVerdictHistory, Verdict, VerdictHistory
from workbench.render import snippet
from workbench.triage_store import refresh_claim_signals
from workbench.verdicts import withdraw_verdicts
from workbench.vocabulary import counted

JUDGED_TEXT_CHARS = 2_000
"""How much of a withdrawn verdict's text its history note keeps."""


class EditError(ArticleError):
    """An extraction fix cannot be made as asked; nothing was changed."""


@dataclass(frozen=True)
class EditImpact:
    """What merging or splitting would withdraw: the verdicts on the units whose text changes."""

    units: int
    verdicts: int
    final_verdicts: int

    @property
    def total(self) -> int:
        return self.verdicts + self.final_verdicts

    def counted(self) -> str:
        """E.g. "2 verdicts and 1 final verdict", or "no verdicts"."""
        parts = []
        if self.verdicts:
            parts.append(counted(self.verdicts, "verdict"))
        if self.final_verdicts:
            parts.append(counted(self.final_verdicts, "final verdict"))
        return " and ".join(parts) or "no verdicts"

    def message(self) -> str:
        if not self.total:
            return "No verdicts are affected."
        where = "this unit" if self.units == 1 else "these units"
        return (
            f"{self.counted()} on {where} will be withdrawn, because the text they judged "
            "changes. They stay in the history."
        )


def edit_impact(session: Session, claim_ids: list[int]) -> EditImpact:
    """How many verdicts merging or splitting ``claim_ids`` would withdraw."""
    verdicts = session.scalar(select(func.count()).select_from(Verdict).where(Verdict.claim_id.in_(claim_ids)))
    finals = session.scalar(
        select(func.count()).select_from(FinalVerdict).where(FinalVerdict.claim_id.in_(claim_ids))
    )
    return EditImpact(len(set(claim_ids)), verdicts or 0, finals or 0)


def _locked_units(session: Session, claim_ids: list[int]) -> dict[int, Claim]:
    units = session.scalars(
        select(Claim)
        .where(Claim.id.in_(claim_ids))
        .order_by(Claim.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    found = {unit.id: unit for unit in units}
    missing = [claim_id for claim_id in claim_ids if claim_id not in found]
    if missing:
        raise EditError(f"Unit {missing[0]} no longer exists: the article was changed. Reload it.")
    return found


def _check_version(unit: Claim, expected_version: int | None) -> None:
    if expected_version is not None and unit.version != expected_version:
        raise EditError(
            f"Unit #{unit.position + 1} was changed by someone else since you loaded it. Reload the article."
        )


def _check_withdrawals(session: Session, claim_ids: list[int], agreed: int | None) -> None:
    """Refuse when more (or fewer) verdicts would be withdrawn than the lead was told and agreed to."""
    if agreed is None:
        return
    impact = edit_impact(session, claim_ids)
    if impact.total != agreed:
        raise EditError(
            f"Verdicts changed meanwhile: this edit would now withdraw {impact.counted()}. Check and confirm again."
        )


def _withdraw_all(session: Session, actor: Actor, unit: Claim, reason: str) -> None:
    """Withdraw the verdicts and the final verdict on ``unit``; history keeps them with ``reason``."""
    note = f"{reason} Text judged: {snippet(unit.text, JUDGED_TEXT_CHARS)}"
    withdraw_verdicts(session, unit.id, actor_id=actor.id, reason=note)
    clear_final_verdict(session, actor, unit.id, note)


def _changed(session: Session, units: list[Claim]) -> None:
    """Write the edited units, then refresh what is derived from their text: matches and triage signals."""
    session.flush()
    claim_ids = [unit.id for unit in units]
    update_claims(session, claim_ids)
    refresh_claim_signals(session, claim_ids)


def set_unit_kind(
    session: Session, actor: Actor, claim_id: int, kind: str, *, expected_version: int | None = None
) -> Claim:
    """Mark a unit as a claim or as a kind of non-claim. Verdicts are kept (see the module docstring)."""
    require_lead(actor, "fix how an article was split")
    if kind not in CLAIM_KINDS:
        raise EditError(f"Unknown kind {kind!r}: use one of {', '.join(CLAIM_KINDS)}.")
    unit = _locked_units(session, [claim_id])[claim_id]
    _check_version(unit, expected_version)
    if unit.kind != kind:
        unit.kind = kind
        unit.version += 1
        _changed(session, [unit])
    return unit


def merge_units(
    session: Session,
    actor: Actor,
    first_id: int,
    second_id: int,
    *,
    expected_versions: tuple[int, int] | None = None,
    withdrawals: int | None = None,
) -> Claim:
    """Join two neighbouring units of one article into one; verdicts on both are withdrawn.

    The merged unit keeps the first unit's id and paragraph, spans from the first's start to the
    second's end (``text == article.text[start:end]``) and is a claim if either part was one.
    ``withdrawals``: how many verdicts the lead agreed to withdraw (see :func:`_check_withdrawals`).
    """
    require_lead(actor, "fix how an article was split")
    if first_id == second_id:
        raise EditError("Pick two different units to merge.")
    units = _locked_units(session, [first_id, second_id])
    first, second = units[first_id], units[second_id]
    if expected_versions is not None:
        _check_version(first, expected_versions[0])
        _check_version(second, expected_versions[1])
    if first.article_id != second.article_id:
        raise EditError("Only units of the same article can be merged.")
    if second.position < first.position:
        first, second = second, first
    if second.position != first.position + 1:
        raise EditError(
            f"Units #{first.position + 1} and #{second.position + 1} are not next to each other; "
            "only neighbouring units can be merged."
        )
    _check_withdrawals(session, [first.id, second.id], withdrawals)
    article_text = session.scalar(select(Article.text).where(Article.id == first.article_id))
    reason = (
        f"Withdrawn by {actor.name}: units #{first.position + 1} and #{second.position + 1} were merged, "
        "so the text changed."
    )
    _withdraw_all(session, actor, first, reason)
    _withdraw_all(session, actor, second, reason)
    merged_kind = "claim" if "claim" in (first.kind, second.kind) else first.kind
    end = second.end_char
    _remove_merged(session, second, into=first)
    first.end_char = end
    first.text = article_text[first.start_char:end]
    first.kind = merged_kind
    first.version += 1
    _changed(session, [first])
    return first


def _remove_merged(session: Session, second: Claim, *, into: Claim) -> None:
    """Delete the unit merged ``into`` another and close the gap it leaves in the article's order.

    Its history would cascade away with it, so the history moves to the merged unit first.
    """
    for history in (VerdictHistory, FinalVerdictHistory):
        session.execute(
            update(history).where(history.claim_id == second.id).values(claim_id=into.id),
            execution_options={"synchronize_session": False},
        )
    session.execute(delete(Claim).where(Claim.id == second.id), execution_options={"synchronize_session": False})
    session.expunge(second)
    session.execute(
        update(Claim)
        .where(Claim.article_id == second.article_id, Claim.position > second.position)
        .values(position=Claim.position - 1),
        execution_options={"synchronize_session": False},
    )


def split_points(text: str) -> list[int]:
    """Offsets inside ``text`` where a split leaves words whole: the start of every word but the first."""
    return [match.start() for match in re.finditer(r"(?<=\s)\S", text)]


def split_preview(text: str, at_offset: int, width: int = 32) -> str:
    """Where a split at ``at_offset`` falls: the end of the first part ‖ the start of the second.

    Each side shows at most ``width`` characters of whole words.
    """
    head = text[:at_offset].split()
    tail = text[at_offset:].split()
    shown_head: list[str] = []
    while head and len(" ".join([head[-1], *shown_head])) <= width:
        shown_head.insert(0, head.pop())
    shown_tail: list[str] = []
    while tail and len(" ".join([*shown_tail, tail[0]])) <= width:
        shown_tail.append(tail.pop(0))
    return f"{'…' if head else ''}{' '.join(shown_head)} ‖ {' '.join(shown_tail)}{'…' if tail else ''}"


def split_unit(
    session: Session,
    actor: Actor,
    claim_id: int,
    at_offset: int,
    *,
    expected_version: int | None = None,
    withdrawals: int | None = None,
) -> tuple[Claim, Claim]:
    """Cut a unit in two at ``at_offset`` (counted from the unit's first character).

    Whitespace at the cut belongs to neither part. Both parts keep the unit's kind and paragraph;
    the first keeps its id. Verdicts on the unit are withdrawn.
    """
    require_lead(actor, "fix how an article was split")
    unit = _locked_units(session, [claim_id])[claim_id]
    _check_version(unit, expected_version)
    text = unit.text
    if not 0 < at_offset < len(text):
        raise EditError(f"Split inside the unit: pick an offset between 1 and {len(text) - 1}.")
    _check_withdrawals(session, [unit.id], withdrawals)
    head, rest = text[:at_offset].rstrip(), text[at_offset:]
    tail = rest.lstrip()
    _withdraw_all(
        session,
        actor,
        unit,
        f"Withdrawn by {actor.name}: unit #{unit.position + 1} was split in two, so the text changed.",
    )
    session.execute(
        update(Claim)
        .where(Claim.article_id == unit.article_id, Claim.position > unit.position)
        .values(position=Claim.position + 1),
        execution_options={"synchronize_session": False},
    )
    old_end = unit.end_char
    unit.end_char = unit.start_char + len(head)
    unit.text = head
    unit.version += 1
    second = Claim(
        article_id=unit.article_id,
        position=unit.position + 1,
        text=tail,
        start_char=unit.start_char + at_offset + (len(rest) - len(tail)),
        end_char=old_end,
        kind=unit.kind,
        paragraph=unit.paragraph,
        version=unit.version,
    )
    session.add(second)
    _changed(session, [unit, second])
    return unit, second


def check_units(session: Session, article_id: int) -> list[str]:
    """Problems with an article's units (empty when sound): offsets, text, overlaps and order."""
    article_text = session.scalar(select(Article.text).where(Article.id == article_id))
    if article_text is None:
        return [f"No article with id {article_id}."]
    problems = []
    previous: Claim | None = None
    units = session.scalars(select(Claim).where(Claim.article_id == article_id).order_by(Claim.position))
    for index, unit in enumerate(units):
        if unit.position != index:
            problems.append(f"unit {unit.id}: position {unit.position}, expected {index}")
        if unit.text != article_text[unit.start_char:unit.end_char]:
            problems.append(f"unit {unit.id}: text does not match the article at {unit.start_char}:{unit.end_char}")
        if previous is not None and unit.start_char < previous.end_char:
            problems.append(f"unit {unit.id}: overlaps or comes before unit {previous.id}")
        previous = unit
    return problems

"""Using matches: one verdict for the same claim, linked groups, and a final verdict per group.

- **Applying a verdict from a match** (:func:`apply_match_verdict`): a reviewer who already
  labelled one claim of a match saves the same label, note and links on the other. The verdict is
  the reviewer's own; its history row has action ``match`` and names the claim it came from
  (``source_claim_id``). A current verdict whose latest history row is ``match`` counts as
  *applied from a match* (:func:`applied_from_match`), so a later edit by hand makes it an
  ordinary judgement again. Blind review holds: only the reviewer's own
  verdict is ever read.
- **Groups** (:func:`workbench.matching.match_groups`, :func:`group_of`): connected components of
  linked or confirmed (never rejected) matches; a group's stable id is ``G`` + its smallest claim
  id, unchanged while that claim stays in it.
- **A final verdict for a whole group** (:func:`group_final_preview`, :func:`apply_final_to_group`).
- **A lead reshapes groups**: :func:`detach_from_group` splits a claim out, :func:`merge_groups`
  joins two groups.

Performance: every function reads only the matches, verdicts and history rows of the claims it
is given; :func:`applied_from_match` reads only history rows with action ``match`` (few) and
checks each against its claim's latest history row through the ``claim_id`` index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from workbench.access import Actor, PermissionDenied, require_active, require_lead
from workbench.adjudication import FinalChange, record_final_verdict
from workbench.match_text import compare_pairs, conflicts, features
from workbench.matching import MATCH_ACTION, MatchError, decide_match, sharing_verdicts
from workbench.models import Article, Claim, ClaimMatch, FinalVerdict, Verdict, utcnow
from workbench.review import SavedVerdict, VerdictState, may_review, own_verdict, require_unlabelled
from workbench.verdicts import load_reviewable_claim, write_verdict
from workbench.vocabulary import LABEL_TITLES, MatchStatus, MatchTier

# --- applying a verdict from a match -------------------------------------------------------


@dataclass(frozen=True)
class MatchOffer:
    """A match whose other claim the reviewer already labelled: its verdict can be applied here."""

    source_claim_id: int
    """The matched claim the reviewer labelled."""
    source_title: str
    """Its article's title."""
    label: str
    note: str
    evidence: tuple[str, ...]
    linked: bool
    """Linked or confirmed (``False``: a suggestion without conflict)."""


@cache
def _offers_query():
    """Matches of a claim whose other claim the reviewer labelled (built once: the queue asks per key press)."""
    other, claim_id = aliased(Claim), bindparam("claim_id")
    return (
        select(ClaimMatch, other.id, Article.title, Verdict.label, Verdict.note, Verdict.evidence)
        .join(other, or_(
            and_(ClaimMatch.claim_a_id == claim_id, other.id == ClaimMatch.claim_b_id),
            and_(ClaimMatch.claim_b_id == claim_id, other.id == ClaimMatch.claim_a_id),
        ))
        .join(Article, Article.id == other.article_id)
        .join(Verdict, and_(Verdict.claim_id == other.id, Verdict.reviewer_id == bindparam("reviewer_id")))
        .where(ClaimMatch.status != MatchStatus.REJECTED, other.reviewable)
        .order_by(ClaimMatch.score.desc(), other.id)
    )


def match_offers(session: Session, actor: Actor, claim_id: int) -> list[MatchOffer]:
    """The reviewer's own verdicts on matches of ``claim_id`` that may be applied to it, best first.

    Rejected matches and conflicting ones (numbers, dates, negation, names differ) are never offered.
    """
    rows = session.execute(_offers_query(), {"claim_id": claim_id, "reviewer_id": actor.id}).all()
    offers = []
    for match, other_id, title, label, note, evidence in rows:
        linked = match.tier == MatchTier.LINKED or match.status == MatchStatus.CONFIRMED
        conflicting = any(not reason.startswith("short:") for reason in match.reasons or ())
        if conflicting and match.status != MatchStatus.CONFIRMED:
            continue
        offers.append(MatchOffer(other_id, title or f"Article {other_id}", label, note, tuple(evidence or ()), linked))
    return sorted(offers, key=lambda offer: not offer.linked)


def apply_match_verdict(
    session: Session, actor: Actor, claim_id: int, source_claim_id: int, *,
    expected_version: int | None = None, expect_unlabelled: bool = False, expected_label: str | None = None,
) -> SavedVerdict:
    """Save the reviewer's verdict on ``source_claim_id`` as their verdict on ``claim_id`` (history: ``match``).

    ``expect_unlabelled`` as in ``submit_verdict``: a verdict given meanwhile is never replaced unseen.
    ``expected_label``: the label the reviewer was offered; if their verdict on the matched claim has
    changed since (another tab), nothing is saved, so the label saved is always the one they saw."""
    require_active(session, actor)
    if not may_review(session, actor, claim_id):
        raise PermissionDenied("This claim is in a collection you are not assigned to.")
    offer = next((o for o in match_offers(session, actor, claim_id) if o.source_claim_id == source_claim_id), None)
    if offer is None:
        raise MatchError(
            "Nothing to apply: the match was rejected or changed, or you have no verdict on the matched claim. Reload."
        )
    if expected_label is not None and offer.label != expected_label:
        raise MatchError(
            f"Your verdict on the matched claim is now {LABEL_TITLES[offer.label]}, not "
            f"{LABEL_TITLES[expected_label]}: nothing was saved. Press M again to apply it."
        )
    load_reviewable_claim(session, claim_id, expected_version)
    existing = own_verdict(session, actor, claim_id)
    if expect_unlabelled:
        require_unlabelled(existing)
    before = VerdictState(existing.label, existing.note, tuple(existing.evidence or ())) if existing else None
    write_verdict(session, claim_id, actor.id, offer.label, offer.note, list(offer.evidence),
                  actor_id=actor.id, action=MATCH_ACTION, source_claim_id=source_claim_id)
    return SavedVerdict(claim_id, before, VerdictState(offer.label, offer.note, offer.evidence))


# --- groups --------------------------------------------------------------------------------


def group_of(session: Session, claim_id: int) -> list[int]:
    """Every claim linked to ``claim_id`` through linked or confirmed matches (itself included)."""
    seen, frontier = {claim_id}, [claim_id]
    while frontier:
        found = set()
        for start in range(0, len(frontier), 1000):
            chunk = frontier[start:start + 1000]
            for a, b in session.execute(sharing_verdicts(select(ClaimMatch.claim_a_id, ClaimMatch.claim_b_id)).where(
                ClaimMatch.claim_a_id.in_(chunk) | ClaimMatch.claim_b_id.in_(chunk)
            )):
                found.update((a, b))
        frontier = sorted(found - seen)
        seen |= found
    return sorted(seen)


# --- a final verdict for a group -----------------------------------------------------------


@dataclass(frozen=True)
class GroupFinalChange:
    """What applying a final verdict to a group does (or did) to one claim."""

    claim_id: int
    article_title: str
    text: str
    before: str | None
    """Its final verdict before (``None``: none yet)."""
    after: str
    conflict: str = ""
    """What makes it a different fact from the claim adjudicated (``number: 30 vs 25``), found by the
    matching guard; such a claim joined the group through others and is left as it is."""

    @property
    def changes(self) -> bool:
        return self.before != self.after and not self.conflict


def group_final_preview(session: Session, actor: Actor, claim_id: int, label: str) -> list[GroupFinalChange]:
    """For each claim of ``claim_id``'s group: its final verdict now and after applying ``label``.

    Groups are joined through pairs, so a claim may belong to one while stating a different fact
    from ``claim_id`` (``$25 million`` and ``$30 million``, each linked to a claim naming no sum):
    the guard of ``workbench.match_text`` marks it (``conflict``) and it keeps its verdict."""
    require_lead(actor, "record final verdicts")
    members = group_of(session, claim_id)
    rows = session.execute(
        select(Claim.id, Article.title, Claim.text, FinalVerdict.label)
        .join(Article, Article.id == Claim.article_id)
        .outerjoin(FinalVerdict, FinalVerdict.claim_id == Claim.id)
        .where(Claim.id.in_(members), Claim.reviewable)
        .order_by(Claim.id)
    ).all()
    adjudicated = next((features(text) for cid, _title, text, _before in rows if cid == claim_id), None)
    return [
        GroupFinalChange(
            cid, title or f"Article {cid}", text, before, label,
            "; ".join(conflicts(adjudicated, features(text))) if adjudicated and cid != claim_id else "",
        )
        for cid, title, text, before in rows
    ]


def apply_final_to_group(
    session: Session, actor: Actor, claim_id: int, label: str, rationale: str | None = "",
    *, expected_claims: Iterable[int] | None = None,
) -> list[FinalChange]:
    """Record ``label`` as the final verdict of every claim in ``claim_id``'s group (all or none).

    Claims already final as ``label`` keep their own rationale and are left out of the result, as
    are claims stating a different fact (``GroupFinalChange.conflict``).

    ``expected_claims``: the group as previewed; if it changed meanwhile nothing is written.
    """
    preview = group_final_preview(session, actor, claim_id, label)
    members = [change.claim_id for change in preview]
    if expected_claims is not None and sorted(set(expected_claims)) != members:
        raise MatchError("The group changed since the preview (a match was confirmed, rejected or rebuilt). Preview again.")
    return [
        record_final_verdict(session, actor, change.claim_id, label, rationale) for change in preview if change.changes
    ]


def detach_from_group(session: Session, actor: Actor, claim_id: int) -> int:
    """Split ``claim_id`` out of its linked group: reject each of its linked or confirmed matches (leads)."""
    require_lead(actor, "split groups of matches")
    matches = session.scalars(sharing_verdicts(select(ClaimMatch)).where(
        or_(ClaimMatch.claim_a_id == claim_id, ClaimMatch.claim_b_id == claim_id)
    )).all()
    for match in matches:
        decide_match(session, actor, match.id, "rejected")
    return len(matches)


def merge_groups(session: Session, actor: Actor, claim_id: int, other_claim_id: int) -> int:
    """Join the linked groups of two claims (leads): the closest stored match between them is confirmed.

    If no match between the two groups is stored, one is recorded as confirmed, with its score,
    between the two claims of different articles (one of each group) whose texts score highest.
    Returns the confirmed match's id.
    """
    require_lead(actor, "merge groups of matches")
    group, other = group_of(session, claim_id), group_of(session, other_claim_id)
    if set(group) & set(other):
        raise MatchError(f"Claims {claim_id} and {other_claim_id} are already in one group.")
    match_id = session.scalar(
        select(ClaimMatch.id).where(or_(
            and_(ClaimMatch.claim_a_id.in_(group), ClaimMatch.claim_b_id.in_(other)),
            and_(ClaimMatch.claim_a_id.in_(other), ClaimMatch.claim_b_id.in_(group)),
        )).order_by(ClaimMatch.score.desc(), ClaimMatch.id).limit(1)
    )
    if match_id is None:
        match_id = _record_match(session, group, other)
    decide_match(session, actor, match_id, "confirmed")
    return match_id


MAX_MERGE_CANDIDATES = 100
"""Claims of each group compared when a merge records a new match (the first, by id)."""


def _record_match(session: Session, group: list[int], other: list[int]) -> int:
    rows = session.execute(
        select(Claim.id, Claim.article_id, Article.collection_id, Claim.text)
        .join(Article, Article.id == Claim.article_id)
        .where(Claim.id.in_(group[:MAX_MERGE_CANDIDATES] + other[:MAX_MERGE_CANDIDATES]), Claim.reviewable)
        .order_by(Claim.id)
    ).all()
    in_group = set(group)
    pairs = [(a, b) for a in rows if a.id in in_group for b in rows if b.id not in in_group and a.article_id != b.article_id]
    if not pairs:
        if len({row.id in in_group for row in rows}) < 2:
            raise MatchError("One of the claims is no longer a reviewable claim. Reload.")
        raise MatchError("Two claims of one article are never matched, and the two groups have no claims in different "
                         "articles: pick a claim of another article.")
    verdicts = compare_pairs([(a.text, b.text) for a, b in pairs])
    best = max(range(len(pairs)), key=lambda index: verdicts[index].score)
    (first, second), verdict = sorted(pairs[best], key=lambda row: row.id), verdicts[best]
    match = ClaimMatch(
        claim_a_id=first.id, claim_b_id=second.id, score=verdict.score,
        tier=MatchTier.LINKED if verdict.tier == MatchTier.LINKED else MatchTier.SUGGESTED, reasons=list(verdict.reasons),
        same_collection=first.collection_id == second.collection_id, created_at=utcnow(), updated_at=utcnow(),
    )
    session.add(match)
    session.flush()
    return match.id

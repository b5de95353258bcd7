"""Verdict sets in: a ``long`` CSV taken back, checked whole, then written all or nothing.

For reviewers who worked offline or in another copy of the database. Every row is checked
before anything is written; any problem refuses the whole file and lists the problems with
their line numbers. Each changed verdict goes through :func:`workbench.verdicts.write_verdicts`
with the action ``import``, so it lands in the verdict history, and re-importing the same file
changes nothing.

The file is parsed and checked with no lock held (on SQLite, a read snapshot; reviewers keep
saving). The write then runs in one short transaction that locks every claim and verdict it
touches and re-checks them against what the plan read: if a reviewer saved, changed or withdrew
one of those verdicts meanwhile, or a lead edited one of those claims, the whole import is
refused and the lines are listed, so a person's verdict is never replaced by a plan made on an
older read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench.access import Actor, require_active_lead
from workbench.auth import AuthError, create_reviewer, validate_name
from workbench.db import Database
from workbench.errors import WorkbenchError
from workbench.models import Claim, Reviewer, Verdict
from workbench.verdict_file import (
    MAX_IMPORT_BYTES,
    Problem,
    Problems,
    VerdictImportError,
    VerdictRow,
    decode_file,
    read_rows,
)
from workbench.verdicts import ConcurrentVerdictChange, SeenVerdict, write_verdicts
from workbench.vocabulary import ClaimKind, counted

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
"""The Export page's upload limit; larger files go through ``workbench import-verdicts``."""
LOOKUP_BATCH = 1_000


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    repeated_rows: int = 0
    """Rows identical to an earlier row of the same file (counted once)."""
    reviewers_created: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "was" if self.created == 1 else "were"
        text = (
            f"{counted(self.rows, 'row')} read: {counted(self.created, 'verdict')} {verb} created, {self.updated:,} "
            f"updated, {self.unchanged:,} already up to date"
        )
        if self.repeated_rows:
            text += f", {counted(self.repeated_rows, 'repeated row')} skipped"
        if self.reviewers_created:
            text += f"; new reviewers: {', '.join(self.reviewers_created)}"
        return text + "."


# --- checking against the database --------------------------------------------------------------


@dataclass(frozen=True)
class PlannedWrite:
    line: int
    claim_id: int
    claim_version: int
    """The claim's version when planned; the write refuses a claim a lead edited since."""
    reviewer: str
    """The reviewer's name as stored (or to be created)."""
    label: str
    note: str
    evidence: list[str]
    expected: SeenVerdict | None
    """The verdict this write replaces as planned (``None``: there was none)."""

    @property
    def creates(self) -> bool:
        return self.expected is None


def _batches(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), LOOKUP_BATCH):
        yield values[start : start + LOOKUP_BATCH]


def plan_import(
    session: Session, rows: Sequence[VerdictRow], *, create_reviewers: bool, problems: Problems
) -> tuple[list[PlannedWrite], list[str], int]:
    """Check rows against the database; returns the writes needed, reviewers to add, rows unchanged."""
    claim_ids = sorted({row.claim_id for row in rows})
    claims: dict[int, tuple[str, str, int]] = {}
    for batch in _batches(claim_ids):
        for claim_id, kind, text, version in session.execute(
            select(Claim.id, Claim.kind, Claim.text, Claim.version).where(Claim.id.in_(batch))
        ):
            claims[claim_id] = (kind, text, version)

    reviewers = {
        name.lower(): (reviewer_id, name)
        for reviewer_id, name in session.execute(select(Reviewer.id, Reviewer.name))
    }
    new_reviewers = _new_reviewers(rows, reviewers, create_reviewers, problems)

    existing: dict[tuple[int, int], SeenVerdict] = {}
    for batch in _batches(claim_ids):
        for claim_id, reviewer_id, label, note, evidence, updated_at in session.execute(
            select(
                Verdict.claim_id, Verdict.reviewer_id, Verdict.label, Verdict.note, Verdict.evidence,
                Verdict.updated_at,
            ).where(Verdict.claim_id.in_(batch))
        ):
            existing[(claim_id, reviewer_id)] = SeenVerdict(label, note, tuple(evidence or ()), updated_at)

    writes: list[PlannedWrite] = []
    unchanged = 0
    for row in rows:
        claim = claims.get(row.claim_id)
        if claim is None:
            problems.add(row.line, f"unknown claim id {row.claim_id}.")
            continue
        kind, text, version = claim
        if kind != ClaimKind.CLAIM:
            problems.add(
                row.line, f"claim {row.claim_id} is a {kind} unit, not a reviewable claim."
            )
            continue
        if row.claim_text is not None and row.claim_text != text:
            problems.add(
                row.line,
                f"the text of claim {row.claim_id} was edited since the export "
                f"({where_texts_differ(row.claim_text, text)}). Check the verdict, then "
                "remove the claim_text column to import anyway.",
            )
            continue
        known = reviewers.get(row.reviewer.lower())
        if known is None and row.reviewer.lower() not in new_reviewers:
            continue  # reported once per reviewer by _new_reviewers
        old = existing.get((row.claim_id, known[0])) if known else None
        note = row.note if row.note is not None else (old.note if old else "")
        evidence = row.evidence if row.evidence is not None else (list(old.evidence) if old else [])
        if old is not None and (old.label, old.note, list(old.evidence)) == (row.label, note, evidence):
            unchanged += 1
            continue
        name = known[1] if known else new_reviewers[row.reviewer.lower()]
        writes.append(
            PlannedWrite(row.line, row.claim_id, version, name, row.label, note, evidence, expected=old)
        )
    return writes, list(new_reviewers.values()), unchanged


def _new_reviewers(
    rows: Iterable[VerdictRow], known: dict[str, tuple[int, str]], create: bool, problems: Problems
) -> dict[str, str]:
    """Reviewers the file names but the database lacks: to create, or one problem each."""
    unknown: dict[str, list[VerdictRow]] = {}
    for row in rows:
        if row.reviewer.lower() not in known:
            unknown.setdefault(row.reviewer.lower(), []).append(row)
    created: dict[str, str] = {}
    for key, named in unknown.items():
        lines = [row.line for row in named]
        where = "lines " + ", ".join(map(str, lines[:5])) if len(lines) > 1 else ""
        if len(lines) > 5:
            where += f" and {len(lines) - 5:,} more"
        where = f" ({where})" if where else ""  # one line: its number leads the problem already
        if not create:
            problems.add(
                lines[0],
                f"unknown reviewer {named[0].reviewer!r}{where}: add the account first, "
                "or let the import create missing reviewers (--create-reviewers; on the Export page, "
                "Create missing reviewers).",
            )
            continue
        try:
            created[key] = validate_name(named[0].reviewer)
        except AuthError as error:
            problems.add(
                lines[0], f"cannot create reviewer {named[0].reviewer!r}{where}: {error}"
            )
    return created


def where_texts_differ(file_text: str, stored_text: str, context: int = 20, limit: int = 60) -> str:
    """Both texts around their first difference, so an edit anywhere (even at the end) shows.

    E.g. ``from character 58: file '…in 1932.', now '…in 1933.'``.
    """
    start = 0
    while start < min(len(file_text), len(stored_text)) and file_text[start] == stored_text[start]:
        start += 1
    tail = 0
    while (
        tail < min(len(file_text), len(stored_text)) - start
        and file_text[-1 - tail] == stored_text[-1 - tail]
    ):
        tail += 1

    def around(text: str) -> str:
        begin = max(0, start - context)
        end = min(len(text), max(len(text) - tail + context, begin + 1), begin + limit)
        shown = ("…" if begin else "") + text[begin:end] + ("…" if end < len(text) else "")
        return repr(shown)

    return f"from character {start + 1}: file {around(file_text)}, now {around(stored_text)}"


# --- importing ----------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    """A checked file: what importing it would do."""

    report: ImportReport
    writes: list[PlannedWrite]


def plan_file(
    session: Session,
    data: bytes,
    *,
    create_reviewers: bool = False,
    formula_guard: bool = True,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> ImportPlan:
    """Read and check the whole file against the database, writing nothing.

    Raises :class:`VerdictImportError` listing every problem by line when anything is wrong.
    """
    rows, repeated, problems = read_rows(
        decode_file(data, max_bytes=max_bytes), formula_guard=formula_guard
    )
    writes, new_reviewers, unchanged = plan_import(
        session, rows, create_reviewers=create_reviewers, problems=problems
    )
    problems.raise_if_any()
    created = sum(write.creates for write in writes)
    report = ImportReport(
        rows=len(rows) + repeated,
        created=created,
        updated=len(writes) - created,
        unchanged=unchanged,
        repeated_rows=repeated,
        reviewers_created=new_reviewers,
        dry_run=True,
    )
    return ImportPlan(report, writes)


def check_verdict_file(session: Session, data: bytes, **options) -> ImportReport:
    """What importing ``data`` would do (``dry_run`` report), or the problems that refuse it."""
    return plan_file(session, data, **options).report


def import_verdicts(
    database: Database,
    data: bytes,
    *,
    actor: Actor,
    create_reviewers: bool = False,
    formula_guard: bool = True,
    dry_run: bool = False,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> ImportReport:
    """Check a ``long`` verdict CSV whole, then write it in one transaction (``dry_run``: only check).

    ``actor`` is the signed-in lead, or the operator at the command line. Raises
    :class:`VerdictImportError` listing every problem by line when anything is wrong, including
    verdicts saved or claims edited while the import ran; then nothing is written.
    """
    with database.read_session() as session:
        require_active_lead(session, actor, "import verdicts")
        plan = plan_file(
            session,
            data,
            create_reviewers=create_reviewers,
            formula_guard=formula_guard,
            max_bytes=max_bytes,
        )
    if dry_run:
        return plan.report
    try:
        with database.transaction() as session:
            require_active_lead(session, actor, "import verdicts")
            write_plan(session, plan, actor)
    except IntegrityError:
        raise WorkbenchError(
            "Someone added a reviewer of the same name while the import ran, so nothing was "
            "imported. Run the import again."
        ) from None
    plan.report.dry_run = False
    return plan.report


def write_plan(session: Session, plan: ImportPlan, actor: Actor) -> None:
    """Write a checked plan, after locking and re-checking everything it planned on."""
    _recheck_claims(session, plan.writes)
    reviewer_ids = {
        name.lower(): reviewer_id
        for reviewer_id, name in session.execute(select(Reviewer.id, Reviewer.name))
    }
    for name in plan.report.reviewers_created:
        created = create_reviewer(session, name, None, "reviewer", actor=actor, first_is_lead=False)
        reviewer_ids[name.lower()] = created.id
    keyed = {(w.claim_id, reviewer_ids[w.reviewer.lower()]): w for w in plan.writes}
    try:
        write_verdicts(
            session,
            sorted(
                ((claim_id, reviewer_id, w.label, w.note, w.evidence) for (claim_id, reviewer_id), w in keyed.items()),
                key=lambda write: write[:2],
            ),
            actor_id=actor.id,
            action="import",
            expected={key: w.expected for key, w in keyed.items()},
        )
    except ConcurrentVerdictChange as change:
        raise VerdictImportError(
            [
                Problem(
                    keyed[key].line,
                    f"{keyed[key].reviewer} saved, changed or withdrew the verdict on claim "
                    f"{key[0]} while the import ran. Run the import again to see it.",
                )
                for key in change.keys
            ],
            cause=f"{counted(len(change.keys), 'verdict')} saved or changed by reviewers while the import ran",
        ) from None


def _recheck_claims(session: Session, writes: Sequence[PlannedWrite]) -> None:
    """Share-lock the claims written to (a lead's edit waits) and refuse any edited since planning."""
    planned = {w.claim_id: (w.claim_version, w.line) for w in writes}
    current: dict[int, tuple[str, int]] = {}
    for batch in _batches(sorted(planned)):
        for claim_id, kind, version in session.execute(
            select(Claim.id, Claim.kind, Claim.version)
            .where(Claim.id.in_(batch))
            .order_by(Claim.id)
            .with_for_update(read=True)
        ):
            current[claim_id] = (kind, version)
    problems = [
        Problem(line, f"a lead edited claim {claim_id} while the import ran. Run the import again.")
        for claim_id, (version, line) in planned.items()
        if current.get(claim_id) != ("claim", version)
    ]
    if problems:
        raise VerdictImportError(
            sorted(problems, key=lambda problem: problem.line or 0),
            cause=f"a lead edited {counted(len(problems), 'claim')} of the file while the import ran",
        )


def import_verdicts_file(database: Database, path: Path, **options) -> ImportReport:
    """:func:`import_verdicts` for a file on disk (the size limit is checked before reading)."""
    max_bytes = options.get("max_bytes", MAX_IMPORT_BYTES)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise VerdictImportError(
                [
                    Problem(
                        None,
                        f"{path} is {size / 2**20:.1f} MiB; the limit is {max_bytes / 2**20:.0f} MiB.",
                    )
                ]
            )
        data = path.read_bytes()
    except OSError as error:
        raise VerdictImportError(
            [Problem(None, f"Cannot read {path}: {error.strerror or error}.")]
        ) from None
    return import_verdicts(database, data, **options)

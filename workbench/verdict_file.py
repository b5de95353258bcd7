"""A long verdict CSV read and checked line by line, before the database is asked anything.

One pass over the text with the standard ``csv`` reader: each data line is checked on its own
(claim id, reviewer, label, note, evidence), repeats are folded, and at most
:data:`MAX_PROBLEMS_KEPT` problems are kept however many lines are wrong. The checks against the
database are in :mod:`workbench.verdict_import`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from workbench import LABELS
from workbench.db import unstorable_reason
from workbench.errors import WorkbenchError
from workbench.export_columns import unguard_formula
from workbench.text_bytes import Undecodable, UndecodableBytes, allow_long_csv_cells, decode_bytes
from workbench.verdicts import VerdictError, validate_evidence, validate_note
from workbench.vocabulary import counted

REQUIRED_COLUMNS: tuple[str, ...] = ("claim_id", "reviewer", "verdict")
OPTIONAL_COLUMNS: tuple[str, ...] = ("note", "evidence", "claim_text")
"""Read when present. Without ``note`` or ``evidence`` an existing verdict keeps its own."""
MAX_IMPORT_BYTES = 200 * 1024 * 1024
MAX_PROBLEMS_KEPT = 1_000
PROBLEMS_SHOWN = 20
MAX_CLAIM_ID = 2**31 - 1


@dataclass(frozen=True)
class Problem:
    """Why one line (or the whole file, ``line=None``) cannot be imported."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


class VerdictImportError(WorkbenchError):
    """The file was refused and nothing was written; ``problems`` lists why, by line."""

    def __init__(self, problems: Sequence[Problem], total: int | None = None, *, cause: str | None = None) -> None:
        """``cause``: what went wrong when it is not the file (``3 verdicts changed while the import ran``)."""
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else total
        shown = "\n".join(f"  {problem}" for problem in self.problems[:PROBLEMS_SHOWN])
        more = self.total - min(len(self.problems), PROBLEMS_SHOWN)
        tail = f"\n  … and {more:,} more" if more > 0 else ""
        super().__init__(
            f"Nothing was imported: {cause or counted(self.total, 'problem') + ' in the file'}.\n{shown}{tail}"
        )


@dataclass(frozen=True)
class VerdictRow:
    """One data line of the file, read and checked on its own."""

    line: int
    claim_id: int
    reviewer: str
    label: str
    note: str | None
    """``None`` when the file has no ``note`` column."""
    evidence: list[str] | None
    claim_text: str | None

    @property
    def key(self) -> tuple[int, str]:
        return self.claim_id, self.reviewer.lower()

    @property
    def content(self) -> tuple[str, str | None, list[str] | None]:
        return self.label, self.note, self.evidence


class Problems:
    """Collects problems, keeping the first :data:`MAX_PROBLEMS_KEPT` and counting the rest."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.total = 0

    def add(self, line: int | None, message: str) -> None:
        self.total += 1
        if len(self.kept) < MAX_PROBLEMS_KEPT:
            self.kept.append(Problem(line, message))

    def raise_if_any(self) -> None:
        if self.total:
            raise VerdictImportError(sorted(self.kept, key=lambda p: p.line or 0), self.total)


def decode_file(data: bytes, *, max_bytes: int = MAX_IMPORT_BYTES) -> str:
    """The file's text: UTF-8 (a BOM is allowed) or BOM-marked UTF-16 (as some spreadsheets save
    CSV), within the size limit, not empty."""
    if len(data) > max_bytes:
        raise VerdictImportError(
            [
                Problem(
                    None,
                    f"The file is {len(data) / 2**20:.1f} MiB; the limit here is {max_bytes / 2**20:.0f} MiB.",
                )
            ]
        )
    try:
        return decode_bytes(data)
    except UndecodableBytes as problem:
        line = problem.line if problem.why is Undecodable.NOT_UTF8 else None
        raise VerdictImportError([Problem(line, _UNDECODABLE[problem.why].format(problem=problem))]) from None


_UNDECODABLE = {
    Undecodable.EMPTY: "The file is empty.",
    Undecodable.BAD_UTF16: "Marked as UTF-16 but not valid UTF-16 ({problem.reason}).",
    Undecodable.BINARY: "The file looks like a spreadsheet or other binary file: save it as CSV (UTF-8) first.",
    Undecodable.UTF16_WITHOUT_BOM: "The file is UTF-16 without a byte-order mark: save it as CSV (UTF-8) first.",
    Undecodable.NOT_UTF8: "the file is not UTF-8 text; save it as CSV with UTF-8 encoding and try again.",
}


def read_rows(text: str, *, formula_guard: bool = True) -> tuple[list[VerdictRow], int, Problems]:
    """Parse and check every data line on its own; returns the distinct rows, repeats and problems.

    ``formula_guard`` undoes the export's spreadsheet guard (:func:`workbench.export_columns.guard_formula`).
    """
    problems = Problems()
    allow_long_csv_cells()  # a long note is refused by the note's own limit, with that message
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # a quote left open is an error, not a note
    records = _records(reader, problems)
    first = next(records, None)
    if first is None:
        raise VerdictImportError([Problem(None, "The file has no header line.")])
    header = first[1]
    columns = _check_header(header)
    rows: dict[tuple[int, str], VerdictRow] = {}
    repeated = 0
    for line, record in records:
        if len(record) != len(header):
            problems.add(
                line,
                f"has {len(record)} fields but the header has {len(header)} (is a quote missing?).",
            )
            continue
        row = _read_row(line, record, columns, formula_guard, problems)
        if row is None:
            continue
        earlier = rows.get(row.key)
        if earlier is None:
            rows[row.key] = row
        elif earlier.content == row.content:
            repeated += 1
        else:
            problems.add(
                line,
                f"conflicts with line {earlier.line}: same claim {row.claim_id} and reviewer "
                f"{row.reviewer!r} with a different verdict, note or evidence.",
            )
    return list(rows.values()), repeated, problems


def _records(reader: Iterator[list[str]], problems: Problems) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on (a quoted field may span lines)."""
    last_line = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "end of data" in str(error):
                problems.add(last_line + 1, "opens a quoted field that never closes (is a quote missing?).")
            else:
                problems.add(last_line + 1, f"cannot be read as CSV ({error}).")
            problems.raise_if_any()
        start, last_line = last_line + 1, reader.line_num
        if record and any(cell.strip() for cell in record):
            yield start, record


def _check_header(header: list[str]) -> dict[str, int]:
    names = [name.strip() for name in header]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    problems: list[Problem] = []
    if repeated:
        problems.append(
            Problem(
                1,
                f"the column{'s' if len(repeated) > 1 else ''} {', '.join(repeated)} "
                f"{'appear' if len(repeated) > 1 else 'appears'} twice.",
            )
        )
    if missing:
        hint = ""
        if len(names) == 1 and ";" in names[0]:
            hint = " The file seems to use ';' between fields: save it as comma-separated CSV."
        problems.append(
            Problem(
                1,
                f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"(a verdict file needs {', '.join(REQUIRED_COLUMNS)}; a long export has them).{hint}",
            )
        )
    if problems:
        raise VerdictImportError(problems)
    return {
        name: names.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if name in names
    }


def _read_row(
    line: int, record: list[str], columns: dict[str, int], formula_guard: bool, problems: Problems
) -> VerdictRow | None:
    def cell(name: str) -> str | None:
        if name not in columns:
            return None
        value = record[columns[name]]
        return unguard_formula(value) if formula_guard else value

    before = problems.total
    raw_claim_id = (cell("claim_id") or "").strip()
    # Ids past the database's 32-bit integer cannot exist (and would make the lookup fail).
    digits = raw_claim_id.isascii() and raw_claim_id.isdigit() and len(raw_claim_id) <= 10
    claim_id = int(raw_claim_id) if digits and int(raw_claim_id) <= MAX_CLAIM_ID else None
    if claim_id is None:
        problems.add(
            line,
            f"claim_id {raw_claim_id!r} is not a claim id (a whole number)."
            if raw_claim_id
            else "claim_id is empty.",
        )
    reviewer = (cell("reviewer") or "").strip()
    if not reviewer:
        problems.add(line, "reviewer is empty.")
    for name in ("reviewer", "claim_text"):
        reason = unstorable_reason(cell(name) or "")
        if reason:
            problems.add(line, f"{name} {reason}.")
    label = (cell("verdict") or "").strip()
    if label not in LABELS:
        problems.add(
            line,
            f"unknown label {label!r}: use one of {', '.join(LABELS)}."
            if label
            else "verdict is empty.",
        )
    note = cell("note")
    evidence_cell = cell("evidence")
    evidence: list[str] | None = None
    try:
        note = validate_note(note) if note is not None else None
        evidence = validate_evidence(evidence_cell) if evidence_cell is not None else None
    except VerdictError as error:
        problems.add(line, str(error))
    claim_text = cell("claim_text")
    if problems.total > before or claim_id is None:
        return None
    return VerdictRow(line, claim_id, reviewer, label, note, evidence, claim_text or None)

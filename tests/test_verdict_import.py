"""Importing a long verdict CSV: round trips, history, idempotence, and bad files refused whole."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from builders import TRICKY_NOTES, Newsroom, add_people, export_text, give, newsroom
from click.testing import CliRunner
from sqlalchemy import delete, func, select, update

from workbench.access import Actor, PermissionDenied
from workbench.cli import main as cli
from workbench.db import Database
from workbench.export import export_to_path
from workbench.export_columns import LONG_COLUMNS
from workbench.export_options import ExportOptions
from workbench.ingest import Document, ingest_documents
from workbench.models import Claim, Reviewer, Verdict, VerdictHistory
from workbench.verdict_file import MAX_PROBLEMS_KEPT, PROBLEMS_SHOWN, VerdictImportError
from workbench.verdict_import import (
    check_verdict_file,
    import_verdicts,
    import_verdicts_file,
    where_texts_differ,
)

HEADER = "claim_id,reviewer,verdict,note\r\n"


def verdict_set(database: Database) -> set[tuple[int, str, str, str, tuple[str, ...]]]:
    with database.session() as session:
        rows = session.execute(
            select(
                Verdict.claim_id, Reviewer.name, Verdict.label, Verdict.note, Verdict.evidence
            ).join(Reviewer, Reviewer.id == Verdict.reviewer_id)
        )
        return {
            (claim, name, label, note, tuple(evidence))
            for claim, name, label, note, evidence in rows
        }


def counts(database: Database) -> tuple[int, int, int]:
    with database.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Verdict, VerdictHistory, Reviewer)
        )


def history(database: Database) -> list[tuple[str, int | None, str | None, str | None]]:
    with database.session() as session:
        rows = session.execute(
            select(
                VerdictHistory.action,
                VerdictHistory.actor_id,
                VerdictHistory.old_label,
                VerdictHistory.new_label,
            ).order_by(VerdictHistory.id)
        )
        return [tuple(row) for row in rows]


def forget_verdicts(database: Database) -> None:
    with database.transaction() as session:
        session.execute(delete(VerdictHistory))
        session.execute(delete(Verdict))


def reviewed_room(database: Database) -> Newsroom:
    room = newsroom(database)
    notes = iter(TRICKY_NOTES)
    for claims in room.claims.values():
        for claim in claims:
            give(
                database,
                room.reviewers["alice"],
                claim,
                "supported",
                next(notes),
                ["https://a.example/1", "https://b.example/x|y"],
            )
            give(database, room.reviewers["bob"], claim, "disputed", next(notes))
    give(database, room.reviewers["carol"], room.claims["bridge"][0], "editorial_framing")
    return room


# --- round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("guard", [True, False])
def test_export_then_import_into_an_emptied_database_gives_the_same_verdicts(
    db: Database, guard: bool
) -> None:
    reviewed_room(db)
    before = verdict_set(db)
    exported = export_text(db, formula_guard=guard).encode("utf-8")
    forget_verdicts(db)
    report = import_verdicts(db, exported, actor=Actor.operator(), formula_guard=guard)
    assert verdict_set(db) == before
    assert (report.rows, report.created, report.updated, report.unchanged) == (15, 15, 0, 0)
    assert {action for action, *_ in history(db)} == {"import"}
    assert all(actor is None for _, actor, *_ in history(db))
    assert len(history(db)) == 15


def test_reviewers_imported_into_a_workbench_without_accounts_stay_reviewers(db: Database) -> None:
    reviewed_room(db)
    exported = export_text(db).encode("utf-8")
    forget_verdicts(db)
    with db.transaction() as session:
        session.execute(delete(Reviewer))
    report = import_verdicts(db, exported, actor=Actor.operator(), create_reviewers=True)
    assert report.created == 15
    with db.session() as session:
        assert {r.role for r in session.scalars(select(Reviewer))} == {"reviewer"}


def test_a_file_saved_as_utf_16_by_a_spreadsheet_imports_like_its_utf_8_copy(db: Database) -> None:
    reviewed_room(db)
    exported = export_text(db)
    report = import_verdicts(db, exported.encode("utf-16"), actor=Actor.operator())
    assert (report.rows, report.unchanged) == (15, 15)


def test_reimporting_the_same_file_changes_nothing(db: Database) -> None:
    reviewed_room(db)
    exported = export_text(db).encode("utf-8")
    before_counts, before = counts(db), verdict_set(db)
    for _ in range(2):
        report = import_verdicts(db, exported, actor=Actor.operator())
        assert (report.created, report.updated, report.unchanged) == (0, 0, 15)
        assert counts(db) == before_counts and verdict_set(db) == before


def test_import_into_a_separate_copy_of_the_database(sqlite_db: Database, tmp_path: Path) -> None:
    texts = [
        "The dam holds 3 billion litres. It was built in 1961.",
        "Prices rose 2 percent. Wages did not.",
    ]
    ingest_documents(
        sqlite_db, [Document(source=f"a{i}", text=text) for i, text in enumerate(texts)]
    )
    add_people(sqlite_db, "alice", "bob")
    copy_path = tmp_path / "copy.db"
    sqlite_db.dispose()  # closing the last connection checkpoints the WAL into the file
    shutil.copyfile(Path(sqlite_db.engine.url.database), copy_path)
    with sqlite_db.session() as session:
        people = {r.name: Actor.of(r) for r in session.scalars(select(Reviewer))}
        claims = list(
            session.scalars(select(Claim.id).where(Claim.kind == "claim").order_by(Claim.id))
        )
    for index, claim in enumerate(claims):
        give(
            sqlite_db,
            people["alice"],
            claim,
            ("supported", "disputed", "editorial_framing")[index % 3],
            f"=note {index}\nline",
        )
        give(
            sqlite_db, people["bob"], claim, "disputed", f"'{index}", [f"https://e.example/{index}"]
        )
    exported = export_to_path(sqlite_db, ExportOptions(), tmp_path / "long.csv").path
    copy = Database(f"sqlite:///{copy_path}")
    try:
        assert verdict_set(copy) == set()
        report = import_verdicts_file(copy, exported, actor=Actor.operator())
        assert report.created == 2 * len(claims) > 0
        assert verdict_set(copy) == verdict_set(sqlite_db)
    finally:
        copy.dispose()


def test_claim_texts_that_look_like_formulas_survive_the_guard(db: Database) -> None:
    text = "=Taxes rose by 5 percent last year. -3 degrees was the low on Monday. @Mayor spoke."
    ingest_documents(db, [Document(source="formulas", text=text, title="+Formulas")])
    _, people = add_people(db, "alice")
    with db.session() as session:
        claims = session.execute(select(Claim.id, Claim.text).where(Claim.kind == "claim")).all()
    assert sorted(claim_text[0] for _, claim_text in claims) == ["-", "=", "@"]
    for claim_id, _ in claims:
        give(db, people["alice"], claim_id, "disputed", "+1")
    exported = export_text(db).encode("utf-8")
    cells = [
        row["claim_text"] for row in csv.DictReader(io.StringIO(exported.decode(), newline=""))
    ]
    assert all(cell.startswith("'") for cell in cells)
    before = verdict_set(db)
    forget_verdicts(db)
    assert import_verdicts(db, exported, actor=Actor.operator()).created == 3
    assert verdict_set(db) == before


def test_import_with_new_reviewers(db: Database) -> None:
    reviewed_room(db)
    exported = export_text(db).encode("utf-8")
    forget_verdicts(db)
    with db.transaction() as session:
        session.execute(delete(Reviewer).where(Reviewer.name.in_(["bob", "carol"])))
    with pytest.raises(VerdictImportError) as refused:
        import_verdicts(db, exported, actor=Actor.operator())
    problems = refused.value.problems
    assert [re.split(r" \(|:", problem.message)[0] for problem in problems] == [
        "unknown reviewer 'bob'",
        "unknown reviewer 'carol'",
    ]
    bob_lines = [
        int(n)
        for n in re.search(r"\(lines ([\d, ]+) and 2 more\)", problems[0].message)
        .group(1)
        .split(", ")
    ]
    assert len(bob_lines) == 5 and bob_lines[0] == problems[0].line
    physical_lines = re.split(r"\r\n|\r|\n", exported.decode("utf-8"))
    for line in bob_lines:  # each named line is where one of bob's rows starts (notes span lines)
        assert (
            re.match(r"^\d+,", physical_lines[line - 1])
            and ",bob,disputed," in physical_lines[line - 1]
        )
    assert counts(db)[0] == 0
    report = import_verdicts(db, exported, actor=Actor.operator(), create_reviewers=True)
    assert report.reviewers_created == ["bob", "carol"]
    assert report.created == 15
    with db.session() as session:
        created = session.scalars(select(Reviewer).where(Reviewer.name.in_(["bob", "carol"]))).all()
        assert {(r.role, r.password_hash) for r in created} == {("reviewer", None)}


def test_changed_rows_update_with_history(db: Database) -> None:
    room = newsroom(db)
    claim = room.claims["budget"][0]
    give(db, room.reviewers["alice"], claim, "supported", "first thoughts")
    rows = list(csv.DictReader(io.StringIO(export_text(db), newline="")))
    rows[0]["verdict"], rows[0]["note"] = "disputed", "'=second thoughts"
    rows.append(
        {
            **rows[0],
            "reviewer": "bob",
            "verdict": "editorial_framing",
            "note": "",
            "evidence": "https://x.example",
        }
    )
    report = import_verdicts(db, to_csv(rows), actor=room.lead)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert verdict_set(db) == {
        (claim, "alice", "disputed", "=second thoughts", ()),
        (claim, "bob", "editorial_framing", "", ("https://x.example",)),
    }
    assert history(db)[-2:] == [
        ("import", room.lead.id, "supported", "disputed"),
        ("import", room.lead.id, None, "editorial_framing"),
    ]


def test_files_without_note_or_evidence_keep_what_is_stored(db: Database) -> None:
    room = newsroom(db)
    a, b, _ = room.claims["bridge"]
    give(db, room.reviewers["alice"], a, "supported", "keep me", ["https://keep.example"])
    data = f"claim_id,reviewer,verdict\n{a},Alice,disputed\n{b},alice,supported\n".encode()
    report = import_verdicts(db, data, actor=Actor.operator())
    assert (report.created, report.updated) == (1, 1)
    assert verdict_set(db) == {
        (a, "alice", "disputed", "keep me", ("https://keep.example",)),
        (b, "alice", "supported", "", ()),
    }


def test_repeated_identical_rows_count_once(db: Database) -> None:
    room = newsroom(db)
    a = room.claims["match"][0]
    data = f"{HEADER}{a},alice,supported,same\r\n{a},ALICE,supported,same\r\n".encode()
    report = import_verdicts(db, data, actor=Actor.operator())
    assert (report.rows, report.created, report.repeated_rows) == (2, 1, 1)
    assert "1 repeated row skipped" in report.summary()


def test_a_bom_and_blank_lines_are_fine(db: Database) -> None:
    room = newsroom(db)
    a = room.claims["match"][0]
    data = f"\ufeff{HEADER}\r\n{a},alice,supported,ok\r\n\r\n".encode()
    assert import_verdicts(db, data, actor=Actor.operator()).created == 1


def test_dry_run_reports_without_writing(db: Database) -> None:
    reviewed_room(db)
    exported = export_text(db).encode("utf-8")
    forget_verdicts(db)
    report = import_verdicts(db, exported, actor=Actor.operator(), dry_run=True)
    assert (report.created, report.dry_run) == (15, True)
    assert "would be created" in report.summary()
    assert counts(db)[:2] == (0, 0)
    with db.session() as session:
        assert check_verdict_file(session, exported).created == 15


def test_only_a_lead_may_import_from_the_app(db: Database) -> None:
    room = newsroom(db)
    data = f"{HEADER}{room.claims['match'][0]},alice,supported,x\r\n".encode()
    with pytest.raises(PermissionDenied):
        import_verdicts(db, data, actor=room.reviewers["alice"])
    with db.transaction() as session:  # demoted while still signed in as a lead
        session.execute(update(Reviewer).where(Reviewer.id == room.lead.id).values(role="reviewer"))
    with pytest.raises(PermissionDenied, match="active lead"):
        import_verdicts(db, data, actor=room.lead)
    assert counts(db)[0] == 0


def to_csv(rows: list[dict[str, str]]) -> bytes:
    stream = io.StringIO(newline="")
    writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8")


# --- bad files ---------------------------------------------------------------------------------------


def bad_file_cases(room: Newsroom, heading_id: int) -> dict[str, tuple[str, list[str]]]:
    a, b, c = room.claims["bridge"]
    return {
        "unknown claim": (
            f"{HEADER}{a},alice,supported,\r\n999999,alice,supported,\r\n",
            ["line 3: unknown claim id 999999."],
        ),
        "claim id not a number": (
            f"{HEADER}abc,alice,supported,\r\n,bob,disputed,\r\n",
            ["line 2: claim_id 'abc' is not", "line 3: claim_id is empty"],
        ),
        "unknown reviewer": (
            f"{HEADER}{a},zed,supported,\r\n{b},zed,supported,\r\n",
            ["line 2: unknown reviewer 'zed' (lines 2, 3)"],
        ),
        "unknown reviewer on one line": (
            f"{HEADER}{a},dave,supported,\r\n",
            ["line 2: unknown reviewer 'dave': add the account first"],
        ),
        "unknown label": (
            f"{HEADER}{a},alice,True,\r\n{b},alice,,\r\n",
            ["line 2: unknown label 'True'", "line 3: verdict is empty"],
        ),
        "conflict": (
            f'{HEADER}{a},alice,supported,"two\r\nlines"\r\n{b},bob,disputed,\r\n{a},Alice,disputed,\r\n',
            ["line 5: conflicts with line 2"],
        ),
        "not a claim": (
            f"{HEADER}{heading_id},alice,supported,\r\n",
            [f"line 2: claim {heading_id} is a heading unit"],
        ),
        "field count": (
            f'{HEADER}{a},alice,supported,"a, b",extra\r\n{b},bob\r\n',
            ["line 2: has 5 fields", "line 3: has 2 fields"],
        ),
        "evidence": (
            f"claim_id,reviewer,verdict,evidence\r\n{a},alice,supported,ftp://x.example\r\n",
            ["line 2: Evidence must be an http"],
        ),
        "text changed": (
            f"claim_id,reviewer,verdict,claim_text\r\n{a},alice,supported,The bridge opened in 1933.\r\n",
            ["line 2: the text of claim", "was edited since the export"],
        ),
        "missing columns": (
            "claim,reviewer,label\r\n1,alice,supported\r\n",
            ["line 1: missing required columns claim_id, verdict"],
        ),
        "semicolons": (
            "claim_id;reviewer;verdict\r\n1;alice;supported\r\n",
            ["';' between fields"],
        ),
        "repeated column": ("claim_id,reviewer,verdict,verdict\r\n", ["the column verdict appears twice"]),
        "quote left open": (
            f'{HEADER}{a},alice,supported,"This note was cut off in the middle of a\r\n{b},bob,supported,second row\r\n',
            ["line 2: opens a quoted field that never closes"],
        ),
        "text after a closing quote": (
            f'{HEADER}{a},alice,supported,"a note" and more\r\n',
            ["line 2: cannot be read as CSV"],
        ),
        "empty": ("  \r\n", ["The file is empty."]),
    }


@pytest.mark.parametrize(
    "case",
    [
        "unknown claim",
        "claim id not a number",
        "unknown reviewer",
        "unknown reviewer on one line",
        "unknown label",
        "conflict",
        "not a claim",
        "field count",
        "evidence",
        "text changed",
        "missing columns",
        "semicolons",
        "repeated column",
        "quote left open",
        "text after a closing quote",
        "empty",
    ],
)
def test_bad_files_are_refused_whole_with_line_numbers(db: Database, case: str) -> None:
    room = newsroom(db)
    heading = room.claims["budget"][1]
    with db.transaction() as session:
        session.execute(update(Claim).where(Claim.id == heading).values(kind="heading"))
    give(db, room.reviewers["alice"], room.claims["match"][0], "supported", "untouched")
    text, expected = bad_file_cases(room, heading)[case]
    valid_row = f"{room.claims['match'][1]},bob,disputed,\r\n"
    data = (text + valid_row if text.startswith(HEADER) else text).encode("utf-8")
    before, stored = counts(db), verdict_set(db)
    with pytest.raises(VerdictImportError) as refused:
        import_verdicts(db, data, actor=Actor.operator())
    message = str(refused.value)
    assert message.startswith("Nothing was imported")
    for fragment in expected:
        assert fragment in message, message
    assert counts(db) == before and verdict_set(db) == stored


def test_reviewers_that_cannot_be_created_are_reported(db: Database) -> None:
    room = newsroom(db)
    data = f"{HEADER}{room.claims['bridge'][2]},-dash,supported,\r\n".encode()
    with pytest.raises(
        VerdictImportError, match="line 2: cannot create reviewer '-dash': "
    ):
        import_verdicts(db, data, actor=Actor.operator(), create_reviewers=True)
    assert counts(db)[0] == 0


def test_every_problem_is_listed_not_just_the_first(db: Database) -> None:
    room = newsroom(db)
    a = room.claims["bridge"][0]
    data = f"{HEADER}{a},alice,maybe,\r\n999,alice,supported,\r\n{a},nobody,supported,\r\n{a},bob,supported,ok\r\n".encode()
    with pytest.raises(VerdictImportError) as refused:
        import_verdicts(db, data, actor=Actor.operator(), create_reviewers=False)
    assert [problem.line for problem in refused.value.problems] == [2, 3, 4]
    assert refused.value.total == 3
    assert counts(db)[0] == 0


def test_long_problem_lists_are_capped(db: Database) -> None:
    newsroom(db)
    rows = "".join(f"{900_000 + i},alice,supported,\r\n" for i in range(MAX_PROBLEMS_KEPT + 500))
    with pytest.raises(VerdictImportError) as refused:
        import_verdicts(db, (HEADER + rows).encode(), actor=Actor.operator())
    error = refused.value
    assert error.total == MAX_PROBLEMS_KEPT + 500 and len(error.problems) == MAX_PROBLEMS_KEPT
    assert str(error).count("unknown claim id") == PROBLEMS_SHOWN
    assert f"and {MAX_PROBLEMS_KEPT + 500 - PROBLEMS_SHOWN:,} more" in str(error)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"claim_id,reviewer,verdict\r\n1,alice,supported\r\n2,b\xe9b,supported\r\n",
            "line 3: the file is not UTF-8",
        ),
        (
            b"PK\x03\x04\x14\x00\x06\x00" + b"x" * 2000,
            "looks like a spreadsheet or other binary file",
        ),
    ],
)
def test_undecodable_files(db: Database, data: bytes, message: str) -> None:
    newsroom(db)
    with pytest.raises(VerdictImportError, match=message):
        import_verdicts(db, data, actor=Actor.operator())


def test_size_limit(db: Database, tmp_path: Path) -> None:
    newsroom(db)
    data = HEADER.encode() * 100
    with pytest.raises(VerdictImportError, match="the limit here is 0 MiB"):
        import_verdicts(db, data, actor=Actor.operator(), max_bytes=1000)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    with pytest.raises(VerdictImportError, match="big.csv is 0.0 MiB; the limit is 0 MiB"):
        import_verdicts_file(db, path, actor=Actor.operator(), max_bytes=1000)


# --- command line ------------------------------------------------------------------------------------


def invoke(database: Database, *args: str):
    url = database.engine.url.render_as_string(hide_password=False)
    return CliRunner().invoke(cli, ["--database", url, "import-verdicts", *args])


def test_cli_import_round_trip(db: Database, tmp_path: Path) -> None:
    reviewed_room(db)
    before = verdict_set(db)
    path = export_to_path(db, ExportOptions(), tmp_path / "long.csv").path
    forget_verdicts(db)
    dry = invoke(db, str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "15 verdicts would be created" in dry.stdout and counts(db)[0] == 0
    result = invoke(db, str(path))
    assert result.exit_code == 0, result.output
    assert "15 verdicts were created, 0 updated, 0 already up to date" in result.stdout
    assert verdict_set(db) == before
    again = invoke(db, str(path))
    assert "0 verdicts were created, 0 updated, 15 already up to date" in again.stdout


def test_cli_import_unguarded_file(db: Database, tmp_path: Path) -> None:
    room = newsroom(db)
    give(db, room.reviewers["alice"], room.claims["bridge"][0], "supported", "'=quoted formula")
    before = verdict_set(db)
    path = export_to_path(db, ExportOptions(formula_guard=False), tmp_path / "raw.csv").path
    forget_verdicts(db)
    assert invoke(db, str(path), "--no-formula-guard").exit_code == 0
    assert verdict_set(db) == before


def test_cli_import_refusal_lists_lines_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    room = newsroom(db)
    path = tmp_path / "bad.csv"
    path.write_text(
        f"{HEADER}{room.claims['bridge'][0]},alice,supported,\r\n1234567,alice,nope,\r\n",
        encoding="utf-8",
    )
    result = invoke(db, str(path))
    assert result.exit_code == 1
    assert "line 3: unknown label 'nope'" in result.stderr
    assert "Traceback" not in result.output
    assert counts(db)[0] == 0
    missing = invoke(db, str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_export_columns_are_what_import_reads() -> None:
    assert {"claim_id", "reviewer", "verdict", "note", "evidence", "claim_text"} <= set(
        LONG_COLUMNS
    )


@pytest.mark.parametrize(
    ("file_text", "stored_text", "shown"),
    [
        (
            "The bridge opened in 1932 and carries forty thousand cars on every day of the week.",
            "The bridge opened in 1932 and carries forty thousand cars on every day of the week!",
            "from character 83: file '…very day of the week.', now '…very day of the week!'",
        ),
        ("Tax rose.", "Taxes rose.", "from character 4: file 'Tax rose.', now 'Taxes rose.'"),
        ("A" * 100, "B" + "A" * 99, "from character 1: file '" + "A" * 21 + "…', now 'B" + "A" * 20 + "…'"),
        ("x" * 200 + "A" * 100, "x" * 200 + "B" * 100, "from character 201: file '…" + "x" * 20 + "A" * 40 + "…', now '…" + "x" * 20 + "B" * 40 + "…'"),
    ],
)
def test_an_edited_claim_text_is_shown_where_it_differs(file_text: str, stored_text: str, shown: str) -> None:
    assert where_texts_differ(file_text, stored_text) == shown


def test_the_refusal_of_an_edited_claim_shows_the_change_at_its_end(db: Database) -> None:
    room = newsroom(db)
    claim = room.claims["bridge"][1]
    with db.session() as session:
        text = session.get(Claim, claim).text
    data = to_csv([{"claim_id": str(claim), "reviewer": "alice", "verdict": "supported", "claim_text": text[:-1] + "!"}])
    with pytest.raises(VerdictImportError, match=r"file '…es 40,000 cars a day!', now '…es 40,000 cars a day\.'"):
        import_verdicts(db, data, actor=Actor.operator())


def test_a_note_longer_than_python_s_csv_cell_limit_is_refused_for_its_length() -> None:
    """Python's CSV reader stops at 131,072 characters a cell with a message about itself; the note's
    own limit is the one a reviewer can act on, in a fresh process as after reading articles."""
    from workbench.verdict_file import read_rows

    before = csv.field_size_limit(131_072)  # as a fresh process has it
    try:
        _rows, _repeats, problems = read_rows("claim_id,reviewer,verdict,note\n1,alice,supported," + "x" * 200_000 + "\n")
    finally:
        csv.field_size_limit(max(before, csv.field_size_limit()))
    assert [(problem.line, problem.message) for problem in problems.kept] == [
        (2, "A note may have at most 10,000 characters.")
    ]

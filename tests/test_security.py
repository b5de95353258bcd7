"""Security in the core: nobody writes under another id, passwords, secrets, untrusted input.

Who may call what (every function that takes an actor) is tested in ``test_access.py``.
"""

from __future__ import annotations

import csv
import inspect
import io
import json
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import argon2
import pytest
from click.testing import CliRunner
from sqlalchemy import select, text, update
from builders import World, build_world, database_rows

from workbench import auth
from workbench.access import Actor, PermissionDenied
from workbench.adjudication import record_final_verdict
from workbench.assignment import set_active
from workbench.auth import AuthError, SignInThrottled, create_reviewer, lockout_for, set_password, sign_in
from workbench.cli import main as cli
from workbench.db import Database
from workbench.export import write_export
from workbench.export_options import ExportOptions
from workbench.ingest import MAX_FILE_BYTES, InputError, ingest_documents, read_upload
from workbench.models import Reviewer, SignInThrottle, Verdict, VerdictHistory, utcnow
from workbench.review import submit_verdict
from workbench.verdicts import VerdictError, delete_verdict, save_verdict, validate_evidence

PASSWORD = "a long enough secret"


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def test_save_verdict_has_no_way_to_name_another_reviewer() -> None:
    assert not {"reviewer_id", "reviewer"} & set(inspect.signature(save_verdict).parameters)


def test_a_verdict_is_written_under_the_actor_and_nobody_else(db: Database, world: World) -> None:
    claim = world.claims[5]
    with db.transaction() as session:
        save_verdict(session, world.reviewer, claim, "disputed", "mine")
    with db.session() as session:
        (verdict,) = session.scalars(select(Verdict).where(Verdict.claim_id == claim))
        (history,) = session.scalars(select(VerdictHistory).where(VerdictHistory.claim_id == claim))
    assert verdict.reviewer_id == world.reviewer.id
    assert (history.reviewer_id, history.actor_id) == (world.reviewer.id, world.reviewer.id)


@pytest.mark.parametrize("who", ["reviewer", "lead"])
def test_nobody_withdraws_another_reviewers_verdict(db: Database, world: World, who: str) -> None:
    before = database_rows(db)
    with pytest.raises(PermissionDenied), db.transaction() as session:
        delete_verdict(session, getattr(world, who), world.claims[0], reviewer_id=world.other.id)
    assert database_rows(db) == before


@pytest.mark.parametrize(
    "forged",
    [
        lambda w: Actor(w.other.id, w.reviewer.name, "reviewer"),  # someone else's id
        lambda w: Actor(w.reviewer.id, w.reviewer.name, "lead"),  # a role the account does not have
        lambda w: Actor(999_999, "ghost", "reviewer"),  # no such account
    ],
    ids=["other id", "raised role", "unknown id"],
)
def test_the_queue_refuses_an_actor_that_does_not_match_the_account(db: Database, world: World, forged) -> None:
    before = database_rows(db)
    with pytest.raises(PermissionDenied), db.transaction() as session:
        submit_verdict(session, forged(world), world.claims[4], "disputed", "forged")
    assert database_rows(db) == before


def test_a_deactivated_reviewer_cannot_save_from_the_queue(db: Database, world: World) -> None:
    with db.transaction() as session:
        set_active(session, world.reviewer.id, False, actor=world.lead)
    with pytest.raises(PermissionDenied), db.transaction() as session:
        submit_verdict(session, world.reviewer, world.claims[4], "disputed")


# --- passwords and sign-in -------------------------------------------------------------------------


@pytest.mark.usefixtures("production_password_hashing")
def test_passwords_are_stored_as_memory_hard_argon2id_hashes(db: Database) -> None:
    with db.transaction() as session:
        create_reviewer(session, "Hashed", PASSWORD, "lead", actor=Actor.operator())
    with db.session() as session:
        stored = session.scalar(select(Reviewer.password_hash).where(Reviewer.name == "Hashed"))
    assert PASSWORD not in stored
    parameters = argon2.extract_parameters(stored)
    assert parameters.type is argon2.Type.ID
    assert parameters.memory_cost >= 19 * 1024, "at least OWASP's 19 MiB"
    assert parameters.time_cost >= 2
    assert sign_in(db, "hashed", PASSWORD).name == "Hashed"


def test_every_sign_in_attempt_costs_one_hash_check(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unknown names, inactive accounts and wrong passwords all verify a hash, so timing tells nothing."""
    with db.transaction() as session:
        create_reviewer(session, "Lead", PASSWORD, "lead", actor=Actor.operator())
        create_reviewer(session, "Gone", PASSWORD, "reviewer", actor=Actor.operator()).active = False
    checks: list[str] = []
    real_verify = auth._verify
    monkeypatch.setattr(auth, "_verify", lambda stored, given: checks.append(stored) or real_verify(stored, given))
    for name, password in [("nobody", PASSWORD), ("Gone", PASSWORD), ("Lead", "wrong password"), ("Lead", PASSWORD)]:
        checks.clear()
        try:
            sign_in(db, name, password)
        except AuthError as error:
            assert str(error) == auth.SIGN_IN_FAILED
        assert len(checks) == 1, f"{name}: {len(checks)} hash checks"


def test_repeated_failures_slow_sign_in_down_alike_for_real_and_made_up_names(db: Database) -> None:
    with db.transaction() as session:
        create_reviewer(session, "Target", PASSWORD, "lead", actor=Actor.operator())
    delays = [lockout_for(failures).total_seconds() for failures in range(20)]
    assert delays[: auth.FREE_FAILED_LOGINS] == [0] * auth.FREE_FAILED_LOGINS
    growing = delays[auth.FREE_FAILED_LOGINS :]
    assert all(later >= earlier for earlier, later in pairwise(growing))
    assert growing[1] == 2 * growing[0] and growing[-1] == auth.MAX_LOCKOUT.total_seconds()

    for name in ("Target", "Nobody At All"):
        for _ in range(auth.FREE_FAILED_LOGINS):
            with pytest.raises(AuthError, match="wrong password"):
                sign_in(db, name, "guess guess")
    with db.session() as session:
        throttles = {row.key_hash: row for row in session.scalars(select(SignInThrottle))}
    assert [row.failures for row in throttles.values()] == [auth.FREE_FAILED_LOGINS] * 2
    assert all(row.locked_until is not None for row in throttles.values())
    with db.transaction() as session:  # a known wait, however slow the test machine
        session.execute(update(SignInThrottle).values(locked_until=utcnow() + timedelta(seconds=60)))
    with pytest.raises(SignInThrottled) as paused:
        sign_in(db, "Target", PASSWORD)  # even the right password waits out the pause
    with pytest.raises(SignInThrottled) as unknown:
        sign_in(db, "nobody at all", PASSWORD)
    assert str(paused.value).rsplit("Try again", 1)[0] == str(unknown.value).rsplit("Try again", 1)[0]
    assert 50 <= paused.value.retry_after_seconds <= 60 and "Try again in" in str(paused.value)
    with db.transaction() as session:  # the wait is over
        session.execute(update(SignInThrottle).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert sign_in(db, "Target", PASSWORD).name == "Target"
    with db.session() as session:
        assert not auth.throttled_for(session, auth.throttle_keys("Target", None))
        assert session.scalar(select(SignInThrottle.failures).where(
            SignInThrottle.key_hash.in_(auth.throttle_keys("Target", None)))) is None, "success forgets"


def test_many_failures_from_one_address_pause_that_address_only(db: Database) -> None:
    with db.transaction() as session:
        create_reviewer(session, "Target", PASSWORD, "lead", actor=Actor.operator())
    for n in range(auth.FREE_FAILED_LOGINS_PER_ADDRESS):
        with pytest.raises(AuthError, match="wrong password"):
            sign_in(db, f"made up {n}", "guess guess", address="203.0.113.9")
    with pytest.raises(SignInThrottled):
        sign_in(db, "Target", PASSWORD, address="203.0.113.9")
    assert sign_in(db, "Target", PASSWORD, address="198.51.100.7").name == "Target"


def test_no_database_lock_is_held_while_a_password_is_checked(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save by someone else goes through while a sign-in is inside its Argon2 check."""
    with db.transaction() as session:
        create_reviewer(session, "Target", PASSWORD, "lead", actor=Actor.operator())
    real_verify = auth._verify
    writes: list[str] = []

    def verify_while_someone_writes(stored: str, given: str) -> bool:
        with db.transaction() as other:
            if other.get_bind().dialect.name == "postgresql":
                other.execute(text("SET LOCAL lock_timeout = '3s'"))
            else:
                other.connection().exec_driver_sql("PRAGMA busy_timeout = 3000")
            other.execute(update(Reviewer).where(Reviewer.name == "Target").values(role="lead"))
            other.execute(update(SignInThrottle).values(failures=SignInThrottle.failures))
        writes.append(given)
        return real_verify(stored, given)

    monkeypatch.setattr(auth, "_verify", verify_while_someone_writes)
    with pytest.raises(AuthError):
        sign_in(db, "Target", "wrong password")
    assert sign_in(db, "Target", PASSWORD).name == "Target"
    assert writes == ["wrong password", PASSWORD]


# --- secrets stay out of output -----------------------------------------------------------------------


def test_the_command_line_never_echoes_a_password(db: Database) -> None:
    runner = CliRunner()
    added = runner.invoke(cli, ["--database", db.url, "reviewers", "add", "Echo", "--role", "lead", "--password-stdin"],
                          input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    changed = runner.invoke(cli, ["--database", db.url, "reviewers", "set-password", "Echo", "--password-stdin"],
                            input="another secret 42\n")
    assert changed.exit_code == 0, changed.output
    listed = runner.invoke(cli, ["--database", db.url, "reviewers", "list"])
    for output in (added.output, changed.output, listed.output):
        assert PASSWORD not in output and "another secret 42" not in output and "$argon2" not in output


def test_a_database_url_password_is_never_shown_in_errors() -> None:
    result = CliRunner().invoke(cli, ["--database", "postgresql://editor:TopSecret99@127.0.0.1:1/newsroom", "db", "current"])
    assert result.exit_code == 1
    assert "Cannot open the database" in result.output
    assert "TopSecret99" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("fmt", "layout"), [("csv", "long"), ("csv", "wide"), ("jsonl", "long"), ("csv", "final")])
def test_exports_carry_no_password_hashes(db: Database, world: World, fmt: str, layout: str) -> None:
    with db.transaction() as session:
        set_password(session, world.reviewer.id, PASSWORD, actor=Actor.operator())
        record_final_verdict(session, world.lead, world.claims[0], "supported", "Agreed.")
    out = io.StringIO()
    write_export(db, out, ExportOptions(format=fmt, layout=layout))
    assert out.getvalue().strip(), "the export is not empty"
    assert "$argon2" not in out.getvalue() and PASSWORD not in out.getvalue()


# --- untrusted input ----------------------------------------------------------------------------------


BAD_LINKS = [
    "javascript:alert(1)",
    " JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/file",
    "//example.org/no-scheme",
    "http://",
    "https://example.org/\x00null",
    "https://example.org/\x1bescape",
]


@pytest.mark.parametrize("link", BAD_LINKS)
def test_evidence_must_be_a_web_link(link: str) -> None:
    with pytest.raises(VerdictError, match="Evidence"):
        validate_evidence([link])


def test_a_verdict_with_a_bad_link_changes_nothing(db: Database, world: World) -> None:
    before = database_rows(db)
    for link in BAD_LINKS:
        with pytest.raises(VerdictError), db.transaction() as session:
            save_verdict(session, world.reviewer, world.claims[6], "supported", "", ["https://ok.example", link])
    assert database_rows(db) == before


HOSTILE_NAMES = ["../../escape.txt", "../escape.md", "/tmp/wb-absolute-escape.html", "sub/../../../x.csv",
                 "..\\..\\windows.txt", "%2e%2e%2fencoded.txt", "./.hidden/../../dot.jsonl"]


def upload(name: str, number: int) -> bytes:
    """A small valid file of ``name``'s type, different for each ``number``."""
    sentence = f"Upload number {number} says the council approved the road budget. Critics disagreed."
    return {
        ".csv": f"text\n{sentence}\n",
        ".jsonl": json.dumps({"text": sentence}) + "\n",
        ".html": f"<html><body><article><p>{sentence} The debate lasted all of Monday evening and "
                 "ended in a narrow vote.</p></article></body></html>",
    }.get(Path(name).suffix, sentence).encode()


def tree(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def test_uploaded_names_never_become_paths(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    before = tree(tmp_path / "a")
    documents = []
    for number, name in enumerate(HOSTILE_NAMES):
        documents += read_upload(name, upload(name, number))
    report = ingest_documents(db, documents, "uploads")
    assert report.added == len(HOSTILE_NAMES), report.messages
    assert tree(tmp_path / "a") == before, "no file or folder was created from an uploaded name"
    assert not Path("/tmp/wb-absolute-escape.html").exists()


def test_uploads_over_the_size_limit_are_refused() -> None:
    with pytest.raises(InputError, match="larger than"):
        read_upload("huge.txt", b"a" * (MAX_FILE_BYTES + 1))


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1",
            "'=already quoted"]


def test_csv_exports_neutralise_formulas(db: Database, world: World) -> None:
    claims = world.claims[-len(FORMULAS):]
    with db.transaction() as session:
        for claim, note in zip(claims, FORMULAS):
            save_verdict(session, world.reviewer, claim, "disputed", note)
    out = io.StringIO()
    write_export(db, out, ExportOptions(format="csv", layout="long"))
    cells = {record["claim_id"]: record["note"] for record in csv.DictReader(io.StringIO(out.getvalue()))
             if record["reviewer"] == world.reviewer.name}
    for claim, note in zip(claims, FORMULAS):
        assert cells[str(claim)] == "'" + note.strip(), f"{cells[str(claim)]!r} would run as a formula"
    jsonl = io.StringIO()
    write_export(db, jsonl, ExportOptions(format="jsonl", layout="long"))
    notes = {json.loads(line)["note"] for line in jsonl.getvalue().splitlines()}
    assert {note.strip() for note in FORMULAS} <= notes, "JSON Lines are not for spreadsheets: notes are exact"

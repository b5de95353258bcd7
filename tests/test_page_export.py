"""The Export page in Streamlit's AppTest, on SQLite and PostgreSQL: leads only, downloads that
carry the real export, filters, ClaimReview settings, and the import's check-then-write flow."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import Newsroom, decide, export_text, give, newsroom
from sqlalchemy import func, select
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from workbench.db import Database
from workbench.models import Verdict, VerdictHistory

PAGE = Path(__file__).resolve().parent.parent / "workbench" / "app" / "views" / "export.py"


@pytest.fixture
def room(db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Newsroom:
    """The newsroom data; the app reads the same database and writes exports under tmp_path."""
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", db.url)
    monkeypatch.chdir(tmp_path)
    room = newsroom(db)
    give(db, room.reviewers["alice"], room.claims["bridge"][0], "supported", '=1+1 "quoted", 🎉')
    give(db, room.reviewers["bob"], room.claims["bridge"][0], "disputed")
    give(db, room.reviewers["bob"], room.claims["match"][0], "supported")
    decide(db, room.lead, room.claims["bridge"][0], "disputed", "Archive photo shows 1933.")
    return room


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """The deferred download callables the page registers, by their file id."""
    captured: dict[str, Callable[[], bytes]] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data, mimetype, coordinates, file_name=None, **kwargs):
        file_id = original(self, data, mimetype, coordinates, file_name, **kwargs)
        captured[file_id] = data
        data.file_name = file_name
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return captured


def open_page(actor) -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.session_state["actor"] = actor
    app.session_state["last_seen"] = time.time()
    return app.run()


def download(app: AppTest, downloads: dict, key: str) -> bytes:
    button = app.get("download_button")
    (match,) = [b for b in button if b.proto.id.endswith(key) or key in b.proto.id]
    return downloads[match.proto.deferred_file_id]()


def captions(app: AppTest) -> list[str]:
    return [caption.value for caption in app.caption]


def test_reviewers_are_turned_away(room: Newsroom) -> None:
    app = open_page(room.reviewers["alice"])
    assert not app.exception
    assert [error.value for error in app.error] == ["Only a lead can export or import verdicts."]
    assert not app.get("download_button") and not app.get("file_uploader")


def test_lead_downloads_every_layout_with_counts(
    room: Newsroom, db: Database, downloads: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime

    class Later(datetime):  # a click long after the page was drawn
        @classmethod
        def now(cls, tz=None):
            return datetime(2030, 1, 1, tzinfo=tz)

    monkeypatch.setattr("workbench.export.datetime", Later)
    app = open_page(room.lead)
    assert not app.exception
    assert len(app.get("download_button")) == 4
    assert {"3 rows", "7 claims", "1 row", "1 review"} <= set(captions(app))
    long_csv = download(app, downloads, "download_csv_long").decode("utf-8")
    assert long_csv == export_text(db)
    wide = list(
        csv.DictReader(
            io.StringIO(download(app, downloads, "download_csv_wide").decode(), newline="")
        )
    )
    assert len(wide) == 7 and wide[0]["final_verdict"] == "disputed"
    final = list(
        csv.DictReader(
            io.StringIO(download(app, downloads, "download_csv_final").decode(), newline="")
        )
    )
    assert [row["rationale"] for row in final] == ["Archive photo shows 1933."]
    kept = sorted(path.name for path in (tmp_path / "exports").glob("verdicts-*.csv"))
    offered = sorted(downloads[b.proto.deferred_file_id].file_name for b in app.get("download_button")
                     if b.proto.id.endswith(("long", "wide", "final")) and "csv" in b.proto.id)
    assert kept == offered and len(kept) == 3  # the copy on the server is named as the download


def test_exports_too_big_for_a_browser_point_to_the_command_line(
    room: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("workbench.export.BROWSER_DOWNLOAD_MAX_ROWS", 2)
    app = open_page(room.lead)
    disabled = {
        b.proto.id.rsplit("download_", 1)[1]: b.proto.disabled for b in app.get("download_button")
    }
    assert disabled == {
        "csv_long": True,
        "csv_wide": True,
        "csv_final": False,
        "claimreview_final": False,
    }
    hints = [info.value for info in app.info]
    assert any("workbench export --format csv --layout long" in hint for hint in hints)
    assert any("workbench export --format csv --layout wide" in hint for hint in hints)


def test_filters_format_and_guard(room: Newsroom, downloads: dict) -> None:
    app = open_page(room.lead)
    app.multiselect(key="export_reviewers").select("bob").run()
    assert "2 rows" in captions(app)
    app.multiselect(key="export_collections").select("Sport").run()
    assert "1 row" in captions(app) and "2 claims" in captions(app) and "0 rows" in captions(app)
    empty = [
        b.proto.disabled for b in app.get("download_button") if b.proto.id.endswith("csv_final")
    ]
    assert empty == [True]  # nothing adjudicated in Sport: nothing to download
    app.multiselect(key="export_reviewers").unselect("bob")
    app.multiselect(key="export_collections").unselect("Sport").run()
    assert "3 rows" in captions(app)
    app.toggle(key="export_guard").set_value(False).run()
    rows = list(
        csv.DictReader(
            io.StringIO(download(app, downloads, "download_csv_long").decode(), newline="")
        )
    )
    assert rows[0]["note"] == '=1+1 "quoted", 🎉'
    app.radio(key="export_format").set_value("jsonl").run()
    lines = download(app, downloads, "download_jsonl_long").decode().splitlines()
    assert json.loads(lines[0])["note"] == '=1+1 "quoted", 🎉' and len(lines) == 3


def test_claimreview_settings(room: Newsroom, downloads: dict) -> None:
    app = open_page(room.lead)
    app.text_input(key="export_organisation").input("Example Checks")
    app.text_input(key="export_rating_disputed").input("Wrong")
    app.text_input(key="export_review_url").input("https://checks.example/{claim_id}").run()
    (review,) = [
        json.loads(line)
        for line in download(app, downloads, "download_claimreview_final").decode().splitlines()
    ]
    assert review["author"]["name"] == "Example Checks"
    assert review["reviewRating"]["alternateName"] == "Wrong"
    assert review["url"] == f"https://checks.example/{room.claims['bridge'][0]}"
    app.text_input(key="export_review_url").input("https://checks.example/{slug}").run()
    assert any("may only use" in error.value and "slug" in error.value for error in app.error)
    assert not [b for b in app.get("download_button") if "claimreview" in b.proto.id]


def upload(app: AppTest, data: bytes) -> AppTest:
    app.get("file_uploader")[0].set_value(("verdicts.csv", data, "text/csv"))
    return app.run()


def counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Verdict)), session.scalar(
            select(func.count()).select_from(VerdictHistory)
        )


def test_import_checks_then_writes_as_the_lead(room: Newsroom, db: Database) -> None:
    rows = list(csv.DictReader(io.StringIO(export_text(db), newline="")))
    rows[0]["verdict"] = "editorial_framing"
    rows.append({**rows[1], "reviewer": "carol", "verdict": "supported", "note": "offline"})
    stream = io.StringIO(newline="")
    writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    before = counts(db)
    app = upload(open_page(room.lead), stream.getvalue().encode())
    assert not app.exception
    assert any(
        "1 verdict would be created, 1 updated, 2 already up to date" in info.value
        for info in app.info
    )
    assert counts(db) == before  # checking writes nothing
    app.button(key="export_import").click().run()
    assert not app.exception
    assert any("1 verdict was created, 1 updated" in success.value for success in app.success)
    assert counts(db) == (before[0] + 1, before[1] + 2)
    with db.session() as session:
        imported = session.execute(
            select(VerdictHistory.action, VerdictHistory.actor_id)
            .order_by(VerdictHistory.id.desc())
            .limit(2)
        ).all()
    assert set(imported) == {("import", room.lead.id)}
    assert app.get("file_uploader")[0].value is None  # a fresh uploader for the next file


def test_a_bad_file_lists_its_problems_and_imports_nothing(room: Newsroom, db: Database) -> None:
    claim = room.claims["bridge"][1]
    data = f"claim_id,reviewer,verdict,note\r\n{claim},alice,maybe,\r\n999999,alice,supported,\r\n{claim},[x](https://evil.example),supported,\r\n"
    before = counts(db)
    app = upload(open_page(room.lead), data.encode())
    assert not app.exception
    assert any("3 problems" in error.value for error in app.error)
    table = app.dataframe[0].value
    assert list(table["Line"]) == [2, 3, 4]
    assert "unknown label 'maybe'" in table["Problem"][0]
    assert not [button for button in app.button if button.key == "export_import"]
    assert counts(db) == before

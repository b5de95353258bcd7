"""Exports opened by a real spreadsheet: LibreOffice must run no cell as a formula.

Skipped when LibreOffice is not installed (also under CI): ``apt-get install libreoffice-calc-nogui``.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from builders import decide, give, newsroom, require

from workbench.db import Database
from workbench.export import export_to_path
from workbench.export_options import ExportOptions

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(autouse=True)
def libreoffice_installed() -> None:
    require(SOFFICE is not None, "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")


CSV_IMPORT = "CSV:44,34,76,1"
"""Comma-separated, double-quoted, UTF-8 (76), starting at line 1: what a user picks on opening."""
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
HOSTILE_NOTES = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "'=already quoted",
    'multi\nline 🎉, "quoted"',
]


def convert(source: Path, target_format: str, tmp_path: Path) -> Path:
    """Open ``source`` in LibreOffice as a CSV and save it as ``target_format``."""
    out = tmp_path / f"converted-{target_format}"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            f"--infilter={CSV_IMPORT}",
            "--convert-to",
            target_format,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out / f"{source.stem}.{target_format}"


def ods_cells(path: Path) -> list[tuple[str, bool]]:
    """Every cell of a flat ODS file as (text, is_formula), repeated cells expanded."""
    cells = []
    for cell in ElementTree.parse(path).iter(f"{{{TABLE}}}table-cell"):
        text = "\n".join("".join(p.itertext()) for p in cell.iter(f"{{{TEXT}}}p"))
        repeat = int(cell.get(f"{{{TABLE}}}number-columns-repeated", "1"))
        if text or cell.get(f"{{{TABLE}}}formula"):
            cells.extend([(text, cell.get(f"{{{TABLE}}}formula") is not None)] * min(repeat, 1000))
    return cells


def hostile_room(db: Database) -> None:
    room = newsroom(db)
    claims = [claim for claims in room.claims.values() for claim in claims]
    for claim, note in zip(claims, HOSTILE_NOTES, strict=False):
        give(db, room.reviewers["alice"], claim, "disputed", note)
    decide(db, room.lead, claims[0], "disputed", "=1+1 is the rationale")


@pytest.mark.parametrize("layout", ["long", "wide", "final"])
def test_libreoffice_runs_no_cell_of_a_guarded_export(
    sqlite_db: Database, tmp_path: Path, layout: str
) -> None:
    hostile_room(sqlite_db)
    exported = export_to_path(
        sqlite_db, ExportOptions(layout=layout), tmp_path / f"{layout}.csv"
    ).path
    cells = ods_cells(convert(exported, "fods", tmp_path))
    assert cells and not [text for text, formula in cells if formula]
    texts = {text for text, _ in cells}
    written = {
        cell
        for row in csv.reader(io.StringIO(exported.read_text(encoding="utf-8"), newline=""))
        for cell in row
    }
    hostile = [cell for cell in written if cell.startswith("'")]
    assert hostile and set(hostile) <= texts  # shown as the text written, quote included
    if layout == "long":
        assert 'multi\nline 🎉, "quoted"' in texts  # UTF-8, quotes and line breaks survive
        sheet = (
            zipfile.ZipFile(convert(exported, "xlsx", tmp_path))
            .read("xl/worksheets/sheet1.xml")
            .decode()
        )
        assert "<f>" not in sheet and "<f " not in sheet


def test_without_the_guard_libreoffice_would_run_formulas(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """The check above can fail: an unguarded export does turn cells into formulas."""
    hostile_room(sqlite_db)
    exported = export_to_path(
        sqlite_db, ExportOptions(formula_guard=False), tmp_path / "raw.csv"
    ).path
    formulas = [text for text, formula in ods_cells(convert(exported, "fods", tmp_path)) if formula]
    assert formulas

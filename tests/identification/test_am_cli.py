"""`dalil am`: a liaison at the keyboard, and a family association's spreadsheet."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from dalil.cli import app
from dalil.identification.am_fields import FIELDS
from dalil.vault.archive import Archive

runner = CliRunner()


def _run(archive: Archive, *args: str, answers: str | None = None) -> str:
    result = runner.invoke(app, [*args, "--archive", str(archive.root)], input=answers)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def _answers(values: dict[str, str]) -> str:
    return "".join(values.get(spec.key, "") + "\n" for spec in FIELDS)


def test_interactive_report_asks_again_only_what_was_wrong(sqlite_archive: Archive) -> None:
    answers = _answers(
        {
            "name_ar_given": "يوسف",
            "name_latin_given": "Yusuf",
            "sex": "ذكر",
            "arrest_date": "2012-15-01",  # a slip: asked again below
            "contact_phone": "+963 933 000 111",
            "consent_identification": "نعم",
            "consent_court": "لا",
        }
    )
    output = _run(sqlite_archive, "am", "add", answers=answers + "2012-05-01\n")
    assert "not a real date" in output and "تاريخ الاعتقال" in output
    code = output.split("saved report ")[1].split()[0]
    shown = json.loads(_run(sqlite_archive, "am", "show", code, "--json"))
    assert shown["person"]["arrest_date"] == "2012-05-01"
    assert shown["sealed"]["contacts"] == 1
    assert "933" not in json.dumps(shown)


def _sheet(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["الاسم (بالعربية)", "family name (Latin letters)", "sex", "تاريخ الاعتقال",
                  "contact phone", "consent_identification"])  # fmt: skip
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_spreadsheet_with_arabic_headers_imports_every_row(
    sqlite_archive: Archive, tmp_path: Path
) -> None:
    path = _sheet(
        tmp_path / "reports.xlsx",
        [
            ["أحمد", "Darwish", "ذكر", "2012-07", "+963 944 111 222", "نعم"],
            ["ليلى", "Darwish", "أنثى", "٢٠١٣", "", "yes"],
        ],
    )
    result = json.loads(_run(sqlite_archive, "am", "import", str(path), "--json"))
    assert len(result["reports"]) == 2 and len(result["file_sha256"]) == 64
    listed = json.loads(_run(sqlite_archive, "am", "list", "--json"))
    assert {r["report"] for r in listed} >= set(result["reports"])


def test_one_bad_row_imports_nothing_and_names_the_row(
    sqlite_archive: Archive, tmp_path: Path
) -> None:
    path = _sheet(
        tmp_path / "bad.xlsx",
        [
            ["سامر", "Haddad", "male", "2012", "", "yes"],
            ["رامي", "Haddad", "male", "2012-13", "", "perhaps"],
        ],
    )
    before = json.loads(_run(sqlite_archive, "am", "list", "--json"))
    result = runner.invoke(app, ["am", "import", str(path), "--archive", str(sqlite_archive.root)])
    assert result.exit_code != 0
    assert "row 3" in str(result.exception) and "yes or no" in str(result.exception)
    assert json.loads(_run(sqlite_archive, "am", "list", "--json")) == before


@pytest.mark.parametrize("purpose", ["court", "identification"])
def test_withdrawing_consents_from_the_command_line(sqlite_archive: Archive, purpose: str) -> None:
    output = _run(
        sqlite_archive,
        "am",
        "add",
        answers=_answers(
            {"name_latin_given": "Nour", "consent_identification": "yes", "consent_court": "yes"}
        ),
    )
    code = output.split("saved report ")[1].split()[0]
    _run(sqlite_archive, "am", "consent", code, purpose, "--withdraw")
    other = "identification" if purpose == "court" else "court"
    final = _run(sqlite_archive, "am", "consent", code, other, "--withdraw")
    assert "personal data removed" in final
    assert json.loads(_run(sqlite_archive, "am", "show", code, "--json"))["person"] is None

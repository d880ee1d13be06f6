"""End to end on the command line: photos received, faces embedded, a report matched,
two reviewers confirm, a task appears for the family liaison. Real ORL faces (living
volunteers) stand in for both sides; skipped where they are absent."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance
from typer.testing import CliRunner

from dalil.cli import app
from dalil.identification import pm_faces
from dalil.vault.archive import Archive
from tests.identification.test_faces import ORL, needs_orl

runner = CliRunner()
WHY = "face crop and the branch number agree with the report"


def _dalil(archive: Archive, *args: str, operator: str = "liaison") -> str:
    result = runner.invoke(
        app, [*args, "--archive", str(archive.root)], env={"DALIL_OPERATOR": operator}
    )
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def _post_mortem_stand_in(person: int, image: int, folder: Path) -> tuple[str, Path]:
    """An ORL face turned on its side, flat and dark: bytes as a camera might save them."""
    face = Image.open(ORL / f"s{person}" / f"{image}.pgm").rotate(90, expand=True)
    face = ImageEnhance.Contrast(face.resize((face.width * 3, face.height * 3))).enhance(0.6)
    path = folder / f"pm-s{person}-{image}.png"
    face.save(path)
    return hashlib.sha256(path.read_bytes()).hexdigest(), path


@needs_orl
def test_report_matched_reviewed_twice_and_handed_to_a_person(
    sqlite_archive: Archive, tmp_path: Path
) -> None:
    photos = tmp_path / "drive"
    photos.mkdir()
    cases = {f"case-{p}": _post_mortem_stand_in(p, 3, photos) for p in (1, 2, 3)}
    _dalil(sqlite_archive, "ingest", str(photos), "--collection", "test", "--custodian", "t",
           "--no-derive")  # fmt: skip
    for case_id, (sha, _) in cases.items():
        assert pm_faces.embed_case_photos(sqlite_archive, case_id, [sha]) == 1
        assert pm_faces.embed_case_photos(sqlite_archive, case_id, [sha]) == 0  # idempotent
    listing = [
        {"case_id": "case-1", "branch": "215", "sex": "male", "photo_dates": ["2013-01-10"]},
        {"case_id": "case-2", "branch": "215", "sex": "male", "photo_dates": ["2013-01-11"]},
        {"case_id": "case-3", "branch": "215", "sex": "female", "photo_dates": ["2013-01-11"]},
    ]
    cases_file = tmp_path / "cases.json"
    cases_file.write_text(json.dumps(listing))

    answers = {"name_latin_given": "Adnan", "sex": "male", "arrest_date": "2012-11",
               "arresting_branch": "215", "consent_identification": "yes"}  # fmt: skip
    from tests.identification.test_am_cli import _answers

    result = runner.invoke(
        app, ["am", "add", "--archive", str(sqlite_archive.root)], input=_answers(answers)
    )
    code = result.output.split("saved report ")[1].split()[0]
    portrait = ORL / "s1" / "1.pgm"
    assert "face found" in _dalil(sqlite_archive, "am", "portrait", code, str(portrait), "--crop")

    ranked = json.loads(
        _dalil(sqlite_archive, "match", "run", code, "--cases", str(cases_file), "--json")
    )[0]
    assert [c["case"] for c in ranked["candidates"]] == ["case-1", "case-2"]
    assert ranked["excluded"] == [{"case": "case-3", "rules": ["sex_mismatch"]}]
    face = next(lv for lv in ranked["candidates"][0]["levels"] if lv["comparison"] == "face")
    assert face["weight"].startswith("+")

    first = _dalil(sqlite_archive, "match", "review", code, "case-1", "--decision", "likely",
                   "--reason", WHY, operator="reviewer-a")  # fmt: skip
    again = _dalil(sqlite_archive, "match", "review", code, "case-1", "--decision", "likely",
                   "--reason", WHY, operator="reviewer-a")  # fmt: skip
    assert "likely" in first and "likely" in again and "task" not in again
    second = _dalil(sqlite_archive, "match", "review", code, "case-1", "--decision", "likely",
                    "--reason", WHY, operator="reviewer-b")  # fmt: skip
    assert "confirmed" in second and "family liaison" in second
    tasks = json.loads(_dalil(sqlite_archive, "match", "tasks", "--json"))
    assert [(t["report"], t["case_id"]) for t in tasks] == [(code, "case-1")]

    crops = tmp_path / "crops"
    _dalil(sqlite_archive, "match", "crops", "case-1", "--out", str(crops), "--purpose", "review")
    [crop] = crops.iterdir()
    with Image.open(crop) as shown:
        whole = Image.open(cases["case-1"][1])
        assert max(shown.size) <= 200 and shown.size != whole.size


@pytest.mark.parametrize("consent", ["no"])
def test_match_refuses_a_report_without_identification_consent(
    sqlite_archive: Archive, tmp_path: Path, consent: str
) -> None:
    from tests.identification.test_am_cli import _answers

    answers = {"name_latin_given": "Rami", "consent_identification": consent,
               "consent_court": "yes"}  # fmt: skip
    result = runner.invoke(
        app, ["am", "add", "--archive", str(sqlite_archive.root)], input=_answers(answers)
    )
    code = result.output.split("saved report ")[1].split()[0]
    cases_file = tmp_path / "cases.json"
    cases_file.write_text(json.dumps([{"case_id": "case-9"}]))
    refused = runner.invoke(
        app,
        ["match", "run", code, "--cases", str(cases_file), "--archive", str(sqlite_archive.root)],
    )
    assert refused.exit_code != 0 and "consent" in str(refused.exception)

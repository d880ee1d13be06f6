"""The catalogue's cases are identification's post-mortem records: matching needs no file."""

from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from dalil.catalogue import list_cases
from dalil.cli import app
from dalil.identification.am_report import parse_report
from dalil.identification.pm_cases import embed_catalogue_faces, from_catalogue
from dalil.identification.reports import add_report
from dalil.vault.archive import Archive
from tests.catalogue.conftest import FIRST, SECOND, catalogued  # noqa: F401 - a fixture

runner = CliRunner()


def test_every_catalogued_case_becomes_a_pm_case_with_its_numbers(catalogued: Archive) -> None:  # noqa: F811
    with catalogued.read() as conn:
        cases = {c.case_id: c for c in list_cases(conn)}
        pm = {p.case_id: p for p in from_catalogue(conn)}
    assert set(pm) == set(cases) and len(pm) == 2
    assert {p.branch for p in pm.values()} == {FIRST[1], SECOND[1]}
    embed_catalogue_faces(catalogued)
    assert embed_catalogue_faces(catalogued) == 0  # each photo is embedded once, ever


def test_match_run_ranks_the_catalogue_cases_without_a_cases_file(catalogued: Archive) -> None:  # noqa: F811
    values = {"name_latin_given": "Adnan", "sex": "male", "arrest_date": "2012-02",
              "arresting_branch": FIRST[1], "consent_identification": "yes"}  # fmt: skip
    code = add_report(catalogued, parse_report(values, date(2026, 1, 1)))
    result = runner.invoke(app, ["match", "run", code, "--json", "--archive", str(catalogued.root)])
    assert result.exit_code == 0, (result.output, result.exception)
    ranked = json.loads(result.output)[0]
    with catalogued.read() as conn:
        by_branch = {p.branch: p.case_id for p in from_catalogue(conn)}
    assert ranked["candidates"][0]["case"] == by_branch[FIRST[1]]
    branch = next(lv for lv in ranked["candidates"][0]["levels"] if lv["comparison"] == "branch")
    assert branch["weight"].startswith("+")

"""Strata: sparse ones warn instead of crashing; tables read as published; the report."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dalil.cli import app
from dalil.errors import InputError
from dalil.estimation import lcmcr, report, strata
from dalil.estimation.histories import CaptureTable, read_table
from dalil.report_page import Provenance

from .simulate import heterogeneous

QUICK = lcmcr.Settings(burn_in=200, samples=100, thin=2, chains=2)


@pytest.mark.parametrize(
    ("counts", "warning"),
    [
        ({(1, 0, 0): 3, (0, 1, 0): 2}, "sparse stratum"),
        ({(1, 0, 0): 30, (0, 1, 0): 25, (1, 1, 0): 2}, "no one in this stratum is on L3"),
        ({(1, 0, 0): 40, (0, 0, 0, 1)[:3]: 0}, "fewer than two lists"),
        ({(1, 1, 1): 5}, "sparse stratum"),
    ],
)
def test_sparse_stratum_produces_a_warning_not_a_crash(
    counts: dict[tuple[int, ...], int], warning: str
) -> None:
    counts = {p: c for p, c in counts.items() if any(p)}
    table = CaptureTable(("L1", "L2", "L3"), counts)
    result = strata.estimate_stratum({"governorate": "القنيطرة"}, table, settings=QUICK)
    assert any(warning in w for w in result.warnings), result.warnings
    json.dumps(result.to_json())  # every result can be reported


def test_rich_stratum_has_every_method_and_no_sparse_warning() -> None:
    table = heterogeneous(3000, [0.5, 0.4, 0.6], [0.15, 0.1, 0.2], 0.4, seed=3)
    result = strata.estimate_stratum({}, table, settings=QUICK)
    assert [e.method for e in result.estimates] == ["lcmcr", "loglinear", "independence"]
    assert not any("sparse" in w for w in result.warnings)
    for e in result.estimates:
        assert table.observed <= e.low <= e.estimate <= e.high


@pytest.mark.parametrize(("lists", "warned"), [(3, True), (4, False)])
def test_too_few_lists_to_learn_heterogeneity_are_named_in_a_warning(
    lists: int, warned: bool
) -> None:
    high, low = [0.5, 0.4, 0.6, 0.45][:lists], [0.15, 0.1, 0.2, 0.12][:lists]
    table = heterogeneous(3000, high, low, 0.4, seed=5)
    result = strata.estimate_stratum({}, table, methods=("lcmcr",), settings=QUICK)
    assert any("lists the table cannot tell" in w for w in result.warnings) is warned
    assert result.estimates  # a warning, still an estimate


def test_published_table_is_read_with_lists_and_counts(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("A,B,C,count\n1,0,0,120\n0,1,0,80\n1,1,0,30\n0,0,1,50\n1,0,1,10\n")
    table = read_table(path)
    assert table.lists == ("A", "B", "C")
    assert table.observed == 290
    assert table.counts[(1, 1, 0)] == 30


@pytest.mark.parametrize(
    "text",
    ["A,B\n1,0\n", "A,count\n1,5\n", "A,B,count\n1,x,3\n", "A,B,count\n1,2,3\n"],
)
def test_malformed_tables_are_refused_with_a_reason(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError):
        read_table(path)


def test_report_is_one_offline_html_file_with_every_stratum() -> None:
    table = heterogeneous(2000, [0.5, 0.4, 0.6], [0.15, 0.1, 0.2], 0.4, seed=4)
    sparse = CaptureTable(("L1", "L2", "L3"), {(1, 0, 0): 3})
    estimation = strata.estimate(
        [({"governorate": "حمص"}, table), ({"governorate": "<script>"}, sparse)], settings=QUICK
    )
    made = Provenance("dalil test", "2026-12-03T10:00:00Z", "a test", source="two tables")
    page = report.render(estimation, "MSE", made)
    assert "from two tables: not from an archive" in page
    assert "حمص" in page and "<svg" in page and "sparse stratum" in page
    assert "Total over 2 strata" in page and "no estimate for governorate=" in page
    for tag in ("td", "th", "tr", "table", "svg"):  # every element opened is closed
        assert page.count(f"<{tag}>") + page.count(f"<{tag} ") == page.count(f"</{tag}>"), tag
    assert "<script>" not in page  # values are escaped
    assert "http" not in page.replace("http-equiv", "")  # nothing fetched


def test_cli_estimates_a_published_table_as_json(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("A,B,count\n1,0,300\n0,1,200\n1,1,100\n")
    html = tmp_path / "report.html"
    result = CliRunner().invoke(
        app,
        [
            "estimate",
            "--table",
            str(path),
            "--method",
            "independence",
            "--json",
            "--report",
            str(html),
        ],
    )
    assert result.exit_code == 0, result.output
    [stratum] = json.loads(result.stdout)["strata"]
    assert stratum["estimates"][0]["estimate"] == pytest.approx(1200.0)
    page = html.read_text(encoding="utf-8")
    assert page.lower().startswith("<!doctype html>")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert f"from the file table.csv (SHA-256 {digest})" in page  # its provenance

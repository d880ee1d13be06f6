"""The catalogue as a custodian runs it: read, group, list, count, on a generated collection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dalil.synth import SynthOptions, generate_collection
from dalil.synth.truth import read_truth

from ..cli import dalil


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("catalogue") / "collection"
    generate_collection(out, SynthOptions(photos=12, seed=3, scale=0.6, workers=1))
    return out


def test_read_group_list_and_count_a_collection(
    collection: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    archive = tmp_path / "archive"
    monkeypatch.setenv("DALIL_ARCHIVE", str(archive))
    assert dalil(capsys, "init", str(archive))[0] == 0
    drives = sorted(str(p) for p in (collection / "drives").iterdir())
    code, _, _ = dalil(capsys, "ingest", *drives, "--collection", "c", "--custodian", "k", "--json")
    assert code == 0
    code, out, _ = dalil(capsys, "catalogue", "read", "--workers", "1", "--json")
    read = json.loads(out)
    assert code == 0 and read["read"] >= 10 and read["with_numbers"] >= 8
    assert json.loads(dalil(capsys, "catalogue", "read", "--json")[1])["read"] == 0  # resumed
    code, out, _ = dalil(capsys, "catalogue", "group", "--json")
    grouped = json.loads(out)
    assert code == 0 and grouped["cases"] >= 2
    code, out, _ = dalil(capsys, "catalogue", "cases", "--json")
    cases = json.loads(out)
    truth = read_truth(collection / "ground-truth.json")
    reports = {str(c["report"]) for c in truth["cases"]}
    assert code == 0 and any(c["fields"]["report"]["suggestion"] in reports for c in cases)
    photo = cases[0]["photos"][0]
    assert len(photo["sha256"]) == 64 and photo["paths"] and photo["taken"]
    assert set(cases[0]["fields"]["branch"]) == {
        "suggestion",
        "confidence",
        "confident",
        "confirmed",
    }
    code, out, _ = dalil(capsys, "catalogue", "stats", "--csv", str(tmp_path / "csv"),
                      "--html", str(tmp_path / "stats.html"), "--json")  # fmt: skip
    stats = json.loads(out)
    assert code == 0 and stats["cases"] == len(cases)
    assert (tmp_path / "csv" / "by_branch.csv").read_text(encoding="utf-8").startswith("branch,")
    page = (tmp_path / "stats.html").read_text(encoding="utf-8")
    assert "<svg" in page and "://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert dalil(capsys, "verify", "--json")[0] == 0
    code, out, _ = dalil(capsys, "catalogue", "branches", "--init", "--json")
    assert code == 0 and (archive / "catalogue" / "branches.csv").exists()
    assert any(b["number"] == "215" for b in json.loads(out)["branches"])

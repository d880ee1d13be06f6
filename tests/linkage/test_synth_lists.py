"""Synthetic lists: truth recorded, capture heterogeneous and covariate-dependent."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from dalil.linkage import script
from dalil.synth import lists as synth


def test_same_seed_gives_the_same_lists() -> None:
    assert synth.generate(300, 3, seed=4).records == synth.generate(300, 3, seed=4).records
    assert synth.generate(300, 3, seed=4).records != synth.generate(300, 3, seed=5).records


def test_truth_names_every_record_and_the_population_size(tmp_path: Path) -> None:
    data = synth.generate(500, 4, seed=2)
    summary = synth.write(data, tmp_path)
    assert summary["population"] == 500
    with (tmp_path / "truth.csv").open(encoding="utf-8") as handle:
        truth = list(csv.DictReader(handle))
    records = sum(len(rows) for rows in data.records.values())
    assert len(truth) == records == sum(summary["records"].values())
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["population"] == 500


def test_lists_mix_scripts_spellings_and_missing_parts() -> None:
    data = synth.generate(2000, 5, seed=1)
    centre = data.records["centre"]
    assert all(script.is_arabic(r["full_name"]) for r in centre if r.get("full_name"))
    assert any("full_name_latin" in r for r in centre)
    observatory = data.records["observatory"]
    assert not any(script.is_arabic(r.get("full_name", "")) for r in observatory)
    spellings = {r["full_name"].split()[0].lower() for r in observatory if r.get("full_name")}
    assert {"mohammad", "muhammad"} & spellings and len(spellings) > 50
    assert any("father_name" not in r for r in data.records["network"])


def test_capture_depends_on_covariates_so_lists_are_not_independent() -> None:
    data = synth.generate(6000, 3, seed=3)
    urban = [p for p in data.people if p["urban"]]
    rural = [p for p in data.people if not p["urban"]]

    def rate(people: list[dict[str, Any]], name: str) -> float:
        return sum(1 for p in people if name in p["lists"]) / len(people)

    assert rate(urban, "centre") > rate(rural, "centre") + 0.05
    visible = [p for p in data.people if p["visibility"] > 1]
    hidden = [p for p in data.people if p["visibility"] < -1]
    both = sum(1 for p in visible if len(p["lists"]) >= 2) / len(visible)
    assert both > 3 * sum(1 for p in hidden if len(p["lists"]) >= 2) / len(hidden)
    assert sum(1 for p in data.people if not p["lists"]) > 1000  # many never documented


def test_wide_family_pool_is_many_times_the_curated_one_and_keeps_it() -> None:
    wide, weights = synth.family_pool("wide")
    listed, _ = synth.family_pool("listed")
    assert len(wide) > 8 * len(listed) and set(listed) <= set(wide)
    assert len(weights) == len(wide) and weights == sorted(weights)


def test_generated_family_names_meet_their_latin_spellings_under_the_key() -> None:
    from dalil.linkage import names

    wide, _ = synth.family_pool("wide")
    generated = [(a, s) for a, spellings in wide.items() for s in spellings if "أبو" not in a]
    agree = sum(
        names.part_key(a, family=True) == names.part_key(s, family=True) for a, s in generated
    )
    # Latin th for ذ and s for ث are what clerks write, and what the loose key is for.
    assert agree / len(generated) > 0.95


def test_arabic_typing_errors_stay_in_arabic_script() -> None:
    data = synth.generate(3000, 5, seed=3)
    for row in data.records["families"]:
        assert not any("a" <= c <= "z" for c in row.get("full_name", "").lower()), row

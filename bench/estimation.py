"""Benchmark: multiple systems estimation on simulated populations with known size.

Each population has N people (log-uniform 1,000–20,000) and K lists (3–5). Capture is
heterogeneous, in one of two ways, half the populations each:

  classes     2 or 3 latent classes of people with their own capture probability per
              list (the model LCMCR assumes)
  covariates  logistic capture on a binary covariate (urban/rural), a per-list
              covariate effect and a person-level random effect shared by all lists
              (N(0, 0.7) on the logit): heterogeneity LCMCR only approximates

For each population and method: the estimate, the 95% interval, whether it covers
the truth, relative bias and relative interval width, seconds. LCMCR runs with the
defaults of `dalil estimate` (4 chains, 5,000 burn-in, 1,000 × 10 draws).

    .venv/bin/python bench/estimation.py                    # 200 populations, 2 processes
    .venv/bin/python bench/estimation.py --populations 20 --workers 1
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np


def simulate(index: int, seed: int) -> tuple[dict[str, Any], Any]:
    from dalil.estimation.histories import from_memberships

    rng = np.random.default_rng([seed, index])
    n = int(math.exp(rng.uniform(math.log(1000), math.log(20000))))
    k = int(rng.integers(3, 6))
    kind = "classes" if index % 2 == 0 else "covariates"
    if kind == "classes":
        classes = int(rng.integers(2, 4))
        shares = rng.dirichlet(np.full(classes, 2.0))
        # Each class has a typical capture level; each list varies around it.
        level = rng.uniform(0.03, 0.6, size=classes)
        probs = np.clip(level[:, None] * rng.uniform(0.5, 1.5, size=(classes, k)), 0.01, 0.95)
        z = rng.choice(classes, size=n, p=shares)
        p = probs[z]
    else:
        urban = rng.random(n) < 0.5
        intercept = rng.uniform(-2.5, -0.5, size=k)
        effect = rng.normal(0.0, 0.8, size=k)
        u = rng.normal(0.0, 0.7, size=n)
        logit = intercept[None, :] + effect[None, :] * urban[:, None] + u[:, None]
        p = 1.0 / (1.0 + np.exp(-logit))
    caught = rng.random((n, k)) < p
    names = [f"L{j + 1}" for j in range(k)]
    table = from_memberships(names, ([names[j] for j in np.flatnonzero(r)] for r in caught))
    return {"index": index, "kind": kind, "N": n, "K": k, "observed": table.observed}, table


def run(args: tuple[int, int]) -> list[dict[str, Any]]:
    from dalil.estimation import strata

    index, seed = args
    info, table = simulate(index, seed)
    result = strata.estimate_stratum({}, table)
    rows = []
    for e in result.estimates:
        rows.append(
            {
                **info,
                "method": e.method,
                "estimate": e.estimate,
                "low": e.low,
                "high": e.high,
                "covered": e.low <= info["N"] <= e.high,
                "rel_bias": (e.estimate - info["N"]) / info["N"],
                "rel_width": (e.high - e.low) / info["N"],
                "seconds": e.seconds,
                "rhat": e.diagnostics.get("rhat"),
            }
        )
    return rows


def summarise(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for kind in ("all", "classes", "covariates"):
        for method in ("lcmcr", "loglinear", "independence"):
            chosen = [r for r in rows if r["method"] == method and kind in ("all", r["kind"])]
            if not chosen:
                continue
            bias = np.array([r["rel_bias"] for r in chosen])
            out.append(
                {
                    "populations": kind,
                    "method": method,
                    "n": len(chosen),
                    "coverage_95": float(np.mean([r["covered"] for r in chosen])),
                    "mean_rel_bias": float(bias.mean()),
                    "median_rel_bias": float(np.median(bias)),
                    "mean_abs_rel_bias": float(np.abs(bias).mean()),
                    "median_rel_width": float(np.median([r["rel_width"] for r in chosen])),
                    "mean_seconds": float(np.mean([r["seconds"] for r in chosen])),
                    "max_seconds": float(np.max([r["seconds"] for r in chosen])),
                }
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--populations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    start = time.perf_counter()
    jobs = [(i, args.seed) for i in range(args.populations)]
    rows: list[dict[str, Any]] = []
    with mp.get_context("spawn").Pool(args.workers) as pool:
        for done, result in enumerate(pool.imap_unordered(run, jobs), start=1):
            rows.extend(result)
            if done % 20 == 0:
                print(
                    f"{done}/{len(jobs)} populations, {time.perf_counter() - start:.0f} s",
                    file=sys.stderr,
                )
    summary = summarise(rows)
    elapsed = time.perf_counter() - start
    print(f"{args.populations} populations, {args.workers} worker processes, {elapsed:.0f} s")
    print(
        "| populations | method | n | 95% coverage | mean rel. bias | median rel. bias "
        "| mean abs rel. bias | median rel. width | mean s/stratum | max s/stratum |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for s in summary:
        print(
            f"| {s['populations']} | {s['method']} | {s['n']} | {s['coverage_95']:.3f} "
            f"| {s['mean_rel_bias']:+.3f} | {s['median_rel_bias']:+.3f} "
            f"| {s['mean_abs_rel_bias']:.3f} | {s['median_rel_width']:.3f} "
            f"| {s['mean_seconds']:.2f} | {s['max_seconds']:.2f} |"
        )
    if args.json:
        args.json.write_text(
            json.dumps({"summary": summary, "rows": rows}, indent=2, default=float)
        )


if __name__ == "__main__":
    main()

"""From the model's scored pairs and reviewers' decisions to clusters.

Two passes: records are clustered on the strong links (``clusters.cluster``); then
the pairs inside each cluster that the model scored as two people are kept apart and
the records clustered again (``clusters.separated``). Only pairs inside a first-pass
cluster are looked up, so the millions of pairs between strangers never leave pandas.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from dalil.linkage import blocking, clusters
from dalil.linkage.model import Prediction


def links(pairs: pd.DataFrame) -> list[tuple[int, int, float]]:
    """(record, record, match probability) of scored pairs."""
    return list(
        zip(
            pairs["unique_id_l"].astype(int).tolist(),
            pairs["unique_id_r"].astype(int).tolist(),
            pairs["match_probability"].astype(float).tolist(),
            strict=True,
        )
    )


def cluster(
    prediction: Prediction,
    ids: Iterable[int],
    threshold: float,
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
) -> clusters.Clustering:
    """Clusters of ``ids`` from a prediction, reviewers' decisions and the model's doubts."""
    ids, must, cannot = list(ids), list(must), list(cannot)
    strong = links(prediction.pairs)
    first = clusters.cluster(ids, strong, threshold, must, cannot)
    scored = _within(prediction, first.cluster_of)
    compared = blocking.compared(prediction.table) if len(prediction.table) else _never
    apart = clusters.separated(first, scored, compared)
    if not apart:
        return first
    # Only the clusters holding a separated pair can change, with those that a refused
    # link ties to them: cluster their records again.
    of = first.cluster_of
    touched = _reach({of[a] for a, _ in apart}, strong, of, threshold)
    records = [i for i in ids if of[i] in touched]
    inside = [(a, b, p) for a, b, p in strong if of.get(a) in touched and of.get(b) in touched]
    again = clusters.cluster(
        records,
        inside,
        threshold,
        [(a, b) for a, b in must if of.get(a) in touched],
        [(a, b) for a, b in cannot if of.get(a) in touched and of.get(b) in touched],
        apart,
    )
    cluster_of = {**of, **again.cluster_of}
    refused = sum(
        1 for a, b, p in strong if p >= threshold and cluster_of.get(a) != cluster_of.get(b)
    )
    return clusters.Clustering(cluster_of, refused, first.conflicts)


def _reach(
    touched: set[int],
    strong: list[tuple[int, int, float]],
    of: dict[int, int],
    threshold: float,
) -> set[int]:
    """``touched`` with every cluster that a link above the threshold ties to it."""
    crossing = [
        (of[a], of[b])
        for a, b, p in strong
        if p >= threshold and a in of and b in of and of[a] != of[b]
    ]
    grown = True
    while grown:
        grown = False
        for x, y in crossing:
            if (x in touched) != (y in touched):
                touched.update((x, y))
                grown = True
    return touched


def _never(a: int, b: int) -> bool:
    return False


def _within(prediction: Prediction, cluster_of: dict[int, int]) -> dict[tuple[int, int], float]:
    """Probability of every scored pair whose records share a first-pass cluster."""
    columns = ["unique_id_l", "unique_id_r", "match_probability"]
    frames = [f[columns] for f in (prediction.pairs, prediction.weak) if len(f)]
    if not frames:
        return {}
    scored = pd.concat(frames, ignore_index=True)
    of = pd.Series(cluster_of)
    left = scored["unique_id_l"].map(of).to_numpy()
    right = scored["unique_id_r"].map(of).to_numpy()
    inside = scored[np.equal(left, right)]
    low = np.minimum(inside["unique_id_l"], inside["unique_id_r"]).astype(int).tolist()
    high = np.maximum(inside["unique_id_l"], inside["unique_id_r"]).astype(int).tolist()
    return dict(zip(zip(low, high, strict=True), inside["match_probability"].tolist(), strict=True))

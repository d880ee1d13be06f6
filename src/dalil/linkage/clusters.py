"""From scored pairs and reviewers' decisions to clusters: one cluster, one person.

Reviewers' decisions outrank the model. A must-link joins two records whatever their
score; a cannot-link keeps them apart even through a chain (A–C and C–B both above the
threshold would otherwise put A and B together). Links are added strongest first and a
link that would join two records a reviewer separated is refused, so the strongest
evidence wins each conflict. The result depends only on the inputs, never on order of
arrival: re-running with the same pairs and decisions gives the same clusters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Clustering:
    cluster_of: dict[int, int]  # record → cluster id (the smallest record id in it)
    refused_links: int = 0  # model links refused because of a cannot-link
    conflicts: list[tuple[int, int]] = field(default_factory=list)  # must-links refused

    def members(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        for record, cluster in sorted(self.cluster_of.items()):
            groups.setdefault(cluster, []).append(record)
        return groups


class _Forest:
    def __init__(self, ids: Iterable[int], cannot: Iterable[tuple[int, int]]) -> None:
        self.parent = {i: i for i in ids}
        self.apart: dict[int, set[int]] = {}
        for a, b in cannot:
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)
        # For each root: the members that carry a cannot-link, the only ones to check.
        self.guarded: dict[int, set[int]] = {i: {i} for i in self.apart if i in self.parent}

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def allowed(self, ra: int, rb: int) -> bool:
        small, other = sorted((ra, rb), key=lambda r: len(self.guarded.get(r, ())))
        for member in self.guarded.get(small, ()):
            if any(self.find(x) == other for x in self.apart[member] if x in self.parent):
                return False
        return True

    def union(self, ra: int, rb: int) -> None:
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        if gone in self.guarded:
            self.guarded.setdefault(keep, set()).update(self.guarded.pop(gone))


def cluster(
    ids: Iterable[int],
    links: Iterable[tuple[int, int, float]],
    threshold: float,
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
) -> Clustering:
    """Cluster records ``ids`` from scored ``links`` (a, b, probability) and decisions."""
    forest = _Forest(ids, cannot)
    result = Clustering({})
    for a, b in sorted((min(p), max(p)) for p in must):
        if a not in forest.parent or b not in forest.parent:
            continue
        ra, rb = forest.find(a), forest.find(b)
        if ra == rb:
            continue
        if forest.allowed(ra, rb):
            forest.union(ra, rb)
        else:
            result.conflicts.append((a, b))
    strong = sorted(
        ((p, min(a, b), max(a, b)) for a, b, p in links if p >= threshold),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for _, a, b in strong:
        ra, rb = forest.find(a), forest.find(b)
        if ra == rb:
            continue
        if forest.allowed(ra, rb):
            forest.union(ra, rb)
        else:
            result.refused_links += 1
    result.cluster_of = {i: forest.find(i) for i in forest.parent}
    return result

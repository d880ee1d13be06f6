"""Face evidence for every PM case at once: the case-level view of the face index.

Each PM face is indexed with the case it belongs to. A report's portraits are searched
for their ``shortlist`` nearest faces; a case met there gets its best-pair distance.
A case with faces that were not met gets the shortlist's farthest distance as a lower
bound, marked ``beyond_shortlist``: its face weight is then an upper bound, so it can
only rank lower than exact search would rank it, never higher.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from dalil.identification.faces.index import FaceIndex, build_index, nearest_by_owner
from dalil.identification.records import FaceSet, PMCase
from dalil.identification.scoring import FaceEvidence

# Faces retrieved per portrait: at ~4 photos a body, the nearest 200 bodies.
SHORTLIST = 800


class ShortlistEvidence(Mapping[str, FaceEvidence]):
    """Face evidence per case: exact for cases met in the shortlist, a bound for the rest.

    Bounds are made when asked for, so a query costs the search, not one object per
    case in the archive.
    """

    def __init__(self, found: dict[str, FaceEvidence], sizes: dict[str, int], portraits: int):
        self.found = found
        self.sizes = sizes
        self.portraits = portraits
        self.bound = max((e.distance for e in found.values()), default=0.0)

    def __getitem__(self, case_id: str) -> FaceEvidence:
        hit = self.found.get(case_id)
        if hit is not None:
            return hit
        size = self.sizes[case_id]  # KeyError: the case has no faces
        return FaceEvidence(self.bound, self.portraits * size, beyond_shortlist=True)

    def __iter__(self) -> Iterator[str]:
        return iter(self.sizes)

    def __len__(self) -> int:
        return len(self.sizes)


class CaseFaces:
    def __init__(self, cases: Sequence[PMCase], backend: str = "auto") -> None:
        owners: list[str] = []
        blocks = []
        self.sizes: dict[str, int] = {}
        for case in cases:
            if case.faces.vectors is not None and len(case.faces):
                blocks.append(case.faces.vectors)
                owners.extend([case.case_id] * len(case.faces))
                self.sizes[case.case_id] = len(case.faces)
        self.owners = owners
        matrix = np.vstack(blocks) if blocks else np.zeros((0, 128), np.float32)
        self.index: FaceIndex | None = build_index(matrix, backend) if owners else None

    @property
    def backend(self) -> str:
        return self.index.backend if self.index is not None else "none"

    def evidence(self, portraits: FaceSet, shortlist: int = SHORTLIST) -> ShortlistEvidence:
        if self.index is None or portraits.vectors is None or not len(portraits):
            return ShortlistEvidence({}, {}, 0)
        best = nearest_by_owner(self.index, self.owners, portraits.vectors, shortlist)
        found = {
            case: FaceEvidence(distance, len(portraits) * self.sizes[case])
            for case, distance in best.items()
        }
        return ShortlistEvidence(found, self.sizes, len(portraits))

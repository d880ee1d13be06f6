"""Face evidence for every PM case at once: the case-level view of the face index.

Each PM face is indexed with the case it belongs to. A report's portraits are searched
for their ``shortlist`` nearest faces; a case met there gets its best-pair distance.
A case with faces that were not met gets the shortlist's farthest distance as a lower
bound, marked ``beyond_shortlist``: its face weight is then an upper bound, so it can
only rank lower than exact search would rank it, never higher.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dalil.identification.faces.index import FaceIndex, build_index, nearest_by_owner
from dalil.identification.records import FaceSet, PMCase
from dalil.identification.scoring import FaceEvidence

# Faces retrieved per portrait: at ~4 photos a body, the nearest 200 bodies.
SHORTLIST = 800


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

    def evidence(self, portraits: FaceSet, shortlist: int = SHORTLIST) -> dict[str, FaceEvidence]:
        if self.index is None or portraits.vectors is None or not len(portraits):
            return {}
        best = nearest_by_owner(self.index, self.owners, portraits.vectors, shortlist)
        found = {
            case: FaceEvidence(distance, len(portraits) * self.sizes[case])
            for case, distance in best.items()
        }
        if len(best) < len(self.sizes):
            bound = max(best.values(), default=0.0)
            for case, size in self.sizes.items():
                if case not in found:
                    found[case] = FaceEvidence(bound, len(portraits) * size, True)
        return found

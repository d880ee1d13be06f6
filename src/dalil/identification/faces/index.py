"""Nearest faces among many: exact search in numpy, or FAISS for large collections.

An AM report's portraits are compared with every post-mortem face. Up to
``FAISS_FROM`` faces (about 25,000 bodies at four photos each: the Caesar collection
has about 28,700 photos of detainees) exact search in numpy takes milliseconds per
query and needs nothing but numpy. Beyond that, FAISS's flat index keeps the search
exact while using its optimised kernels, and moves to a GPU when FAISS sees one.

Distances are Euclidean, the metric dlib's model was trained for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

FAISS_FROM = 100_000

Matrix = npt.NDArray[np.float32]


class FaceIndex(Protocol):
    backend: str

    def __len__(self) -> int: ...

    def search(self, queries: Matrix, k: int) -> tuple[Matrix, npt.NDArray[np.int64]]:
        """For each query row: the k smallest distances and the row numbers they belong to."""
        ...


class ExactIndex:
    backend = "numpy"

    def __init__(self, vectors: Matrix) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.norms = np.einsum("ij,ij->i", self.vectors, self.vectors)

    def __len__(self) -> int:
        return len(self.vectors)

    def search(self, queries: Matrix, k: int) -> tuple[Matrix, npt.NDArray[np.int64]]:
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        k = min(k, len(self))
        squared = (
            self.norms[None, :]
            - 2 * queries @ self.vectors.T
            + np.einsum("ij,ij->i", queries, queries)[:, None]
        )
        part = np.argpartition(squared, k - 1, axis=1)[:, :k]
        rows = np.take_along_axis(squared, part, axis=1)
        order = np.lexsort((part, rows), axis=1)  # ties broken by row number: deterministic
        ids = np.take_along_axis(part, order, axis=1).astype(np.int64)
        best = np.take_along_axis(rows, order, axis=1)
        return np.sqrt(np.maximum(best, 0)).astype(np.float32), ids


class FaissIndex:
    """FAISS's exact flat index; one OpenMP thread per query by default.

    A single query is a small product: with several threads on a busy 2-core machine
    they wait on each other, and one query took 55 ms at 100k faces instead of 11 ms
    (bench/identification.py). Queries in parallel, one thread each, scale better.
    """

    def __init__(self, vectors: Matrix, use_gpu: bool | None = None, threads: int = 1) -> None:
        import faiss

        faiss.omp_set_num_threads(threads)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        index: Any = faiss.IndexFlatL2(vectors.shape[1])
        self.backend = "faiss-cpu"
        if use_gpu is not False and faiss_gpus() > 0:
            index = faiss.index_cpu_to_all_gpus(index)
            self.backend = "faiss-gpu"
        elif use_gpu:
            raise RuntimeError("a GPU was asked for, but FAISS sees none")
        index.add(vectors)
        self.index = index

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def search(self, queries: Matrix, k: int) -> tuple[Matrix, npt.NDArray[np.int64]]:
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        squared, ids = self.index.search(queries, min(k, len(self)))
        return np.sqrt(np.maximum(squared, 0)).astype(np.float32), ids.astype(np.int64)


def faiss_gpus() -> int:
    try:
        import faiss
    except ImportError:
        return 0
    count = getattr(faiss, "get_num_gpus", lambda: 0)()
    return int(count)


def build_index(vectors: Matrix, backend: str = "auto") -> FaceIndex:
    """``auto``: numpy below FAISS_FROM faces, FAISS (on a GPU if present) from there."""
    if backend == "auto":
        backend = "faiss" if len(vectors) >= FAISS_FROM else "numpy"
    if backend == "numpy":
        return ExactIndex(vectors)
    if backend == "faiss":
        return FaissIndex(vectors)
    raise ValueError(f"unknown face index backend {backend!r}: numpy, faiss or auto")


def nearest_by_owner(
    index: FaceIndex, owners: Sequence[str], queries: Matrix, k: int
) -> dict[str, float]:
    """For the k nearest faces to any query: the smallest distance per owner (case)."""
    distances, ids = index.search(queries, k)
    best: dict[str, float] = {}
    for row_d, row_i in zip(distances, ids, strict=True):
        for distance, face in zip(row_d, row_i, strict=True):
            if face < 0:
                continue
            owner = owners[face]
            if distance < best.get(owner, np.inf):
                best[owner] = float(distance)
    return best

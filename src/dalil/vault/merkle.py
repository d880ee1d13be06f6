"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and proof verification. Pure code.

The custody log is a Merkle tree over its events, hashed exactly as Certificate
Transparency does, so that anyone with a standard verifier (and no trust in dalil) can
check an inclusion or consistency proof:

    leaf   = SHA-256(0x00 || event bytes)
    node   = SHA-256(0x01 || left || right)
    root() = SHA-256("") for the empty tree

A tree of n leaves splits at k, the largest power of two smaller than n; this split, not
the midpoint, is what makes the tree append-only-provable.

Generators raise ProofError for impossible requests. Verifiers never raise: anything
malformed (wrong lengths, out-of-range sizes, extra or missing hashes) is simply "not
proven" and returns False, because a verifier that crashes on hostile input is a verifier
an opponent can switch off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from dalil.errors import ProofError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """Hash one log entry as a leaf."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash two child hashes into their parent."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of a list of leaf hashes."""
    if not leaves:
        return EMPTY_ROOT
    # Fold left to right keeping one pending subtree per set bit of the count; the
    # pending subtrees are perfect and in decreasing size, which is RFC 6962's shape.
    stack: list[tuple[int, bytes]] = []
    for leaf in leaves:
        size, digest = 1, leaf
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, digest = left_size + size, node_hash(left, digest)
        stack.append((size, digest))
    digest = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        digest = node_hash(left, digest)
    return digest


class MerkleTree:
    """Proofs over a fixed list of leaf hashes, remembering every subtree hash it computes.

    One proof costs O(n) hashes from scratch; with the memory of earlier proofs, each
    further proof over the same leaves costs O(log n), which is what exporting one proof
    per item of a large collection needs.
    """

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.leaves = leaves
        self._memo: dict[tuple[int, int], bytes] = {}

    def subtree_root(self, lo: int, hi: int) -> bytes:
        if hi - lo == 1:
            return self.leaves[lo]
        key = (lo, hi)
        cached = self._memo.get(key)
        if cached is None:
            k = split_point(hi - lo)
            cached = node_hash(self.subtree_root(lo, lo + k), self.subtree_root(lo + k, hi))
            self._memo[key] = cached
        return cached

    def root(self, size: int | None = None) -> bytes:
        size = len(self.leaves) if size is None else size
        self._check_size(size)
        return EMPTY_ROOT if size == 0 else self.subtree_root(0, size)

    def _check_size(self, size: int) -> None:
        if size < 0 or size > len(self.leaves):
            raise ProofError(
                f"tree size {size} is outside the log (it has {len(self.leaves)} entries)"
            )

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """The audit path for leaf ``index`` in the tree of the first ``size`` leaves."""
        self._check_size(size)
        if not 0 <= index < size:
            raise ProofError(f"entry {index} is not in a tree of size {size}")
        path: list[bytes] = []
        lo, hi = 0, size
        while hi - lo > 1:
            k = split_point(hi - lo)
            if index < lo + k:
                path.append(self.subtree_root(lo + k, hi))
                hi = lo + k
            else:
                path.append(self.subtree_root(lo, lo + k))
                lo += k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """The proof that the tree of ``old_size`` leaves is a prefix of that of ``new_size``."""
        self._check_size(new_size)
        if not 0 <= old_size <= new_size:
            raise ProofError(f"cannot prove size {old_size} is a prefix of size {new_size}")
        if old_size in (0, new_size):
            return []
        proof: list[bytes] = []
        lo, hi, m, complete = 0, new_size, old_size, True
        while m != hi - lo:
            k = split_point(hi - lo)
            if m <= k:
                proof.append(self.subtree_root(lo + k, hi))
                hi = lo + k
            else:
                proof.append(self.subtree_root(lo, lo + k))
                lo, m, complete = lo + k, m - k, False
        if not complete:
            proof.append(self.subtree_root(lo, hi))
        proof.reverse()
        return proof


def inclusion_proof(leaves: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """The audit path for leaf ``index`` in the tree of the first ``size`` leaves."""
    return MerkleTree(leaves).inclusion_proof(index, size)


def consistency_proof(leaves: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    """The proof that the tree of ``old_size`` leaves is a prefix of that of ``new_size``."""
    return MerkleTree(leaves).consistency_proof(old_size, new_size)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_hash_list(values: object) -> bool:
    return isinstance(values, list | tuple) and all(_is_hash(v) for v in values)


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def root_from_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof implies (RFC 9162 2.1.3.2), or None if malformed."""
    if not (_is_hash(leaf) and _is_size(index) and _is_size(size) and _is_hash_list(proof)):
        return None
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """True only if ``proof`` shows leaf ``index`` is in the tree of ``size`` with that root."""
    computed = root_from_inclusion(leaf, index, size, proof)
    return computed is not None and _is_hash(expected_root) and computed == expected_root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True only if ``proof`` shows the old tree is a prefix of the new one (RFC 9162 2.1.4.2)."""
    if not (_is_size(old_size) and _is_size(new_size) and _is_hash_list(proof)):
        return False
    if not (_is_hash(old_root) and _is_hash(new_root)) or old_size > new_size:
        return False
    if old_size == new_size:
        return len(proof) == 0 and old_root == new_root
    if old_size == 0:
        return len(proof) == 0 and old_root == EMPTY_ROOT
    if len(proof) == 0:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # an exact power of two: the old root is a node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root

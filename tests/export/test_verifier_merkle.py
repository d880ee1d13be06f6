"""The verifier's RFC 6962 proofs accept every proof dalil's Merkle tree makes, and only those."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from dalil.export import verifier
from dalil.vault import merkle


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def test_hashes_are_rfc6962s() -> None:
    assert verifier.leaf_hash(b"event") == merkle.leaf_hash(b"event")
    assert verifier.node_hash(b"a" * 32, b"b" * 32) == merkle.node_hash(b"a" * 32, b"b" * 32)
    assert hashlib.sha256(b"").digest() == verifier.EMPTY_ROOT


def test_every_inclusion_proof_of_small_trees_verifies_and_no_other_index() -> None:
    for size in range(1, 34):
        tree = merkle.MerkleTree(_leaves(size))
        root = tree.root()
        for index in range(size):
            path = tree.inclusion_proof(index, size)
            leaf = tree.leaves[index]
            assert verifier.verify_inclusion(leaf, index, size, path, root)
            for wrong in {index - 1, index + 1, size} - {index}:
                assert not verifier.verify_inclusion(leaf, wrong, size, path, root)


@settings(max_examples=150)
@given(data=st.data(), size=st.integers(1, 300))
def test_inclusion_agrees_with_dalils_tree(data: st.DataObject, size: int) -> None:
    tree = merkle.MerkleTree(_leaves(size))
    index = data.draw(st.integers(0, size - 1))
    path = tree.inclusion_proof(index, size)
    leaf = tree.leaves[index]
    assert verifier.root_from_inclusion(leaf, index, size, path) == tree.root()
    if path:  # any changed, missing or extra hash breaks it
        at = data.draw(st.integers(0, len(path) - 1))
        changed = [*path[:at], b"\x00" * 32, *path[at + 1 :]]
        assert not verifier.verify_inclusion(leaf, index, size, changed, tree.root())
        assert not verifier.verify_inclusion(leaf, index, size, path[:-1], tree.root())
    assert not verifier.verify_inclusion(leaf, index, size, [*path, leaf], tree.root())
    assert not verifier.verify_inclusion(b"\x01" * 32, index, size, path, tree.root())


@settings(max_examples=150)
@given(data=st.data(), new=st.integers(1, 300))
def test_consistency_agrees_with_dalils_tree(data: st.DataObject, new: int) -> None:
    tree = merkle.MerkleTree(_leaves(new))
    old = data.draw(st.integers(0, new))
    proof = tree.consistency_proof(old, new)
    old_root, new_root = tree.root(old), tree.root(new)
    assert verifier.verify_consistency(old, new, old_root, new_root, proof)
    assert merkle.verify_consistency(old, new, old_root, new_root, proof)
    if old > 0:  # every tree extends the empty one
        assert not verifier.verify_consistency(old, new, old_root, b"\x02" * 32, proof)
    if 0 < old < new:
        assert not verifier.verify_consistency(old, new, b"\x03" * 32, new_root, proof)
        assert not verifier.verify_consistency(old, new, old_root, new_root, proof[:-1])
        at = data.draw(st.integers(0, len(proof) - 1))
        changed = [*proof[:at], b"\x04" * 32, *proof[at + 1 :]]
        assert not verifier.verify_consistency(old, new, old_root, new_root, changed)


def test_a_rewritten_log_is_not_consistent() -> None:
    leaves = _leaves(20)
    rewritten = [*leaves[:5], merkle.leaf_hash(b"rewritten"), *leaves[6:]]
    old_root = merkle.MerkleTree(leaves).root(10)
    tree = merkle.MerkleTree(rewritten)
    proof = tree.consistency_proof(10, 20)
    assert not verifier.verify_consistency(10, 20, old_root, tree.root(), proof)


def test_malformed_inputs_are_not_proofs() -> None:
    leaf = _leaves(1)[0]
    assert verifier.root_from_inclusion(leaf, 0, 1, []) == leaf
    assert verifier.root_from_inclusion(leaf, 1, 1, []) is None
    assert verifier.root_from_inclusion(leaf, -1, 1, []) is None
    assert verifier.root_from_inclusion(leaf[:31], 0, 1, []) is None
    assert verifier.root_from_inclusion(leaf, 0, 2, [b"short"]) is None
    assert not verifier.verify_consistency(3, 2, leaf, leaf, [])
    assert not verifier.verify_consistency(2, 2, leaf, leaf, [leaf])
    assert verifier.verify_consistency(0, 5, verifier.EMPTY_ROOT, leaf, [])
    assert not verifier.verify_consistency(0, 5, leaf, leaf, [])
    assert not verifier.verify_consistency(3, 5, leaf, leaf, [])

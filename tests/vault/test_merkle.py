"""RFC 6962 hashing and proofs: published answers, every proof of every small tree, and
every way of mangling a proof."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dalil.errors import ProofError
from dalil.vault import merkle
from dalil.vault.frontier import Frontier

# Certificate Transparency's reference inputs and tree heads (transparency-dev/merkle).
CT_INPUTS = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip
CT_CONSISTENCY = [
    (2, 8, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip
CT_LEAVES = [merkle.leaf_hash(d) for d in CT_INPUTS]

# Sizes for the exhaustive checks: every proof of every tree up to these sizes.
MAX_INCLUSION_SIZE = 260
MAX_CONSISTENCY_SIZE = 130
LEAVES = [merkle.leaf_hash(f"event {i}".encode()) for i in range(MAX_INCLUSION_SIZE)]
ROOTS = [merkle.root(LEAVES[:n]) for n in range(MAX_INCLUSION_SIZE + 1)]


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert merkle.root([]).hex() == CT_ROOTS[0]
    assert merkle.EMPTY_ROOT.hex().startswith("e3b0c442") and CT_ROOTS[0].endswith("b855")


def test_leaf_and_node_hashes_use_the_rfc_prefixes() -> None:
    assert merkle.leaf_hash(b"").hex() == CT_ROOTS[1]
    left, right = merkle.leaf_hash(b"l"), merkle.leaf_hash(b"r")
    assert merkle.node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert merkle.node_hash(left, right) != merkle.node_hash(right, left)


@pytest.mark.parametrize("size", range(len(CT_ROOTS)))
def test_published_tree_heads(size: int) -> None:
    assert merkle.root(CT_LEAVES[:size]).hex() == CT_ROOTS[size]
    assert Frontier().extend(CT_LEAVES[:size]).root().hex() == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "expected"), CT_INCLUSION)
def test_published_inclusion_proofs(index: int, size: int, expected: list[str]) -> None:
    proof = merkle.inclusion_proof(CT_LEAVES, index, size)
    assert [p.hex() for p in proof] == expected
    root = bytes.fromhex(CT_ROOTS[size])
    assert merkle.verify_inclusion(CT_LEAVES[index], index, size, proof, root)


@pytest.mark.parametrize(("old", "new", "expected"), CT_CONSISTENCY)
def test_published_consistency_proofs(old: int, new: int, expected: list[str]) -> None:
    proof = merkle.consistency_proof(CT_LEAVES, old, new)
    assert [p.hex() for p in proof] == expected
    roots = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    assert merkle.verify_consistency(old, new, *roots, proof)


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1, written as the RFC states it: the independent reference."""
    if not leaves:
        return merkle.EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def _path(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 6962 section 2.1.1, PATH(m, D[n])."""
    if len(leaves) <= 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return [*_path(m, leaves[:k]), _mth(leaves[k:])]
    return [*_path(m - k, leaves[k:]), _mth(leaves[:k])]


def _subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    """RFC 6962 section 2.1.2, SUBPROOF(m, D[n], b)."""
    if m == len(leaves):
        return [] if complete else [_mth(leaves)]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), _mth(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), _mth(leaves[:k])]


def test_root_and_proofs_match_the_rfc_definitions() -> None:
    tree = merkle.MerkleTree(LEAVES[:40])
    for size in range(0, 41):
        assert merkle.root(LEAVES[:size]) == _mth(LEAVES[:size]) == tree.root(size)
        for index in range(size):
            assert tree.inclusion_proof(index, size) == _path(index, LEAVES[:size])
        for old in range(1, size):
            assert tree.consistency_proof(old, size) == _subproof(old, LEAVES[:size], True)


def test_frontier_agrees_with_root_at_every_size() -> None:
    frontier = Frontier()
    for n in range(MAX_INCLUSION_SIZE + 1):
        assert frontier.root() == ROOTS[n]
        restored = Frontier.from_hex(frontier.size, frontier.to_hex())
        assert restored == frontier
        if n < MAX_INCLUSION_SIZE:
            frontier = frontier.append(LEAVES[n])


def _mutations(proof: list[bytes]) -> list[tuple[str, list[bytes]]]:
    """Every way we mangle a proof: each must be rejected."""
    out: list[tuple[str, list[bytes]]] = []
    for i in range(len(proof)):
        for bit in (0, 7, 255):
            flipped = bytearray(proof[i])
            flipped[bit // 8] ^= 1 << (bit % 8)
            out.append(
                (f"flip bit {bit} of hash {i}", [*proof[:i], bytes(flipped), *proof[i + 1 :]])
            )
    if proof:
        out.append(("truncated", proof[:-1]))
        out.append(("first hash dropped", proof[1:]))
        out.append(("short hash", [*proof[:-1], proof[-1][:31]]))
    out.append(("extended", [*proof, b"\xab" * 32]))
    out.append(("extended at front", [b"\xcd" * 32, *proof]))
    for i in range(len(proof) - 1):
        if proof[i] != proof[i + 1]:
            swapped = list(proof)
            swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
            out.append((f"swap {i} and {i + 1}", swapped))
    return out


def test_every_inclusion_proof_of_every_tree_verifies_and_every_mutation_fails() -> None:
    checked = 0
    tree = merkle.MerkleTree(LEAVES)
    for size in range(1, MAX_INCLUSION_SIZE + 1):
        root = ROOTS[size]
        proofs = [tree.inclusion_proof(i, size) for i in range(size)]
        for index, proof in enumerate(proofs):
            assert merkle.verify_inclusion(LEAVES[index], index, size, proof, root), (index, size)
            checked += 1
            # Wrong index, wrong size, wrong leaf, wrong root: all rejected. A size always
            # travels with the root signed for it, so a wrong size comes with its own root
            # (a size alone cannot be checked: sizes 3 and 4 share the shape of leaf 0's path).
            for other in (index - 1, index + 1):
                if 0 <= other < size and proofs[other] != proof:
                    assert not merkle.verify_inclusion(LEAVES[index], other, size, proof, root)
            for other_size in (size - 1, size + 1):
                if index < other_size <= MAX_INCLUSION_SIZE:
                    assert not merkle.verify_inclusion(
                        LEAVES[index], index, other_size, proof, ROOTS[other_size]
                    )
            if size > 1:
                wrong_leaf = LEAVES[(index + 1) % size]
                assert not merkle.verify_inclusion(wrong_leaf, index, size, proof, root)
            assert not merkle.verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size - 1])
            assert not merkle.verify_inclusion(LEAVES[index], size, size, proof, root)
            if size % 17 == 0 or size < 40:
                for name, mutated in _mutations(proof):
                    ok = merkle.verify_inclusion(LEAVES[index], index, size, mutated, root)
                    assert not ok, (name, index, size)
    assert checked == MAX_INCLUSION_SIZE * (MAX_INCLUSION_SIZE + 1) // 2


def test_every_consistency_proof_verifies_and_every_mutation_fails() -> None:
    tree = merkle.MerkleTree(LEAVES)
    for new in range(0, MAX_CONSISTENCY_SIZE + 1):
        for old in range(0, new + 1):
            proof = tree.consistency_proof(old, new)
            assert merkle.verify_consistency(old, new, ROOTS[old], ROOTS[new], proof), (old, new)
            if 0 < old < new:
                # Swapped roots, wrong sizes, a root from another size: all rejected.
                assert not merkle.verify_consistency(old, new, ROOTS[new], ROOTS[old], proof)
                assert not merkle.verify_consistency(new, old, ROOTS[new], ROOTS[old], proof)
                assert not merkle.verify_consistency(
                    old, new + 1, ROOTS[old], ROOTS[new + 1], proof
                )
                assert not merkle.verify_consistency(
                    old - 1, new, ROOTS[old - 1], ROOTS[new], proof
                )
                assert not merkle.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new], proof)
                assert not merkle.verify_consistency(old, new, ROOTS[old], ROOTS[new - 1], proof)
                if new % 13 == 0 or new < 34:
                    for name, mutated in _mutations(proof):
                        ok = merkle.verify_consistency(old, new, ROOTS[old], ROOTS[new], mutated)
                        assert not ok, (name, old, new)


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof", "expected"),
    [
        (0, 0, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [], True),
        (0, 5, merkle.EMPTY_ROOT, ROOTS[5], [], True),
        (0, 5, ROOTS[1], ROOTS[5], [], False),
        (0, 5, merkle.EMPTY_ROOT, ROOTS[5], [ROOTS[1]], False),
        (4, 4, ROOTS[4], ROOTS[4], [], True),
        (4, 4, ROOTS[4], ROOTS[5], [], False),
        (4, 4, ROOTS[4], ROOTS[4], [ROOTS[1]], False),
        (3, 5, ROOTS[3], ROOTS[5], [], False),
        (-1, 5, ROOTS[3], ROOTS[5], [], False),
    ],
)
def test_degenerate_consistency_cases(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes], expected: bool
) -> None:
    assert merkle.verify_consistency(old, new, old_root, new_root, proof) is expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: merkle.verify_inclusion(LEAVES[0], 0, 0, [], merkle.EMPTY_ROOT),
        lambda: merkle.verify_inclusion(LEAVES[0], -1, 4, [], ROOTS[4]),
        lambda: merkle.verify_inclusion(LEAVES[0][:31], 0, 1, [], ROOTS[1]),
        lambda: merkle.verify_inclusion(LEAVES[0], 0, 1, [], ROOTS[1][:31]),
        lambda: merkle.verify_inclusion(LEAVES[0], 0, 2, "not a list", ROOTS[2]),  # type: ignore[arg-type]
        lambda: merkle.verify_inclusion(LEAVES[0], True, 2, [LEAVES[1]], ROOTS[2]),
        lambda: merkle.verify_consistency(2, 4, ROOTS[2], ROOTS[4], [b"x"]),
    ],
)
def test_malformed_input_is_not_proven_and_does_not_raise(call: Callable[[], bool]) -> None:
    assert call() is False


@pytest.mark.parametrize(
    "call",
    [
        lambda: merkle.inclusion_proof(LEAVES[:8], 8, 8),
        lambda: merkle.inclusion_proof(LEAVES[:8], -1, 8),
        lambda: merkle.inclusion_proof(LEAVES[:8], 0, 9),
        lambda: merkle.consistency_proof(LEAVES[:8], 5, 3),
        lambda: merkle.consistency_proof(LEAVES[:8], 0, 9),
    ],
)
def test_impossible_proof_requests_raise(call: Callable[[], object]) -> None:
    with pytest.raises(ProofError):
        call()


@given(st.lists(st.binary(max_size=40), min_size=1, max_size=80), st.data())
def test_inclusion_round_trip_for_arbitrary_entries(
    entries: list[bytes], data: st.DataObject
) -> None:
    leaves = [merkle.leaf_hash(e) for e in entries]
    size = data.draw(st.integers(1, len(leaves)))
    index = data.draw(st.integers(0, size - 1))
    proof = merkle.inclusion_proof(leaves, index, size)
    assert merkle.verify_inclusion(leaves[index], index, size, proof, merkle.root(leaves[:size]))
    assert len(proof) <= (size - 1).bit_length()


@given(st.lists(st.binary(max_size=20), max_size=80), st.data())
def test_consistency_round_trip_for_arbitrary_entries(
    entries: list[bytes], data: st.DataObject
) -> None:
    leaves = [merkle.leaf_hash(e) for e in entries]
    new = data.draw(st.integers(0, len(leaves)))
    old = data.draw(st.integers(0, new))
    proof = merkle.consistency_proof(leaves, old, new)
    assert merkle.verify_consistency(
        old, new, merkle.root(leaves[:old]), merkle.root(leaves[:new]), proof
    )

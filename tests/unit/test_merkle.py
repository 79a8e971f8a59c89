"""The Merkle tree against a naive RFC 6962 reference written here, and proofs attacked."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kompass.domain.merkle import (
    CompactRange,
    ProofFailed,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    run_nodes,
    subtree_hash,
    verify_consistency,
    verify_inclusion,
)


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH, straight from its definition."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])).digest()


def build(n: int) -> tuple[list[bytes], dict[tuple[int, int], bytes], list[bytes]]:
    """n leaves; the stored complete nodes; the root after each append."""
    leaves = [f"leaf {i}".encode() for i in range(n)]
    tree, nodes, roots = CompactRange(), {}, []
    for leaf in leaves:
        for level, index, value in tree.append(leaf_hash(leaf)):
            nodes[(level, index)] = value
        roots.append(tree.root())
    return leaves, nodes, roots


def test_root_after_every_append_equals_the_reference_root() -> None:
    leaves, _nodes, roots = build(70)
    for n in range(1, 71):
        assert roots[n - 1] == reference_root(leaves[:n])
    assert CompactRange().root() == hashlib.sha256(b"").digest()


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 40), st.lists(st.integers(0, 9), max_size=6))
def test_extending_in_batches_is_appending_leaf_by_leaf(before: int, batches: list[int]) -> None:
    """The write path's batch `extend` finishes the same nodes (as one run of consecutive nodes per level) and
    reaches the reference root."""
    one, batched, leaves = CompactRange(), CompactRange(), [f"leaf {i}".encode() for i in range(before + sum(batches))]
    expected = [node for leaf in leaves for node in one.append(leaf_hash(leaf))]
    got, start = [], 0
    for size in [before, *batches]:
        runs = batched.extend(leaves[start : start + size])
        assert [level for level, _first, _hashes in runs] == list(range(len(runs)))
        got += [node for run in runs for node in run_nodes(run)]
        start += size
        assert batched.root() == reference_root(leaves[:start]) and batched.size == start
    assert sorted(got) == sorted(expected) and batched.hashes == one.hashes


def test_compact_range_packs_and_unpacks() -> None:
    tree = CompactRange()
    for i in range(13):
        tree.append(leaf_hash(bytes([i])))
    again = CompactRange.unpack(13, tree.pack())
    assert again.root() == tree.root() and len(again.hashes) == 3
    with pytest.raises(ProofFailed):
        CompactRange.unpack(12, tree.pack())


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=80).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_every_inclusion_proof_verifies(case: tuple[int, int]) -> None:
    n, index = case
    leaves, nodes, roots = build(n)
    path = inclusion_proof(index, n, lambda level, i: nodes[(level, i)])
    verify_inclusion(index, n, leaf_hash(leaves[index]), path, roots[-1])
    assert subtree_hash(0, n, lambda level, i: nodes[(level, i)]) == roots[-1]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=80).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_every_consistency_proof_verifies(case: tuple[int, int]) -> None:
    old, new = case
    _leaves, nodes, roots = build(new)
    old_root = roots[old - 1] if old else hashlib.sha256(b"").digest()
    proof = consistency_proof(old, new, lambda level, i: nodes[(level, i)])
    verify_consistency(old, new, old_root, roots[-1], proof)


N = 21
LEAVES, NODES, ROOTS = build(N)


def lookup(level: int, index: int) -> bytes:
    return NODES[(level, index)]


def good_inclusion(index: int = 6) -> tuple[int, bytes, list[bytes]]:
    return index, leaf_hash(LEAVES[index]), inclusion_proof(index, N, lookup)


Forgery = Callable[[int, bytes, list[bytes]], tuple[int, int, bytes, list[bytes]]]


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda i, leaf, path: (i, N, leaf, [path[0][::-1], *path[1:]]), id="wrong path hash"),
        pytest.param(lambda i, leaf, path: (i, N, leaf, path[:-1]), id="path too short"),
        pytest.param(lambda i, leaf, path: (i, N, leaf, [*path, path[-1]]), id="path too long"),
        pytest.param(lambda i, leaf, path: (i, N, leaf, [path[1], path[0], *path[2:]]), id="swapped siblings"),
        pytest.param(lambda i, leaf, path: (i, 4 * N, leaf, path), id="larger tree size"),
        pytest.param(lambda i, leaf, path: (i, N - 5, leaf, path), id="smaller tree size"),
        pytest.param(lambda i, leaf, path: (i + 1, N, leaf, path), id="wrong index"),
        pytest.param(lambda i, leaf, path: (i, N, leaf_hash(b"another event"), path), id="wrong leaf"),
        pytest.param(lambda i, leaf, path: (i, N, leaf, [p[:31] for p in path]), id="short hashes"),
        pytest.param(lambda i, leaf, path: (N + 3, N, leaf, path), id="index beyond the tree"),
    ],
)
def test_forged_inclusion_proofs_are_refused(forge: Forgery) -> None:
    """A size of the same depth is bound by the signed checkpoint, not by the path (see test_proofs)."""
    index, leaf, path = good_inclusion()
    verify_inclusion(index, N, leaf, path, ROOTS[-1])
    forged_index, size, forged_leaf, forged_path = forge(index, leaf, path)
    with pytest.raises(ProofFailed):
        verify_inclusion(forged_index, size, forged_leaf, forged_path, ROOTS[-1])


def test_an_inclusion_proof_for_a_different_tree_is_refused() -> None:
    other_leaves, _other_nodes, _other_roots = build(N)
    other_leaves[3] = b"changed"
    tree, nodes = CompactRange(), {}
    for leaf in other_leaves:
        for level, index, value in tree.append(leaf_hash(leaf)):
            nodes[(level, index)] = value
    path = inclusion_proof(6, N, lambda level, i: nodes[(level, i)])
    verify_inclusion(6, N, leaf_hash(other_leaves[6]), path, tree.root())
    with pytest.raises(ProofFailed):
        verify_inclusion(6, N, leaf_hash(other_leaves[6]), path, ROOTS[-1])


def test_forged_consistency_proofs_are_refused() -> None:
    old = 13
    proof = consistency_proof(old, N, lookup)
    verify_consistency(old, N, ROOTS[old - 1], ROOTS[-1], proof)
    forgeries = [
        (old, N, ROOTS[old - 1], ROOTS[-1], [proof[0][::-1], *proof[1:]]),
        (old, N, ROOTS[old - 1], ROOTS[-1], proof[:-1]),
        (old, N, ROOTS[old - 1], ROOTS[-1], [proof[1], proof[0], *proof[2:]]),
        (old + 1, N, ROOTS[old - 1], ROOTS[-1], proof),
        (old, N, ROOTS[old - 2], ROOTS[-1], proof),
        (old, N, ROOTS[old - 1], ROOTS[-2], proof),
        (old, N, ROOTS[old - 1], ROOTS[-1], []),
        (N, old, ROOTS[-1], ROOTS[old - 1], proof),
        (N, N, ROOTS[-1], ROOTS[-2], []),
    ]
    for args in forgeries:
        with pytest.raises(ProofFailed):
            verify_consistency(*args)

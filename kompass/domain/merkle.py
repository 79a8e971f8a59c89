"""The log as an RFC 6962 / RFC 9162 Merkle tree: hashes, the compact range, and proofs.

Why a Merkle tree and not a hash chain: a chain proves nothing to someone who holds only an
old digest, except by replaying the whole log. A tree root of a few bytes, kept by anyone,
lets the store prove in a few dozen hashes that one event is in the log (inclusion) and that
today's log still begins with yesterday's (consistency), and anyone can check such a proof
without the store.

Leaf hash SHA-256(0x00 || leaf), node hash SHA-256(0x01 || left || right), the root of the
empty tree SHA-256(""). Nodes are named (level, index): level 0 holds the leaf hashes, and
node (L, i) is the root of the perfect subtree over leaves [i·2^L, (i+1)·2^L). Only such
complete nodes are ever stored; any other subtree hash is computed from them.

No I/O here: the store hands in a function that looks a stored node up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import methodcaller

from kompass.domain.errors import IntegrityViolation

EMPTY_ROOT = hashlib.sha256(b"").digest()
LEAF_PREFIX, NODE_PREFIX = b"\x00", b"\x01"
HASH_SIZE = 32
Run = tuple[int, int, bytes]
"""(level, index of the first node, the hashes of consecutive complete nodes at that level, joined)."""
_digest = methodcaller("digest")
NodeLookup = Callable[[int, int], bytes]
"""(level, index) → the stored hash of that complete node."""


class ProofFailed(IntegrityViolation):
    """A proof or a recomputed tree does not match what it claims."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def run_nodes(run: Run) -> Iterator[tuple[int, int, bytes]]:
    """The nodes of a run, as (level, index, hash)."""
    level, first, hashes = run
    for offset in range(0, len(hashes), HASH_SIZE):
        yield level, first + offset // HASH_SIZE, hashes[offset : offset + HASH_SIZE]


def _levels(size: int) -> list[int]:
    """The levels of the perfect subtrees a tree of `size` leaves is made of, largest first."""
    return [level for level in range(size.bit_length() - 1, -1, -1) if size >> level & 1]


def _split(n: int) -> int:
    """The largest power of two smaller than n (n ≥ 2): where RFC 6962 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


@dataclass
class CompactRange:
    """The roots of the perfect subtrees that make up a tree of `size` leaves, largest first.

    At most log2(size) hashes: all a writer needs to append a leaf and compute the new root,
    so each write costs O(log n), never a rescan of the log.
    """

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add one leaf hash; return the complete nodes this finished, as (level, index, hash)."""
        level, index, value = 0, self.size, leaf
        finished = [(0, index, value)]
        while index & 1:
            value = node_hash(self.hashes.pop(), value)
            level, index = level + 1, index >> 1
            finished.append((level, index, value))
        self.hashes.append(value)
        self.size += 1
        return finished

    def extend(self, leaves: Iterable[bytes]) -> list[Run]:
        """`append(leaf_hash(leaf))` for each leaf (the leaf's bytes, not its hash), a level at a time: the nodes a
        batch completes at one level are consecutive, so they come back as one run per level, (level, index of
        the first, their hashes joined), and each level is hashed by `map` over the whole batch rather than by a
        Python loop per node (a write hashes every event it stores, and this was most of the tree's cost)."""
        sha256 = hashlib.sha256
        nodes = list(map(_digest, map(sha256, map(LEAF_PREFIX.__add__, leaves))))
        count = len(nodes)
        pending = dict(zip(_levels(self.size), self.hashes, strict=True))  # level → a left node awaiting its right sibling
        runs: list[Run] = []
        level, first = 0, self.size
        while nodes:
            runs.append((level, first, b"".join(nodes)))
            if first & 1:
                nodes.insert(0, pending.pop(level))
                first -= 1
            if len(nodes) & 1:
                pending[level] = nodes.pop()
            pairs = map(bytes.__add__, nodes[0::2], nodes[1::2])
            nodes = list(map(_digest, map(sha256, map(NODE_PREFIX.__add__, pairs))))
            level, first = level + 1, first >> 1
        self.size += count
        self.hashes = [pending[level] for level in _levels(self.size)]
        return runs

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        value = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            value = node_hash(left, value)
        return value

    def pack(self) -> bytes:
        return b"".join(self.hashes)

    @classmethod
    def unpack(cls, size: int, packed: bytes) -> CompactRange:
        hashes = [packed[i : i + 32] for i in range(0, len(packed), 32)]
        if len(hashes) != size.bit_count() or any(len(h) != 32 for h in hashes):
            raise ProofFailed(f"the stored compact range does not fit a tree of {size} leaves")
        return cls(size, hashes)


def frontier_nodes(size: int) -> list[tuple[int, int]]:
    """The (level, index) of the perfect subtrees of a tree of `size` leaves, largest first."""
    nodes, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            nodes.append((level, start >> level))
            start += 1 << level
    return nodes


def subtree_hash(lo: int, hi: int, node: NodeLookup) -> bytes:
    """RFC 6962 MTH of leaves [lo, hi), from stored complete nodes."""
    n = hi - lo
    if n == 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0 and lo % n == 0:
        return node(n.bit_length() - 1, lo // n)
    k = _split(n)
    return node_hash(subtree_hash(lo, lo + k, node), subtree_hash(lo + k, hi, node))


def inclusion_proof(index: int, size: int, node: NodeLookup) -> list[bytes]:
    """The audit path of leaf `index` in the tree of `size` leaves (RFC 6962 §2.1.1), leaf side first."""
    if not 0 <= index < size:
        raise ProofFailed(f"leaf {index} is not in a tree of {size} leaves")
    path: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            path.append(subtree_hash(lo + k, hi, node))
            hi = lo + k
        else:
            path.append(subtree_hash(lo, lo + k, node))
            lo += k
    return path[::-1]


def consistency_proof(old: int, new: int, node: NodeLookup) -> list[bytes]:
    """The proof that the tree of `old` leaves is a prefix of the tree of `new` leaves (RFC 6962 §2.1.2)."""
    if not 0 <= old <= new:
        raise ProofFailed(f"a tree of {old} leaves cannot be a prefix of one of {new}")
    if old in (0, new):
        return []
    proof: list[bytes] = []
    lo, hi, m, whole = 0, new, old, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            proof.append(subtree_hash(lo + k, hi, node))
            hi = lo + k
        else:
            proof.append(subtree_hash(lo, lo + k, node))
            lo, m, whole = lo + k, m - k, False
    if not whole:
        proof.append(subtree_hash(lo, hi, node))
    return proof[::-1]


def verify_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes) -> None:
    """Check an audit path (RFC 9162 §2.1.3.2); raise ProofFailed saying what does not hold."""
    if not 0 <= index < size:
        raise ProofFailed(f"leaf {index} cannot be in a tree of {size} leaves")
    fn, sn, value = index, size - 1, leaf
    for sibling in path:
        _check_hash(sibling)
        if sn == 0:
            raise ProofFailed("the audit path is longer than the tree is deep")
        if fn & 1 or fn == sn:
            value = node_hash(sibling, value)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            value = node_hash(value, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofFailed("the audit path is shorter than the tree is deep")
    if value != root:
        raise ProofFailed("the audit path does not lead to the checkpoint's root")


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    """Check a consistency proof (RFC 9162 §2.1.4.2); raise ProofFailed saying what does not hold."""
    for value in proof:
        _check_hash(value)
    if not 0 <= old <= new:
        raise ProofFailed(f"the log has {new} events, fewer than the {old} of the checkpoint: events were removed")
    if old == new:
        if proof or old_root != new_root:
            raise ProofFailed(f"the log of {new} events has a different root than the checkpoint of the same size")
        return
    if old == 0:
        if proof:
            raise ProofFailed("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofFailed("the consistency proof is empty")
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first = second = path[0]
    for value in path[1:]:
        if sn == 0:
            raise ProofFailed("the consistency proof is longer than it can be")
        if fn & 1 or fn == sn:
            first, second = node_hash(value, first), node_hash(value, second)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            second = node_hash(second, value)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or first != old_root or second != new_root:
        raise ProofFailed(f"the log of {new} events does not extend the checkpoint of {old} events")


def _check_hash(value: bytes) -> None:
    if len(value) != 32:
        raise ProofFailed("a proof hash is not 32 bytes long")

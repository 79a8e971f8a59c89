"""What a key actor cuts off: the pieces a component falls into when an articulation point leaves.

networkx names the articulation points (and the bridges, `networkx.bridges`) but not what each
one's departure cuts off; `Cuts` reads that off the block-cut forest of networkx's biconnected
components, in time linear in the size of the graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Cuts"]


class Cuts:
    """The pieces each articulation point's component falls into without it.

    networkx names articulation points and gives the biconnected components (blocks), but
    not the pieces left when an articulation point goes; they are read off the block-cut
    forest built from networkx's blocks: an articulation point lies in two or more blocks,
    and without it its component falls into one piece per neighbouring block of the forest.
    Each tree is rooted at a block and its actors listed in preorder (an articulation point
    once, where it is entered; the rest of a block with it), so that every subtree, and so
    every piece, is a slice of that list. Linear in the size of the graph.

    Parameters
    ----------
    graph : networkx.Graph

    Examples
    --------
    Two triangles joined at ``x``, and ``t`` hanging off ``b``:

    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b"), ("b", "x"), ("x", "a"), ("x", "c"), ("c", "d"), ("d", "x"), ("b", "t")])
    >>> cuts = Cuts(g)
    >>> sorted(cuts.points)
    ['b', 'x']
    >>> cuts.cut_off("x"), cuts.cut_off("b")
    (['c', 'd'], ['t'])
    >>> cuts.ranking()
    [(2, 'x'), (1, 'b')]
    """

    def __init__(self, graph: nx.Graph) -> None:
        import networkx as nx

        blocks = [list(b) for b in nx.biconnected_components(graph)]
        seen: defaultdict[Any, list[int]] = defaultdict(list)
        for i, block in enumerate(blocks):
            for v in block:
                seen[v].append(i)
        self.points: list[Any] = [v for v, found in seen.items() if len(found) >= 2]
        nb = len(blocks)
        point_node = {v: nb + j for j, v in enumerate(self.points)}
        tree: list[list[int]] = [[point_node[v] for v in block if v in point_node] for block in blocks]
        tree.extend(seen[v] for v in self.points)
        size = len(tree)
        self.order: list[Any] = []
        self.start, self.end, self.parent, self.root = [-1] * size, [0] * size, [-1] * size, [0] * size
        for root in range(nb):
            if self.start[root] >= 0:
                continue
            self._enter(root, root, blocks, point_node)
            stack = [(root, iter(tree[root]))]
            while stack:
                t, neighbours = stack[-1]
                for u in neighbours:
                    if self.start[u] < 0:
                        self.parent[u] = t
                        self._enter(u, root, blocks, point_node)
                        stack.append((u, iter(tree[u])))
                        break
                else:
                    stack.pop()
                    self.end[t] = len(self.order)
        self.point_node = point_node
        self.tree = tree

    def _enter(self, t: int, root: int, blocks: list[list[Any]], point_node: Mapping[Any, int]) -> None:
        self.start[t] = len(self.order)
        self.root[t] = root
        if t < len(blocks):
            self.order.extend(v for v in blocks[t] if v not in point_node)
        else:
            self.order.append(self.points[t - len(blocks)])

    def pieces(self, v: Any) -> list[list[Any]]:
        """The pieces of v's component without v: the part above v first, then one per block below."""
        t = self.point_node[v]
        root = self.root[t]
        found = [self.order[self.start[root]:self.start[t]] + self.order[self.end[t]:self.end[root]]]
        found.extend(self.order[self.start[c]:self.end[c]] for c in self.tree[t] if c != self.parent[t])
        return found

    def sizes(self, v: Any) -> list[int]:
        """The sizes of `pieces(v)`, without listing them."""
        t = self.point_node[v]
        root = self.root[t]
        above = (self.end[root] - self.start[root]) - (self.end[t] - self.start[t])
        return [above, *(self.end[c] - self.start[c] for c in self.tree[t] if c != self.parent[t])]

    def cut_off(self, v: Any) -> list[Any]:
        """Actors that lose touch with the largest remaining piece when v leaves (ties: the
        piece holding the smallest key stays)."""
        pieces = self.pieces(v)
        biggest = max(len(p) for p in pieces)
        largest = [i for i, p in enumerate(pieces) if len(p) == biggest]
        keep = largest[0] if len(largest) == 1 else min(largest, key=lambda i: min(pieces[i]))
        return sorted(x for i, p in enumerate(pieces) if i != keep for x in p)

    def ranking(self) -> list[tuple[int, Any]]:
        """(number of actors cut off, actor) for every articulation point, most cut off first."""
        ranking = []
        for v in self.points:
            sizes = self.sizes(v)
            ranking.append((sum(sizes) - max(sizes), v))
        return sorted(ranking, key=lambda r: (-r[0], r[1]))

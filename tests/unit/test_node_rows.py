"""How the tree's runs of nodes are cut into rows of `kompass_log_nodes` (tables.log_nodes)."""

from __future__ import annotations

from kompass.domain.merkle import CompactRange, run_nodes
from kompass.infrastructure.tlog_write import RUN_NODES, node_rows


def test_rows_hold_at_most_run_nodes_each_and_together_every_node_once() -> None:
    tree = CompactRange()
    tree.extend([b"before"] * 5)
    runs = tree.extend([f"leaf {i}".encode() for i in range(3 * RUN_NODES + 7)])
    rows = node_rows(runs)
    assert all(0 < len(hashes) <= RUN_NODES * 32 for _level, _first, hashes in rows)
    assert sorted(node for row in rows for node in run_nodes(row)) == sorted(node for run in runs for node in run_nodes(run))
    assert len([row for row in rows if row[0] == 0]) == 4, "the level of the leaves: 775 nodes in rows of 256, 256, 256, 7"

"""Network metrics on large actor graphs, and their peak memory (issue 4).

Generates actor networks the way portfolios make them (actors in 21 regions plus national
ones; initiatives of a few actors, mostly from one region), straight into the application
layer: memberships → ties (kompass.application.network.data_from_memberships) → networkx
graph (build_graph) → compute_metrics. For a graph of 1,000 actors and one of 10,000 (about
100,000 ties) it prints, side by side:
  - the time of each step (ties, graph, betweenness, Louvain, key actors and what they cut off);
  - betweenness as kompass computes it (igraph, rescaled as networkx does) against networkx's
    own betweenness_centrality on the same graph: exact on the small graph, sampled
    (k = 1,000, seed 42) on the big one, with the largest difference between the two;
  - sampled against exact betweenness on the big graph (exact estimated from a timed subset
    of sources);
  - peak memory: resident set size of this process.
Target: metrics on 10,000 actors / 100,000 ties answer in seconds, within 2 GiB.

    python bench/network_bench.py            # both graphs
    python bench/network_bench.py --big 5000 --no-networkx
    python bench/network_bench.py --compare 4921 --small 100 --big 2100 --no-networkx  (the comparison only, nearly)
    KOMPASS_BENCH_OUT=/work/scale-data python bench/network_bench.py --compare 0 --no-networkx --store 1000000

With --store LINES, first the same questions on the country graph of a kept store (OUT/store-LINES,
made by import_bench.py --keep or coverage_bench.py; common.OUT), as users ask them and in one
run with the generated graphs: `kompass network metrics` with the metrics cache emptied (wall time,
peak RSS of the process), the same question again at the same log position (answered from the
cache), `kompass projections status` (opening the store, for scale), `network metrics --as-of`
(from the bitemporal rows), and in this process the CPU time of each step (reading the ties,
the graph, the metrics). The store's projections are caught up first, outside the timing.

First, on a generated country graph of --compare actors (default 4,921), kompass's metrics against
networkx's own: every degree, the density, articulation points, bridges and the sampled
betweenness (equal: both draw the sources from the sorted node keys), and the CPU time of each.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kompass.application import network as n
from kompass.domain.vocabulary import ACTOR_KINDS, REGIONS, region_actor_key

MEMORY_TARGET_MB = 2048
STORE_AS_OF = "2021-06-30"
CACHED_TARGET = 0.5
"""A repeated question at the same log position costs at most this share of the first: "nothing" but
the start-up of the program and the store, which `projections status` also pays."""


def generate(actors: int, ties: int, seed: int = 7) -> tuple[dict[str, n.ActorInfo], list[n.Membership]]:
    """Actors spread over the regions (a tenth national), and initiatives of 3–7 actors,
    mostly from the lead region, until about `ties` distinct ties exist."""
    rnd = random.Random(seed)
    codes = list(REGIONS)
    kinds = [k for k in ACTOR_KINDS if k != "region"]
    infos = {region_actor_key(c): n.ActorInfo(region_actor_key(c), f"Region {REGIONS[c]}", "region", c) for c in codes}
    by_region: dict[str | None, list[str]] = {c: [] for c in codes}
    by_region[None] = []
    for i in range(actors - len(codes)):
        region = None if rnd.random() < 0.1 else rnd.choice(codes)
        key = f"actor-{i:05d}"
        infos[key] = n.ActorInfo(key, f"Actor {i}", rnd.choice(kinds), region)
        by_region[region].append(key)
    memberships: list[n.Membership] = []
    seen: set[tuple[str, str]] = set()
    unused = [k for k in infos if not k.startswith("region-")]
    rnd.shuffle(unused)
    while len(seen) < ties or unused:
        lead = rnd.choice(codes)
        size = rnd.randint(2, 6)
        members = {region_actor_key(lead)}
        while len(members) < size + 1:
            if unused and rnd.random() < 0.5:
                members.add(unused.pop())
                continue
            r = rnd.random()
            pool = by_region[lead] if r < 0.75 else by_region[None] if r < 0.9 else by_region[rnd.choice(codes)]
            if pool:
                members.add(rnd.choice(pool))
        for p in n.pairs_of(members):
            seen.add(p)
        areas = frozenset(rnd.sample(["competence", "security", "innovation", "leadership", "infrastructure"], rnd.randint(1, 2)))
        memberships.append(n.Membership(f"{lead}-{len(memberships):06d}", frozenset(members), frozenset({lead}), areas))
    return infos, memberships


def peak_mb() -> float:
    """Peak resident set size of this process, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    return time.process_time()


CPU: dict[str, float] = {}
"""CPU seconds of each timed step (the wall clock says little on a busy machine)."""


def timed(what: str, figures: dict[str, float], fn: Any) -> Any:
    start, cpu = time.perf_counter(), cpu_seconds()
    result = fn()
    figures[what] = time.perf_counter() - start
    CPU[what] = cpu_seconds() - cpu
    return result


def run(actors: int, ties: int, with_networkx: bool, exact_sample: int) -> dict[str, Any]:
    import networkx as nx

    infos, memberships = generate(actors, ties)
    t: dict[str, float] = {}
    data = timed("ties from memberships", t, lambda: n.data_from_memberships(memberships, infos))
    graph = timed("build graph", t, lambda: n.build_graph(data))
    between, sampled = timed("betweenness (kompass)", t, lambda: n.betweenness(graph))
    timed("louvain communities", t, lambda: n.communities(graph))
    timed("key actors and what they cut off (Cuts)", t, lambda: [n.Cuts(graph).ranking()])
    metrics = timed("compute_metrics (all)", t, lambda: n.compute_metrics(graph))
    figures: dict[str, Any] = {
        "actors": graph.number_of_nodes(), "ties": graph.number_of_edges(), "initiatives": len(memberships),
        "sampled": sampled, "times": t, "key actors": len(metrics.articulation_points), "bridges": len(metrics.bridges),
    }
    if with_networkx:
        k = n.SAMPLE_K if sampled else None
        # networkx draws its sample in the graph's node order; kompass from the sorted keys, which is
        # networkx's draw on a graph whose nodes were added in sorted order.
        sorted_copy = nx.Graph()
        sorted_copy.add_nodes_from(sorted(graph))
        sorted_copy.add_edges_from(graph.edges(data=True))
        reference = timed("betweenness (networkx)", t, lambda: nx.betweenness_centrality(sorted_copy, k=k, seed=n.SEED))
        figures["max |kompass - networkx|"] = max(abs(between[v] - reference[v]) for v in graph)
        aps, brs = timed("articulation points + bridges (networkx)", t,
                         lambda: (set(nx.articulation_points(graph)), {n.pair(a, b) for a, b in nx.bridges(graph)}))
        figures["same articulation points and bridges"] = aps == set(metrics.articulation_points) and brs == set(metrics.bridges)
    if sampled and exact_sample:
        # Exact betweenness runs all n sources: time a subset and scale up.
        timed("exact subset", t, lambda: n.betweenness(graph, exact_limit=0, k=exact_sample))
        scale = graph.number_of_nodes() / exact_sample
        t["betweenness exact (estimated)"] = t.pop("exact subset") * scale
        CPU["betweenness exact (estimated)"] = CPU.pop("exact subset") * scale
    figures["peak rss MiB"] = peak_mb()
    return figures


def on_store(lines: int) -> dict[str, Any]:
    """`kompass network metrics` on the country graph of the kept store of `lines` lines: cold (cache
    emptied), repeated (from the cache), past (--as-of, from the bitemporal rows); then each step's CPU
    time in this process."""
    import json
    import sqlite3

    from common import KOMPASS, OUT, sqlite_url
    from common import run as run_command

    directory = OUT / f"store-{lines}"
    if not (directory / "imported").exists():
        raise SystemExit(f"no kept store at {directory}: make it with import_bench.py --lines {lines} --backend sqlite --keep")
    url = sqlite_url(directory)
    run_command([KOMPASS, "--db", url, "projections", "run"])  # caught up outside the timing
    with sqlite3.connect(directory / "kompass.db") as conn:
        conn.execute("DELETE FROM kompass_network_cache")
        events = int(conn.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0])
    metrics = [KOMPASS, "--db", url, "network", "metrics", "--format", "json"]
    cold = run_command(metrics)
    again = run_command(metrics)
    opened = run_command([KOMPASS, "--db", url, "projections", "status", "--format", "json"])
    past = run_command([*metrics, "--as-of", STORE_AS_OF])
    answer = json.loads(cold.stdout)
    figures: dict[str, Any] = {
        "events": events, "actors": len(answer["nodes"]), "sampled": answer["sampled"],
        "same answer from the cache": json.loads(again.stdout) == answer,
        "cold": cold, "repeated": again, "projections status": opened, "past": past,
    }
    from kompass.infrastructure.bootstrap import Store

    store = Store(url, None)
    try:
        t: dict[str, float] = {}
        data = timed("store: read the ties (network_data)", t, lambda: store.read_model.network_data())
        graph = timed("store: build graph", t, lambda: n.build_graph(data))
        timed("store: compute_metrics (all)", t, lambda: n.compute_metrics(graph))
        figures["ties"] = graph.number_of_edges()
    finally:
        store.close()
    figures["cpu"] = {what: CPU.pop(what) for what in t}
    return figures


def print_store(store: dict[str, Any], big: dict[str, Any], lines: int) -> None:
    """The store's figures next to the generated big graph's, and the cache's check."""
    cold, again, opened, past = store["cold"], store["repeated"], store["projections status"], store["past"]
    print(f"\n== the country graph of the kept {lines:,}-line store ({store['events']:,} events): "
          f"{store['actors']:,} actors, {store['ties']:,} ties, betweenness {'sampled' if store['sampled'] else 'exact'}")
    print(f"  {'step':42} {'cpu':>8}")
    for what, seconds in store["cpu"].items():
        print(f"  {what:42} {seconds:8.2f} s")
    print(f"  {'command':58} {'wall':>8}   {'cpu':>8}   {'peak RSS':>9}")
    for what, done in (("kompass network metrics (cache emptied)", cold), ("the same again (same log position)", again),
                       ("kompass projections status (opening the store)", opened),
                       (f"kompass network metrics --as-of {STORE_AS_OF}", past)):
        print(f"  {what:58} {done.seconds:8.2f} s {done.cpu_seconds:8.2f} s {done.peak_rss_mb:7.0f} MiB")
    ratio = again.cpu_seconds / cold.cpu_seconds
    print(f"  repeated ÷ first (cpu): {ratio:.2f} (target ≤ {CACHED_TARGET:g}: {'met' if ratio <= CACHED_TARGET else 'NOT MET'}); "
          f"repeated − opening the store (cpu): {again.cpu_seconds - opened.cpu_seconds:+.2f} s; "
          f"same answer: {store['same answer from the cache']}")
    gen_cpu, gen_rss = big["cpu"]["compute_metrics (all)"], big["peak rss MiB"]
    store_cpu = store["cpu"]["store: compute_metrics (all)"]
    print(f"  against the generated {big['actors']:,}-actor graph ({big['ties']:,} ties) of this run: "
          f"compute_metrics cpu {store_cpu:.1f} s ÷ {gen_cpu:.1f} s = {store_cpu / gen_cpu:.2f}; "
          f"peak RSS {cold.peak_rss_mb:.0f} MiB (kompass network metrics) vs {gen_rss:.0f} MiB (this process); "
          f"target {MEMORY_TARGET_MB} MiB: " + ("ok" if max(cold.peak_rss_mb, past.peak_rss_mb) <= MEMORY_TARGET_MB else "OVER"))


def compare(actors: int, ties: int) -> dict[str, Any]:
    """kompass's metrics against networkx's own on one generated country graph: every degree, the
    density, articulation points, bridges and the sampled betweenness, which agree because both
    draw the sources from the sorted node keys (networkx on a graph whose nodes were added in
    sorted order). CPU seconds of each side."""
    import networkx as nx

    infos, memberships = generate(actors, ties)
    graph = n.build_graph(n.data_from_memberships(memberships, infos))
    started = cpu_seconds()
    ours = n.compute_metrics(graph)
    ours_cpu = cpu_seconds() - started
    sorted_graph = nx.Graph()
    sorted_graph.add_nodes_from(sorted(graph))
    sorted_graph.add_edges_from(graph.edges(data=True))
    sampled = graph.number_of_nodes() > n.EXACT_LIMIT
    started = cpu_seconds()
    theirs_between = nx.betweenness_centrality(sorted_graph, k=n.SAMPLE_K if sampled else None, seed=n.SEED)
    theirs_degree = dict(sorted_graph.degree())
    theirs_density = nx.density(sorted_graph)
    theirs_points = sorted(nx.articulation_points(sorted_graph))
    theirs_bridges = sorted(n.pair(a, b) for a, b in nx.bridges(sorted_graph))
    theirs_cpu = cpu_seconds() - started
    between = {node.actor: node.betweenness for node in ours.nodes}
    differences = sorted(abs(between[v] - theirs_between[v]) for v in graph)
    return {
        "actors": graph.number_of_nodes(), "ties": graph.number_of_edges(), "sampled betweenness": sampled,
        "every degree equal": all(node.degree == theirs_degree[node.actor] for node in ours.nodes),
        "density equal": ours.density == theirs_density,
        "articulation points equal": ours.articulation_points == theirs_points,
        "bridges equal": ours.bridges == theirs_bridges,
        "betweenness: largest |kompass - networkx|": differences[-1],
        "betweenness: median |kompass - networkx|": differences[len(differences) // 2],
        "kompass compute_metrics (cpu s)": ours_cpu,
        "networkx betweenness, degree, density, cut points, bridges (cpu s)": theirs_cpu,
        "networkx ÷ kompass (cpu)": theirs_cpu / ours_cpu,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1000, help="actors in the small graph")
    parser.add_argument("--big", type=int, default=10_000, help="actors in the big graph")
    parser.add_argument("--big-ties", type=int, default=100_000)
    parser.add_argument("--no-networkx", action="store_true", help="skip networkx's own betweenness (slow on the big graph)")
    parser.add_argument("--exact-sample", type=int, default=200, help="sources timed to estimate exact betweenness on the big graph")
    parser.add_argument("--compare", type=int, default=4921, help="actors of the graph compared with networkx in full (0: skip)")
    parser.add_argument("--compare-ties", type=int, default=49_210)
    parser.add_argument("--store", type=int, default=0, metavar="LINES",
                        help="also the kept store of LINES generated lines (OUT/store-LINES; see common.OUT)")
    args = parser.parse_args()
    kept = on_store(args.store) if args.store else None
    if args.compare:
        print(f"\n== kompass against networkx, {args.compare} actors, ~{args.compare_ties} ties", flush=True)
        for key, value in compare(args.compare, args.compare_ties).items():
            print(f"  {key:66} {value:.3g}" if isinstance(value, float) else f"  {key:66} {value}")
    results = []
    for actors, ties in ((args.small, args.small * 5), (args.big, args.big_ties)):
        print(f"\n== {actors} actors, ~{ties} ties", flush=True)
        figures = run(actors, ties, not args.no_networkx, args.exact_sample)
        results.append(figures)
        for key, value in figures.items():
            if key == "times":
                print(f"  {'step':42} {'wall':>8}   {'cpu':>8}")
                for what, seconds in value.items():
                    print(f"  {what:42} {seconds:8.2f} s {CPU.get(what, 0.0):8.2f} s")
            else:
                print(f"  {key:42} {value}")
        figures["cpu"] = dict(CPU)
        cpu = CPU
        if "betweenness (networkx)" in cpu:
            print(f"  {'networkx / kompass betweenness (cpu)':42} {cpu['betweenness (networkx)'] / cpu['betweenness (kompass)']:8.1f} ×")
        if "betweenness exact (estimated)" in cpu:
            ratio = cpu['betweenness exact (estimated)'] / cpu['betweenness (kompass)']
            print(f"  {'exact / sampled betweenness (cpu)':42} {ratio:8.1f} ×")
        CPU.clear()
    small, big = results
    ratio = big["cpu"]["compute_metrics (all)"] / small["cpu"]["compute_metrics (all)"]
    print(f"\nmetrics (cpu), big / small graph: {ratio:.1f} × for {big['ties'] / small['ties']:.0f} × the ties")
    print(f"metrics on the big graph: {big['times']['compute_metrics (all)']:.1f} s wall, {big['cpu']['compute_metrics (all)']:.1f} s cpu")
    own = big["peak rss MiB"]
    print(f"peak memory: {own:.0f} MiB; target {MEMORY_TARGET_MB} MiB: " + ("ok" if own <= MEMORY_TARGET_MB else "OVER"))
    if kept is not None:
        print_store(kept, big, args.store)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

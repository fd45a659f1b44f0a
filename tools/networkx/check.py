#!/usr/bin/env python3
"""Independent checks of famigraph's network metrics and exports with NetworkX.

  check.py golden FIXTURE GOLDEN [--write]
      recompute degree, weighted degree, betweenness, closeness
      (Wasserman-Faust) and the modularity of the golden partition with
      NetworkX, and compare them with GOLDEN (or write GOLDEN's metrics).
  check.py export DIR
      read the GraphML, GEXF and node-link JSON exports in DIR with NetworkX
      and compare their node and edge counts and attributes with
      DIR/expect.json, written by the Go test (internal/export).
"""
import json
import sys

import networkx as nx

TOL = 1e-6


def build(fixture):
    g = nx.Graph()
    for project, orgs in sorted(fixture["projects"].items()):
        for o in orgs:
            g.add_node(o)
        for i, a in enumerate(orgs):
            for b in orgs[i + 1:]:
                if g.has_edge(a, b):
                    g[a][b]["weight"] += 1
                else:
                    g.add_edge(a, b, weight=1)
    return g


def metrics(g, partition):
    bc = nx.betweenness_centrality(g, normalized=True)
    cl = nx.closeness_centrality(g, wf_improved=True)
    nodes = {}
    for n in sorted(g.nodes):
        nodes[n] = {
            "degree": g.degree(n),
            "weightedDegree": g.degree(n, weight="weight"),
            "betweenness": round(bc[n], 6),
            "closeness": round(cl[n], 6),
        }
    q = nx.community.modularity(g, [set(c) for c in partition], weight="weight")
    return nodes, round(q, 6)


def golden(args):
    fixture_path, golden_path = args[0], args[1]
    write = "--write" in args
    with open(fixture_path) as f:
        fixture = json.load(f)
    with open(golden_path) as f:
        gold = json.load(f)
    g = build(fixture)
    nodes, q = metrics(g, gold["communities"])
    if write:
        gold["nodes"], gold["modularity"] = nodes, q
        gold["networkx"] = nx.__version__
        with open(golden_path, "w") as f:
            json.dump(gold, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"wrote {golden_path}")
        return 0
    bad = 0
    if abs(gold["modularity"] - q) > TOL:
        print(f"modularity: golden {gold['modularity']}, NetworkX {q}")
        bad += 1
    for n, want in nodes.items():
        got = gold["nodes"].get(n)
        for k, v in want.items():
            if got is None or abs(got[k] - v) > TOL:
                print(f"{n} {k}: golden {None if got is None else got.get(k)}, NetworkX {v}")
                bad += 1
    if len(gold["nodes"]) != len(nodes):
        print(f"golden has {len(gold['nodes'])} nodes, NetworkX {len(nodes)}")
        bad += 1
    print(f"golden metrics: {len(nodes)} nodes, modularity {q}: {'ok' if not bad else 'MISMATCH'}")
    return 1 if bad else 0


def export(args):
    d = args[0]
    with open(f"{d}/expect.json") as f:
        expect = json.load(f)
    bad = 0
    for name, want in sorted(expect.items()):
        path = f"{d}/{name}"
        if name.endswith(".graphml"):
            g = nx.read_graphml(path)
        elif name.endswith(".gexf"):
            g = nx.read_gexf(path)
        else:
            with open(path) as f:
                g = nx.node_link_graph(json.load(f), edges="edges")
        if g.number_of_nodes() != want["nodes"] or g.number_of_edges() != want["edges"]:
            print(f"{name}: {g.number_of_nodes()} nodes and {g.number_of_edges()} edges, want {want['nodes']} and {want['edges']}")
            bad += 1
            continue
        for node_id, attrs in want.get("nodeAttrs", {}).items():
            got = g.nodes.get(node_id)
            if got is None:
                print(f"{name}: no node {node_id}")
                bad += 1
                continue
            for k, v in attrs.items():
                gv = got.get(k)
                if isinstance(v, float) or isinstance(gv, float):
                    ok = gv is not None and abs(float(gv) - float(v)) <= TOL
                else:
                    ok = gv == v
                if not ok:
                    print(f"{name}: node {node_id} {k} = {gv!r}, want {v!r}")
                    bad += 1
        for e in want.get("edgeAttrs", []):
            data = g.get_edge_data(e["source"], e["target"])
            if data is None:
                print(f"{name}: no edge {e['source']} -> {e['target']}")
                bad += 1
                continue
            if isinstance(g, nx.MultiGraph) or isinstance(g, nx.MultiDiGraph):
                data = next(iter(data.values()))
            for k, v in e["attrs"].items():
                if data.get(k) != v:
                    print(f"{name}: edge {e['source']} -> {e['target']} {k} = {data.get(k)!r}, want {v!r}")
                    bad += 1
        version = g.graph.get("datasetVersion")
        if not name.endswith(".gexf") and version != expect[name].get("version"):
            print(f"{name}: datasetVersion {version!r}, want {expect[name].get('version')!r}")
            bad += 1
        print(f"{name}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges")
    print("exports: " + ("ok" if not bad else "MISMATCH"))
    return 1 if bad else 0


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("golden", "export"):
        print(__doc__)
        return 2
    return golden(sys.argv[2:]) if sys.argv[1] == "golden" else export(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())

package kg_test

import (
	"encoding/json"
	"flag"
	"maps"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
)

var updateGolden = flag.Bool("update", false, "write testdata/network-golden.json's partition from this code (then run tools/networkx/check.py golden ... --write)")

// goldenNetwork is testdata/network-golden.json: the partition famigraph
// finds on the fixture and the metrics NetworkX computes for it
// (tools/networkx/check.py), which CI recomputes.
type goldenNetwork struct {
	Algorithm   string
	Communities [][]string
	Modularity  float64
	NetworkX    string `json:"networkx"`
	Nodes       map[string]struct {
		Degree         int     `json:"degree"`
		WeightedDegree int     `json:"weightedDegree"`
		Betweenness    float64 `json:"betweenness"`
		Closeness      float64 `json:"closeness"`
	}
}

func fixtureNetwork(t *testing.T) []*kg.Edge {
	t.Helper()
	b, err := os.ReadFile("testdata/network-fixture.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct{ Projects map[string][]string }
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	var parts []*kg.Edge
	for _, p := range slices.Sorted(maps.Keys(fx.Projects)) {
		for _, o := range slices.Sorted(slices.Values(fx.Projects[p])) {
			parts = append(parts, &kg.Edge{Type: kg.RelParticipatesIn, From: o, To: p})
		}
	}
	return parts
}

// TestNetworkMetricsAgreeWithNetworkX checks every metric on a small fixture
// against NetworkX's values.
func TestNetworkMetricsAgreeWithNetworkX(t *testing.T) {
	n, err := kg.BuildNetwork(fixtureNetwork(t), kg.NetworkMetrics{Betweenness: true, Closeness: true, Communities: true})
	if err != nil {
		t.Fatal(err)
	}
	var partition [][]string
	for i, c := range n.Communities {
		if c.ID != i {
			t.Errorf("community %d has id %d", i, c.ID)
		}
		partition = append(partition, c.MemberIDs)
	}
	const path = "testdata/network-golden.json"
	if *updateGolden {
		g := map[string]any{"algorithm": n.Algorithm, "communities": partition, "modularity": 0, "nodes": map[string]any{}}
		b, _ := json.MarshalIndent(g, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("wrote the partition: now run tools/networkx/check.py golden internal/kg/testdata/network-fixture.json " + path + " --write")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var gold goldenNetwork
	if err := json.Unmarshal(b, &gold); err != nil {
		t.Fatal(err)
	}
	if gold.NetworkX == "" || len(gold.Nodes) != 13 {
		t.Fatalf("%s holds no NetworkX values for the 13 organizations", path)
	}
	if !slices.EqualFunc(partition, gold.Communities, slices.Equal) || n.Algorithm != gold.Algorithm {
		t.Errorf("partition %v by %q, golden %v by %q", partition, n.Algorithm, gold.Communities, gold.Algorithm)
	}
	if math.Abs(n.Modularity-gold.Modularity) > 1e-6 {
		t.Errorf("modularity %v, NetworkX %v", n.Modularity, gold.Modularity)
	}
	if len(n.Nodes) != len(gold.Nodes) {
		t.Errorf("%d nodes, NetworkX %d", len(n.Nodes), len(gold.Nodes))
	}
	for _, node := range n.Nodes {
		want, ok := gold.Nodes[node.OrgID]
		if !ok || node.Degree != want.Degree || node.WeightedDegree != want.WeightedDegree ||
			math.Abs(node.Betweenness-want.Betweenness) > 1e-6 || math.Abs(node.Closeness-want.Closeness) > 1e-6 ||
			n.Communities[node.Community].MemberIDs[0] > node.OrgID {
			t.Errorf("%s: %+v, NetworkX %+v", node.OrgID, node, want)
		}
	}
	// The same network gives the same partition, every time.
	for i := 0; i < 20; i++ {
		again, err := kg.BuildNetwork(fixtureNetwork(t), kg.NetworkMetrics{Communities: true})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(again.Communities, n.Communities, func(a, b kg.Community) bool { return slices.Equal(a.MemberIDs, b.MemberIDs) }) ||
			again.Modularity != n.Modularity {
			t.Fatalf("run %d: communities %v, first run %v", i, again.Communities, n.Communities)
		}
	}
}

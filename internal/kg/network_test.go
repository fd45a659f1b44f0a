package kg_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
)

func participations(projects int, orgsPer func(p int) []string) []*kg.Edge {
	var out []*kg.Edge
	for p := 0; p < projects; p++ {
		for _, o := range orgsPer(p) {
			out = append(out, &kg.Edge{Type: kg.RelParticipatesIn, From: o, To: fmt.Sprintf("project:p%05d", p)})
		}
	}
	return out
}

func TestBuildNetwork(t *testing.T) {
	// A path a - b - c through two projects: b is on the only shortest path
	// between a and c.
	parts := participations(2, func(p int) []string {
		return [][]string{{"org:a", "org:b"}, {"org:b", "org:c"}}[p]
	})
	n, err := kg.BuildNetwork(parts, kg.NetworkMetrics{Betweenness: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Nodes) != 3 || n.Nodes[0].OrgID != "org:b" || n.Nodes[0].Degree != 2 || n.Nodes[0].Betweenness != 1 ||
		n.Nodes[1].Betweenness != 0 || len(n.Edges) != 2 || n.Edges[0].Source != "org:a" || n.Edges[0].Target != "org:b" {
		t.Errorf("network = %+v", n)
	}
	if n, _ := kg.BuildNetwork(parts, kg.NetworkMetrics{}); n.Nodes[0].Betweenness != 0 {
		t.Errorf("betweenness computed though not asked: %+v", n.Nodes[0])
	}
}

func TestBuildNetworkBounds(t *testing.T) {
	chain := participations(kg.MaxBetweennessNodes, func(p int) []string {
		return []string{fmt.Sprintf("org:o%05d", p), fmt.Sprintf("org:o%05d", p+1)}
	})
	if _, err := kg.BuildNetwork(chain, kg.NetworkMetrics{}); err != nil {
		t.Errorf("a large network without betweenness: %v", err)
	}
	if _, err := kg.BuildNetwork(chain, kg.NetworkMetrics{Betweenness: true}); kg.ErrorCode(err) != kg.EINVALID {
		t.Errorf("betweenness of %d organizations: err %v, want a BAD_INPUT error", kg.MaxBetweennessNodes+1, err)
	}
	crowd := participations(1, func(int) []string {
		var orgs []string
		for i := 0; i < 700; i++ { // 244,650 pairs
			orgs = append(orgs, fmt.Sprintf("org:o%05d", i))
		}
		return orgs
	})
	if _, err := kg.BuildNetwork(crowd, kg.NetworkMetrics{}); kg.ErrorCode(err) != kg.EINVALID {
		t.Errorf("a network of 244,650 links: err %v, want a BAD_INPUT error", err)
	}
}

func TestBuildNetworkGivesUp(t *testing.T) {
	chain := participations(50, func(p int) []string {
		return []string{fmt.Sprintf("org:o%05d", p), fmt.Sprintf("org:o%05d", p+1)}
	})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := kg.BuildNetworkContext(ctx, chain, kg.NetworkMetrics{Closeness: true}); kg.ErrorCode(err) != kg.EUNAVAILABLE {
		t.Errorf("cancelled: error %v, want the cancellation", err)
	}
	if _, err := kg.BuildNetworkContext(t.Context(), chain, kg.NetworkMetrics{Closeness: true, Communities: true}); err != nil {
		t.Errorf("not cancelled: %v", err)
	}
}

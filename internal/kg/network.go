package kg

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

// Network is the co-participation network of a set of projects: bodies are
// linked when they take part in the same project.
type Network struct {
	Nodes []NetworkNode // by degree (highest first), then id
	Edges []NetworkEdge // by weight (highest first), then source, then target
}

// NetworkNode is a body of the network.
type NetworkNode struct {
	OrgID string
	// Degree is the number of distinct partners.
	Degree int
	// Projects is the number of the network's projects the body takes part in.
	Projects int
	// Betweenness is the normalised betweenness centrality, in [0, 1]: the
	// share of shortest paths between other bodies that pass through it.
	// Zero unless asked for.
	Betweenness float64
}

// NetworkEdge links two bodies that share projects; Source < Target.
type NetworkEdge struct {
	Source     string
	Target     string
	Weight     int
	ProjectIDs []string // in id order
}

// Bounds on network analysis: betweenness costs O(nodes × edges).
const (
	MaxBetweennessNodes = 2000
	MaxNetworkEdges     = 20000
)

// BuildNetwork computes the co-participation network of the PARTICIPATES_IN
// edges, which must be ordered by project id, then body id, and the
// betweenness of its nodes if asked.
func BuildNetwork(parts []*Edge, betweenness bool) (*Network, error) {
	byProject := map[string][]string{}
	var projects []string
	projectsOf := map[string]int{}
	for _, e := range parts {
		if _, seen := byProject[e.To]; !seen {
			projects = append(projects, e.To)
		}
		byProject[e.To] = append(byProject[e.To], e.From)
		projectsOf[e.From]++
	}
	type pair struct{ a, b string }
	shared := map[pair][]string{}
	var pairs []pair
	for _, p := range projects {
		orgs := byProject[p]
		for i := 0; i < len(orgs); i++ {
			for j := i + 1; j < len(orgs); j++ {
				k := pair{orgs[i], orgs[j]}
				if k.b < k.a {
					k.a, k.b = k.b, k.a
				}
				if _, seen := shared[k]; !seen {
					pairs = append(pairs, k)
					if len(pairs) > MaxNetworkEdges {
						return nil, Errorf(EINVALID, "the network has more than %d links: filter it by callIds or regionIds", MaxNetworkEdges)
					}
				}
				shared[k] = append(shared[k], p)
			}
		}
	}

	if betweenness && len(projectsOf) > MaxBetweennessNodes {
		return nil, Errorf(EINVALID, "betweenness is computed for networks of at most %d organizations and this one has %d: filter it by callIds or regionIds, or leave betweenness out", MaxBetweennessNodes, len(projectsOf))
	}
	n := &Network{}
	ids := make([]string, 0, len(projectsOf))
	for id := range projectsOf {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	index := make(map[string]int64, len(ids))
	g := simple.NewUndirectedGraph()
	for i, id := range ids {
		index[id] = int64(i)
		g.AddNode(simple.Node(i))
	}
	degree := map[string]int{}
	for _, k := range pairs {
		n.Edges = append(n.Edges, NetworkEdge{Source: k.a, Target: k.b, Weight: len(shared[k]), ProjectIDs: shared[k]})
		degree[k.a]++
		degree[k.b]++
		g.SetEdge(simple.Edge{F: simple.Node(index[k.a]), T: simple.Node(index[k.b])})
	}
	var bc map[int64]float64
	if betweenness {
		bc = network.Betweenness(g)
	}
	norm := float64((len(ids) - 1) * (len(ids) - 2))
	for _, id := range ids {
		node := NetworkNode{OrgID: id, Degree: degree[id], Projects: projectsOf[id]}
		if betweenness && norm > 0 {
			node.Betweenness = round6(bc[index[id]] / norm)
		}
		n.Nodes = append(n.Nodes, node)
	}
	slices.SortFunc(n.Nodes, func(a, b NetworkNode) int {
		return cmp.Or(cmp.Compare(b.Degree, a.Degree), cmp.Compare(a.OrgID, b.OrgID))
	})
	slices.SortFunc(n.Edges, func(a, b NetworkEdge) int {
		return cmp.Or(cmp.Compare(b.Weight, a.Weight), cmp.Compare(a.Source, b.Source), cmp.Compare(a.Target, b.Target))
	})
	return n, nil
}

// round6 rounds to six decimals, so that results do not depend on the order
// of floating-point sums.
func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

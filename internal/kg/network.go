package kg

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

// Network is the co-participation network of a set of projects: bodies are
// linked when they take part in the same project.
type Network struct {
	Nodes []NetworkNode // by degree (highest first), then id
	Edges []NetworkEdge // by weight (highest first), then source, then target
	// Communities are the communities found, largest first (then by their
	// first member's id); empty unless asked for.
	Communities []Community
	// Modularity is that of the partition into Communities, weighted by the
	// links' weights; zero unless asked for, and for a network without links.
	Modularity float64
	// Algorithm names the community detection and its parameters.
	Algorithm string
}

// NetworkNode is a body of the network.
type NetworkNode struct {
	OrgID string
	// Degree is the number of distinct partners.
	Degree int
	// WeightedDegree is the sum of the weights of its links: the number of
	// (partner, shared project) pairs.
	WeightedDegree int
	// Projects is the number of the network's projects the body takes part in.
	Projects int
	// Betweenness is the normalised betweenness centrality, in [0, 1]: the
	// share of shortest paths between other bodies that pass through it.
	// Zero unless asked for.
	Betweenness float64
	// Closeness is the closeness centrality in [0, 1] with the Wasserman and
	// Faust correction for disconnected networks: (r/(n-1)) * (r/d), where r
	// bodies are reachable from it at a total of d hops and n bodies are in
	// the network; 0 for a body that reaches none. Zero unless asked for.
	Closeness float64
	// Community is the index of its community in Network.Communities; zero
	// unless communities are asked for.
	Community int
}

// NetworkEdge links two bodies that share projects; Source < Target.
type NetworkEdge struct {
	Source     string
	Target     string
	Weight     int
	ProjectIDs []string // in id order
}

// Community is a set of bodies that work more with each other than with the
// rest of the network.
type Community struct {
	ID        int      // its index in Network.Communities
	MemberIDs []string // in id order
}

// Size is the number of members.
func (c *Community) Size() int { return len(c.MemberIDs) }

// NetworkMetrics says which of the costlier metrics to compute.
type NetworkMetrics struct {
	Betweenness bool
	Closeness   bool
	Communities bool
}

// Bounds on network analysis: betweenness and closeness cost
// O(nodes × links), community detection about O(links × log nodes).
const (
	MaxBetweennessNodes = 2000
	MaxNetworkEdges     = 20000
)

// The community detection: gonum's Louvain implementation
// (community.Modularize) at resolution 1 with a fixed seed, on the network
// weighted by shared projects. Nodes are numbered in id order, so the same
// network always gives the same partition.
const (
	louvainResolution = 1
	louvainSeed       = 1
)

// CommunityAlgorithm describes the community detection, as
// PartnershipNetwork.algorithm reports it.
var CommunityAlgorithm = fmt.Sprintf("louvain resolution=%d seed=%d (gonum community.Modularize, weighted by shared projects)", louvainResolution, louvainSeed)

// BuildNetwork computes the co-participation network of the PARTICIPATES_IN
// edges, which must be ordered by project id, then body id, and the metrics
// asked for.
func BuildNetwork(parts []*Edge, m NetworkMetrics) (*Network, error) {
	return BuildNetworkContext(context.Background(), parts, m)
}

// BuildNetworkContext is BuildNetwork that gives up when ctx is done: it
// checks between the stages and, for closeness, between source nodes
// (gonum's betweenness runs to its end once started).
func BuildNetworkContext(ctx context.Context, parts []*Edge, m NetworkMetrics) (*Network, error) {
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
						return nil, Errorf(EINVALID, "the network has more than %d links: filter it by callIds, regionIds, kinds or dates", MaxNetworkEdges)
					}
				}
				shared[k] = append(shared[k], p)
			}
		}
	}

	if (m.Betweenness || m.Closeness) && len(projectsOf) > MaxBetweennessNodes {
		return nil, Errorf(EINVALID, "betweenness and closeness are computed for networks of at most %d organizations and this one has %d: filter it by callIds, regionIds, kinds or dates, or leave them out", MaxBetweennessNodes, len(projectsOf))
	}
	n := &Network{Algorithm: CommunityAlgorithm}
	ids := make([]string, 0, len(projectsOf))
	for id := range projectsOf {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	index := make(map[string]int64, len(ids))
	g := simple.NewWeightedUndirectedGraph(0, 0)
	for i, id := range ids {
		index[id] = int64(i)
		g.AddNode(simple.Node(i))
	}
	degree := map[string]int{}
	weighted := map[string]int{}
	for _, k := range pairs {
		w := len(shared[k])
		n.Edges = append(n.Edges, NetworkEdge{Source: k.a, Target: k.b, Weight: w, ProjectIDs: shared[k]})
		degree[k.a]++
		degree[k.b]++
		weighted[k.a] += w
		weighted[k.b] += w
		g.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(index[k.a]), T: simple.Node(index[k.b]), W: float64(w)})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var bc map[int64]float64
	if m.Betweenness {
		bc = network.Betweenness(g)
	}
	var cl []float64
	if m.Closeness {
		var err error
		if cl, err = closeness(ctx, g, len(ids)); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	community := make([]int, len(ids))
	if m.Communities {
		community = n.detectCommunities(g, ids)
	}
	norm := float64((len(ids) - 1) * (len(ids) - 2))
	for i, id := range ids {
		node := NetworkNode{OrgID: id, Degree: degree[id], WeightedDegree: weighted[id], Projects: projectsOf[id],
			Community: community[i]}
		if m.Betweenness && norm > 0 {
			node.Betweenness = round6(bc[index[id]] / norm)
		}
		if m.Closeness {
			node.Closeness = round6(cl[i])
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

// detectCommunities partitions g (node i is ids[i]) with Louvain, fills
// n.Communities and n.Modularity and returns the community of each node.
func (n *Network) detectCommunities(g *simple.WeightedUndirectedGraph, ids []string) []int {
	of := make([]int, len(ids))
	n.Communities = []Community{}
	if len(ids) == 0 {
		return of
	}
	reduced := community.Modularize(g, louvainResolution, rand.NewPCG(louvainSeed, louvainSeed))
	parts := reduced.Communities()
	var members [][]int
	for _, c := range parts {
		if len(c) == 0 {
			continue
		}
		ms := make([]int, len(c))
		for i, node := range c {
			ms[i] = int(node.ID())
		}
		slices.Sort(ms)
		members = append(members, ms)
	}
	// Largest first, then by first member: ids sort as their indexes do.
	slices.SortFunc(members, func(a, b []int) int { return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a[0], b[0])) })
	partition := make([][]graph.Node, len(members))
	for ci, ms := range members {
		c := Community{ID: ci, MemberIDs: make([]string, len(ms))}
		for j, i := range ms {
			c.MemberIDs[j] = ids[i]
			of[i] = ci
			partition[ci] = append(partition[ci], simple.Node(i))
		}
		n.Communities = append(n.Communities, c)
	}
	if g.Edges().Len() > 0 {
		n.Modularity = round6(community.Q(g, partition, louvainResolution))
	}
	return of
}

// closeness returns the Wasserman-Faust closeness of the nodes 0..count-1
// of g, by breadth-first search from each (hop distances).
func closeness(ctx context.Context, g graph.Undirected, count int) ([]float64, error) {
	out := make([]float64, count)
	if count < 2 {
		return out, nil
	}
	dist := make([]int, count)
	queue := make([]int64, 0, count)
	for s := 0; s < count; s++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for i := range dist {
			dist[i] = -1
		}
		dist[s] = 0
		queue = append(queue[:0], int64(s))
		reached, total := 0, 0
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			to := g.From(u)
			for to.Next() {
				v := to.Node().ID()
				if dist[v] < 0 {
					dist[v] = dist[u] + 1
					reached++
					total += dist[v]
					queue = append(queue, v)
				}
			}
		}
		if total > 0 {
			r := float64(reached)
			out[s] = (r / float64(total)) * (r / float64(count-1))
		}
	}
	return out, nil
}

// round6 rounds to six decimals, so that results do not depend on the order
// of floating-point sums.
func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

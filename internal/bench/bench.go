// Package bench measures famigraph: the core queries, a store that counts
// its calls, the server as `famigraph serve` wires it, and an HTTP load
// driver shared by the HTTP benchmark and the load test.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/gen"
	"github.com/famigraph/famigraph/internal/httpapi"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/seed"
	"github.com/famigraph/famigraph/internal/server"
)

// Query is a named GraphQL request.
type Query struct {
	Name string
	Text string
}

// Body returns the JSON body of a POST /graphql request.
func (q Query) Body() []byte {
	b, err := json.Marshal(map[string]string{"query": q.Text})
	if err != nil {
		panic(err) // a string map always encodes
	}
	return b
}

// MapQuery is the map front-end's query: every region with its calls, plans
// and partners, in one request (the README's first example).
const MapQuery = `{
  regions {
    id name nutsCode centroid { lat lon }
    calls { id name }
    projects {
      id title call { name } budgetEUR
      participants { role organization { id name kind } }
    }
  }
}`

// Queries returns the core queries, naming records of the real seed with
// suffix appended to each id: "" for the real seed, SyntheticSuffix for a
// generated one (whose copy 0 then answers). "network" is one call's
// partnership network, "network-all" the whole graph's with betweenness,
// "network-all-nobc" the same without betweenness. Betweenness costs
// O(nodes x edges), so the server refuses it (BAD_INPUT) above
// kg.MaxBetweennessNodes organizations: "network-all" is accepted up to
// scale 11 (1 681 organizations at scale 10, 2 014 at 12) and refused
// beyond, where "network-all-nobc" is what a client may ask, up to
// kg.MaxNetworkEdges links (8 698 at scale 10; refused at scale 100, 87 268).
// "network-communities" adds closeness and Louvain communities to one
// call's network, "network-all-communities" communities to the whole one;
// "continuity" compares IMPACT and PRIMA with 1/2023 in every region,
// "funding" groups every project by call and region.
func Queries(suffix string) []Query {
	id := func(s string) string { return s + suffix }
	return []Query{
		{"map", MapQuery},
		{"partners", fmt.Sprintf(`{
  organization(id: %q) {
    id name
    participations { role project { id title call { name } participants { role organization { id name kind } } } }
  }
}`, id("org:comune-porto-recanati"))},
		{"search", `{ search(text: "comune", first: 20) { score node { id ... on Organization { name } ... on Project { title } } } }`},
		{"paths", fmt.Sprintf(`{
  paths(from: %q, to: %q, relations: ["PARTICIPATES_IN"]) {
    length relations nodes { id ... on Project { title } }
  }
}`, id("org:comune-porto-recanati"), id("org:ats-19-marche"))},
		{"lineage", fmt.Sprintf(`{
  lineage(of: %q) {
    depth relation from { id } to { id ... on Call { name } }
    sources { title url quote confidence }
  }
}`, id("call:avviso-1-2023"))},
		{"network", fmt.Sprintf(`{
  partnershipNetwork(callIds: [%q]) {
    nodes { organization { id name kind } degree betweenness }
    edges { source target weight projects { id title } }
  }
}`, id("call:impact"))},
		{"network-all", `{
  partnershipNetwork {
    nodes { organization { id name kind } degree betweenness }
    edges { source target weight projects { id title } }
  }
}`},
		{"network-all-nobc", `{
  partnershipNetwork {
    nodes { organization { id name kind } degree }
    edges { source target weight projects { id title } }
  }
}`},
		{"network-communities", fmt.Sprintf(`{
  partnershipNetwork(callIds: [%q]) {
    nodes { organization { id name kind } degree weightedDegree closeness community }
    communities { id size members { id } } modularity algorithm
  }
}`, id("call:impact"))},
		{"network-all-communities", `{
  partnershipNetwork {
    nodes { organization { id } weightedDegree community }
    communities { id size } modularity
  }
}`},
		{"continuity", fmt.Sprintf(`{
  continuity(fromCallIds: [%q, %q], toCallIds: [%q]) {
    region { id name } earlier { id } later { id }
    persisting { organization { id name } rolesBefore rolesAfter }
    joined { id } left { id } retention
    links { from { id } to { id } relation sources { title quote } }
  }
}`, id("call:impact"), id("call:prima"), id("call:avviso-1-2023"))},
		{"funding", `{
  funding(groupBy: [CALL, REGION]) {
    call { id } region { id } projects projectsWithBudget budgetEUR organizations
  }
}`},
	}
}

// IsBadInput reports whether body is a GraphQL response whose first error
// has the code BAD_INPUT: a request the server's bounds refuse.
func IsBadInput(body []byte) bool {
	return ErrorCode(body) == graph.CodeBadInput
}

// SyntheticSuffix is the id suffix of copy 0 of a generated network.
const SyntheticSuffix = gen.IDSuffix + "0"

// QueryNamed returns the query with the name from qs.
func QueryNamed(qs []Query, name string) (Query, bool) {
	for _, q := range qs {
		if q.Name == name {
			return q, true
		}
	}
	return Query{}, false
}

// ServerConfig is what NewServer needs besides the store. Its zero value
// is serve's defaults for the embedded store.
type ServerConfig struct {
	// Wait is the loaders' batching window (graph.LoaderConfig.Wait).
	Wait time.Duration
	// Logger receives the request log; nil discards it (still formatting
	// every line, as the real server does).
	Logger *slog.Logger
	// NoMetrics leaves out the Prometheus instrumentation, which serve
	// enables by default.
	NoMetrics bool
	// ResponseCacheBytes is the size of the response cache, as serve's
	// --response-cache: nil is serve's default for the embedded store,
	// httpapi.DefaultResponseCacheBytes; 0 disables it, as serve does for
	// Neo4j. Benchmark the uncached server to measure what a new query
	// costs; the cached one is how serve answers a repeated query.
	ResponseCacheBytes *int64
	// MaxInFlight is the bound on GraphQL requests executed at once, as
	// serve's --max-in-flight: 0 is serve's default for the store,
	// httpapi.DefaultMaxInFlight; negative disables it.
	MaxInFlight int
	// MaxQueue and MaxQueueWait are the admission queue's length and
	// longest wait, as serve's: 0 is serve's default (as many as
	// MaxInFlight; httpapi.DefaultMaxQueueWait), negative none.
	MaxQueue     int
	MaxQueueWait time.Duration
}

// InFlight returns the admission bound the config asks for over store (0:
// none).
func (c ServerConfig) InFlight(store kg.Store) int {
	switch {
	case c.MaxInFlight == 0:
		return httpapi.DefaultMaxInFlight(kg.IsLocal(store))
	case c.MaxInFlight < 0:
		return 0
	}
	return c.MaxInFlight
}

// CacheBytes returns the response cache size the config asks for.
func (c ServerConfig) CacheBytes() int64 {
	if c.ResponseCacheBytes == nil {
		return httpapi.DefaultResponseCacheBytes
	}
	return max(0, *c.ResponseCacheBytes)
}

// NewServer returns the HTTP handler `famigraph serve` builds over store
// with its default flags (server.New): the router with its middleware,
// metrics and response cache, over the GraphQL handler with the default
// limits.
func NewServer(store kg.Store, cfg ServerConfig) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	cache := cfg.CacheBytes()
	if cfg.ResponseCacheBytes == nil && !kg.IsImmutable(store) {
		cache = 0 // as famigraph serve over Neo4j: no cache over data that can change
	}
	return server.New(store, server.Config{
		GraphQL: graph.ServerConfig{Introspection: true, Loaders: graph.LoaderConfig{Wait: cfg.Wait}},
		HTTP: httpapi.Config{Logger: cfg.Logger, MaxBodyBytes: httpapi.DefaultMaxBodyBytes,
			Timeout: httpapi.DefaultTimeout, Playground: true, ResponseCacheBytes: cache, MaxInFlight: cfg.InFlight(store),
			MaxQueue: cfg.MaxQueue, MaxQueueWait: cfg.MaxQueueWait},
		Metrics: !cfg.NoMetrics,
	})
}

var (
	tmplMu    sync.Mutex
	tmplFiles = map[string]*seed.Files{}
)

// Template reads (once per directory) the real seed that synthetic
// networks copy.
func Template(dir string) (*seed.Files, error) {
	tmplMu.Lock()
	defer tmplMu.Unlock()
	if f, ok := tmplFiles[dir]; ok {
		return f, nil
	}
	f, err := gen.Template(os.DirFS(dir))
	if err != nil {
		return nil, err
	}
	tmplFiles[dir] = f
	return f, nil
}

// Dataset returns the network at a scale: the real seed in dir for scale 0,
// else a synthetic network of that many copies (rand seed 1).
func Dataset(dir string, scale int) (*kg.Dataset, string, error) {
	if scale == 0 {
		ds, err := seed.LoadDir(dir)
		return ds, "", err
	}
	tmpl, err := Template(dir)
	if err != nil {
		return nil, "", err
	}
	ds, err := gen.Dataset(tmpl, gen.Options{Scale: scale, RandSeed: 1})
	return ds, SyntheticSuffix, err
}

// Counting wraps a store and counts the calls made to it: the round trips a
// remote store would make.
type Counting struct {
	kg.Store
	n atomic.Int64
}

var _ kg.Store = (*Counting)(nil)

// Unwrap returns the store counted (see kg.IsImmutable).
func (c *Counting) Unwrap() kg.Store { return c.Store }

// Count returns the number of calls so far.
func (c *Counting) Count() int64 { return c.n.Load() }

// Reset sets the count to zero.
func (c *Counting) Reset() { c.n.Store(0) }

// Nodes implements kg.Store.
func (c *Counting) Nodes(ctx context.Context, ids []string) ([]kg.Node, error) {
	c.n.Add(1)
	return c.Store.Nodes(ctx, ids)
}

// Related implements kg.Store.
func (c *Counting) Related(ctx context.Context, q kg.NodeQuery, ids []string, w kg.Where) ([][]kg.Node, error) {
	c.n.Add(1)
	return c.Store.Related(ctx, q, ids, w)
}

// Edges implements kg.Store.
func (c *Counting) Edges(ctx context.Context, q kg.EdgeQuery, ids []string) ([][]*kg.Edge, error) {
	c.n.Add(1)
	return c.Store.Edges(ctx, q, ids)
}

// Regions implements kg.Store.
func (c *Counting) Regions(ctx context.Context) ([]*kg.Region, error) {
	c.n.Add(1)
	return c.Store.Regions(ctx)
}

// RegionsByNUTS implements kg.Store.
func (c *Counting) RegionsByNUTS(ctx context.Context, codes []string) ([]*kg.Region, error) {
	c.n.Add(1)
	return c.Store.RegionsByNUTS(ctx, codes)
}

// Calls implements kg.Store.
func (c *Counting) Calls(ctx context.Context) ([]*kg.Call, error) {
	c.n.Add(1)
	return c.Store.Calls(ctx)
}

// Funds implements kg.Store.
func (c *Counting) Funds(ctx context.Context) ([]*kg.Fund, error) {
	c.n.Add(1)
	return c.Store.Funds(ctx)
}

// Organizations implements kg.Store.
func (c *Counting) Organizations(ctx context.Context, f kg.OrganizationFilter, p kg.Page) (*kg.OrgPage, error) {
	c.n.Add(1)
	return c.Store.Organizations(ctx, f, p)
}

// Projects implements kg.Store.
func (c *Counting) Projects(ctx context.Context, f kg.ProjectFilter, p kg.Page) (*kg.ProjectPage, error) {
	c.n.Add(1)
	return c.Store.Projects(ctx, f, p)
}

// Search implements kg.Store.
func (c *Counting) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	c.n.Add(1)
	return c.Store.Search(ctx, q)
}

// Participations implements kg.Store.
func (c *Counting) Participations(ctx context.Context, f kg.NetworkFilter) ([]*kg.Edge, error) {
	c.n.Add(1)
	return c.Store.Participations(ctx, f)
}

// Paths implements kg.Store.
func (c *Counting) Paths(ctx context.Context, q kg.PathQuery) ([]kg.Path, error) {
	c.n.Add(1)
	return c.Store.Paths(ctx, q)
}

// Lineage implements kg.Store.
func (c *Counting) Lineage(ctx context.Context, q kg.LineageQuery) ([]kg.LineageLink, error) {
	c.n.Add(1)
	return c.Store.Lineage(ctx, q)
}

// Dataset implements kg.Store.
func (c *Counting) Dataset(ctx context.Context) (*kg.Dataset, error) {
	c.n.Add(1)
	return c.Store.Dataset(ctx)
}

// Stats implements kg.Store.
func (c *Counting) Stats(ctx context.Context) (kg.Stats, error) {
	c.n.Add(1)
	return c.Store.Stats(ctx)
}

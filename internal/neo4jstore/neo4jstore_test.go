package neo4jstore_test

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/neo4jstore"
	"github.com/famigraph/famigraph/internal/neo4jtest"
)

// openNeo4j is the store of the Neo4j NEO4J_URI names, migrated, which
// the test may overwrite (see neo4jtest.Open).
func openNeo4j(t *testing.T) *neo4jstore.Store { return neo4jtest.Open(t) }

// seedFor loads ds into s and deletes it when the test ends.
func seedFor(t *testing.T, s *neo4jstore.Store, ds *kg.Dataset) *neo4jstore.SeedReport {
	return neo4jtest.Seed(t, s, ds)
}

// TestConformance runs the conformance suite against Neo4j.
func TestConformance(t *testing.T) {
	s := openNeo4j(t)
	kgtest.Run(t, func(t *testing.T, ds *kg.Dataset) kg.Store {
		seedFor(t, s, ds)
		return s
	})
}

// TestServerVersion checks that the suite runs against Neo4j 5.
func TestServerVersion(t *testing.T) {
	s := openNeo4j(t)
	edition, version, err := s.ServerVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(version, "5.") {
		t.Errorf("Neo4j %s %s: the adapter targets Neo4j 5", edition, version)
	}
	t.Logf("neo4j: %s %s", edition, version)
}

// TestSeedIsIdempotent seeds the fixture twice and then a smaller dataset.
func TestSeedIsIdempotent(t *testing.T) {
	s := openNeo4j(t)
	ds := kgtest.Fixture(t)
	rep := seedFor(t, s, ds)
	if rep.Nodes.Created != len(ds.Nodes) || rep.Relationships.Created != len(ds.Edges) {
		t.Errorf("first seed: %+v", rep)
	}
	rep, err := s.Seed(t.Context(), ds, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (neo4jstore.SeedReport{Nodes: neo4jstore.SeedCounts{Unchanged: len(ds.Nodes)},
		Relationships: neo4jstore.SeedCounts{Unchanged: len(ds.Edges)}}); *rep != want {
		t.Errorf("second seed: %+v, want %+v", *rep, want)
	}
	smaller := &kg.Dataset{}
	for _, n := range ds.Nodes {
		if n.NodeID() != "initiative:altro" {
			smaller.Nodes = append(smaller.Nodes, n)
		}
	}
	for _, e := range ds.Edges {
		if e.From != "initiative:altro" && e.To != "initiative:altro" {
			smaller.Edges = append(smaller.Edges, e)
		}
	}
	rep, err = s.Seed(t.Context(), smaller, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Nodes.Deleted != 1 || rep.Relationships.Deleted != len(ds.Edges)-len(smaller.Edges) {
		t.Errorf("seed without initiative:altro: %+v", rep)
	}
}

// The fault tests below use the real driver and need no Neo4j: they point
// it at addresses on the loopback interface where no Neo4j answers.

// TestUnreachable checks that a store whose Neo4j is down answers at once
// with UNAVAILABLE, without hanging.
func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connections are refused
	s, err := neo4jstore.Open(neo4jstore.Config{URI: "bolt://" + addr, User: "neo4j", Password: "secret",
		ConnectTimeout: 500 * time.Millisecond, MaxRetryTime: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	start := time.Now()
	if err := s.Ping(t.Context()); kg.ErrorCode(err) != kg.EUNAVAILABLE {
		t.Errorf("Ping: %v, want %s", err, kg.EUNAVAILABLE)
	}
	_, err = s.Nodes(t.Context(), []string{"call:x"})
	if kg.ErrorCode(err) != kg.EUNAVAILABLE || kg.ErrorMessage(err) != "the graph database is unavailable" {
		t.Errorf("Nodes: %v (%q), want %s", err, kg.ErrorMessage(err), kg.EUNAVAILABLE)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to fail", d)
	}
}

// TestSilentServer points the driver at a port that accepts connections
// and never answers: the request's deadline ends the call with TIMEOUT, and
// without one the connection timeout ends it with UNAVAILABLE.
func TestSilentServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	defer close(done)
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // hold it open, say nothing
			select {
			case <-done:
				return
			default:
			}
		}
	}()
	s, err := neo4jstore.Open(neo4jstore.Config{URI: "bolt://" + ln.Addr().String(),
		ConnectTimeout: 300 * time.Millisecond, MaxRetryTime: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())

	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := s.Calls(ctx); kg.ErrorCode(err) != kg.ETIMEOUT {
		t.Errorf("Calls under a 150ms deadline: %v, want %s", err, kg.ETIMEOUT)
	}
	if _, err := s.Calls(t.Context()); kg.ErrorCode(err) != kg.EUNAVAILABLE {
		t.Errorf("Calls without a deadline: %v, want %s", err, kg.EUNAVAILABLE)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v to fail", d)
	}
}

// TestLookupsSeekByID checks that every read that starts from a list of
// ids ($ids: Nodes, Related, Edges) finds each record by one seek of the id
// index and reaches the rest by following relationships, whatever the
// way it was written: a network ten times the real seed's seeded into a
// database whose statistics are those of the empty database (Seed then
// refreshes them), the same after a second sampling, and the real seed. A scan (of an index, a label or every node) or a read of a
// relationship index makes the work grow with the number of ids times the
// size of the graph, whatever the answer: Neo4j 5.26 planned the related
// and edges statements, on the statistics of the database before a seed,
// as a scan of the whole id index for each id (~1.5 s of Neo4j's CPU for a
// map request at scale 10), and the projects' leads as a read of every LEAD
// participation for each project.
func TestLookupsSeekByID(t *testing.T) {
	s := openNeo4j(t)
	x10 := kgtest.Scaled(t, 10)
	run := func(calls ...string) {
		for _, call := range calls {
			if _, err := s.RunCypherForTest(t.Context(), call, nil); err != nil {
				t.Fatalf("%s: %v", call, err)
			}
		}
	}
	const resample, clearPlans = "CALL db.resampleIndex('entity_id')", "CALL db.clearQueryCaches()"
	if err := s.Wipe(t.Context()); err != nil {
		t.Fatal(err)
	}
	run(resample)
	seedFor(t, s, x10)
	run(clearPlans)
	checkLookupPlans(t, s, "x10 seeded into an empty database", x10)
	run(resample, clearPlans)
	checkLookupPlans(t, s, "x10", x10)
	if err := s.Wipe(t.Context()); err != nil {
		t.Fatal(err)
	}
	seed := kgtest.RealSeed(t)
	if _, err := s.Seed(t.Context(), seed, nil); err != nil {
		t.Fatal(err)
	}
	run(resample, clearPlans)
	checkLookupPlans(t, s, "seed", seed)
}

// checkLookupPlans reads the plan of every lookup by ids, asked as the
// prefetcher asks (many ids at once; here every record's), and fails on a
// scan.
func checkLookupPlans(t *testing.T, s *neo4jstore.Store, name string, ds *kg.Dataset) {
	t.Helper()
	scans := []string{"AllNodesScan", "NodeByLabelScan", "NodeIndexScan", "NodeUniqueIndexScan",
		"DirectedRelationshipIndexScan", "UndirectedRelationshipIndexScan",
		"DirectedRelationshipIndexSeek", "UndirectedRelationshipIndexSeek",
		"DirectedRelationshipTypeScan", "UndirectedRelationshipTypeScan",
		"DirectedAllRelationshipsScan", "UndirectedAllRelationshipsScan"}
	params := neo4jstore.ExampleParams()
	ids := make([]any, len(ds.Nodes))
	for i, n := range ds.Nodes {
		ids[i] = n.NodeID()
	}
	params["ids"] = ids
	checked := 0
	for _, st := range neo4jstore.Statements() {
		// nodesByAlias scans the records that have aliases by design (the
		// ids the seek did not find).
		lookup := strings.HasPrefix(st.Name, "nodes") || strings.HasPrefix(st.Name, "related.") || strings.HasPrefix(st.Name, "edges.")
		if !lookup || strings.HasPrefix(st.Name, "nodesByAlias") || !slices.Contains(st.Params, "ids") {
			continue
		}
		ops, err := s.PlanOperatorsForTest(t.Context(), st.Cypher, params)
		if err != nil {
			t.Fatalf("%s: %s: %v", name, st.Name, err)
		}
		checked++
		if i := slices.IndexFunc(ops, func(op string) bool { return slices.Contains(scans, op) }); i >= 0 {
			t.Errorf("%s: %s: the plan reads more than the ids lead to (%s): %v", name, st.Name, ops[i], ops)
		}
	}
	if checked < 20 {
		t.Errorf("%s: checked %d statements, expected the lookups of every catalogue row", name, checked)
	}
	t.Logf("%s: %d lookups seek by id", name, checked)
}

package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/seed"
)

// fakeStore returns a store over a fake Neo4j seeded with ds.
func fakeStore(t *testing.T, ds *kg.Dataset) (*Store, *fakeNeo4j) {
	t.Helper()
	f := newFake(t, ds)
	s := newStore(f, Config{})
	if _, err := s.Seed(t.Context(), ds, nil); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return s, f
}

// datasets returns the fixture, and the real seed when it loads.
func datasets(t *testing.T) map[string]*kg.Dataset {
	t.Helper()
	out := map[string]*kg.Dataset{"fixture": kgtest.Fixture(t)}
	if ds, err := seed.LoadDir(kgtest.SeedDir()); err == nil {
		out["seed"] = ds
	} else {
		t.Logf("the real seed does not load yet (%v): using the fixture only", firstLine(err))
	}
	return out
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

func TestRoundTripsPerCall(t *testing.T) {
	ds := kgtest.Fixture(t)
	s, f := fakeStore(t, ds)
	ctx := t.Context()
	var all []string
	for _, n := range ds.Nodes {
		all = append(all, n.NodeID())
	}
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = all[i%len(all)]
		}
		return out
	}
	type call struct {
		name string
		do   func(ids []string) error
	}
	calls := []call{
		{"Nodes", func(ids []string) error { _, err := s.Nodes(ctx, ids); return err }},
		{"RegionsByNUTS", func(ids []string) error { _, err := s.RegionsByNUTS(ctx, ids); return err }},
	}
	for _, q := range kg.NodeQueries {
		calls = append(calls, call{"Related " + string(q), func(ids []string) error { _, err := s.Related(ctx, q, ids, kg.Where{}); return err }})
	}
	for _, q := range kg.EdgeQueries {
		calls = append(calls, call{"Edges " + string(q), func(ids []string) error { _, err := s.Edges(ctx, q, ids); return err }})
	}
	for _, c := range calls {
		for _, n := range []int{0, 1, 2, 100, 1000, 5000} {
			before, sentBefore := s.RoundTrips(), len(f.sent())
			if err := c.do(many(n)); err != nil {
				t.Fatalf("%s with %d ids: %v", c.name, n, err)
			}
			want := int64(1)
			if n == 0 {
				want = 0
			}
			if got := s.RoundTrips() - before; got != want {
				t.Errorf("%s with %d ids: %d round trips, want %d", c.name, n, got, want)
			}
			if got := len(f.sent()) - sentBefore; int64(got) != want {
				t.Errorf("%s with %d ids: %d statements sent, want %d", c.name, n, got, want)
			}
			if n > 0 {
				sent := f.sent()[len(f.sent())-1]
				if ids, ok := sent.params["ids"]; ok && len(ids.([]any)) > len(all) {
					t.Errorf("%s: sent %d ids for %d distinct", c.name, len(ids.([]any)), len(all))
				}
			}
		}
	}
	for name, do := range map[string]func() error{
		"Regions":        func() error { _, err := s.Regions(ctx); return err },
		"Calls":          func() error { _, err := s.Calls(ctx); return err },
		"Funds":          func() error { _, err := s.Funds(ctx); return err },
		"Stats":          func() error { _, err := s.Stats(ctx); return err },
		"Organizations":  func() error { _, err := s.Organizations(ctx, kg.OrganizationFilter{}, kg.Page{First: 500}); return err },
		"Projects":       func() error { _, err := s.Projects(ctx, kg.ProjectFilter{}, kg.Page{First: 500}); return err },
		"Participations": func() error { _, err := s.Participations(ctx, kg.NetworkFilter{}); return err },
		"Search": func() error {
			_, err := s.Search(ctx, kg.SearchQuery{Text: "piano beta", First: 20})
			return err
		},
		"Paths": func() error {
			_, err := s.Paths(ctx, kg.PathQuery{From: "org:ats-due", To: "org:uni-tre", MaxLength: 4, First: 20})
			return err
		},
		"Lineage": func() error {
			_, err := s.Lineage(ctx, kg.LineageQuery{Of: "call:new", Direction: kg.Backward, MaxDepth: 5})
			return err
		},
	} {
		before := s.RoundTrips()
		if err := do(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := s.RoundTrips() - before; got != 1 {
			t.Errorf("%s: %d round trips, want 1", name, got)
		}
	}
}

func TestOnRoundTripCallback(t *testing.T) {
	ds := kgtest.Fixture(t)
	var mu sync.Mutex
	var names []string
	s := newStore(newFake(t, ds), Config{OnRoundTrip: func(st string) {
		mu.Lock()
		defer mu.Unlock()
		names = append(names, st)
	}})
	if _, err := s.Related(t.Context(), kg.CallProjects, []string{"call:new"}, kg.Where{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"related.CallProjects"}) {
		t.Errorf("OnRoundTrip saw %v, want [related.CallProjects] (Ping is not counted)", names)
	}
}

// TestStatementsCoverCode checks both ways that Statements() is what the
// code sends: every statement sent is listed (the fake checks each call),
// and every statement listed is sent by some method.
func TestStatementsCoverCode(t *testing.T) {
	ds := kgtest.Fixture(t)
	s, f := fakeStore(t, ds)
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Migrate(ctx))
	must(s.Ping(ctx))
	if ed, v, err := s.ServerVersion(ctx); err != nil || ed != "community" || v != "5.26.30" {
		t.Errorf("ServerVersion: %q %q %v", ed, v, err)
	}
	// Every read that may leave the provenance out, whole and without it.
	for _, ctx := range []context.Context{ctx, kg.WithoutProvenance(ctx)} {
		_, err := s.Nodes(ctx, []string{"call:new", "org:comune_uno"}) // an id, then an alias
		must(err)
		for _, q := range kg.NodeQueries {
			_, err := s.Related(ctx, q, []string{"call:new"}, kg.Where{})
			must(err)
		}
		for _, q := range kg.EdgeQueries {
			_, err := s.Edges(ctx, q, []string{"call:new"})
			must(err)
		}
		_, err = s.Regions(ctx)
		must(err)
		_, err = s.RegionsByNUTS(ctx, []string{"ITZ1"})
		must(err)
		_, err = s.Calls(ctx)
		must(err)
		_, err = s.Funds(ctx)
		must(err)
		_, err = s.Organizations(ctx, kg.OrganizationFilter{}, kg.Page{First: 1})
		must(err)
		_, err = s.Projects(ctx, kg.ProjectFilter{}, kg.Page{First: 1})
		must(err)
	}
	_, err := s.Participations(ctx, kg.NetworkFilter{})
	must(err)
	_, err = s.Dataset(ctx)
	must(err)
	_, err = s.Search(ctx, kg.SearchQuery{Text: "piano", First: 1})
	must(err)
	_, err = s.Paths(ctx, kg.PathQuery{From: "org:ats-due", To: "org:uni-tre", MaxLength: 4, First: 1})
	must(err)
	_, err = s.Paths(ctx, kg.PathQuery{From: "org:ats-due", To: "org:uni-tre", MaxLength: 4, First: 1,
		Relations: []kg.RelType{kg.RelParticipatesIn}})
	must(err)
	for _, d := range []kg.Direction{kg.Backward, kg.Forward} {
		_, err = s.Lineage(ctx, kg.LineageQuery{Of: "call:new", Direction: d, MaxDepth: 2})
		must(err)
	}
	must(s.Wipe(ctx))

	var listed []string
	for _, st := range Statements() {
		listed = append(listed, st.Name)
	}
	slices.Sort(listed)
	if d := diff(listed, sortedNames(f.sent())); d != "" {
		t.Errorf("Statements() and the statements sent differ:\n%s", d)
	}
	if len(listed) < 90 {
		t.Errorf("only %d statements listed", len(listed))
	}
}

func diff(listed, sent []string) string {
	var b strings.Builder
	for _, n := range listed {
		if !slices.Contains(sent, n) {
			fmt.Fprintf(&b, "  listed, never sent: %s\n", n)
		}
	}
	for _, n := range sent {
		if !slices.Contains(listed, n) {
			fmt.Fprintf(&b, "  sent, not listed: %s\n", n)
		}
	}
	return b.String()
}

func TestStatementsAreParameterised(t *testing.T) {
	ex := ExampleParams()
	for _, st := range Statements() {
		for _, p := range st.Params {
			if _, ok := ex[p]; !ok {
				t.Errorf("%s: no example value for $%s (needed by make cypher-check)", st.Name, p)
			}
		}
		// Values never appear in the text: only literals of the storage
		// model (labels, types, the LEAD role, the index name) do.
		if strings.Contains(st.Cypher, `"`) {
			t.Errorf("%s holds a double-quoted string literal", st.Name)
		}
	}
}

func TestSchemaIsCommunityAndIdempotent(t *testing.T) {
	enterprise := regexp.MustCompile(`(?i)IS NOT NULL|NODE KEY|RELATIONSHIP KEY|IS\s*::|IS TYPED|CREATE DATABASE|apoc\.|gds\.`)
	for _, st := range SchemaStatements() {
		if !strings.Contains(st.Cypher, "IF NOT EXISTS") {
			t.Errorf("%s is not idempotent: %s", st.Name, st.Cypher)
		}
		if enterprise.MatchString(st.Cypher) {
			t.Errorf("%s uses a feature Neo4j community lacks: %s", st.Name, st.Cypher)
		}
	}
	for _, st := range Statements() {
		if regexp.MustCompile(`(?i)apoc\.|gds\.`).MatchString(st.Cypher) {
			t.Errorf("%s uses a plugin", st.Name)
		}
	}
}

// TestEdgesFitTheModel checks the storage model's relationship table
// against real data, since make cypher-check lints directions with it.
func TestEdgesFitTheModel(t *testing.T) {
	for name, ds := range datasets(t) {
		for _, e := range ds.Edges {
			ends, ok := relEndpoints[e.Type]
			if !ok || !slices.Contains(ends[0], kg.KindOf(e.From)) || !slices.Contains(ends[1], kg.KindOf(e.To)) {
				t.Errorf("%s: edge %s does not fit relEndpoints", name, e.Key())
			}
		}
	}
}

func TestSeedReports(t *testing.T) {
	ds := kgtest.Fixture(t)
	f := newFake(t, ds)
	s := newStore(f, Config{})
	ctx := t.Context()
	var progress []Progress
	rep, err := s.Seed(ctx, ds, func(p Progress) { progress = append(progress, p) })
	if err != nil {
		t.Fatal(err)
	}
	nn, ne := len(ds.Nodes), len(ds.Edges)
	if want := (SeedReport{Nodes: SeedCounts{Created: nn}, Relationships: SeedCounts{Created: ne}}); *rep != want {
		t.Errorf("first seed: %+v, want %+v", *rep, want)
	}
	if last := progress[len(progress)-1]; last.Phase != "relationships" || last.Done != ne || last.Total != ne {
		t.Errorf("last progress %+v", last)
	}

	rep, err = s.Seed(ctx, ds, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (SeedReport{Nodes: SeedCounts{Unchanged: nn}, Relationships: SeedCounts{Unchanged: ne}}); *rep != want {
		t.Errorf("second seed: %+v, want %+v", *rep, want)
	}

	// Change one record, drop another with its relationships.
	changed := &kg.Dataset{}
	dropped := "initiative:altro"
	for _, n := range ds.Nodes {
		switch n.NodeID() {
		case dropped:
			continue
		case "org:comune-uno":
			b := *n.(*kg.Body)
			b.Name += " (renamed)"
			n = &b
		}
		changed.Nodes = append(changed.Nodes, n)
	}
	droppedEdges := 0
	for _, e := range ds.Edges {
		if e.From == dropped || e.To == dropped {
			droppedEdges++
			continue
		}
		changed.Edges = append(changed.Edges, e)
	}
	if droppedEdges == 0 {
		t.Fatalf("fixture: %s has no relationships", dropped)
	}
	f.setData(changed)
	rep, err = s.Seed(ctx, changed, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := SeedReport{
		Nodes:         SeedCounts{Updated: 1, Unchanged: nn - 2, Deleted: 1},
		Relationships: SeedCounts{Unchanged: ne - droppedEdges, Deleted: droppedEdges},
	}
	if *rep != want {
		t.Errorf("seed after a change: %+v, want %+v", *rep, want)
	}
}

func TestSeedBatches(t *testing.T) {
	ds := &kg.Dataset{}
	for i := range 2*BatchSize + 5 {
		ds.Nodes = append(ds.Nodes, &kg.Fund{Record: kg.Record{ID: fmt.Sprintf("fund:f%d", i), Confidence: kg.High}, Name: "F"})
	}
	f := newFake(t, ds)
	s := newStore(f, Config{})
	var progress []Progress
	if _, err := s.Seed(t.Context(), ds, func(p Progress) { progress = append(progress, p) }); err != nil {
		t.Fatal(err)
	}
	batches := 0
	for _, c := range f.sent() {
		if c.st.Name == "seed.nodes.fund" {
			batches++
			if n := len(c.params["rows"].([]any)); n > BatchSize {
				t.Errorf("a batch of %d rows", n)
			}
		}
	}
	if batches != 3 || len(progress) != 3 || progress[2].Done != len(ds.Nodes) {
		t.Errorf("%d batches, progress %v; want 3 batches", batches, progress)
	}
}

func TestSeedRefusesWhatItCannotStore(t *testing.T) {
	ds := &kg.Dataset{Nodes: []kg.Node{&kg.Call{Record: kg.Record{ID: "call:x"}, AdoptedOn: ptr(kg.Date("2020-13-45"))}}}
	f := newFake(t, ds)
	s := newStore(f, Config{})
	if _, err := s.Seed(t.Context(), ds, nil); kg.ErrorCode(err) != kg.EINVALID {
		t.Errorf("seed with a bad date: %v, want %s", err, kg.EINVALID)
	}
	if n := len(f.sent()); n != 0 {
		t.Errorf("%d statements sent; an invalid dataset must write nothing", n)
	}
}

func ptr[T any](v T) *T { return &v }

// fakeClock drives the breaker without sleeping.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var errRefused = &neo4j.ConnectivityError{Inner: errors.New("dial tcp 127.0.0.1:7687: connect: connection refused")}

func TestUnavailableAtStartThenRecovers(t *testing.T) {
	ds := kgtest.Fixture(t)
	f := newFake(t, ds)
	var down sync.Mutex
	isDown := true
	f.fail = func(context.Context, Statement) error {
		down.Lock()
		defer down.Unlock()
		if isDown {
			return errRefused
		}
		return nil
	}
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	s := newStore(f, Config{Cooldown: time.Second})
	s.breaker.now = clock.Now
	ctx := t.Context()

	// Neo4j is down when the server starts: readiness fails, queries fail
	// with UNAVAILABLE and a safe message.
	err := s.Ping(ctx)
	if kg.ErrorCode(err) != kg.EUNAVAILABLE || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("Ping while down: %v", err)
	}
	_, err = s.Nodes(ctx, []string{"call:new"})
	if kg.ErrorCode(err) != kg.EUNAVAILABLE || kg.ErrorMessage(err) != "the graph database is unavailable" {
		t.Fatalf("Nodes while down: %v (message %q)", err, kg.ErrorMessage(err))
	}
	if !strings.HasPrefix(err.Error(), "load nodes: ") {
		t.Errorf("the logged error lacks context: %v", err)
	}
	// Within the cool-down, requests fail at once without trying Neo4j.
	sent := len(f.sent())
	for range 5 {
		if _, err := s.Calls(ctx); kg.ErrorCode(err) != kg.EUNAVAILABLE {
			t.Fatalf("Calls during cool-down: %v", err)
		}
	}
	if n := len(f.sent()) - sent; n != 0 {
		t.Errorf("%d statements sent during the cool-down, want 0", n)
	}
	// After it, the next request tries again, and fails again while down.
	clock.advance(1100 * time.Millisecond)
	if _, err := s.Calls(ctx); kg.ErrorCode(err) != kg.EUNAVAILABLE {
		t.Fatalf("Calls after cool-down, still down: %v", err)
	}
	if n := len(f.sent()) - sent; n != 1 {
		t.Errorf("%d statements sent after the cool-down, want 1", n)
	}

	// Neo4j comes back: readiness (which ignores the cool-down) sees it at
	// once, and queries work again without a restart.
	down.Lock()
	isDown = false
	down.Unlock()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after recovery: %v", err)
	}
	ns, err := s.Nodes(ctx, []string{"call:new"})
	if err != nil || ns[0] == nil {
		t.Fatalf("Nodes after recovery: %v, %v", ns, err)
	}
	// Without a Ping, the cool-down's end is enough.
	down.Lock()
	isDown = true
	down.Unlock()
	if _, err := s.Calls(ctx); kg.ErrorCode(err) != kg.EUNAVAILABLE {
		t.Fatal(err)
	}
	down.Lock()
	isDown = false
	down.Unlock()
	clock.advance(2 * time.Second)
	if _, err := s.Calls(ctx); err != nil {
		t.Fatalf("Calls after the cool-down, Neo4j back: %v", err)
	}
}

func TestErrorTranslation(t *testing.T) {
	syntax := &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "Invalid input 'MATCHX (n:Entity)'"}
	for _, c := range []struct {
		name string
		err  error
		code string
		down bool // Neo4j is unreachable or unusable: fail fast for a while
	}{
		{"refused", errRefused, kg.EUNAVAILABLE, true},
		{"wrapped refused", fmt.Errorf("session: %w", errRefused), kg.EUNAVAILABLE, true},
		{"retries exhausted", &neo4j.TransactionExecutionLimit{Cause: "timeout", Errors: []error{errRefused, errRefused}}, kg.EUNAVAILABLE, true},
		{"retries exhausted on a timeout", &neo4j.TransactionExecutionLimit{Errors: []error{
			&neo4j.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"}}}, kg.ETIMEOUT, false},
		{"server transaction timeout", &neo4j.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOut"}, kg.ETIMEOUT, false},
		{"client-configured timeout", &neo4j.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"}, kg.ETIMEOUT, false},
		{"database unavailable", &neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}, kg.EUNAVAILABLE, true},
		{"lock timeout", &neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.LockAcquisitionTimeout"}, kg.EUNAVAILABLE, false},
		{"no such database", &neo4j.Neo4jError{Code: "Neo.ClientError.Database.DatabaseNotFound"}, kg.EUNAVAILABLE, true},
		{"wrong password", &neo4j.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"}, kg.EUNAVAILABLE, true},
		{"syntax error", syntax, kg.EINTERNAL, false},
		{"usage error", &neo4j.UsageError{Message: "driver closed"}, kg.EINTERNAL, false},
		{"deadline inside the driver", fmt.Errorf("read: %w", context.DeadlineExceeded), kg.ETIMEOUT, false},
		{"unknown", errors.New("boom"), kg.EINTERNAL, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, kgtest.Fixture(t))
			f.fail = func(context.Context, Statement) error { return c.err }
			s := newStore(f, Config{})
			_, err := s.Related(t.Context(), kg.CallProjects, []string{"call:new"}, kg.Where{})
			if got := kg.ErrorCode(err); got != c.code {
				t.Errorf("code %q, want %q (err %v)", got, c.code, err)
			}
			msg := kg.ErrorMessage(err)
			for _, leak := range []string{"MATCH", "Neo.", "dial", "127.0.0.1", "boom", "driver"} {
				if strings.Contains(msg, leak) {
					t.Errorf("user-facing message %q leaks %q", msg, leak)
				}
			}
			if !strings.HasPrefix(err.Error(), "load CallProjects: ") {
				t.Errorf("error %q lacks the operation", err)
			}
			if s.breaker.isOpen() != c.down {
				t.Errorf("cool-down started: %v, want %v", s.breaker.isOpen(), c.down)
			}
		})
	}
}

func TestTimeouts(t *testing.T) {
	ds := kgtest.Fixture(t)
	t.Run("expired before the call", func(t *testing.T) {
		f := newFake(t, ds)
		s := newStore(f, Config{})
		ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
		defer cancel()
		_, err := s.Nodes(ctx, []string{"call:new"})
		if kg.ErrorCode(err) != kg.ETIMEOUT || len(f.sent()) != 0 {
			t.Errorf("err %v, %d sent; want %s without a round trip", err, len(f.sent()), kg.ETIMEOUT)
		}
	})
	t.Run("deadline passes during the call", func(t *testing.T) {
		f := newFake(t, ds)
		// The driver reports a dead connection once the deadline passes.
		f.fail = func(ctx context.Context, _ Statement) error {
			<-ctx.Done()
			return &neo4j.ConnectivityError{Inner: errors.New("Timeout while reading from connection")}
		}
		s := newStore(f, Config{})
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		_, err := s.Nodes(ctx, []string{"call:new"})
		if kg.ErrorCode(err) != kg.ETIMEOUT {
			t.Errorf("err %v, want %s", err, kg.ETIMEOUT)
		}
		// A request running out of time says nothing about Neo4j's health.
		if s.breaker.isOpen() {
			t.Error("a timeout started the unavailability cool-down")
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		s := newStore(newFake(t, ds), Config{})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := s.Nodes(ctx, []string{"call:new"}); kg.ErrorCode(err) != kg.EUNAVAILABLE {
			t.Errorf("err %v, want %s", err, kg.EUNAVAILABLE)
		}
	})
}

func TestTxTimeout(t *testing.T) {
	if d := txTimeout(context.Background()); d != 0 {
		t.Errorf("no deadline: %v, want 0", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	if d := txTimeout(ctx); d <= time.Second || d > 1500*time.Millisecond || d%time.Millisecond != 0 {
		t.Errorf("1.5s left: %v", d)
	}
	ctx2, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	if d := txTimeout(ctx2); d != time.Millisecond {
		t.Errorf("past deadline: %v, want 1ms (never 0, which means none)", d)
	}
}

func TestSearchQuery(t *testing.T) {
	valid := regexp.MustCompile(`^([\p{L}\p{N}]|\\.)+\*$`)
	for _, text := range []string{
		`piano`, `piano" OR x:*`, `*:*`, `a\ b\\`, `title:(foo OR bar)^3 AND NOT baz~2`, `"unterminated`,
		`{!lucene} [a TO z]`, `Università degli Studi`, `OR AND NOT`, `a && b || !c`, `/regex.*/`,
		"\u00a0spaced\ttext\n", `ＦＵＬＬ　ｗｉｄｔｈ`, `x' RETURN 1 //`,
	} {
		terms, err := kg.SearchTerms(text)
		if err != nil {
			continue
		}
		for _, term := range terms {
			if q := termQuery(term); !valid.MatchString(q) {
				t.Errorf("termQuery(%q) = %q, not one escaped prefix term", term, q)
			}
		}
	}
	if got := termQuery("a+b"); got != `a\+b*` {
		t.Errorf("escaping: %q", got)
	}
}

func TestRedactURI(t *testing.T) {
	for in, want := range map[string]string{
		"bolt://localhost:7687":                  "bolt://localhost:7687",
		"neo4j+s://neo4j:s3cret@db.example:7687": "neo4j+s://neo4j:xxxxx@db.example:7687",
	} {
		if got := RedactURI(in); got != want {
			t.Errorf("RedactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGraphSchema(t *testing.T) {
	s := GraphSchema()
	for _, l := range []string{LabelEntity, LabelOrganization, LabelRegion, LabelBody, LabelProject} {
		if !slices.Contains(s.Labels, l) {
			t.Errorf("label %s missing", l)
		}
	}
	if len(s.RelationshipTypes) != len(kg.RelTypes) {
		t.Errorf("%d relationship types, want %d", len(s.RelationshipTypes), len(kg.RelTypes))
	}
	for _, k := range kg.SearchFields {
		// Search fields are indexed through searchText; the properties
		// themselves must exist too.
		if k.Name != "code" && k.Name != "cup" && !slices.Contains(s.PropertyKeys, k.Name) {
			t.Errorf("search field %s is not a property", k.Name)
		}
	}
}

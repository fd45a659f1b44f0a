package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/famigraph/famigraph/internal/bench"
)

// Targets of issue 13 item 3: famigraph against @neo4j/graphql on the same
// Neo4j, for the map query and a partnership query.
const (
	targetPeerThroughput = 2.0
	targetPeerP99        = 0.5
)

// peerQuery is one question asked of both servers, each in its own schema.
type peerQuery struct {
	name      string
	famigraph bench.Query
	peer      bench.Query
	// canon turns each server's answer into the same comparable form.
	canonFamigraph, canonPeer func([]byte) (any, error)
}

// peerQueries returns the benchmark's questions for ids ending in suffix:
// the README's map query and the partnerships of one body (bench.Queries'
// "partners"), and the same questions in the schema of tools/peer.
func peerQueries(suffix string) []peerQuery {
	all := bench.Queries(suffix)
	mq, _ := bench.QueryNamed(all, "map")
	pq, _ := bench.QueryNamed(all, "partners")
	return []peerQuery{
		{name: "map", famigraph: mq, peer: bench.Query{Name: "map", Text: PeerMapQuery},
			canonFamigraph: canonMapFamigraph, canonPeer: canonMapPeer},
		{name: "partners", famigraph: pq, peer: bench.Query{Name: "partners", Text: fmt.Sprintf(peerPartnersQuery, "org:comune-porto-recanati"+suffix)},
			canonFamigraph: canonPartnersFamigraph, canonPeer: canonPartnersPeer},
	}
}

// PeerMapQuery is the map query in the schema @neo4j/graphql generates from
// tools/peer/typedefs.graphql: the same regions, calls, projects and
// participants, in the orders famigraph gives them where the library can
// sort (participants by role then id is not expressible: the check compares
// them as sets).
const PeerMapQuery = `{
  regions(sort: [{nutsCode: ASC}]) {
    id name nutsCode centroid { latitude longitude }
    calls(sort: [{adoptedOn: ASC}, {id: ASC}]) { id name }
    projects(sort: [{id: ASC}]) {
      id title call { name } budgetEUR
      participantsConnection { edges { properties { role } node { id name kind } } }
    }
  }
}`

const peerPartnersQuery = `{
  bodies(where: {id: {eq: %q}}) {
    id name
    participationsConnection(sort: [{node: {id: ASC}}]) {
      edges { properties { role } node { id title call { name }
        participantsConnection { edges { properties { role } node { id name kind } } } } }
    }
  }
}`

// The comparable form of both answers: every list sorted by id (then role),
// so that only content counts.
type (
	canonRegion struct {
		ID, Name, NUTS string
		Lat, Lon       float64
		Calls          []canonCall
		Projects       []canonProject
	}
	canonCall    struct{ ID, Name string }
	canonProject struct {
		ID, Title, Call string
		Budget          *float64
		Participants    []canonParticipant
	}
	canonParticipant  struct{ Role, ID, Name, Kind string }
	canonOrganization struct {
		ID, Name       string
		Participations []canonParticipation
	}
	canonParticipation struct {
		Role    string
		Project canonProject
	}
)

// Each server's shapes.
type (
	fgOrg struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
	// projectHead is what both servers answer alike of a project.
	projectHead struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		Call  *struct {
			Name string `json:"name"`
		} `json:"call"`
		BudgetEUR *float64 `json:"budgetEUR"`
	}
	fgProject struct {
		projectHead
		Participants []struct {
			Role         string `json:"role"`
			Organization fgOrg  `json:"organization"`
		} `json:"participants"`
	}
	// peerEdges is a connection of the peer's: each node with the role
	// its relationship carries.
	peerEdges[N any] struct {
		Edges []struct {
			Properties struct {
				Role string `json:"role"`
			} `json:"properties"`
			Node N `json:"node"`
		} `json:"edges"`
	}
	peerProject struct {
		projectHead
		Participants peerEdges[fgOrg] `json:"participantsConnection"`
	}
)

// canon returns the project in canonical form with its participants.
func (h projectHead) canon(ps []canonParticipant) canonProject {
	c := canonProject{ID: h.ID, Title: h.Title, Budget: h.BudgetEUR, Participants: ps}
	if h.Call != nil {
		c.Call = h.Call.Name
	}
	slices.SortFunc(c.Participants, func(a, b canonParticipant) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Role, b.Role))
	})
	return c
}

func fromFamigraphProject(p fgProject) canonProject {
	var ps []canonParticipant
	for _, pa := range p.Participants {
		ps = append(ps, canonParticipant{pa.Role, pa.Organization.ID, pa.Organization.Name, pa.Organization.Kind})
	}
	return p.canon(ps)
}

func fromPeerProject(p peerProject) canonProject {
	var ps []canonParticipant
	for _, e := range p.Participants.Edges {
		ps = append(ps, canonParticipant{e.Properties.Role, e.Node.ID, e.Node.Name, e.Node.Kind})
	}
	return p.canon(ps)
}

func sortRegion(r *canonRegion) {
	slices.SortFunc(r.Calls, func(a, b canonCall) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(r.Projects, func(a, b canonProject) int { return cmp.Compare(a.ID, b.ID) })
}

func sortRegions(rs []canonRegion) []canonRegion {
	slices.SortFunc(rs, func(a, b canonRegion) int { return cmp.Compare(a.ID, b.ID) })
	return rs
}

// canonMap puts a map query's answer in the canonical form of either
// server: they differ in the centroid's field names (C) and the shape of
// a project (P, made canonical by project).
func canonMap[C interface{ point() (lat, lon float64) }, P any](body []byte, project func(P) canonProject) (any, error) {
	var d struct {
		Regions []struct {
			ID       string      `json:"id"`
			Name     string      `json:"name"`
			NutsCode string      `json:"nutsCode"`
			Centroid C           `json:"centroid"`
			Calls    []canonCall `json:"calls"`
			Projects []P         `json:"projects"`
		} `json:"regions"`
	}
	if err := bench.DecodeGraphQL(body, &d); err != nil {
		return nil, err
	}
	var out []canonRegion
	for _, r := range d.Regions {
		c := canonRegion{ID: r.ID, Name: r.Name, NUTS: r.NutsCode}
		c.Lat, c.Lon = r.Centroid.point()
		c.Calls = append(c.Calls, r.Calls...) // canonCall's fields match "id" and "name"
		for _, p := range r.Projects {
			c.Projects = append(c.Projects, project(p))
		}
		sortRegion(&c)
		out = append(out, c)
	}
	return sortRegions(out), nil
}

// fgCentroid is famigraph's GeoPoint; peerCentroid the peer's Point.
type (
	fgCentroid struct {
		Lat float64 `json:"lat"`
		Lon float64 `json:"lon"`
	}
	peerCentroid struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
	}
)

func (c fgCentroid) point() (lat, lon float64)   { return c.Lat, c.Lon }
func (c peerCentroid) point() (lat, lon float64) { return c.Latitude, c.Longitude }

func canonMapFamigraph(body []byte) (any, error) {
	return canonMap[fgCentroid](body, fromFamigraphProject)
}

func canonMapPeer(body []byte) (any, error) { return canonMap[peerCentroid](body, fromPeerProject) }

func sortParticipations(o *canonOrganization) {
	slices.SortFunc(o.Participations, func(a, b canonParticipation) int {
		return cmp.Or(cmp.Compare(a.Project.ID, b.Project.ID), cmp.Compare(a.Role, b.Role))
	})
}

func canonPartnersFamigraph(body []byte) (any, error) {
	var d struct {
		Organization *struct {
			ID             string `json:"id"`
			Name           string `json:"name"`
			Participations []struct {
				Role    string    `json:"role"`
				Project fgProject `json:"project"`
			} `json:"participations"`
		} `json:"organization"`
	}
	if err := bench.DecodeGraphQL(body, &d); err != nil {
		return nil, err
	}
	if d.Organization == nil {
		return nil, fmt.Errorf("no organization in the answer")
	}
	o := canonOrganization{ID: d.Organization.ID, Name: d.Organization.Name}
	for _, p := range d.Organization.Participations {
		o.Participations = append(o.Participations, canonParticipation{p.Role, fromFamigraphProject(p.Project)})
	}
	sortParticipations(&o)
	return o, nil
}

func canonPartnersPeer(body []byte) (any, error) {
	var d struct {
		Bodies []struct {
			ID             string                 `json:"id"`
			Name           string                 `json:"name"`
			Participations peerEdges[peerProject] `json:"participationsConnection"`
		} `json:"bodies"`
	}
	if err := bench.DecodeGraphQL(body, &d); err != nil {
		return nil, err
	}
	if len(d.Bodies) != 1 {
		return nil, fmt.Errorf("%d bodies in the answer, want 1", len(d.Bodies))
	}
	b := d.Bodies[0]
	o := canonOrganization{ID: b.ID, Name: b.Name}
	for _, e := range b.Participations.Edges {
		o.Participations = append(o.Participations, canonParticipation{e.Properties.Role, fromPeerProject(e.Node)})
	}
	sortParticipations(&o)
	return o, nil
}

// compareAnswers returns famigraph's answer in canonical form if both
// answers hold the same content, else an error naming the first difference
// (as indented JSON lines).
func compareAnswers(q peerQuery, fg, peer []byte) (any, error) {
	a, err := q.canonFamigraph(fg)
	if err != nil {
		return nil, fmt.Errorf("famigraph's answer to %s: %w", q.name, err)
	}
	b, err := q.canonPeer(peer)
	if err != nil {
		return nil, fmt.Errorf("@neo4j/graphql's answer to %s: %w", q.name, err)
	}
	ja, _ := json.MarshalIndent(a, "", " ")
	jb, _ := json.MarshalIndent(b, "", " ")
	if bytes.Equal(ja, jb) {
		if len(ja) < 200 {
			return nil, fmt.Errorf("%s: both answers are nearly empty (%s): the ids may be wrong", q.name, ja)
		}
		return a, nil
	}
	la, lb := strings.Split(string(ja), "\n"), strings.Split(string(jb), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			lo := max(0, i-3)
			return nil, fmt.Errorf("%s: the answers differ at line %d of their sorted forms:\n  famigraph:       %s\n  @neo4j/graphql:  %s\n  (context: %s)",
				q.name, i+1, strings.TrimSpace(la[i]), strings.TrimSpace(lb[i]), strings.Join(la[lo:i], " "))
		}
	}
	return nil, fmt.Errorf("%s: the answers differ in length: famigraph %d lines, @neo4j/graphql %d lines", q.name, len(la), len(lb))
}

// procSet is a named group of processes whose CPU time is measured.
type procSet struct {
	name string
	pids []int
}

// parseProcs parses --cpu: name=pid[+pid...],...
func parseProcs(s string) ([]procSet, error) {
	var out []procSet
	if s == "" {
		return nil, nil
	}
	for _, item := range strings.Split(s, ",") {
		name, list, ok := strings.Cut(item, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("--cpu %q: want name=pid[+pid...],...", s)
		}
		ps := procSet{name: name}
		for _, p := range strings.Split(list, "+") {
			pid, err := strconv.Atoi(p)
			if err != nil || pid <= 0 {
				return nil, fmt.Errorf("--cpu %q: %q is not a process id", s, p)
			}
			if !slices.Contains(ps.pids, pid) { // counted once
				ps.pids = append(ps.pids, pid)
			}
		}
		out = append(out, ps)
	}
	return out, nil
}

// cpu returns the CPU time (user and system) the processes have used, from
// /proc/PID/stat (clock ticks of 1/100 s on Linux).
func (p procSet) cpu() time.Duration {
	var total time.Duration
	for _, pid := range p.pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(ut+st) * 10 * time.Millisecond
	}
	return total
}

// readBytes returns the bytes the processes have read through read
// system calls, sockets included (rchar of /proc/PID/io): for a server, its
// requests and what it reads from Neo4j.
func (p procSet) readBytes() int64 {
	var total int64
	for _, pid := range p.pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "rchar: "); ok {
				n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				total += n
			}
		}
	}
	return total
}

// storeCalls reads famigraph's famigraph_store_calls_total from /metrics,
// by method.
func storeCalls(ctx context.Context, metricsURL string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metricsURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d", metricsURL, resp.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	const prefix = `famigraph_store_calls_total{method="`
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, prefix)
		if !ok {
			continue
		}
		method, value, ok := strings.Cut(rest, `"} `)
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q", metricsURL, line)
		}
		out[method] = v
	}
	return out, sc.Err()
}

// callsOf returns famigraph's store calls, by method, made by one request
// of body (nothing else may be running).
func callsOf(ctx context.Context, drv *bench.Driver, metricsURL string, body []byte) (map[string]int, int, error) {
	before, err := storeCalls(ctx, metricsURL)
	if err != nil {
		return nil, 0, err
	}
	if _, err := drv.Do(ctx, body); err != nil {
		return nil, 0, err
	}
	after, err := storeCalls(ctx, metricsURL)
	if err != nil {
		return nil, 0, err
	}
	out, total := map[string]int{}, 0
	for m, v := range after {
		if d := int(v - before[m]); d > 0 {
			out[m] = d
			total += d
		}
	}
	return out, total, nil
}

func formatCalls(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// cmdPeer measures famigraph against @neo4j/graphql (tools/peer), both
// already serving the same Neo4j: it checks that both give the same
// answers, then loads each in turn, round after round, and prints their
// ratios. tools/peer/bench.sh (make bench-peer) starts everything.
func cmdPeer(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("peer", "Usage: famigraph-bench peer --famigraph URL --peer URL [flags]\n\nChecks that famigraph and @neo4j/graphql (tools/peer), serving the same Neo4j, answer the map\nquery and a partnership query with the same content, then measures both in alternating rounds.\nThe last line is `famigraph/@neo4j/graphql: throughput X.XX×, p99 Y.YY×` for the weaker of the\nqueries. make bench-peer starts Neo4j and both servers and runs this.", stderr)
	fgURL := fs.String("famigraph", "", "famigraph's base URL, e.g. http://127.0.0.1:8080 (GraphQL at /graphql, metrics at /metrics)")
	peerURL := fs.String("peer", "", "the GraphQL endpoint of @neo4j/graphql, e.g. http://127.0.0.1:8081/graphql")
	scale := fs.Int("scale", 1, "the scale Neo4j was seeded with: 0 the real seed, N `famigraph gen --scale N` (ids of copy 0)")
	queries := fs.String("queries", "map,partners", "the questions to measure: map, partners")
	clients := fs.Int("clients", 32, "concurrent clients, each with its own keep-alive connection")
	duration := fs.Duration("duration", 30*time.Second, "length of each measured phase (32 clients of the map query on Neo4j queue for seconds: shorter phases may see no answer)")
	rounds := fs.Int("rounds", 3, "rounds; each measures every query on both servers, which goes first alternating")
	warmup := fs.Duration("warmup", 3*time.Second, "unmeasured load on each server and query before the rounds")
	reqTimeout := fs.Duration("request-timeout", 10*time.Minute, "how long a client waits for one answer")
	checkOnly := fs.Bool("check-only", false, "only check that both servers answer alike (make check-peer)")
	procs := fs.String("cpu", "", "processes whose CPU time to report per request: name=pid[+pid...],... (e.g. famigraph=1,peer=2+3,neo4j=4)")
	writeQueries := fs.String("write-queries", "", "only write the request bodies of both servers' queries into this directory (famigraph-Q.json, peer-Q.json) and exit")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *writeQueries != "" {
		if err := os.MkdirAll(*writeQueries, 0o755); err != nil {
			fmt.Fprintf(stderr, "famigraph-bench peer: %v\n", err)
			return 1
		}
		for _, q := range peerQueries(suffixOf(*scale)) {
			for name, body := range map[string][]byte{"famigraph-" + q.name: q.famigraph.Body(), "peer-" + q.name: q.peer.Body()} {
				if err := os.WriteFile(filepath.Join(*writeQueries, name+".json"), body, 0o644); err != nil {
					fmt.Fprintf(stderr, "famigraph-bench peer: %v\n", err)
					return 1
				}
			}
		}
		return 0
	}
	if *fgURL == "" || *peerURL == "" {
		fmt.Fprintln(stderr, "famigraph-bench peer: --famigraph and --peer are required")
		return 2
	}
	if *clients < 1 || *rounds < 1 || *duration <= 0 {
		fmt.Fprintln(stderr, "famigraph-bench peer: --clients, --rounds and --duration must be positive")
		return 2
	}
	sets, err := parseProcs(*procs)
	if err != nil {
		fmt.Fprintf(stderr, "famigraph-bench peer: %v\n", err)
		return 2
	}
	var qs []peerQuery
	for _, n := range strings.Split(*queries, ",") {
		i := slices.IndexFunc(peerQueries(suffixOf(*scale)), func(q peerQuery) bool { return q.name == strings.TrimSpace(n) })
		if i < 0 {
			fmt.Fprintf(stderr, "famigraph-bench peer: unknown query %q; known: map, partners\n", n)
			return 2
		}
		qs = append(qs, peerQueries(suffixOf(*scale))[i])
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "famigraph-bench peer: %v\n", err)
		return 1
	}
	base := strings.TrimSuffix(*fgURL, "/")
	fgDrv := bench.NewDriver(base+"/graphql", *clients)
	defer fgDrv.Close()
	peerDrv := bench.NewDriver(*peerURL, *clients)
	defer peerDrv.Close()
	// 32 clients of a large query queue for longer than the driver's
	// default 30 s at scale 10: a request is measured however long it takes.
	fgDrv.Client.Timeout, peerDrv.Client.Timeout = *reqTimeout, *reqTimeout

	// The check: the same content from both.
	type prepared struct {
		q        peerQuery
		fg, peer bench.Request
	}
	var ps []prepared
	for _, q := range qs {
		fg, err := fgDrv.Prepare(ctx, []bench.Query{q.famigraph})
		if err != nil {
			return fail(fmt.Errorf("famigraph: %w", err))
		}
		peer, err := peerDrv.Prepare(ctx, []bench.Query{q.peer})
		if err != nil {
			return fail(fmt.Errorf("@neo4j/graphql: %w", err))
		}
		a, err := compareAnswers(q, fg[0].Want, peer[0].Want)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "check %s: same content from both (%s); response bytes: famigraph %d, @neo4j/graphql %d\n",
			q.name, describe(a), len(fg[0].Want), len(peer[0].Want))
		ps = append(ps, prepared{q, fg[0], peer[0]})
	}
	if *checkOnly {
		fmt.Fprintln(stdout, "ok: famigraph and @neo4j/graphql answer alike")
		return 0
	}
	for _, p := range ps {
		calls, total, err := callsOf(ctx, fgDrv, base+"/metrics", p.fg.Body)
		if err != nil {
			return fail(fmt.Errorf("famigraph's store calls: %w", err))
		}
		fmt.Fprintf(stdout, "famigraph store calls for one %s request: %d (%s)\n", p.q.name, total, formatCalls(calls))
	}

	type series struct {
		tput []float64
		p50  []time.Duration
		p99  []time.Duration
		cpu  map[string][]time.Duration // per request, by process set
		read map[string][]float64       // bytes read per request, by process set
	}
	type system struct {
		name string
		drv  *bench.Driver
		req  func(prepared) bench.Request
	}
	systems := []system{
		{"famigraph", fgDrv, func(p prepared) bench.Request { return p.fg }},
		{"@neo4j/graphql", peerDrv, func(p prepared) bench.Request { return p.peer }},
	}
	res := map[string]*series{}
	key := func(q, s string) string { return q + "|" + s }
	for _, p := range ps {
		for _, s := range systems {
			res[key(p.q.name, s.name)] = &series{cpu: map[string][]time.Duration{}, read: map[string][]float64{}}
		}
	}
	fmt.Fprintf(stdout, "%d clients, warm-up %s per server and query, %d rounds of %s per server and query, the first server alternating\n",
		*clients, *warmup, *rounds, *duration)
	for _, p := range ps {
		for _, s := range systems {
			r := s.drv.Run(ctx, bench.Load{Clients: *clients, Duration: *warmup, Requests: []bench.Request{s.req(p)}, Drain: true})
			if r.Errors > 0 {
				return fail(fmt.Errorf("warm-up of %s on %s: %d errors: %v", p.q.name, s.name, r.Errors, r.FirstErrs))
			}
		}
	}
	errorsSeen := 0
	lowerBound := map[string]bool{}
	for r := 0; r < *rounds && ctx.Err() == nil; r++ {
		for _, p := range ps {
			for i := range systems {
				s := systems[(i+r)%len(systems)]
				before := make([]time.Duration, len(sets))
				readBefore := make([]int64, len(sets))
				for j, set := range sets {
					before[j] = set.cpu()
					readBefore[j] = set.readBytes()
				}
				out := s.drv.Run(ctx, bench.Load{Clients: *clients, Duration: *duration, Requests: []bench.Request{s.req(p)}, Drain: true})
				se := res[key(p.q.name, s.name)]
				se.tput = append(se.tput, out.Throughput())
				p50, p99 := bench.Percentile(out.Latencies, 50), bench.Percentile(out.Latencies, 99)
				if out.Requests == 0 {
					// Nothing answered within the phase: every latency is
					// at least its length.
					p50, p99 = *duration, *duration
					lowerBound[p.q.name+" on "+s.name] = true
				}
				se.p50 = append(se.p50, p50)
				se.p99 = append(se.p99, p99)
				var cpuDesc []string
				for j, set := range sets {
					per := (set.cpu() - before[j]) / time.Duration(max(1, out.Requests))
					se.cpu[set.name] = append(se.cpu[set.name], per)
					se.read[set.name] = append(se.read[set.name], float64(set.readBytes()-readBefore[j])/float64(max(1, out.Requests)))
					cpuDesc = append(cpuDesc, fmt.Sprintf("%s %s", set.name, ms(per)))
				}
				errorsSeen += out.Errors
				cpuText := ""
				if len(cpuDesc) > 0 {
					cpuText = "  CPU/req: " + strings.Join(cpuDesc, ", ")
				}
				fmt.Fprintf(stdout, "round %d %-8s %-14s %7.1f req/s  p50 %s  p99 %s  errors %d%s\n", r+1, p.q.name, s.name,
					out.Throughput(), ms(bench.Percentile(out.Latencies, 50)), ms(bench.Percentile(out.Latencies, 99)), out.Errors, cpuText)
				for _, e := range out.FirstErrs {
					fmt.Fprintf(stderr, "  %s\n", e)
				}
			}
		}
	}
	if ctx.Err() != nil {
		return fail(ctx.Err())
	}
	fmt.Fprintf(stdout, "\nmedians of %d rounds:\n", *rounds)
	worstT, worstP := 0.0, 0.0
	var lines []string
	for qi, p := range ps {
		for _, s := range systems {
			se := res[key(p.q.name, s.name)]
			var cpuDesc, readDesc []string
			for _, set := range sets {
				cpuDesc = append(cpuDesc, fmt.Sprintf("%s %s", set.name, ms(median(se.cpu[set.name]))))
				readDesc = append(readDesc, fmt.Sprintf("%s %.1f KB", set.name, median(se.read[set.name])/1000))
			}
			cpuText := ""
			if len(cpuDesc) > 0 {
				cpuText = "  CPU/req: " + strings.Join(cpuDesc, ", ") + "  read/req: " + strings.Join(readDesc, ", ")
			}
			fmt.Fprintf(stdout, "  %-8s %-14s %7.1f req/s  p50 %s  p99 %s%s\n", p.q.name, s.name, median(se.tput),
				ms(median(se.p50)), ms(median(se.p99)), cpuText)
		}
		fg, peer := res[key(p.q.name, systems[0].name)], res[key(p.q.name, systems[1].name)]
		var tr, pr []float64
		for i := range min(len(fg.tput), len(peer.tput)) {
			tr = append(tr, fg.tput[i]/peer.tput[i])
			pr = append(pr, float64(fg.p99[i])/float64(max(1, peer.p99[i])))
		}
		t, p99 := median(tr), median(pr)
		if qi == 0 || t < worstT {
			worstT = t
		}
		if qi == 0 || p99 > worstP {
			worstP = p99
		}
		lines = append(lines, fmt.Sprintf("%s: famigraph/@neo4j/graphql: throughput %.2f×, p99 %.2f× (medians of per-round ratios)", p.q.name, t, p99))
	}
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	for what := range lowerBound {
		fmt.Fprintf(stdout, "note: %s answered nothing within a %s phase; its p50 and p99 there count as %s (a lower bound): lengthen --duration\n", what, *duration, *duration)
	}
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	fmt.Fprintf(stdout, "targets (weaker of %s): throughput >= %.1f×: %s; p99 <= %.1f×: %s\n", *queries,
		targetPeerThroughput, verdict(worstT >= targetPeerThroughput), targetPeerP99, verdict(worstP <= targetPeerP99))
	if errorsSeen > 0 {
		fmt.Fprintf(stderr, "famigraph-bench peer: %d failed requests\n", errorsSeen)
		return 1
	}
	fmt.Fprintf(stdout, "famigraph/@neo4j/graphql: throughput %.2f×, p99 %.2f×\n", worstT, worstP)
	return 0
}

// describe counts what a canonical answer holds.
func describe(a any) string {
	switch v := a.(type) {
	case []canonRegion:
		projects, parts := 0, 0
		for _, r := range v {
			projects += len(r.Projects)
			for _, p := range r.Projects {
				parts += len(p.Participants)
			}
		}
		return fmt.Sprintf("%d regions, %d projects, %d participants", len(v), projects, parts)
	case canonOrganization:
		parts := 0
		for _, p := range v.Participations {
			parts += len(p.Project.Participants)
		}
		return fmt.Sprintf("%d participations, %d participants of their projects", len(v.Participations), parts)
	}
	return ""
}

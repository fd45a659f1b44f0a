package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/httpapi"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
	"github.com/famigraph/famigraph/internal/server"
)

// newServer starts the whole HTTP stack over the real seed, as serve wires
// it, on a random loopback port.
func newServer(t *testing.T, rate httpapi.RateLimit) *httptest.Server {
	t.Helper()
	h := server.New(memstore.New(kgtest.RealSeed(t)), server.Config{
		GraphQL: graph.ServerConfig{Introspection: true},
		HTTP:    httpapi.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), RateLimit: rate},
		Metrics: true,
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

type request struct {
	method, path, contentType, accept string
	body                              []byte
}

func jsonBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

func send(t *testing.T, srv *httptest.Server, r request) (int, http.Header, []byte) {
	t.Helper()
	if r.method == "" {
		r.method = http.MethodPost
	}
	if r.path == "" {
		r.path = "/graphql"
	}
	req, err := http.NewRequest(r.method, srv.URL+r.path, bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.contentType != "-" {
		ct := r.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if r.accept != "" {
		req.Header.Set("Accept", r.accept)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// codeOf returns the code of the first error of a GraphQL response, "" if
// it has none.
func codeOf(t *testing.T, body []byte) (string, string) {
	t.Helper()
	var r struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("response is not JSON: %v\n%.300s", err, body)
	}
	if len(r.Errors) == 0 {
		return "", ""
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	return code, r.Errors[0].Message
}

// nested returns a valid query nested depth+3 levels deep, alternating
// organization -> participations -> project -> participants.
func nested(depth int) string {
	wrappers := []string{"participations", "project", "participants", "organization"}
	var open, closing strings.Builder
	for i := 0; i < depth; i++ {
		open.WriteString(wrappers[i%4] + " { ")
		closing.WriteString("} ")
	}
	return `{ organization(id: "region:marche") { ` + open.String() + "__typename " + closing.String() + "} }"
}

func TestBadInput(t *testing.T) {
	srv := newServer(t, httpapi.RateLimit{})
	ok := jsonBody(`{ calls { id } }`, nil)
	persisted := `{ funds { id } }`
	sum := sha256.Sum256([]byte(persisted))
	hash := hex.EncodeToString(sum[:])

	for _, c := range []struct {
		name   string
		req    request
		status int
		code   string // "" for a response without errors
	}{
		// Requests that are not well-formed.
		{"truncated JSON", request{body: []byte(`{"query": "{ calls { id } }"`)}, 400, "BAD_REQUEST"},
		{"JSON array (batch)", request{body: []byte(`[{"query": "{ calls { id } }"}]`)}, 400, "BAD_REQUEST"},
		{"JSON string", request{body: []byte(`"{ calls { id } }"`)}, 400, "BAD_REQUEST"},
		{"empty body", request{body: nil}, 400, "BAD_REQUEST"},
		{"missing query", request{body: []byte(`{}`)}, 400, "BAD_REQUEST"},
		{"null query", request{body: []byte(`{"query": null}`)}, 400, "BAD_REQUEST"},
		{"number query", request{body: []byte(`{"query": 42}`)}, 400, "BAD_REQUEST"},
		{"object query", request{body: []byte(`{"query": {"calls": 1}}`)}, 400, "BAD_REQUEST"},
		{"string variables", request{body: []byte(`{"query": "{ calls { id } }", "variables": "x"}`)}, 400, "BAD_REQUEST"},
		{"number operationName", request{body: []byte(`{"query": "{ calls { id } }", "operationName": 5}`)}, 400, "BAD_REQUEST"},
		{"parameter smuggled by case", request{body: []byte(`{"query": "{ calls { id } }", "Query": 1}`)}, 400, "BAD_REQUEST"},
		{"GET with malformed variables", request{method: http.MethodGet, path: "/graphql?query=%7Bcalls%7Bid%7D%7D&variables=%5B1"}, 400, "BAD_REQUEST"},
		{"GET with non-object extensions", request{method: http.MethodGet, path: "/graphql?query=%7Bcalls%7Bid%7D%7D&extensions=42"}, 400, "BAD_REQUEST"},
		{"invalid UTF-8 body", request{body: []byte("{\"query\": \"{ search(text: \\\"\xff\xfe\\\") { score } }\"}")}, 400, "BAD_REQUEST"},
		{"text/plain", request{contentType: "text/plain", body: ok}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"no content type", request{contentType: "-", body: ok}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"application/graphql", request{contentType: "application/graphql", body: []byte(`{ calls { id } }`)}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"oversized body", request{body: jsonBody(`{ calls { id } }`, map[string]any{"pad": strings.Repeat("x", 2<<20)})}, 413, "PAYLOAD_TOO_LARGE"},
		{"GET without query", request{method: http.MethodGet}, 400, "BAD_REQUEST"},
		{"PUT", request{method: http.MethodPut, body: ok}, 405, "METHOD_NOT_ALLOWED"},
		{"DELETE", request{method: http.MethodDelete}, 405, "METHOD_NOT_ALLOWED"},
		{"unknown path", request{method: http.MethodGet, path: "/graphql/../admin"}, 404, "NOT_FOUND"},

		// Well-formed requests with invalid documents.
		{"parse error", request{body: jsonBody(`{ regions { id `, nil)}, 200, "GRAPHQL_PARSE_FAILED"},
		{"parse error, graphql-response+json", request{accept: "application/graphql-response+json", body: jsonBody(`{ regions { id `, nil)}, 400, "GRAPHQL_PARSE_FAILED"},
		{"unknown field", request{body: jsonBody(`{ regions { password } }`, nil)}, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"fragment cycle", request{body: jsonBody(`query { ...A } fragment A on Query { calls { id } ...B } fragment B on Query { ...A }`, nil)}, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"mutation", request{body: jsonBody(`mutation { deleteEverything }`, nil)}, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"mutation over GET", request{method: http.MethodGet, path: "/graphql?query=mutation%7Bx%7D"}, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"subscription", request{body: jsonBody(`subscription { calls { id } }`, nil)}, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"invalid enum literal", request{body: jsonBody(`{ organizations(filter: {kinds: [CHURCH]}) { totalCount } }`, nil)}, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"null for a required argument", request{body: jsonBody(`{ node(id: null) { id } }`, nil)}, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"wrong variable type", request{body: jsonBody(`query($f: Int) { search(text: "piano", first: $f) { score } }`, map[string]any{"f": "ten"})}, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"missing required variable", request{body: jsonBody(`query($id: ID!) { node(id: $id) { id } }`, nil)}, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"unknown operation name", request{body: []byte(`{"query": "query A { calls { id } }", "operationName": "B"}`)}, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"two operations, no name", request{body: jsonBody(`query A { calls { id } } query B { funds { id } }`, nil)}, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"token flood", request{body: jsonBody("{ calls { "+strings.Repeat("id ", 16000)+"} }", nil)}, 200, "GRAPHQL_PARSE_FAILED"},

		// Hostile but valid documents, refused by the limits.
		{"deeply nested", request{body: jsonBody(nested(12), nil)}, 200, "DEPTH_LIMIT_EXCEEDED"},
		{"deeply nested, graphql-response+json", request{accept: "application/graphql-response+json", body: jsonBody(nested(12), nil)}, 400, "DEPTH_LIMIT_EXCEEDED"},
		{"introspection alias flood", request{body: jsonBody("{ "+introspectionAliases(40)+" }", nil)}, 200, "ALIAS_LIMIT_EXCEEDED"},
		{"introspection root flood", request{body: jsonBody("{ __schema { queryType { name } } "+strings.Repeat("__type(name: \"Region\") { name } ", 15)+"}", nil)}, 200, "ROOT_FIELD_LIMIT_EXCEEDED"},
		{"alias flood", request{body: jsonBody("{ "+strings.Repeat("a: calls { id } ", 1)+aliases(200)+" }", nil)}, 200, "ALIAS_LIMIT_EXCEEDED"},
		{"root-field flood", request{body: jsonBody(`{ calls { id } funds { id } regions { id } stats { nodes } `+
			`a1: stats { nodes } a2: stats { nodes } a3: stats { nodes } a4: stats { nodes } a5: stats { nodes } a6: stats { nodes } `+
			`a7: stats { nodes } a8: stats { nodes } a9: stats { nodes } a10: stats { nodes } a11: stats { nodes } a12: stats { nodes } }`, nil)}, 200, "ROOT_FIELD_LIMIT_EXCEEDED"},
		{"wide selection", request{body: jsonBody("{ regions { "+strings.Repeat("name ", 5000)+"} }", nil)}, 200, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"huge page", request{body: jsonBody(`{ organizations(first: 100000) { nodes { participations { project { title } } } } }`, nil)}, 200, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"costly nesting", request{body: jsonBody(`{ organizations(first: 500) { nodes { participations { project { participants { organization { name } } } } } } }`, nil)}, 200, "COMPLEXITY_LIMIT_EXCEEDED"},

		// Bad arguments, refused by the service.
		{"huge search text", request{body: jsonBody(`query($t: String!) { search(text: $t) { score } }`, map[string]any{"t": strings.Repeat("migranti ", 20000)})}, 200, "BAD_INPUT"},
		{"search without words", request{body: jsonBody(`{ search(text: "\ud800 ?!") { score } }`, nil)}, 200, "BAD_INPUT"},
		{"malformed id", request{body: jsonBody(`{ node(id: "DROP TABLE regions") { id } }`, nil)}, 200, "BAD_INPUT"},
		{"Cypher in an id", request{body: jsonBody(`{ node(id: "project:x' }) MATCH (n) DETACH DELETE n //") { id } }`, nil)}, 200, "BAD_INPUT"},
		{"very long id", request{body: jsonBody(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": "org:" + strings.Repeat("a", 5000)})}, 200, "BAD_INPUT"},
		{"path too long", request{body: jsonBody(`{ paths(from: "region:marche", to: "region:lazio", maxLength: 100) { length } }`, nil)}, 200, "BAD_INPUT"},
		{"negative lineage depth", request{body: jsonBody(`{ lineage(of: "call:impact", maxDepth: -1) { depth } }`, nil)}, 200, "BAD_INPUT"},
		{"negative page", request{body: jsonBody(`{ projects(first: -5) { totalCount } }`, nil)}, 200, "BAD_INPUT"},
		{"forged cursor", request{body: jsonBody(`{ projects(after: "cmVnaW9uOm1hcmNoZQ") { totalCount } }`, nil)}, 200, "BAD_INPUT"},
		{"too many filter values", request{body: jsonBody(`query($ids: [ID!]) { organizations(filter: {callIds: $ids}) { totalCount } }`, map[string]any{"ids": ids("call:x", 101)})}, 200, "BAD_INPUT"},
		{"unknown lineage origin", request{body: jsonBody(`{ lineage(of: "call:avviso-9-2099") { depth } }`, nil)}, 200, "NOT_FOUND"},
		{"unknown persisted query", request{body: []byte(`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + strings.Repeat("0", 64) + `"}}}`)}, 200, "PERSISTED_QUERY_NOT_FOUND"},
		{"persisted query with a wrong hash", request{body: []byte(`{"query": "{ calls { id } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + hash + `"}}}`)}, 200, "BAD_REQUEST"},

		// Hostile-looking but harmless: answered without errors.
		{"injection-looking search", request{body: jsonBody(`{ search(text: "\") OR 1=1 --") { node { id } } }`, nil)}, 200, ""},
		{"Lucene syntax in search", request{body: jsonBody(`{ search(text: "title:* OR name:\\\\*~ AND (piano^9)") { node { id } } }`, nil)}, 200, ""},
		{"unknown id", request{body: jsonBody(`{ node(id: "org:does-not-exist") { id } }`, nil)}, 200, ""},
		{"introspection", request{body: jsonBody(`{ __schema { queryType { name } } }`, nil)}, 200, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, header, body := send(t, srv, c.req)
			code, msg := codeOf(t, body)
			if status != c.status || code != c.code {
				t.Errorf("status %d code %q (%.200s), want %d %q", status, code, msg, c.status, c.code)
			}
			if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/") || !strings.Contains(ct, "json") {
				t.Errorf("Content-Type %q", ct)
			}
			if len(body) > 1<<20 {
				t.Errorf("response of %d bytes echoes the input", len(body))
			}
			// The server is still healthy and serves normal requests.
			if s, _, _ := send(t, srv, request{method: http.MethodGet, path: "/healthz"}); s != 200 {
				t.Fatalf("healthz %d after the request", s)
			}
			if s, _, b := send(t, srv, request{body: ok}); s != 200 || !bytes.Contains(b, []byte("call:impact")) {
				t.Fatalf("a normal query failed after the request: %d %s", s, b)
			}
		})
	}

	// The persisted query protocol works for a client that follows it.
	reg := []byte(`{"query": "` + persisted + `", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + hash + `"}}}`)
	if s, _, b := send(t, srv, request{body: reg}); s != 200 || !bytes.Contains(b, []byte("fund:fami-2014-2020")) {
		t.Fatalf("registering a persisted query: %d %s", s, b)
	}
	byHash := "/graphql?extensions=" + urlEscape(`{"persistedQuery":{"version":1,"sha256Hash":"`+hash+`"}}`)
	if s, _, b := send(t, srv, request{method: http.MethodGet, path: byHash}); s != 200 || !bytes.Contains(b, []byte("fund:fami-2014-2020")) {
		t.Errorf("persisted query by hash: %d %s", s, b)
	}
}

func introspectionAliases(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("s%d: __schema { types { name } }", i)
	}
	return strings.Join(parts, " ")
}

func aliases(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("c%d: calls { id }", i)
	}
	return strings.Join(parts, " ")
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

func urlEscape(s string) string {
	r := strings.NewReplacer("{", "%7B", "}", "%7D", `"`, "%22", ":", "%3A", ",", "%2C")
	return r.Replace(s)
}

func TestMetricsAndProbes(t *testing.T) {
	srv := newServer(t, httpapi.RateLimit{})
	send(t, srv, request{body: jsonBody(`query MapView { regions { id projects { participants { role } } } }`, nil)})
	send(t, srv, request{body: jsonBody(`{ lineage(of: "call:nope") { depth } }`, nil)})
	send(t, srv, request{body: jsonBody(nested(12), nil)})
	send(t, srv, request{contentType: "text/plain", body: []byte("x")})
	for _, p := range []string{"/healthz", "/readyz"} {
		if s, _, _ := send(t, srv, request{method: http.MethodGet, path: p}); s != 200 {
			t.Errorf("GET %s: %d", p, s)
		}
	}
	_, _, b := send(t, srv, request{method: http.MethodGet, path: "/metrics"})
	for _, series := range []string{
		`famigraph_http_requests_total{code="200",route="/graphql"}`,
		`famigraph_http_request_duration_seconds_bucket{route="/graphql",le=`,
		`famigraph_graphql_operations_total{operation="MapView",outcome="ok"} 1`,
		`famigraph_graphql_operations_total{operation="anonymous",outcome="NOT_FOUND"} 1`,
		`famigraph_graphql_operation_duration_seconds_count{operation="MapView"} 1`,
		`famigraph_graphql_rejected_total{reason="depth"} 1`,
		`famigraph_graphql_rejected_total{reason="media_type"} 1`,
		`famigraph_store_calls_total{method="Regions"} 1`,
		`famigraph_store_calls_total{method="Nodes"} 1`,
		`famigraph_store_call_duration_seconds_bucket{method="Regions",le=`,
		`famigraph_store_ready 1`,
		`go_goroutines`,
	} {
		if !bytes.Contains(b, []byte(series)) {
			t.Errorf("/metrics lacks %s", series)
		}
	}
}

func TestRateLimit(t *testing.T) {
	srv := newServer(t, httpapi.RateLimit{Rate: 0.001, Burst: 3})
	q := request{body: jsonBody(`{ calls { id } }`, nil)}
	for i := 0; i < 3; i++ {
		if s, _, _ := send(t, srv, q); s != 200 {
			t.Fatalf("request %d within the burst: %d", i, s)
		}
	}
	s, h, b := send(t, srv, q)
	code, _ := codeOf(t, b)
	if s != 429 || code != "RATE_LIMITED" || h.Get("Retry-After") == "" {
		t.Errorf("beyond the burst: %d %s Retry-After %q", s, code, h.Get("Retry-After"))
	}
	if s, _, _ := send(t, srv, request{method: http.MethodGet, path: "/healthz"}); s != 200 {
		t.Errorf("probes are not rate limited: %d", s)
	}
}

// TestMediaTypes checks that the edge and gqlgen agree on the response type
// for every Accept header, and that the cache keeps them apart.
func TestMediaTypes(t *testing.T) {
	srv := newServer(t, httpapi.RateLimit{})
	for _, c := range []struct{ accept, want string }{
		{"", "application/json"},
		{"application/json", "application/json"},
		{"*/*", "application/json"},
		{"application/graphql-response+json", "application/graphql-response+json"},
		{"application/graphql-response+json, application/json", "application/graphql-response+json"},
		{"text/html", "application/graphql-response+json"},
		{"application/json", "application/json"}, // after text/html: not its cached answer
	} {
		_, h, _ := send(t, srv, request{accept: c.accept, body: jsonBody(`{ calls { id } }`, nil)})
		if got := h.Get("Content-Type"); !strings.HasPrefix(got, c.want) {
			t.Errorf("Accept %q: Content-Type %q, want %s", c.accept, got, c.want)
		}
	}
}

// TestClientAddress checks which address the rate limit counts: the
// connection's unless proxies are trusted, then the entry they appended.
func TestClientAddress(t *testing.T) {
	for _, c := range []struct {
		proxies int
		xff     []string // X-Forwarded-For of successive requests
		limited bool     // whether the second request is refused
	}{
		{0, []string{"203.0.113.1", "203.0.113.2"}, true},                              // the header is ignored: one client
		{1, []string{"198.51.100.9, 203.0.113.1", "198.51.100.9, 203.0.113.2"}, false}, // two clients, as the proxy saw them
		{1, []string{"203.0.113.1, 203.0.113.7", "203.0.113.2, 203.0.113.7"}, true},    // a spoofed left entry changes nothing
		{1, []string{"2001:db8::1", "2001:db8::2"}, true},                              // one IPv6 /64
	} {
		h := httpapi.NewRouter(httpapi.Config{
			GraphQL:        http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"data":{}}`)) }),
			RateLimit:      httpapi.RateLimit{Rate: 0.001, Burst: 1},
			TrustedProxies: c.proxies,
			Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		var codes []int
		for _, xff := range c.xff {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ calls { id } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", xff)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			codes = append(codes, rec.Code)
		}
		if limited := codes[1] == http.StatusTooManyRequests; codes[0] != 200 || limited != c.limited {
			t.Errorf("%d proxies, X-Forwarded-For %q: statuses %v, want the second limited: %v", c.proxies, c.xff, codes, c.limited)
		}
	}
}

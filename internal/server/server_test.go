package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/httpapi"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
	"github.com/famigraph/famigraph/internal/server"
)

// GET /geo/regions.geojson serves the very document of the GraphQL field
// regionsGeoJSON, for the same calls.
func TestRegionsGeoJSONEndpointIsTheGraphQLField(t *testing.T) {
	h := server.New(memstore.New(kgtest.RealSeed(t)), server.Config{})
	srv := httptest.NewServer(h)
	defer srv.Close()

	viaGraphQL := func(t *testing.T, calls []string) []byte {
		t.Helper()
		body, _ := json.Marshal(map[string]any{
			"query":     `query($c: [ID!]) { regionsGeoJSON(callIds: $c) }`,
			"variables": map[string]any{"c": calls},
		})
		res, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct {
			Data   struct{ RegionsGeoJSON json.RawMessage }
			Errors []any
		}
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Errors != nil {
			t.Fatalf("graphql: %v %v", err, out.Errors)
		}
		return out.Data.RegionsGeoJSON
	}
	for _, c := range []struct {
		query string
		calls []string
	}{
		{"", nil},
		{"?callIds=call:impact", []string{"call:impact"}},
		{"?callIds=call:impact,call:prima", []string{"call:impact", "call:prima"}},
		{"?callIds=call:impact&callIds=call:prima", []string{"call:impact", "call:prima"}},
	} {
		t.Run(c.query, func(t *testing.T) {
			res, err := http.Get(srv.URL + "/geo/regions.geojson" + c.query)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != httpapi.GeoJSONMediaType {
				t.Fatalf("status %d, Content-Type %q: %s", res.StatusCode, res.Header.Get("Content-Type"), got)
			}
			var doc struct {
				Type     string
				Features []struct{ ID string }
			}
			if err := json.Unmarshal(got, &doc); err != nil || doc.Type != "FeatureCollection" || len(doc.Features) != 21 {
				t.Fatalf("not a collection of the 21 areas: %v %s", err, got[:min(len(got), 200)])
			}
			if want := viaGraphQL(t, c.calls); !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
				t.Errorf("endpoint and GraphQL field differ:\n%s\n%s", got[:min(len(got), 300)], want[:min(len(want), 300)])
			}
		})
	}
	for _, q := range []string{"?callIds=impact", "?callIds=region:marche"} {
		res, err := http.Get(srv.URL + "/geo/regions.geojson" + q)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		_ = json.NewDecoder(res.Body).Decode(&e)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest || len(e.Errors) != 1 || e.Errors[0].Extensions.Code != "BAD_INPUT" {
			t.Errorf("%s: status %d, %+v; want 400 BAD_INPUT", q, res.StatusCode, e)
		}
	}
}

// mutable is a store that does not say its data is immutable, as Neo4j's.
type mutable struct{ kg.Store }

// The response cache sits only over immutable data: over a store that can
// change, Assemble refuses it with an error that says what to do; without
// a cache, or over the embedded store, it assembles.
func TestResponseCacheOnlyOverImmutableData(t *testing.T) {
	ds := kgtest.Fixture(t)
	withCache := server.Config{HTTP: httpapi.Config{ResponseCacheBytes: 1 << 20}}
	_, err := server.Assemble(mutable{memstore.New(ds)}, withCache)
	if err == nil || !strings.Contains(err.Error(), "--response-cache 0") {
		t.Errorf("a cache over a mutable store: error %v, want a refusal naming --response-cache 0", err)
	}
	if _, err := server.Assemble(mutable{memstore.New(ds)}, server.Config{}); err != nil {
		t.Errorf("no cache over a mutable store: %v", err)
	}
	if _, err := server.Assemble(memstore.New(ds), withCache); err != nil {
		t.Errorf("a cache over the embedded store: %v", err)
	}
}

// An answer without errors is sent with its length, not in chunks: from the
// executor (a miss) and from the response cache (a hit); an answer with
// errors still arrives whole.
func TestAnswersCarryTheirLength(t *testing.T) {
	ds := kgtest.RealSeed(t)
	query := `{"query":"{ regions { id name projects { id title participants { role organization { id name } } } } }"}`
	for _, cache := range []int64{0, 1 << 20} {
		srv := httptest.NewServer(server.New(memstore.New(ds), server.Config{HTTP: httpapi.Config{ResponseCacheBytes: cache}}))
		for i, body := range []string{query, query, `{"query":"{ nosuchfield }"}`} {
			res, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			var out struct {
				Data   json.RawMessage
				Errors []any
			}
			if err := json.Unmarshal(got, &out); err != nil {
				t.Fatalf("cache %d, request %d: %v", cache, i, err)
			}
			if i == 2 {
				if len(out.Errors) == 0 {
					t.Errorf("cache %d: no error for an unknown field: %s", cache, got)
				}
				continue
			}
			if len(out.Errors) > 0 || len(got) < 8<<10 {
				t.Fatalf("cache %d, request %d: %d bytes, errors %v", cache, i, len(got), out.Errors)
			}
			if res.ContentLength != int64(len(got)) || len(res.TransferEncoding) > 0 {
				t.Errorf("cache %d, request %d: Content-Length %d, Transfer-Encoding %v, for %d bytes", cache, i, res.ContentLength, res.TransferEncoding, len(got))
			}
		}
		srv.Close()
	}
}

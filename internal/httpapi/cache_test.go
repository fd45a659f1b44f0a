package httpapi_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/famigraph/famigraph/internal/httpapi"
)

func TestResponseCache(t *testing.T) {
	var runs atomic.Int32
	gql := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runs.Add(1)
		var b bytes.Buffer
		b.ReadFrom(r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.Contains(b.String(), "fail"):
			w.Write([]byte(`{"errors":[{"message":"no"}],"data":null}`))
		case strings.Contains(b.String(), "huge"):
			w.Write([]byte(`{"data":{"x":"` + strings.Repeat("a", 2000) + `"}}`))
		default:
			w.Write([]byte(`{"data":{"n":` + b.String() + `}}`))
		}
	})
	var hits, misses int
	h := httpapi.NewRouter(httpapi.Config{GraphQL: gql, ResponseCacheBytes: 4096,
		CacheEvent: func(hit bool) {
			if hit {
				hits++
			} else {
				misses++
			}
		}})
	post := func(body, accept string) string {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Header().Get("Content-Type") == "" {
			t.Fatalf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
		}
		return rec.Body.String()
	}
	q1 := `{"query":"{ calls { id } }"}`
	first := post(q1, "")
	if again := post(q1, ""); again != first || runs.Load() != 1 {
		t.Errorf("a repeated request ran %d times; answers %q and %q", runs.Load(), first, again)
	}
	for _, c := range []struct{ body, accept string }{
		{`{"query":"{ calls { id } }","variables":{"x":1}}`, ""}, // other variables
		{q1, "application/graphql-response+json"},                // another media type
		{`{"query":"{ fail }"}`, ""},                             // an error is not kept
		{`{"query":"{ fail }"}`, ""},
		{`{"query":"{ huge }"}`, ""}, // more than an eighth of the cache is not kept
		{`{"query":"{ huge }"}`, ""},
	} {
		before := runs.Load()
		post(c.body, c.accept)
		if runs.Load() != before+1 {
			t.Errorf("%s (%s) was answered from the cache", c.body, c.accept)
		}
	}
	if hits != 1 || misses != 7 {
		t.Errorf("cache events: %d hits, %d misses; want 1 and 7", hits, misses)
	}
	// Filling the cache evicts the least recently used answers.
	for i := 0; i < 200; i++ {
		post(`{"query":"{ calls { id } }","operationName":"`+strings.Repeat("x", i)+`"}`, "")
	}
	before := runs.Load()
	post(q1, "")
	if runs.Load() != before+1 {
		t.Errorf("the oldest answer survived filling the cache")
	}
}

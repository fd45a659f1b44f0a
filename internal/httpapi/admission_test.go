package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/famigraph/famigraph/internal/httpapi"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// TestAdmission fills the admission bound with requests held inside the
// GraphQL handler and checks that one more is answered at once with 503,
// Retry-After and OVERLOADED, counted as rejected; that an answer from the
// response cache is not held back by a full bound; and that a freed slot
// admits the next request.
func TestAdmission(t *testing.T) {
	const bound = 2
	entered := make(chan struct{})
	release := make(chan struct{})
	gql := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.RawQuery, "hold") {
			entered <- struct{}{}
			<-release
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"data":{"ok":true}}`))
	})
	var mu sync.Mutex
	rejected := map[string]int{}
	exports := &kg.Service{Store: memstore.New(kgtest.Fixture(t))}
	h := httpapi.NewRouter(httpapi.Config{GraphQL: gql, MaxInFlight: bound, ResponseCacheBytes: 4096, Exports: exports,
		Rejected: func(reason string) {
			mu.Lock()
			rejected[reason]++
			mu.Unlock()
		}})
	post := func(path, body, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	// An answer the cache will hold.
	if rec := post("/graphql", `{"query":"{ cached }"}`, ""); rec.Code != http.StatusOK {
		t.Fatalf("cached query: status %d", rec.Code)
	}
	var wg sync.WaitGroup
	for i := range bound {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if rec := post("/graphql?hold", `{"query":"{ held`+strings.Repeat(" ", i)+` }"}`, ""); rec.Code != http.StatusOK {
				t.Errorf("held request %d: status %d", i, rec.Code)
			}
		}()
		<-entered
	}
	for _, accept := range []string{"", "application/graphql-response+json"} {
		rec := post("/graphql", `{"query":"{ another }"}`, accept)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" {
			t.Errorf("beyond the bound (%q): status %d, Retry-After %q; want 503 and 1", accept, rec.Code, rec.Header().Get("Retry-After"))
		}
		var body struct {
			Errors []struct {
				Message    string `json:"message"`
				Extensions struct {
					Code string `json:"code"`
				} `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 || body.Errors[0].Extensions.Code != httpapi.CodeOverloaded {
			t.Errorf("beyond the bound: body %s, want one error with code %s", rec.Body, httpapi.CodeOverloaded)
		}
		if want := "application/json"; accept != "" {
			if got := rec.Header().Get("Content-Type"); got != accept {
				t.Errorf("content type %q, want %q", got, accept)
			}
		} else if got := rec.Header().Get("Content-Type"); got != want {
			t.Errorf("content type %q, want %q", got, want)
		}
	}
	// Exports share the bound.
	get := httptest.NewRequest(http.MethodGet, "/export/network.graphml", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, get)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" || !strings.Contains(rec.Body.String(), httpapi.CodeOverloaded) {
		t.Errorf("an export beyond the bound: status %d, Retry-After %q, body %s; want 503, 1, %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body, httpapi.CodeOverloaded)
	}
	if rec := post("/graphql", `{"query":"{ cached }"}`, ""); rec.Code != http.StatusOK {
		t.Errorf("an answer from the cache with the bound full: status %d, want 200", rec.Code)
	}
	close(release)
	wg.Wait()
	if rec := post("/graphql", `{"query":"{ after }"}`, ""); rec.Code != http.StatusOK {
		t.Errorf("after the held requests ended: status %d, want 200", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export/network.graphml", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("an export after the held requests ended: status %d, want 200 (%s)", rec.Code, rec.Body)
	}
	mu.Lock()
	defer mu.Unlock()
	if rejected["overloaded"] != 3 {
		t.Errorf("rejected as overloaded: %d, want 3 (%v)", rejected["overloaded"], rejected)
	}
}

package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/famigraph/famigraph/internal/httpapi"
)

func TestCORSAllowList(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	h := httpapi.NewRouter(httpapi.Config{GraphQL: ok, CORSOrigins: []string{"https://map.example.org"}})
	for _, c := range []struct {
		origin string
		allow  string
	}{
		{"https://map.example.org", "https://map.example.org"},
		{"https://evil.example.com", ""},
	} {
		req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
		req.Header.Set("Origin", c.origin)
		req.Header.Set("Access-Control-Request-Method", http.MethodPost)
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != c.allow {
			t.Errorf("preflight from %s: Access-Control-Allow-Origin %q, want %q", c.origin, got, c.allow)
		}
	}
}

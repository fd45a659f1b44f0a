package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/httpapi"
)

func TestBrowserPagesFollowTheSwitches(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, c := range []struct {
		name                 string
		playground, explorer bool
		want                 map[string]int
	}{
		{"both", true, true, map[string]int{"/": 200, "/explore": 200, "/explore/": 301}},
		{"graphiql only", true, false, map[string]int{"/": 200, "/explore": 404}},
		{"explorer only", false, true, map[string]int{"/": 404, "/explore": 200}},
		{"neither", false, false, map[string]int{"/": 404, "/explore": 404, "/assets/x.js": 404}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := httpapi.NewRouter(httpapi.Config{GraphQL: ok, Ready: nil, Playground: c.playground, Explorer: c.explorer})
			for path, status := range c.want {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != status {
					t.Errorf("GET %s: status %d, want %d", path, rec.Code, status)
				}
				if status == 200 && !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'self'") {
					t.Errorf("GET %s: no CSP", path)
				}
			}
		})
	}
}

// TestHead checks that HEAD is answered as GET without a body, as HTTP
// asks (RFC 9110 9.3.2) and uptime checks and link checkers expect.
func TestHead(t *testing.T) {
	h := httpapi.NewRouter(httpapi.Config{GraphQL: http.NotFoundHandler(), Playground: true, Explorer: true})
	for _, path := range []string{"/", "/explore", "/healthz"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, path, nil))
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") == "" {
			t.Errorf("HEAD %s: status %d, Content-Type %q; want 200 and the GET's type", path, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}

func TestBrowserPagesAreCompressed(t *testing.T) {
	h := httpapi.NewRouter(httpapi.Config{GraphQL: http.NotFoundHandler(), Playground: true})
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("status %d, Content-Encoding %q", rec.Code, rec.Header().Get("Content-Encoding"))
	}
}

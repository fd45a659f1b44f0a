package webui_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/webui"
)

func get(t *testing.T, h http.Handler, path string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestPagesNameOnlyLocalAssets(t *testing.T) {
	site := webui.New()
	for _, page := range []string{webui.GraphiQLPage, webui.ExplorerPage} {
		t.Run(page, func(t *testing.T) {
			res := get(t, site.Page(page), "/")
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if got := res.Header.Get("Content-Security-Policy"); got != webui.ContentSecurityPolicy {
				t.Errorf("CSP %q", got)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("headers %v", res.Header)
			}
			refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(body), -1)
			if len(refs) == 0 {
				t.Fatal("the page names no script")
			}
			for _, m := range refs {
				ref := m[1]
				if ref == "data:," {
					continue // the empty favicon
				}
				if !strings.HasPrefix(ref, "/assets/") {
					t.Errorf("%s refers to %q, outside the embedded assets", page, ref)
					continue
				}
				a := get(t, site.Assets(), ref)
				if a.StatusCode != http.StatusOK {
					t.Errorf("%s: status %d", ref, a.StatusCode)
				}
				if !strings.Contains(a.Header.Get("Cache-Control"), "immutable") {
					t.Errorf("%s: Cache-Control %q", ref, a.Header.Get("Cache-Control"))
				}
			}
		})
	}
}

func TestAssetsRevalidateAndRefuseOthers(t *testing.T) {
	site := webui.New()
	res := get(t, site.Page(webui.ExplorerPage), "/explore")
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if res := get(t, site.Page(webui.ExplorerPage), "/explore", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: status %d, want 304", res.StatusCode)
	}
	for _, path := range []string{"/assets/nope.js", "/assets/../index.html", "/index.html", "/explore/index.html"} {
		if res := get(t, site.Assets(), path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, res.StatusCode)
		}
	}
}

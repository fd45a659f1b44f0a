// Package webui serves famigraph's browser pages from the binary: GraphiQL
// and the explorer, built from web/ by Vite into dist/ (committed, so that a
// fresh clone needs no Node.js) and embedded here. Nothing they need comes
// from another host.
package webui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed all:dist
var dist embed.FS

// Pages of the build.
const (
	GraphiQLPage = "index.html"
	ExplorerPage = "explore/index.html"
)

// ContentSecurityPolicy is sent with every page and asset: scripts, styles,
// fonts, workers and requests only from the server itself. Inline styles
// are allowed because the editor (Monaco) and the network drawing set them
// at run time; data: images and fonts because GraphiQL's stylesheet carries
// its fonts and icons that way.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

type file struct {
	body  []byte
	etag  string
	ctype string
}

// Site serves the embedded pages and assets.
type Site struct {
	files map[string]file
}

// New returns the site of the embedded build, indexed once per process. It
// panics if the build is missing, which only a broken checkout can cause
// (dist/ is committed).
func New() *Site {
	s, err := embedded()
	if err != nil {
		panic("webui: " + err.Error())
	}
	return s
}

var embedded = sync.OnceValues(func() (*Site, error) { return newSite(dist) })

func newSite(fsys fs.FS) (*Site, error) {
	sub, err := fs.Sub(fsys, "dist")
	if err != nil {
		return nil, err
	}
	s := &Site{files: map[string]file{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = http.DetectContentType(b)
		}
		s.files[p] = file{body: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range []string{GraphiQLPage, ExplorerPage} {
		if _, ok := s.files[p]; !ok {
			return nil, fs.ErrNotExist
		}
	}
	return s, nil
}

// Page serves one HTML page of the build; browsers revalidate it on every
// visit (it names the current assets).
func (s *Site) Page(name string) http.Handler {
	f, ok := s.files[name]
	if !ok {
		panic("webui: no page " + name)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		w.Header().Set("Cache-Control", "no-cache")
		serve(w, r, f)
	})
}

// Assets serves /assets/...: file names carry a hash of their content, so
// browsers may keep them for good.
func (s *Site) Assets() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		f, ok := s.files[name]
		if !ok || !strings.HasPrefix(name, "assets/") {
			http.NotFound(w, r)
			return
		}
		setSecurityHeaders(w.Header())
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		serve(w, r, f)
	})
}

func serve(w http.ResponseWriter, r *http.Request, f file) {
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("ETag", f.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

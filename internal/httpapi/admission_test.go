package httpapi_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/famigraph/famigraph/internal/httpapi"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// holdingHandler is a GraphQL handler that answers at once, except a
// request with "hold" in its query string: that one signals entered and
// waits for release to be closed.
func holdingHandler() (h http.Handler, entered chan struct{}, release chan struct{}) {
	entered, release = make(chan struct{}), make(chan struct{})
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.RawQuery, "hold") {
			entered <- struct{}{}
			<-release
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"data":{"ok":true}}`))
	})
	return h, entered, release
}

// TestAdmission fills the admission bound (without a queue) with requests
// held inside the GraphQL handler and checks that one more is answered at once with 503,
// Retry-After and OVERLOADED, counted as rejected; that an answer from the
// response cache is not held back by a full bound; and that a freed slot
// admits the next request.
func TestAdmission(t *testing.T) {
	const bound = 2
	gql, entered, release := holdingHandler()
	var mu sync.Mutex
	rejected := map[string]int{}
	exports := &kg.Service{Store: memstore.New(kgtest.Fixture(t))}
	h := httpapi.NewRouter(httpapi.Config{GraphQL: gql, MaxInFlight: bound, MaxQueue: -1, ResponseCacheBytes: 4096, Exports: exports,
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

// unreadBody is a request body that records whether it was read.
type unreadBody struct {
	read atomic.Bool
	r    io.Reader
}

func (b *unreadBody) Read(p []byte) (int, error) {
	b.read.Store(true)
	return b.r.Read(p)
}

func (b *unreadBody) Close() error { return nil }

// TestAdmissionRefusesEarly takes the one slot of a server without a
// response cache or a queue and checks that a request beyond it is refused
// without its body being read, that the connection stays open for the
// next request (refusals do not cost new connections), and that no
// goroutine is left behind.
func TestAdmissionRefusesEarly(t *testing.T) {
	gql, entered, release := holdingHandler()
	var refused atomic.Int32
	h := httpapi.NewRouter(httpapi.Config{GraphQL: gql, MaxInFlight: 1, MaxQueue: -1,
		Rejected: func(reason string) {
			if reason == "overloaded" {
				refused.Add(1)
			}
		}})
	srv := httptest.NewUnstartedServer(h)
	var conns atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	goroutines := runtime.NumGoroutine()
	body := `{"query":"{ ok }"}`
	post := func(c *http.Client, query string) (int, string) {
		resp, err := c.Post(srv.URL+"/graphql"+query, "application/json", strings.NewReader(body))
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	held := make(chan int)
	go func() {
		c := &http.Client{Transport: &http.Transport{}}
		defer c.CloseIdleConnections()
		code, _ := post(c, "?hold")
		held <- code
	}()
	<-entered
	b := &unreadBody{r: strings.NewReader(body)}
	req := httptest.NewRequest(http.MethodPost, "/graphql", b)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" || !strings.Contains(rec.Body.String(), httpapi.CodeOverloaded) {
		t.Errorf("beyond the bound: status %d, Retry-After %q, body %s; want 503, 1, %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body, httpapi.CodeOverloaded)
	}
	if b.read.Load() {
		t.Error("the body of a request refused as OVERLOADED was read")
	}
	// Over one connection, several refusals in a row: it stays open.
	c := &http.Client{Transport: &http.Transport{}}
	before := conns.Load()
	for range 5 {
		if code, out := post(c, ""); code != http.StatusServiceUnavailable {
			t.Fatalf("beyond the bound over HTTP: status %d (%s), want 503", code, out)
		}
	}
	if opened := conns.Load() - before; opened != 1 {
		t.Errorf("5 refusals in a row opened %d connections, want 1 (keep-alive)", opened)
	}
	c.CloseIdleConnections()
	close(release)
	if code := <-held; code != http.StatusOK {
		t.Errorf("the held request: status %d, want 200", code)
	}
	if got := refused.Load(); got != 6 {
		t.Errorf("refusals counted: %d, want 6", got)
	}
	srv.CloseClientConnections()
	// Every request has ended: the goroutines return to where they were.
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for range 1000 {
		if runtime.NumGoroutine() <= goroutines {
			return
		}
		<-tick.C
	}
	t.Errorf("goroutines: %d, %d before the requests", runtime.NumGoroutine(), goroutines)
}

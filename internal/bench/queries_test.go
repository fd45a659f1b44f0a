package bench_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/famigraph/famigraph/internal/bench"
	"github.com/famigraph/famigraph/internal/httpapi"
	"github.com/famigraph/famigraph/internal/memstore"
)

// TestQueriesAnswer checks that every benchmark query answers without
// errors, and not emptily, on the real seed and on a synthetic network
// through the server as serve wires it, and that the store counts calls.
func TestQueriesAnswer(t *testing.T) {
	for _, scale := range []int{0, 2} {
		t.Run(fmt.Sprintf("scale=%d", scale), func(t *testing.T) {
			ds, suffix := dataset(t, scale)
			store := &bench.Counting{Store: memstore.New(ds)}
			srv := httptest.NewServer(bench.NewServer(store, bench.ServerConfig{}))
			defer srv.Close()
			drv := bench.NewDriver(srv.URL+"/graphql", 1)
			defer drv.Close()
			reqs, err := drv.Prepare(context.Background(), bench.Queries(suffix))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range reqs {
				if len(r.Want) < 200 {
					t.Errorf("%s: a short answer, the ids may be wrong: %s", r.Name, r.Want)
				}
			}
			if store.Count() < int64(len(reqs)) {
				t.Errorf("%d store calls for %d queries", store.Count(), len(reqs))
			}
			var light []bench.Request
			for _, r := range reqs {
				if r.Name == "lineage" || r.Name == "paths" {
					light = append(light, r)
				}
			}
			res := drv.Run(context.Background(), bench.Load{Clients: 2, Duration: 300 * time.Millisecond, Requests: light})
			if res.Requests == 0 || res.Errors > 0 || res.Differed > 0 {
				t.Errorf("load: %d requests, %d errors, %d differing: %v", res.Requests, res.Errors, res.Differed, res.FirstErrs)
			}
		})
	}
}

// TestResponseCacheSetting checks NewServer's response cache: on by
// default, as serve runs the embedded store, so that a repeated query makes
// no store call; off with 0, so that every request runs the query.
func TestResponseCacheSetting(t *testing.T) {
	ds, _ := dataset(t, 0)
	q, _ := bench.QueryNamed(bench.Queries(""), "lineage")
	for _, c := range []struct {
		name       string
		cfg        bench.ServerConfig
		wantCalls  bool // the second request reaches the store
		wantConfig int64
	}{
		{"default", bench.ServerConfig{}, false, httpapi.DefaultResponseCacheBytes},
		{"off", bench.ServerConfig{ResponseCacheBytes: new(int64(0))}, true, 0},
		{"1MiB", bench.ServerConfig{ResponseCacheBytes: new(int64(1 << 20))}, false, 1 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.cfg.CacheBytes(); got != c.wantConfig {
				t.Errorf("CacheBytes() = %d, want %d", got, c.wantConfig)
			}
			store := &bench.Counting{Store: memstore.New(ds)}
			srv := httptest.NewServer(bench.NewServer(store, c.cfg))
			defer srv.Close()
			drv := bench.NewDriver(srv.URL+"/graphql", 1)
			defer drv.Close()
			first, err := drv.Do(context.Background(), q.Body())
			if err != nil {
				t.Fatal(err)
			}
			store.Reset()
			second, err := drv.Do(context.Background(), q.Body())
			if err != nil {
				t.Fatal(err)
			}
			if string(first) != string(second) {
				t.Errorf("the second answer differs from the first")
			}
			if got := store.Count() > 0; got != c.wantCalls {
				t.Errorf("second request: %d store calls; want calls: %t", store.Count(), c.wantCalls)
			}
		})
	}
}

func TestIsBadInput(t *testing.T) {
	for body, want := range map[string]bool{
		`{"errors":[{"message":"too big","extensions":{"code":"BAD_INPUT"}}],"data":null}`: true,
		`{"errors":[{"message":"x","extensions":{"code":"NOT_FOUND"}}]}`:                   false,
		`{"data":{"x":1}}`: false,
		`not json`:         false,
	} {
		if got := bench.IsBadInput([]byte(body)); got != want {
			t.Errorf("IsBadInput(%s) = %t", body, got)
		}
	}
}

func TestPercentile(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	var l []time.Duration
	for i := 1; i <= 100; i++ {
		l = append(l, ms(i))
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, ms(50)}, {99, ms(99)}, {100, ms(100)}, {0, ms(1)}} {
		if got := bench.Percentile(l, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if bench.Percentile(nil, 50) != 0 {
		t.Error("percentile of nothing")
	}
}

package bench_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/famigraph/famigraph/internal/bench"
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

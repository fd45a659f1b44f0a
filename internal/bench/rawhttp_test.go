package bench

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// The raw client reads what net/http's server writes — chunked bodies,
// Content-Length, a refusal with Retry-After, a connection closed by the
// server — and keeps its connection alive otherwise.
func TestRawConn(t *testing.T) {
	big := bytes.Repeat([]byte(`{"data":{"x":"0123456789"}}`), 4000) // chunked: beyond net/http's buffer
	small := []byte(`{"data":{"x":1}}`)
	refusal := []byte(`{"errors":[{"message":"busy","extensions":{"code":"OVERLOADED"}}]}`)
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch string(body) {
		case "big":
			w.Write(big)
		case "small":
			w.Header().Set("Content-Length", strconv.Itoa(len(small)))
			w.Write(small)
		case "refuse":
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write(refusal)
		case "close":
			w.Header().Set("Connection", "close")
			w.Write(small)
		default:
			http.Error(w, "unknown "+string(body), http.StatusBadRequest)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	var dials int
	c, err := newRawConn(srv.URL+"/graphql", func() { dials++ })
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	var buf bytes.Buffer
	for _, step := range []struct {
		body, retryAfter string
		status, dials    int
		want             []byte
	}{
		{"big", "", 200, 1, big},
		{"small", "", 200, 1, small},
		{"refuse", "1", 503, 1, refusal},
		{"big", "", 200, 1, big},
		{"close", "", 200, 1, small},
		{"small", "", 200, 2, small}, // dialled again
		{"bad", "", 400, 2, []byte("unknown bad\n")},
	} {
		status, retryAfter, out, err := c.do(context.Background(), []byte(step.body), &buf)
		if err != nil {
			t.Fatalf("%s: %v", step.body, err)
		}
		if status != step.status || retryAfter != step.retryAfter || !bytes.Equal(out, step.want) || dials != step.dials {
			t.Errorf("%s: status %d, Retry-After %q, %d bytes, %d dials; want %d, %q, %d bytes, %d dials",
				step.body, status, retryAfter, len(out), dials, step.status, step.retryAfter, len(step.want), step.dials)
		}
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("the server saw %d connections, want 2", n)
	}
}

// A run of raw clients counts what a run through net/http counts, and
// keeps its connections for the next run (drained: a request cut at a
// run's end closes its connection, as net/http's client does).
func TestRunRaw(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if served.Add(1)%3 == 0 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"errors":[{"message":"busy","extensions":{"code":"OVERLOADED"}}]}`)
			return
		}
		io.WriteString(w, `{"data":{"ok":true}}`)
	}))
	defer srv.Close()
	d := NewDriver(srv.URL, 4)
	d.Raw = true
	defer d.Close()
	l := Load{Clients: 4, Duration: 200 * time.Millisecond, RetryAfter: true, Drain: true,
		Requests: []Request{{Name: "q", Body: []byte(`{"query":"{ok}"}`), Want: []byte(`{"data":{"ok":true}}`)}}}
	for run := range 2 {
		r := d.Run(context.Background(), l)
		if r.Errors != 0 || r.Differed != 0 || r.Refused == 0 || len(r.Latencies) == 0 || r.Requests != len(r.Latencies)+r.Refused {
			t.Errorf("run %d: %d requests, %d served, %d refused, %d errors %v, %d differed", run, r.Requests, len(r.Latencies), r.Refused, r.Errors, r.FirstErrs, r.Differed)
		}
		if want := int64(4 * (1 - run)); r.Dials != want {
			t.Errorf("run %d: %d connections opened, want %d", run, r.Dials, want)
		}
	}
}

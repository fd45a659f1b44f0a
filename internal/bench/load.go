package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Request is one kind of request the clients send, with the response the
// server gave when it was checked.
type Request struct {
	Name string
	Body []byte
	// Want is the expected response body. A response that differs is still
	// accepted if it is a GraphQL response with data and no errors; it is
	// then counted in Result.Differed.
	Want []byte
}

// Driver sends requests to one URL with a pool of keep-alive connections.
type Driver struct {
	URL    string
	Client *http.Client
	// Raw makes Run's clients drive their connections themselves
	// (rawConn), one goroutine each, rather than through Client: for runs
	// of many clients, whose net/http hand-offs would otherwise queue for
	// the processors the server shares.
	Raw   bool
	dials atomic.Int64
	// idle holds the raw connections of the clients of earlier runs, kept
	// alive for the next, as the transport keeps its idle connections.
	mu   sync.Mutex
	idle []*rawConn
}

// NewDriver returns a driver for url with enough idle connections for
// clients concurrent clients.
func NewDriver(url string, clients int) *Driver {
	d := &Driver{URL: url}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			d.dials.Add(1)
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConns:        2 * clients,
		MaxIdleConnsPerHost: 2 * clients,
		MaxConnsPerHost:     0,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	d.Client = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	return d
}

// Dials returns the number of connections the driver has opened.
func (d *Driver) Dials() int64 { return d.dials.Load() }

// Close closes the driver's idle connections.
func (d *Driver) Close() {
	d.Client.CloseIdleConnections()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.idle {
		c.close()
	}
	d.idle = nil
}

// Do sends one request and returns the response body, or an error for a
// transport failure or a status other than 200.
func (d *Driver) Do(ctx context.Context, body []byte) ([]byte, error) {
	out, _, err := d.do(ctx, body, new(bytes.Buffer))
	return out, err
}

// ErrOverloaded is the error of a request the server refused with 503 and
// the code OVERLOADED: answered, but not served.
type ErrOverloaded struct {
	// RetryAfter is the server's Retry-After.
	RetryAfter time.Duration
}

func (e *ErrOverloaded) Error() string {
	return fmt.Sprintf("HTTP 503 OVERLOADED, retry after %s", e.RetryAfter)
}

// do sends one request and reads the response's body into buf, whose bytes
// it returns: a client that passes the same buffer each time reads without
// allocating, so that the load generator's own garbage collections, which
// share the machine with the server, stay few.
func (d *Driver) do(ctx context.Context, body []byte, buf *bytes.Buffer) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.Client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	out := buf.Bytes()
	if err != nil {
		return nil, resp.StatusCode, err
	}
	return out, resp.StatusCode, outcome(resp.StatusCode, resp.Header.Get("Retry-After"), out)
}

// outcome is the error of a response of status, with the Retry-After
// header retryAfter and the body out: nil for 200, ErrOverloaded for a
// 503 OVERLOADED with a valid Retry-After.
func outcome(status int, retryAfter string, out []byte) error {
	if status == http.StatusServiceUnavailable && ErrorCode(out) == "OVERLOADED" {
		secs, err := strconv.Atoi(retryAfter)
		if err != nil || secs < 0 {
			return fmt.Errorf("HTTP 503 OVERLOADED without a valid Retry-After (%q)", retryAfter)
		}
		return &ErrOverloaded{RetryAfter: time.Duration(secs) * time.Second}
	}
	if status != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", status, out)
	}
	return nil
}

// sender returns how one client of Run sends a request, reading the
// response's body into buf, and done, which hands back the connection it
// holds for the driver's next run.
func (d *Driver) sender(ctx context.Context, buf *bytes.Buffer) (send func(body []byte) ([]byte, error), done func(), err error) {
	if !d.Raw {
		return func(body []byte) ([]byte, error) {
			out, _, err := d.do(ctx, body, buf)
			return out, err
		}, func() {}, nil
	}
	d.mu.Lock()
	var c *rawConn
	if n := len(d.idle); n > 0 {
		c, d.idle = d.idle[n-1], d.idle[:n-1]
	}
	d.mu.Unlock()
	if c == nil {
		if c, err = newRawConn(d.URL, func() { d.dials.Add(1) }); err != nil {
			return nil, nil, err
		}
	}
	idle := func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.idle = append(d.idle, c)
	}
	return func(body []byte) ([]byte, error) {
		status, retryAfter, out, err := c.do(ctx, body, buf)
		if err != nil {
			// The connection's deadline is ctx's: past it, the failure is
			// ctx's end, which its timer may not have marked yet.
			if end, ok := ctx.Deadline(); ok && !time.Now().Before(end) {
				<-ctx.Done()
			}
			return nil, err
		}
		return out, outcome(status, retryAfter, out)
	}, idle, nil
}

// ErrorCode returns the code of the first GraphQL error in body, or "".
func ErrorCode(body []byte) string {
	var r struct {
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &r) != nil || len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Extensions.Code
}

// CheckGraphQL returns an error unless body is a GraphQL response with data
// and no errors.
func CheckGraphQL(body []byte) error {
	var data json.RawMessage
	return DecodeGraphQL(body, &data)
}

// DecodeGraphQL decodes the data of body, a GraphQL response, into data; it
// returns an error unless body has data and no errors.
func DecodeGraphQL(body []byte, data any) error {
	var r struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("response is not JSON: %v", err)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("GraphQL errors: %.300s", r.Errors[0])
	}
	if len(r.Data) == 0 || string(r.Data) == "null" {
		return errors.New("GraphQL response without data")
	}
	return json.Unmarshal(r.Data, data)
}

// Prepare sends each query once, checks that it answers without errors and
// records its response as the expected one.
func (d *Driver) Prepare(ctx context.Context, qs []Query) ([]Request, error) {
	var out []Request
	for _, q := range qs {
		body := q.Body()
		resp, err := d.Do(ctx, body)
		if err == nil {
			err = CheckGraphQL(resp)
		}
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", q.Name, err)
		}
		out = append(out, Request{Name: q.Name, Body: body, Want: resp})
	}
	return out, nil
}

// Load is a fixed-duration run of concurrent clients.
type Load struct {
	Clients  int
	Duration time.Duration
	// Requests are sent in turn by every client, each client starting at a
	// different one.
	Requests []Request
	// MaxLatencies bounds the latencies kept per client (0: 1<<20).
	MaxLatencies int
	// RetryAfter makes a client refused as OVERLOADED wait for the
	// server's Retry-After before its next request, as a well-behaved
	// client does; without it the client sends its next request at once.
	RetryAfter bool
	// RetryJitter spreads the clients' returns, as well-behaved clients do
	// so that the ones refused together do not all come back at once: a
	// client waits the Retry-After times 1 plus a random fraction below
	// RetryJitter (0: exactly the Retry-After).
	RetryJitter float64
	// Drain lets the requests in flight when the duration ends run to
	// their end (uncounted) rather than cancelling them, so that a server
	// that keeps working on abandoned requests does not carry them into
	// the next measurement. Run then returns once they have ended.
	Drain bool
}

// Result is what a Load measured.
type Result struct {
	Elapsed  time.Duration
	Requests int
	Bytes    int64
	Errors   int // transport failures, HTTP errors and GraphQL errors
	Differed int // valid responses that differ from the expected bytes
	// Refused counts requests answered 503 OVERLOADED with a Retry-After:
	// answered, not served, and not errors. Their latencies are in
	// RefusedLatencies, not in Latencies.
	Refused int
	// Dials is the number of connections the clients opened during the
	// run: with keep-alive, none after the first request of each client.
	Dials            int64
	FirstErrs        []string
	Latencies        []time.Duration            // sorted; every request but the refused ones
	ByName           map[string][]time.Duration // sorted, per request name
	RefusedLatencies []time.Duration            // sorted
}

// Throughput is the number of requests per second.
func (r *Result) Throughput() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// Served is the number of requests the server served: neither refused as
// OVERLOADED nor failed.
func (r *Result) Served() int { return served(r.Requests, r.Refused, r.Errors) }

// Percentile returns the p-th percentile (0-100) of sorted latencies.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// Run drives the load until its duration has passed or ctx ends.
func (d *Driver) Run(ctx context.Context, l Load) *Result {
	if l.MaxLatencies == 0 {
		l.MaxLatencies = 1 << 20
	}
	type clientResult struct {
		lat       []time.Duration
		names     []int
		refused   []time.Duration
		n         int
		bytes     int64
		errors    int
		differed  int
		firstErrs []string
	}
	results := make([]clientResult, l.Clients)
	reqCtx := ctx
	ctx, cancel := context.WithTimeout(ctx, l.Duration)
	defer cancel()
	if !l.Drain {
		reqCtx = ctx
	}
	dials := d.Dials()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range l.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &results[c]
			r.lat = make([]time.Duration, 0, 4096)
			var buf bytes.Buffer
			send, done, err := d.sender(reqCtx, &buf)
			if err != nil {
				r.errors++
				r.firstErrs = append(r.firstErrs, err.Error())
				return
			}
			defer done()
			for i := c; ctx.Err() == nil; i++ {
				ri := i % len(l.Requests)
				req := l.Requests[ri]
				t0 := time.Now()
				body, err := send(req.Body)
				lat := time.Since(t0)
				if ctx.Err() != nil {
					break // cut short by the end of the run: not counted
				}
				if over, ok := err.(*ErrOverloaded); ok {
					r.n++
					if len(r.refused) < l.MaxLatencies {
						r.refused = append(r.refused, lat)
					}
					if l.RetryAfter && !wait(ctx, jittered(over.RetryAfter, l.RetryJitter)) {
						break
					}
					continue
				}
				if err == nil && !bytes.Equal(body, req.Want) {
					if err = CheckGraphQL(body); err == nil {
						r.differed++
					}
				}
				if err != nil {
					r.errors++
					if len(r.firstErrs) < 3 {
						r.firstErrs = append(r.firstErrs, fmt.Sprintf("%s: %v", req.Name, err))
					}
				}
				r.n++
				r.bytes += int64(len(body))
				if len(r.lat) < l.MaxLatencies {
					r.lat = append(r.lat, lat)
					r.names = append(r.names, ri)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if l.Drain {
		elapsed = l.Duration // the drained requests are not counted
	}
	out := &Result{Elapsed: elapsed, ByName: map[string][]time.Duration{}, Dials: d.Dials() - dials}
	for _, r := range results {
		out.Requests += r.n
		out.Bytes += r.bytes
		out.Errors += r.errors
		out.Differed += r.differed
		out.Latencies = append(out.Latencies, r.lat...)
		out.Refused += len(r.refused)
		out.RefusedLatencies = append(out.RefusedLatencies, r.refused...)
		for i, ri := range r.names {
			name := l.Requests[ri].Name
			out.ByName[name] = append(out.ByName[name], r.lat[i])
		}
		if len(out.FirstErrs) < 5 {
			out.FirstErrs = append(out.FirstErrs, r.firstErrs...)
		}
	}
	slices.Sort(out.Latencies)
	slices.Sort(out.RefusedLatencies)
	for _, v := range out.ByName {
		slices.Sort(v)
	}
	return out
}

// jittered returns d lengthened by a random fraction of it below jitter.
func jittered(d time.Duration, jitter float64) time.Duration {
	if jitter <= 0 {
		return d
	}
	return d + time.Duration(rand.Float64()*jitter*float64(d))
}

// wait waits for d or until ctx ends, and reports whether d passed.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Latency sums up latencies: their number and percentiles.
type Latency struct {
	N             int
	P50, P99, Max time.Duration
}

// LatencyOf sorts ds and sums them up.
func LatencyOf(ds []time.Duration) Latency {
	slices.Sort(ds)
	return latencyOf(ds)
}

func latencyOf(sorted []time.Duration) Latency {
	return Latency{N: len(sorted), P50: Percentile(sorted, 50), P99: Percentile(sorted, 99), Max: Percentile(sorted, 100)}
}

// Summary is a Result without its latencies, only their percentiles: what a
// report needs, small enough to keep while the heap is measured (a long run
// records millions of latencies, megabytes that are the driver's, not the
// server's).
type Summary struct {
	Elapsed   time.Duration
	Requests  int
	Bytes     int64
	Errors    int
	Differed  int
	Refused   int
	Dials     int64
	FirstErrs []string
	All       Latency // every request but the refused ones
	ByName    map[string]Latency
	// RefusedLat sums up the latencies of the requests refused as
	// OVERLOADED.
	RefusedLat Latency
}

// Served is Result.Served.
func (s Summary) Served() int { return served(s.Requests, s.Refused, s.Errors) }

func served(requests, refused, errors int) int { return requests - refused - errors }

// Summary returns the result's summary.
func (r *Result) Summary() Summary {
	s := Summary{Elapsed: r.Elapsed, Requests: r.Requests, Bytes: r.Bytes, Errors: r.Errors, Differed: r.Differed,
		Refused: r.Refused, Dials: r.Dials, FirstErrs: r.FirstErrs, All: latencyOf(r.Latencies), ByName: map[string]Latency{},
		RefusedLat: latencyOf(r.RefusedLatencies)}
	for name, l := range r.ByName {
		s.ByName[name] = latencyOf(l)
	}
	return s
}

// Throughput is the number of requests per second.
func (s Summary) Throughput() float64 { return float64(s.Requests) / s.Elapsed.Seconds() }

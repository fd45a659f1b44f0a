package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestAdmissionQueueFIFO takes the one slot, queues two requests, checks
// that a third finds the queue full and is refused at once (and that full
// says so beforehand), and that freed slots go to the queued requests in
// the order they came.
func TestAdmissionQueueFIFO(t *testing.T) {
	a := newAdmission(1, 2, time.Hour)
	queued := make(chan struct{})
	a.queued = func() { queued <- struct{}{} }
	ctx := context.Background()
	if !a.acquire(ctx) {
		t.Fatal("the first request found no free slot")
	}
	admitted := make(chan string, 2)
	for _, name := range []string{"first", "second"} {
		go func() {
			if a.acquire(ctx) {
				admitted <- name
			} else {
				admitted <- name + " refused"
			}
		}()
		<-queued // waiting: the next one queues behind it
	}
	if !a.full() {
		t.Fatal("full: false with the slot taken and the queue full")
	}
	if a.acquire(ctx) {
		t.Fatal("a request beyond the queue was admitted")
	}
	for _, want := range []string{"first", "second"} {
		a.release(0)
		if got := <-admitted; got != want {
			t.Fatalf("admitted %q, want %q (first come, first served)", got, want)
		}
	}
	a.release(0)
	if a.inFlight() != 0 || a.queueLen() != 0 {
		t.Errorf("after every request: %d in flight, %d waiting; want 0 and 0", a.inFlight(), a.queueLen())
	}
}

// TestAdmissionQueueWaitBounded checks that a queued request gives up when
// its wait runs out or its context ends, leaving the queue as it was.
func TestAdmissionQueueWaitBounded(t *testing.T) {
	a := newAdmission(1, 1, time.Millisecond)
	if !a.acquire(context.Background()) {
		t.Fatal("the first request found no free slot")
	}
	if a.acquire(context.Background()) {
		t.Fatal("a queued request was admitted with the slot still taken")
	}
	if a.queueLen() != 0 {
		t.Fatalf("%d waiting after the wait ran out, want 0", a.queueLen())
	}
	b := newAdmission(1, 1, time.Hour)
	b.acquire(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	b.queued = cancel // the client goes away while it waits
	if b.acquire(ctx) {
		t.Fatal("a request whose context ended was admitted")
	}
	if b.queueLen() != 0 || b.inFlight() != 1 {
		t.Errorf("after the cancelled wait: %d waiting, %d in flight; want 0 and 1", b.queueLen(), b.inFlight())
	}
	// No queue: a request finding every slot taken is refused at once.
	for _, c := range []*admission{newAdmission(1, 0, time.Hour), newAdmission(1, 4, 0)} {
		c.acquire(context.Background())
		if !c.full() || c.acquire(context.Background()) {
			t.Errorf("an admission without a queue (%d, %s) did not refuse at once", c.maxQueue, c.maxWait)
		}
	}
}

// TestRefuseOverloaded checks that the OVERLOADED answer encoded once is
// the one writeError writes, with its Retry-After, for both media types.
func TestRefuseOverloaded(t *testing.T) {
	for _, media := range []string{mediaJSON, mediaGraphQLResponse} {
		want := httptest.NewRecorder()
		writeError(want, media, http.StatusServiceUnavailable, CodeOverloaded, "the server is busy: retry after 1 second")
		got := httptest.NewRecorder()
		reasons := 0
		refuseOverloaded(got, media, func(reason string) {
			if reason == "overloaded" {
				reasons++
			}
		})
		if got.Code != http.StatusServiceUnavailable || got.Header().Get("Content-Type") != media ||
			got.Header().Get("Retry-After") != "1" || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) || reasons != 1 {
			t.Errorf("%s: status %d, type %q, Retry-After %q, body %s, counted %d; want 503, the same type, 1, %s, 1",
				media, got.Code, got.Header().Get("Content-Type"), got.Header().Get("Retry-After"), got.Body, reasons, want.Body)
		}
	}
}

// headerWriter is a ResponseWriter that keeps its header map between
// requests and discards what is written.
type headerWriter struct {
	h      http.Header
	status int
}

func (w *headerWriter) Header() http.Header         { return w.h }
func (w *headerWriter) WriteHeader(status int)      { w.status = status }
func (w *headerWriter) Write(b []byte) (int, error) { return len(b), nil }

// TestEarlyRefusalAllocates checks that refusing a request when the
// admission is full allocates nothing: it is what the server does most
// when it is busiest.
func TestEarlyRefusalAllocates(t *testing.T) {
	a := newAdmission(1, 0, 0)
	a.acquire(context.Background())
	h := a.early(func(string) {}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Fatal("a request went past a full admission")
	}))
	r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	w := &headerWriter{h: http.Header{}}
	allocs := testing.AllocsPerRun(100, func() {
		clear(w.h)
		h.ServeHTTP(w, r)
	})
	if w.status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", w.status)
	}
	if allocs != 0 {
		t.Errorf("a refusal allocates %.1f times, want 0", allocs)
	}
}

// ReserveProcessor adds one processor to the runtime's, once, only when the
// bound leaves it free of executions; Processors and DefaultMaxInFlight
// keep counting the processors that execute.
func TestReserveProcessor(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	t.Cleanup(func() {
		runtime.GOMAXPROCS(before)
		reserved.Store(false)
	})
	for _, n := range []int{0, -1, before + 1} {
		if ReserveProcessor(n) || runtime.GOMAXPROCS(0) != before {
			t.Fatalf("ReserveProcessor(%d) with %d processors: reserved one (GOMAXPROCS %d)", n, before, runtime.GOMAXPROCS(0))
		}
	}
	for range 2 {
		if !ReserveProcessor(before) {
			t.Fatalf("ReserveProcessor(%d) with %d processors: none reserved", before, before)
		}
		if got := runtime.GOMAXPROCS(0); got != before+1 {
			t.Fatalf("GOMAXPROCS %d after the reservation, want %d", got, before+1)
		}
	}
	if Processors() != before || DefaultMaxInFlight(true) != before || DefaultMaxInFlight(false) != 2*before {
		t.Errorf("with a processor reserved: Processors %d, DefaultMaxInFlight %d and %d; want %d, %d and %d",
			Processors(), DefaultMaxInFlight(true), DefaultMaxInFlight(false), before, before, 2*before)
	}
}

// The default queue takes a burst of requests far beyond the bound (61 at
// once from the graphql-http audit, against a bound of 2): they wait their
// turn rather than being refused.
func TestAdmissionDefaultQueueTakesABurst(t *testing.T) {
	const bound, burst = 2, 60
	if n := queueLen(0, bound); n != DefaultQueuePerSlot*bound || n < burst {
		t.Fatalf("default queue for a bound of %d: %d", bound, n)
	}
	a := newAdmission(bound, queueLen(0, bound), time.Minute)
	var queued atomic.Int32
	all := make(chan struct{})
	a.queued = func() {
		if queued.Add(1) == burst {
			close(all)
		}
	}
	for range bound {
		if !a.acquire(t.Context()) {
			t.Fatal("a free slot was refused")
		}
	}
	results := make(chan bool, burst)
	for range burst {
		go func() {
			ok := a.acquire(t.Context())
			results <- ok
			if ok {
				a.release(0)
			}
		}()
	}
	select {
	case <-all:
	case ok := <-results:
		t.Fatalf("a request of the burst was answered (admitted %t) before the slots were freed", ok)
	case <-time.After(10 * time.Second):
		t.Fatalf("%d of %d requests queued", queued.Load(), burst)
	}
	for range bound {
		a.release(0)
	}
	for range burst {
		if !<-results {
			t.Error("a request of the burst was refused")
		}
	}
}

// TestAdmissionWaitFollowsExecution checks that a queued request may wait as
// long as a full queue takes to drain at the pace requests execute now,
// within MinQueueWait and the configured wait, and the configured wait
// before any request has executed.
func TestAdmissionWaitFollowsExecution(t *testing.T) {
	a := newAdmission(2, 64, 20*time.Millisecond)
	if got := a.waitLocked(); got != 20*time.Millisecond {
		t.Errorf("before any execution: %v, want the configured 20ms", got)
	}
	for range 100 {
		a.acquire(context.Background())
		a.release(300 * time.Microsecond)
	}
	if got, want := a.waitLocked(), 300*time.Microsecond*64/2; got != want {
		t.Errorf("executions of 300µs, 64 queued over 2 slots: %v, want %v", got, want)
	}
	a.acquire(context.Background())
	a.release(0) // not measured: no change
	if got, want := a.waitLocked(), 300*time.Microsecond*64/2; got != want {
		t.Errorf("after an unmeasured release: %v, want %v", got, want)
	}
	b := newAdmission(2, 64, 20*time.Millisecond)
	b.acquire(context.Background())
	b.release(time.Microsecond)
	if got := b.waitLocked(); got != MinQueueWait {
		t.Errorf("executions of 1µs: %v, want MinQueueWait %v", got, MinQueueWait)
	}
	b.acquire(context.Background())
	b.release(time.Second)
	if got := b.waitLocked(); got != 20*time.Millisecond {
		t.Errorf("an execution of 1s: %v, want the configured 20ms", got)
	}
	c := newAdmission(1, 1, time.Millisecond)
	c.acquire(context.Background())
	c.release(time.Microsecond)
	if got := c.waitLocked(); got != time.Millisecond {
		t.Errorf("configured 1ms, below MinQueueWait: %v, want 1ms", got)
	}
}

package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// CodeOverloaded is the code of a request refused because the server is
// running as many GraphQL requests as it admits at once and as many wait
// for a turn as may wait.
const CodeOverloaded = "OVERLOADED"

// OverloadRetryAfter is the Retry-After, in seconds, of an OVERLOADED
// answer.
const OverloadRetryAfter = 1

// DefaultMaxInFlight is the number of GraphQL requests executed at once
// when serve's --max-in-flight is not set. On a local store (the embedded
// one) a request is CPU work: one per processor that executes requests
// (Processors), so that, with ReserveProcessor, executions never occupy
// every processor. Over a remote store (Neo4j) a request mostly waits on
// round trips: two per processor.
//
// On 2 cores, 32 clients of the uncached map query were served as fast
// with 2, 4, 8 or 16 at once, at a median latency of 9–12, 20–38 and 64–71
// ms; with 2 at once and a processor reserved, the p99 of served requests
// at 256 and 1,024 clients was 1.1–1.4 and 1.7–2.0 times its value at 32
// clients (1.1–1.2 and 1.2–1.3 with the default queue), against 3.2–4.4
// and 7.4–9.1 times with 4 at once and none reserved (docs/benchmarks.md,
// item 6, third pass).
func DefaultMaxInFlight(local bool) int {
	if local {
		return Processors()
	}
	return 2 * Processors()
}

// reserved records that ReserveProcessor added a processor.
var reserved atomic.Bool

// Processors is the number of processors that execute requests: the Go
// runtime's (GOMAXPROCS, which the runtime sets from the CPUs, the
// container's CPU quota or the GOMAXPROCS environment variable), less the
// one ReserveProcessor added.
func Processors() int {
	n := runtime.GOMAXPROCS(0)
	if reserved.Load() {
		n--
	}
	return n
}

// ReserveProcessor gives the Go runtime one processor more than
// Processors, for the goroutines that read requests, refuse them and write
// answers, when at most maxInFlight requests executed at once leave it free
// of their work (0 < maxInFlight <= Processors); it reports whether a
// processor is reserved. Call it once, at start.
//
// Why: when requests keep every processor busy, the Go scheduler looks for
// connections with data to read only when a processor runs out of work, or
// every 10 ms from its monitor, and queues what it finds behind the
// executions; under overload the requests then wait for a processor longer
// than for their turn (p99 200 ms at 1,024 clients on 2 cores). With a
// processor left free of executions, they are read, queued or refused at
// once. The operating system shares the cores among the threads, so the
// executions keep the cores while the spare processor waits on the network.
func ReserveProcessor(maxInFlight int) bool {
	if maxInFlight <= 0 || maxInFlight > Processors() {
		return reserved.Load()
	}
	if reserved.CompareAndSwap(false, true) {
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + 1)
	}
	return true
}

// DefaultQueuePerSlot is how many requests may wait for a turn per request
// executed at once, when Config.MaxQueue is not set. The queue's wait
// (DefaultMaxQueueWait) bounds the latency; its length only bounds what
// waits. A queue as long as the bound refused bursts of cheap requests that
// the bound serves in a few milliseconds (the graphql-http audit's 61
// requests at once, with 2 at once); 32 per slot (64 on 2 cores) takes
// them, and under overload (1,024 clients of the uncached map query) kept
// the p99 of served requests at 1.2–1.3 times its value at 32 clients,
// where a queue as long as the bound gave 1.7–2.0 (docs/benchmarks.md,
// item 6, third pass).
const DefaultQueuePerSlot = 32

// DefaultMaxQueueWait bounds how long a request may wait for a turn when
// Config.MaxQueueWait is not set; within it, the wait follows the pace of
// execution (admission.waitLocked). At 1,024 clients on 2 busy cores, the
// p99 of served requests in the handler (queue wait included) was 1.7 to
// 1.8 times its value at 32 clients with 20 ms, 1.8 to 3.4 with 100 ms
// (docs/benchmarks.md, item 6).
const DefaultMaxQueueWait = 20 * time.Millisecond

// MinQueueWait is the least a request may wait for a turn (see
// admission.waitLocked), however fast the requests that run now execute.
const MinQueueWait = 5 * time.Millisecond

// admission bounds the GraphQL requests executed at once. A request beyond
// the bound waits for a turn, first come first served, in a queue of at
// most maxQueue requests (DefaultQueuePerSlot per slot unless set), each
// for at most as long as a full queue takes to drain at the pace requests
// execute now, between MinQueueWait and maxWait (see waitLocked). When
// the queue is full the request is answered at once with 503, Retry-After
// and the code OVERLOADED, before its body is read; a request whose wait
// runs out gets the same answer. So the admitted requests keep their
// latency (the wait is bounded and counted in it) and every client gets an
// answer.
type admission struct {
	maxWait time.Duration
	mu      sync.Mutex
	// exec is the moving average of how long admitted requests execute
	// (weight 1/16 to each new one); 0 before the first.
	exec  time.Duration
	slots int // the bound
	taken int
	// queue holds the requests waiting for a slot, first come first, at
	// most maxQueue; each one's channel is closed when a slot passes to it.
	queue    []chan struct{}
	maxQueue int
	// queued, if set, is called when a request has joined the queue (tests).
	queued func()
}

// newAdmission returns an admission of n slots with a queue of queue
// requests waiting at most maxWait each, or nil (no bound) for n <= 0. A
// queue of 0 or a maxWait of 0 refuses at once whatever finds every slot
// taken.
func newAdmission(n, queue int, maxWait time.Duration) *admission {
	if n <= 0 {
		return nil
	}
	if maxWait <= 0 {
		queue = 0
	}
	return &admission{slots: n, maxQueue: max(queue, 0), maxWait: maxWait}
}

// full reports whether a request arriving now would be refused at once:
// every slot taken and the queue full. It takes nothing; acquire decides.
func (a *admission) full() bool {
	if a == nil {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.taken == a.slots && len(a.queue) >= a.maxQueue
}

// acquire takes a slot, waiting in the queue for one if it has room, until
// the wait runs out or ctx ends; it reports whether it took one.
func (a *admission) acquire(ctx context.Context) bool {
	if a == nil {
		return true
	}
	a.mu.Lock()
	if a.taken < a.slots {
		a.taken++
		a.mu.Unlock()
		return true
	}
	if len(a.queue) >= a.maxQueue {
		a.mu.Unlock()
		return false
	}
	turn := make(chan struct{})
	a.queue = append(a.queue, turn)
	wait := a.waitLocked()
	a.mu.Unlock()
	if a.queued != nil {
		a.queued()
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-turn:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if i := slices.Index(a.queue, turn); i >= 0 {
		a.queue = slices.Delete(a.queue, i, i+1)
		return false
	}
	// A slot passed to it as the wait ended: pass it on.
	a.releaseLocked()
	return false
}

// waitLocked is how long a request joining the queue may wait for a turn:
// as long as a full queue takes to drain at the pace requests execute now
// (the average execution time, times maxQueue, over the slots), between
// MinQueueWait and maxWait; maxWait until a request has executed. A wait
// fixed in time is a different bound on each machine: 20 ms, right on the
// machine where the uncached map query executes in 0.7 ms, let the p99 of
// served requests at 1,024 clients reach 1.9–2.1 times its value at 32 on
// one where it executes in 0.37 ms (docs/benchmarks.md, item 6, fourth
// pass).
func (a *admission) waitLocked() time.Duration {
	if a.exec == 0 {
		return a.maxWait
	}
	drain := a.exec * time.Duration(a.maxQueue) / time.Duration(a.slots)
	return min(max(drain, MinQueueWait), a.maxWait)
}

// release gives back a slot taken by acquire: to the first request in the
// queue, if any. exec is how long the request executed (0: not measured).
func (a *admission) release(exec time.Duration) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if exec > 0 {
		if a.exec == 0 {
			a.exec = exec
		} else {
			a.exec += (exec - a.exec) / 16
		}
	}
	a.releaseLocked()
}

func (a *admission) releaseLocked() {
	if len(a.queue) == 0 {
		a.taken--
		return
	}
	close(a.queue[0])
	a.queue = slices.Delete(a.queue, 0, 1)
}

// inFlight returns the number of slots taken.
func (a *admission) inFlight() int {
	if a == nil {
		return 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.taken
}

// queueLen returns the number of requests waiting for a slot.
func (a *admission) queueLen() int {
	if a == nil {
		return 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.queue)
}

// serve runs next once it has a slot, else refuses the request as
// OVERLOADED.
func (a *admission) serve(w http.ResponseWriter, r *http.Request, media string, rejected func(string), next http.Handler) {
	if !a.acquire(r.Context()) {
		refuseOverloaded(w, media, rejected)
		return
	}
	start := time.Now()
	defer func() { a.release(time.Since(start)) }()
	next.ServeHTTP(w, r)
}

// early refuses, before anything else is done with the request (its body
// is not read), a request that would be refused: when every slot is taken
// and the queue is full. Any other request goes on to next, which decides
// (serve): the check takes no slot, so that a client slow to send its body
// holds none.
func (a *admission) early(rejected func(string), next http.Handler) http.Handler {
	if a == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.full() {
			refuseOverloaded(w, responseMediaType(r), rejected)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// handler runs next within the bound, refusing a request beyond it as
// OVERLOADED in the media type the client accepts.
func (a *admission) handler(rejected func(string), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.serve(w, r, responseMediaType(r), rejected, next)
	})
}

// The OVERLOADED answer, encoded once: refusing must cost as little as
// possible, since it is what the server does most when it is busiest.
var (
	overloadedBody       = mustErrorBody(CodeOverloaded, "the server is busy: retry after "+strconv.Itoa(OverloadRetryAfter)+" second")
	overloadedRetryAfter = []string{strconv.Itoa(OverloadRetryAfter)}
	overloadedLength     = []string{strconv.Itoa(len(overloadedBody))}
	mediaJSONHeader      = []string{mediaJSON}
	mediaGraphQLHeader   = []string{mediaGraphQLResponse}
)

// refuseOverloaded answers 503 OVERLOADED with Retry-After, the same
// response writeError would write, from bytes encoded once.
func refuseOverloaded(w http.ResponseWriter, media string, rejected func(string)) {
	rejected("overloaded")
	h := w.Header()
	h["Content-Type"] = mediaJSONHeader
	if media == mediaGraphQLResponse {
		h["Content-Type"] = mediaGraphQLHeader
	}
	h["Retry-After"] = overloadedRetryAfter
	h["Content-Length"] = overloadedLength
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write(overloadedBody)
}

// mustErrorBody returns the body of a GraphQL response with one coded
// error, as writeError encodes it.
func mustErrorBody(code, msg string) []byte {
	b, err := json.Marshal(errorBody(code, msg))
	if err != nil {
		panic(err) // maps of strings always encode
	}
	return append(b, '\n')
}

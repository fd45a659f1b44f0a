package httpapi

import (
	"net/http"
	"runtime"
	"strconv"
)

// CodeOverloaded is the code of a request refused because the server is
// running as many GraphQL requests as it admits at once.
const CodeOverloaded = "OVERLOADED"

// OverloadRetryAfter is the Retry-After, in seconds, of an OVERLOADED
// answer.
const OverloadRetryAfter = 1

// DefaultMaxInFlight is the number of GraphQL requests executed at once
// when Config.MaxInFlight is not set: four per processor the Go runtime
// uses (GOMAXPROCS). An uncached request is CPU work on the embedded store,
// so more at once only lengthens every one of them; four per processor
// keeps the processors busy while some wait on a store round trip.
func DefaultMaxInFlight() int { return 4 * runtime.GOMAXPROCS(0) }

// admission bounds the GraphQL requests executed at once. A request beyond
// the bound is not queued: it is answered at once with 503, Retry-After and
// the code OVERLOADED, so that the admitted ones keep their latency and
// every client gets an answer.
type admission struct {
	slots chan struct{}
}

// newAdmission returns an admission of n slots, or nil (no bound) for n <= 0.
func newAdmission(n int) *admission {
	if n <= 0 {
		return nil
	}
	return &admission{slots: make(chan struct{}, n)}
}

// tryAcquire takes a slot if one is free.
func (a *admission) tryAcquire() bool {
	if a == nil {
		return true
	}
	select {
	case a.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// release gives back a slot taken by tryAcquire.
func (a *admission) release() {
	if a != nil {
		<-a.slots
	}
}

// inFlight returns the number of slots taken.
func (a *admission) inFlight() int {
	if a == nil {
		return 0
	}
	return len(a.slots)
}

// serve runs next if a slot is free, else refuses the request as
// OVERLOADED.
func (a *admission) serve(w http.ResponseWriter, r *http.Request, media string, rejected func(string), next http.Handler) {
	if !a.tryAcquire() {
		rejected("overloaded")
		w.Header().Set("Retry-After", strconv.Itoa(OverloadRetryAfter))
		writeError(w, media, http.StatusServiceUnavailable, CodeOverloaded, "the server is busy: retry after "+strconv.Itoa(OverloadRetryAfter)+" second")
		return
	}
	defer a.release()
	next.ServeHTTP(w, r)
}

// handler runs next within the bound, refusing a request beyond it as
// OVERLOADED in the media type the client accepts.
func (a *admission) handler(rejected func(string), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.serve(w, r, responseMediaType(r), rejected, next)
	})
}

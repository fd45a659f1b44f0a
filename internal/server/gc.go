package server

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// DefaultGCHeadroom is how much the heap may grow between two garbage
// collections, at least, when the server tunes the collector (Config.GCHeadroom).
//
// The server's live heap is small (the embedded store of the real seed is a
// few MiB) next to what a request allocates (~0.5 MB for an uncached map
// query), and with Go's default GOGC=100 the heap may only grow by the live
// heap: a collection every few requests, each with its fixed costs (stopping
// and scanning every goroutine, the write barrier on). Measured on the map
// query, the collector then takes about a quarter of the CPU, and a GOGC
// giving ~64 MiB of headroom cuts the CPU of an uncached request by ~16 %
// (docs/benchmarks.md, issue 13 item 1, second pass). The price is memory: up to
// this much more heap between collections. A large store (scale 100: some
// hundred MiB live) already has more headroom than this at GOGC=100, and
// keeps Go's default.
const DefaultGCHeadroom = 64 << 20

// tuneGC keeps the collector's GOGC such that the heap may grow by at least
// headroom bytes over the live heap between collections, never below Go's
// default of 100: it sets it now from the live heap, and again after every
// collection, so that a live heap that grows (the response cache filling,
// up to its size) gets a GOGC that shrinks — the heap stays within the live
// heap plus the larger of itself and the headroom. When headroom is not
// positive or the environment sets GOGC (the operator's choice wins;
// GOGC=100 restores Go's default), it leaves GOGC as it is and stops tuning
// it; GOMEMLIMIT keeps its meaning. It returns the percentage set, or 0.
// The latest call applies to the whole process.
func tuneGC(headroom int64) int {
	if _, set := os.LookupEnv("GOGC"); set {
		headroom = 0
	}
	gcTuner.Lock()
	defer gcTuner.Unlock()
	gcTuner.headroom = headroom
	if headroom <= 0 {
		return 0
	}
	if !gcTuner.armed {
		gcTuner.armed = true
		armGCTuner()
	}
	return gcTuner.retune()
}

// gcTuner is the state of tuneGC.
var gcTuner gcTunerState

type gcTunerState struct {
	sync.Mutex
	headroom int64
	armed    bool // a finalizer will retune after the next collection
	percent  int  // the GOGC last set
}

// armGCTuner has GOGC retuned after the next collection, and again after
// each while there is headroom: a finalizer runs once its object is found
// unreachable, which the next collection does.
func armGCTuner() {
	sentinel := new([16]byte) // not tiny-allocated: a finalizer needs its own object
	runtime.SetFinalizer(sentinel, func(*[16]byte) {
		gcTuner.Lock()
		defer gcTuner.Unlock()
		if gcTuner.headroom <= 0 {
			gcTuner.armed = false
			return
		}
		gcTuner.retune()
		armGCTuner()
	})
}

// gcPercent is the GOGC that gives a live heap the headroom: at least Go's
// default, 100, at most 10 000 (a heap that small is barely measured).
func gcPercent(headroom, live int64) int {
	if live <= 0 {
		return 10_000
	}
	return int(max(100, min(headroom/live*100+headroom%live*100/live, 10_000)))
}

// liveHeap returns the heap marked live by the last collection, or what
// is allocated if none has run.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	for _, v := range s {
		if v.Value.Kind() == metrics.KindUint64 && v.Value.Uint64() > 0 {
			return int64(v.Value.Uint64())
		}
	}
	return 0
}

// retune sets GOGC from the live heap and the headroom, if it changed; the
// caller holds the lock.
func (t *gcTunerState) retune() int {
	percent := gcPercent(t.headroom, liveHeap())
	if percent != t.percent {
		debug.SetGCPercent(percent)
		t.percent = percent
	}
	return percent
}

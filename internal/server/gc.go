package server

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// DefaultGCHeadroom is how much the heap may grow between two garbage
// collections, at least, when the server tunes the collector (Config.GCHeadroom).
//
// The server's live heap is small (the embedded store of the real seed is a
// few MiB) next to what a request allocates (~0.5 MB for an uncached map
// query), and with Go's default GOGC=100 the heap may only grow by the live
// heap: a collection every few requests, each with its fixed costs (stopping
// and scanning every goroutine, the write barrier on). Measured on the map
// query, the collector then takes about a quarter of the CPU; with 64 MiB of
// headroom, a few percent (docs/benchmarks.md). The price is memory: up to
// this much more heap between collections. A large store (scale 100: some
// hundred MiB live) already has more headroom than this at GOGC=100, and
// keeps Go's default.
const DefaultGCHeadroom = 64 << 20

// tuneGC sets the collector's GOGC so that the heap may grow by at least
// headroom bytes over the live heap between collections, never below Go's
// default of 100. It does nothing when headroom is not positive or the
// environment sets GOGC (the operator's choice wins; GOGC=100 restores Go's
// default); GOMEMLIMIT keeps its meaning. It returns the percentage set, or
// 0.
func tuneGC(headroom int64) int {
	if headroom <= 0 {
		return 0
	}
	if _, set := os.LookupEnv("GOGC"); set {
		return 0
	}
	percent := gcPercent(headroom, liveHeap())
	debug.SetGCPercent(percent)
	return percent
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

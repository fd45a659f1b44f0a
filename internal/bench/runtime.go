package bench

import (
	"math"
	"runtime"
	"runtime/metrics"
	"time"
)

// HeapAfterGC returns the live heap after a full collection.
func HeapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// RuntimeSample is a reading of the Go runtime's counters that say where a
// process's time went: CPU used, CPU spent on garbage collection, and how
// long runnable goroutines waited for a processor. Two samples give the
// figures of the time between them (Since).
type RuntimeSample struct {
	at    time.Time
	cpu   time.Duration
	gcCPU float64
	sched *metrics.Float64Histogram
}

var runtimeMetrics = []string{"/cpu/classes/gc/total:cpu-seconds", "/sched/latencies:seconds"}

// SampleRuntime reads the runtime's counters.
func SampleRuntime() RuntimeSample {
	s := make([]metrics.Sample, len(runtimeMetrics))
	for i, name := range runtimeMetrics {
		s[i].Name = name
	}
	metrics.Read(s)
	out := RuntimeSample{at: time.Now(), cpu: CPUTime()}
	if s[0].Value.Kind() == metrics.KindFloat64 {
		out.gcCPU = s[0].Value.Float64()
	}
	if s[1].Value.Kind() == metrics.KindFloat64Histogram {
		h := s[1].Value.Float64Histogram()
		out.sched = &metrics.Float64Histogram{Buckets: h.Buckets, Counts: append([]uint64(nil), h.Counts...)}
	}
	return out
}

// RuntimeUse is what a process did between two runtime samples.
type RuntimeUse struct {
	Elapsed time.Duration
	// CPU is the process's CPU time (user and system), GCCPU the part of
	// it the runtime estimates went to garbage collection.
	CPU, GCCPU time.Duration
	// SchedP50 and SchedP99 are percentiles of the time goroutines spent
	// runnable before they ran: how long work waited for a processor in
	// this process.
	SchedP50, SchedP99 time.Duration
}

// Since returns what the process did from earlier to s.
func (s RuntimeSample) Since(earlier RuntimeSample) RuntimeUse {
	u := RuntimeUse{Elapsed: s.at.Sub(earlier.at), CPU: s.cpu - earlier.cpu,
		GCCPU: time.Duration((s.gcCPU - earlier.gcCPU) * float64(time.Second))}
	if s.sched == nil || earlier.sched == nil || len(s.sched.Counts) != len(earlier.sched.Counts) {
		return u
	}
	counts := make([]uint64, len(s.sched.Counts))
	var total uint64
	for i := range counts {
		counts[i] = s.sched.Counts[i] - earlier.sched.Counts[i]
		total += counts[i]
	}
	u.SchedP50 = histPercentile(s.sched.Buckets, counts, total, 0.50)
	u.SchedP99 = histPercentile(s.sched.Buckets, counts, total, 0.99)
	return u
}

// histPercentile returns the upper bound of the bucket that holds the p-th
// fraction of total counts.
func histPercentile(buckets []float64, counts []uint64, total uint64, p float64) time.Duration {
	if total == 0 {
		return 0
	}
	want := uint64(float64(total)*p + 0.5)
	var seen uint64
	for i, c := range counts {
		seen += c
		if seen >= want {
			return bucketBound(buckets, i)
		}
	}
	return bucketBound(buckets, len(counts)-1)
}

// bucketBound returns the upper bound of bucket i, or its lower bound for
// the last, unbounded one.
func bucketBound(buckets []float64, i int) time.Duration {
	b := buckets[i+1]
	if math.IsInf(b, 1) {
		b = buckets[i]
	}
	return time.Duration(b * float64(time.Second))
}

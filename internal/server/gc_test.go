package server

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

// GOGC gives the live heap the headroom, within Go's default and 10 000.
func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		headroom, live int64
		want           int
	}{
		{64 << 20, 8 << 20, 800},
		{64 << 20, 5 << 20, 1280},
		{64 << 20, 64 << 20, 100},
		{64 << 20, 300 << 20, 100},
		{64 << 20, 1 << 10, 10_000},
		{64 << 20, 0, 10_000},
		{3, 2, 150},
	} {
		if got := gcPercent(c.headroom, c.live); got != c.want {
			t.Errorf("headroom %d over %d live: GOGC %d, want %d", c.headroom, c.live, got, c.want)
		}
	}
}

// The collector is tuned unless there is no headroom or GOGC is set in the
// environment.
func TestTuneGC(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	t.Setenv("GOGC", "") // restored when the test ends
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
	if got := tuneGC(-1); got != 0 || debug.SetGCPercent(100) != 100 {
		t.Errorf("no headroom: set GOGC %d", got)
	}
	got := tuneGC(1 << 40)
	if got != 10_000 {
		t.Errorf("a terabyte of headroom: GOGC %d, want 10 000", got)
	}
	if cur := debug.SetGCPercent(100); cur != got {
		t.Errorf("the collector's GOGC is %d, want %d", cur, got)
	}
	t.Setenv("GOGC", "50")
	debug.SetGCPercent(50)
	if got := tuneGC(1 << 40); got != 0 || debug.SetGCPercent(50) != 50 {
		t.Errorf("GOGC set in the environment: tuned to %d", got)
	}
	// And the tuner has stopped: GOGC stays as set.
	runtime.GC()
	runtime.GC()
	if cur := debug.SetGCPercent(50); cur != 50 {
		t.Errorf("the tuner went on: GOGC %d", cur)
	}
}

package kg_test

import (
	"testing"

	"github.com/famigraph/famigraph/internal/kgtest"
)

func BenchmarkDatasetVersion(b *testing.B) {
	ds := kgtest.RealSeed(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = ds.Version()
	}
}

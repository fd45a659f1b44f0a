package neo4jstore

import (
	"reflect"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
)

// resetDecoded empties the caches of decoded JSON properties.
func resetDecoded() {
	decodedCitations = decodedCache[[]kg.Citation]{}
	decodedFacts = decodedCache[[]kg.Fact]{}
	decodedDiscrepancies = decodedCache[[]kg.Discrepancy]{}
	decodedNetworks = decodedCache[[]kg.NetworkMembership]{}
}

// TestDecodedCache checks that every record of the fixture decodes to the
// same value from the cache as without it, and that a broken JSON property
// is reported every time, not kept.
func TestDecodedCache(t *testing.T) {
	ds := kgtest.Fixture(t)
	for _, n := range ds.Nodes {
		m := nodeMap(n, nil)
		resetDecoded()
		fresh, err := decodeNode(m)
		if err != nil {
			t.Fatal(err)
		}
		cached, err := decodeNode(nodeMap(n, nil))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fresh, cached) || !reflect.DeepEqual(fresh, n) {
			t.Fatalf("%s: decoded from the cache\n%#v\nwithout it\n%#v\nstored\n%#v", n.NodeID(), cached, fresh, n)
		}
	}
	for range 2 {
		m := nodeMap(ds.Nodes[0], nil)
		m[propSources] = `[{"sourceId": `
		if _, err := decodeNode(m); err == nil {
			t.Fatal("a broken sources property decoded without an error")
		}
	}
	var c decodedCache[int]
	for i, s := range []string{"a", "b"} {
		if v, _ := c.get(s, func(string) (int, error) { return i, nil }); v != i {
			t.Errorf("get(%q) = %d, want %d", s, v, i)
		}
	}
	if v, _ := c.get("a", func(string) (int, error) { return 99, nil }); v != 0 {
		t.Errorf("get(a) again = %d, want the kept 0", v)
	}
}

// BenchmarkDecodeNodes decodes every record of the real seed as the
// adapter reads it, with the cache of decoded JSON properties (as when
// requests read the same records) and without it (each iteration starts
// with empty caches, as every request did before the cache).
func BenchmarkDecodeNodes(b *testing.B) {
	ds := kgtest.RealSeed(b)
	maps := make([]map[string]any, len(ds.Nodes))
	for i, n := range ds.Nodes {
		maps[i] = nodeMap(n, nil)
	}
	for _, c := range []struct {
		name  string
		reset bool
	}{{"cached", false}, {"uncached", true}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if c.reset {
					resetDecoded()
				}
				for _, m := range maps {
					if _, err := decodeNode(m); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

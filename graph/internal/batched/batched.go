// Package batched names the GraphQL fields whose resolvers still load
// through a loader's time window (graph/loaders.go) rather than from what
// the prefetcher (graph/prefetch.go) fetched before execution.
//
// The executor that famigraph generates (graph/internal/generate) resolves
// the fields and list elements of an object one after the other, in the
// goroutine of the request: every value is at hand, so goroutines would
// only cost. A field named here is different: its loader waits for the keys
// of all its siblings before it calls the store, so the objects that hold
// it, and every list above them, must be resolved concurrently, or the
// request would wait the window once per item. Both the generator and the
// executor read this list; graph's tests fail when a field that loads
// through the store is neither prefetched nor named here.
package batched

// Fields lists the batched fields as "Type.field".
var Fields = []string{
	// A fact's entity is rare and loads on demand (see
	// TestPrefetchCoversTheSchema).
	"Fact.entity",
}

// Types returns the object types that hold a field of Fields.
func Types() map[string]bool {
	out := make(map[string]bool, len(Fields))
	for _, f := range Fields {
		for i := 0; i < len(f); i++ {
			if f[i] == '.' {
				out[f[:i]] = true
				break
			}
		}
	}
	return out
}

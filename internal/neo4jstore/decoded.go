package neo4jstore

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/famigraph/famigraph/internal/kg"
)

// decodedMaxBytes bounds the text of the JSON properties a decodedCache
// keeps (its keys); the values take about as much again. The real seed's
// JSON properties weigh about 2 MB in all; a bigger graph is served as
// well, past the bound its cache starts over.
const decodedMaxBytes = 32 << 20

// decodedCache keeps the values decoded from one kind of JSON property
// (sources, facts, discrepancies, networks), keyed by the property's text.
// Every request reads whole records, and decoding their provenance was over
// a third of the adapter's CPU on a map query (docs/benchmarks.md): with the
// cache, a record read again is decoded once. Keyed by the text, an entry
// can never be stale: a record whose provenance changes has another key.
// The decoded values are shared between the records that read them, as the
// embedded store shares its records: readers never modify them.
type decodedCache[T any] struct {
	mu    sync.RWMutex
	m     map[string]T
	bytes int
}

// get returns the value of text decoded into a T, from the cache or by
// decode (whose value, when it fails, is not kept).
func (c *decodedCache[T]) get(text string, decode func(string) (T, error)) (T, error) {
	c.mu.RLock()
	v, ok := c.m[text]
	c.mu.RUnlock()
	if ok {
		return v, nil
	}
	v, err := decode(text)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[text]; ok {
		return v, nil
	}
	if c.m == nil || c.bytes+len(text) > decodedMaxBytes {
		c.m, c.bytes = map[string]T{}, 0
	}
	c.m[text] = v
	c.bytes += len(text)
	return v, nil
}

// The caches of the adapter's JSON properties, one per property and shared
// by every Store of the process (their entries depend only on the text).
var (
	decodedCitations     decodedCache[[]kg.Citation]
	decodedFacts         decodedCache[[]kg.Fact]
	decodedDiscrepancies decodedCache[[]kg.Discrepancy]
	decodedNetworks      decodedCache[[]kg.NetworkMembership]
)

// decodeJSON decodes property k of d through cache c: from its JSON form J
// into the domain's T by convert.
func decodeJSON[J, T any](d *decoder, k string, c *decodedCache[T], convert func(J) T) T {
	s := d.str(k)
	if s == "" {
		var zero T
		return zero
	}
	v, err := c.get(s, func(s string) (T, error) {
		var j J
		if err := json.Unmarshal([]byte(s), &j); err != nil {
			var zero T
			return zero, err
		}
		return convert(j), nil
	})
	if err != nil {
		d.fail(fmt.Errorf("%s: %w", k, err))
	}
	return v
}

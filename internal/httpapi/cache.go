package httpapi

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"net/http"
	"sync"
)

// responseCache keeps the bytes of successful GraphQL responses, keyed on
// the whole request, up to a total size. It is only correct over a store
// whose data never changes while the server runs (the embedded store): map
// front-ends ask the same questions again and again, and the answer is the
// same bytes.
type responseCache struct {
	mu      sync.Mutex
	max     int64 // total bytes of cached bodies
	size    int64
	order   *list.List // most recently used first; values are *cached
	entries map[[32]byte]*list.Element
}

type cached struct {
	key         [32]byte
	contentType string
	body        []byte
}

func newResponseCache(maxBytes int64) *responseCache {
	return &responseCache{max: maxBytes, order: list.New(), entries: map[[32]byte]*list.Element{}}
}

// cacheKey covers every input that can change an answer: the method, the
// media type asked for (Accept), and the query, operation name, variables
// and extensions (the body of a POST, the query string of a GET; a
// persisted query's hash is in its extensions). Nothing else a request
// carries reaches the answer: the Content-Type and the shape of the body are
// checked before the cache is asked, limits and rate limits refuse with an
// error (never cached), and the data itself cannot change under the cache
// (server.Assemble allows a cache only over an immutable store). An input
// added to the API that changes answers must be added here.
func cacheKey(r *http.Request, media string, body []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(r.Method + "\n" + media + "\n" + r.URL.RawQuery + "\n"))
	h.Write(body)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

func (c *responseCache) get(k [32]byte) (*cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cached), true
}

// entryOverhead approximates what an entry costs beyond its body (the list
// element, the entry, the map slot, the content type), so that many small
// answers cannot exceed the bound.
const entryOverhead = 256

// maxEntry is the largest body the cache keeps: an eighth of it, so that
// one huge answer cannot flush the others.
func (c *responseCache) maxEntry() int { return int(c.max / 8) }

// put stores a response unless it is too large.
func (c *responseCache) put(v *cached) {
	n := int64(len(v.body)) + entryOverhead
	if len(v.body) > c.maxEntry() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[v.key]; ok {
		return
	}
	c.entries[v.key] = c.order.PushFront(v)
	c.size += n
	for c.size > c.max {
		last := c.order.Back()
		old := last.Value.(*cached)
		c.order.Remove(last)
		delete(c.entries, old.key)
		c.size -= int64(len(old.body)) + entryOverhead
	}
}

// cacheable reports whether a response may be reused: a 200 with data and
// no error anywhere. Inside a JSON string every quote is escaped, so the
// bytes `"errors":` can only be a key.
func cacheable(status int, body []byte) bool {
	return status == http.StatusOK && !bytes.Contains(body, []byte(`"errors":`))
}

// recorder passes a response through and keeps a copy of it, up to limit
// bytes: a longer response is not copied (and not cached).
type recorder struct {
	http.ResponseWriter
	status   int
	body     bytes.Buffer
	limit    int
	overflow bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if !r.overflow {
		if r.body.Len()+len(b) > r.limit {
			r.overflow = true
			r.body = bytes.Buffer{}
		} else {
			r.body.Write(b)
		}
	}
	return r.ResponseWriter.Write(b)
}

package kg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
)

// VersionPrefix starts every dataset version.
const VersionPrefix = "sha256:"

// Version is the dataset's content hash, "sha256:" and 12 hexadecimal
// digits: the same data gives the same version in every store, and any
// change to a record or a relationship (a value, a citation, a quote, a
// confidence) gives another. It hashes a canonical serialisation of every
// record (with its type) and every relationship: each as JSON with its keys
// sorted and its empty values (null, "", [] and {}) left out, so that a
// store that gives back an empty list for a missing one, or the reverse,
// reports the same version; the records and relationships are sorted, so
// their order in the dataset does not matter, while the order of the lists
// inside them (a record's citations, say) does, as the API serves it.
func (d *Dataset) Version() string {
	items := make([][]byte, 0, len(d.Nodes)+len(d.Edges))
	for _, n := range d.Nodes {
		t := reflect.TypeOf(n)
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		items = append(items, canonicalJSON("node "+t.Name()+" ", n))
	}
	for _, e := range d.Edges {
		items = append(items, canonicalJSON("edge ", e))
	}
	slices.SortFunc(items, bytes.Compare)
	h := sha256.New()
	h.Write([]byte("famigraph dataset v1\n"))
	for _, it := range items {
		h.Write([]byte(strconv.Itoa(len(it)) + " "))
		h.Write(it)
		h.Write([]byte("\n"))
	}
	return VersionPrefix + hex.EncodeToString(h.Sum(nil))[:12]
}

// canonicalJSON is prefix followed by v as JSON with sorted keys and
// without empty values.
func canonicalJSON(prefix string, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(prefix + "error " + err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // numbers keep the digits Go wrote
	var x any
	if err := dec.Decode(&x); err != nil {
		return []byte(prefix + "error " + err.Error())
	}
	out, err := json.Marshal(prune(x)) // maps marshal with sorted keys
	if err != nil {
		return []byte(prefix + "error " + err.Error())
	}
	return append([]byte(prefix), out...)
}

// prune drops null, "", empty lists and empty objects from objects, after
// pruning their values, and prunes the elements of lists.
func prune(x any) any {
	switch x := x.(type) {
	case map[string]any:
		for k, v := range x {
			v = prune(v)
			if empty(v) {
				delete(x, k)
				continue
			}
			x[k] = v
		}
		return x
	case []any:
		for i, v := range x {
			x[i] = prune(v)
		}
		return x
	}
	return x
}

func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

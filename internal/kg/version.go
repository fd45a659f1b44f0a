package kg

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"reflect"
	"slices"
	"strconv"
)

// DatasetVersion returns a content hash of the dataset: the first 16 hex
// digits of a SHA-256 over a canonical encoding of every record and every
// relationship with all their fields and provenance, in id and key order.
// Equal data gives the same version whatever the store it was read from or
// the order it came in; any change to a value, a quote or a confidence
// gives another. An absent list and an empty one are the same.
func DatasetVersion(ds *Dataset) string {
	h := sha256.New()
	nodes := slices.Clone(ds.Nodes)
	slices.SortFunc(nodes, func(a, b Node) int { return cmp.Compare(a.NodeID(), b.NodeID()) })
	edges := slices.Clone(ds.Edges)
	slices.SortFunc(edges, func(a, b *Edge) int { return cmp.Compare(a.Key(), b.Key()) })
	w := canonicalWriter{h: h}
	w.str("famigraph-dataset-1")
	w.str("nodes")
	w.int(int64(len(nodes)))
	for _, n := range nodes {
		w.value(reflect.ValueOf(n))
	}
	w.str("edges")
	w.int(int64(len(edges)))
	for _, e := range edges {
		w.value(reflect.ValueOf(e))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// canonicalWriter feeds a value to a hash in a form that depends only on
// its content: type names, field names and values, length-prefixed.
type canonicalWriter struct{ h hash.Hash }

func (w canonicalWriter) str(s string) {
	w.int(int64(len(s)))
	_, _ = io.WriteString(w.h, s)
}

func (w canonicalWriter) int(n int64) { _, _ = io.WriteString(w.h, strconv.FormatInt(n, 10)+";") }

func (w canonicalWriter) value(v reflect.Value) {
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			w.str("nil")
			return
		}
		w.value(v.Elem())
	case reflect.Pointer:
		if v.IsNil() {
			w.str("nil")
			return
		}
		w.str("&")
		w.value(v.Elem())
	case reflect.Struct:
		t := v.Type()
		w.str(t.Name())
		for i := 0; i < t.NumField(); i++ {
			if !t.Field(i).IsExported() {
				continue
			}
			w.str(t.Field(i).Name)
			w.value(v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		w.int(int64(v.Len()))
		for i := 0; i < v.Len(); i++ {
			w.value(v.Index(i))
		}
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(a.String(), b.String()) })
		w.int(int64(len(keys)))
		for _, k := range keys {
			w.value(k)
			w.value(v.MapIndex(k))
		}
	case reflect.String:
		w.str(v.String())
	case reflect.Bool:
		w.str(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.int(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		w.str(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		w.str(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	default:
		w.str(v.Kind().String())
	}
}

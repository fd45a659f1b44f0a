package kg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"sync"
)

// VersionPrefix starts every dataset version.
const VersionPrefix = "sha256:"

// Version is the dataset's content hash, "sha256:" and 12 hexadecimal
// digits: the same data gives the same version in every store, and any
// change to a record or a relationship (a value, a citation, a quote, a
// confidence) gives another. It hashes a canonical serialisation of every
// record (with its type) and every relationship: each field by name, in
// name order, with empty values (nil, "", empty lists and maps, structs
// whose fields are all empty) left out, so that a store that gives back an
// empty list for a missing one, or the reverse, reports the same version;
// numbers and booleans are always kept, so that an amount of 0 differs
// from an unknown one. The records and relationships are sorted, so their
// order in the dataset does not matter, while the order of the lists
// inside them (a record's citations, say) does, as the API serves it.
func (d *Dataset) Version() string {
	items := make([][]byte, 0, len(d.Nodes)+len(d.Edges))
	for _, n := range d.Nodes {
		var b bytes.Buffer
		t := reflect.TypeOf(n)
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		b.WriteString("node " + t.Name() + " ")
		canon(&b, reflect.ValueOf(n))
		items = append(items, b.Bytes())
	}
	for _, e := range d.Edges {
		var b bytes.Buffer
		b.WriteString("edge ")
		canon(&b, reflect.ValueOf(e))
		items = append(items, b.Bytes())
	}
	slices.SortFunc(items, bytes.Compare)
	h := sha256.New()
	h.Write([]byte("famigraph dataset v1\n"))
	for _, it := range items {
		h.Write(strconv.AppendInt(nil, int64(len(it)), 10))
		h.Write([]byte(" "))
		h.Write(it)
		h.Write([]byte("\n"))
	}
	return VersionPrefix + hex.EncodeToString(h.Sum(nil))[:12]
}

// canon writes v in the canonical form Version hashes: JSON-like, with
// structs' fields by name and strings prefixed by their length.
func canon(b *bytes.Buffer, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("null")
			return
		}
		canon(b, v.Elem())
	case reflect.Struct:
		b.WriteByte('{')
		first := true
		for _, f := range fieldsOf(v.Type()) {
			fv := v.FieldByIndex(f.index)
			if empty(fv) {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString(f.name) // an identifier
			b.WriteByte(':')
			canon(b, fv)
		}
		b.WriteByte('}')
	case reflect.Slice, reflect.Array:
		b.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			canon(b, v.Index(i))
		}
		b.WriteByte(']')
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			canonString(b, fmt.Sprint(k))
			b.WriteByte(':')
			canon(b, v.MapIndex(k))
		}
		b.WriteByte('}')
	case reflect.String:
		canonString(b, v.String())
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	default:
		canonString(b, fmt.Sprint(v.Interface()))
	}
}

// canonString writes s with its length in bytes before it, which delimits
// it without escaping: 5"piano.
func canonString(b *bytes.Buffer, s string) {
	b.WriteString(strconv.Itoa(len(s)))
	b.WriteByte('"')
	b.WriteString(s)
}

// empty reports whether v is left out of its struct: nil, "", an empty list
// or map, or a struct whose fields are all empty.
func empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return v.Len() == 0
	case reflect.Struct:
		for _, f := range fieldsOf(v.Type()) {
			if !empty(v.FieldByIndex(f.index)) {
				return false
			}
		}
		return true
	}
	return false
}

type field struct {
	name  string
	index []int
}

var fieldCache sync.Map // reflect.Type -> []field

// fieldsOf lists a struct type's exported fields, those of embedded structs
// promoted as encoding/json promotes them, in name order.
func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			idx := append(slices.Clone(index), i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type, idx)
				continue
			}
			if f.IsExported() {
				fs = append(fs, field{name: f.Name, index: idx})
			}
		}
	}
	walk(t, nil)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].name < fs[j].name })
	fieldCache.Store(t, fs)
	return fs
}

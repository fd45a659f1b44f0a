package neo4jstore

import (
	"reflect"
	"slices"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
)

// TestPropertyTablesRoundTrip stores a record of every kind with every
// field set and reads it back as a projection returns it: the record must
// come back whole (a field encoded but not decoded, decoded but not
// encoded, or in neither comes back different), and the properties written
// must be exactly those the table lists (the keys a projection returns and
// the Cypher analyser knows). Every reference the catalogue keeps as
// relationships must be read by the table of some kind.
func TestPropertyTablesRoundTrip(t *testing.T) {
	read := map[*kg.Rel]bool{}
	for _, k := range nodeKinds {
		table := kindTables[k]
		n := table.decode(&decoder{m: map[string]any{}}, "")
		fill(reflect.ValueOf(n).Elem(), string(k))
		kg.RecordOf(n).ID = string(k) + ":every-field"
		if b, ok := n.(*kg.Body); ok {
			b.Networks[0].Network = kg.NetworkSAI // a network whose members' kind is stored too
		}

		row, err := encodeNode(n)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		written := []string{}
		for key := range row.props {
			if !slices.Contains([]string{propHash, propSearchText, propSearchWords, propSearchWeights}, key) {
				written = append(written, key)
			}
		}
		listed := appendUnique(slices.Clone(commonProps), table.props()...)
		slices.Sort(written)
		slices.Sort(listed)
		if !slices.Equal(written, listed) {
			t.Errorf("%s: writes the properties %v, its table lists %v", k, written, listed)
		}
		for _, r := range table.refs() {
			read[r.rel] = true
		}

		back, err := decodeNode(nodeMap(n, nil))
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if !reflect.DeepEqual(back, n) {
			t.Errorf("%s: stored\n%#v\nread back\n%#v", k, n, back)
		}
	}
	for i := range kg.Catalogue {
		if r := &kg.Catalogue[i]; r.Ref != nil && len(r.Rels) > 0 && !read[r] {
			t.Errorf("%s is kept as relationships, but no kind's table reads it", r.Fields[0])
		}
	}
}

// fill sets every field of v, recursively, to a value that is not zero and
// that the store can hold (dates are dates).
func fill(v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), path)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), path)
	case reflect.String:
		if v.Type() == reflect.TypeFor[kg.Date]() {
			v.SetString("2020-01-02")
		} else {
			v.SetString(path)
		}
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int:
		v.SetInt(int64(len(path)))
	case reflect.Float64:
		v.SetFloat(float64(len(path)) + 0.5)
	default:
		panic("fill: no value for " + path + " of kind " + v.Kind().String())
	}
}

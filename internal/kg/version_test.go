package kg_test

import (
	"slices"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
)

func TestDatasetVersion(t *testing.T) {
	ds := kgtest.Fixture(t)
	v := kg.DatasetVersion(ds)
	if len(v) != 16 {
		t.Fatalf("version %q: want 16 hex digits", v)
	}
	// Order does not matter.
	shuffled := &kg.Dataset{Nodes: slices.Clone(ds.Nodes), Edges: slices.Clone(ds.Edges)}
	slices.Reverse(shuffled.Nodes)
	slices.Reverse(shuffled.Edges)
	if got := kg.DatasetVersion(shuffled); got != v {
		t.Errorf("reordered dataset: version %s, want %s", got, v)
	}
	// Any change to a value or its provenance does.
	for name, change := range map[string]func(*kg.Dataset){
		"a quote": func(d *kg.Dataset) {
			p := *d.Edges[0]
			p.Sources = slices.Clone(p.Sources)
			p.Sources[0].Quote += "."
			d.Edges[0] = &p
		},
		"a budget": func(d *kg.Dataset) {
			for i, n := range d.Nodes {
				if p, ok := n.(*kg.Project); ok && p.BudgetEUR != nil {
					q := *p
					b := *p.BudgetEUR + 1
					q.BudgetEUR = &b
					d.Nodes[i] = &q
					return
				}
			}
			t.Fatal("no project with a budget")
		},
		"a record less": func(d *kg.Dataset) { d.Nodes = d.Nodes[1:] },
	} {
		changed := &kg.Dataset{Nodes: slices.Clone(ds.Nodes), Edges: slices.Clone(ds.Edges)}
		change(changed)
		if kg.DatasetVersion(changed) == v {
			t.Errorf("changing %s leaves the version at %s", name, v)
		}
	}
	if kg.DatasetVersion(ds) != v {
		t.Error("computing the version changed the dataset")
	}
}

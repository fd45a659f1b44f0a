package graph

import (
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
)

// TestListSizesDerivedFromCatalogue checks that the cost model prices every
// list field of kg.Catalogue by its row's estimate, unless the field is
// priced on its own (a field computed from a row's relationships).
func TestListSizesDerivedFromCatalogue(t *testing.T) {
	for _, r := range kg.Catalogue {
		for _, f := range r.Fields {
			if _, own := listSizes[f]; own || r.ListSize == 0 {
				continue
			}
			if got := listSize(f); got != r.ListSize {
				t.Errorf("%s: list size %d, want the row's %d", f, got, r.ListSize)
			}
		}
	}
}

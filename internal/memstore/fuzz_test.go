package memstore_test

import (
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

func FuzzSearch(f *testing.F) {
	store := memstore.New(kgtest.Fixture(f))
	for _, s := range []string{"piano", "pian beta", "Università", `") OR 1=1`, "a b c d e f g h i j", "*"} {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, text string, first int) {
		first = 1 + abs(first)%kg.MaxSearchHits
		hits, err := store.Search(t.Context(), kg.SearchQuery{Text: text, First: first})
		if err != nil {
			if kg.ErrorCode(err) != kg.EINVALID {
				t.Fatalf("Search(%q): %v", text, err)
			}
			return
		}
		if len(hits) > first {
			t.Fatalf("Search(%q): %d hits, first %d", text, len(hits), first)
		}
		for i, h := range hits {
			if h.Score <= 0 || i > 0 && h.Score > hits[i-1].Score {
				t.Fatalf("Search(%q): hits not best first: %v", text, hits)
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

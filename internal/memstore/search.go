package memstore

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/famigraph/famigraph/internal/kg"
)

// index is an inverted index over the searchable fields of every record.
// Terms match words by prefix; scores are BM25-like, weighted by field.
type index struct {
	vocab    []string             // sorted distinct words
	postings map[string][]posting // word -> records holding it
	docs     int
}

type posting struct {
	id     string
	weight float64 // sum of field weights of the occurrences, normalised by field length
}

func newIndex(nodes []kg.Node) *index {
	ix := &index{postings: map[string][]posting{}, docs: len(nodes)}
	for _, n := range nodes {
		for w, v := range kg.SearchWeights(n) {
			ix.postings[w] = append(ix.postings[w], posting{id: n.NodeID(), weight: v})
		}
	}
	for w := range ix.postings {
		ix.vocab = append(ix.vocab, w)
	}
	slices.Sort(ix.vocab)
	return ix
}

// Search implements kg.Store: every term must prefix-match a word of the
// record; the score sums, over terms, the best matching word's weight times
// its inverse document frequency, with exact matches worth more.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	terms, err := kg.SearchTerms(q.Text)
	if err != nil {
		return nil, err
	}
	ts := kg.NewSearchTermScores(len(terms))
	for ti, t := range terms {
		lo := sort.SearchStrings(s.search.vocab, t)
		for i := lo; i < len(s.search.vocab) && strings.HasPrefix(s.search.vocab[i], t); i++ {
			w := s.search.vocab[i]
			ps := s.search.postings[w]
			idf := kg.SearchIDF(s.search.docs, len(ps))
			for _, p := range ps {
				ts.Add(terms, ti, w, p.id, p.weight, idf)
			}
		}
	}
	return ts.Hits(q), ctx.Err()
}

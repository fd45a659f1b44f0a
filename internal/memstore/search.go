package memstore

import (
	"cmp"
	"context"
	"math"
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
	var scores map[string]float64
	for _, t := range terms {
		termScores := map[string]float64{}
		lo := sort.SearchStrings(s.search.vocab, t)
		for i := lo; i < len(s.search.vocab) && strings.HasPrefix(s.search.vocab[i], t); i++ {
			w := s.search.vocab[i]
			ps := s.search.postings[w]
			idf := kg.SearchIDF(s.search.docs, len(ps))
			exact := 0.5
			if w == t {
				exact = 1
			}
			for _, p := range ps {
				if v := p.weight * idf * exact; v > termScores[p.id] {
					termScores[p.id] = v
				}
			}
		}
		if scores == nil {
			scores = termScores
			continue
		}
		for id, v := range scores {
			if tv, ok := termScores[id]; ok {
				scores[id] = v + tv
			} else {
				delete(scores, id)
			}
		}
	}
	hits := make([]kg.SearchHit, 0, len(scores))
	for id, v := range scores {
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, kg.KindOf(id)) {
			continue
		}
		hits = append(hits, kg.SearchHit{ID: id, Score: math.Round(v*1e4) / 1e4})
	}
	slices.SortFunc(hits, func(a, b kg.SearchHit) int { return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ID, b.ID)) })
	if len(hits) > q.First {
		hits = hits[:q.First]
	}
	return hits, ctx.Err()
}

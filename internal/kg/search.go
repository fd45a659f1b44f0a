package kg

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// SearchField is a text property that full-text search covers. Title-like
// fields weigh more than the others.
type SearchField struct {
	Name   string // property name, as stored in Neo4j
	Weight float64
}

// SearchFields are the properties full-text search covers, for every kind.
var SearchFields = []SearchField{
	{"name", 2}, {"title", 2}, {"acronym", 2},
	{"code", 1}, {"description", 1}, {"typeLabel", 1}, {"capital", 1}, {"summary", 1}, {"cup", 1},
}

// SearchText returns the searchable properties of a node, by field name.
func SearchText(n Node) map[string]string {
	m := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	switch n := n.(type) {
	case *Region:
		set("name", n.Name)
		set("capital", n.Capital)
		set("code", n.NUTSCode)
	case *Body:
		set("name", n.Name)
		set("typeLabel", n.TypeLabel)
	case *Call:
		set("name", n.Name)
		set("title", n.Title)
		set("code", n.Code)
		set("description", n.Description)
	case *Project:
		set("title", n.Title)
		set("acronym", n.Acronym)
		set("description", n.Description)
		set("code", n.Code)
		set("cup", n.CUP)
	case *Action:
		set("title", n.Title)
		set("description", n.Description)
	case *Fund:
		set("name", n.Name)
	case *Objective:
		set("name", n.Name)
		set("code", n.Code)
	case *Amendment:
		set("summary", n.Summary)
	case *Place:
		set("name", n.Name)
		set("description", n.Description)
	case *Initiative:
		set("title", n.Title)
		set("description", n.Description)
	}
	return m
}

// SearchWeights returns the words of a node's searchable fields, each with
// its weight: the sum, over the fields holding the word, of the field's
// weight divided by the square root of the field's word count (short fields
// say more per word than long descriptions). Fields are summed in
// SearchFields order, so that every store computes the same float64s.
func SearchWeights(n Node) map[string]float64 {
	text := SearchText(n)
	acc := map[string]float64{}
	for _, f := range SearchFields {
		t, ok := text[f.Name]
		if !ok {
			continue
		}
		words := Tokenize(t)
		for _, w := range words {
			acc[w] += f.Weight / math.Sqrt(float64(len(words)))
		}
	}
	return acc
}

// SearchIDF is the inverse document frequency of a word that docs of all
// the records hold, as both stores score search hits.
func SearchIDF(records, docs int) float64 {
	return math.Log(1 + float64(records)/float64(docs))
}

// SearchTermScores holds, for each term of a search, the best score of each
// record matching it. Both stores fill it from their own index (Add) and rank
// it the same way (Hits), so that they give the same hits, scores and order.
type SearchTermScores []map[string]float64

// NewSearchTermScores returns the empty scores of n terms.
func NewSearchTermScores(n int) SearchTermScores {
	ts := make(SearchTermScores, n)
	for i := range ts {
		ts[i] = map[string]float64{}
	}
	return ts
}

// Add records that record id holds word, a match of terms[term], with the
// word's weight in the record and its inverse document frequency idf: the
// match scores weight times idf, halved unless the word is the term itself,
// and the term keeps its record's best match.
func (ts SearchTermScores) Add(terms []string, term int, word, id string, weight, idf float64) {
	exact := 0.5
	if word == terms[term] {
		exact = 1
	}
	if v := weight * idf * exact; v > ts[term][id] {
		ts[term][id] = v
	}
}

// Hits ranks the records that match every term, of q's kinds if any, by
// the sum of their terms' scores (rounded to four decimals), ties broken by
// id, and keeps the first q.First. It consumes ts.
func (ts SearchTermScores) Hits(q SearchQuery) []SearchHit {
	if len(ts) == 0 {
		return nil
	}
	scores := ts[0]
	for _, t := range ts[1:] {
		for id, v := range scores {
			if tv, ok := t[id]; ok {
				scores[id] = v + tv
			} else {
				delete(scores, id)
			}
		}
	}
	hits := make([]SearchHit, 0, len(scores))
	for id, v := range scores {
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, KindOf(id)) {
			continue
		}
		hits = append(hits, SearchHit{ID: id, Score: math.Round(v*1e4) / 1e4})
	}
	slices.SortFunc(hits, func(a, b SearchHit) int { return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ID, b.ID)) })
	if len(hits) > q.First {
		hits = hits[:max(q.First, 0)]
	}
	return hits
}

// Tokenize splits text into search terms: lower-case, accents removed, split
// at anything that is not a letter or digit. It is the analysis both stores
// apply (Neo4j's "standard-folding" analyzer does the same).
func Tokenize(s string) []string {
	s = Fold(s)
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Fold lower-cases s and removes diacritics: "Università" -> "universita".
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf
	}
	if ascii {
		return strings.ToLower(s) // nothing to remove
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

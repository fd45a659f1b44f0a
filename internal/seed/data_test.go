package seed_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
)

// shared is the directory of the project's shared material, beside the
// repository.
var shared = filepath.Join("..", "..", "..", "shared")

func needShared(t *testing.T, path string) string {
	t.Helper()
	p := filepath.Join(shared, path)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s is not beside the repository (%v): the data checks need it", p, err)
	}
	return p
}

// citations returns every citation of the dataset: of records, their facts
// and discrepancies, and of relationships.
func citations(ds *kg.Dataset) []kg.Citation {
	var out []kg.Citation
	add := func(r *kg.Record) {
		out = append(out, r.Sources...)
		for _, f := range r.Facts {
			out = append(out, f.Sources...)
		}
		for _, d := range r.Discrepancies {
			out = append(out, d.Sources...)
		}
	}
	for _, n := range ds.Nodes {
		switch n := n.(type) {
		case *kg.Region:
			add(&n.Record)
		case *kg.Body:
			add(&n.Record)
		case *kg.Call:
			add(&n.Record)
		case *kg.Fund:
			add(&n.Record)
		case *kg.Objective:
			add(&n.Record)
		case *kg.Action:
			add(&n.Record)
		case *kg.Amendment:
			add(&n.Record)
		case *kg.Project:
			add(&n.Record)
		case *kg.Place:
			add(&n.Record)
		case *kg.Initiative:
			add(&n.Record)
		}
	}
	for _, e := range ds.Edges {
		out = append(out, e.Sources...)
	}
	return out
}

type fact struct {
	Subject    string `json:"subject"`
	Predicate  string `json:"predicate"`
	SourceURL  string `json:"source_url"`
	Quote      string `json:"quote"`
	Confidence string `json:"confidence"`
}

// factSets are the shared fact sets and how many high- and medium-confidence
// facts each holds.
var factSets = []struct {
	file       string
	highMedium int
}{
	{"facts.jsonl", 876},
	{"facts-2.jsonl", 161},
}

func readFacts(t *testing.T, file string) []fact {
	t.Helper()
	f, err := os.Open(needShared(t, filepath.Join("data", "fami-network", file)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var facts []fact
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var fa fact
		if err := json.Unmarshal(sc.Bytes(), &fa); err != nil {
			t.Fatal(err)
		}
		facts = append(facts, fa)
	}
	return facts
}

// TestFactsCovered requires every fact of the shared fact sets to be cited in
// the seed with its exact quote, its source and its confidence: the high and
// medium ones, and the low ones as LOW.
func TestFactsCovered(t *testing.T) {
	have := map[string]bool{}
	for _, c := range citations(kgtest.RealSeed(t)) {
		src := c.URL
		if src == "" {
			src = c.Title
		}
		have[src+"\x00"+c.Quote+"\x00"+string(c.Confidence)] = true
	}
	for _, set := range factSets {
		t.Run(set.file, func(t *testing.T) {
			covered := 0
			for _, f := range readFacts(t, set.file) {
				if !have[f.SourceURL+"\x00"+f.Quote+"\x00"+strings.ToUpper(f.Confidence)] {
					t.Errorf("fact not cited: %s %s (%s) %q", f.Subject, f.Predicate, f.Confidence, f.Quote)
					continue
				}
				if f.Confidence != "low" {
					covered++
				}
			}
			if covered != set.highMedium {
				t.Errorf("%d high and medium facts cited, want all %d", covered, set.highMedium)
			}
		})
	}
}

var (
	mdLink   = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	spaces   = regexp.MustCompile(`\s+`)
	typoMark = strings.NewReplacer("**", "", "*", "", "’", "'", "‘", "'", "“", `"`, "”", `"`, "\u00a0", " ", "–", "-")
)

func normalize(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = typoMark.Replace(s)
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}

// TestDocumentQuotes requires every quote attributed to one of the five
// founding documents to be in that document, so that no statement is
// attributed to a document that does not make it. Quotes the shared fact set
// took from another version of the same page are allowed as the facts give
// them.
func TestDocumentQuotes(t *testing.T) {
	dir := needShared(t, "seeds")
	factQuotes := map[string]bool{}
	for _, set := range factSets {
		for _, f := range readFacts(t, set.file) {
			factQuotes[f.Quote] = true
		}
	}
	docs := map[string]string{}
	checked := 0
	for _, c := range citations(kgtest.RealSeed(t)) {
		if c.Document == "" {
			continue
		}
		text, ok := docs[c.Document]
		if !ok {
			b, err := os.ReadFile(filepath.Join(dir, c.Document))
			if err != nil {
				t.Errorf("citation names document %s: %v", c.Document, err)
				continue
			}
			text = normalize(string(b))
			docs[c.Document] = text
		}
		if !strings.Contains(text, normalize(c.Quote)) && !factQuotes[c.Quote] {
			t.Errorf("%s does not contain %q", c.Document, c.Quote)
		}
		checked++
	}
	if len(docs) != 5 || checked < 100 {
		t.Errorf("checked %d quotes in %d documents, want quotes from all 5", checked, len(docs))
	}
}

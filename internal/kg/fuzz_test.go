package kg_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/famigraph/famigraph/internal/kg"
)

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"region:marche", "call:avviso-1-2023", "org:", ":x", "project:a--b", "x:y:z",
		"REGION:marche", "org:è", "org:a-", strings.Repeat("a", 300), "source:x\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		k, slug, err := kg.ParseID(id)
		if err != nil {
			if kg.ErrorCode(err) != kg.EINVALID || !utf8.ValidString(kg.ErrorMessage(err)) && utf8.ValidString(id) {
				t.Fatalf("ParseID(%q): error %v with code %s", id, err, kg.ErrorCode(err))
			}
			return
		}
		if string(k)+":"+slug != id || !slugRe.MatchString(slug) || len(id) > kg.MaxIDLength || kg.KindOf(id) != k {
			t.Fatalf("ParseID(%q) = %q, %q", id, k, slug)
		}
	})
}

func FuzzSearchTerms(f *testing.F) {
	for _, s := range []string{"Università di Urbino", "hotel house", `") OR 1=1 --`, "title:* AND x~", "", "  ", "\xff\xfe",
		strings.Repeat("a ", 20), "PROG-2379", "ÀÉÎÕÜ ß ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		terms, err := kg.SearchTerms(text)
		if err != nil {
			if kg.ErrorCode(err) != kg.EINVALID {
				t.Fatalf("SearchTerms(%q): %v", text, err)
			}
			return
		}
		if len(terms) == 0 || len(terms) > kg.MaxSearchTerms || len(text) > kg.MaxSearchTextBytes || !utf8.ValidString(text) {
			t.Fatalf("SearchTerms(%q) = %q", text, terms)
		}
		seen := map[string]bool{}
		for _, term := range terms {
			if term == "" || seen[term] || strings.ContainsAny(term, " \t\n:*\"()\\") || kg.Fold(term) != term {
				t.Fatalf("SearchTerms(%q): bad term %q in %q", text, term, terms)
			}
			seen[term] = true
		}
	})
}

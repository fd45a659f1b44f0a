package main

import (
	"strings"
	"testing"
)

// TestCompareAnswers checks the check of make bench-peer: the same content
// in each server's shape and order passes; any difference in a region, a
// project or a participant fails, naming it.
func TestCompareAnswers(t *testing.T) {
	q := peerQueries("")[0]
	fg := `{"data":{"regions":[{"id":"region:a","name":"A","nutsCode":"IT1","centroid":{"lat":45.5,"lon":9.25},
	  "calls":[{"id":"call:x","name":"X"},{"id":"call:y","name":"Y"}],
	  "projects":[{"id":"project:p","title":"P","call":{"name":"X"},"budgetEUR":1000.5,
	    "participants":[{"role":"LEAD","organization":{"id":"org:b","name":"B","kind":"MUNICIPALITY"}},
	                    {"role":"PARTNER","organization":{"id":"org:a","name":"Alpha association, a long enough name","kind":"OTHER"}}]}]}]}}`
	peer := `{"data":{"regions":[{"id":"region:a","name":"A","nutsCode":"IT1","centroid":{"latitude":45.5,"longitude":9.25},
	  "calls":[{"id":"call:y","name":"Y"},{"id":"call:x","name":"X"}],
	  "projects":[{"id":"project:p","title":"P","call":{"name":"X"},"budgetEUR":1000.5,
	    "participantsConnection":{"edges":[{"properties":{"role":"PARTNER"},"node":{"id":"org:a","name":"Alpha association, a long enough name","kind":"OTHER"}},
	                                       {"properties":{"role":"LEAD"},"node":{"id":"org:b","name":"B","kind":"MUNICIPALITY"}}]}}]}]}}`
	if _, err := compareAnswers(q, []byte(fg), []byte(peer)); err != nil {
		t.Fatalf("the same content: %v", err)
	}
	for _, c := range []struct{ name, from, to, want string }{
		{"role", `"properties":{"role":"LEAD"}`, `"properties":{"role":"PARTNER"}`, "Role"},
		{"participant", `"org:b","name":"B"`, `"org:c","name":"B"`, "org:"},
		{"budget", `"budgetEUR":1000.5,
	    "participantsConnection"`, `"budgetEUR":null,
	    "participantsConnection"`, "Budget"},
		{"centroid", `"latitude":45.5`, `"latitude":45.6`, "Lat"},
		{"call", `{"id":"call:y","name":"Y"},`, ``, "differ"},
	} {
		changed := strings.Replace(peer, c.from, c.to, 1)
		if changed == peer {
			t.Fatalf("%s: the fixture does not contain %q", c.name, c.from)
		}
		_, err := compareAnswers(q, []byte(fg), []byte(changed))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s changed: got %v, want an error naming %q", c.name, err, c.want)
		}
	}
	if _, err := compareAnswers(q, []byte(fg), []byte(`{"errors":[{"message":"boom"}]}`)); err == nil {
		t.Error("an error answer passed the check")
	}
	if _, err := compareAnswers(q, []byte(`{"data":{"regions":[]}}`), []byte(`{"data":{"regions":[]}}`)); err == nil {
		t.Error("two empty answers passed the check")
	}
}

func TestParseProcs(t *testing.T) {
	ps, err := parseProcs("famigraph=12,peer=3+4+5+3")
	if err != nil || len(ps) != 2 || ps[0].name != "famigraph" || len(ps[1].pids) != 3 {
		t.Fatalf("parseProcs: %+v, %v", ps, err)
	}
	for _, bad := range []string{"x", "x=", "=1", "x=1+y", "x=-1"} {
		if _, err := parseProcs(bad); err == nil {
			t.Errorf("parseProcs(%q): no error", bad)
		}
	}
}

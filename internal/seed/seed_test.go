package seed_test

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/seed"
)

// fixture returns an editable copy of the fixture seed directory.
func fixture(t *testing.T) fstest.MapFS { return fixtureFS(t) }

func fixtureFS(t testing.TB) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	for _, name := range seed.FileNames {
		b, err := fs.ReadFile(kgtest.FixtureFS(), name)
		if err != nil {
			t.Fatal(err)
		}
		m[name] = &fstest.MapFile{Data: b}
	}
	return m
}

// edit replaces the first occurrence of old in file and returns the line
// (1-based) where the replacement starts.
func edit(t *testing.T, m fstest.MapFS, file, old, new string) int {
	t.Helper()
	s := string(m[file].Data)
	i := strings.Index(s, old)
	if i < 0 {
		t.Fatalf("%s does not contain %q", file, old)
	}
	m[file] = &fstest.MapFile{Data: []byte(s[:i] + new + s[i+len(old):])}
	return strings.Count(s[:i], "\n") + 1
}

// lineOf returns the line of the first occurrence of sub in file.
func lineOf(t *testing.T, m fstest.MapFS, file, sub string) int {
	t.Helper()
	s := string(m[file].Data)
	i := strings.Index(s, sub)
	if i < 0 {
		t.Fatalf("%s does not contain %q", file, sub)
	}
	return strings.Count(s[:i], "\n") + 1
}

func TestLoadFixture(t *testing.T) {
	ds, err := seed.Load(kgtest.FixtureFS())
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[kg.Kind]int{}
	for _, n := range ds.Nodes {
		kinds[kg.KindOf(n.NodeID())]++
	}
	want := map[kg.Kind]int{kg.KindAction: 2, kg.KindAmendment: 1, kg.KindCall: 2, kg.KindFund: 1, kg.KindInitiative: 1,
		kg.KindObjective: 1, kg.KindOrg: 6, kg.KindPlace: 1, kg.KindProject: 3, kg.KindRegion: 2}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("records by kind = %v, want %v", kinds, want)
	}
	rels := map[kg.RelType]int{}
	for _, e := range ds.Edges {
		rels[e.Type]++
		if len(e.Sources) == 0 || !e.Confidence.Valid() {
			t.Errorf("edge %s has no provenance", e.Key())
		}
	}
	// call:new takes part with region:beta explicitly and region:alpha
	// through project:p-new; call:old with region:alpha through p-old.
	// org:y-enti is a group of two identified members.
	if rels[kg.RelTakesPartIn] != 3 || rels[kg.RelParticipatesIn] != 10 || rels[kg.RelFundedUnder] != 3 || rels[kg.RelMemberOf] != 2 {
		t.Errorf("relationships by type = %v", rels)
	}
	for _, n := range ds.Nodes {
		if p, ok := n.(*kg.Project); ok && p.ID == "project:p-new" {
			if p.LeadID != "region:alpha" || p.Confidence != kg.High {
				t.Errorf("project:p-new = %+v", p)
			}
		}
	}
	for _, e := range ds.Edges {
		if e.Type == kg.RelFundedUnder && e.From == "project:p-old" {
			// The attribution is cited MEDIUM with field: call, although the
			// record's own citation is HIGH.
			if e.Confidence != kg.Medium || len(e.Sources) != 1 || e.Sources[0].Field != "call" {
				t.Errorf("FUNDED_UNDER of project:p-old = %+v", e)
			}
		}
		if e.Type == kg.RelTakesPartIn && e.From == "region:alpha" && e.To == "call:new" {
			if len(e.Sources) != 1 || !strings.HasPrefix(e.Sources[0].Note, "through project:p-new") {
				t.Errorf("derived TAKES_PART_IN = %+v", e.Sources)
			}
		}
	}
}

func TestProblems(t *testing.T) {
	for _, c := range []struct {
		name string
		// mutate edits the fixture and returns the expected problems.
		mutate func(t *testing.T, m fstest.MapFS) []string
	}{
		{"unknown reference", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.InitiativesFile, "region: region:beta", "region: region:gamma")
			return []string{fmt.Sprintf("initiatives.yaml:%d: region: unknown reference region:gamma", l)}
		}},
		{"reference of the wrong kind", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.ProjectsFile, "call: call:old", "call: region:alpha")
			return []string{fmt.Sprintf("projects.yaml:%d: call: region:alpha is a region, want a call", l)}
		}},
		{"duplicate id", func(t *testing.T, m fstest.MapFS) []string {
			first := lineOf(t, m, seed.OrganizationsFile, "id: org:comune-uno")
			l := edit(t, m, seed.OrganizationsFile, "- id: org:ats-due", `- id: org:comune-uno
  name: Comune di Uno, again
  kind: MUNICIPALITY
  sources:
    - source: source:plan-doc
      quote: "Comune di Uno"
      confidence: HIGH
- id: org:ats-due`)
			return []string{fmt.Sprintf("organizations.yaml:%d: id: duplicate id org:comune-uno, first defined at organizations.yaml:%d", l, first)}
		}},
		{"alias given twice", func(t *testing.T, m fstest.MapFS) []string {
			first := lineOf(t, m, seed.OrganizationsFile, "aliases: [org:comune_uno, org:uno]")
			l := edit(t, m, seed.OrganizationsFile, "- id: org:ats-due\n", "- id: org:ats-due\n  aliases:\n    - org:uno\n") + 2
			return []string{fmt.Sprintf("organizations.yaml:%d: aliases[0]: alias org:uno is also given at organizations.yaml:%d", l, first)}
		}},
		{"id of another kind", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.PlacesFile, "id: place:casa", "id: org:casa")
			return []string{fmt.Sprintf("places.yaml:%d: id: id org:casa must be a place id in this place", l)}
		}},
		{"malformed id", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.PlacesFile, "id: place:casa", "id: place:Casa_Grande")
			return []string{fmt.Sprintf(`places.yaml:%d: id: id "place:Casa_Grande": slug may hold only a-z, 0-9 and single hyphens`, l)}
		}},
		{"bad date", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.ProjectsFile, `startDate: "2018-10-01"`, `startDate: "2018-13-01"`)
			return []string{fmt.Sprintf(`projects.yaml:%d: startDate: "2018-13-01" is not a valid calendar date`, l)}
		}},
		{"partial date in a date field", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.CallsFile, `adoptedOn: "2016-04-15"`, `adoptedOn: "2016-04"`)
			return []string{fmt.Sprintf(`calls.yaml:%d: adoptedOn: "2016-04" is not a date of the form YYYY-MM-DD`, l)}
		}},
		{"end before start", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.CallsFile, `endDate: "2023-06-30"`, `endDate: "2017-06-30"`)
			return []string{fmt.Sprintf("calls.yaml:%d: endDate: end date 2017-06-30 is before start date 2018-03-01", l)}
		}},
		{"negative amount", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.CallsFile, "budgetEUR: 31000000", "budgetEUR: -31000000")
			return []string{fmt.Sprintf("calls.yaml:%d: budgetEUR: must be a finite amount of zero or more, got -3.1e+07", l)}
		}},
		{"amount written as text", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.CallsFile, "budgetEUR: 31000000", `budgetEUR: "31.000.000"`)
			return []string{fmt.Sprintf("calls.yaml:%d: cannot unmarshal string into Go struct field CallDoc.BudgetEUR of type float64", l)}
		}},
		{"missing sources", func(t *testing.T, m fstest.MapFS) []string {
			edit(t, m, seed.OrganizationsFile, `  sources:
    - source: source:plan-doc
      quote: "ATS Due"
      confidence: HIGH
`, "")
			return []string{fmt.Sprintf("organizations.yaml:%d: sources: at least one citation is required", lineOf(t, m, seed.OrganizationsFile, "- id: org:ats-due"))}
		}},
		{"unknown source and bad confidence", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.RegionsFile, `      quote: "Beta"
      confidence: HIGH`, `      quote: "Beta"
      confidence: SURE`)
			l2 := edit(t, m, seed.RegionsFile, `    - source: source:call-page
      quote: "Beta"`, `    - source: source:nowhere
      quote: "Beta"`)
			return []string{
				fmt.Sprintf("regions.yaml:%d: sources[0].source: unknown reference source:nowhere", l2),
				fmt.Sprintf(`regions.yaml:%d: sources[0].confidence: must be HIGH, MEDIUM or LOW, got "SURE"`, l+1),
			}
		}},
		{"unknown kind of body", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.OrganizationsFile, "kind: ATS", "kind: CHURCH")
			return []string{fmt.Sprintf(`organizations.yaml:%d: kind: "CHURCH" is not a kind of body (regions belong in regions.yaml)`, l)}
		}},
		{"unknown role and two leads", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.ProjectsFile, "role: ADHERENT", "role: SPONSOR")
			l2 := edit(t, m, seed.ProjectsFile, "    - org: org:uni-tre\n      role: PARTNER", "    - org: org:uni-tre\n      role: LEAD")
			return []string{
				fmt.Sprintf(`projects.yaml:%d: participants[2].role: must be LEAD, PARTNER or ADHERENT, got "SPONSOR"`, l),
				fmt.Sprintf("projects.yaml:%d: participants[1].role: a project has one LEAD; region:beta is already its lead", l2+1),
			}
		}},
		{"action of another call", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.ProjectsFile, "action: action:old-01", "action: action:new-01")
			return []string{fmt.Sprintf("projects.yaml:%d: actions[0].action: action:new-01 is not an action of the project's call call:old", l)}
		}},
		{"attribution without its citation", func(t *testing.T, m fstest.MapFS) []string {
			edit(t, m, seed.ProjectsFile, "      confidence: HIGH\n      field: call\n  participants:\n    - org: region:beta",
				"      confidence: HIGH\n  participants:\n    - org: region:beta")
			return []string{fmt.Sprintf("projects.yaml:%d: call: needs a citation with field: call", lineOf(t, m, seed.ProjectsFile, "call: call:new\n  region: region:beta"))}
		}},
		{"unknown key", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.ProjectsFile, "  acronym: PN\n", "  acronym: PN\n  colour: red\n")
			return []string{fmt.Sprintf("projects.yaml:%d: colour: unknown key", l+1)}
		}},
		{"syntax error", func(t *testing.T, m fstest.MapFS) []string {
			l := edit(t, m, seed.FundsFile, "period: 2014-2020", "period: [2014")
			// The parser notices the unclosed list at the next line. References
			// to the funds are not reported: the file could not be read.
			return []string{fmt.Sprintf("funds.yaml:%d: ',' or ']' must be specified", l+1)}
		}},
		{"not a list", func(t *testing.T, m fstest.MapFS) []string {
			m[seed.PlacesFile] = &fstest.MapFile{Data: []byte("id: place:casa\nname: Casa\n")}
			return []string{"places.yaml:1: a seed file is a list of records (each starting with '- ')"}
		}},
		{"missing file", func(t *testing.T, m fstest.MapFS) []string {
			delete(m, seed.InitiativesFile)
			return []string{"initiatives.yaml: file is missing"}
		}},
		{"source never cited", func(t *testing.T, m fstest.MapFS) []string {
			edit(t, m, seed.SourcesFile, "- id: source:plan-doc", "- id: source:unused\n  title: Unused\n- id: source:plan-doc")
			return []string{"sources.yaml:4: id: source source:unused is never cited"}
		}},
		{"adherent joining what the amendment does not do", func(t *testing.T, m fstest.MapFS) []string {
			edit(t, m, seed.CallsFile, "      budgetIncrease: true\n      sources:", "      sources:")
			return []string{fmt.Sprintf("calls.yaml:%d: amendments[0].adherents[0].budgetIncrease: the amendment does not increase the budget",
				lineOf(t, m, seed.CallsFile, "          budgetIncrease: true"))}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := fixture(t)
			want := c.mutate(t, m)
			ds, err := seed.Load(m)
			wantProblems(t, ds, err, want)
		})
	}
}

func TestAllProblemsAtOnce(t *testing.T) {
	m := fixture(t)
	edit(t, m, seed.ProjectsFile, "  acronym: PN\n", "  acronym: PN\n  colour: red\n")
	edit(t, m, seed.InitiativesFile, "region: region:beta", "region: region:gamma")
	edit(t, m, seed.CallsFile, "budgetEUR: 31000000", "budgetEUR: -1")
	_, err := seed.Load(m)
	var se *seed.Error
	if !errors.As(err, &se) || len(se.Problems) != 3 {
		t.Fatalf("err = %v, want three problems", err)
	}
	// In file order: calls, projects, initiatives.
	for i, f := range []string{seed.CallsFile, seed.ProjectsFile, seed.InitiativesFile} {
		if se.Problems[i].File != f {
			t.Errorf("problem %d is in %s, want %s", i, se.Problems[i].File, f)
		}
	}
	if !strings.HasPrefix(se.Error(), "seed: 3 problem(s)\ncalls.yaml:") {
		t.Errorf("Error() = %q", se.Error())
	}
}

// wantProblems requires a failed load: no dataset, and an error listing
// exactly the problems of want, in order.
func wantProblems(t *testing.T, ds *kg.Dataset, err error, want []string) {
	t.Helper()
	if ds != nil {
		t.Errorf("a dataset was returned despite problems")
	}
	var se *seed.Error
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *seed.Error", err)
	}
	var got []string
	for _, p := range se.Problems {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

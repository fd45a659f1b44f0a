package graph

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Validations returns how many documents gqlparser's rules have validated.
func Validations() int64 { return validations.Load() }

// Preflights returns how many documents the preflight has measured.
func Preflights() int64 { return preflights.Load() }

// PreflightVisits parses query and returns the code of the limit the
// preflight finds it exceeds ("" for none) and the selections it visited.
func PreflightVisits(query string) (code string, visited int, err error) {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, DefaultMaxTokens)
	if err != nil {
		return "", 0, err
	}
	v, n := checkDocument(doc, Limits{}.withDefaults())
	if v != nil {
		code = v.code
	}
	return code, n, nil
}

package graph

import "github.com/vektah/gqlparser/v2/ast"

// provenanceFields are the fields that show what kg.WithoutProvenance lets
// a store leave out: a record's sources, facts and discrepancies, and a
// relationship's sources. No other field reads them.
var provenanceFields = map[string]bool{"sources": true, "facts": true, "discrepancies": true}

// selectsProvenance reports whether any selection of the document, in any
// of its operations and fragments, asks for a provenance field. A request
// that asks for none lets the store read records without their provenance
// (kg.WithoutProvenance), most of what a record weighs on Neo4j.
func selectsProvenance(doc *ast.QueryDocument) bool {
	if doc == nil {
		return true
	}
	for _, op := range doc.Operations {
		if selectionsAsk(op.SelectionSet) {
			return true
		}
	}
	for _, f := range doc.Fragments {
		if selectionsAsk(f.SelectionSet) {
			return true
		}
	}
	return false
}

// selectionsAsk reports whether a selection set asks for a provenance
// field, at any depth; fragment spreads are read where they are defined.
func selectionsAsk(set ast.SelectionSet) bool {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if provenanceFields[sel.Name] || selectionsAsk(sel.SelectionSet) {
				return true
			}
		case *ast.InlineFragment:
			if selectionsAsk(sel.SelectionSet) {
				return true
			}
		}
	}
	return false
}

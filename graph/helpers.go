package graph

import (
	"context"
	"encoding/base64"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/famigraph/famigraph/graph/model"
	"github.com/famigraph/famigraph/internal/kg"
)

// nodeOf returns the record with the id as type T, or nil: an id of another
// kind is invalid input, a missing record is null.
func nodeOf[T kg.Node](ctx context.Context, svc *kg.Service, id string, kinds ...kg.Kind) (T, error) {
	var zero T
	n, err := svc.NodeOf(ctx, id, kinds...)
	if err != nil || n == nil {
		return zero, err
	}
	t, ok := n.(T)
	if !ok {
		return zero, kg.Errorf(kg.EINTERNAL, "%s has an unexpected type", id)
	}
	return t, nil
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// Cursors are opaque to clients: the base64 of the last item's id.
func encodeCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) > kg.MaxIDLength {
		return "", kg.Errorf(kg.EINVALID, "after is not a valid cursor")
	}
	return string(b), nil
}

// connection builds the edges and page info of a connection over one page
// of records in id order: each edge's cursor names its record, and the end
// cursor is the last edge's.
func connection[N kg.Node, E any](items []N, hasNext bool, edge func(cursor string, n N) E) ([]E, *model.PageInfo) {
	info := &model.PageInfo{HasNextPage: hasNext}
	var edges []E
	var cursor string
	for _, n := range items {
		cursor = encodeCursor(n.NodeID())
		edges = append(edges, edge(cursor, n))
	}
	if len(items) > 0 {
		info.EndCursor = &cursor
	}
	return edges, info
}

func page(first *int, after *string) (kg.Page, error) {
	p := kg.Page{First: deref(first, kg.DefaultPageSize)}
	if after != nil {
		id, err := decodeCursor(*after)
		if err != nil {
			return p, err
		}
		p.After = id
	}
	return p, nil
}

// selects reports whether the current field's selection asks for the field
// at path (through fragments and aliases), e.g. selects(ctx, "nodes",
// "betweenness").
func selects(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return false
	}
	return selectsIn(graphql.GetOperationContext(ctx), fc.Field.Selections, fc.Field.Definition.Type.Name(), path)
}

func selectsIn(op *graphql.OperationContext, sel ast.SelectionSet, typ string, path []string) bool {
	for _, f := range graphql.CollectFields(op, sel, []string{typ}) {
		if f.Name != path[0] {
			continue
		}
		// Several fields may match: the same field under other aliases.
		if len(path) == 1 || selectsIn(op, f.Selections, f.Definition.Type.Name(), path[1:]) {
			return true
		}
	}
	return false
}

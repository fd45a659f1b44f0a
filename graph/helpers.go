package graph

import (
	"context"
	"encoding/base64"

	"github.com/99designs/gqlgen/graphql"

	"github.com/famigraph/famigraph/internal/kg"
)

// maxNodesPerRequest bounds Query.nodes.
const maxNodesPerRequest = 100

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
// at path (through fragments), e.g. selects(ctx, "nodes", "betweenness").
func selects(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	op := graphql.GetOperationContext(ctx)
	if fc == nil || op == nil {
		return false
	}
	sel := fc.Field.Selections
	typ := fc.Field.Definition.Type.Name()
	for i, name := range path {
		found := false
		for _, f := range graphql.CollectFields(op, sel, []string{typ}) {
			if f.Name != name {
				continue
			}
			if i == len(path)-1 {
				return true
			}
			sel, typ, found = f.Selections, f.Definition.Type.Name(), true
			break
		}
		if !found {
			return false
		}
	}
	return false
}

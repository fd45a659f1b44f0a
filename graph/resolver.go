package graph

import "github.com/famigraph/famigraph/internal/kg"

// Resolver is the root resolver. It holds the domain service; the store
// behind it is chosen by cmd/famigraph.
type Resolver struct {
	Service *kg.Service
}

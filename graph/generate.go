// Package graph is the GraphQL layer: thin resolvers over the domain service
// and per-request loaders, and the code gqlgen generates from schema.graphqls.
package graph

// gqlgen's generation with famigraph's sequential executor: see
// graph/internal/generate.
//go:generate go run ./internal/generate

// Package graph is the GraphQL layer: thin resolvers over the domain service
// and per-request loaders, and the code gqlgen generates from schema.graphqls.
package graph

//go:generate go tool gqlgen generate

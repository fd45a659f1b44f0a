// Command neo4jversion prints the edition and version of the Neo4j that
// NEO4J_URI names (NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE as for
// famigraph), from CALL dbms.components(): e.g. "neo4j: community 5.26.30".
// make test-neo4j runs it to show which server the suite ran against.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/famigraph/famigraph/internal/neo4jstore"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "neo4jversion: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		return fmt.Errorf("NEO4J_URI is not set")
	}
	user, ok := os.LookupEnv("NEO4J_USER")
	if !ok {
		user = "neo4j"
	}
	s, err := neo4jstore.Open(neo4jstore.Config{URI: uri, User: user,
		Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE")})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	defer s.Close(ctx)
	edition, version, err := s.ServerVersion(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", neo4jstore.RedactURI(uri), err)
	}
	fmt.Printf("neo4j: %s %s\n", edition, version)
	return nil
}

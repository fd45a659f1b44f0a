// Command cypherstatements prints, as JSON, every Cypher statement the Neo4j
// adapter can send, with the graph schema and example parameters, for the
// analyser in tools/cypher-check (make cypher-check).
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/famigraph/famigraph/internal/neo4jstore"
)

// output is what the checker reads.
type output struct {
	Schema     neo4jstore.Schema      `json:"schema"`
	Parameters map[string]any         `json:"parameters"`
	Statements []neo4jstore.Statement `json:"statements"`
}

func main() {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	err := enc.Encode(output{
		Schema:     neo4jstore.GraphSchema(),
		Parameters: neo4jstore.ExampleParams(),
		Statements: neo4jstore.Statements(),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "cypherstatements: %v\n", err)
		os.Exit(1)
	}
}

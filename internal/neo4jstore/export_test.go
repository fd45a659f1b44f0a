package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// RunCypherForTest runs a statement that only a test sends (to inspect or
// damage the database the way an older version or a person could), as a
// write. It exists in test builds only.
func (s *Store) RunCypherForTest(ctx context.Context, cypher string, params map[string]any) ([]map[string]any, error) {
	recs, err := s.run.write(ctx, Statement{Name: "test", Cypher: cypher}, params)
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = r
	}
	return out, err
}

// PlanOperatorsForTest returns the operators of the plan Neo4j makes for
// the statement with these parameters (EXPLAIN: nothing runs), depth
// first. It exists in test builds only.
func (s *Store) PlanOperatorsForTest(ctx context.Context, cypher string, params map[string]any) ([]string, error) {
	d, ok := s.run.(*driverRunner)
	if !ok {
		return nil, fmt.Errorf("no driver behind the store")
	}
	res, err := d.query(ctx, "EXPLAIN "+cypher, params)
	if err != nil {
		return nil, err
	}
	var ops []string
	var walk func(p neo4j.Plan)
	walk = func(p neo4j.Plan) {
		ops = append(ops, strings.TrimSuffix(p.Operator(), "@neo4j"))
		for _, c := range p.Children() {
			walk(c)
		}
	}
	if p := res.Summary.Plan(); p != nil {
		walk(p)
	}
	return ops, nil
}

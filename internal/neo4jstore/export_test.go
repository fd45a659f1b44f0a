package neo4jstore

import "context"

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

package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/famigraph/famigraph/internal/kg"
)

// The schema, in one place. Every statement is idempotent (IF NOT EXISTS)
// and uses only Neo4j 5 community features: uniqueness constraints, range
// indexes and a full-text index.
var schemaStatements = func() []Statement {
	var out []Statement
	// One uniqueness constraint per label: Entity serves lookups of any kind
	// of record, the kind labels serve the typed patterns.
	labels := []string{LabelEntity, LabelOrganization}
	for _, k := range nodeKinds {
		labels = appendUnique(labels, kindLabels[k][0])
	}
	for _, l := range labels {
		name := strings.ToLower(l) + "_id"
		out = append(out, stmt("schema."+name, fmt.Sprintf(
			"CREATE CONSTRAINT %s IF NOT EXISTS FOR (n:%s) REQUIRE n.id IS UNIQUE", name, l)))
	}
	out = append(out,
		// regionByNUTS; the seed reader already refuses duplicate codes.
		stmt("schema.region_nuts_code", `CREATE CONSTRAINT region_nuts_code IF NOT EXISTS FOR (n:Region) REQUIRE n.nutsCode IS UNIQUE`),
		// Orders and filters: calls by adoption date, amendments by date,
		// actions by code, organizations by kind.
		stmt("schema.call_adopted_on", `CREATE INDEX call_adopted_on IF NOT EXISTS FOR (n:Call) ON (n.adoptedOn)`),
		stmt("schema.amendment_date", `CREATE INDEX amendment_date IF NOT EXISTS FOR (n:Amendment) ON (n.date)`),
		stmt("schema.action_code", `CREATE INDEX action_code IF NOT EXISTS FOR (n:Action) ON (n.code)`),
		stmt("schema.organization_kind", `CREATE INDEX organization_kind IF NOT EXISTS FOR (n:Organization) ON (n.kind)`),
		// Filters on relationship properties: participations by role,
		// involvements by relation.
		stmt("schema.participates_in_role", `CREATE INDEX participates_in_role IF NOT EXISTS FOR ()-[r:PARTICIPATES_IN]-() ON (r.role)`),
		stmt("schema.involved_in_relation", `CREATE INDEX involved_in_relation IF NOT EXISTS FOR ()-[r:INVOLVED_IN]-() ON (r.relation)`),
		// Search. searchText holds kg.Tokenize's words separated by spaces,
		// so the whitespace analyzer indexes exactly those words.
		stmt("schema."+searchIndex, `CREATE FULLTEXT INDEX `+searchIndex+` IF NOT EXISTS
FOR (n:Entity) ON EACH [n.searchText]
OPTIONS {indexConfig: {`+"`fulltext.analyzer`"+`: 'whitespace'}}`),
	)
	return out
}()

// stAwaitIndexes waits until every index is online, so that a seed or a
// test that follows a migration sees complete indexes.
var stAwaitIndexes = stmt("schema.await_indexes", `CALL db.awaitIndexes($timeoutSeconds)`)

// stReplan samples every index again, waits until it is done, and drops the
// cached plans. A seed ends with it: the planner would otherwise go on
// planning on the statistics of the database before the seed (an empty id
// index), and Neo4j 5.26 then planned the lookups by id as scans of the
// whole id index for each id (TestLookupsSeekByID).
var stReplan = stmt("schema.replan", `CALL db.prepareForReplanning($timeoutSeconds)`)

// SchemaStatements returns the statements Migrate runs, in order.
func SchemaStatements() []Statement { return append([]Statement(nil), schemaStatements...) }

// Migrate creates the constraints and indexes the store needs, if they do
// not exist yet, and waits until they are online. It is safe to run at any
// time.
func (s *Store) Migrate(ctx context.Context) error {
	for _, st := range schemaStatements {
		if _, err := s.write(ctx, "migrate", st, nil); err != nil {
			return err
		}
	}
	if _, err := s.write(ctx, "migrate", stAwaitIndexes, map[string]any{"timeoutSeconds": int64(300)}); err != nil {
		return err
	}
	return nil
}

// labelsOf returns the Cypher label expression of a kind: ":Region:Organization".
func labelsOf(k kg.Kind) string {
	return ":" + strings.Join(kindLabels[k], ":")
}

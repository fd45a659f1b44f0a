package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/famigraph/famigraph/internal/kg"
)

// BatchSize is how many rows one seeding statement carries.
const BatchSize = 1000

// Seeding statements. Each batch MERGEs its rows by id (relationships by
// type and ends), rewrites only those whose hash changed, and counts what it
// created and updated; running it again changes nothing, so the driver may
// retry a batch freely.
var (
	stSeedNodes = func() map[kg.Kind]Statement {
		m := map[kg.Kind]Statement{}
		// A rewritten node loses every kind label before it gets its own,
		// so that none is left behind if the labels of a kind change.
		var all []string
		for _, k := range nodeKinds {
			for _, l := range kindLabels[k] {
				if !slices.Contains(all, l) {
					all = append(all, l)
				}
			}
		}
		for _, k := range nodeKinds {
			m[k] = stmt("seed.nodes."+string(k), `
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
WITH n, row, n.hash AS old
WHERE old IS NULL OR old <> row.hash
REMOVE n:`+strings.Join(all, ":")+`
SET n = row.props, n`+labelsOf(k)+`
RETURN count(*) - count(old) AS created, count(old) AS updated`)
		}
		return m
	}()

	stSeedRels = func() map[kg.RelType]Statement {
		m := map[kg.RelType]Statement{}
		for _, t := range kg.RelTypes {
			m[t] = stmt("seed.relationships."+string(t), `
UNWIND $rows AS row
WITH row, row.from AS fromId, row.to AS toId
MATCH (a:Entity {id: fromId})
MATCH (b:Entity {id: toId})
MERGE (a)-[r:`+string(t)+`]->(b)
WITH r, row, r.hash AS old
WHERE old IS NULL OR old <> row.hash
SET r = row.props
RETURN count(*) - count(old) AS created, count(old) AS updated`)
		}
		return m
	}()

	// Relationships between records that the dataset no longer has, keyed
	// as kg.Edge.Key does. Only relationships between Entity nodes are
	// famigraph's.
	stDeleteRels = stmt("seed.deleteRelationships", `
MATCH (a:Entity)-[r]->(b:Entity)
WHERE NOT ((type(r) + '|' + a.id + '|' + b.id) IN $keys)
DELETE r
RETURN count(*) AS deleted`)

	stDeleteNodes = stmt("seed.deleteNodes", `
MATCH (n:Entity)
WHERE NOT (n.id IN $ids)
DETACH DELETE n
RETURN count(*) AS deleted`)

	// stWipe removes every famigraph record; only the conformance tests use
	// it, on a database they were allowed to wipe.
	stWipe = stmt("admin.wipe", `
MATCH (n:Entity)
DETACH DELETE n`)
)

// SeedCounts says what seeding did to the nodes or the relationships.
type SeedCounts struct {
	Created   int
	Updated   int
	Unchanged int
	Deleted   int
}

// SeedReport says what Seed changed.
type SeedReport struct {
	Nodes         SeedCounts
	Relationships SeedCounts
}

// Progress reports how far a long load has gone.
type Progress struct {
	Phase string // "nodes" or "relationships"
	Done  int
	Total int
}

// Seed makes the database hold exactly ds: it creates and updates records
// and relationships and deletes those ds no longer has. Provenance and
// confidence are stored on both. Every batch is a write transaction that
// may be retried; if Seed fails half-way, running it again completes the
// load. progress, if not nil, is called after each batch.
func (s *Store) Seed(ctx context.Context, ds *kg.Dataset, progress func(Progress)) (*SeedReport, error) {
	const op = "seed"
	if progress == nil {
		progress = func(Progress) {}
	}
	// Convert everything before writing anything.
	nodes := map[kg.Kind][]any{}
	ids := make([]any, 0, len(ds.Nodes))
	for _, n := range ds.Nodes {
		row, err := encodeNode(n)
		if err != nil {
			return nil, kg.Errorf(kg.EINVALID, "seed: %v", err)
		}
		nodes[row.kind] = append(nodes[row.kind], map[string]any{"id": row.id, "hash": row.hash, "props": map[string]any(row.props)})
		ids = append(ids, row.id)
	}
	rels := map[kg.RelType][]any{}
	keys := make([]any, 0, len(ds.Edges))
	seen := make(map[string]bool, len(ds.Edges))
	for _, e := range ds.Edges {
		// A relationship is MERGEd on its type and ends: two of the same
		// type between the same records (e.g. differing only in role)
		// would fold into one. The seed loader refuses them; so does this.
		if seen[e.Key()] {
			return nil, kg.Errorf(kg.EINVALID, "seed: two %s relationships from %s to %s", e.Type, e.From, e.To)
		}
		seen[e.Key()] = true
		row, err := encodeEdge(e)
		if err != nil {
			return nil, kg.Errorf(kg.EINVALID, "seed: %v", err)
		}
		rels[row.typ] = append(rels[row.typ], map[string]any{"from": row.from, "to": row.to, "hash": row.hash, "props": map[string]any(row.props)})
		keys = append(keys, row.key)
	}

	// One transaction: readers see the old graph until it commits, then
	// the new one, never a half-loaded graph; an interrupted load (the
	// process or Neo4j killed, the connection lost) writes nothing.
	var calls []call
	type part struct {
		counts *SeedCounts
		phase  string
		rows   int
		done   int // rows done after this statement
		total  int
	}
	var parts []part
	rep := &SeedReport{}
	addBatches := func(phase string, st Statement, rows []any, c *SeedCounts, done *int, total int) {
		for start := 0; start < len(rows); start += BatchSize {
			batch := rows[start:min(start+BatchSize, len(rows))]
			*done += len(batch)
			calls = append(calls, call{st, map[string]any{"rows": batch}})
			parts = append(parts, part{counts: c, phase: phase, rows: len(batch), done: *done, total: total})
		}
	}
	done := 0
	for _, k := range nodeKinds {
		addBatches("nodes", stSeedNodes[k], nodes[k], &rep.Nodes, &done, len(ids))
	}
	done = 0
	for _, t := range kg.RelTypes {
		addBatches("relationships", stSeedRels[t], rels[t], &rep.Relationships, &done, len(keys))
	}
	calls = append(calls, call{stDeleteRels, map[string]any{"keys": keys}}, call{stDeleteNodes, map[string]any{"ids": ids}},
		call{stStats, nil})
	parts = append(parts, part{counts: &rep.Relationships}, part{counts: &rep.Nodes}, part{})

	err := s.transact(ctx, op, calls, func(i int, recs []record) error {
		if i == 0 {
			*rep = SeedReport{} // the driver may run the transaction again
		}
		p, st := parts[i], calls[i].st
		switch st.Name {
		case stDeleteRels.Name, stDeleteNodes.Name:
			n, err := deletedCount(recs)
			if err != nil {
				return internalf(op, "%s: %v", st.Name, err)
			}
			p.counts.Deleted = n
		case stStats.Name:
			// A relationship whose ends were missing would have been
			// skipped silently: check that the database now holds exactly
			// the dataset, or roll back.
			stats, err := statsOf(recs)
			if err != nil {
				return internalf(op, "%v", err)
			}
			if stats.Nodes != len(ds.Nodes) || stats.Edges != len(ds.Edges) {
				return internalf(op, "after seeding the database would hold %d records and %d relationships, want %d and %d",
					stats.Nodes, stats.Edges, len(ds.Nodes), len(ds.Edges))
			}
		default:
			created, updated, err := counts(recs)
			if err != nil {
				return internalf(op, "%s: %v", st.Name, err)
			}
			p.counts.Created += created
			p.counts.Updated += updated
			p.counts.Unchanged += p.rows - created - updated
			progress(Progress{Phase: p.phase, Done: p.done, Total: p.total})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := s.write(ctx, op, stReplan, map[string]any{"timeoutSeconds": int64(300)}); err != nil {
		return nil, err
	}
	return rep, nil
}

func counts(recs []record) (created, updated int, err error) {
	if len(recs) != 1 {
		return 0, 0, fmt.Errorf("%d rows, want 1", len(recs))
	}
	d := &decoder{m: recs[0]}
	c, u := d.int("created"), d.int("updated")
	if d.err != nil || c == nil || u == nil {
		return 0, 0, fmt.Errorf("malformed counts: %v", d.err)
	}
	return *c, *u, nil
}

func deletedCount(recs []record) (int, error) {
	if len(recs) != 1 {
		return 0, fmt.Errorf("%d rows, want 1", len(recs))
	}
	d := &decoder{m: recs[0]}
	n := d.int("deleted")
	if d.err != nil || n == nil {
		return 0, fmt.Errorf("malformed count: %v", d.err)
	}
	return *n, nil
}

// Wipe deletes every famigraph record and relationship (nodes labelled
// Entity), leaving the schema and any other data. The conformance tests use
// it to clean up after themselves.
func (s *Store) Wipe(ctx context.Context) error {
	_, err := s.write(ctx, "wipe", stWipe, nil)
	return err
}

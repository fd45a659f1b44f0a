// check.mjs runs every Cypher statement of famigraph's Neo4j adapter through
// lintCypherQuery of @neo4j-cypher/language-support: Neo4j's own Cypher
// parser and semantic analyser (compiled to JavaScript), plus its checks of
// labels, relationship types, property keys, parameters, procedures,
// functions and relationship directions against the schema we declare.
//
// Input: the JSON printed by `go run ./internal/neo4jstore/cmd/cypherstatements`,
// from the file named by the first argument, or from standard input.
// Exit status 1 if any statement has a diagnostic of severity error or
// warning (deprecations and cartesian products are warnings), or if the
// analyser fails to flag the known-bad canary statements.

import { readFileSync } from 'node:fs';
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const CYPHER = 'CYPHER 5';
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

// The procedures the adapter may call. Their signatures come from the
// package's snapshot of Neo4j's procedure catalogue; any other procedure is
// reported as missing. All are Neo4j 5 community procedures.
const PROCEDURES = ['db.index.fulltext.queryNodes', 'db.awaitIndexes', 'db.prepareForReplanning', 'dbms.components'];

const input = JSON.parse(readFileSync(process.argv[2] ?? 0, 'utf8'));
const catalogue = testData.mockSchema;

function pick(registry, names) {
  const out = {};
  for (const n of names) {
    if (!registry[n]) {
      throw new Error(`procedure ${n} is not in the analyser's catalogue`);
    }
    out[n] = registry[n];
  }
  return out;
}

function schemaFor(parameters) {
  return {
    labels: input.schema.labels,
    relationshipTypes: input.schema.relationshipTypes,
    propertyKeys: input.schema.propertyKeys,
    graphSchema: input.schema.graphSchema,
    parameters,
    procedures: { [CYPHER]: pick(catalogue.procedures[CYPHER], PROCEDURES) },
    // Every built-in function, so that a misspelt or deprecated one is caught.
    functions: { [CYPHER]: catalogue.functions[CYPHER] },
    defaultLanguage: CYPHER,
  };
}

function lint(cypher, parameters) {
  return lintCypherQuery(cypher, schemaFor(parameters)).diagnostics;
}

function describe(cypher, d) {
  const line = cypher.split('\n')[d.range.start.line] ?? '';
  return `  ${SEVERITY[d.severity] ?? d.severity} at ${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}\n    | ${line.trim()}`;
}

// Canaries: statements the analyser must flag. If it stops flagging one of
// these (a broken install, an API change), a clean run would mean nothing.
const canaries = [
  ['syntax error', 'MATCH (n:Entity RETURN n'],
  ['undefined variable', 'MATCH (n:Entity) RETURN m'],
  ['unknown label', 'MATCH (n:Entiy) RETURN n.id'],
  ['unknown property', 'MATCH (n:Entity) RETURN n.idd'],
  ['unknown relationship type', 'MATCH (a:Entity)-[:FUNDED_UNDERR]->(b:Entity) RETURN a.id'],
  ['wrong direction', 'MATCH (c:Call)-[:FUNDED_UNDER]->(p:Project) RETURN c.id'],
  ['undeclared parameter', 'MATCH (n:Entity {id: $nope}) RETURN n.id'],
  ['unknown procedure', "CALL apoc.create.node(['X'], {}) YIELD node RETURN node"],
  ['unknown function', 'RETURN heads([1]) AS x'],
  ['deprecated syntax', 'MATCH (a:Entity)-[:FUNDED_UNDER|:FUNDED_BY]->(b:Entity) RETURN a.id'],
  ['deprecated subquery', 'CALL { MATCH (n:Entity) RETURN count(n) AS c } RETURN c'],
  ['cartesian product', 'MATCH (a:Entity), (b:Entity) RETURN a.id, b.id'],
  ['removed function', 'MATCH (n:Entity) WHERE exists(n.id) RETURN n.id'],
  ['schema command variable', 'CREATE CONSTRAINT c IF NOT EXISTS FOR (n:Entity) REQUIRE m.id IS UNIQUE'],
  ['removed schema syntax', 'CREATE CONSTRAINT c IF NOT EXISTS ON (n:Entity) ASSERT n.id IS UNIQUE'],
];
let blind = 0;
for (const [what, cypher] of canaries) {
  const flagged = lint(cypher, {}).some((d) => d.severity === 1 || d.severity === 2);
  if (!flagged) {
    console.error(`cypher-check: the analyser did not flag a canary (${what}): ${cypher}`);
    blind++;
  }
}
if (blind > 0) {
  console.error(`cypher-check: ${blind} canary statement(s) not flagged; the check cannot be trusted`);
  process.exit(1);
}

let failed = 0;
let diagnostics = 0;
const names = new Set();
for (const st of input.statements) {
  if (names.has(st.name)) {
    console.error(`cypher-check: duplicate statement name ${st.name}`);
    failed++;
  }
  names.add(st.name);
  const params = {};
  for (const p of st.params ?? []) {
    if (!(p in input.parameters)) {
      console.error(`cypher-check: ${st.name}: no example value for parameter $${p}`);
      failed++;
    }
    params[p] = input.parameters[p];
  }
  const ds = lint(st.cypher, params);
  const bad = ds.filter((d) => d.severity === 1 || d.severity === 2);
  diagnostics += ds.length;
  if (ds.length > 0) {
    const out = bad.length > 0 ? console.error : console.log;
    out(`${st.name}:\n${ds.map((d) => describe(st.cypher, d)).join('\n')}`);
  }
  if (bad.length > 0) {
    failed++;
  }
}

const summary = `cypher-check: ${input.statements.length} statements checked with ${canaries.length} canaries, ` +
  `${diagnostics} diagnostic(s), ${failed} statement(s) failing`;
if (failed > 0 || input.statements.length === 0) {
  console.error(summary);
  process.exit(1);
}
console.log(summary);

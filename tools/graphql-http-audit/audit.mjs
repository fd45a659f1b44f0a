// Runs the graphql-http audit suite (the GraphQL over HTTP specification's
// requirements, as the reference implementation checks them) against a
// running famigraph server, prints every result, and exits with status 1 on
// any MUST failure or on a failed SHOULD that famigraph requires.
//
//   node audit.mjs http://127.0.0.1:8080/graphql
import { auditServer } from 'graphql-http';

// SHOULDs that famigraph meets and must keep meeting, by audit id: a
// request error under application/graphql-response+json carries no data
// entry.
const requiredShould = new Set([
  'D586', // SHOULD not contain the data entry on document parsing failure when accepting application/graphql-response+json
  '5E5B', // SHOULD not contain the data entry on document validation failure when accepting application/graphql-response+json
]);

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}

const results = await auditServer({ url });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
let failed = 0;
for (const r of results) {
  counts[r.status] = (counts[r.status] ?? 0) + 1;
  const required = r.status === 'error' || (r.status !== 'ok' && requiredShould.has(r.id));
  const mark = { ok: 'ok    ', notice: 'notice', warn: 'warn  ', error: 'ERROR ' }[r.status] ?? r.status;
  let line = `${mark} ${r.id} ${r.name}`;
  if (r.status !== 'ok') {
    line += `\n         ${r.reason}`;
    if (required) {
      failed++;
      line += '\n         (required by famigraph)';
      try {
        line += `\n         response: ${r.response.status} ${await r.response.text()}`;
      } catch {
        // the body was read by the audit
      }
    }
  }
  console.log(line);
}
for (const id of requiredShould) {
  if (!results.some((r) => r.id === id)) {
    failed++;
    console.log(`ERROR  ${id} a required audit is not in this version of graphql-http`);
  }
}
console.log(
  `\n${results.length} audits: ${counts.ok} ok, ${counts.warn} warn, ${counts.notice} notice, ${counts.error} error; ` +
    `${failed} required failure(s)`,
);
process.exit(failed > 0 ? 1 : 0);

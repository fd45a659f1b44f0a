// Extracts the example queries of the README (its ```graphql blocks, each
// named by the bold words that open the paragraph before it) for GraphiQL's
// tabs: src/generated/examples.json. The README stays the one place they are
// written; CI's stale-build check catches a README changed without a rebuild.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const readme = readFileSync(join(root, '../README.md'), 'utf8');

const examples = [];
const block = /```graphql\n([\s\S]*?)```/g;
let m;
while ((m = block.exec(readme)) !== null) {
  const before = readme.slice(0, m.index);
  const titles = [...before.matchAll(/^\*\*([^*]+)\*\*/gm)];
  const title = titles.length ? titles[titles.length - 1][1].trim() : `Example ${examples.length + 1}`;
  // Named operations, so that GraphiQL's tabs carry the example's name.
  const name = title.replace(/[^A-Za-z0-9]+(.)?/g, (_, c) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase());
  const query = m[1].startsWith('{') ? `query ${name} ${m[1]}` : m[1];
  examples.push({ title, query: `# ${title} (from the README)\n${query}` });
}
if (examples.length === 0) throw new Error('README.md has no ```graphql example');
mkdirSync(join(root, 'src/generated'), { recursive: true });
writeFileSync(join(root, 'src/generated/examples.json'), JSON.stringify(examples, null, 1) + '\n');
console.log(`readme-examples: ${examples.map((e) => e.title).join(', ')}`);

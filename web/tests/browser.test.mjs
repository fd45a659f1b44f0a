// Browser tests of famigraph's pages in Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core): GraphiQL at / and the explorer at /explore,
// served by the real binary on a random loopback port. No request may leave
// the machine; screenshots go to $CI_ARTIFACTS (or /tmp/famigraph-artifacts).
//
//   FAMIGRAPH_BIN=/path/to/famigraph node --test tests/
//   (without FAMIGRAPH_BIN the binary is built with go build)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = process.env.CI_ARTIFACTS ? join(process.env.CI_ARTIFACTS, 'browser') : '/tmp/famigraph-artifacts';
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const LAPTOP = { width: 1366, height: 860 };
const PHONE = { width: 390, height: 844 };

let server;
let base;
let context;
let profile;
let scratch;
const requests = [];
const consoleErrors = [];

async function startServer() {
  scratch = mkdtempSync(join(tmpdir(), 'famigraph-browser-'));
  let bin = process.env.FAMIGRAPH_BIN;
  if (!bin) {
    bin = join(scratch, 'famigraph');
    execFileSync('go', ['build', '-o', bin, './cmd/famigraph'], { cwd: repo, stdio: 'inherit' });
  }
  server = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--seed', join(repo, 'seed'), '--snapshot-dir', '', '--log-level', 'warn'], {
    cwd: repo, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: server.stdout });
  base = await new Promise((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`famigraph exited with ${code}`)));
    lines.on('line', (line) => {
      const m = line.match(/serving on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve(m[1]);
    });
  });
}

async function api(query, variables = {}) {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

async function newPage(viewport = LAPTOP) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(`${page.url()}: ${msg.text()}`); });
  page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: ${err.message}`));
  return page;
}

function assertLocalOnly() {
  const outside = requests.filter((u) => {
    const url = new URL(u);
    return !['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) ? false : url.hostname !== '127.0.0.1';
  });
  assert.deepEqual(outside, [], 'requests that left the machine');
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  await startServer();
  profile = mkdtempSync(join(tmpdir(), 'famigraph-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: LAPTOP,
    locale: 'en-GB',
  });
  context.on('request', (req) => requests.push(req.url()));
  // Nothing may leave the machine: refuse (and record) any other host.
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort('blockedbyclient'));
});

after(async () => {
  await context?.close();
  server?.kill('SIGTERM');
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('GraphiQL at / renders the README examples and runs a query offline', async () => {
  const page = await newPage();
  await page.goto(`${base}/`);
  await page.locator('.graphiql-container').waitFor();
  const tabs = page.locator('.graphiql-tab');
  await tabs.first().waitFor();
  const examples = readFileSync(join(repo, 'README.md'), 'utf8').match(/```graphql\n/g).length;
  assert.ok(examples >= 3);
  assert.equal(await tabs.count(), examples, 'one tab per README example');
  await page.getByText('Map front-ends (from the README)').first().waitFor();
  await page.locator('.graphiql-execute-button').click();
  await page.locator('.graphiql-response').getByText('region:piemonte').first().waitFor({ timeout: 20000 });
  await page.screenshot({ path: join(artifacts, 'graphiql-laptop.png') });
  assert.ok(requests.some((u) => u === `${base}/graphql`), 'the query went to /graphql');
  assertLocalOnly();
  assert.deepEqual(consoleErrors, []);
  await page.close();
});

test('/explore loads, with 21 map areas named after the regions', async () => {
  const page = await newPage();
  await page.goto(`${base}/explore`);
  await page.locator('body[data-ready="true"]').waitFor();
  const areas = page.locator('svg.italy [data-region-id]');
  assert.equal(await areas.count(), 21);
  const ids = await areas.evaluateAll((els) => els.map((e) => e.getAttribute('data-region-id')).sort());
  const { regions } = await api('{ regions { id name } }');
  assert.deepEqual(ids, regions.map((r) => r.id).sort());
  for (const r of regions) {
    const a = page.locator(`[data-region-id="${r.id}"]`);
    assert.equal(await a.getAttribute('tabindex'), '0');
    assert.ok((await a.getAttribute('aria-label')).startsWith(`${r.name}:`), `${r.id} is named`);
  }
  // Coloured by Region.summary for the chosen call and measure.
  const callId = await page.locator('#map-call').inputValue();
  const { regions: sums } = await api('query($c: [ID!]) { regions { id summary(callIds: $c) { projects partners } } }', { c: [callId] });
  for (const measure of ['projects', 'partners']) {
    await page.locator('#map-measure').selectOption(measure);
    for (const r of sums) {
      const want = String(r.summary[0]?.[measure] ?? 0);
      assert.equal(await page.locator(`[data-region-id="${r.id}"]`).getAttribute('data-value'), want, `${measure} of ${r.id}`);
    }
  }
  assert.ok(sums.some((r) => r.summary.length > 0), 'some region has projects under the call');
  const fills = await areas.evaluateAll((els) => new Set(els.map((e) => e.getAttribute('fill'))).size);
  assert.ok(fills >= 2, 'the areas are coloured by their values');
  assertLocalOnly();
  assert.deepEqual(consoleErrors, []);
  await page.close();
});

test('clicking Marche lists PRIMM 2023 with its partners; Enter opens a region too', async () => {
  const page = await newPage();
  await page.goto(`${base}/explore`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.locator('[data-region-id="region:marche"]').click();
  const panel = page.locator('#panel');
  await panel.locator('h2', { hasText: 'Marche' }).waitFor();
  const primm = panel.locator('[data-project-id="project:primm-2023"]');
  await primm.getByText('PRIMM 2023', { exact: false }).first().waitFor();
  const { project } = await api('{ project(id: "project:primm-2023") { participants { role organization { name } } } }');
  assert.ok(project.participants.length > 5);
  const listed = await primm.locator('ul.participants > li').allInnerTexts();
  assert.equal(listed.length, project.participants.length);
  for (const p of project.participants) {
    assert.ok(listed.some((l) => l.startsWith(p.organization.name)), `${p.organization.name} listed`);
  }
  // Sources on demand: closed, then shown.
  const src = primm.locator('details.sources').first();
  assert.equal(await src.getAttribute('open'), null);
  await src.locator('summary').click();
  await src.locator('blockquote').first().waitFor();
  await page.screenshot({ path: join(artifacts, 'explore-map-laptop.png') });

  await page.locator('[data-region-id="region:lazio"]').focus();
  await page.keyboard.press('Enter');
  await panel.locator('h2', { hasText: 'Lazio' }).waitFor();
  assert.deepEqual(consoleErrors, []);
  await page.close();
});

test('the network view draws nodes; filters and node details work', async () => {
  const page = await newPage();
  await page.goto(`${base}/explore`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.locator('#tab-network').click();
  const canvas = page.locator('#network-canvas canvas').first();
  await canvas.waitFor();
  const items = page.locator('.net-list li');
  await items.first().waitFor();
  const callId = await page.locator('#net-call').inputValue();
  const { partnershipNetwork: net } = await api('query($c: [ID!]) { partnershipNetwork(callIds: $c) { nodes { organization { id } } } }', { c: callId ? [callId] : null });
  assert.ok(net.nodes.length > 10);
  assert.equal(await items.count(), net.nodes.length);
  // Something was drawn: the node layer has coloured pixels.
  const painted = await page.locator('#network-canvas canvas').evaluateAll((cs) => cs.some((c) => {
    const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    if (!d) return false;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true;
    return false;
  }));
  assert.ok(painted, 'the network canvas is not blank');
  // Clicking a drawn node opens its record (Cytoscape keeps its instance on the container).
  const node = await page.evaluate(() => {
    const cy = document.getElementById('network-canvas')._cyreg.cy;
    const n = cy.nodes().max((x) => x.renderedWidth()).ele;
    const p = n.renderedPosition();
    const box = cy.container().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y, name: n.data('label') };
  });
  await page.mouse.click(node.x, node.y);
  await page.locator('#panel h2', { hasText: node.name }).waitFor();
  await page.screenshot({ path: join(artifacts, 'explore-network-laptop.png') });

  // Coloured by community (the API's partition), then by kind.
  const { partnershipNetwork: parts } = await api('query($c: [ID!]) { partnershipNetwork(callIds: $c) { communities { id } } }', { c: callId ? [callId] : null });
  assert.ok(parts.communities.length >= 1);
  assert.equal(await page.locator('#net-colour').inputValue(), 'community');
  assert.equal(await page.locator('#view-network .legend li').count(), Math.min(parts.communities.length, 12) + (parts.communities.length > 12 ? 1 : 0));
  await page.locator('#net-colour').selectOption('kind');
  await page.locator('#view-network .legend-title', { hasText: 'Kind' }).waitFor();

  // The kind filter is the API's.
  const { partnershipNetwork: unis } = await api('query($c: [ID!]) { partnershipNetwork(callIds: $c, kinds: [UNIVERSITY]) { nodes { organization { id } } } }', { c: callId ? [callId] : null });
  await page.locator('#net-kind').selectOption('UNIVERSITY');
  await page.waitForFunction(() => [...document.querySelectorAll('.net-list li')].every((li) => /University/.test(li.textContent)));
  assert.ok(unis.nodes.length >= 1);
  await page.waitForFunction((n) => document.querySelectorAll('.net-list li').length === n, unis.nodes.length);
  await page.locator('.net-list button').first().click();
  await page.locator('#panel h2').waitFor();
  assert.match(await page.locator('#panel .kicker').innerText(), /university/i);
  assert.deepEqual(consoleErrors, []);
  await page.close();
});

test('searching "Porto Recanati" finds the Comune di Porto Recanati and opens it', async () => {
  const page = await newPage();
  await page.goto(`${base}/explore`);
  await page.locator('body[data-ready="true"]').waitFor();
  const box = page.locator('input[type="search"]');
  await box.fill('Porto Recanati');
  const hit = page.locator('#search-results button[data-id="org:comune-porto-recanati"]');
  await hit.waitFor();
  assert.match(await hit.innerText(), /Comune di Porto Recanati/);
  await hit.click();
  await page.locator('#panel h2', { hasText: 'Comune di Porto Recanati' }).waitFor();
  assert.deepEqual(consoleErrors, []);
  await page.close();
});

test('switching language changes the labels', async () => {
  const page = await newPage();
  await page.goto(`${base}/explore`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.locator('button[data-lang="en"]').click();
  assert.equal(await page.locator('#tab-map').innerText(), 'Map');
  assert.equal(await page.locator('label[for="search"]').innerText(), 'Search');
  await page.locator('button[data-lang="it"]').click();
  assert.equal(await page.locator('#tab-map').innerText(), 'Mappa');
  assert.equal(await page.locator('#tab-network').innerText(), 'Rete');
  assert.equal(await page.locator('label[for="search"]').innerText(), 'Cerca');
  assert.equal(await page.locator('html').getAttribute('lang'), 'it');
  assert.match(await page.locator('[data-region-id="region:marche"]').getAttribute('aria-label'), /^Marche: \d+ progetti$/);
  await page.locator('button[data-lang="en"]').click();
  assert.deepEqual(consoleErrors, []);
  await page.close();
});

test('axe-core finds no serious or critical violation', async () => {
  const page = await newPage();
  await page.goto(`${base}/explore`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.locator('[data-region-id="region:marche"]').click();
  await page.locator('#panel [data-project-id]').first().waitFor();
  const check = async (where) => {
    const { violations } = await new AxeBuilder({ page }).analyze();
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${where}: ${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), []);
  };
  await check('map');
  await page.locator('#tab-network').click();
  await page.locator('.net-list li').first().waitFor();
  await check('network');
  await page.close();
});

test('phone layout: map, panel and network fit the width', async () => {
  const page = await newPage(PHONE);
  await page.goto(`${base}/explore`);
  await page.locator('body[data-ready="true"]').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px)`);
  await page.screenshot({ path: join(artifacts, 'explore-map-phone.png') });
  await page.locator('[data-region-id="region:marche"]').click();
  await page.locator('#panel [data-project-id="project:primm-2023"]').waitFor();
  await page.screenshot({ path: join(artifacts, 'explore-panel-phone.png') });
  await page.locator('#tab-network').click();
  await page.locator('.net-list li').first().waitFor();
  await page.locator('#tab-network').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'explore-network-phone.png') });
  const page2 = await newPage(PHONE);
  await page2.goto(`${base}/`);
  await page2.locator('.graphiql-container').waitFor();
  await page2.getByText('Map front-ends (from the README)').first().waitFor();
  await page2.screenshot({ path: join(artifacts, 'graphiql-phone.png') });
  assertLocalOnly();
  assert.deepEqual(consoleErrors, []);
  await page.close();
  await page2.close();
});

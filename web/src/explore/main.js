// The famigraph explorer: a map of Italy coloured by a measure for a call,
// the partnership network, search, and a panel with each record and its
// sources. It uses only the public GraphQL API.
import './style.css';
import { gql } from './api.js';
import { h, replace } from './dom.js';
import { t, setLang, onLang, initialLang, getLang, kindLabel, typeLabel } from './i18n.js';
import { MapView } from './map.js';
import { NetworkView, KINDS } from './network.js';
import { Panel } from './panel.js';

const BOOT = `query Boot {
  calls { id name code startDate }
  regions { id name nutsCode }
}`;

// Map figures: Region.summary, per region and call.
const FIGURES = `query Figures {
  regions { id summary { call { id } projects projectsWithBudget budgetEUR partners } }
}`;

const SEARCH = `query Search($text: String!) {
  search(text: $text, first: 12) {
    node { id __typename
      ... on Region { name } ... on Body { name kind region { name } }
      ... on Project { title call { name } } ... on Call { name title }
      ... on Place { name } ... on Initiative { title } ... on Fund { name }
      ... on Objective { name } ... on Action { title } ... on Amendment { date decree } }
  }
}`;

const state = { calls: [], regions: [], callId: '', measure: 'projects', view: 'map', figures: null, networkLoaded: false };

const app = document.getElementById('app');
const labelled = []; // [element, fn(el)] relabelled on a language switch
const L = (el, f) => { labelled.push([el, f]); f(el); return el; };

// Header: title, link to GraphiQL, search, language.
const searchInput = h('input', { type: 'search', id: 'search', autocomplete: 'off', spellcheck: 'false', 'aria-controls': 'search-results' });
const searchResults = h('ul', { id: 'search-results', class: 'search-results', hidden: true });
const langButtons = ['it', 'en'].map((l) => h('button', {
  type: 'button', lang: l, 'data-lang': l, text: l.toUpperCase(),
  onclick: () => setLang(l),
}));
const header = h('header', { class: 'top' },
  h('div', { class: 'brand' },
    L(h('h1'), (el) => { el.textContent = t('title'); }),
    L(h('p', { class: 'subtitle' }), (el) => { el.textContent = t('subtitle'); })),
  h('form', { class: 'search', role: 'search', onsubmit: (e) => { e.preventDefault(); runSearch(true); } },
    L(h('label', { for: 'search' }), (el) => { el.textContent = t('search'); }),
    L(searchInput, (el) => { el.placeholder = t('searchPlaceholder'); }),
    L(searchResults, (el) => el.setAttribute('aria-label', t('searchResults')))),
  h('div', { class: 'tools' },
    L(h('div', { class: 'lang', role: 'group' }, langButtons), (el) => el.setAttribute('aria-label', t('language'))),
    L(h('a', { href: '/', class: 'graphiql-link' }), (el) => { el.textContent = t('graphiql'); })));

// Tabs: map and network.
const tabMap = h('button', { type: 'button', role: 'tab', id: 'tab-map', 'aria-controls': 'view-map', onclick: () => showView('map') });
const tabNet = h('button', { type: 'button', role: 'tab', id: 'tab-network', 'aria-controls': 'view-network', onclick: () => showView('network') });
L(tabMap, (el) => { el.textContent = t('map'); });
L(tabNet, (el) => { el.textContent = t('network'); });
const tabs = L(h('div', { class: 'tabs', role: 'tablist' }, tabMap, tabNet), (el) => el.setAttribute('aria-label', t('views')));
tabs.addEventListener('keydown', (e) => {
  if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
  showView(state.view === 'map' ? 'network' : 'map');
  (state.view === 'map' ? tabMap : tabNet).focus();
});

// Map view.
const callSelect = h('select', { id: 'map-call', onchange: (e) => { state.callId = e.target.value; paintMap(); } });
const measureSelect = h('select', { id: 'map-measure', onchange: (e) => { state.measure = e.target.value; paintMap(); } });
const mapBox = h('div', { class: 'map' });
const viewMap = h('section', { id: 'view-map', role: 'tabpanel', 'aria-labelledby': 'tab-map', class: 'view' },
  h('div', { class: 'controls' },
    h('div', { class: 'field' }, L(h('label', { for: 'map-call' }), (el) => { el.textContent = t('call'); }), callSelect),
    h('div', { class: 'field' }, L(h('label', { for: 'map-measure' }), (el) => { el.textContent = t('measure'); }), measureSelect)),
  L(h('p', { class: 'muted note' }), (el) => { el.textContent = t('mapNote'); }),
  mapBox);

// Network view.
const netCall = h('select', { id: 'net-call', onchange: () => loadNetwork() });
const netRegion = h('select', { id: 'net-region', onchange: () => loadNetwork() });
const netKind = h('select', { id: 'net-kind', onchange: () => loadNetwork() });
const netColour = h('select', { id: 'net-colour', onchange: (e) => network.setColourBy(e.target.value) });
const netCanvas = h('div', { class: 'cy', id: 'network-canvas', role: 'img' });
const netSummary = h('p', { class: 'net-summary', 'aria-live': 'polite' });
const netLegend = h('div', { class: 'legend' });
const netList = h('div', { class: 'net-list' });
const viewNet = h('section', { id: 'view-network', role: 'tabpanel', 'aria-labelledby': 'tab-network', class: 'view', hidden: true },
  h('div', { class: 'controls' },
    h('div', { class: 'field' }, L(h('label', { for: 'net-call' }), (el) => { el.textContent = t('call'); }), netCall),
    h('div', { class: 'field' }, L(h('label', { for: 'net-region' }), (el) => { el.textContent = t('region'); }), netRegion),
    h('div', { class: 'field' }, L(h('label', { for: 'net-kind' }), (el) => { el.textContent = t('kind'); }), netKind),
    h('div', { class: 'field' }, L(h('label', { for: 'net-colour' }), (el) => { el.textContent = t('colourBy'); }), netColour)),
  netSummary,
  L(h('p', { class: 'muted note' }), (el) => { el.textContent = t('networkNote'); }),
  netCanvas, netLegend, netList);

const panelEl = h('aside', { id: 'panel', class: 'panel', hidden: true, 'aria-labelledby': 'panel-title' });
const main = h('main', { class: 'layout' }, h('div', { class: 'views' }, tabs, viewMap, viewNet), panelEl);
const footer = h('footer', {}, L(h('p'), (el) => { el.textContent = t('dataFrom'); }));
replace(app, header, main, footer);

const panel = new Panel(panelEl, {
  onOpen: (id) => {
    mapView.select(id);
    network.select(id, false);
    if (window.matchMedia('(max-width: 900px)').matches) panelEl.scrollIntoView({ block: 'start' });
  },
});
const mapView = new MapView(mapBox, { onSelect: (id) => panel.open(id) });
const network = new NetworkView({ canvas: netCanvas, list: netList, legend: netLegend, summary: netSummary }, { onSelect: (id) => panel.open(id) });

function showView(v) {
  state.view = v;
  tabMap.setAttribute('aria-selected', String(v === 'map'));
  tabNet.setAttribute('aria-selected', String(v === 'network'));
  tabMap.tabIndex = v === 'map' ? 0 : -1;
  tabNet.tabIndex = v === 'network' ? 0 : -1;
  viewMap.hidden = v !== 'map';
  viewNet.hidden = v !== 'network';
  if (v === 'network') {
    if (!state.networkLoaded) loadNetwork();
    else network.cy?.resize();
  }
}

function options(select, items, selected) {
  replace(select, items.map(([value, label]) => h('option', { value, selected: value === selected, text: label })));
}

function fillSelects() {
  options(callSelect, state.calls.map((c) => [c.id, `${c.name} (${c.code})`]), state.callId);
  options(measureSelect, ['projects', 'budget', 'partners'].map((m) => [m, t(m)]), state.measure);
  options(netCall, [['', t('allCalls')], ...state.calls.map((c) => [c.id, c.name])], netCall.value || state.callId);
  options(netRegion, [['', t('allRegions')], ...state.regions.map((r) => [r.id, r.name])], netRegion.value);
  options(netKind, [['', t('allKinds')], ...KINDS.map((k) => [k, kindLabel(k)])], netKind.value);
  options(netColour, [['community', t('community')], ['kind', t('kind')]], netColour.value || 'community');
}

async function loadNetwork() {
  state.networkLoaded = true;
  try {
    await network.load({ callId: netCall.value, regionId: netRegion.value, kind: netKind.value });
  } catch (err) {
    netSummary.textContent = `${t('error')}: ${err.message}`;
  }
}

// figures indexes the regions' summaries by region and call.
function figures(regions) {
  return new Map(regions.map((r) => [r.id, new Map(r.summary.map((f) => [f.call.id, f]))]));
}

function paintMap() {
  if (!state.figures) return;
  const values = new Map();
  const notes = new Map();
  for (const [rid, byCall] of state.figures) {
    const f = byCall.get(state.callId);
    if (!f) values.set(rid, 0);
    else if (state.measure === 'partners') values.set(rid, f.partners);
    else if (state.measure === 'projects') values.set(rid, f.projects);
    else if (f.projectsWithBudget === 0) values.set(rid, null); // projects, none with a stated budget
    else {
      values.set(rid, f.budgetEUR);
      if (f.projectsWithBudget < f.projects) notes.set(rid, t('budgetsKnown', f.projectsWithBudget, f.projects));
    }
  }
  mapView.setValues(state.measure, values, notes);
}

// Search: results as buttons that open the record.
let searchSeq = 0;
let searchTimer = 0;
function hitLabel(n) {
  const name = n.name || n.title || [n.date, n.decree].filter(Boolean).join(' ') || n.id;
  const extra = n.kind ? kindLabel(n.kind) : typeLabel(n.__typename);
  const where = n.region?.name || n.call?.name || '';
  return { name, extra: [extra, where].filter(Boolean).join(' · ') };
}
async function runSearch(openFirst) {
  const text = searchInput.value.trim();
  const seq = ++searchSeq;
  if (text.length < 2) {
    searchResults.hidden = true;
    replace(searchResults);
    return;
  }
  try {
    const { search } = await gql(SEARCH, { text });
    if (seq !== searchSeq) return;
    searchResults.hidden = false;
    if (search.length === 0) {
      replace(searchResults, h('li', { class: 'muted', text: t('noResults') }));
      return;
    }
    replace(searchResults, search.map(({ node }) => {
      const { name, extra } = hitLabel(node);
      return h('li', {}, h('button', {
        type: 'button', class: 'hit', 'data-id': node.id,
        onclick: () => { searchResults.hidden = true; panel.open(node.id); },
      }, h('span', { class: 'hit-name', text: name }), h('span', { class: 'muted', text: ` · ${extra}` })));
    }));
    if (openFirst && search.length) panel.open(search[0].node.id);
  } catch (err) {
    if (seq !== searchSeq) return;
    searchResults.hidden = false;
    replace(searchResults, h('li', { role: 'alert', text: `${t('error')}: ${err.message}` }));
  }
}
searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => runSearch(false), 200);
});
searchInput.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') { searchResults.hidden = true; }
  if (e.key === 'ArrowDown') { e.preventDefault(); searchResults.querySelector('button')?.focus(); }
});
searchResults.addEventListener('keydown', (e) => {
  const buttons = [...searchResults.querySelectorAll('button')];
  const i = buttons.indexOf(document.activeElement);
  if (e.key === 'ArrowDown' && i >= 0) { e.preventDefault(); buttons[Math.min(buttons.length - 1, i + 1)].focus(); }
  if (e.key === 'ArrowUp' && i >= 0) { e.preventDefault(); (i === 0 ? searchInput : buttons[i - 1]).focus(); }
  if (e.key === 'Escape') { searchResults.hidden = true; searchInput.focus(); }
});

function relabel() {
  document.title = t('title');
  langButtons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.lang === getLang())));
  labelled.forEach(([el, f]) => f(el));
  if (state.calls.length) fillSelects();
  mapView.paint();
  network.labels();
  panel.render();
  if (!searchResults.hidden && searchInput.value.trim().length >= 2) runSearch(false);
}

onLang(relabel);
setLang(initialLang());
showView('map');

async function boot() {
  try {
    const data = await gql(BOOT);
    state.calls = data.calls;
    state.regions = data.regions;
    state.callId = data.calls[data.calls.length - 1]?.id || '';
    fillSelects();
    mapView.setNames(data.regions);
    const fig = await gql(FIGURES);
    state.figures = figures(fig.regions);
    paintMap();
    document.body.dataset.ready = 'true';
    const id = decodeURIComponent(location.hash.slice(1));
    if (/^[a-z]+:[a-z0-9-]+$/.test(id)) panel.open(id, { focus: false });
  } catch (err) {
    mapBox.prepend(h('p', { role: 'alert', text: `${t('error')}: ${err.message}` }));
  }
}
boot();

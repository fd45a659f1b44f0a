// The record panel: a region's plans across the calls with their partners
// and roles, the lineage from earlier calls, and any record's details; every
// fact's sources open on demand.
import { gql, SOURCES } from './api.js';
import { h, replace } from './dom.js';
import { t, kindLabel, roleLabel, confidenceLabel, typeLabel, fmtEUR, fmtDate } from './i18n.js';

const PROJECT = `
  id title acronym description budgetEUR startDate endDate projectCode: code cup website confidence
  call { id name code startDate }
  region { id name }
  lead { id name }
  participants { role office confidence organization { id name kind } ${SOURCES} }
  capitalisesOn { id title call { id name } capitalisesOn { id title call { id name } } }
  ${SOURCES}`;

const RECORD = `query Record($id: ID!) {
  node(id: $id) {
    id __typename
    ... on Region { name nutsCode istatCode capital confidence ${SOURCES}
      projects { ${PROJECT} } }
    ... on Body { name kind typeLabel website confidence home: region { id name } ${SOURCES}
      facts { key value ${SOURCES} }
      participations { role confidence project { id title call { id name } region { id name } } ${SOURCES} }
      involvements { relation target { id __typename ... on Project { title } ... on Initiative { title } } ${SOURCES} } }
    ... on Project { ${PROJECT} }
    ... on Call { name title code description budgetEUR startDate endDate decree confidence ${SOURCES}
      projects { id title region { id name } }
      capitalisesOn { id name } }
    ... on Place { name description region { id name } confidence ${SOURCES}
      projects { id title } organizations { id name } }
    ... on Initiative { title description region { id name } confidence ${SOURCES} }
    ... on Fund { name period confidence ${SOURCES} }
    ... on Objective { name code budgetEUR confidence ${SOURCES} }
    ... on Action { title code description call { id name } confidence ${SOURCES} }
    ... on Amendment { date decree summary call { id name } confidence ${SOURCES} }
  }
}`;

const LINEAGE = `query Lineage($id: ID!) {
  lineage(of: $id, direction: BACKWARD, maxDepth: 5) {
    depth relation
    from { id ... on Project { title } ... on Call { name } }
    to { id ... on Project { title call { name } } ... on Call { name } }
    ${SOURCES}
  }
}`;

/** Panel shows one record at a time in its element. */
export class Panel {
  constructor(el, { onOpen } = {}) {
    this.el = el;
    this.onOpen = onOpen || (() => {});
    this.current = null;
    this.data = null;
  }

  /** open loads record id and shows it; the panel takes the focus. */
  async open(id, { focus = true } = {}) {
    this.current = id;
    this.el.hidden = false;
    this.el.setAttribute('aria-busy', 'true');
    replace(this.el, h('p', { class: 'muted', text: t('loading') }));
    try {
      const data = await gql(RECORD, { id });
      if (this.current !== id) return;
      this.data = data.node;
      this.render();
      history.replaceState(null, '', `#${encodeURIComponent(id)}`);
      this.onOpen(id);
      if (focus) this.el.querySelector('h2')?.focus();
    } catch (err) {
      if (this.current !== id) return;
      replace(this.el, this.closeButton(), h('p', { role: 'alert', text: `${t('error')}: ${err.message}` }));
    } finally {
      this.el.removeAttribute('aria-busy');
    }
  }

  /** render redraws the open record, e.g. after a language switch. */
  render() {
    const n = this.data;
    if (!n) return;
    const title = n.name || n.title || n.decree || n.id;
    const body = {
      Region: () => this.region(n),
      Body: () => this.body(n),
      Project: () => this.project(n, { heading: false }),
      Call: () => this.call(n),
    }[n.__typename];
    replace(
      this.el,
      this.closeButton(),
      h('p', { class: 'kicker', text: n.kind ? kindLabel(n.kind) : typeLabel(n.__typename) }),
      h('h2', { id: 'panel-title', tabindex: '-1', text: title }),
      body ? body() : this.generic(n),
    );
  }

  closeButton() {
    return h('button', {
      type: 'button', class: 'close', 'aria-label': t('close'), text: '×',
      onclick: () => { this.current = null; this.data = null; this.el.hidden = true; },
    });
  }

  link(id, label) {
    return h('a', { href: `#${encodeURIComponent(id)}`, 'data-id': id, onclick: (e) => { e.preventDefault(); this.open(id); }, text: label });
  }

  region(n) {
    const byCall = new Map();
    for (const p of n.projects) {
      if (!byCall.has(p.call.id)) byCall.set(p.call.id, { call: p.call, projects: [] });
      byCall.get(p.call.id).projects.push(p);
    }
    // Oldest call first: the lineage reads forwards.
    const groups = [...byCall.values()].sort((a, b) => (a.call.startDate || '').localeCompare(b.call.startDate || '') || a.call.name.localeCompare(b.call.name));
    return [
      dl([[t('nuts'), n.nutsCode], [t('istat'), n.istatCode], [t('capital'), n.capital]]),
      sources(n.sources),
      h('h3', { text: t('plans') }),
      byCall.size === 0 ? h('p', { text: t('noPlans') }) : null,
      groups.map(({ call, projects }) =>
        h('section', { class: 'call-group', 'aria-label': call.name },
          h('h4', {}, this.link(call.id, call.name)),
          projects.map((p) => this.project(p, { heading: true })))),
    ];
  }

  project(p, { heading }) {
    const period = [fmtDate(p.startDate), fmtDate(p.endDate)].filter(Boolean).join(' – ');
    return h('article', { class: 'project', 'data-project-id': p.id },
      heading ? h('h5', {}, this.link(p.id, p.acronym && !p.title.startsWith(p.acronym) ? `${p.acronym} — ${p.title}` : p.title)) : null,
      dl([
        [t('call'), p.call ? this.link(p.call.id, p.call.name) : null],
        !heading && p.region ? [t('regionOf'), this.link(p.region.id, p.region.name)] : null,
        [t('lead'), p.lead ? this.link(p.lead.id, p.lead.name) : null],
        [t('budget'), p.budgetEUR != null ? fmtEUR(p.budgetEUR) : null],
        [t('period'), period || null],
        [t('code'), [p.projectCode, p.cup].filter(Boolean).join(' · ') || null],
        [t('website'), p.website ? h('a', { href: p.website, rel: 'noopener noreferrer', text: p.website }) : null],
        [t('confidence'), confidenceLabel(p.confidence)],
      ]),
      !heading && p.description ? h('p', { text: p.description }) : null,
      sources(p.sources),
      h('h6', { text: `${t('participants')} (${p.participants.length})` }),
      h('ul', { class: 'participants' },
        p.participants.map((pa) => h('li', {},
          this.link(pa.organization.id, pa.organization.name),
          ' ', h('span', { class: `role role-${pa.role.toLowerCase()}`, text: roleLabel(pa.role) }),
          h('span', { class: 'muted', text: ` · ${kindLabel(pa.organization.kind)}` }),
          pa.office ? h('span', { class: 'muted', text: ` · ${pa.office}` }) : null,
          sources(pa.sources, true)))),
      this.lineage(p),
    );
  }

  lineage(p) {
    const chain = [];
    const walk = (q, depth) => (q.capitalisesOn || []).forEach((e) => { chain.push({ depth, p: e }); walk(e, depth + 1); });
    walk(p, 1);
    const list = h('ul', { class: 'lineage' },
      chain.map(({ depth, p: e }) => h('li', { style: undefined, 'data-depth': depth },
        '↳ '.repeat(depth), `${t('buildsOn')} `, this.link(e.id, e.title), e.call ? h('span', { class: 'muted', text: ` · ${e.call.name}` }) : null)));
    const details = h('details', { class: 'lineage-sources' }, h('summary', { text: t('sources') }));
    let loaded = false;
    details.addEventListener('toggle', async () => {
      if (!details.open || loaded) return;
      loaded = true;
      try {
        const { lineage } = await gql(LINEAGE, { id: p.id });
        details.append(h('ul', { class: 'sources' }, lineage.map((l) => h('li', {},
          h('p', { text: `${l.from.title || l.from.name || l.from.id} → ${l.relation} → ${l.to.title || l.to.name || l.to.id}` }),
          sourceList(l.sources)))));
      } catch (err) {
        details.append(h('p', { role: 'alert', text: `${t('error')}: ${err.message}` }));
      }
    });
    return h('section', { class: 'lineage-block' },
      h('h6', { text: t('lineage') }),
      chain.length ? [list, details] : h('p', { class: 'muted', text: t('noLineage') }));
  }

  body(n) {
    return [
      dl([
        [t('kind'), n.typeLabel ? `${kindLabel(n.kind)} · ${n.typeLabel}` : kindLabel(n.kind)],
        [t('regionOf'), n.home ? this.link(n.home.id, n.home.name) : null],
        [t('website'), n.website ? h('a', { href: n.website, rel: 'noopener noreferrer', text: n.website }) : null],
        [t('confidence'), confidenceLabel(n.confidence)],
      ]),
      sources(n.sources),
      h('h3', { text: `${t('participations')} (${n.participations.length})` }),
      h('ul', {}, n.participations.map((pa) => h('li', {},
        this.link(pa.project.id, pa.project.title), ' ',
        h('span', { class: `role role-${pa.role.toLowerCase()}`, text: roleLabel(pa.role) }),
        h('span', { class: 'muted', text: ` · ${pa.project.call.name} · ${pa.project.region.name}` }),
        sources(pa.sources, true)))),
      n.involvements.length ? [
        h('h3', { text: t('involvements') }),
        h('ul', {}, n.involvements.map((iv) => h('li', {},
          this.link(iv.target.id, iv.target.title || iv.target.id), h('span', { class: 'muted', text: ` · ${iv.relation}` }),
          sources(iv.sources, true)))),
      ] : null,
      n.facts.length ? [
        h('h3', { text: t('facts') }),
        h('ul', {}, n.facts.map((f) => h('li', {}, `${f.key}: ${f.value}`, sources(f.sources, true)))),
      ] : null,
    ];
  }

  call(n) {
    const period = [fmtDate(n.startDate), fmtDate(n.endDate)].filter(Boolean).join(' – ');
    return [
      h('p', { text: n.title }),
      dl([
        [t('code'), n.code], [t('decree'), n.decree], [t('budget'), n.budgetEUR != null ? fmtEUR(n.budgetEUR) : null],
        [t('period'), period || null], [t('confidence'), confidenceLabel(n.confidence)],
      ]),
      n.description ? h('p', { text: n.description }) : null,
      sources(n.sources),
      n.capitalisesOn.length ? [h('h3', { text: t('lineage') }), h('ul', {}, n.capitalisesOn.map((c) => h('li', {}, `${t('buildsOn')} `, this.link(c.id, c.name))))] : null,
      h('h3', { text: `${t('projects')} (${n.projects.length})` }),
      h('ul', {}, n.projects.map((p) => h('li', {}, this.link(p.id, p.title), h('span', { class: 'muted', text: ` · ${p.region.name}` })))),
    ];
  }

  generic(n) {
    return [
      dl([
        [t('code'), n.code], [t('decree'), n.decree], [t('period'), n.period], [t('call'), n.call ? this.link(n.call.id, n.call.name) : null],
        [t('regionOf'), n.region ? this.link(n.region.id, n.region.name) : null],
        [t('budget'), n.budgetEUR != null ? fmtEUR(n.budgetEUR) : null],
        [t('confidence'), n.confidence ? confidenceLabel(n.confidence) : null],
      ]),
      n.description || n.summary ? h('p', { text: n.description || n.summary }) : null,
      sources(n.sources || []),
      n.projects?.length ? [h('h3', { text: t('projects') }), h('ul', {}, n.projects.map((p) => h('li', {}, this.link(p.id, p.title))))] : null,
      n.organizations?.length ? [h('h3', { text: t('participants') }), h('ul', {}, n.organizations.map((o) => h('li', {}, this.link(o.id, o.name))))] : null,
    ];
  }
}

function dl(rows) {
  const items = rows.filter((r) => r && r[1] !== null && r[1] !== undefined && r[1] !== '');
  return h('dl', { class: 'facts' }, items.map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
}

/** sources is a disclosure with the citations, closed until asked for. */
function sources(list, compact = false) {
  if (!list || list.length === 0) return null;
  return h('details', { class: compact ? 'sources compact' : 'sources' },
    h('summary', { text: `${t('sources')} (${list.length})` }),
    sourceList(list));
}

function sourceList(list) {
  return h('ul', { class: 'source-list' }, list.map((s) => h('li', {},
    s.url ? h('a', { href: s.url, rel: 'noopener noreferrer', text: s.title }) : h('span', { text: s.title }),
    h('span', { class: 'muted', text: ` · ${t('confidence')}: ${confidenceLabel(s.confidence)}${s.field ? ` · ${t('field')}: ${s.field}` : ''}` }),
    s.quote ? h('blockquote', { text: s.quote }) : null,
    s.note ? h('p', { class: 'muted', text: s.note }) : null)));
}

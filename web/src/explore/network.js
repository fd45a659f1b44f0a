// The partnership network, drawn with Cytoscape.js: bodies linked when they
// take part in the same project; filters by call, region and kind (applied
// by the API, so that the communities are those of the filtered network);
// colours by community or kind; a list of the same bodies for keyboards and
// screen readers.
import cytoscape from 'cytoscape';
import { gql } from './api.js';
import { h, replace } from './dom.js';
import { t, kindLabel, fmtNumber } from './i18n.js';

export const KINDS = ['MINISTRY', 'REGION', 'AUTONOMOUS_PROVINCE', 'ATS', 'ATS_AGGREGATION', 'MUNICIPALITY', 'UNIVERSITY', 'PREFECTURE', 'SAI_LOCAL_BODY', 'SCHOOL', 'ANCI_CHAPTER', 'THIRD_SECTOR', 'OTHER'];

// One colour per kind (Okabe-Ito first, then Tableau), told apart on white.
export const KIND_COLOURS = {
  MINISTRY: '#1f3a93', REGION: '#e69f00', AUTONOMOUS_PROVINCE: '#9a6a00', ATS: '#cc79a7', ATS_AGGREGATION: '#d55e00',
  MUNICIPALITY: '#56b4e9', UNIVERSITY: '#6a3d9a', PREFECTURE: '#8c564b', SAI_LOCAL_BODY: '#17becf', SCHOOL: '#bcbd22',
  ANCI_CHAPTER: '#009e73', THIRD_SECTOR: '#0072b2', OTHER: '#7f7f7f',
};

// Community colours: the largest communities get their own; the rest share grey.
const COMMUNITY_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#d55e00', '#56b4e9', '#6a3d9a', '#8c564b', '#bcbd22', '#17becf', '#1f3a93', '#9a6a00'];
const OTHER_COMMUNITIES = '#b0b0b0';

const NETWORK = `query Network($callIds: [ID!], $regionIds: [ID!], $kinds: [OrganizationKind!]) {
  partnershipNetwork(callIds: $callIds, regionIds: $regionIds, kinds: $kinds) {
    nodes { organization { id name kind region { id name } } degree projects community }
    edges { source target weight }
    communities { id size }
    modularity algorithm
  }
}`;

/** NetworkView draws the network into its elements and calls onSelect(id). */
export class NetworkView {
  constructor({ canvas, list, legend, summary }, { onSelect }) {
    this.canvasEl = canvas;
    this.listEl = list;
    this.legendEl = legend;
    this.summaryEl = summary;
    this.onSelect = onSelect;
    this.cy = null;
    this.data = null;
    this.filter = { callId: '', regionId: '', kind: '' };
    this.colourBy = 'community';
    this.seq = 0;
  }

  /** load fetches the network for the filter and draws it. */
  async load(filter) {
    this.filter = { ...this.filter, ...filter };
    const seq = ++this.seq;
    this.summaryEl.textContent = t('loading');
    const vars = {
      callIds: this.filter.callId ? [this.filter.callId] : null,
      regionIds: this.filter.regionId ? [this.filter.regionId] : null,
      kinds: this.filter.kind ? [this.filter.kind] : null,
    };
    const { partnershipNetwork: net } = await gql(NETWORK, vars);
    if (seq !== this.seq) return;
    // Communities come largest first: the first ones get their own colour.
    const rank = new Map(net.communities.map((c, i) => [c.id, i]));
    this.data = { ...net, rank };
    this.draw();
    this.labels();
  }

  /** setColourBy colours the nodes by "community" or "kind". */
  setColourBy(by) {
    this.colourBy = by === 'kind' ? 'kind' : 'community';
    if (!this.cy) return;
    this.cy.nodes().forEach((el) => { el.data('colour', this.colour(el.data('node'))); });
    this.labels();
  }

  communityColour(id) {
    const i = this.data.rank.get(id);
    return i !== undefined && i < COMMUNITY_COLOURS.length ? COMMUNITY_COLOURS[i] : OTHER_COMMUNITIES;
  }

  colour(n) {
    if (this.colourBy === 'community') return this.communityColour(n.community);
    return KIND_COLOURS[n.organization.kind] || KIND_COLOURS.OTHER;
  }

  draw() {
    const { nodes, edges } = this.data;
    const maxDeg = Math.max(1, ...nodes.map((n) => n.degree));
    const elements = [
      ...nodes.map((n) => ({
        data: {
          id: n.organization.id, label: n.organization.name, colour: this.colour(n), node: n,
          size: 12 + 28 * Math.sqrt(n.degree / maxDeg),
        },
      })),
      ...edges.map((e) => ({ data: { id: `${e.source}|${e.target}`, source: e.source, target: e.target, weight: e.weight } })),
    ];
    if (this.cy) this.cy.destroy();
    this.cy = cytoscape({
      container: this.canvasEl,
      elements,
      minZoom: 0.2,
      maxZoom: 4,
      style: [
        { selector: 'node', style: { 'background-color': 'data(colour)', width: 'data(size)', height: 'data(size)', 'border-width': 1, 'border-color': '#ffffff' } },
        { selector: 'node.hub, node:selected', style: { label: 'data(label)', 'font-size': 10, color: '#1a1a1a', 'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-background-padding': 2, 'text-valign': 'top', 'text-margin-y': -3, 'text-wrap': 'ellipsis', 'text-max-width': 160, 'min-zoomed-font-size': 7 } },
        { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#1a1a1a' } },
        { selector: 'edge', style: { width: 'mapData(weight, 1, 5, 0.6, 4)', 'line-color': '#9aa4ad', opacity: 0.55, 'curve-style': 'haystack' } },
        { selector: 'edge.near', style: { 'line-color': '#1a1a1a', opacity: 0.9 } },
      ],
      layout: { name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 60, numIter: 1500, fit: false },
    });
    // Label the best-connected bodies (the rest on selection), then fit
    // the drawing, labels included, to the frame, and again whenever the
    // frame changes size (the panel opening beside it, a rotated phone).
    const hubs = [...nodes].sort((a, b) => b.degree - a.degree).slice(0, 5).map((n) => n.organization.id);
    hubs.forEach((id) => this.cy.getElementById(id).addClass('hub'));
    this.cy.fit(undefined, 24);
    if (!this.resizer && typeof ResizeObserver !== 'undefined') {
      let last = '';
      this.resizer = new ResizeObserver(([entry]) => {
        const size = `${Math.round(entry.contentRect.width)}x${Math.round(entry.contentRect.height)}`;
        if (size === last || !this.cy || entry.contentRect.width === 0) return;
        last = size;
        this.cy.resize();
        this.cy.fit(undefined, 24);
      });
      this.resizer.observe(this.canvasEl);
    }
    this.cy.on('tap', 'node', (e) => this.select(e.target.id(), true));
  }

  /** select highlights a body and its links; notify opens its record. */
  select(id, notify) {
    if (!this.cy) return;
    this.cy.elements().unselect();
    this.cy.edges().removeClass('near');
    const n = this.cy.getElementById(id);
    if (n.nonempty()) {
      n.select();
      n.connectedEdges().addClass('near');
    }
    if (notify) this.onSelect(id);
  }

  /** nodeCount is the number of bodies drawn. */
  nodeCount() {
    return this.cy ? this.cy.nodes().length : 0;
  }

  /** labels redraws the texts (summary, legend, list) in the current language. */
  labels() {
    if (!this.data) return;
    const { nodes, edges } = this.data;
    this.summaryEl.textContent = t('networkSummary', fmtNumber(nodes.length), fmtNumber(edges.length));
    this.canvasEl.setAttribute('aria-label', t('networkLabel', nodes.length, edges.length));
    let items;
    if (this.colourBy === 'community') {
      const { communities } = this.data;
      items = communities.slice(0, COMMUNITY_COLOURS.length).map((c, i) => [COMMUNITY_COLOURS[i], t('communityItem', i + 1, c.size)]);
      if (communities.length > COMMUNITY_COLOURS.length) {
        const rest = communities.slice(COMMUNITY_COLOURS.length);
        items.push([OTHER_COMMUNITIES, t('otherCommunities', rest.length, rest.reduce((a, c) => a + c.size, 0))]);
      }
    } else {
      items = KINDS.filter((k) => nodes.some((n) => n.organization.kind === k)).map((k) => [KIND_COLOURS[k], kindLabel(k)]);
    }
    replace(this.legendEl,
      h('span', { class: 'legend-title', text: `${t('legend')}: ${t(this.colourBy)}` }),
      this.colourBy === 'community' ? h('span', { class: 'muted', text: ` · ${t('modularity')} ${this.data.modularity.toFixed(2)} (${this.data.algorithm})` }) : null,
      h('ul', {}, items.map(([col, text]) => h('li', {}, h('span', { class: 'swatch', 'data-color': col, 'aria-hidden': 'true' }), text))));
    this.legendEl.querySelectorAll('.swatch').forEach((s) => { s.style.background = s.dataset.color; });
    const sorted = [...nodes].sort((a, b) => b.degree - a.degree || a.organization.name.localeCompare(b.organization.name));
    replace(this.listEl,
      h('h3', { id: 'network-list-title', text: t('networkList') }),
      h('ol', { 'aria-labelledby': 'network-list-title' }, sorted.map((n) => h('li', {},
        h('button', { type: 'button', class: 'linklike', 'data-id': n.organization.id, onclick: () => this.select(n.organization.id, true), text: n.organization.name }),
        h('span', { class: 'muted', text: ` · ${kindLabel(n.organization.kind)} · ${fmtNumber(n.degree)} ${t('degree')} · ${t('communityShort', (this.data.rank.get(n.community) ?? 0) + 1)}` })))));
  }
}

// The map: 21 areas (19 regions, 2 autonomous provinces), each a focusable
// button carrying data-region-id, coloured by a measure for a call.
import italy from '../generated/italy-map.json';
import { h, replace } from './dom.js';
import { t, fmtNumber, fmtEUR } from './i18n.js';

// ColorBrewer "Blues" (5 classes); zero has its own light grey.
const SCALE = ['#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
const ZERO = '#eeeeee';
// Projects whose budget no source states.
const UNKNOWN = '#d8c8a8';

/** MapView draws the map into el and calls onSelect(regionId) on click or Enter. */
export class MapView {
  constructor(el, { onSelect }) {
    this.el = el;
    this.onSelect = onSelect;
    this.names = new Map();
    this.values = new Map();
    this.notes = new Map();
    this.measure = 'projects';
    this.paths = new Map();
    this.build();
  }

  build() {
    this.title = h('title', { id: 'map-title' });
    this.desc = h('desc', { id: 'map-desc' });
    this.svg = h('svg', {
      viewBox: `0 0 ${italy.width} ${italy.height}`, class: 'italy', role: 'group',
      'aria-labelledby': 'map-title', 'aria-describedby': 'map-desc',
    }, this.title, this.desc);
    for (const a of italy.areas) {
      const tip = h('title');
      const p = h('path', {
        d: a.d, class: 'area', tabindex: '0', role: 'button', 'data-region-id': a.id,
        onclick: () => this.onSelect(a.id),
        onkeydown: (e) => {
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.onSelect(a.id); }
        },
      }, tip);
      this.paths.set(a.id, { p, tip });
      this.svg.append(p);
    }
    this.legend = h('div', { class: 'legend', 'aria-live': 'polite' });
    this.attribution = h('p', { class: 'attribution' });
    replace(this.el, this.svg, this.legend, this.attribution);
  }

  /** setNames gives each area its region's name (from the API). */
  setNames(regions) {
    for (const r of regions) this.names.set(r.id, r.name);
    this.paint();
  }

  /** setValues colours the areas: values maps region id to a number. */
  setValues(measure, values, notes = new Map()) {
    this.measure = measure;
    this.values = values;
    this.notes = notes;
    this.paint();
  }

  /** select marks the open region. */
  select(id) {
    for (const [rid, { p }] of this.paths) p.classList.toggle('selected', rid === id);
  }

  format(v) {
    return this.measure === 'budget' ? fmtEUR(v) : fmtNumber(v);
  }

  /** classes returns a class index per value (-1 for none) and the legend's steps. */
  classes() {
    const vals = [...this.values.values()].filter((v) => v !== null && v > 0);
    const distinct = [...new Set(vals)].sort((a, b) => a - b);
    if (distinct.length <= SCALE.length) {
      // Few values: one class each, spread over the scale.
      const idx = new Map(distinct.map((v, i) => [v, distinct.length === 1 ? SCALE.length - 1 : Math.round((i * (SCALE.length - 1)) / (distinct.length - 1))]));
      return { of: (v) => idx.get(v) ?? -1, steps: distinct.map((v) => ({ col: SCALE[idx.get(v)], text: this.format(v) })) };
    }
    // Many values: equal intervals up to the largest.
    const max = distinct[distinct.length - 1];
    const bound = (i) => (max * i) / SCALE.length;
    const of = (v) => (v > 0 ? Math.min(SCALE.length - 1, Math.ceil(v / bound(1)) - 1) : -1);
    const integral = this.measure !== 'budget';
    const steps = SCALE.map((col, i) => {
      const lo = integral ? Math.floor(bound(i)) + 1 : bound(i);
      const hi = integral ? Math.floor(bound(i + 1)) : bound(i + 1);
      return { col, text: lo >= hi ? this.format(hi) : `${this.format(lo)} – ${this.format(hi)}` };
    });
    return { of, steps };
  }

  paint() {
    const { of, steps } = this.classes();
    const measureLabel = t(this.measure).toLowerCase();
    for (const [id, { p, tip }] of this.paths) {
      const v = this.values.has(id) ? this.values.get(id) : 0;
      const c = v === null ? -1 : of(v);
      p.setAttribute('fill', v === null ? UNKNOWN : c < 0 ? ZERO : SCALE[c]);
      p.setAttribute('data-value', v === null ? '' : String(v));
      let text = v === null ? t('budgetUnknown') : this.measure === 'budget' ? this.format(v) : `${this.format(v)} ${measureLabel}`;
      if (this.notes.has(id)) text += ` (${this.notes.get(id)})`;
      const label = t('areaLabel', this.names.get(id) || id, text);
      p.setAttribute('aria-label', label);
      tip.textContent = label;
    }
    this.title.textContent = t('mapTitle');
    this.desc.textContent = t('mapDesc');
    replace(this.legend,
      h('span', { class: 'legend-title', text: `${t('legend')}: ${t(this.measure)}` }),
      h('ul', {},
        h('li', {}, h('span', { class: 'swatch', 'data-color': ZERO, 'aria-hidden': 'true' }), t('noData')),
        [...this.values.values()].includes(null) ? h('li', {}, h('span', { class: 'swatch', 'data-color': UNKNOWN, 'aria-hidden': 'true' }), t('budgetUnknown')) : null,
        steps.map((s) => h('li', {}, h('span', { class: 'swatch', 'data-color': s.col, 'aria-hidden': 'true' }), s.text))));
    // Swatch colours through CSSOM, which the page's CSP allows.
    this.legend.querySelectorAll('.swatch').forEach((s) => { s.style.background = s.dataset.color; });
    this.attribution.textContent = t('attribution');
  }
}

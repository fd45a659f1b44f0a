// Builds the explorer's map of Italy: 21 SVG paths, one per region and one
// per autonomous province, from the province boundaries in
// data/limits_IT_provinces.topo.json (ISTAT, via Openpolis, CC BY; see
// data/README.md). The output, src/generated/italy-map.json, is a pure
// function of that file: the same input gives the same bytes.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { merge } from 'topojson-client';
import { presimplify, simplify } from 'topojson-simplify';
import { geoConicConformal, geoPath } from 'd3-geo';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// Simplified to the map's scale (planar area threshold in square degrees):
// a few tenths of a pixel at this size, about 60 KB of paths.
const topo = simplify(presimplify(JSON.parse(readFileSync(join(root, 'data/limits_IT_provinces.topo.json'), 'utf8'))), 1e-4);
const provinces = topo.objects.provinces.geometries;

// famigraph's region ids by ISTAT region code; region 04 (Trentino-Alto
// Adige/Südtirol) is split into its autonomous provinces by ISTAT province code.
const byRegion = {
  '01': 'region:piemonte', '02': 'region:valle-d-aosta', '03': 'region:lombardia',
  '05': 'region:veneto', '06': 'region:friuli-venezia-giulia', '07': 'region:liguria',
  '08': 'region:emilia-romagna', '09': 'region:toscana', '10': 'region:umbria',
  '11': 'region:marche', '12': 'region:lazio', '13': 'region:abruzzo', '14': 'region:molise',
  '15': 'region:campania', '16': 'region:puglia', '17': 'region:basilicata',
  '18': 'region:calabria', '19': 'region:sicilia', '20': 'region:sardegna',
};
const byProvince = { '021': 'region:bolzano', '022': 'region:trento' };

const groups = new Map();
for (const g of provinces) {
  const p = g.properties;
  const id = p.reg_istat_code === '04' ? byProvince[p.prov_istat_code] : byRegion[p.reg_istat_code];
  if (!id) throw new Error(`no region id for province ${p.prov_istat_code} of region ${p.reg_istat_code}`);
  if (!groups.has(id)) groups.set(id, []);
  groups.get(id).push(g);
}
if (groups.size !== 21) throw new Error(`expected 21 areas, got ${groups.size}`);

const width = 600;
const height = 720;
const features = [...groups].map(([id, geoms]) => ({ type: 'Feature', id, properties: {}, geometry: merge(topo, geoms) }));
const projection = geoConicConformal().parallels([38, 46]).rotate([-12.5, 0])
  .fitExtent([[8, 8], [width - 8, height - 8]], { type: 'FeatureCollection', features });
const path = geoPath(projection).digits(1);

const areas = features
  .map((f) => {
    const [x, y] = path.centroid(f);
    return { id: f.id, d: path(f), cx: Math.round(x), cy: Math.round(y) };
  })
  .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

mkdirSync(join(root, 'src/generated'), { recursive: true });
writeFileSync(join(root, 'src/generated/italy-map.json'), JSON.stringify({ width, height, areas }) + '\n');
console.log(`italy-map: ${areas.length} areas, ${areas.reduce((n, a) => n + a.d.length, 0)} bytes of paths`);

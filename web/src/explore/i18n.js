// Interface labels in Italian and English. The data's own labels (names,
// titles, quotes) are in Italian, as the sources write them.

const dict = {
  it: {
    title: 'famigraph · esplora',
    subtitle: 'La rete FAMI per l’integrazione dei migranti',
    graphiql: 'GraphiQL (API)',
    search: 'Cerca',
    searchPlaceholder: 'Comune, progetto, avviso…',
    searchResults: 'Risultati della ricerca',
    noResults: 'Nessun risultato',
    language: 'Lingua',
    views: 'Viste',
    map: 'Mappa',
    network: 'Rete',
    call: 'Avviso',
    allCalls: 'Tutti gli avvisi',
    measure: 'Misura',
    projects: 'Progetti',
    budget: 'Budget (EUR)',
    partners: 'Partner',
    mapTitle: 'Mappa delle regioni e province autonome',
    mapDesc: 'Ogni area è un pulsante: Invio o clic apre il pannello della regione.',
    legend: 'Legenda',
    noData: 'nessuno',
    attribution: 'Confini: © ISTAT (CC BY), elaborazione Openpolis geojson-italy (CC BY 4.0).',
    region: 'Regione',
    allRegions: 'Tutte le regioni',
    kind: 'Tipo',
    allKinds: 'Tutti i tipi',
    colourBy: 'Colori per',
    community: 'Comunità',
    networkSummary: (n, e) => `${n} enti, ${e} collegamenti`,
    networkLabel: (n, e) => `Rete dei partenariati: ${n} enti e ${e} collegamenti. L’elenco qui sotto contiene gli stessi enti.`,
    networkList: 'Enti della rete, per numero di partner',
    degree: 'partner',
    close: 'Chiudi',
    loading: 'Caricamento…',
    error: 'Errore',
    plans: 'Piani e progetti per avviso',
    noPlans: 'Nessun progetto registrato.',
    lead: 'Capofila',
    participants: 'Partecipanti',
    lineage: 'Continuità dagli avvisi precedenti',
    noLineage: 'Nessun legame registrato con avvisi precedenti.',
    buildsOn: 'capitalizza',
    sources: 'Fonti',
    facts: 'Altri fatti',
    confidence: 'Affidabilità',
    participations: 'Partecipazioni',
    involvements: 'Altri coinvolgimenti',
    period: 'Periodo',
    code: 'Codice',
    website: 'Sito',
    nuts: 'Codice NUTS',
    istat: 'Codice ISTAT',
    capital: 'Capoluogo',
    regionOf: 'Regione',
    description: 'Descrizione',
    regions: 'Regioni',
    calls: 'Avvisi',
    decree: 'Decreto',
    open: 'Apri',
    field: 'campo',
    quote: 'citazione',
    record: 'Scheda',
    mapNote: 'Seleziona un’area per la sua scheda.',
    networkNote: 'Seleziona un nodo per la sua scheda.',
    dataFrom: 'Dati: famigraph, ogni fatto con la sua fonte.',
    areaLabel: (name, value) => `${name}: ${value}`,
    budgetUnknown: 'budget non indicato dalle fonti',
    communityItem: (i, n) => `comunità ${i} (${n} enti)`,
    otherCommunities: (k, n) => `altre ${k} comunità (${n} enti)`,
    communityShort: (i) => `comunità ${i}`,
    modularity: 'modularità',
    budgetsKnown: (k, n) => `budget noto per ${k} progetti su ${n}`,
  },
  en: {
    title: 'famigraph · explorer',
    subtitle: 'Italy’s FAMI network for the integration of migrants',
    graphiql: 'GraphiQL (API)',
    search: 'Search',
    searchPlaceholder: 'Municipality, project, call…',
    searchResults: 'Search results',
    noResults: 'No results',
    language: 'Language',
    views: 'Views',
    map: 'Map',
    network: 'Network',
    call: 'Call',
    allCalls: 'All calls',
    measure: 'Measure',
    projects: 'Projects',
    budget: 'Budget (EUR)',
    partners: 'Partners',
    mapTitle: 'Map of the regions and autonomous provinces',
    mapDesc: 'Each area is a button: Enter or click opens the region’s panel.',
    legend: 'Legend',
    noData: 'none',
    attribution: 'Boundaries: © ISTAT (CC BY), processed by Openpolis geojson-italy (CC BY 4.0).',
    region: 'Region',
    allRegions: 'All regions',
    kind: 'Kind',
    allKinds: 'All kinds',
    colourBy: 'Colour by',
    community: 'Community',
    networkSummary: (n, e) => `${n} organizations, ${e} links`,
    networkLabel: (n, e) => `Partnership network: ${n} organizations and ${e} links. The list below holds the same organizations.`,
    networkList: 'Organizations in the network, by number of partners',
    degree: 'partners',
    close: 'Close',
    loading: 'Loading…',
    error: 'Error',
    plans: 'Plans and projects by call',
    noPlans: 'No project recorded.',
    lead: 'Lead',
    participants: 'Participants',
    lineage: 'Lineage from earlier calls',
    noLineage: 'No link to earlier calls recorded.',
    buildsOn: 'builds on',
    sources: 'Sources',
    facts: 'Other facts',
    confidence: 'Confidence',
    participations: 'Participations',
    involvements: 'Other involvements',
    period: 'Period',
    code: 'Code',
    website: 'Website',
    nuts: 'NUTS code',
    istat: 'ISTAT code',
    capital: 'Capital',
    regionOf: 'Region',
    description: 'Description',
    regions: 'Regions',
    calls: 'Calls',
    decree: 'Decree',
    open: 'Open',
    field: 'field',
    quote: 'quote',
    record: 'Record',
    mapNote: 'Select an area for its record.',
    networkNote: 'Select a node for its record.',
    dataFrom: 'Data: famigraph, every fact with its source.',
    areaLabel: (name, value) => `${name}: ${value}`,
    budgetUnknown: 'budget not stated by the sources',
    communityItem: (i, n) => `community ${i} (${n} organizations)`,
    otherCommunities: (k, n) => `${k} other communities (${n} organizations)`,
    communityShort: (i) => `community ${i}`,
    modularity: 'modularity',
    budgetsKnown: (k, n) => `budget known for ${k} of ${n} projects`,
  },
};

const kinds = {
  it: {
    MINISTRY: 'Ministero', REGION: 'Regione', AUTONOMOUS_PROVINCE: 'Provincia autonoma', ATS: 'Ambito territoriale sociale',
    ATS_AGGREGATION: 'Aggregazione di ATS', MUNICIPALITY: 'Comune', UNIVERSITY: 'Università', PREFECTURE: 'Prefettura',
    SAI_LOCAL_BODY: 'Ente locale SAI', SCHOOL: 'Scuola', ANCI_CHAPTER: 'ANCI regionale', THIRD_SECTOR: 'Terzo settore', OTHER: 'Altro',
  },
  en: {
    MINISTRY: 'Ministry', REGION: 'Region', AUTONOMOUS_PROVINCE: 'Autonomous province', ATS: 'Social district (ATS)',
    ATS_AGGREGATION: 'ATS aggregation', MUNICIPALITY: 'Municipality', UNIVERSITY: 'University', PREFECTURE: 'Prefecture',
    SAI_LOCAL_BODY: 'SAI local body', SCHOOL: 'School', ANCI_CHAPTER: 'Regional ANCI', THIRD_SECTOR: 'Third sector', OTHER: 'Other',
  },
};

const roles = {
  it: { LEAD: 'capofila', PARTNER: 'partner', ADHERENT: 'aderente' },
  en: { LEAD: 'lead', PARTNER: 'partner', ADHERENT: 'adherent' },
};

const confidences = {
  it: { HIGH: 'alta', MEDIUM: 'media', LOW: 'bassa' },
  en: { HIGH: 'high', MEDIUM: 'medium', LOW: 'low' },
};

const types = {
  it: { Region: 'Regione', Body: 'Ente', Project: 'Progetto', Call: 'Avviso', Fund: 'Fondo', Objective: 'Obiettivo', Action: 'Azione', Amendment: 'Modifica', Place: 'Luogo', Initiative: 'Iniziativa' },
  en: { Region: 'Region', Body: 'Body', Project: 'Project', Call: 'Call', Fund: 'Fund', Objective: 'Objective', Action: 'Action', Amendment: 'Amendment', Place: 'Place', Initiative: 'Initiative' },
};

let lang = 'en';
const listeners = [];

/** getLang is the current language, "it" or "en". */
export const getLang = () => lang;

/** setLang switches the language and tells every listener. */
export function setLang(l) {
  lang = l === 'it' ? 'it' : 'en';
  document.documentElement.lang = lang;
  try {
    localStorage.setItem('famigraph.lang', lang);
  } catch {
    /* storage may be off */
  }
  listeners.forEach((f) => f(lang));
}

/** onLang registers f to run after every switch. */
export const onLang = (f) => listeners.push(f);

/** initialLang is the saved choice, else the browser's language. */
export function initialLang() {
  let saved = null;
  try {
    saved = localStorage.getItem('famigraph.lang');
  } catch {
    /* storage may be off */
  }
  if (saved === 'it' || saved === 'en') return saved;
  return (navigator.language || 'en').toLowerCase().startsWith('it') ? 'it' : 'en';
}

/** t is the label of key in the current language; functions take args. */
export function t(key, ...args) {
  const v = dict[lang][key] ?? dict.en[key] ?? key;
  return typeof v === 'function' ? v(...args) : v;
}

export const kindLabel = (k) => kinds[lang][k] ?? k;
export const roleLabel = (r) => roles[lang][r] ?? r;
export const confidenceLabel = (c) => confidences[lang][c] ?? c;
export const typeLabel = (tn) => types[lang][tn] ?? tn;

/** fmtNumber formats a number for the current language. */
export const fmtNumber = (n) => new Intl.NumberFormat(lang === 'it' ? 'it-IT' : 'en-GB').format(n);

/** fmtEUR formats an amount in euros. */
export const fmtEUR = (n) =>
  new Intl.NumberFormat(lang === 'it' ? 'it-IT' : 'en-GB', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(n);

/** fmtDate formats an ISO date (YYYY-MM-DD) without time zones. */
export function fmtDate(d) {
  if (!d) return '';
  const [y, m, day] = d.split('-').map(Number);
  return new Intl.DateTimeFormat(lang === 'it' ? 'it-IT' : 'en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, day));
}

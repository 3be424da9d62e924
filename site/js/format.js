// French wording of codes and values shown to people.

export const CONTRACT_LABELS = {
  cdi: 'CDI',
  cdd: 'CDD',
  interim: 'Intérim',
  alternance: 'Alternance',
};

export function contractLabel(code) {
  return CONTRACT_LABELS[code] || String(code ?? '');
}

const DATE_FORMAT = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
});
const PARIS_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit',
});

/** The Paris day of a moment as YYYY-MM-DD (the service's "today" is Paris's, as the API's). */
export function parisDay(moment = new Date()) {
  const parts = PARIS_DAY.formatToParts(moment);
  const part = (type) => parts.find((item) => item.type === type).value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Today's date in Paris as YYYY-MM-DD (the API's "today" for start and expiry dates). */
export function todayInParis() {
  return parisDay(new Date());
}

/**
 * "2025-03-01" → "1er mars 2025"; a timestamp ("2025-03-01T23:30:00Z") is shown on its Paris day
 * (2 mars here); anything else is returned as is.
 */
export function formatDate(value) {
  const text = String(value ?? '');
  let day = text;
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text))) {
    day = parisDay(new Date(text));
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!match) {
    return text;
  }
  const [, year, month, date] = match.map(Number);
  const shown = DATE_FORMAT.format(new Date(Date.UTC(year, month - 1, date)));
  return date === 1 ? shown.replace(/^1 /, '1er ') : shown; // « 1er mars », as written in French
}

/** "1 poste", "3 postes". */
export function plural(count, singular, pluralForm = `${singular}s`) {
  return `${count} ${count > 1 ? pluralForm : singular}`;
}

/** The postal code to show for a commune: the one typed if it is one of them, else the first. */
export function postalCode(commune, query = '') {
  const codes = Array.isArray(commune.postal_codes) ? commune.postal_codes : [];
  const typed = String(query).trim();
  return codes.includes(typed) ? typed : codes[0] || '';
}

/** "Metz (57000)". */
export function communeName(commune, query = '') {
  const code = postalCode(commune, query);
  return code ? `${commune.name} (${code})` : String(commune.name ?? '');
}

/** "Metz (57000) — bassin de Metz". */
export function communeLabel(commune, query = '') {
  const bassin = commune.bassin && commune.bassin.label;
  return bassin ? `${communeName(commune, query)} — bassin de ${bassin}` : communeName(commune, query);
}

/** "Boulanger / Boulangère (D1102)"; with an appellation, the appellation first. */
export function metierLabel(metier) {
  const label = metier.appellation || metier.label || '';
  return `${label} (${metier.code_rome})`;
}

export const KIND_ORDER = ['savoir_faire', 'macro_savoir_faire', 'savoir', 'savoir_etre', 'macro_savoir_etre_professionnel', 'savoir_etre_professionnel', 'contexte_travail'];

const KIND_LABELS = {
  savoir_faire: 'Savoir-faire',
  macro_savoir_faire: 'Savoir-faire',
  savoir: 'Savoirs',
  savoir_etre: 'Savoir-être professionnels',
  savoir_etre_professionnel: 'Savoir-être professionnels',
  macro_savoir_etre_professionnel: 'Savoir-être professionnels',
  contexte_travail: 'Contextes de travail',
};

/** Competence kinds as the ROME names them, whatever the separator or case. */
export function normaliseKind(kind) {
  return String(kind ?? '').toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z]+/g, '_');
}

export function kindRank(kind) {
  const index = KIND_ORDER.indexOf(normaliseKind(kind));
  return index === -1 ? KIND_ORDER.length : index;
}

export function kindLabel(kind) {
  return KIND_LABELS[normaliseKind(kind)] || 'Autres compétences';
}

/** Lower-case, accent-free text for filtering. */
export function searchable(text) {
  return String(text ?? '').toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** A phone number as stored (+33612345678) as people read it: 06 12 34 56 78. */
export function formatPhone(phone) {
  const national = /^\+33[1-9]\d{8}$/.test(phone) ? `0${phone.slice(3)}` : phone;
  return national.replace(/^(0\d)(\d{2})(\d{2})(\d{2})(\d{2})$/, '$1 $2 $3 $4 $5');
}

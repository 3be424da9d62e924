// Helpers shared by the staff pages (agent/*.html): access, bassins, French numbers and dates,
// background jobs (exports, matching runs) followed by polling.

import { apiGet, apiPost, listItems } from '../api.js';
import { clearErrors, showErrors } from '../forms.js';
import { formatDate } from '../format.js';
import { DATE_SHAPE, showAccessProblem } from './employeur-common.js';

export { idempotencyKeys } from './employeur-common.js';

const NUMBER = new Intl.NumberFormat('fr-FR');
const PERCENT = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 0, maximumFractionDigits: 1 });
const TIME = new Intl.DateTimeFormat('fr-FR', { hour: 'numeric', minute: '2-digit', timeZone: 'Europe/Paris' });
const SHORT_DATE = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeZone: 'Europe/Paris' });
const DAY_IN_PARIS = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Europe/Paris',
});

/** "12 345"; "—" when the value is missing. */
export function formatNumber(value) {
  const number = Number(value);
  return value === null || value === undefined || value === '' || !Number.isFinite(number) ? '—' : NUMBER.format(number);
}

/** "35,2 %" from a percentage (0–100); "—" when missing. */
export function formatPercent(value) {
  return value === null || value === undefined || !Number.isFinite(Number(value)) ? '—' : `${PERCENT.format(Number(value))} %`;
}

/** "10 h 05" (Paris time) for an ISO timestamp. */
export function formatTime(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : TIME.format(date).replace(':', ' h ');
}

/** "1er mars 2025 à 10 h 05" (Paris time) for an ISO timestamp; a bare date stays a date. */
export function formatDateTime(value) {
  const text = String(value ?? '');
  if (!text.includes('T')) {
    return formatDate(text);
  }
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    return text;
  }
  return `${formatDate(DAY_IN_PARIS.format(date))} à ${formatTime(date)}`;
}

/** "29/11/2026, 7 h 05" (Paris time): compact, for tables. */
export function formatDateTimeShort(value) {
  const date = new Date(String(value ?? ''));
  if (Number.isNaN(date.getTime())) {
    return String(value ?? '');
  }
  return String(value).includes('T') ? `${SHORT_DATE.format(date)}, ${formatTime(date)}` : SHORT_DATE.format(date);
}

/** Show #signed-out or #forbidden instead of #space for a 401 or 403; true when it did. */
export function accessProblem(status) {
  return showAccessProblem(status, document.getElementById('space'));
}

/** The page is usable: hide the loading line, show the page, offer to sign out. */
export function showSpace() {
  document.getElementById('loading').hidden = true;
  document.getElementById('space').hidden = false;
  document.getElementById('logout').hidden = false;
}

document.getElementById('logout').addEventListener('click', async () => {
  await apiPost('/api/auth/logout', {});
  window.location.assign('/connexion.html?deconnexion=1');
});

/** Fill a <select> with the bassins d'emploi (alphabetical); returns code → label. */
export async function loadBassins(select) {
  const labels = new Map();
  const result = await apiGet('/api/referentials/bassins');
  if (result.status !== 200) {
    return labels; // « Toute la région » stays the only choice
  }
  const bassins = listItems(result.body)
    .filter((bassin) => bassin && bassin.code !== undefined)
    .sort((a, b) => String(a.label).localeCompare(String(b.label), 'fr'));
  for (const bassin of bassins) {
    labels.set(String(bassin.code), String(bassin.label ?? bassin.code));
  }
  if (select) {
    select.append(...bassins.map((bassin) => new Option(String(bassin.label ?? bassin.code), String(bassin.code))));
  }
  return labels;
}

/**
 * Follow a background job: GET `path` every `intervalMs` until `isFinished(body)`, calling
 * `onUpdate(result)` with every answer. A few network failures in a row are tolerated (the
 * job goes on without us); a 4xx answer stops. Returns a function that stops following.
 */
export function follow(path, { onUpdate, isFinished, intervalMs = 1000, maxFailures = 5 }) {
  let stopped = false;
  let failures = 0;
  let timer = null;
  async function tick() {
    const result = await apiGet(path);
    if (stopped) {
      return;
    }
    const transient = result.status === 0 || result.status >= 500;
    failures = transient ? failures + 1 : 0;
    if (transient && failures < maxFailures) {
      timer = setTimeout(tick, intervalMs * 2);
      return;
    }
    onUpdate(result);
    if (result.status === 200 && !isFinished(result.body || {})) {
      timer = setTimeout(tick, intervalMs);
    }
  }
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** A whole percentage 0–100 from a job's progress, whether sent as 0–100 or 0–1. */
export function progressValue(body) {
  const number = Number(body && body.progress);
  if (!Number.isFinite(number)) {
    return body && body.status === 'done' ? 100 : 0;
  }
  const value = number > 0 && number < 1 ? number * 100 : number;
  return Math.max(0, Math.min(100, Math.round(value)));
}

/** The period of the figures pages (agent/index.html, agent/suivi.html: macro `period_fields`):
 * true when `from` and `to` are dates in order (errors cleared), false with the errors shown. */
export function checkPeriod(form, summary, { from, to }) {
  const errors = {};
  if (from && !DATE_SHAPE.test(from)) errors.from = 'Indiquez une date de début valide.';
  if (to && !DATE_SHAPE.test(to)) errors.to = 'Indiquez une date de fin valide.';
  if (!Object.keys(errors).length && from && to && from > to) {
    errors.to = 'La date de fin doit suivre la date de début.';
  }
  if (Object.keys(errors).length) {
    showErrors(form, summary, { fields: errors });
    return false;
  }
  clearErrors(form, summary);
  return true;
}

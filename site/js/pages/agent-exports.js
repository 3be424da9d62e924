// agent/exports.html: exports for staff. POST /api/staff/exports → 202 {id}; GET
// /api/staff/exports/{id} every second until done (progress, rows, a download link signed for
// 15 minutes at most, renewed at each read); GET /api/staff/exports: the audit log.

import { apiGet, apiPost, CURSOR_PARAM, errorMessage, fieldErrors, listItems } from '../api.js';
import { clearErrors, h, setStatus, showErrors } from '../forms.js';
import { formatDate, plural } from '../format.js';
import { DATE_SHAPE } from './employeur-common.js';
import {
  accessProblem, follow, formatDateTimeShort, formatNumber, formatTime, idempotencyKeys, loadBassins, progressValue, showSpace,
} from './agent-common.js';

const KIND_LABELS = { candidates: 'Candidats', offers: 'Offres', matches: 'Correspondances', outcomes: 'Suites données', structures: 'Structures', trainings: 'Formations' };
const FORMAT_LABELS = { csv: 'CSV', xlsx: 'XLSX' };
const STATUS_LABELS = { pending: 'En attente', running: 'En cours', done: 'Terminé', failed: 'Échoué' };

const form = document.getElementById('export-form');
const summary = document.getElementById('error-summary');
const bassinSelect = document.getElementById('bassin');
const job = document.getElementById('job');
const jobProgress = document.getElementById('job-progress');
const jobStatus = document.getElementById('job-status');
const jobResult = document.getElementById('job-result');
const logRows = document.getElementById('log-rows');
const logStatus = document.getElementById('log-status');
const logMore = document.getElementById('log-more');
const keys = idempotencyKeys();

let bassinLabels = new Map();
let stopFollowing = () => {};
let logCursor = null;

function filtersText(filters) {
  const parts = [];
  if (filters.bassin) {
    parts.push(`Bassin de ${bassinLabels.get(String(filters.bassin)) || filters.bassin}`);
  }
  if (filters.from && filters.to) parts.push(`du ${formatDate(filters.from)} au ${formatDate(filters.to)}`);
  else if (filters.from) parts.push(`depuis le ${formatDate(filters.from)}`);
  else if (filters.to) parts.push(`jusqu’au ${formatDate(filters.to)}`);
  return parts.length ? parts.join(', ') : 'Toute la région, toutes dates';
}

/** Only http(s) links are shown: the URL comes from the API, it is never trusted blindly. */
function safeUrl(value) {
  try {
    const url = new URL(String(value), window.location.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

// --- one export ------------------------------------------------------------------------------

function describe(body) {
  const what = [KIND_LABELS[body.kind], FORMAT_LABELS[body.format]].filter(Boolean).join(', ');
  return what ? ` (${what})` : '';
}

function showDownload(body, focusLink) {
  const url = safeUrl(body.download_url);
  const reload = h('button', { type: 'button', class: 'secondary' }, 'Recharger l’état de l’export');
  reload.addEventListener('click', () => track(body.id, { announceStart: false }));
  const until = body.expires_at ? formatTime(body.expires_at) : '';
  const rows = Number(body.rows);
  const details = [KIND_LABELS[body.kind], FORMAT_LABELS[body.format], Number.isFinite(rows) ? plural(rows, 'ligne') : '']
    .filter(Boolean)
    .join(', ');
  jobResult.replaceChildren(
    url
      ? h('p', {}, h('a', { class: 'button-link', href: url, download: body.filename || true },
        `Télécharger l’export${details ? ` (${details})` : ''}`))
      : h('p', { text: 'Le fichier est prêt, mais aucun lien de téléchargement n’a été fourni.' }),
    h('p', { class: 'hint', text: until
      ? `Ce lien est valable 15 minutes au plus : jusqu’à ${until}.`
      : 'Ce lien est valable 15 minutes au plus.' }),
    h('p', { text: 'Le lien a expiré ? Rechargez l’état pour en obtenir un nouveau.' }),
    reload,
  );
  if (focusLink) {
    // The reload button that had the focus was just replaced: the new link takes it.
    (jobResult.querySelector('a') || reload).focus();
  }
}

function update(result, state) {
  if (accessProblem(result.status)) {
    stopFollowing();
    return;
  }
  if (result.status !== 200) {
    setStatus(jobStatus, result.status === 404 ? 'Cet export est introuvable.' : errorMessage(result), 'error');
    return;
  }
  const body = { id: state.id, ...result.body };
  const progress = progressValue(body);
  jobProgress.value = progress;
  jobProgress.textContent = `${progress} %`;
  const rows = Number(body.rows);
  const rowsText = Number.isFinite(rows) && rows > 0 ? `, ${plural(rows, 'ligne')} écrite${rows > 1 ? 's' : ''}` : '';
  // The live region speaks when the status changes and at each quarter, not every second.
  const step = Math.floor(progress / 25);
  if (body.status !== state.status || (body.status === 'running' && step !== state.step)) {
    state.status = body.status;
    state.step = step;
    if (body.status === 'done') {
      setStatus(jobStatus, `Export terminé${describe(body)} : ${plural(Number.isFinite(rows) ? rows : 0, 'ligne')}.`, 'success');
      showDownload(body, state.focusLink);
      loadLog();
    } else if (body.status === 'failed') {
      setStatus(jobStatus, `L’export a échoué${body.error ? ` : ${body.error}` : '.'} Relancez-le ; si l’échec se répète, signalez-le.`, 'error');
      jobResult.replaceChildren();
      loadLog();
    } else if (body.status === 'running') {
      setStatus(jobStatus, `Export en cours : ${progress} %${rowsText}.`);
    } else {
      setStatus(jobStatus, 'Export en attente de traitement…');
    }
  }
}

function track(id, { announceStart = true } = {}) {
  stopFollowing();
  document.getElementById('job-empty').hidden = true;
  job.hidden = false;
  const state = { id, status: null, step: -1, focusLink: !announceStart };
  if (announceStart) {
    jobResult.replaceChildren();
    jobProgress.value = 0;
    jobProgress.textContent = '0 %';
    setStatus(jobStatus, 'Export demandé…');
    document.getElementById('titre-suivi').focus();
  } else {
    setStatus(jobStatus, 'Mise à jour de l’état de l’export…');
  }
  stopFollowing = follow(`/api/staff/exports/${encodeURIComponent(id)}`, {
    onUpdate: (result) => update(result, state),
    isFinished: (body) => body.status === 'done' || body.status === 'failed',
  });
}

function payload() {
  const body = {
    kind: form.querySelector('input[name=kind]:checked')?.value || '',
    format: form.querySelector('input[name=format]:checked')?.value || '',
  };
  for (const name of ['bassin', 'from', 'to']) {
    if (form.elements[name].value) {
      body[name] = form.elements[name].value;
    }
  }
  return body;
}

async function submit(event) {
  event.preventDefault();
  const body = payload();
  const errors = {};
  if (!body.kind) errors.kind = 'Choisissez ce que vous voulez exporter.';
  if (!body.format) errors.format = 'Choisissez le format du fichier.';
  if (body.from && !DATE_SHAPE.test(body.from)) errors.from = 'Indiquez une date de début valide.';
  if (body.to && !DATE_SHAPE.test(body.to)) errors.to = 'Indiquez une date de fin valide.';
  if (!errors.from && !errors.to && body.from && body.to && body.from > body.to) {
    errors.to = 'La date de fin doit suivre la date de début.';
  }
  if (Object.keys(errors).length) {
    showErrors(form, summary, { fields: errors });
    return;
  }
  clearErrors(form, summary);
  const button = document.getElementById('submit');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  const result = await apiPost('/api/staff/exports', body, { headers: { 'Idempotency-Key': keys.for(body) } });
  button.disabled = false;
  button.removeAttribute('aria-busy');
  if (result.status >= 200 && result.status < 300 && result.body && result.body.id !== undefined) {
    keys.reset(); // the same filters again later is a new export, on fresher data
    track(result.body.id);
    loadLog();
  } else if (!accessProblem(result.status)) {
    showErrors(form, summary, { message: errorMessage(result), fields: fieldErrors(result) });
  }
}

// --- audit log -------------------------------------------------------------------------------

function logRow(entry) {
  const { filters } = entry;
  const agent = entry.staff_email || 'Agent qui n’est plus habilité(e)';
  const when = entry.created_at ? formatDateTimeShort(entry.created_at) : '—';
  let file = h('td', { text: '—' });
  if (entry.status === 'done' && entry.id !== undefined) {
    const button = h('button', { type: 'button', class: 'secondary outline small' }, 'Obtenir le lien',
      h('span', { class: 'visually-hidden', text: ` de l’export du ${when}` }));
    button.addEventListener('click', () => track(entry.id));
    file = h('td', {}, button);
  }
  return h('tr', {},
    h('td', { text: when }),
    h('td', { text: String(agent) }),
    h('td', { text: KIND_LABELS[entry.kind] || entry.kind || '—' }),
    h('td', { text: FORMAT_LABELS[entry.format] || entry.format || '—' }),
    h('td', { text: filtersText(filters) }),
    h('td', { class: 'num', text: formatNumber(entry.rows) }),
    h('td', { text: STATUS_LABELS[entry.status] || entry.status || '—' }),
    file);
}

/** The log; false when the person may not see this page (401/403). */
async function loadLog(more = false) {
  const result = await apiGet('/api/staff/exports', { query: more && logCursor ? { [CURSOR_PARAM]: logCursor } : {} });
  if (accessProblem(result.status)) {
    stopFollowing();
    return false;
  }
  if (result.status !== 200) {
    setStatus(logStatus, `Le journal n’a pas pu être chargé. ${errorMessage(result)}`, 'error');
    return true;
  }
  logCursor = result.body && !Array.isArray(result.body) ? result.body.next || null : null;
  const rows = listItems(result.body).map(logRow);
  if (more) {
    logRows.append(...rows);
  } else {
    logRows.replaceChildren(...rows);
  }
  logMore.hidden = !logCursor;
  document.getElementById('log-region').hidden = !logRows.children.length;
  setStatus(logStatus, logRows.children.length ? '' : 'Aucun export pour l’instant.');
  return true;
}

form.addEventListener('submit', submit);
logMore.addEventListener('click', () => loadLog(true));

bassinLabels = await loadBassins(bassinSelect);
if (await loadLog()) {
  showSpace();
}

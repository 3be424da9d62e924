// agent/appariements.html: start a matching run for the whole region (POST
// /api/staff/matching-runs → 202 {id}), follow it (GET …/{id}: status, progress, counts) and
// list the recent runs (GET /api/staff/matching-runs), when the API offers that list.

import { apiGet, apiPost, errorMessage, listItems } from '../api.js';
import { h, setStatus } from '../forms.js';
import { plural } from '../format.js';
import {
  accessProblem, follow, formatDateTimeShort, formatNumber, idempotencyKeys, progressValue, showSpace,
} from './agent-common.js';

const COUNT_LABELS = [
  ['offers', 'Offres examinées'],
  ['candidates', 'Candidats examinés'],
  ['pairs_examined', 'Paires candidat – offre examinées'],
  ['eligible_pairs', 'Paires éligibles'],
  ['kept', 'Correspondances retenues'],
  ['written', 'Correspondances enregistrées'],
  ['digests', 'Courriels récapitulatifs envoyés'],
];
const STATUS_LABELS = { pending: 'En attente', running: 'En cours', done: 'Terminé', failed: 'Échoué' };
const TRIGGER_LABELS = {
  staff: 'Lancé par un agent',
  manual: 'Lancé par un agent',
  schedule: 'Automatique',
  scheduled: 'Automatique',
  offer: 'Nouvelle offre',
  candidate: 'Nouvelle inscription',
};
const finished = (body) => body.status === 'done' || body.status === 'failed';

const startButton = document.getElementById('start');
const job = document.getElementById('job');
const jobProgress = document.getElementById('job-progress');
const jobCounts = document.getElementById('job-counts');
const jobStatus = document.getElementById('job-status');
const historyStatus = document.getElementById('history-status');
const keys = idempotencyKeys();
let stopFollowing = () => {};

function counts(body) {
  return body.counts && typeof body.counts === 'object' ? body.counts : {};
}

function bassinsText(body) {
  const total = Number(body.bassins_total);
  const done = Number(body.bassins_done);
  return Number.isFinite(total) && total > 0 && Number.isFinite(done)
    ? `${formatNumber(done)} ${done > 1 ? 'bassins traités' : 'bassin traité'} sur ${formatNumber(total)}`
    : '';
}

function renderCounts(body) {
  const values = counts(body);
  const rows = [];
  const bassins = bassinsText(body);
  if (bassins) {
    rows.push(h('dt', { text: 'Bassins d’emploi' }), h('dd', { text: bassins }));
  }
  for (const [key, label] of COUNT_LABELS) {
    if (values[key] !== undefined && values[key] !== null) {
      rows.push(h('dt', { text: label }), h('dd', { text: formatNumber(values[key]) }));
    }
  }
  jobCounts.replaceChildren(...rows);
}

function update(result, state) {
  if (accessProblem(result.status)) {
    stopFollowing();
    return;
  }
  if (result.status !== 200) {
    setStatus(jobStatus, result.status === 404 ? 'Cet appariement est introuvable.' : errorMessage(result), 'error');
    return;
  }
  const body = result.body || {};
  const progress = progressValue(body);
  jobProgress.value = progress;
  jobProgress.textContent = `${progress} %`;
  renderCounts(body);
  // The live region speaks when the status changes and at each quarter, not every second.
  const step = Math.floor(progress / 25);
  if (body.status === state.status && (body.status !== 'running' || step === state.step)) {
    return;
  }
  state.status = body.status;
  state.step = step;
  const values = counts(body);
  if (body.status === 'done') {
    const written = values.written ?? values.kept;
    const parts = [];
    if (written !== undefined) parts.push(plural(Number(written), 'correspondance enregistrée', 'correspondances enregistrées'));
    if (values.digests !== undefined) parts.push(plural(Number(values.digests), 'courriel envoyé', 'courriels envoyés'));
    setStatus(jobStatus, `Appariement terminé${parts.length ? ` : ${parts.join(', ')}` : ''}.`, 'success');
    loadHistory();
  } else if (body.status === 'failed') {
    setStatus(jobStatus, 'L’appariement a échoué. Relancez-le ; si l’échec se répète, signalez-le.', 'error');
    loadHistory();
  } else {
    const bassins = bassinsText(body);
    setStatus(jobStatus, `Appariement en cours : ${progress} %${bassins ? ` (${bassins})` : ''}.`);
  }
}

function track(id, { announceStart = true } = {}) {
  stopFollowing();
  document.getElementById('job-empty').hidden = true;
  job.hidden = false;
  jobProgress.value = 0;
  jobProgress.textContent = '0 %';
  jobCounts.replaceChildren();
  if (announceStart) {
    setStatus(jobStatus, 'Appariement demandé…');
    document.getElementById('titre-suivi').focus();
  }
  const state = { status: null, step: -1 };
  stopFollowing = follow(`/api/staff/matching-runs/${encodeURIComponent(id)}`, {
    onUpdate: (result) => update(result, state),
    isFinished: finished,
  });
}

async function startRun() {
  startButton.disabled = true;
  startButton.setAttribute('aria-busy', 'true');
  setStatus(jobStatus, '');
  const result = await apiPost('/api/staff/matching-runs', {}, { headers: { 'Idempotency-Key': keys.for({}) } });
  startButton.removeAttribute('aria-busy');
  startButton.disabled = false;
  if (result.status >= 200 && result.status < 300 && result.body && result.body.id !== undefined) {
    keys.reset(); // the next click is a new run
    track(result.body.id);
    loadHistory();
  } else if (!accessProblem(result.status)) {
    setStatus(jobStatus, errorMessage(result), 'error');
    startButton.focus();
  }
}

// --- recent runs -----------------------------------------------------------------------------

function historyRow(run) {
  const values = counts(run);
  return h('tr', {},
    h('td', { text: run.created_at ? formatDateTimeShort(run.created_at) : '—' }),
    h('td', { text: TRIGGER_LABELS[run.trigger] || (run.trigger ? String(run.trigger) : '—') }),
    h('td', { text: STATUS_LABELS[run.status] || (run.status ? String(run.status) : '—') }),
    h('td', { class: 'num', text: `${progressValue(run)} %` }),
    h('td', { class: 'num', text: formatNumber(values.offers) }),
    h('td', { class: 'num', text: formatNumber(values.candidates) }),
    h('td', { class: 'num', text: formatNumber(values.written ?? values.kept) }),
    h('td', { class: 'num', text: formatNumber(values.digests) }));
}

/** The recent runs; false when the person may not see this page (401/403). */
async function loadHistory() {
  const result = await apiGet('/api/staff/matching-runs');
  if (accessProblem(result.status)) {
    stopFollowing();
    return { allowed: false };
  }
  const region = document.getElementById('history-region');
  if (result.status !== 200) {
    region.hidden = true;
    setStatus(historyStatus, result.status === 404 || result.status === 405
      ? 'L’historique des appariements n’est pas disponible.'
      : `L’historique n’a pas pu être chargé. ${errorMessage(result)}`, result.status === 404 || result.status === 405 ? 'info' : 'error');
    return { allowed: true, runs: [] };
  }
  const runs = listItems(result.body);
  document.getElementById('history-rows').replaceChildren(...runs.map(historyRow));
  region.hidden = !runs.length;
  setStatus(historyStatus, runs.length ? '' : 'Aucun appariement pour l’instant.');
  return { allowed: true, runs };
}

startButton.addEventListener('click', startRun);

const { allowed, runs = [] } = await loadHistory();
if (allowed) {
  showSpace();
  // A run already under way (started by someone else, or before a reload) is followed at once.
  const running = runs.find((run) => run && run.id !== undefined && !finished(run) && run.status);
  if (running) {
    track(running.id, { announceStart: false });
  }
}

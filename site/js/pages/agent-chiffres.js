// agent/index.html: figures per bassin d'emploi, GET /api/staff/stats?bassin=&from=&to=.
// The table is the reference; the bar chart above it shows one column at a time.
// Fields are those of the StatsView schema (OpenAPI); a share with nobody eligible shows as « — ».

import { apiGet, apiPost, errorMessage, fieldErrors } from '../api.js';
import { h, setStatus, showErrors } from '../forms.js';
import { formatDate } from '../format.js';
import { DATE_SHAPE } from './employeur-common.js';
import {
  accessProblem, checkPeriod, formatDateTime, formatNumber, formatPercent, loadBassins, showSpace,
} from './agent-common.js';
import { regionName } from '../region.js';

/** A Placement {eligible, placed, rate (a percentage, null with nobody eligible)} as shown. */
function share({ eligible, placed, rate }) {
  return { percent: eligible ? rate : null, placed, eligible };
}

const METRICS = [
  { key: 'active', label: 'Candidats actifs', read: (b) => b.candidates },
  { key: 'offers', label: 'Offres ouvertes', read: (b) => b.open_offers },
  { key: 'matches', label: 'Correspondances', read: (b) => b.matches },
  { key: 'interested', label: 'Candidats intéressés', read: (b) => b.interested },
  { key: 'hires', label: 'Recrutements', read: (b) => b.hires },
  { key: 'share1', label: 'Part en emploi à 1 mois', isShare: true, read: (b) => share(b.placed_1_month) },
  { key: 'share6', label: 'Part en emploi à 6 mois', isShare: true, read: (b) => share(b.placed_6_months) },
];
const DEFAULT_METRIC = 'share1';

const form = document.getElementById('stats-form');
const summary = document.getElementById('error-summary');
const bassinSelect = document.getElementById('bassin');
const statsStatus = document.getElementById('stats-status');
const results = document.getElementById('results');
const metricSelect = document.getElementById('chart-metric');
const chart = document.getElementById('chart');

let bassinLabels = new Map();
let figures = { bassins: [], region: null };
let ticket = 0;

metricSelect.append(...METRICS.map((metric) => new Option(metric.label, metric.key)));
metricSelect.value = DEFAULT_METRIC;

function bassinName(bassin) {
  return bassin.label;
}

function metricText(metric, value) {
  return metric.isShare ? formatPercent(value.percent) : formatNumber(value);
}

function cell(metric, bassin) {
  const value = metric.read(bassin);
  const td = h('td', { class: 'num', text: metricText(metric, value) });
  if (metric.isShare && value.eligible && value.placed !== null && value.placed !== undefined) {
    td.append(h('span', { class: 'cell-detail', text: `${formatNumber(value.placed)} sur ${formatNumber(value.eligible)}` }));
  }
  return td;
}

function tableRow(bassin, name) {
  return h('tr', {}, h('th', { scope: 'row', text: name }), ...METRICS.map((metric) => cell(metric, bassin)));
}

function periodText({ from, to }) {
  if (from && to) return `du ${formatDate(from)} au ${formatDate(to)}`;
  if (from) return `depuis le ${formatDate(from)}`;
  if (to) return `depuis l’ouverture du service jusqu’au ${formatDate(to)}`;
  return 'depuis l’ouverture du service';
}

function renderChart() {
  const metric = METRICS.find((item) => item.key === metricSelect.value) || METRICS[0];
  const rows = figures.bassins.map((bassin) => {
    const value = metric.read(bassin);
    return { name: bassinName(bassin), value, number: metric.isShare ? value.percent : value };
  });
  rows.sort((a, b) => (b.number ?? -1) - (a.number ?? -1) || a.name.localeCompare(b.name, 'fr'));
  const max = metric.isShare ? 100 : Math.max(0, ...rows.map((row) => row.number ?? 0));
  document.getElementById('chart-caption').textContent =
    `${metric.label} par bassin d’emploi, du plus élevé au plus faible${metric.isShare ? ' (échelle de 0 à 100 %)' : ''}.`;
  chart.replaceChildren(...rows.map((row) => {
    const fill = h('span', { class: 'bar-fill' });
    // Widths go through the CSSOM, which the CSP allows (a style attribute would be blocked).
    fill.style.width = `${max > 0 && row.number !== null ? Math.max(0, Math.min(100, (row.number / max) * 100)) : 0}%`;
    return h('li', { class: 'bar-row' },
      h('span', { class: 'bar-label', text: row.name }),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
      h('span', { class: 'bar-value', text: metricText(metric, row.value) }));
  }));
}

function render(body, bassinCode) {
  const bassins = [...body.bassins].sort((a, b) => bassinName(a).localeCompare(bassinName(b), 'fr'));
  const { region } = body;
  figures = { bassins, region };
  const where = bassinCode ? `bassin de ${bassinLabels.get(bassinCode) || bassinCode}` : regionName;
  const period = periodText(body.period);
  document.getElementById('titre-resultats').textContent = `Résultats : ${where}, ${period}`;
  const shown = bassinCode ? bassins.find((b) => b.code === bassinCode) : region;
  const refreshed = shown && shown.refreshed_at;
  document.getElementById('period').textContent = refreshed
    ? `Chiffres calculés le ${formatDateTime(refreshed)}.`
    : 'Ces chiffres n’ont pas encore été calculés pour tous les bassins.';
  document.getElementById('stats-rows').replaceChildren(...bassins.map((bassin) => tableRow(bassin, bassinName(bassin))));
  document.getElementById('stats-total').replaceChildren(...(region ? [tableRow(region, regionName)] : []));
  renderChart();
  results.hidden = false;
  setStatus(statsStatus, bassins.length || region
    ? `Chiffres affichés : ${where}, ${period}.`
    : 'Aucun chiffre pour ce choix.');
}

function currentQuery() {
  return { bassin: bassinSelect.value, from: form.elements.from.value, to: form.elements.to.value };
}

/** Ask for the figures and show them; false when the person may not see this page. */
let shownQuery = null;

async function load(query) {
  shownQuery = query;
  const current = ++ticket;
  setStatus(statsStatus, 'Chargement des chiffres…');
  results.setAttribute('aria-busy', 'true');
  const result = await apiGet('/api/staff/stats', { query });
  if (current !== ticket) {
    return true; // a newer request was made meanwhile
  }
  results.removeAttribute('aria-busy');
  if (accessProblem(result.status)) {
    return false;
  }
  if (result.status === 400 || result.status === 422) {
    setStatus(statsStatus, '');
    showErrors(form, summary, { message: errorMessage(result), fields: fieldErrors(result) });
  } else if (result.status !== 200 || !result.body || typeof result.body !== 'object') {
    setStatus(statsStatus, errorMessage(result), 'error');
  } else {
    render(result.body, query.bassin);
  }
  return true;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const query = currentQuery();
  if (!checkPeriod(form, summary, query)) return;
  // The address keeps the choice, so that the view can be reloaded or shared between agents.
  const params = new URLSearchParams(Object.entries(query).filter(([, item]) => item));
  history.replaceState(null, '', window.location.pathname + (params.toString() ? `?${params}` : ''));
  await load(query);
});
metricSelect.addEventListener('change', renderChart);

// Figures on demand: the bassin shown (or the 27), recomputed now, then read again.
const refreshButton = document.getElementById('refresh');
const refreshStatus = document.getElementById('refresh-status');
refreshButton.addEventListener('click', async () => {
  const query = shownQuery || currentQuery();
  refreshButton.disabled = true;
  setStatus(refreshStatus, 'Calcul des chiffres en cours…');
  const result = await apiPost('/api/staff/stats/refresh', query.bassin ? { bassin: query.bassin } : {});
  refreshButton.disabled = false;
  if (accessProblem(result.status)) return;
  if (result.status !== 200) {
    setStatus(refreshStatus, errorMessage(result), 'error');
    return;
  }
  await load(query);
  setStatus(refreshStatus, `Chiffres recalculés le ${formatDateTime(result.body.refreshed_at)}.`, 'success');
  refreshButton.focus();
});

async function start() {
  const params = new URLSearchParams(window.location.search);
  bassinLabels = await loadBassins(bassinSelect);
  bassinSelect.value = bassinLabels.has(params.get('bassin') || '') ? params.get('bassin') : '';
  for (const name of ['from', 'to']) {
    const value = params.get(name) || '';
    form.elements[name].value = DATE_SHAPE.test(value) ? value : '';
  }
  if (await load(currentQuery())) {
    showSpace();
  }
}

await start();

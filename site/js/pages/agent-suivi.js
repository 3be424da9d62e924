// agent/suivi.html: insertion 1 and 6 months after the training, GET /api/staff/stats?by=&from=&to=.
// The map (inline SVG of the 27 bassins, /img/bassins-map.json), its legend and the table carry
// the same numbers; the map is never the only way to read them. The daily run can be started here
// (POST /api/staff/daily-runs) and followed until the figures are recomputed.

import { apiGet, apiPost, errorMessage, fieldErrors } from '../api.js';
import { h, setStatus, showErrors } from '../forms.js';
import {
  accessProblem, checkPeriod, follow, formatNumber, formatPercent, idempotencyKeys, progressValue, showSpace,
} from './agent-common.js';
import { regionName } from '../region.js';

const SVG = 'http://www.w3.org/2000/svg';
const CLASSES = [
  { min: 0, max: 20, fill: '#dbe7f5', text: 'moins de 20 %' },
  { min: 20, max: 40, fill: '#a9c4e6', text: 'de 20 à 40 %' },
  { min: 40, max: 60, fill: '#6b98d1', text: 'de 40 à 60 %' },
  { min: 60, max: 80, fill: '#2f64ad', text: 'de 60 à 80 %' },
  { min: 80, max: 100.01, fill: '#123a75', text: '80 % ou plus' },
];
const NO_DATA = { fill: '#f2f2f2', text: 'personne encore à l’échéance' };
const NAMES = { bassin: 'Bassin d’emploi', departement: 'Département', certification: 'Certification', structure: 'Structure' };
const DUE_WORDS = { '1m': 'un mois', '6m': 'six mois' };

const form = document.getElementById('insertion-form');
const summary = document.getElementById('error-summary');
const statusBox = document.getElementById('insertion-status');
const results = document.getElementById('results');
const dailyButton = document.getElementById('daily-run');
const dailyStatus = document.getElementById('daily-status');
const dailyProgress = document.getElementById('daily-progress');
const keys = idempotencyKeys();

let shapes = null;
let ticket = 0;

function shareText(share) {
  if (!share || !share.of) return '—';
  return `${formatPercent(share.rate)} (${formatNumber(share.count)} sur ${formatNumber(share.of)})`;
}

function classOf(share) {
  if (!share || !share.of || share.rate === null || share.rate === undefined) return NO_DATA;
  return CLASSES.find((item) => share.rate >= item.min && share.rate < item.max) || CLASSES[CLASSES.length - 1];
}

function svg(tag, attributes = {}) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

async function loadShapes() {
  if (!shapes) {
    const response = await fetch('/img/bassins-map.json');
    shapes = response.ok ? await response.json() : { viewBox: '0 0 1 1', bassins: [] };
  }
  return shapes;
}

function renderMap(bassins, due) {
  const byCode = new Map(bassins.map((row) => [row.code, row]));
  const map = svg('svg', { viewBox: shapes.viewBox, role: 'img', 'aria-labelledby': 'map-caption' });
  const counted = new Map();
  for (const shape of shapes.bassins) {
    const row = byCode.get(shape.code);
    const share = row ? row.followup[due].in_job_rate : null;
    const kind = classOf(share);
    counted.set(kind, (counted.get(kind) || 0) + 1);
    const path = svg('path', { d: shape.d, fill: kind.fill, 'data-bassin': shape.code });
    const title = svg('title');
    title.textContent = `${shape.label} : ${shareText(share)}`;
    path.append(title);
    map.append(path);
  }
  document.getElementById('map').replaceChildren(map);
  document.getElementById('map-caption').textContent =
    `Part des personnes en emploi ${DUE_WORDS[due]} après la fin de leur formation, par bassin d’emploi.`;
  document.getElementById('map-legend').replaceChildren(...[...CLASSES, NO_DATA].map((kind) => {
    const swatch = h('span', { class: 'legend-swatch', 'aria-hidden': 'true' });
    swatch.style.background = kind.fill; // through the CSSOM, which the CSP allows
    const n = counted.get(kind) || 0;
    return h('li', {}, swatch, h('span', { text: `${kind.text} : ${n} bassin${n > 1 ? 's' : ''}` }));
  }));
}

function tableRow(row, due, header = 'th') {
  const f = row.followup[due];
  return h('tr', {},
    h(header, { scope: 'row', text: row.label }),
    h('td', { class: 'num', text: formatNumber(f.due) }),
    h('td', { class: 'num', text: formatNumber(f.sent) }),
    h('td', { class: 'num', text: shareText(f.response_rate) }),
    h('td', { class: 'num', text: shareText(f.in_job_rate) }),
    h('td', { class: 'num', text: shareText(f.in_job_among_answers) }),
    h('td', { class: 'num', text: formatNumber(f.in_job_recorded) }));
}

const MONTH = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const SHORT_MONTH = new Intl.DateTimeFormat('fr-FR', { month: 'short', year: '2-digit', timeZone: 'UTC' });

/** « juillet 2026 » (or « juil. 26 » when short) for the API's « 2026-07 ». */
function monthText(month, short = false) {
  const date = new Date(`${month}-01T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return month;
  return (short ? SHORT_MONTH : MONTH).format(date);
}

function renderTrend(points) {
  const width = 600;
  const height = 200;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height + 30}`, role: 'img', 'aria-labelledby': 'trend-caption' });
  chart.append(svg('line', { x1: 0, y1: height, x2: width, y2: height, stroke: '#666' }));
  const step = points.length ? width / points.length : width;
  points.forEach((point, index) => {
    const share = point.in_job_rate_1m;
    const value = share && share.of ? share.rate : 0;
    const barHeight = (value / 100) * height;
    const bar = svg('rect', {
      x: index * step + step * 0.15, y: height - barHeight, width: step * 0.7, height: barHeight, fill: '#2f64ad',
    });
    const title = svg('title');
    title.textContent = `${monthText(point.month)} : ${shareText(share)}`;
    bar.append(title);
    const label = svg('text', { x: index * step + step / 2, y: height + 20, 'text-anchor': 'middle', 'font-size': '12' });
    label.textContent = monthText(point.month, true);
    chart.append(bar, label);
  });
  document.getElementById('trend').replaceChildren(chart);
  document.getElementById('trend-rows').replaceChildren(...points.map((point) => h('tr', {},
    h('th', { scope: 'row', text: monthText(point.month) }),
    h('td', { class: 'num', text: formatNumber(point.followup_1m_due) }),
    h('td', { class: 'num', text: formatNumber(point.followup_1m_answered) }),
    h('td', { class: 'num', text: shareText(point.in_job_rate_1m) }))));
}

function render(body, query) {
  const due = query.due;
  const region = body.region.followup[due];
  document.getElementById('headline').textContent =
    `${regionName} : ${shareText(region.in_job_rate)} des personnes arrivées à ${DUE_WORDS[due]} sont en emploi ; ` +
    `taux de réponse à l’enquête ${shareText(region.response_rate)}.`;
  renderMap(body.bassins, due);
  document.getElementById('col-name').textContent = NAMES[body.by] || NAMES.bassin;
  document.getElementById('table-caption').textContent =
    `En emploi ${DUE_WORDS[due]} après la formation, par ${(NAMES[body.by] || NAMES.bassin).toLowerCase()}`;
  document.getElementById('insertion-rows').replaceChildren(...body.rows.map((row) => tableRow(row, due)));
  document.getElementById('insertion-total').replaceChildren(tableRow(body.region, due));
  renderTrend(body.trend);
  results.hidden = false;
  setStatus(statusBox, `Chiffres affichés : en emploi à ${DUE_WORDS[due]}, par ${(NAMES[body.by] || '').toLowerCase()}.`);
}

function currentQuery() {
  return {
    by: form.elements.by.value,
    from: form.elements.from.value,
    to: form.elements.to.value,
    due: form.elements.due.value || '1m',
  };
}

async function load(query) {
  const current = ++ticket;
  setStatus(statusBox, 'Chargement des chiffres…');
  const [result] = await Promise.all([
    apiGet('/api/staff/stats', { query: { by: query.by, from: query.from, to: query.to } }),
    loadShapes(),
  ]);
  if (current !== ticket) return true;
  if (accessProblem(result.status)) return false;
  if (result.status === 400) {
    setStatus(statusBox, '');
    showErrors(form, summary, { message: errorMessage(result), fields: fieldErrors(result) });
  } else if (result.status !== 200 || !result.body) {
    setStatus(statusBox, errorMessage(result), 'error');
  } else {
    render(result.body, query);
  }
  return true;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const query = currentQuery();
  if (!checkPeriod(form, summary, query)) return;
  await load(query);
});
for (const radio of form.elements.due) {
  radio.addEventListener('change', () => load(currentQuery()));
}

dailyButton.addEventListener('click', async () => {
  dailyButton.disabled = true;
  setStatus(dailyStatus, 'Lancement du traitement quotidien…');
  const result = await apiPost('/api/staff/daily-runs', {}, { headers: { 'Idempotency-Key': keys.for({}) } });
  if (result.status !== 202 || !result.body) {
    dailyButton.disabled = false;
    setStatus(dailyStatus, errorMessage(result), 'error');
    return;
  }
  keys.reset();
  dailyProgress.hidden = false;
  follow(`/api/staff/daily-runs/${encodeURIComponent(result.body.id)}`, {
    isFinished: (body) => body.status === 'done',
    onUpdate: (answer) => {
      if (answer.status !== 200 || !answer.body) {
        setStatus(dailyStatus, errorMessage(answer), 'error');
        dailyButton.disabled = false;
        return;
      }
      const run = answer.body;
      dailyProgress.value = progressValue(run);
      if (run.status === 'done') {
        const sent = (run.counts && run.counts.followup_sent) || 0;
        setStatus(dailyStatus, `Traitement quotidien terminé : ${formatNumber(sent)} question${sent > 1 ? 's' : ''} de suivi envoyée${sent > 1 ? 's' : ''}. Chiffres recalculés.`, 'success');
        dailyButton.disabled = false;
        load(currentQuery());
      } else {
        setStatus(dailyStatus, `Traitement quotidien en cours : ${run.steps_done} étape${run.steps_done > 1 ? 's' : ''} sur ${run.steps_total}.`);
      }
    },
  });
});

async function start() {
  if (await load(currentQuery())) showSpace();
}

await start();

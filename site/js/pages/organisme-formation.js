// organisme/formation.html: one training, its cohort, and the import (dry run shown line by line,
// then the valid rows sent by chunks with a progress bar). API.md v2: /api/trainings/{id}/trainees.

import { apiGet, apiRequest, errorMessage, fieldErrors } from '../api.js';
import { clearErrors, h, setStatus, showErrors, whileBusy } from '../forms.js';
import { formatDate, plural } from '../format.js';
import { takeFlag } from './employeur-common.js';
import { STATUS_LABELS, accessProblem, showSpace } from './organisme-common.js';
import { pageTitle } from '../region.js';

const CHUNK = 50;
const FIELD_LABELS = { first_name: 'Prénom', last_name: 'Nom', email: 'E-mail', phone: 'Téléphone' };
const id = new URLSearchParams(window.location.search).get('id') || '';
const base = `/api/trainings/${encodeURIComponent(id)}`;
const alertBox = document.getElementById('alert');
const form = document.getElementById('import-form');
const summary = document.getElementById('import-error-summary');
const status = document.getElementById('import-status');
let checked = [];

/** « Personnel de cuisine, … » from the labels the API gives (the code when it has none). */
function metierNames(training) {
  const labels = new Map((training.metiers || []).map((metier) => [metier.code_rome, metier.label]));
  return training.code_rome.map((code) => labels.get(code) || code).join(', ');
}

function dd(term, detail) {
  return [h('dt', { text: term }), h('dd', { text: detail })];
}

async function loadTraining() {
  const result = await apiGet(base);
  if (accessProblem(result.status)) return false;
  if (result.status !== 200) {
    document.getElementById('loading').hidden = true;
    alertBox.textContent = errorMessage(result);
    return false;
  }
  const training = result.body;
  document.getElementById('page-title').textContent = training.title;
  document.title = pageTitle(training.title);
  document.getElementById('training').replaceChildren(
    ...dd('Certification', training.certification_title || 'Aucune'),
    ...dd(training.code_rome.length > 1 ? 'Métiers' : 'Métier', metierNames(training)),
    ...dd('Lieu', `${training.commune_name} (bassin de ${training.bassin.label})`),
    ...dd('Dates', `du ${formatDate(training.start_date)} au ${formatDate(training.end_date)}`),
    ...dd('Places', training.places ? String(training.places) : 'Non précisé'),
  );
  return true;
}

const yesNo = (value) => (value === null || value === undefined ? '—' : String(value));

async function loadCohort() {
  const result = await apiGet(`${base}/trainees`);
  if (result.status !== 200) return;
  const items = result.body.items;
  document.getElementById('no-trainee').hidden = items.length > 0;
  const table = document.getElementById('cohort');
  table.hidden = items.length === 0;
  table.querySelector('tbody').replaceChildren(...items.map((trainee) => h('tr', {},
    h('th', { scope: 'row', text: trainee.last_name }),
    h('td', { text: trainee.first_name }),
    h('td', { text: STATUS_LABELS[trainee.status] || trainee.status }),
    h('td', { text: trainee.shared ? 'Oui' : 'Non' }),
    h('td', { text: yesNo(trainee.matched) }),
    h('td', { text: yesNo(trainee.interested) }),
    h('td', { text: yesNo(trainee.hired) }),
  )));
}

function showReport(report) {
  const errors = report.invalid.length;
  const duplicates = report.duplicates.length;
  document.getElementById('report-summary').textContent =
    `${plural(report.rows, 'ligne lue', 'lignes lues')} : ${plural(report.valid, 'stagiaire valide', 'stagiaires valides')}, ${plural(errors, 'erreur')}, ${plural(duplicates, 'doublon')}.`;
  document.getElementById('report-errors-block').hidden = errors === 0;
  document.getElementById('report-errors').replaceChildren(...report.invalid.map((error) =>
    h('li', { text: `Ligne ${error.line} — ${FIELD_LABELS[error.field] || error.field} : ${error.message}` })));
  document.getElementById('report-duplicates-block').hidden = duplicates === 0;
  document.getElementById('report-duplicates').replaceChildren(...report.duplicates.map((duplicate) =>
    h('li', { text: `Ligne ${duplicate.line} — ${duplicate.email} figure déjà plus haut dans le fichier.` })));
  document.getElementById('report-valid-block').hidden = report.valid === 0;
  document.querySelector('#report-valid tbody').replaceChildren(...report.trainees.map((trainee) => h('tr', {},
    h('td', { text: String(trainee.line) }),
    h('td', { text: trainee.first_name }),
    h('td', { text: trainee.last_name }),
    h('td', { text: trainee.email }),
  )));
  document.getElementById('confirm').textContent = report.valid === 1
    ? 'Inviter le stagiaire valide'
    : `Inviter les ${report.valid} stagiaires valides`;
  document.getElementById('report').hidden = false;
  document.getElementById('report-title').focus();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(form, summary);
  setStatus(status, '');
  const file = document.getElementById('file').files[0];
  if (!file) {
    showErrors(form, summary, { fields: { file: 'Choisissez le fichier CSV de la promotion.' } });
    return;
  }
  document.getElementById('report').hidden = true;
  const result = await whileBusy(document.getElementById('check'), 'Vérification…', () =>
    apiRequest('POST', `${base}/trainees`, { query: { dry_run: 'true' }, file }));
  if (result.status === 200) {
    checked = result.body.trainees;
    showReport(result.body);
  } else if (!accessProblem(result.status)) {
    const fields = fieldErrors(result);
    const message = errorMessage(result);
    showErrors(form, summary, { message, fields: Object.keys(fields).length ? { file: message } : {} });
  }
});

document.getElementById('confirm').addEventListener('click', async (event) => {
  const button = event.currentTarget;
  const progress = document.getElementById('progress');
  const total = { invited: 0, already_invited: 0, already_registered: 0 };
  document.getElementById('progress-block').hidden = false;
  progress.value = 0;
  button.disabled = true;
  let failed = null;
  for (let start = 0; start < checked.length; start += CHUNK) {
    const trainees = checked.slice(start, start + CHUNK).map(({ line, first_name, last_name, email, phone }) =>
      (phone ? { line, first_name, last_name, email, phone } : { line, first_name, last_name, email }));
    const result = await apiRequest('POST', `${base}/trainees`, { body: { trainees } });
    if (result.status !== 200) {
      failed = result;
      break;
    }
    for (const key of Object.keys(total)) total[key] += result.body[key];
    progress.value = Math.round((Math.min(start + CHUNK, checked.length) / checked.length) * 100);
    setStatus(status, `Envoi des invitations : ${Math.min(start + CHUNK, checked.length)} sur ${checked.length}…`);
  }
  button.disabled = false;
  const done = `${plural(total.invited, 'invitation envoyée', 'invitations envoyées')}, ${plural(total.already_invited, 'personne déjà invitée', 'personnes déjà invitées')} pour cette formation, ${plural(total.already_registered, 'personne ayant', 'personnes ayant')} déjà un compte (invitées à y relier la formation).`;
  if (failed) {
    setStatus(status, `${done} L’envoi s’est arrêté : ${errorMessage(failed)} Vous pouvez renvoyer le même fichier : personne ne sera invité deux fois.`, 'error');
  } else {
    setStatus(status, `Terminé : ${done}`, 'success');
    document.getElementById('report').hidden = true;
  }
  await loadCohort();
});

if (await loadTraining()) {
  if (takeFlag('nouvelle')) {
    setStatus(document.getElementById('created'), 'La formation est déclarée. Invitez maintenant sa promotion.', 'success');
  }
  await loadCohort();
  showSpace();
}

// organisme/index.html: the member's structure, colleagues, and (organismes) trainings
// (API.md v2: GET /api/structures/me, members, GET/POST /api/trainings).

import { apiDelete, apiGet, apiPost, errorMessage, fieldErrors } from '../api.js';
import { communeField, metierPicker } from '../autocomplete.js';
import { clearErrors, h, setStatus, showErrors, whileBusy } from '../forms.js';
import { formatDate } from '../format.js';
import { EMAIL_SHAPE, idempotencyKeys } from './employeur-common.js';
import { accessProblem, showSpace } from './organisme-common.js';

const KIND_LABELS = { organisme_formation: 'Organisme de formation', accompagnement: 'Structure d’accompagnement' };
const STATUS = { pending: 'En attente de validation', active: 'Validée', rejected: 'Refusée' };
const alertBox = document.getElementById('alert');
const trainingKeys = idempotencyKeys();
let me = null;

function row(term, detail) {
  return [h('dt', { text: term }), h('dd', { text: detail })];
}

function showStructure(structure) {
  document.getElementById('structure').replaceChildren(
    ...row('Nom', structure.name),
    ...row('Type', KIND_LABELS[structure.kind] || structure.kind),
    ...row('SIRET', structure.siret),
    ...row('Commune', structure.commune_name),
    ...row('État du compte', STATUS[structure.status] || structure.status),
  );
  document.getElementById('page-title').textContent = structure.name;
  const list = document.getElementById('members');
  list.replaceChildren(...structure.members.map((member) => {
    const button = h('button', { type: 'button', class: 'secondary outline small', text: `Retirer ${member.name}` });
    button.addEventListener('click', () => removeMember(member, button));
    return h('li', {}, h('span', { text: `${member.name} — ${member.email} ` }), structure.members.length > 1 ? button : null);
  }));
}

async function loadStructure() {
  const result = await apiGet('/api/structures/me');
  if (accessProblem(result.status)) return false;
  if (result.status !== 200) {
    document.getElementById('loading').hidden = true;
    alertBox.textContent = errorMessage(result);
    return false;
  }
  me = result.body;
  showStructure(me);
  return true;
}

async function removeMember(member, button) {
  const status = document.getElementById('member-status');
  const result = await whileBusy(button, 'Retrait…', () => apiDelete(`/api/structures/me/members/${encodeURIComponent(member.id)}`));
  if (result.status === 204) {
    setStatus(status, `${member.name} a été retiré(e) de la structure.`, 'success');
    await loadStructure();
    document.getElementById('member-name').focus();
  } else if (!accessProblem(result.status)) {
    setStatus(status, errorMessage(result), 'error');
  }
}

const memberForm = document.getElementById('member-form');
memberForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const summary = document.getElementById('member-error-summary');
  const body = { name: document.getElementById('member-name').value.trim(), email: document.getElementById('member-email').value.trim() };
  const errors = {};
  if (!body.name) errors.name = 'Saisissez le prénom et le nom de votre collègue.';
  if (!EMAIL_SHAPE.test(body.email)) errors.email = 'Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.';
  if (Object.keys(errors).length) {
    showErrors(memberForm, summary, { fields: errors });
    return;
  }
  clearErrors(memberForm, summary);
  const result = await whileBusy(document.getElementById('member-submit'), 'Ajout…', () => apiPost('/api/structures/me/members', body));
  if (result.status === 201) {
    memberForm.reset();
    setStatus(document.getElementById('member-status'), `${body.name} est ajouté(e) : un lien de connexion lui a été envoyé.`, 'success');
    await loadStructure();
  } else if (!accessProblem(result.status)) {
    showErrors(memberForm, summary, { message: errorMessage(result), fields: fieldErrors(result) });
  }
});

// --- trainings (organismes de formation) -------------------------------------------------------
function showTrainings(items) {
  const table = document.getElementById('trainings');
  document.getElementById('no-training').hidden = items.length > 0;
  table.hidden = items.length === 0;
  table.querySelector('tbody').replaceChildren(...items.map((training) => h('tr', {},
    h('th', { scope: 'row' }, h('a', { href: `/organisme/formation.html?id=${encodeURIComponent(training.id)}`, text: training.title })),
    h('td', { text: `du ${formatDate(training.start_date)} au ${formatDate(training.end_date)}` }),
    h('td', { text: training.commune_name }),
    h('td', { text: String(training.counts.invited) }),
    h('td', { text: String(training.counts.registered) }),
    h('td', { text: String(training.counts.declined) }),
    h('td', { text: String(training.counts.hired) }),
  )));
}

async function loadTrainings() {
  const result = await apiGet('/api/trainings');
  if (result.status === 200) showTrainings(result.body.items);
}

const certificationSelect = document.getElementById('certification_code');
const certificationCodes = new Map();
document.getElementById('certification-search').addEventListener('click', async () => {
  const q = document.getElementById('certification-q').value.trim();
  const result = await apiGet('/api/referentials/certifications', { query: { q, limit: 15 } });
  certificationSelect.replaceChildren(new Option('Aucune certification', ''));
  certificationCodes.clear();
  const items = result.status === 200 && Array.isArray(result.body) ? result.body : [];
  for (const certification of items) {
    certificationCodes.set(certification.code, certification);
    const level = certification.level ? ` — niveau ${certification.level}` : '';
    certificationSelect.append(new Option(`${certification.title}${level}${certification.rncp ? ` (${certification.rncp})` : ''}`, certification.code));
  }
  setStatus(document.getElementById('training-status'), items.length ? `${items.length} certification(s) trouvée(s) : choisissez dans la liste « Résultat ».` : 'Aucune certification trouvée : essayez d’autres mots.');
});
certificationSelect.addEventListener('change', () => {
  const certification = certificationCodes.get(certificationSelect.value);
  if (certification) {
    const labels = new Map((certification.metiers || []).map((metier) => [metier.code_rome, metier.label]));
    trainingMetiers.add(certification.code_rome.map((code) => ({ code_rome: code, label: labels.get(code) || code })));
  }
  const title = document.getElementById('title');
  if (certificationSelect.value && !title.value) title.value = certificationSelect.selectedOptions[0].text.split(' — ')[0].split(' (')[0];
});

const trainingMetiers = metierPicker(document.getElementById('training-metiers'));

communeField();

const trainingForm = document.getElementById('training-form');
trainingForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const summary = document.getElementById('training-error-summary');
  const value = (id) => document.getElementById(id).value.trim();
  const body = {
    title: value('title'),
    code_insee: value('code_insee'),
    start_date: value('start_date'),
    end_date: value('end_date'),
  };
  const codes = trainingMetiers.codes();
  if (codes.length) body.code_rome = codes;
  if (value('certification_code')) body.certification_code = value('certification_code');
  if (value('places')) body.places = Number(value('places'));
  const errors = {};
  if (!body.title) errors.title = 'Saisissez l’intitulé de la formation.';
  if (!body.code_rome && !body.certification_code) errors.code_rome = 'Choisissez au moins un métier, ou une certification.';
  if (!body.code_insee) errors.code_insee = 'Saisissez la commune, puis choisissez-la dans la liste.';
  if (!body.start_date) errors.start_date = 'Saisissez la date de début.';
  if (!body.end_date) errors.end_date = 'Saisissez la date de fin.';
  if (Object.keys(errors).length) {
    showErrors(trainingForm, summary, { fields: errors });
    return;
  }
  clearErrors(trainingForm, summary);
  const result = await whileBusy(document.getElementById('training-submit'), 'Enregistrement…', () =>
    apiPost('/api/trainings', body, { headers: { 'Idempotency-Key': trainingKeys.for(body) } }));
  if (result.status === 201) {
    trainingKeys.reset();
    window.location.assign(`/organisme/formation.html?id=${encodeURIComponent(result.body.id)}&nouvelle=1`);
  } else if (!accessProblem(result.status)) {
    showErrors(trainingForm, summary, { message: errorMessage(result), fields: fieldErrors(result) });
  }
});

if (await loadStructure()) {
  if (me.kind === 'organisme_formation') {
    document.getElementById('trainings-section').hidden = false;
    await loadTrainings();
  } else if (me.kind === 'accompagnement') {
    document.getElementById('advisor-section').hidden = false;
  }
  showSpace();
}

// organisme/accompagnement.html: an advisor's caseload (GET /api/advisor/candidates), the daily
// digest preference (GET/PATCH /api/advisor/preferences) and the registration of a person
// (POST /api/advisor/candidates: the candidate sign-up without the consents). API.md v2, Advisors.

import { apiGet, apiPatch, apiPost, errorMessage, fieldErrors } from '../api.js';
import { candidateFields } from '../candidate-fields.js';
import { clearErrors, h, setStatus, showErrors, showPanel, whileBusy } from '../forms.js';
import { DATE_SHAPE, EMAIL_SHAPE, idempotencyKeys, takeFlag, todayInParis } from './employeur-common.js';
import { accessProblem, showSpace } from './organisme-common.js';

const STATUS = { awaiting_consent: 'Invitation envoyée, sans réponse', registered: 'Inscrite', declined: 'A refusé' };
const SITUATIONS = {
  emploi_cdi: 'En CDI', emploi_cdd_6m_plus: 'En CDD de 6 mois ou plus', emploi_cdd_moins_6m: 'En CDD de moins de 6 mois',
  interim: 'En intérim', alternance: 'En alternance', creation: 'A créé son activité', formation: 'En formation',
  recherche: 'En recherche', autre: 'Autre situation',
};
const alertBox = document.getElementById('alert');
const form = document.getElementById('person-form');
const summary = document.getElementById('error-summary');
const keys = idempotencyKeys();
const figure = (n) => (n === null || n === undefined ? '—' : String(n));

function personRow(person) {
  const name = `${person.first_name} ${person.last_name}`;
  const cell = person.shared
    ? h('a', { href: `/organisme/personne.html?id=${encodeURIComponent(person.id)}`, text: name })
    : h('span', { text: person.email ? `${name} (${person.email})` : name });
  return h('tr', {},
    h('th', { scope: 'row' }, cell),
    h('td', { text: STATUS[person.status] || person.status }),
    h('td', { text: person.shared ? 'Oui' : 'Non' }),
    h('td', { text: figure(person.matched) }),
    h('td', { text: figure(person.interested) }),
    h('td', { text: figure(person.hired) }),
    h('td', { text: person.followup_1m ? SITUATIONS[person.followup_1m] || person.followup_1m : '—' }),
    h('td', { text: person.followup_6m ? SITUATIONS[person.followup_6m] || person.followup_6m : '—' }),
  );
}

async function loadCaseload() {
  const result = await apiGet('/api/advisor/candidates');
  if (accessProblem(result.status)) return false;
  if (result.status !== 200) {
    alertBox.textContent = errorMessage(result);
    return false;
  }
  const { items } = result.body;
  const table = document.getElementById('caseload');
  document.getElementById('no-person').hidden = items.length > 0;
  table.hidden = items.length === 0;
  table.querySelector('tbody').replaceChildren(...items.map(personRow));
  return true;
}

async function loadPreferences() {
  const result = await apiGet('/api/advisor/preferences');
  if (result.status === 200) document.getElementById('digest').checked = !result.body.digest_opt_out;
}

document.getElementById('digest').addEventListener('change', async (event) => {
  const box = event.currentTarget;
  const status = document.getElementById('digest-status');
  const result = await apiPatch('/api/advisor/preferences', { digest_opt_out: !box.checked });
  if (result.status === 200) {
    setStatus(status, result.body.digest_opt_out ? 'Vous ne recevrez plus le récapitulatif quotidien.' : 'Vous recevrez le récapitulatif quotidien.', 'success');
  } else if (!accessProblem(result.status)) {
    box.checked = !box.checked;
    setStatus(status, errorMessage(result), 'error');
  }
});

// --- the registration form (the same fields as the candidate sign-up, consents excepted) --------
const fields = candidateFields(form);
document.getElementById('available_from').value = todayInParis();

function localErrors(body) {
  const errors = {};
  if (!body.first_name) errors.first_name = 'Saisissez son prénom.';
  if (!body.last_name) errors.last_name = 'Saisissez son nom.';
  if (!EMAIL_SHAPE.test(body.email)) errors.email = 'Saisissez son adresse e-mail, par exemple prenom.nom@exemple.fr.';
  if (!body.code_insee) errors.code_insee = 'Saisissez la commune où elle habite, puis choisissez-la dans la liste.';
  const km = body.mobility_km;
  if (km === null || !Number.isInteger(km) || km < 0 || km > 200) errors.mobility_km = 'Indiquez une distance en kilomètres, nombre entier entre 0 et 200.';
  if (!body.training.title) errors['training.title'] = 'Saisissez l’intitulé de sa formation.';
  if (!DATE_SHAPE.test(body.training.end_date)) errors['training.end_date'] = 'Indiquez la date de fin de la formation, par exemple 30/06/2025.';
  if (!body.training.code_rome.length) errors['training.code_rome'] = 'Choisissez au moins un métier auquel prépare sa formation.';
  if (!body.contract_types.length) errors.contract_types = 'Cochez au moins un type de contrat.';
  if (!DATE_SHAPE.test(body.available_from)) errors.available_from = 'Indiquez à partir de quand elle est disponible.';
  return errors;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = fields.body();
  const errors = localErrors(body);
  if (Object.keys(errors).length) {
    showErrors(form, summary, { fields: errors });
    return;
  }
  clearErrors(form, summary);
  const result = await whileBusy(document.getElementById('submit'), 'Inscription…', () =>
    apiPost('/api/advisor/candidates', body, { headers: { 'Idempotency-Key': keys.for(body) } }));
  if (result.status === 201) {
    keys.reset();
    // A fresh page empties every picker; the flag says why (no name in the address).
    window.location.assign('/organisme/accompagnement.html?inscrite=1');
  } else if (!accessProblem(result.status)) {
    showErrors(form, summary, { message: errorMessage(result), fields: fieldErrors(result) });
  }
});

if (await loadCaseload()) {
  await loadPreferences();
  showSpace();
  if (takeFlag('inscrite')) {
    const done = document.getElementById('done');
    showPanel(done, 'La personne est inscrite',
      'Une invitation vient de lui être envoyée par e-mail. Elle vérifie son profil et donne son accord elle-même ; rien n’est visible des employeurs avant.');
  }
}

// candidat/inscription.html: candidate sign-up, POST /api/candidates (API.md, Candidates).

import { apiPost, errorMessage, fieldErrors } from '../api.js';
import { candidateFields } from '../candidate-fields.js';
import { clearErrors, h, showErrors, showPanel, whileBusy } from '../forms.js';
import { service } from '../region.js';

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

const form = document.getElementById('candidate-form');
const summary = document.getElementById('error-summary');
const value = (id) => document.getElementById(id).value.trim();
const checked = (id) => document.getElementById(id).checked;
const fields = candidateFields(form);

function payload() {
  return { ...fields.body(), consent_contact: checked('consent_contact'), consent_terms: checked('consent_terms') };
}

// What the browser can tell at once; the API checks everything again and has the last word.
function localErrors(body) {
  const errors = {};
  const required = {
    first_name: 'Saisissez votre prénom.',
    last_name: 'Saisissez votre nom.',
    'training.title': 'Saisissez l’intitulé de votre formation.',
  };
  if (!body.first_name) errors.first_name = required.first_name;
  if (!body.last_name) errors.last_name = required.last_name;
  if (!body.email) {
    errors.email = 'Saisissez votre adresse e-mail.';
  } else if (!EMAIL_SHAPE.test(body.email)) {
    errors.email = 'Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.';
  }
  if (!body.code_insee) {
    errors.code_insee = value('commune-input')
      ? 'Choisissez votre commune dans la liste proposée.'
      : 'Saisissez la commune où vous habitez, puis choisissez-la dans la liste.';
  }
  const km = body.mobility_km;
  if (km === null || !Number.isInteger(km) || km < 0 || km > 200) {
    errors.mobility_km = 'Indiquez une distance en kilomètres, nombre entier entre 0 et 200.';
  }
  if (!body.training.title) errors['training.title'] = required['training.title'];
  if (!DATE_SHAPE.test(body.training.end_date)) {
    errors['training.end_date'] = 'Indiquez la date de fin de la formation, par exemple 30/06/2025.';
  }
  if (!body.training.code_rome.length) {
    errors['training.code_rome'] = 'Choisissez au moins un métier auquel prépare votre formation.';
  }
  if (!body.contract_types.length) {
    errors.contract_types = 'Cochez au moins un type de contrat.';
  }
  if (!DATE_SHAPE.test(body.available_from)) {
    errors.available_from = 'Indiquez à partir de quand vous êtes disponible, par exemple 01/09/2025.';
  }
  if (!body.consent_terms) {
    errors.consent_terms = 'Pour vous inscrire, acceptez les conditions d’utilisation et le traitement de vos données.';
  }
  return errors;
}

// One key per filled-in form: a retry of the same content (lost answer, network error) reuses
// it so that the API returns the first answer instead of creating a second account; changed
// content gets a new key.
let lastAttempt = { key: null, body: null };

function newKey() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function idempotencyKey(body) {
  const text = JSON.stringify(body);
  if (lastAttempt.body !== text) {
    lastAttempt = { key: newKey(), body: text };
  }
  return lastAttempt.key;
}

function showConfirmation() {
  document.getElementById('inscription').hidden = true;
  showPanel(
    document.getElementById('confirmation'),
    `Bienvenue sur ${service}`,
    'Inscription enregistrée. Un lien de connexion vient de vous être envoyé par e-mail.',
    'Ouvrez-le dans les 15 minutes pour accéder à votre espace. Pensez à regarder dans vos courriers indésirables.',
    h('p', {}, 'Pas de message ? ', h('a', { href: '/connexion.html', text: 'Demandez un nouveau lien de connexion' }), '.'),
  );
}

function showConflict(result) {
  showErrors(form, summary, {
    message: errorMessage(result),
    fields: { email: 'Un compte existe déjà avec cette adresse e-mail.' },
  });
  summary.append(h('p', {}, 'Vous êtes déjà inscrit ? ', h('a', { href: '/connexion.html', text: 'Connectez-vous' }), ' pour retrouver votre espace.'));
}

async function submit(event) {
  event.preventDefault();
  const body = payload();
  const errors = localErrors(body);
  if (Object.keys(errors).length) {
    showErrors(form, summary, { fields: errors });
    return;
  }
  clearErrors(form, summary);
  const key = idempotencyKey(body);
  const result = await whileBusy(document.getElementById('submit'), 'Envoi en cours…', () =>
    apiPost('/api/candidates', body, { headers: { 'Idempotency-Key': key } }));
  if (result.status === 201 || result.status === 200) {
    showConfirmation();
  } else if (result.status === 409) {
    showConflict(result);
  } else {
    showErrors(form, summary, { message: errorMessage(result), fields: fieldErrors(result) });
  }
}

form.addEventListener('submit', submit);

// candidat/espace.html: the candidate's own space (API.md, Candidates): profile, preferences
// (PATCH with If-Match), matched offers, data export, account deletion, sign-out. Fields are those
// of the OpenAPI schemas (CandidateView, MatchForCandidate): the e2e tests fail on any other.

import { apiDelete, apiGet, apiPatch, apiPost, CURSOR_PARAM, errorMessage, fieldErrors, listItems } from '../api.js';
import { profileEditor, STALE_PROFILE } from '../candidate-profile-editor.js';
import { clearErrors, h, setStatus, showErrors, showPanel, whileBusy } from '../forms.js';
import { formatDate, formatPhone } from '../format.js';
import { answerBlock } from '../answers.js';
import { matchChoice } from '../match-choice.js';
import { offerCard } from '../offers.js';
import { service } from '../region.js';

const status = document.getElementById('status');
const alertBox = document.getElementById('alert');
const form = document.getElementById('preferences-form');
const summary = document.getElementById('error-summary');
const matchesList = document.getElementById('matches');
const matchesStatus = document.getElementById('matches-status');
const matchesMore = document.getElementById('matches-more');

let profile = null;
let matchesCursor = null;

function showSignedOut() {
  document.getElementById('loading').hidden = true;
  document.getElementById('space').hidden = true;
  document.getElementById('signed-out').hidden = false;
}

// --- profile ---------------------------------------------------------------------------------

function communeText(candidate) {
  return `${candidate.commune_name} — bassin de ${candidate.bassin.label}`;
}

function row(term, description) {
  if (description === undefined || description === null || description === '' || (Array.isArray(description) && !description.length)) {
    return [];
  }
  const content = Array.isArray(description) ? description.join(', ') : String(description);
  return [h('dt', { text: term }), h('dd', { text: content })];
}

/** Labels of métier codes (CandidateView.metiers holds those of the training and the targets). */
function metierNames(candidate, codes) {
  const labels = new Map(candidate.metiers.map((m) => [m.code_rome, m.label]));
  return codes.map((code) => labels.get(code) || code);
}

function renderProfile(candidate) {
  const { training } = candidate;
  document.getElementById('welcome').textContent = `Bonjour ${candidate.first_name || ''}.`.replace(' .', '.');
  document.getElementById('profile-summary').replaceChildren(
    ...row('Nom', [candidate.first_name, candidate.last_name].filter(Boolean).join(' ')),
    ...row('Adresse e-mail', candidate.email),
    ...row('Téléphone', candidate.phone && formatPhone(candidate.phone)),
    ...row('Commune', communeText(candidate)),
    ...row('Formation', training.title),
    ...row('Fin de la formation', training.end_date ? formatDate(training.end_date) : ''),
    ...row('Organisme de formation', training.organisation),
    ...row('Diplôme ou titre obtenu', training.certification_obtained === null ? '' : (training.certification_obtained ? 'Oui' : 'Non')),
    ...row('Métiers de la formation', metierNames(candidate, training.code_rome)),
    ...row('Autres métiers visés', metierNames(candidate, candidate.target_code_rome)),
    ...row('Compétences', candidate.competence_labels.map((item) => item.label)),
    ...row('Contrats recherchés', candidate.contract_type_labels),
    ...row('Distance maximale', `${candidate.mobility_km} km`),
    ...row('Disponible à partir du', formatDate(candidate.available_from)),
  );
}

function fillPreferences(candidate) {
  form.elements.mobility_km.value = candidate.mobility_km ?? '';
  for (const box of form.querySelectorAll('input[name=contract_types]')) {
    box.checked = candidate.contract_types.includes(box.value);
  }
  form.elements.available_from.value = candidate.available_from;
  form.elements.consent_contact.checked = Boolean(candidate.consent_contact);
  form.elements.digest.checked = !candidate.digest_opt_out;
  form.elements.sms_opt_in.checked = Boolean(candidate.sms_opt_in);
}

async function loadProfile() {
  const result = await apiGet('/api/candidates/me');
  if (result.status === 401 || result.status === 403) {
    showSignedOut();
    return false;
  }
  document.getElementById('loading').hidden = true;
  if (result.status !== 200) {
    alertBox.textContent = errorMessage(result);
    return false;
  }
  profile = result.body;
  renderProfile(profile);
  fillPreferences(profile);
  document.getElementById('space').hidden = false;
  return true;
}

async function savePreferences(event) {
  event.preventDefault();
  clearErrors(form, summary);
  setStatus(status, '');
  const km = form.elements.mobility_km.value === '' ? NaN : Number(form.elements.mobility_km.value);
  const changes = {
    mobility_km: km,
    contract_types: [...form.querySelectorAll('input[name=contract_types]:checked')].map((box) => box.value),
    available_from: form.elements.available_from.value,
    consent_contact: form.elements.consent_contact.checked,
    digest_opt_out: !form.elements.digest.checked,
    sms_opt_in: form.elements.sms_opt_in.checked,
  };
  const errors = {};
  if (!Number.isInteger(km) || km < 0 || km > 200) {
    errors.mobility_km = 'Indiquez une distance en kilomètres, nombre entier entre 0 et 200.';
  }
  if (!changes.contract_types.length) errors.contract_types = 'Cochez au moins un type de contrat.';
  if (!changes.available_from) errors.available_from = 'Indiquez à partir de quand vous êtes disponible.';
  if (Object.keys(errors).length) {
    showErrors(form, summary, { fields: errors });
    return;
  }
  const button = form.querySelector('button[type=submit]');
  const result = await whileBusy(button, 'Enregistrement…', () =>
    apiPatch('/api/candidates/me', changes, { headers: { 'If-Match': String(profile.version) } }));
  if (result.status === 200) {
    if (result.body && result.body.version !== undefined) {
      profile = result.body;
      renderProfile(profile);
      fillPreferences(profile);
    } else {
      await loadProfile(); // the answer does not carry the new version: read the profile back
    }
    setStatus(status, 'Vos préférences sont enregistrées.', 'success');
  } else if (result.status === 409) {
    showErrors(form, summary, { message: STALE_PROFILE });
  } else if (result.status === 401) {
    showSignedOut();
  } else {
    const fields = fieldErrors(result);
    if (fields.phone && !form.querySelector('[data-field=phone]')) {
      // The SMS need a mobile number: the message goes next to the switch that asked for them.
      fields.sms_opt_in = fields.phone;
      delete fields.phone;
    }
    showErrors(form, summary, { message: errorMessage(result), fields });
  }
}

// --- matches ---------------------------------------------------------------------------------

function matchItem(match) {
  const { offer } = match;
  const card = offerCard(offer, { headingLevel: 'h3' });
  const score = Number(match.score);
  if (Number.isFinite(score)) {
    card.querySelector('h3').after(h('p', {}, h('span', { class: 'score', text: `${Math.round(score)} / 100` }), ' correspondance'));
  }
  const reasons = match.reasons.map((reason) => h('li', { text: reason }));
  if (reasons.length) {
    card.append(h('p', { class: 'hint', text: 'Pourquoi cette offre :' }), h('ul', {}, reasons));
  }
  let answers = answerBlock(match, { onSignedOut: showSignedOut });
  const choice = matchChoice(match, {
    onAnswered: (updated) => {
      const fresh = answerBlock(updated, { onSignedOut: showSignedOut });
      answers.replaceWith(fresh);
      answers = fresh;
    },
  });
  card.append(choice, answers);
  return h('li', {}, card);
}

async function loadMatches(more = false) {
  setStatus(matchesStatus, 'Chargement des offres…');
  const result = await apiGet('/api/candidates/me/matches', { query: more ? { [CURSOR_PARAM]: matchesCursor } : {} });
  if (result.status !== 200) {
    setStatus(matchesStatus, errorMessage(result), 'error');
    return;
  }
  const items = listItems(result.body);
  matchesCursor = result.body && !Array.isArray(result.body) ? result.body.next || null : null;
  if (!more) {
    matchesList.replaceChildren();
  }
  matchesList.append(...items.map(matchItem));
  matchesMore.hidden = !matchesCursor;
  const count = matchesList.children.length;
  setStatus(matchesStatus, count
    ? ''
    : 'Aucune offre ne vous est proposée pour l’instant. Les mises en relation sont recalculées régulièrement : revenez bientôt.');
}

// --- data, deletion, sign-out ------------------------------------------------------------------

async function exportData() {
  const result = await apiGet('/api/candidates/me/export');
  if (result.status !== 200) {
    alertBox.textContent = errorMessage(result);
    return;
  }
  const blob = new Blob([JSON.stringify(result.body, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: 'mes-donnees-passerelle.json', hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  setStatus(status, 'Vos données ont été téléchargées (fichier mes-donnees-passerelle.json).', 'success');
}

function toggleDeleteConfirmation(open) {
  const start = document.getElementById('delete-start');
  document.getElementById('delete-confirm').hidden = !open;
  start.setAttribute('aria-expanded', String(open));
  (open ? document.getElementById('delete-question') : start).focus();
}

async function deleteAccount() {
  const result = await whileBusy(document.getElementById('delete-yes'), 'Suppression…', () => apiDelete('/api/candidates/me'));
  if (result.status === 204 || result.status === 200) {
    document.getElementById('space').hidden = true;
    setStatus(status, '');
    showPanel(document.getElementById('signed-out'), 'Votre compte a été supprimé',
      `Toutes vos données ont été effacées de ${service}. Merci d’avoir utilisé le service.`,
      h('p', {}, h('a', { href: '/', text: 'Retour à l’accueil' })));
  } else {
    alertBox.textContent = errorMessage(result);
  }
}

async function logout() {
  await apiPost('/api/auth/logout', {});
  window.location.assign('/connexion.html?deconnexion=1');
}

form.addEventListener('submit', savePreferences);
matchesMore.addEventListener('click', () => loadMatches(true));
document.getElementById('export').addEventListener('click', exportData);
document.getElementById('delete-start').addEventListener('click', () => toggleDeleteConfirmation(true));
document.getElementById('delete-no').addEventListener('click', () => toggleDeleteConfirmation(false));
document.getElementById('delete-yes').addEventListener('click', deleteAccount);
document.getElementById('logout').addEventListener('click', logout);

profileEditor({
  current: () => profile,
  onSaved: (updated) => {
    profile = updated;
    renderProfile(profile);
    fillPreferences(profile);
  },
  reload: loadProfile,
  onSignedOut: showSignedOut,
});

if (await loadProfile()) {
  // A link to a section (the digest's « Ne plus recevoir » goes to #preferences) once it is shown.
  const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (target) {
    target.scrollIntoView();
    if (target.tabIndex === -1) target.focus();
  }
  await loadMatches();
}

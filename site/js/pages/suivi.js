// suivi.html#token=…: the follow-up question e-mailed 1 and 6 months after the training's end.
// No sign-in: the token in the link is the key (GET/POST /api/followup/{token}). One click on a
// situation records it; the optional details (métier, commune, "Passerelle helped") follow.

import { apiGet, apiPost, errorMessage, fieldErrors } from '../api.js';
import { communeField, metierAutocomplete } from '../autocomplete.js';
import { clearErrors, h, setStatus, showErrors, whileBusy } from '../forms.js';
import { formatDate } from '../format.js';

const SITUATIONS = [
  ['emploi_cdi', 'Je suis en emploi en CDI'],
  ['emploi_cdd_6m_plus', 'Je suis en CDD de 6 mois ou plus'],
  ['emploi_cdd_moins_6m', 'Je suis en CDD de moins de 6 mois'],
  ['interim', 'Je suis en mission d’intérim'],
  ['alternance', 'Je suis en alternance (apprentissage, professionnalisation)'],
  ['creation', 'J’ai créé ou repris une entreprise'],
  ['formation', 'Je suis en formation'],
  ['recherche', 'Je cherche un emploi'],
  ['autre', 'Autre situation'],
];
const IN_JOB = new Set(['emploi_cdi', 'emploi_cdd_6m_plus', 'emploi_cdd_moins_6m', 'interim', 'alternance', 'creation']);
const DUE_WORDS = { '1m': 'un mois', '6m': 'six mois' };
const LABELS = new Map(SITUATIONS);

const alertBox = document.getElementById('alert');
const status = document.getElementById('status');
const question = document.getElementById('question');
const details = document.getElementById('details');
const detailsForm = document.getElementById('details-form');
const summary = document.getElementById('error-summary');
const buttons = document.getElementById('situation-buttons');

let token = null;
let current = null; // the answer as stored

function tokenFromHash() {
  return new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token');
}

function showQuestion() {
  details.hidden = true;
  question.hidden = false;
  for (const button of buttons.querySelectorAll('button')) {
    button.setAttribute('aria-pressed', String(current !== null && current.situation === button.value));
  }
  document.getElementById('titre-question').focus();
}

function showDetails(answer) {
  question.hidden = true;
  details.hidden = false;
  document.getElementById('recorded').textContent =
    `Votre réponse est enregistrée : « ${LABELS.get(answer.situation) || answer.situation} ».`;
  document.getElementById('job-fields').hidden = !IN_JOB.has(answer.situation);
  const helped = answer.found_via_passerelle;
  document.getElementById('helped-yes').checked = helped === true;
  document.getElementById('helped-no').checked = helped === false;
  document.getElementById('titre-details').focus();
}

async function send(body) {
  const result = await apiPost(`/api/followup/${encodeURIComponent(token)}`, body);
  if (result.status === 200 && result.body) {
    current = result.body.answer || null;
    return true;
  }
  if (result.status === 400) {
    showErrors(detailsForm, summary, { message: errorMessage(result), fields: fieldErrors(result) });
  } else {
    alertBox.textContent = errorMessage(result);
  }
  return false;
}

async function choose(situation, button) {
  alertBox.textContent = '';
  await whileBusy(button, 'Enregistrement…', async () => {
    if (await send({ situation })) {
      setStatus(status, 'Réponse enregistrée. Merci !');
      showDetails(current);
    }
  });
}

function detailsBody() {
  const body = { situation: current.situation };
  const helped = detailsForm.elements.found_via_passerelle.value;
  if (helped) body.found_via_passerelle = helped === 'true';
  if (IN_JOB.has(current.situation)) {
    const codeRome = document.getElementById('code_rome').value;
    const codeInsee = document.getElementById('code_insee').value;
    if (codeRome) body.code_rome = codeRome;
    else if (current.code_rome) body.code_rome = current.code_rome;
    if (codeInsee) body.code_insee = codeInsee;
    else if (current.code_insee) body.code_insee = current.code_insee;
  }
  return body;
}

detailsForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(detailsForm, summary);
  alertBox.textContent = '';
  await whileBusy(document.getElementById('details-submit'), 'Enregistrement…', async () => {
    if (await send(detailsBody())) {
      setStatus(status, 'Précisions enregistrées. Merci pour votre réponse !');
    }
  });
});

document.getElementById('change').addEventListener('click', () => {
  setStatus(status, '');
  showQuestion();
});

async function start() {
  token = tokenFromHash() || sessionStorage.getItem('passerelle-suivi');
  // The token leaves the address bar (and the history); the tab keeps it to allow a reload.
  if (window.location.hash) {
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  document.getElementById('loading').hidden = true;
  if (!token) {
    alertBox.textContent = 'Ce lien de suivi est incomplet. Ouvrez le lien tel que reçu par e-mail.';
    return;
  }
  sessionStorage.setItem('passerelle-suivi', token);
  const result = await apiGet(`/api/followup/${encodeURIComponent(token)}`);
  if (result.status !== 200 || !result.body) {
    alertBox.textContent = errorMessage(result);
    return;
  }
  const survey = result.body;
  current = survey.answer || null;
  document.getElementById('intro').textContent =
    `Bonjour ${survey.first_name}, votre formation « ${survey.training_title} » s’est terminée il y a ${DUE_WORDS[survey.due] || 'quelque temps'}.`;
  document.getElementById('expires').textContent = formatDate(survey.expires_on);
  buttons.replaceChildren(...SITUATIONS.map(([value, label]) => {
    const button = h('button', { type: 'button', class: 'secondary choice', value, text: label, 'aria-pressed': 'false' });
    button.addEventListener('click', () => choose(value, button));
    return button;
  }));
  communeField({ required: false });
  metierAutocomplete({
    container: document.getElementById('metier-autocomplete'),
    id: 'metier-input',
    labelId: 'metier-label',
    hiddenInput: document.getElementById('code_rome'),
    describedBy: ['metier-hint'],
  });
  if (current) {
    setStatus(status, 'Vous avez déjà répondu : vous pouvez préciser ou modifier votre réponse.');
    showDetails(current);
  } else {
    showQuestion();
  }
}

start();

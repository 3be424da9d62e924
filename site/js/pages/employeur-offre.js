// employeur/offre.html: publish an offer (POST /api/offers) or, with ?id=, edit one of one's own
// offers (GET /api/offers/{id} as its owner, then PATCH with If-Match: <version>).

import { apiGet, apiPatch, apiPost, errorMessage, fieldErrors } from '../api.js';
import { communeField, metierAutocomplete } from '../autocomplete.js';
import { competencePicker } from '../competences.js';
import { clearErrors, h, showErrors } from '../forms.js';
import { DATE_SHAPE, idempotencyKeys, showAccessProblem, todayInParis } from './employeur-common.js';
import { pageTitle } from '../region.js';

const MAX_COMPETENCES = 20;
const MAX_POSITIONS = 50;
const STALE = 'Cette offre a été modifiée entre-temps, rechargez la page.';
const NOT_YOURS = 'Cette offre appartient à un autre employeur : vous ne pouvez pas la modifier.';
const NOT_FOUND = 'Cette offre n’existe pas ou a été supprimée.';

const offerId = new URLSearchParams(window.location.search).get('id');
const editor = document.getElementById('editor');
const form = document.getElementById('offer-form');
const summary = document.getElementById('error-summary');
const alertBox = document.getElementById('alert');
const submitButton = document.getElementById('submit');
const codeRome = document.getElementById('code_rome');
const metierChosen = document.getElementById('metier-chosen');
const filter = document.getElementById('competence-filter');
const keys = idempotencyKeys();
const value = (id) => document.getElementById(id).value.trim();

let original = null; // in edit mode: the offer as read, to send only what changed
let version = null;

const competences = competencePicker({
  groups: document.getElementById('competence-groups'),
  tools: document.getElementById('competences-tools'),
  empty: document.getElementById('competences-empty'),
  filter,
  filterStatus: document.getElementById('competence-filter-status'),
});

function stop(message) {
  document.getElementById('loading').hidden = true;
  editor.hidden = true;
  alertBox.textContent = message;
}

// --- fields ----------------------------------------------------------------------------------

function mountCommune(initial) {
  const bassinText = document.getElementById('commune-bassin');
  const describe = (commune) => {
    bassinText.textContent = commune && commune.bassin && commune.bassin.label
      ? `Bassin d’emploi : ${commune.bassin.label}.`
      : '';
  };
  communeField({ initial, onSelect: describe });
  describe(initial);
}

// When editing, the métier field shows the current métier; the line below it says which métier
// is chosen, and emptying the field keeps the current one.
function mountMetier(current) {
  const say = (metier, prefix) => {
    metierChosen.textContent = metier ? `${prefix} : ${metier.label} (${metier.code_rome}).` : '';
  };
  const { input } = metierAutocomplete({
    container: document.getElementById('metier-autocomplete'),
    id: 'metier-input',
    labelId: 'metier-label',
    hiddenInput: codeRome,
    describedBy: ['metier-hint'],
    initial: current,
    onSelect: (metier) => {
      if (metier) {
        say(metier, 'Métier choisi');
        competences.setMetiers([{ code_rome: metier.code_rome, label: metier.label }]);
      } else {
        say(null);
      }
    },
  });
  if (current) {
    const keep = () => {
      codeRome.value = current.code_rome;
      metierChosen.textContent =
        `Métier actuel : ${current.label} (${current.code_rome}). Pour en changer, cherchez-en un autre dans ce champ.`;
    };
    keep();
    input.addEventListener('input', () => {
      if (!input.value.trim() && !codeRome.value) {
        keep();
      }
    });
  }
}

function competenceCodes(items) {
  return (items || []).map((item) => String(item && typeof item === 'object' ? item.code : item));
}

async function showCompetences(metier, checkedCodes) {
  await competences.setMetiers([metier]);
  const wanted = new Set(checkedCodes);
  for (const box of document.querySelectorAll('#competence-groups input[type=checkbox]')) {
    box.checked = wanted.has(box.value);
  }
  // The picker shows checked boxes whatever their rank, once it recomputes what is visible.
  filter.dispatchEvent(new Event('input'));
}

// --- edit mode -------------------------------------------------------------------------------

function fill(offer) {
  form.elements.title.value = offer.title || '';
  form.elements.description.value = offer.description || '';
  for (const radio of form.querySelectorAll('input[name=contract_type]')) {
    radio.checked = radio.value === offer.contract_type;
  }
  form.elements.positions.value = offer.positions ?? '';
  form.elements.start_date.value = String(offer.start_date || '').slice(0, 10);
  form.elements.expires_at.value = String(offer.expires_at || '').slice(0, 10);
}

/** The offer's commune as the commune field shows one (the shape of GET /api/referentials/communes). */
function communeOf(offer) {
  return { code_insee: offer.code_insee, name: offer.commune_name, postal_codes: [], bassin: offer.bassin };
}

async function loadOffer() {
  const result = await apiGet(`/api/offers/${encodeURIComponent(offerId)}`);
  if (result.status === 404) {
    stop(NOT_FOUND);
    return false;
  }
  if (result.status === 403) {
    stop(NOT_YOURS);
    return false;
  }
  if (result.status !== 200 || !result.body) {
    if (!showAccessProblem(result.status, editor)) {
      stop(errorMessage(result));
    }
    return false;
  }
  const offer = result.body;
  if (offer.version === undefined || offer.version === null) {
    stop(NOT_YOURS); // the public view: the signed-in employer does not own this offer
    return false;
  }
  if (offer.status === 'closed') {
    stop('Cette offre est clôturée : elle ne peut plus être modifiée.');
    return false;
  }
  version = offer.version;
  original = {
    title: offer.title,
    code_rome: offer.code_rome,
    description: offer.description,
    competences: competenceCodes(offer.competences).sort(),
    code_insee: offer.code_insee,
    contract_type: offer.contract_type,
    positions: offer.positions,
    start_date: String(offer.start_date || '').slice(0, 10),
    expires_at: String(offer.expires_at || '').slice(0, 10),
  };
  const metier = offer.code_rome ? { code_rome: offer.code_rome, label: offer.metier_label || offer.code_rome } : null;
  fill(offer);
  mountCommune(communeOf(offer));
  mountMetier(metier);
  if (metier) {
    await showCompetences(metier, original.competences);
  }
  return true;
}

function switchToEditMode() {
  document.getElementById('page-title').textContent = 'Modifier l’offre';
  document.title = pageTitle('Modifier l’offre');
  document.getElementById('intro').textContent =
    'Tous les champs sont obligatoires, sauf ceux marqués « facultatif ». Les candidats proposés sont recalculés après vos modifications.';
  submitButton.textContent = 'Enregistrer les modifications';
}

// --- submission ------------------------------------------------------------------------------

function payload() {
  const positions = value('positions');
  const body = {
    title: value('title'),
    code_rome: codeRome.value,
    description: form.elements.description.value.trim(),
    competences: competences.checkedCodes(),
    code_insee: value('code_insee'),
    contract_type: form.querySelector('input[name=contract_type]:checked')?.value || '',
    positions: positions === '' ? null : Number(positions),
    start_date: value('start_date'),
  };
  if (value('expires_at')) {
    body.expires_at = value('expires_at');
  }
  return body;
}

/** Edit mode sends only what changed: an unchanged start date already past stays accepted. */
function changesOf(body) {
  const changes = {};
  for (const [name, newValue] of Object.entries(body)) {
    const before = name === 'competences' ? [...original.competences] : original[name];
    const after = name === 'competences' ? [...newValue].sort() : newValue;
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      changes[name] = newValue;
    }
  }
  return changes;
}

function localErrors(body, checkDates) {
  const errors = {};
  const today = todayInParis();
  if (!body.title) {
    errors.title = 'Saisissez l’intitulé du poste.';
  } else if (body.title.length < 3) {
    errors.title = 'L’intitulé du poste doit compter au moins 3 caractères.';
  }
  if (!body.code_rome) {
    errors.code_rome = value('metier-input')
      ? 'Choisissez le métier dans la liste proposée.'
      : 'Saisissez le métier, puis choisissez-le dans la liste.';
  }
  if (!body.description) {
    errors.description = 'Décrivez le poste.';
  } else if (body.description.length < 10) {
    errors.description = 'Décrivez le poste en quelques mots au moins (10 caractères).';
  }
  if (body.code_rome && !body.competences.length) {
    errors.competences = 'Cochez au moins une compétence attendue.';
  } else if (body.competences.length > MAX_COMPETENCES) {
    errors.competences = `Cochez ${MAX_COMPETENCES} compétences au plus (${body.competences.length} cochées).`;
  }
  if (!body.code_insee) {
    errors.code_insee = value('commune-input')
      ? 'Choisissez la commune dans la liste proposée.'
      : 'Saisissez la commune du lieu de travail, puis choisissez-la dans la liste.';
  }
  if (!body.contract_type) errors.contract_type = 'Choisissez le type de contrat.';
  if (!Number.isInteger(body.positions) || body.positions < 1 || body.positions > MAX_POSITIONS) {
    errors.positions = `Indiquez le nombre de postes, nombre entier de 1 à ${MAX_POSITIONS}.`;
  }
  if (!DATE_SHAPE.test(body.start_date)) {
    errors.start_date = 'Indiquez la date de début, par exemple 01/09/2025.';
  } else if (checkDates.start_date && body.start_date < today) {
    errors.start_date = 'La date de début ne peut pas être passée.';
  }
  if (body.expires_at && checkDates.expires_at && body.expires_at <= today) {
    errors.expires_at = 'Le dernier jour de publication doit être après aujourd’hui.';
  }
  return errors;
}

function showFailure(result) {
  if (showAccessProblem(result.status === 401 ? 401 : 0, editor)) {
    return;
  }
  if (result.status === 409 && original) {
    showErrors(form, summary, { message: STALE });
    summary.append(h('p', {}, h('a', { href: window.location.href, text: 'Recharger la page' })));
    return;
  }
  const messages = { 403: NOT_YOURS, 404: NOT_FOUND };
  showErrors(form, summary, {
    message: messages[result.status] || errorMessage(result),
    fields: fieldErrors(result),
  });
}

async function submit(event) {
  event.preventDefault();
  const body = payload();
  const changes = original ? changesOf(body) : body;
  const errors = localErrors(body, {
    start_date: !original || 'start_date' in changes,
    expires_at: !original || 'expires_at' in changes,
  });
  if (Object.keys(errors).length) {
    showErrors(form, summary, { fields: errors });
    return;
  }
  clearErrors(form, summary);
  if (original && !Object.keys(changes).length) {
    showErrors(form, summary, { message: 'Vous n’avez rien modifié : il n’y a rien à enregistrer.' });
    return;
  }
  const label = submitButton.textContent;
  submitButton.disabled = true;
  submitButton.setAttribute('aria-busy', 'true');
  submitButton.textContent = 'Envoi en cours…';
  const result = original
    ? await apiPatch(`/api/offers/${encodeURIComponent(offerId)}`, changes, { headers: { 'If-Match': String(version) } })
    : await apiPost('/api/offers', body, { headers: { 'Idempotency-Key': keys.for(body) } });
  if (result.status >= 200 && result.status < 300) {
    // The button stays disabled: the page is being left.
    window.location.assign(`/employeur/espace.html?offre=${original ? 'modifiee' : 'publiee'}`);
    return;
  }
  submitButton.disabled = false;
  submitButton.removeAttribute('aria-busy');
  submitButton.textContent = label;
  showFailure(result);
}

async function start() {
  const account = await apiGet('/api/employers/me');
  if (showAccessProblem(account.status, editor)) {
    return;
  }
  if (account.status !== 200) {
    stop(errorMessage(account));
    return;
  }
  if (offerId) {
    switchToEditMode();
    if (!(await loadOffer())) {
      return;
    }
  } else {
    // The establishment's commune is the usual place of work: offered, not imposed.
    mountCommune(communeOf(account.body || {}));
    mountMetier(null);
  }
  document.getElementById('loading').hidden = true;
  editor.hidden = false;
  form.addEventListener('submit', submit);
}

await start();

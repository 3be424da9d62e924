// invitation.html#token=…: an invited trainee reads the invitation, completes the candidate
// sign-up (their own consent) or declines; with an account already, links the training to it.
// API.md v2, Invitations.

import { apiGet, apiPost, errorMessage, fieldErrors } from '../api.js';
import { communeField } from '../autocomplete.js';
import { clearErrors, h, setStatus, showErrors, showPanel, whileBusy } from '../forms.js';
import { formatDate } from '../format.js';
import { todayInParis } from './employeur-common.js';
import { regionLabel, service } from '../region.js';

const token = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token') || '';
const base = `/api/invitations/${encodeURIComponent(token)}`;
const form = document.getElementById('accept-form');
const summary = document.getElementById('error-summary');
const alertBox = document.getElementById('alert');
let fromAdvisor = false;

function finish(title, ...lines) {
  document.getElementById('invitation').hidden = true;
  showPanel(document.getElementById('done'), title, ...lines);
}

/** « Cuisinier, Commis de cuisine » from the labels the API gives (the code when it has none). */
function metierNames(training) {
  const labels = new Map((training.metiers || []).map((metier) => [metier.code_rome, metier.label]));
  return training.code_rome.map((code) => labels.get(code) || code).join(', ');
}

// An advisor's invitation: the structure filled the profile in; the person checks it and consents.
function prefill(invitation) {
  const data = invitation.prefill;
  fromAdvisor = true;
  document.getElementById('intro').textContent =
    `Votre conseillère ou conseiller de ${invitation.structure.name} a préparé votre inscription à ${service}, le service de la ${regionLabel} qui présente les personnes formées aux employeurs de leur bassin d’emploi. Vérifiez, corrigez si besoin, puis donnez votre accord.`;
  document.getElementById('titre-formation').textContent = 'Votre formation, renseignée par votre conseiller(ère)';
  document.getElementById('share-label').replaceChildren(
    `Je partage mon suivi (offres proposées, mes réponses, embauche, situation après la formation) avec ${invitation.structure.name}, qui m’accompagne. `,
    h('span', { class: 'optional', text: '(facultatif)' }));
  if (data.phone) document.getElementById('phone').value = data.phone;
  document.getElementById('mobility_km').value = String(data.mobility_km);
  for (const box of form.querySelectorAll('input[name=contract_types]')) box.checked = data.contract_types.includes(box.value);
  document.getElementById('available_from').value = data.available_from;
  return { code_insee: data.code_insee, name: data.commune_name, postal_codes: [] };
}

function mountCommune(initial) {
  communeField({ initial });
}

function show(invitation) {
  document.getElementById('intro').textContent =
    `${invitation.structure.name} vous invite sur ${service}, le service de la ${regionLabel} qui présente les personnes formées aux employeurs de leur bassin d’emploi.`;
  const training = invitation.training;
  if (training) {
    document.getElementById('training').replaceChildren(
      h('dt', { text: 'Formation' }), h('dd', { text: training.title }),
      h('dt', { text: 'Fin de formation' }), h('dd', { text: formatDate(training.end_date) }),
      h('dt', { text: training.code_rome.length > 1 ? 'Métiers' : 'Métier' }), h('dd', { text: metierNames(training) }),
      h('dt', { text: 'Adresse e-mail' }), h('dd', { text: invitation.email }),
    );
  }
  document.getElementById('first_name').value = invitation.first_name;
  document.getElementById('last_name').value = invitation.last_name;
  document.getElementById('available_from').value = todayInParis();
  mountCommune(invitation.prefill ? prefill(invitation) : null);
  document.getElementById('link-section').hidden = !invitation.account_exists;
  document.getElementById('signup-section').querySelector('form').hidden = invitation.account_exists;
  document.getElementById('invitation').hidden = false;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const value = (id) => document.getElementById(id).value.trim();
  const checked = (id) => document.getElementById(id).checked;
  const body = {
    first_name: value('first_name'),
    last_name: value('last_name'),
    code_insee: value('code_insee'),
    mobility_km: value('mobility_km') === '' ? null : Number(value('mobility_km')),
    contract_types: [...form.querySelectorAll('input[name=contract_types]:checked')].map((box) => box.value),
    available_from: value('available_from'),
    consent_terms: checked('consent_terms'),
    consent_contact: checked('consent_contact'),
    share_with_structure: checked('share_with_structure'),
  };
  if (value('phone')) body.phone = value('phone');
  const errors = {};
  if (!body.first_name) errors.first_name = 'Saisissez votre prénom.';
  if (!body.last_name) errors.last_name = 'Saisissez votre nom.';
  if (!body.code_insee) errors.code_insee = 'Saisissez votre commune, puis choisissez-la dans la liste.';
  if (body.mobility_km === null || !(body.mobility_km >= 0 && body.mobility_km <= 200)) errors.mobility_km = 'Indiquez une distance entre 0 et 200 km.';
  if (!body.contract_types.length) errors.contract_types = 'Cochez au moins un type de contrat.';
  if (!body.available_from) errors.available_from = 'Saisissez la date à partir de laquelle vous êtes disponible.';
  if (!body.consent_terms) errors.consent_terms = 'Vous devez accepter les conditions d’utilisation pour vous inscrire.';
  if (Object.keys(errors).length) {
    showErrors(form, summary, { fields: errors });
    return;
  }
  clearErrors(form, summary);
  const result = await whileBusy(document.getElementById('accept'), 'Inscription…', () => apiPost(base, body));
  if (result.status === 201) {
    finish('Votre inscription est enregistrée',
      `Vous êtes connecté(e). ${service} vous propose désormais les offres des employeurs de votre bassin d’emploi.`,
      'Vous pouvez changer à tout moment ce que vous partagez avec l’organisme.',
      h('p', {}, h('a', { class: 'button-link', href: '/candidat/espace.html', text: 'Aller à mon espace' }), ' ',
        h('a', { href: '/candidat/partage.html', text: 'Mon suivi partagé avec les organismes' })));
  } else if (result.status === 404) {
    finish('Cette invitation n’est plus valable', 'Elle a déjà servi ou a expiré. Connectez-vous si vous avez déjà un compte.');
  } else {
    showErrors(form, summary, { message: errorMessage(result), fields: fieldErrors(result) });
  }
});

document.getElementById('decline').addEventListener('click', async (event) => {
  const result = await whileBusy(event.currentTarget, 'Refus…', () => apiPost(`${base}/decline`, undefined));
  if (result.status === 204) {
    finish('Invitation refusée', fromAdvisor
      ? 'C’est noté : votre inscription préparée par votre structure n’est pas enregistrée, et la structure ne peut pas vous réinscrire. Aucune donnée vous concernant n’est montrée aux employeurs.'
      : 'C’est noté : vous ne recevrez plus d’invitation pour cette formation. Aucune donnée vous concernant n’est montrée aux employeurs.');
  } else {
    alertBox.textContent = errorMessage(result);
  }
});

document.getElementById('link').addEventListener('click', async (event) => {
  const result = await whileBusy(event.currentTarget, 'En cours…', () =>
    apiPost(`${base}/link`, { share_with_structure: document.getElementById('link-share').checked }));
  if (result.status === 204) {
    finish('La formation est reliée à votre compte', h('p', {}, h('a', { href: '/candidat/espace.html', text: 'Aller à mon espace' })));
  } else if (result.status === 401) {
    setStatus(document.getElementById('link-status'), 'Connectez-vous d’abord (page Connexion), puis cliquez à nouveau sur ce bouton.', 'error');
  } else {
    setStatus(document.getElementById('link-status'), errorMessage(result), 'error');
  }
});

// The token stays out of the history and of any Referer once read.
history.replaceState(null, '', window.location.pathname);
const result = token ? await apiGet(base) : { status: 404 };
document.getElementById('loading').hidden = true;
if (result.status === 200) {
  show(result.body);
} else if (result.status === 404) {
  document.getElementById('unknown').hidden = false;
  mountCommune(null);
} else {
  alertBox.textContent = errorMessage(result);
}

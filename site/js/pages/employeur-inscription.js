// employeur/inscription.html: employer sign-up, POST /api/employers (API.md, Employers and offers).

import { apiPost, errorMessage, fieldErrors } from '../api.js';
import { communeField } from '../autocomplete.js';
import { clearErrors, h, showErrors, showPanel, whileBusy } from '../forms.js';
import { EMAIL_SHAPE, idempotencyKeys } from './employeur-common.js';

const form = document.getElementById('employer-form');
const summary = document.getElementById('error-summary');
const bassinText = document.getElementById('commune-bassin');
const keys = idempotencyKeys();
const value = (id) => document.getElementById(id).value.trim();

communeField({ bassinText });

// SIRETs are printed in groups ("123 456 789 00012"): spaces are dropped, as the API does.
const siretDigits = (text) => text.replace(/[\s\u00a0\u202f]+/g, '');

/** Luhn key of the 14 digits; La Poste's establishments (SIREN 356000000) only need a digit sum
 *  that is a multiple of 5. The API checks again (and has the last word). */
function siretKeyIsValid(digits) {
  const sum = [...digits].reduce((total, character) => total + Number(character), 0);
  if (digits.startsWith('356000000')) {
    return sum % 5 === 0;
  }
  let luhn = 0;
  [...digits].reverse().forEach((character, index) => {
    let digit = Number(character);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    luhn += digit;
  });
  return luhn % 10 === 0;
}

function payload() {
  const body = {
    siret: siretDigits(value('siret')),
    company_name: value('company_name'),
    contact_name: value('contact_name'),
    email: value('email'),
    code_insee: value('code_insee'),
  };
  if (value('phone')) {
    body.phone = value('phone');
  }
  return body;
}

function localErrors(body) {
  const errors = {};
  if (!body.siret) {
    errors.siret = 'Saisissez le numéro SIRET de votre établissement.';
  } else if (!/^\d{14}$/.test(body.siret)) {
    errors.siret = 'Numéro SIRET invalide : 14 chiffres attendus.';
  } else if (!siretKeyIsValid(body.siret)) {
    errors.siret = 'Numéro SIRET invalide : vérifiez les chiffres saisis.';
  }
  if (!body.company_name) errors.company_name = 'Saisissez le nom de votre entreprise ou de votre établissement.';
  if (!body.code_insee) {
    errors.code_insee = value('commune-input')
      ? 'Choisissez la commune dans la liste proposée.'
      : 'Saisissez la commune de l’établissement, puis choisissez-la dans la liste.';
  }
  if (!body.contact_name) errors.contact_name = 'Saisissez le prénom et le nom de la personne à contacter.';
  if (!body.email) {
    errors.email = 'Saisissez votre adresse e-mail.';
  } else if (!EMAIL_SHAPE.test(body.email)) {
    errors.email = 'Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.';
  }
  return errors;
}

function showConfirmation() {
  document.getElementById('inscription').hidden = true;
  showPanel(
    document.getElementById('confirmation'),
    'Votre établissement est inscrit',
    'Inscription enregistrée. Un lien de connexion vient de vous être envoyé par e-mail.',
    'Ouvrez-le dans les 15 minutes pour accéder à votre espace et publier votre première offre. Pensez à regarder dans vos courriers indésirables.',
    h('p', {}, 'Pas de message ? ', h('a', { href: '/connexion.html', text: 'Demandez un nouveau lien de connexion' }), '.'),
  );
}

function showConflict(result) {
  showErrors(form, summary, {
    message: errorMessage(result),
    fields: { email: 'Un compte existe déjà avec cette adresse e-mail.' },
  });
  summary.append(h('p', {}, 'Votre établissement est déjà inscrit ? ', h('a', { href: '/connexion.html', text: 'Connectez-vous' }), ' pour retrouver votre espace.'));
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
  const key = keys.for(body);
  const result = await whileBusy(document.getElementById('submit'), 'Envoi en cours…', () =>
    apiPost('/api/employers', body, { headers: { 'Idempotency-Key': key } }));
  if (result.status === 201 || result.status === 200) {
    showConfirmation();
  } else if (result.status === 409) {
    showConflict(result);
  } else {
    showErrors(form, summary, { message: errorMessage(result), fields: fieldErrors(result) });
  }
}

form.addEventListener('submit', submit);

// organisme/demande.html: a structure asks for an account, POST /api/structures (API.md v2, Structures).

import { apiPost, errorMessage, fieldErrors } from '../api.js';
import { communeField } from '../autocomplete.js';
import { clearErrors, h, showErrors, showPanel, whileBusy } from '../forms.js';
import { EMAIL_SHAPE, idempotencyKeys } from './employeur-common.js';

const form = document.getElementById('structure-form');
const summary = document.getElementById('error-summary');
const networkField = document.getElementById('network-field');
const keys = idempotencyKeys();
const value = (id) => document.getElementById(id).value.trim();
const kind = () => form.querySelector('input[name=kind]:checked').value;

communeField();

function showNetwork() {
  networkField.hidden = kind() !== 'accompagnement';
}
form.querySelectorAll('input[name=kind]').forEach((radio) => radio.addEventListener('change', showNetwork));

function payload() {
  const body = {
    kind: kind(),
    siret: value('siret').replace(/[\s\u00a0\u202f]+/g, ''),
    name: value('name'),
    code_insee: value('code_insee'),
    contact_name: value('contact_name'),
    email: value('email'),
  };
  if (body.kind === 'accompagnement') body.network = value('network');
  if (value('phone')) body.phone = value('phone');
  return body;
}

function localErrors(body) {
  const errors = {};
  if (body.kind === 'accompagnement' && !body.network) errors.network = 'Choisissez le réseau de votre structure.';
  if (!body.name) errors.name = 'Saisissez le nom de votre structure.';
  if (!/^\d{14}$/.test(body.siret)) errors.siret = 'Numéro SIRET invalide : 14 chiffres attendus.';
  if (!body.code_insee) errors.code_insee = 'Saisissez la commune, puis choisissez-la dans la liste.';
  if (!body.contact_name) errors.contact_name = 'Saisissez votre prénom et votre nom.';
  if (!EMAIL_SHAPE.test(body.email)) errors.email = 'Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.';
  return errors;
}

async function submit(event) {
  event.preventDefault();
  const body = payload();
  if (body.network === '') delete body.network;
  const errors = localErrors(payload());
  if (Object.keys(errors).length) {
    showErrors(form, summary, { fields: errors });
    return;
  }
  clearErrors(form, summary);
  const result = await whileBusy(document.getElementById('submit'), 'Envoi en cours…', () =>
    apiPost('/api/structures', body, { headers: { 'Idempotency-Key': keys.for(body) } }));
  if (result.status === 201) {
    document.getElementById('demande').hidden = true;
    showPanel(
      document.getElementById('confirmation'),
      'Demande envoyée',
      'Votre demande est enregistrée : elle est en attente de validation par les agents de la Région.',
      'Vous recevrez un e-mail dès qu’elle sera traitée, avec votre lien de connexion si elle est validée.',
      h('p', {}, h('a', { href: '/', text: 'Retour à l’accueil' })),
    );
  } else {
    showErrors(form, summary, { message: errorMessage(result), fields: fieldErrors(result) });
  }
}

form.addEventListener('submit', submit);

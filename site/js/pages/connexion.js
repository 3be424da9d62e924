// connexion.html: (a) ask for a sign-in link by e-mail; (b) exchange the link's one-time token
// (connexion.html#token=…) for a session, then go to the space that matches the role.

import { apiPost, errorMessage, fieldErrors } from '../api.js';
import { clearErrors, setStatus, showErrors, whileBusy } from '../forms.js';
import { service } from '../region.js';

const SPACE_BY_ROLE = {
  candidate: '/candidat/espace.html',
  employer: '/employeur/espace.html',
  staff: '/agent/index.html',
  trainer: '/organisme/index.html',
  advisor: '/organisme/index.html',
};
const LINK_SENT =
  'Si un compte existe pour cette adresse, un lien de connexion vient d’être envoyé. Il est valable 15 minutes.';
const LINK_EXPIRED =
  'Ce lien n’est plus valable (déjà utilisé ou expiré). Demandez un nouveau lien.';
// A link cut by the mail client (or copied in part) has a malformed token: the API answers 400.
const LINK_TRUNCATED =
  'Ce lien de connexion est incomplet : il a sans doute été coupé en deux lignes par votre messagerie, ou copié en partie. Ouvrez-le en cliquant dessus dans l’e-mail, copiez-le en entier, ou demandez un nouveau lien ci-dessous.';
// The form accepts what looks like an address; the API has the last word.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const form = document.getElementById('magic-link-form');
const emailInput = document.getElementById('email');
const summary = document.getElementById('error-summary');
const requestSection = document.getElementById('demande-lien');
const status = document.getElementById('status');
const alertBox = document.getElementById('alert');

function tokenFromHash() {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  return params.get('token');
}

async function openSession(token) {
  // The token leaves the address bar (and the history) before anything else happens.
  history.replaceState(null, '', window.location.pathname + window.location.search);
  requestSection.hidden = true;
  setStatus(status, 'Connexion en cours…');
  const result = await apiPost('/api/auth/session', { token });
  if (result.status === 200 && result.body && SPACE_BY_ROLE[result.body.role]) {
    window.location.replace(SPACE_BY_ROLE[result.body.role]);
    return;
  }
  setStatus(status, '');
  requestSection.hidden = false;
  const truncated = result.status === 400 && fieldErrors(result).token;
  alertBox.textContent = result.status === 401 ? LINK_EXPIRED : truncated ? LINK_TRUNCATED : errorMessage(result);
  emailInput.focus();
}

async function requestLink(event) {
  event.preventDefault();
  clearErrors(form, summary);
  alertBox.textContent = '';
  setStatus(status, '');
  const email = emailInput.value.trim();
  if (!EMAIL_SHAPE.test(email)) {
    showErrors(form, summary, {
      fields: {
        email: email
          ? 'Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.'
          : 'Saisissez votre adresse e-mail.',
      },
    });
    return;
  }
  const button = form.querySelector('button[type=submit]');
  const result = await whileBusy(button, 'Envoi en cours…', () => apiPost('/api/auth/magic-link', { email }));
  if (result.status >= 200 && result.status < 300) {
    setStatus(status, LINK_SENT, 'success');
  } else if (result.status === 400 || result.status === 422) {
    showErrors(form, summary, { message: errorMessage(result), fields: fieldErrors(result) });
  } else {
    alertBox.textContent = errorMessage(result);
  }
}

form.addEventListener('submit', requestLink);

// A link opened in a tab that already shows this page only changes the hash: no reload.
window.addEventListener('hashchange', () => {
  const token = tokenFromHash();
  if (token) {
    alertBox.textContent = '';
    openSession(token);
  }
});

const token = tokenFromHash();
if (token) {
  openSession(token);
} else if (new URLSearchParams(window.location.search).has('deconnexion')) {
  setStatus(status, `Vous êtes déconnecté. À bientôt sur ${service}.`, 'success');
}

// Every page: the header knows who is signed in (GET /api/auth/state answers 200 with or without
// a session). Signed in, the sign-up links and « Se connecter » give way to « Mon espace » and
// « Se déconnecter »; signed out, the header stays as built.

import { apiGet, apiPost } from './api.js';
import { h } from './forms.js';

export const SPACE_BY_ROLE = {
  candidate: ['/candidat/espace.html', 'Mon espace candidat'],
  employer: ['/employeur/espace.html', 'Mon espace employeur'],
  staff: ['/agent/index.html', 'Espace agent'],
  trainer: ['/organisme/index.html', 'Espace de ma structure'],
  advisor: ['/organisme/index.html', 'Espace de ma structure'],
};
const SIGN_UP_AND_IN = ['/candidat/inscription.html', '/employeur/inscription.html', '/connexion.html'];

async function showSignedIn() {
  const menu = document.querySelector('.site-header nav ul');
  if (!menu) return;
  const state = await apiGet('/api/auth/state');
  if (state.status !== 200 || !state.body.signed_in) return;
  const [href, label] = SPACE_BY_ROLE[state.body.role] || ['/connexion.html', 'Mon espace'];
  for (const link of menu.querySelectorAll('a')) {
    if (SIGN_UP_AND_IN.includes(link.getAttribute('href'))) link.closest('li').remove();
  }
  const here = window.location.pathname === href;
  const space = h('a', { href, text: label, 'aria-current': here ? 'page' : null, 'data-role': state.body.role });
  const signOut = h('button', { type: 'button', class: 'header-signout', text: 'Se déconnecter' });
  signOut.addEventListener('click', async () => {
    await apiPost('/api/auth/logout', {});
    window.location.assign('/connexion.html?deconnexion=1');
  });
  menu.append(h('li', { class: 'header-space' }, space), h('li', {}, signOut));
}

showSignedIn();

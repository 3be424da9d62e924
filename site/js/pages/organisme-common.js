// Helpers shared by the structure pages (organisme/*.html): access and sign-out.

import { apiPost } from '../api.js';
import { showAccessProblem } from './employeur-common.js';

export const STATUS_LABELS = { invited: 'Invité(e)', registered: 'Inscrit(e)', declined: 'A refusé' };

/** Show #signed-out or #forbidden instead of #space for a 401 or 403; true when it did. */
export function accessProblem(status) {
  return showAccessProblem(status, document.getElementById('space'));
}

export function showSpace() {
  document.getElementById('loading').hidden = true;
  document.getElementById('space').hidden = false;
  document.getElementById('logout').hidden = false;
}

document.getElementById('logout').addEventListener('click', async () => {
  await apiPost('/api/auth/logout', {});
  window.location.assign('/connexion.html?deconnexion=1');
});

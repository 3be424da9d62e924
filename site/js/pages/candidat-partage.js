// candidat/partage.html: the organismes a candidate registered through, and the consent to share
// their progress with each (GET /api/candidates/me/sharing, POST …/{training_id}).

import { apiGet, apiPost, errorMessage } from '../api.js';
import { h, setStatus } from '../forms.js';
import { showAccessProblem } from './employeur-common.js';

const status = document.getElementById('status');

function item(entry) {
  const id = `share-${entry.training_id}`;
  const box = h('input', { type: 'checkbox', id, checked: entry.shared });
  box.addEventListener('change', async () => {
    const result = await apiPost(`/api/candidates/me/sharing/${encodeURIComponent(entry.training_id)}`, { shared: box.checked });
    if (result.status === 200) {
      setStatus(status, result.body.shared
        ? `${result.body.structure_name} voit désormais votre suivi.`
        : `${result.body.structure_name} ne voit plus votre suivi.`, 'success');
    } else {
      box.checked = !box.checked;
      setStatus(status, errorMessage(result), 'error');
    }
  });
  return h('li', {}, box, ' ', h('label', { for: id, text: `${entry.structure_name} — ${entry.training_title}` }));
}

const result = await apiGet('/api/candidates/me/sharing');
if (!showAccessProblem(result.status, document.getElementById('space'))) {
  document.getElementById('loading').hidden = true;
  if (result.status === 200) {
    const items = result.body.items;
    document.getElementById('none').hidden = items.length > 0;
    document.getElementById('sharing-form').hidden = items.length === 0;
    document.getElementById('sharing').replaceChildren(...items.map(item));
    document.getElementById('space').hidden = false;
  } else {
    document.getElementById('alert').textContent = errorMessage(result);
  }
}

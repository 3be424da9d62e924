// agent/structures.html: the queue of structures to review, validate / reject with a reason
// (API.md v2: GET /api/staff/structures, POST /api/staff/structures/{id}/decision).

import { CURSOR_PARAM, apiGet, apiPost, errorMessage, fieldErrors } from '../api.js';
import { h, setStatus, whileBusy } from '../forms.js';
import { accessProblem, formatDateTime, showSpace } from './agent-common.js';

const KIND_LABELS = { organisme_formation: 'Organisme de formation', accompagnement: 'Structure d’accompagnement' };
const NETWORK_LABELS = {
  france_travail: 'France Travail', mission_locale: 'Mission locale', cap_emploi: 'Cap emploi', apec: 'APEC', region: 'Région', autre: 'Autre',
};
const list = document.getElementById('structures');
const filter = document.getElementById('status-filter');
const status = document.getElementById('decision-status');
const more = document.getElementById('more');
let next = null;

function card(structure) {
  const headingId = `structure-${structure.id}`;
  const details = h('dl', { class: 'summary-list' },
    h('dt', { text: 'Type' }), h('dd', { text: KIND_LABELS[structure.kind] + (structure.network ? ` — ${NETWORK_LABELS[structure.network] || structure.network}` : '') }),
    h('dt', { text: 'SIRET' }), h('dd', { text: structure.siret }),
    h('dt', { text: 'Commune' }), h('dd', { text: `${structure.commune_name} (bassin de ${structure.bassin.label})` }),
    h('dt', { text: 'Demandeur' }), h('dd', { text: `${structure.contact_name} — ${structure.email}${structure.phone ? ` — ${structure.phone}` : ''}` }),
    h('dt', { text: 'Demande du' }), h('dd', { text: formatDateTime(structure.created_at) }),
  );
  if (structure.reason) details.append(h('dt', { text: 'Motif du refus' }), h('dd', { text: structure.reason }));
  const item = h('li', { class: 'card' }, h('h2', { id: headingId, tabindex: '-1', text: structure.name }), details);
  if (structure.status === 'pending') {
    const reasonId = `reason-${structure.id}`;
    const errorId = `${reasonId}-error`;
    const reason = h('textarea', { id: reasonId, rows: '2', maxlength: '500' });
    const error = h('p', { class: 'field-error', id: errorId, hidden: true });
    const validate = h('button', { type: 'button', id: `validate-${structure.id}`, text: `Valider ${structure.name}` });
    const reject = h('button', { type: 'button', id: `reject-${structure.id}`, class: 'secondary', text: `Refuser ${structure.name}` });
    validate.addEventListener('click', () => decide(structure, 'validate', validate, reason, error));
    reject.addEventListener('click', () => decide(structure, 'reject', reject, reason, error));
    item.append(
      h('label', { for: reasonId, text: 'Motif du refus (envoyé au demandeur)' }), error, reason,
      h('div', { class: 'button-row' }, validate, reject),
    );
  }
  return item;
}

async function decide(structure, decision, button, reason, error) {
  const body = { decision };
  if (decision === 'reject') body.reason = reason.value.trim();
  error.hidden = true;
  reason.removeAttribute('aria-invalid');
  const result = await whileBusy(button, 'Envoi…', () => apiPost(`/api/staff/structures/${encodeURIComponent(structure.id)}/decision`, body));
  if (result.status === 200) {
    setStatus(status, `${structure.name} : ${decision === 'validate' ? 'validée, le demandeur a reçu son lien de connexion' : 'refusée, le demandeur a reçu le motif'}.`, 'success');
    await load(true);
    filter.focus();
  } else if (!accessProblem(result.status)) {
    const message = fieldErrors(result).reason || errorMessage(result);
    error.textContent = `Erreur : ${message}`;
    error.hidden = false;
    reason.setAttribute('aria-invalid', 'true');
    reason.setAttribute('aria-describedby', error.id);
    reason.focus();
  }
}

async function load(reset) {
  const query = { status: filter.value, limit: 20 };
  if (!reset && next) query[CURSOR_PARAM] = next;
  const result = await apiGet('/api/staff/structures', { query });
  if (accessProblem(result.status)) return false;
  if (result.status !== 200) {
    setStatus(status, errorMessage(result), 'error');
    return true;
  }
  if (reset) list.replaceChildren();
  list.append(...result.body.items.map(card));
  next = result.body.next;
  more.hidden = !next;
  document.getElementById('empty').hidden = list.children.length > 0;
  return true;
}

filter.addEventListener('change', () => load(true));
more.addEventListener('click', () => load(false));
if (await load(true)) showSpace();

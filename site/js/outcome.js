// The employer's answer to a matched candidate (POST /api/offers/{id}/matches/{candidate_id}):
// contact, interview and hire only once the person said interested (the API refuses them
// otherwise, 409); « non retenu(e) » with a reason from the contract's list and a private comment;
// « embauché(e) » with the contract and the first day. Fields: MatchForEmployer.

import { apiPost, errorMessage, fieldErrors } from './api.js';
import { h } from './forms.js';
import { CONTRACT_LABELS, formatDate } from './format.js';

export const OUTCOMES = [
  ['contacted', 'Contacté(e)'],
  ['interview', 'Entretien'],
  ['hired', 'Embauché(e)'],
  ['not_retained', 'Non retenu(e)'],
];
export const OUTCOME_LABELS = Object.fromEntries(OUTCOMES);
const NEED_INTEREST = new Set(['contacted', 'interview', 'hired']);

// The employer's words; the candidate reads kinder ones (chalicelib/domain/responsiveness.py).
export const REASONS = [
  ['profil_inadapte', 'Profil ne correspondant pas au poste'],
  ['poste_pourvu', 'Poste déjà pourvu'],
  ['injoignable', 'Candidat(e) injoignable'],
  ['candidat_indisponible', 'Candidat(e) non disponible aux dates du poste'],
  ['autre', 'Autre raison'],
];
const REASON_LABELS = Object.fromEntries(REASONS);
const MAX_COMMENT = 500;

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

function recordedText(match) {
  const label = OUTCOME_LABELS[match.status];
  if (!label) return '';
  let text = `Suite enregistrée : ${label}`;
  if (match.status === 'not_retained' && REASON_LABELS[match.reason]) {
    text += ` (${REASON_LABELS[match.reason]})`;
  }
  if (match.status === 'hired') {
    const details = [
      match.hired_contract_type && CONTRACT_LABELS[match.hired_contract_type],
      match.hired_start_date && `à partir du ${formatDate(match.hired_start_date)}`,
    ].filter(Boolean);
    if (details.length) text += ` (${details.join(', ')})`;
  }
  return `${text}.`;
}

function labelled(id, text, name, extra = null) {
  return h('label', { for: id }, text, h('span', { class: 'visually-hidden', text: ` pour ${name}` }), extra);
}

/**
 * The form of one candidate's card. `onSignedOut` is called on a 401.
 */
export function outcomeForm(offer, match, name, { onSignedOut } = {}) {
  const interested = match.interested === true;
  const selectId = nextId('outcome');
  const hintId = `${selectId}-hint`;
  // Contact, interview and hire need the person's interest: they are not offered before it.
  const choices = OUTCOMES.filter(([code]) => interested || !NEED_INTEREST.has(code) || match.status === code);
  const select = h('select', { id: selectId, name: 'status', 'aria-describedby': interested ? null : hintId },
    h('option', { value: '', text: '— Choisir —' }),
    ...choices.map(([code, label]) => h('option', { value: code, text: label, selected: match.status === code })));

  const reasonId = `${selectId}-reason`;
  const reasonError = h('p', { class: 'field-error', id: `${reasonId}-error`, hidden: true });
  const reason = h('select', { id: reasonId, name: 'reason', 'aria-describedby': `${reasonId}-hint` },
    h('option', { value: '', text: '— Choisir la raison —' }),
    ...REASONS.map(([code, label]) => h('option', { value: code, text: label, selected: match.reason === code })));
  const commentId = `${selectId}-comment`;
  const comment = h('textarea', { id: commentId, name: 'comment', rows: '2', maxlength: String(MAX_COMMENT), 'aria-describedby': `${commentId}-hint` });
  comment.value = match.comment || '';
  const reasonPart = h('div', { class: 'outcome-details', hidden: true },
    labelled(reasonId, 'Raison', name),
    h('p', { class: 'hint', id: `${reasonId}-hint`, text: 'La personne en est informée avec des mots bienveillants.' }),
    reasonError,
    reason,
    labelled(commentId, 'Commentaire', name, h('span', { class: 'optional', text: ' (facultatif)' })),
    h('p', { class: 'hint', id: `${commentId}-hint`, text: `Note pour vous seul(e) : jamais montrée à la personne. ${MAX_COMMENT} caractères au plus.` }),
    comment);

  const contractId = `${selectId}-contract`;
  const contract = h('select', { id: contractId, name: 'contract_type' },
    h('option', { value: '', text: '— Non précisé —' }),
    ...Object.entries(CONTRACT_LABELS).map(([code, label]) => h('option', { value: code, text: label, selected: match.hired_contract_type === code })));
  const startId = `${selectId}-start`;
  const start = h('input', { type: 'date', id: startId, name: 'start_date', value: match.hired_start_date || null });
  const hirePart = h('div', { class: 'outcome-details', hidden: true },
    labelled(contractId, 'Contrat signé', name, h('span', { class: 'optional', text: ' (facultatif)' })),
    contract,
    labelled(startId, 'Premier jour', name, h('span', { class: 'optional', text: ' (facultatif)' })),
    start);

  const showDetails = () => {
    reasonPart.hidden = select.value !== 'not_retained';
    hirePart.hidden = select.value !== 'hired';
  };
  select.addEventListener('change', showDetails);
  showDetails();

  const message = h('p', { class: 'outcome-status', role: 'status', text: recordedText(match) });
  const button = h('button', { type: 'submit', class: 'secondary' }, 'Enregistrer',
    h('span', { class: 'visually-hidden', text: ` la suite donnée à ${name}` }));
  const form = h('form', { class: 'outcome', novalidate: true },
    labelled(selectId, 'Suite donnée', name),
    interested ? null : h('p', { class: 'hint', id: hintId, text: 'Le contact, l’entretien et l’embauche s’enregistrent une fois que la personne s’est déclarée intéressée par votre offre.' }),
    h('div', { class: 'outcome-row' }, select),
    reasonPart,
    hirePart,
    h('div', { class: 'outcome-row' }, button),
    message);

  const fail = (text, field = null) => {
    message.dataset.kind = 'error';
    message.textContent = `Erreur : ${text}`;
    if (field) field.focus();
  };
  const setReasonError = (text) => {
    reasonError.hidden = !text;
    reasonError.textContent = text ? `Erreur : ${text}` : '';
    if (text) {
      reason.setAttribute('aria-invalid', 'true');
      reason.setAttribute('aria-describedby', `${reasonId}-error ${reasonId}-hint`);
    } else {
      reason.removeAttribute('aria-invalid');
      reason.setAttribute('aria-describedby', `${reasonId}-hint`);
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setReasonError('');
    const chosen = select.value;
    if (!chosen) {
      fail('choisissez une suite dans la liste.', select);
      return;
    }
    const body = { status: chosen };
    if (chosen === 'not_retained') {
      if (!reason.value) {
        setReasonError('choisissez la raison.');
        fail('choisissez la raison pour laquelle la candidature n’est pas retenue.', reason);
        return;
      }
      body.reason = reason.value;
      if (comment.value.trim()) body.comment = comment.value.trim();
    }
    if (chosen === 'hired') {
      if (contract.value) body.contract_type = contract.value;
      if (start.value) body.start_date = start.value;
    }
    // Not whileBusy(): it would flatten the button's visually hidden part into visible text.
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    message.dataset.kind = 'info';
    message.textContent = 'Enregistrement…';
    const result = await apiPost(
      `/api/offers/${encodeURIComponent(offer.id)}/matches/${encodeURIComponent(match.candidate_id)}`, body);
    button.disabled = false;
    button.removeAttribute('aria-busy');
    if (result.status >= 200 && result.status < 300) {
      Object.assign(match, {
        status: result.body.status,
        reason: result.body.reason,
        hired_contract_type: result.body.hired_contract_type,
        hired_start_date: result.body.hired_start_date,
      });
      message.dataset.kind = 'success';
      message.textContent = recordedText(match);
    } else if (result.status === 401 && onSignedOut) {
      onSignedOut();
    } else {
      const fields = fieldErrors(result);
      const target = { reason, comment, contract_type: contract, start_date: start, status: select }[Object.keys(fields)[0]];
      if (fields.reason) setReasonError(fields.reason);
      fail(Object.values(fields)[0] || errorMessage(result), target || button);
    }
  });
  return form;
}

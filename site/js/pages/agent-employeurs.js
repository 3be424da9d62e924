// agent/employeurs.html: employers who leave interested people without an answer (GET
// /api/staff/employers?unanswered_days=), their answer rate, and the resumption of a paused
// employer (POST /api/staff/employers/{id}/resume). Fields: EmployerResponsivenessView.

import { apiGet, apiPost, errorMessage, fieldErrors } from '../api.js';
import { h, setStatus } from '../forms.js';
import { formatDate, formatPhone, plural } from '../format.js';
import { accessProblem, formatNumber, showSpace } from './agent-common.js';

const form = document.getElementById('filter-form');
const days = document.getElementById('unanswered_days');
const daysError = document.getElementById('unanswered_days-error');
const listStatus = document.getElementById('list-status');
const region = document.getElementById('list-region');
const rows = document.getElementById('list-rows');
const PERCENT = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

function rate(value) {
  return value === null || value === undefined ? '—' : `${PERCENT.format(Number(value) * 100)} %`;
}

function showDaysError(text) {
  daysError.hidden = !text;
  daysError.textContent = text ? `Erreur : ${text}` : '';
  if (text) {
    days.setAttribute('aria-invalid', 'true');
    days.setAttribute('aria-describedby', 'unanswered_days-error unanswered_days-hint');
    days.focus();
  } else {
    days.removeAttribute('aria-invalid');
    days.setAttribute('aria-describedby', 'unanswered_days-hint');
  }
}

function stateCell(row) {
  const cell = h('td');
  if (!row.paused_at) {
    cell.append('Proposées');
    return cell;
  }
  const text = h('span', { text: `En pause depuis le ${formatDate(row.paused_at)}` });
  const button = h('button', { type: 'button', class: 'secondary' }, 'Reprendre',
    h('span', { class: 'visually-hidden', text: ` : ${row.company_name}` }));
  button.addEventListener('click', async () => {
    button.disabled = true;
    const result = await apiPost(`/api/staff/employers/${encodeURIComponent(row.employer_id)}/resume`, {});
    if (accessProblem(result.status)) return;
    if (result.status === 200) {
      const replacement = stateCell(result.body);
      cell.replaceWith(replacement);
      setStatus(listStatus, `Les offres de ${row.company_name} sont de nouveau proposées aux candidats.`, 'success');
      replacement.setAttribute('tabindex', '-1');
      replacement.focus();
    } else {
      button.disabled = false;
      setStatus(listStatus, errorMessage(result), 'error');
    }
  });
  cell.append(text, ' ', button);
  return cell;
}

function employerCell(row) {
  const contact = [row.contact_name, row.email, row.phone && formatPhone(row.phone)].filter(Boolean).join(' · ');
  return h('th', { scope: 'row' }, h('span', { text: row.company_name }), h('br'), h('span', { class: 'hint-inline', text: contact }));
}

async function load() {
  showDaysError('');
  const value = days.value.trim();
  const number = Number(value);
  if (value === '' || !Number.isInteger(number) || number < 0 || number > 365) {
    showDaysError('indiquez un nombre entier de jours, de 0 à 365.');
    return;
  }
  setStatus(listStatus, 'Chargement…');
  const result = await apiGet('/api/staff/employers', { query: { unanswered_days: String(number) } });
  if (accessProblem(result.status)) return;
  showSpace();
  if (result.status !== 200) {
    const fields = fieldErrors(result);
    if (fields.unanswered_days) showDaysError(fields.unanswered_days);
    setStatus(listStatus, errorMessage(result), 'error');
    return;
  }
  const items = Array.isArray(result.body) ? result.body : [];
  rows.replaceChildren(...items.map((row) => h('tr', {},
    employerCell(row),
    h('td', { class: 'num', text: formatNumber(row.interests) }),
    h('td', { class: 'num', text: formatNumber(row.answered) }),
    h('td', { class: 'num', text: rate(row.answer_rate) }),
    h('td', { class: 'num', text: row.unanswered_days ? plural(row.unanswered_days, 'jour') : '—' }),
    stateCell(row))));
  region.hidden = !items.length;
  setStatus(listStatus, items.length
    ? `${plural(items.length, 'employeur')} ; chiffres du ${formatDate(items[0].computed_at)}.`
    : `Aucun employeur ne laisse de personne sans réponse depuis ${plural(number, 'jour')} ou plus (chiffres calculés chaque nuit).`);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});

await load();

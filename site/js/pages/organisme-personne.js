// organisme/personne.html?id=…: the matches of a person the structure accompanies, while they
// share their progress with it (GET /api/advisor/candidates/{id} and …/matches; otherwise 404).

import { apiGet, errorMessage } from '../api.js';
import { h } from '../forms.js';
import { offerCard } from '../offers.js';
import { accessProblem, showSpace } from './organisme-common.js';

const id = new URLSearchParams(window.location.search).get('id') || '';
const base = `/api/advisor/candidates/${encodeURIComponent(id)}`;
const INTEREST = { interested: 'Intéressée', not_interested: 'Pas intéressée' };

function row(term, detail) {
  return [h('dt', { text: term }), h('dd', { text: detail })];
}

function matchItem(match) {
  const card = offerCard(match.offer, { headingLevel: 'h3' });
  card.querySelector('h3').after(h('p', {}, h('span', { class: 'score', text: `${Math.round(Number(match.score))} / 100` }), ' correspondance'));
  if (match.reasons.length) card.append(h('p', { class: 'hint', text: 'Pourquoi cette offre :' }), h('ul', {}, match.reasons.map((reason) => h('li', { text: reason }))));
  card.append(h('p', { text: `Sa réponse : ${INTEREST[match.interest] || 'pas encore de réponse'}.` }));
  if (match.answer) card.append(h('p', { text: `Réponse de l’employeur : ${match.answer.label}${match.answer.reason_label ? ` — ${match.answer.reason_label}` : ''}.` }));
  return h('li', {}, card);
}

const person = await apiGet(base);
if (!accessProblem(person.status)) {
  if (person.status === 200) {
    const p = person.body;
    document.getElementById('page-title').textContent = `Offres proposées à ${p.first_name} ${p.last_name}`;
    document.getElementById('summary').replaceChildren(
      ...row('Offres proposées', String(p.matched ?? 0)),
      ...row('Intérêts déclarés', String(p.interested ?? 0)),
      ...row('Embauches', String(p.hired ?? 0)),
    );
    const matches = await apiGet(`${base}/matches`);
    if (matches.status === 200) {
      document.getElementById('no-match').hidden = matches.body.length > 0;
      document.getElementById('matches').replaceChildren(...matches.body.map(matchItem));
      document.getElementById('person').hidden = false;
    } else if (matches.status === 404) {
      document.getElementById('not-shared').hidden = false;
    } else {
      document.getElementById('alert').textContent = errorMessage(matches);
    }
  } else if (person.status === 404) {
    document.getElementById('not-shared').hidden = false;
  } else {
    document.getElementById('alert').textContent = errorMessage(person);
  }
  showSpace();
}

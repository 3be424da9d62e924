// The candidate's answer to one of their matches (« Ça m'intéresse » / « Pas intéressé(e) ») and
// what the employer did next: shared by the candidate space and the offer page. Reads
// MatchForCandidate (interest, status, status_label) and posts InterestRequest.

import { apiPost, errorMessage } from './api.js';
import { h } from './forms.js';

/** What the candidate said (MatchForCandidate.interest: interested, not_interested or null). */
export function decisionText(interest) {
  if (interest === 'interested') {
    return 'Vous avez indiqué que cette offre vous intéresse : l’employeur peut vous contacter.';
  }
  if (interest === 'not_interested') {
    return 'Vous avez indiqué que cette offre ne vous intéresse pas.';
  }
  return '';
}

const OUTCOME_TEXTS = {
  contacted: 'L’employeur a noté qu’il vous a contacté(e).',
  interview: 'L’employeur a noté un entretien avec vous.',
  hired: 'L’employeur a noté votre recrutement. Félicitations !',
  not_retained: 'L’employeur a noté que votre candidature n’est pas retenue pour ce poste.',
  sans_reponse: 'L’employeur n’a pas donné suite dans les 30 jours : cette mise en relation est close.',
};

/** What the employer recorded, in the candidate's words (MatchForCandidate.status). */
export function outcomeText(match) {
  if (!match.status) return '';
  return OUTCOME_TEXTS[match.status] || `Suite donnée par l’employeur : ${match.status_label || match.status}.`;
}

/** The two buttons, the sentence saying what was chosen, and the employer's answer if any. */
export function matchChoice(match, { onAnswered } = {}) {
  const { offer } = match;
  const decision = h('p', { role: 'status', class: 'decision', text: decisionText(match.interest) });
  const outcome = outcomeText(match);
  const { title } = offer;
  // The offer's title completes each button's name, for people who list buttons out of context.
  const yes = h('button', { type: 'button', class: 'choice-yes' }, 'Ça m’intéresse', h('span', { class: 'visually-hidden', text: ` : ${title}` }));
  const no = h('button', { type: 'button', class: 'secondary outline choice-no' },
    'Pas intéressé(e)', h('span', { class: 'visually-hidden', text: ` : ${title}` }));
  function showChoice(interested) {
    yes.setAttribute('aria-pressed', String(interested === true));
    no.setAttribute('aria-pressed', String(interested === false));
  }
  showChoice({ interested: true, not_interested: false }[match.interest] ?? null);
  async function answer(interested) {
    yes.disabled = true;
    no.disabled = true;
    const result = await apiPost(`/api/candidates/me/matches/${encodeURIComponent(offer.id)}`, { interested });
    yes.disabled = false;
    no.disabled = false;
    if (result.status >= 200 && result.status < 300) {
      showChoice(interested);
      decision.textContent = decisionText(interested ? 'interested' : 'not_interested');
      if (result.body && result.body.offer) {
        onAnswered?.(result.body); // the updated match (the employer's answer block follows it)
      }
    } else {
      decision.textContent = errorMessage(result);
    }
    (interested ? yes : no).focus();
  }
  yes.addEventListener('click', () => answer(true));
  no.addEventListener('click', () => answer(false));
  return h('div', { class: 'match-choice' },
    outcome ? h('p', { class: 'notice outcome', 'data-kind': ['not_retained', 'sans_reponse'].includes(match.status) ? null : 'success', text: outcome }) : null,
    h('div', { class: 'actions' }, yes, no),
    decision);
}

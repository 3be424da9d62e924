// What the employer answered, on one of the candidate's matched offers (MatchForCandidate.answer,
// reminder_from, reminded_at, employer_responsiveness), and the one reminder a candidate may send
// (POST /api/candidates/me/matches/{offer_id}/reminder).

import { apiPost, errorMessage } from './api.js';
import { h } from './forms.js';
import { formatDate, todayInParis } from './format.js';

function answerLine(answer) {
  return h('div', { class: 'answer' },
    h('p', {}, h('strong', { text: `${answer.label}` }), ` (le ${formatDate(answer.at)}).`),
    answer.reason_label ? h('p', { text: answer.reason_label }) : null,
    answer.status === 'not_retained' || answer.status === 'sans_reponse'
      ? h('p', { class: 'hint', text: 'D’autres offres vous correspondent sans doute : elles sont dans cette liste.' })
      : null);
}

/**
 * The block under a match: the employer's answer, or the reminder while there is none, and the
 * employer's answer rate in a sentence. `onSignedOut` is called on a 401.
 */
export function answerBlock(match, { onSignedOut } = {}) {
  const { offer } = match;
  const block = h('div', { class: 'employer-answer' });
  const status = h('p', { role: 'status' });
  const render = () => {
    const parts = [];
    if (match.answer) {
      parts.push(answerLine(match.answer));
    } else if (match.interest === 'interested') {
      parts.push(h('p', { text: 'L’employeur n’a pas encore donné de suite.' }));
      if (match.reminded_at) {
        parts.push(h('p', { tabindex: '-1', class: 'reminded', text: `Vous avez relancé l’employeur le ${formatDate(match.reminded_at)}.` }));
      } else if (match.reminder_from && match.reminder_from.slice(0, 10) > todayInParis()) {
        parts.push(h('p', { class: 'hint', text: `Sans réponse, vous pourrez le relancer une fois à partir du ${formatDate(match.reminder_from)}.` }));
      } else if (match.reminder_from) {
        const button = h('button', { type: 'button', class: 'secondary' }, 'Relancer l’employeur',
          h('span', { class: 'visually-hidden', text: ` : ${offer.title}` }));
        button.addEventListener('click', async () => {
          button.disabled = true;
          const result = await apiPost(`/api/candidates/me/matches/${encodeURIComponent(offer.id)}/reminder`, {});
          if (result.status === 202) {
            match.reminded_at = new Date().toISOString();
            render();
            status.dataset.kind = 'success';
            status.textContent = 'L’employeur a été relancé par e-mail.';
            block.querySelector('.reminded')?.focus();
          } else if (result.status === 401 && onSignedOut) {
            onSignedOut();
          } else {
            button.disabled = false;
            status.dataset.kind = 'error';
            status.textContent = `Erreur : ${errorMessage(result)}`;
            button.focus();
          }
        });
        parts.push(h('p', { class: 'hint', text: 'Vous pouvez relancer l’employeur une fois : il reçoit un e-mail.' }), button);
      }
    }
    if (match.employer_responsiveness) {
      parts.push(h('p', { class: 'hint', text: match.employer_responsiveness }));
    }
    block.replaceChildren(...parts, status);
  };
  render();
  return block;
}

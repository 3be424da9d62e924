// offre.html?id=…: one open offer, public view (GET /api/offers/{id}: company, description,
// competences, commune and bassin). A signed-in candidate to whom the offer is proposed also sees
// the match (GET /api/candidates/me/matches/{id}) and can answer « Ça m'intéresse » here.

import { apiGet, errorMessage } from '../api.js';
import { h } from '../forms.js';
import { contractLabel, formatDate, plural } from '../format.js';
import { matchChoice } from '../match-choice.js';
import { pageTitle } from '../region.js';

const alertBox = document.getElementById('alert');
const heading = document.getElementById('offer-title');

function detail(term, description) {
  return description ? [h('dt', { text: term }), h('dd', { text: description })] : [];
}

function renderOffer(offer) {
  heading.textContent = offer.title;
  document.title = pageTitle(`${offer.title} — Offre d’emploi`);
  document.getElementById('offer-company').textContent = offer.company_name
    ? `${offer.company_name} recrute à ${offer.commune_name}.`
    : `Poste à ${offer.commune_name}.`;
  const positions = Number(offer.positions);
  document.getElementById('offer-details').replaceChildren(
    ...detail('Entreprise', offer.company_name || ''),
    ...detail('Métier', offer.metier_label),
    ...detail('Lieu de travail', offer.commune_name),
    ...detail('Bassin d’emploi', offer.bassin.label),
    ...detail('Contrat', contractLabel(offer.contract_type)),
    ...detail('Postes', Number.isFinite(positions) && positions > 0 ? plural(positions, 'poste') : ''),
    ...detail('Début', `à partir du ${formatDate(offer.start_date)}`),
    ...detail('Offre ouverte', `jusqu’au ${formatDate(offer.expires_at)}`),
  );
  // The description is text typed by the employer: paragraphs from its blank lines, never markup.
  const paragraphs = String(offer.description).split(/\n\s*\n/).map((text) => text.trim()).filter(Boolean);
  document.getElementById('offer-description').replaceChildren(...paragraphs.map((text) => h('p', { text })));
  const competences = offer.competences.map((item) => h('li', { text: item.label }));
  document.getElementById('offer-competences').replaceChildren(
    ...(competences.length ? competences : [h('li', { text: 'Aucune compétence particulière indiquée.' })]));
  document.getElementById('offer').hidden = false;
}

async function showMatch(offerId) {
  const me = await apiGet('/api/auth/state');
  const notMatched = document.getElementById('not-matched');
  const text = document.getElementById('not-matched-text');
  if (me.status !== 200 || !me.body.signed_in) {
    text.replaceChildren('Les offres sont proposées aux personnes inscrites dont la formation y correspond. ',
      h('a', { href: '/candidat/inscription.html', text: 'Inscrivez-vous comme candidat(e)' }),
      ' ou ', h('a', { href: '/connexion.html', text: 'connectez-vous' }), '.');
    notMatched.hidden = false;
    return;
  }
  if (me.body.role !== 'candidate') return;
  const result = await apiGet(`/api/candidates/me/matches/${encodeURIComponent(offerId)}`);
  if (result.status !== 200) {
    text.replaceChildren('Cette offre ne fait pas partie des offres qui vous sont proposées : seules celles-ci peuvent recevoir votre réponse. ',
      h('a', { href: '/candidat/espace.html#offres', text: 'Voir les offres proposées pour vous' }), '.');
    notMatched.hidden = false;
    return;
  }
  const match = result.body;
  document.getElementById('match-score').textContent = `Correspondance : ${Math.round(Number(match.score))} / 100`;
  document.getElementById('match-reasons').replaceChildren(...match.reasons.map((reason) => h('li', { text: reason })));
  document.getElementById('match-choice').replaceChildren(matchChoice(match));
  document.getElementById('my-match').hidden = false;
}

async function load() {
  const offerId = new URLSearchParams(window.location.search).get('id');
  const loading = document.getElementById('loading');
  if (!offerId) {
    loading.hidden = true;
    heading.textContent = 'Offre introuvable';
    alertBox.replaceChildren('Aucune offre n’est indiquée dans l’adresse de cette page. ',
      h('a', { href: '/offres.html', text: 'Voir les offres ouvertes' }), '.');
    return;
  }
  const result = await apiGet(`/api/offers/${encodeURIComponent(offerId)}`);
  loading.hidden = true;
  if (result.status === 404) {
    heading.textContent = 'Offre introuvable';
    alertBox.replaceChildren('Cette offre n’existe pas ou n’est plus publiée (pourvue, clôturée ou expirée). ',
      h('a', { href: '/offres.html', text: 'Voir les offres ouvertes' }), '.');
    return;
  }
  if (result.status !== 200) {
    alertBox.textContent = errorMessage(result);
    return;
  }
  renderOffer(result.body);
  await showMatch(offerId);
}

await load();

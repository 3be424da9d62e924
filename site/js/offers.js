// Public view of an offer (GET /api/offers items, and the `offer` of a candidate's match): its
// title links to the offer's page (/offre.html?id=…), which shows the description and skills.

import { h } from './forms.js';
import { contractLabel, formatDate, plural } from './format.js';

function detail(term, description) {
  return description ? [h('dt', { text: term }), h('dd', { text: description })] : [];
}

/** The address of an offer's page. */
export function offerHref(offer) {
  return `/offre.html?id=${encodeURIComponent(offer.id)}`;
}

export function offerCard(offer, { headingLevel = 'h3' } = {}) {
  const place = [offer.commune_name, offer.bassin && offer.bassin.label ? `bassin de ${offer.bassin.label}` : '']
    .filter(Boolean)
    .join(' — ');
  const positions = Number(offer.positions);
  return h('article', { class: 'card' },
    h(headingLevel, {}, h('a', { href: offerHref(offer), text: offer.title || 'Offre sans titre' })),
    offer.metier_label ? h('p', { class: 'hint', text: `Métier : ${offer.metier_label}` }) : null,
    h('dl', {},
      ...detail('Entreprise', offer.company_name || ''),
      ...detail('Lieu', place),
      ...detail('Contrat', offer.contract_type ? contractLabel(offer.contract_type) : ''),
      ...detail('Postes', Number.isFinite(positions) && positions > 0 ? plural(positions, 'poste') : ''),
      ...detail('Début', offer.start_date ? `à partir du ${formatDate(offer.start_date)}` : ''),
      ...detail('Offre ouverte', offer.expires_at ? `jusqu’au ${formatDate(offer.expires_at)}` : '')));
}

// employeur/espace.html: the employer's own space (API.md, Employers and offers): company,
// own offers with their counts, closing an offer, matched candidates and their outcome,
// account deletion, sign-out. Fields are those of the OpenAPI schemas (EmployerView, OwnOfferPage,
// OfferView, MatchForEmployer): the e2e tests fail on a read of any other.

import { apiDelete, apiGet, apiPatch, apiPost, CURSOR_PARAM, errorMessage, listItems } from '../api.js';
import { h, setStatus, showPanel, whileBusy } from '../forms.js';
import { contractLabel, formatDate, formatPhone, plural } from '../format.js';
import { outcomeForm } from '../outcome.js';
import { companyEditor } from '../employer-company-editor.js';
import { showAccessProblem, takeFlag } from './employeur-common.js';
import { service } from '../region.js';

const FLAGS = {
  publiee: 'Votre offre est publiée. Les candidats qui lui correspondent vous seront proposés d’ici quelques minutes.',
  modifiee: 'Les modifications de votre offre sont enregistrées.',
};

const space = document.getElementById('space');
const alertBox = document.getElementById('alert');
const status = document.getElementById('status');
const offersList = document.getElementById('offers');
const offersStatus = document.getElementById('offers-status');
const offersMore = document.getElementById('offers-more');
const answerRate = document.getElementById('answer-rate');

let offersCursor = null;
let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

// --- company ---------------------------------------------------------------------------------

function row(term, description) {
  if (description === undefined || description === null || description === '') {
    return [];
  }
  return [h('dt', { text: term }), h('dd', { text: String(description) })];
}

/** "Metz — bassin de Metz" for an employer or an offer (commune_name, bassin). */
function communeText(item) {
  return `${item.commune_name} — bassin de ${item.bassin.label}`;
}

function renderCompany(employer) {
  const greeting = employer.contact_name ? `Bonjour ${employer.contact_name}.` : 'Bonjour.';
  document.getElementById('welcome').textContent = employer.company_name
    ? `${greeting} Espace de ${employer.company_name}.`
    : greeting;
  document.getElementById('company-summary').replaceChildren(
    ...row('Entreprise', employer.company_name),
    ...row('SIRET', employer.siret),
    ...row('Commune', communeText(employer)),
    ...row('Personne à contacter', employer.contact_name),
    ...row('Adresse e-mail', employer.email),
    ...row('Téléphone', employer.phone && formatPhone(employer.phone)),
  );
  digestForm.elements.digest.checked = !employer.digest_opt_out;
  account = employer;
}

// --- digest preference -----------------------------------------------------------------------

const digestForm = document.getElementById('digest-form');
const digestStatus = document.getElementById('digest-status');
let account = null;

digestForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!account) return;
  const result = await apiPatch(
    '/api/employers/me',
    { digest_opt_out: !digestForm.elements.digest.checked },
    { headers: { 'If-Match': String(account.version) } },
  );
  if (result.status === 200) {
    account = result.body;
    setStatus(digestStatus, 'Préférence enregistrée.');
  } else {
    setStatus(digestStatus, errorMessage(result));
  }
});

async function loadAccount() {
  const result = await apiGet('/api/employers/me');
  if (showAccessProblem(result.status, space)) {
    return false;
  }
  document.getElementById('loading').hidden = true;
  if (result.status !== 200) {
    alertBox.textContent = errorMessage(result);
    return false;
  }
  renderCompany(result.body || {});
  space.hidden = false;
  return true;
}

// --- offers ----------------------------------------------------------------------------------

function percent(share) {
  const number = Number(share);
  if (share === null || share === undefined || !Number.isFinite(number)) {
    return null;
  }
  return `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 }).format(number * 100)} %`;
}

function renderAnswerRate(body) {
  const rate = body && !Array.isArray(body) ? percent(body.answer_rate) : null;
  answerRate.hidden = rate === null;
  answerRate.textContent = rate === null
    ? ''
    : `Taux de réponse : vous avez donné une suite à ${rate} des candidats qui se sont déclarés intéressés par vos offres.`;
  const paused = body && !Array.isArray(body) ? body.paused_at : null;
  if (paused) {
    answerRate.hidden = false;
    answerRate.classList.add('notice');
    answerRate.dataset.kind = 'error';
    answerRate.textContent = `Vos offres ne sont plus proposées aux nouveaux candidats depuis le ${formatDate(paused)} : des personnes intéressées attendent votre réponse depuis plus de 30 jours. Indiquez ci-dessous la suite donnée à chacune (contact, entretien, embauche ou non retenue) : vos offres seront de nouveau proposées dès votre première réponse. ${answerRate.textContent}`.trim();
  }
}

function offerState(offer) {
  if (offer.status === 'closed') return { open: false, label: 'Clôturée', kind: 'closed' };
  if (offer.expired) return { open: false, label: 'Expirée', kind: 'closed' };
  return { open: true, label: 'Publiée', kind: 'open' };
}

function countsText({ counts }) {
  return [
    plural(counts.matches, 'proposé', 'proposés'),
    plural(counts.interested, 'intéressé', 'intéressés'),
    plural(counts.hired, 'recruté', 'recrutés'),
  ].join(', ');
}

function offerDetails(offer, state) {
  const metier = offer.metier_label;
  const place = communeText(offer);
  const positions = Number(offer.positions);
  let publication = '';
  if (offer.status === 'closed') {
    publication = offer.closed_at ? `clôturée le ${formatDate(offer.closed_at)}` : 'clôturée';
  } else if (offer.expires_at) {
    publication = `${state.open ? 'jusqu’au' : 'terminée le'} ${formatDate(offer.expires_at)}`;
  }
  return h('dl', {},
    ...row('Métier', metier ? `${metier}${offer.code_rome ? ` (${offer.code_rome})` : ''}` : offer.code_rome),
    ...row('Lieu', place),
    ...row('Contrat', offer.contract_type ? contractLabel(offer.contract_type) : ''),
    ...row('Postes', Number.isFinite(positions) && positions > 0 ? plural(positions, 'poste') : ''),
    ...row('Début', offer.start_date ? `à partir du ${formatDate(offer.start_date)}` : ''),
    ...row('Publication', publication),
    ...row('Candidats', countsText(offer)));
}

/** The offer's card; rebuilt in place after closing. */
function offerCard(offer) {
  const title = offer.title || 'Offre sans titre';
  const state = offerState(offer);
  const heading = h('h3', { tabindex: '-1', text: title });
  const card = h('article', { class: `card offer${state.open ? '' : ' offer-closed'}` },
    heading,
    h('p', {}, h('span', { class: `offer-state offer-state-${state.kind}`, text: state.label })),
    offerDetails(offer, state));
  const offerStatus = h('p', { class: 'notice', role: 'status' });
  const actions = h('div', { class: 'actions' });
  const named = (text) => [text, h('span', { class: 'visually-hidden', text: ` : ${title}` })];

  if (state.open && offer.id !== undefined) {
    actions.append(h('a', { class: 'button-link secondary', href: `/employeur/offre.html?id=${encodeURIComponent(offer.id)}` },
      ...named('Modifier')));
  }
  const candidates = candidatesRegion(offer, title);
  if (offer.id !== undefined) {
    const toggle = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': candidates.id });
    const label = h('span', { text: 'Voir les candidats' });
    toggle.append(label, h('span', { class: 'visually-hidden', text: ` : ${title}` }));
    toggle.addEventListener('click', async () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      label.textContent = open ? 'Masquer les candidats' : 'Voir les candidats';
      candidates.hidden = !open;
      if (open && !candidates.dataset.loaded) {
        await loadCandidates(offer, candidates);
      }
    });
    actions.append(toggle);
  }
  card.append(actions);

  if (state.open && offer.id !== undefined) {
    const confirmId = nextId('close-confirm');
    const question = h('p', { tabindex: '-1' },
      h('strong', { text: `Confirmez-vous la clôture de l’offre « ${title} » ?` }),
      ' Elle ne sera plus publiée ni proposée aux candidats, et ne pourra plus être modifiée.');
    const yes = h('button', { type: 'button', class: 'danger' }, 'Oui, clôturer l’offre');
    const no = h('button', { type: 'button', class: 'secondary' }, 'Non, la garder ouverte');
    const confirm = h('div', { id: confirmId, class: 'confirm', hidden: true }, question, h('div', { class: 'actions' }, yes, no));
    const start = h('button', { type: 'button', class: 'secondary outline', 'aria-expanded': 'false', 'aria-controls': confirmId },
      ...named('Clôturer'));
    const toggleConfirm = (open) => {
      confirm.hidden = !open;
      start.setAttribute('aria-expanded', String(open));
      (open ? question : start).focus();
    };
    start.addEventListener('click', () => toggleConfirm(true));
    no.addEventListener('click', () => toggleConfirm(false));
    yes.addEventListener('click', async () => {
      const result = await whileBusy(yes, 'Clôture…', () => apiPost(`/api/offers/${encodeURIComponent(offer.id)}/close`, {}));
      if (result.status >= 200 && result.status < 300) {
        const replacement = offerCard(result.body);
        card.replaceWith(replacement);
        // The page's live region (present from load) says it; the card shows « Clôturée ».
        setStatus(status, `L’offre « ${title} » est clôturée.`, 'success');
        replacement.querySelector('h3').focus();
      } else if (result.status === 401) {
        showAccessProblem(401, space);
      } else {
        setStatus(offerStatus, errorMessage(result), 'error');
        yes.focus();
      }
    });
    actions.append(start);
    card.append(confirm);
  }
  card.append(offerStatus, candidates);
  return card;
}

async function loadOffers(more = false) {
  setStatus(offersStatus, 'Chargement de vos offres…');
  const result = await apiGet('/api/employers/me/offers', { query: more ? { [CURSOR_PARAM]: offersCursor } : {} });
  if (result.status !== 200) {
    if (!showAccessProblem(result.status, space)) {
      setStatus(offersStatus, errorMessage(result), 'error');
    }
    return;
  }
  if (!more) {
    renderAnswerRate(result.body);
    offersList.replaceChildren();
  }
  const firstNew = offersList.children.length;
  offersCursor = result.body && !Array.isArray(result.body) ? result.body.next || null : null;
  offersList.append(...listItems(result.body).map((offer) => h('li', {}, offerCard(offer))));
  offersMore.hidden = !offersCursor;
  setStatus(offersStatus, offersList.children.length
    ? ''
    : `Vous n’avez pas encore publié d’offre. Publiez-en une : ${service} vous proposera les candidats formés de votre bassin d’emploi.`);
  if (more) {
    offersList.children[firstNew]?.querySelector('h3')?.focus();
  }
}

// --- matched candidates ----------------------------------------------------------------------

function candidatesRegion(offer, title) {
  const id = nextId('candidates');
  const headingId = `${id}-title`;
  const more = h('button', { type: 'button', class: 'secondary candidates-more', hidden: true }, 'Afficher plus de candidats');
  const region = h('section', { id, class: 'candidates', 'aria-labelledby': headingId, hidden: true },
    h('h4', { id: headingId, text: `Candidats proposés pour « ${title} »` }),
    h('p', { class: 'hint', text: 'Les meilleures correspondances d’abord. Ces personnes acceptent d’être contactées ; leur adresse e-mail et leur téléphone s’affichent dès qu’elles se déclarent intéressées par votre offre.' }),
    h('p', { class: 'notice candidates-status', role: 'status' }),
    h('ul', { class: 'results candidates-list' }),
    more);
  more.addEventListener('click', () => loadCandidates(offer, region, region.dataset.next));
  return region;
}

function interestText(match) {
  if (match.interested === true) return 'Intéressé(e) par votre offre';
  if (match.interested === false) return 'Pas intéressé(e) par cette offre';
  return 'Pas encore de réponse';
}

function trainingText(training) {
  const parts = [training.title];
  if (training.certification_obtained === true) parts.push('diplôme ou titre obtenu');
  if (training.certification_obtained === false) parts.push('diplôme ou titre non obtenu');
  return parts.filter(Boolean).join(', ');
}

function contactBlock(match) {
  if (!match.email && !match.phone) {
    return null;
  }
  const items = [];
  if (match.email) {
    items.push(h('li', {}, 'E-mail : ', h('a', { href: `mailto:${match.email}`, text: match.email })));
  }
  if (match.phone) {
    items.push(h('li', {}, 'Téléphone : ', h('a', { href: `tel:${match.phone}`, text: formatPhone(match.phone) })));
  }
  return h('div', { class: 'contact' }, h('p', { text: 'Coordonnées :' }), h('ul', {}, items));
}

function candidateCard(offer, match) {
  const name = match.first_name || 'Candidat';
  const score = Number(match.score);
  const { training } = match;
  const distance = Number(match.distance_km);
  const competences = match.competences.map((item) => item.label);
  const reasons = match.reasons.map((reason) => h('li', { text: reason }));
  return h('article', { class: 'card candidate' },
    h('h5', { text: name }),
    Number.isFinite(score) ? h('p', {}, h('span', { class: 'score', text: `${Math.round(score)} / 100` }), ' correspondance') : null,
    h('dl', {},
      ...row('Habite à', match.commune_name || ''),
      ...row('Formation', trainingText(match.training)),
      ...row('Fin de formation', training.end_date ? formatDate(training.end_date) : ''),
      ...row('Distance', match.distance_km !== null && match.distance_km !== undefined && Number.isFinite(distance)
        ? `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 }).format(distance)} km`
        : ''),
      ...row('Réponse', interestText(match))),
    reasons.length ? h('p', { class: 'hint', text: 'Pourquoi cette personne :' }) : null,
    reasons.length ? h('ul', {}, reasons) : null,
    competences.length ? h('p', {}, h('span', { class: 'hint-inline', text: 'Compétences : ' }), competences.join(', ')) : null,
    contactBlock(match),
    match.candidate_id !== undefined
      ? outcomeForm(offer, match, name, { onSignedOut: () => showAccessProblem(401, space) })
      : null);
}

async function loadCandidates(offer, region, cursor = null) {
  const regionStatus = region.querySelector('.candidates-status');
  const list = region.querySelector('.candidates-list');
  const more = region.querySelector('.candidates-more');
  region.setAttribute('aria-busy', 'true');
  setStatus(regionStatus, 'Chargement des candidats…');
  const result = await apiGet(`/api/offers/${encodeURIComponent(offer.id)}/matches`,
    { query: cursor ? { [CURSOR_PARAM]: cursor } : {} });
  region.removeAttribute('aria-busy');
  if (result.status !== 200) {
    if (!showAccessProblem(result.status === 401 ? 401 : 0, space)) {
      setStatus(regionStatus, errorMessage(result), 'error');
    }
    return;
  }
  region.dataset.loaded = 'true';
  const firstNew = list.children.length;
  list.append(...listItems(result.body).map((match) => h('li', {}, candidateCard(offer, match))));
  const next = result.body && !Array.isArray(result.body) ? result.body.next || null : null;
  region.dataset.next = next || '';
  more.hidden = !next;
  const count = list.children.length;
  setStatus(regionStatus, count
    ? `${plural(count, 'candidat proposé', 'candidats proposés')}.`
    : 'Aucun candidat ne correspond encore à cette offre. Les correspondances sont recalculées régulièrement : revenez bientôt.');
  if (cursor) {
    const heading = list.children[firstNew]?.querySelector('h5');
    heading?.setAttribute('tabindex', '-1');
    heading?.focus();
  }
}

// --- deletion, sign-out ----------------------------------------------------------------------

function toggleDeleteConfirmation(open) {
  const start = document.getElementById('delete-start');
  document.getElementById('delete-confirm').hidden = !open;
  start.setAttribute('aria-expanded', String(open));
  (open ? document.getElementById('delete-question') : start).focus();
}

async function deleteAccount() {
  const result = await whileBusy(document.getElementById('delete-yes'), 'Suppression…', () => apiDelete('/api/employers/me'));
  if (result.status === 204 || result.status === 200) {
    space.hidden = true;
    setStatus(status, '');
    showPanel(document.getElementById('signed-out'), 'Votre compte a été supprimé',
      `Vos offres sont clôturées et les informations de votre entreprise ont été effacées de ${service}. Merci d’avoir utilisé le service.`,
      h('p', {}, h('a', { href: '/', text: 'Retour à l’accueil' })));
  } else if (!showAccessProblem(result.status === 401 ? 401 : 0, space)) {
    alertBox.textContent = errorMessage(result);
  }
}

async function logout() {
  await apiPost('/api/auth/logout', {});
  window.location.assign('/connexion.html?deconnexion=1');
}

offersMore.addEventListener('click', () => loadOffers(true));
document.getElementById('delete-start').addEventListener('click', () => toggleDeleteConfirmation(true));
document.getElementById('delete-no').addEventListener('click', () => toggleDeleteConfirmation(false));
document.getElementById('delete-yes').addEventListener('click', deleteAccount);
document.getElementById('logout').addEventListener('click', logout);

companyEditor({
  current: () => account,
  onSaved: renderCompany,
  reload: loadAccount,
  onSignedOut: () => showAccessProblem(401, space),
});

const flag = takeFlag('offre');
if (await loadAccount()) {
  if (FLAGS[flag]) {
    setStatus(status, FLAGS[flag], 'success');
  }
  await loadOffers();
}

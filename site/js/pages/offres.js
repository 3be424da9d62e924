// offres.html: public list of open offers, GET /api/offers with optional filters.

import { apiGet, CURSOR_PARAM, errorMessage, listItems } from '../api.js';
import { communeAutocomplete, metierAutocomplete } from '../autocomplete.js';
import { h, setStatus } from '../forms.js';
import { offerCard } from '../offers.js';

const PAGE_SIZE = 20;

const form = document.getElementById('filters');
const bassinSelect = document.getElementById('bassin');
const results = document.getElementById('results');
const status = document.getElementById('results-status');
const more = document.getElementById('more');
const hidden = (id) => document.getElementById(id);

let cursor = null;
let filters = {};
let ticket = 0;

metierAutocomplete({
  container: document.getElementById('metier-autocomplete'),
  id: 'metier-input',
  labelId: 'metier-label',
  hiddenInput: hidden('code_rome'),
});
communeAutocomplete({
  container: document.getElementById('commune-autocomplete'),
  id: 'commune-input',
  labelId: 'commune-label',
  hiddenInput: hidden('code_insee'),
});

async function loadBassins() {
  const result = await apiGet('/api/referentials/bassins');
  if (result.status !== 200) {
    return; // the other filters still work; "Tous les bassins" stays the only choice
  }
  const options = listItems(result.body)
    .slice()
    .sort((a, b) => String(a.label).localeCompare(String(b.label), 'fr'))
    .map((bassin) => h('option', { value: bassin.code, text: bassin.label }));
  bassinSelect.append(...options);
}

function currentFilters() {
  const commune = hidden('code_insee').value;
  const radius = form.elements.radius_km.value;
  return {
    bassin: bassinSelect.value,
    code_rome: hidden('code_rome').value,
    commune,
    radius_km: commune && radius !== '' ? radius : '',
  };
}

async function search({ append = false } = {}) {
  const current = ++ticket;
  more.hidden = true;
  setStatus(status, 'Recherche en cours…');
  results.setAttribute('aria-busy', 'true');
  const query = { ...filters, limit: PAGE_SIZE };
  if (append && cursor) {
    query[CURSOR_PARAM] = cursor;
  }
  const result = await apiGet('/api/offers', { query });
  if (current !== ticket) {
    return; // a newer search was started meanwhile
  }
  results.removeAttribute('aria-busy');
  if (result.status !== 200) {
    setStatus(status, errorMessage(result), 'error');
    return;
  }
  const items = listItems(result.body);
  cursor = result.body && !Array.isArray(result.body) ? result.body.next || null : null;
  const firstNew = results.children.length;
  if (!append) {
    results.replaceChildren();
  }
  results.append(...items.map((offer) => h('li', {}, offerCard(offer, { headingLevel: 'h3' }))));
  more.hidden = !cursor;
  const count = results.children.length;
  if (!count) {
    setStatus(status, 'Aucune offre ne correspond à ces critères. Essayez d’élargir la recherche.');
  } else {
    setStatus(status, `${count} offre${count > 1 ? 's' : ''} affichée${count > 1 ? 's' : ''}${cursor ? ' ; d’autres offres sont disponibles' : ''}.`);
  }
  if (append) {
    // Keyboard users continue where the new offers start, the button having moved below them.
    const heading = results.children[firstNew]?.querySelector('h3');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  filters = currentFilters();
  search();
});
form.addEventListener('reset', () => {
  // Hidden inputs keep a value set by script through a reset (their value is their attribute).
  hidden('code_rome').value = '';
  hidden('code_insee').value = '';
  setTimeout(() => {
    filters = {};
    search();
  }, 0);
});
more.addEventListener('click', () => search({ append: true }));

loadBassins();
search();

// Commune and métier pickers built on GOV.UK's accessible-autocomplete, loaded as a classic
// script (site/vendor/accessible-autocomplete/…min.js) before the page modules; it exposes
// the global `accessibleAutocomplete`.

import { apiGet, listItems } from './api.js';
import { addDescribedBy, escapeHtml, h, idList } from './forms.js';
import { communeLabel, communeName, metierLabel } from './format.js';

const MIN_QUERY_LENGTH = 2;
const DEBOUNCE_MS = 250;

function library() {
  const create = globalThis.accessibleAutocomplete;
  if (typeof create !== 'function') {
    throw new Error('accessible-autocomplete n’est pas chargé : lancez scripts/build_site.py.');
  }
  return create;
}

// The library's own texts are English: every one of them is replaced.
function frenchTexts(state) {
  return {
    tNoResults: () => {
      if (state.pending) return 'Recherche en cours…';
      return state.failed ? 'Recherche indisponible pour le moment' : 'Aucun résultat';
    },
    tStatusQueryTooShort: (minimum) => `Saisissez au moins ${minimum} caractères pour obtenir des propositions.`,
    tStatusNoResults: () => (state.failed ? 'Recherche indisponible pour le moment.' : 'Aucun résultat.'),
    tStatusSelectedOption: (option, length, index) => `${option} (${index + 1} sur ${length}) est sélectionné.`,
    tStatusResults: (length, selected) =>
      `${length} ${length > 1 ? 'propositions disponibles' : 'proposition disponible'}. ${selected}`,
    tAssistiveHint: () =>
      'Quand des propositions apparaissent, parcourez-les avec les flèches haut et bas, puis validez avec Entrée. '
      + 'Sur écran tactile, explorez au toucher ou par balayage.',
  };
}

/** A debounced source that asks the API and drops answers to queries that were superseded. */
function remoteSource(path, state) {
  let timer = null;
  let latest = 0;
  return (query, populate) => {
    clearTimeout(timer);
    const ticket = ++latest;
    const text = query.trim();
    if (text.length < MIN_QUERY_LENGTH) {
      state.pending = false;
      populate([]);
      return;
    }
    state.pending = true;
    timer = setTimeout(async () => {
      const result = await apiGet(path, { query: { q: text } });
      if (ticket !== latest) {
        return;
      }
      state.pending = false;
      state.failed = result.status !== 200;
      state.lastQuery = text;
      populate(state.failed ? [] : listItems(result.body));
    }, DEBOUNCE_MS);
  };
}

// The library sets aria-describedby to its own hint and removes it once the person types;
// ids added with addDescribedBy() (hint, error message) are put back whenever that happens.
function keepDescribedBy(input) {
  const observer = new MutationObserver(() => {
    const current = idList(input.getAttribute('aria-describedby'));
    const missing = idList(input.dataset.extraDescribedby).filter((id) => !current.includes(id));
    if (missing.length) {
      input.setAttribute('aria-describedby', [...current, ...missing].join(' '));
    }
  });
  observer.observe(input, { attributes: true, attributeFilter: ['aria-describedby'] });
}

function mount({ container, id, labelId, path, suggestion, inputValue, onConfirm, required, describedBy, confirmOnBlur, defaultValue }) {
  const state = { failed: false, pending: false, lastQuery: '' };
  library()({
    element: container,
    id,
    name: '',
    source: remoteSource(path, state),
    minLength: MIN_QUERY_LENGTH,
    displayMenu: 'overlay',
    confirmOnBlur,
    required: Boolean(required),
    defaultValue: defaultValue || '',
    menuAttributes: labelId ? { 'aria-labelledby': labelId } : {},
    templates: {
      inputValue: (option) => (option && typeof option === 'object' ? inputValue(option, state.lastQuery) : ''),
      suggestion: (option) =>
        (option && typeof option === 'object' ? escapeHtml(suggestion(option, state.lastQuery)) : escapeHtml(option)),
    },
    onConfirm: (option) => onConfirm(option && typeof option === 'object' ? option : null),
    ...frenchTexts(state),
  });
  const input = document.getElementById(id);
  keepDescribedBy(input);
  for (const describedId of describedBy || []) {
    addDescribedBy(input, describedId);
  }
  return input;
}

/** The commune field as site/_macros.html's `commune` macro writes it (ids commune-*, the hidden
 *  code_insee). With `bassinText`, the chosen commune's bassin is said in that element. */
export function communeField({ required = true, initial, onSelect, bassinText } = {}) {
  return communeAutocomplete({
    container: document.getElementById('commune-autocomplete'),
    id: 'commune-input',
    labelId: 'commune-label',
    hiddenInput: document.getElementById('code_insee'),
    describedBy: ['commune-hint'],
    required,
    initial,
    onSelect: (commune) => {
      if (bassinText) {
        bassinText.textContent = commune && commune.bassin ? `Bassin d’emploi : ${commune.bassin.label}.` : '';
      }
      onSelect?.(commune);
    },
  });
}

/**
 * Commune field: the visible text input plus a hidden input that holds the chosen code_insee.
 * Typing after a choice empties the hidden value until a commune is chosen again ('input'
 * events come from the person only: the library's own updates of the value fire none).
 * @returns {{input: HTMLInputElement, selected: () => object|null}}
 */
export function communeAutocomplete({ container, id, labelId, hiddenInput, describedBy, required, onSelect, initial }) {
  let chosen = initial || null;
  const input = mount({
    container,
    id,
    labelId,
    path: '/api/referentials/communes',
    suggestion: communeLabel,
    inputValue: communeName,
    required,
    describedBy,
    confirmOnBlur: true,
    defaultValue: chosen ? communeName(chosen) : '',
    onConfirm: (commune) => {
      if (!commune) {
        return; // blur without a highlighted suggestion: keep the previous choice, if still typed
      }
      chosen = commune;
      hiddenInput.value = commune.code_insee;
      onSelect?.(commune);
    },
  });
  if (chosen) {
    hiddenInput.value = chosen.code_insee;
  }
  input.addEventListener('input', () => {
    if (chosen) {
      chosen = null;
      hiddenInput.value = '';
      onSelect?.(null);
    }
  });
  return { input, selected: () => chosen };
}

function metierSuggestion(metier) {
  return metier.appellation && metier.appellation !== metier.label
    ? `${metier.appellation} — ${metier.label} (${metier.code_rome})`
    : `${metier.label} (${metier.code_rome})`;
}

/** Single métier field (search filter, offer form): like the commune field, with a hidden
 * code_rome; `initial` ({code_rome, label}) is shown in the field and kept until changed. */
export function metierAutocomplete({ container, id, labelId, hiddenInput, describedBy, onSelect, initial }) {
  if (initial) {
    hiddenInput.value = initial.code_rome;
  }
  const input = mount({
    container,
    id,
    labelId,
    path: '/api/referentials/metiers',
    suggestion: metierSuggestion,
    inputValue: metierLabel,
    describedBy,
    confirmOnBlur: true,
    defaultValue: initial ? metierLabel(initial) : '',
    onConfirm: (metier) => {
      if (!metier) {
        return;
      }
      hiddenInput.value = metier.code_rome;
      onSelect?.(metier);
    },
  });
  input.addEventListener('input', () => {
    if (hiddenInput.value) {
      hiddenInput.value = '';
      onSelect?.(null);
    }
  });
  return { input };
}

/**
 * Several métiers: an autocomplete that adds each choice to a list of removable items.
 * Markup (ids derived from the root's id, here "x"): label#x-label, div#x-autocomplete,
 * ul#x-list, p#x-status (role=status), optional p#x-hint.
 * @returns {{codes: () => string[], items: () => object[], input: HTMLInputElement}}
 */
export function metierPicker(root, { onChange, initial = [] } = {}) {
  const id = root.id;
  const list = document.getElementById(`${id}-list`);
  const status = document.getElementById(`${id}-status`);
  const hint = document.getElementById(`${id}-hint`);
  const chosen = new Map(); // code_rome → {code_rome, label}

  function announce(text) {
    status.textContent = text;
  }

  function render() {
    list.replaceChildren();
    for (const metier of chosen.values()) {
      const name = `${metier.label} (${metier.code_rome})`;
      const remove = h('button', { type: 'button', class: 'chip-remove secondary outline', 'data-code': metier.code_rome },
        'Retirer', h('span', { class: 'visually-hidden', text: ` ${name}` }));
      remove.addEventListener('click', () => removeMetier(metier.code_rome));
      remove.addEventListener('keydown', (event) => {
        if (event.key === 'Delete' || event.key === 'Backspace') {
          event.preventDefault();
          removeMetier(metier.code_rome);
        }
      });
      list.append(h('li', { class: 'chip' }, h('span', { text: name }), remove));
    }
    list.hidden = chosen.size === 0;
  }

  function removeMetier(code) {
    const buttons = [...list.querySelectorAll('button[data-code]')];
    const index = buttons.findIndex((button) => button.dataset.code === code);
    const metier = chosen.get(code);
    chosen.delete(code);
    render();
    // Focus stays in the list (next item, else previous), or goes back to the search field.
    const remaining = [...list.querySelectorAll('button[data-code]')];
    (remaining[Math.min(index, remaining.length - 1)] || input).focus();
    announce(`Métier retiré : ${metier.label}.`);
    onChange?.([...chosen.values()]);
  }

  const input = mount({
    container: document.getElementById(`${id}-autocomplete`),
    id: `${id}-input`,
    labelId: `${id}-label`,
    path: '/api/referentials/metiers',
    suggestion: metierSuggestion,
    inputValue: metierLabel,
    describedBy: hint ? [hint.id] : [],
    // Tabbing away must not add the highlighted métier: only an explicit choice adds one.
    confirmOnBlur: false,
    onConfirm: (metier) => {
      if (!metier) {
        return;
      }
      if (chosen.has(metier.code_rome)) {
        announce(`${metier.label} est déjà dans la liste.`);
      } else {
        chosen.set(metier.code_rome, { code_rome: metier.code_rome, label: metier.label });
        render();
        announce(`Métier ajouté : ${metier.label}. ${chosen.size} métier${chosen.size > 1 ? 's' : ''} choisi${chosen.size > 1 ? 's' : ''}.`);
        onChange?.([...chosen.values()]);
      }
      // Empty the field for the next search, once the library has written the choice into it.
      // The input event makes the library take the empty value at once (it would otherwise
      // notice it by polling, and a quick Tab in between would bring the choice back).
      setTimeout(() => {
        input.value = '';
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }, 0);
    },
  });
  for (const metier of initial) {
    chosen.set(metier.code_rome, { code_rome: metier.code_rome, label: metier.label || metier.code_rome });
  }
  render();
  /** Adds métiers chosen elsewhere (the certification's), announcing them once. */
  function add(metiers) {
    const added = metiers.filter((m) => !chosen.has(m.code_rome));
    for (const metier of added) {
      chosen.set(metier.code_rome, { code_rome: metier.code_rome, label: metier.label });
    }
    if (added.length) {
      render();
      announce(`Métiers ajoutés : ${added.map((m) => m.label).join(', ')}.`);
      onChange?.([...chosen.values()]);
    }
  }
  return { codes: () => [...chosen.keys()], items: () => [...chosen.values()], input, add };
}

function certificationLabel(certification) {
  return certification.level ? `${certification.title} (niveau ${certification.level})` : certification.title;
}

/** The certification prepared (catalogue: GET /api/referentials/certifications), optional: the
 * hidden input holds its code; choosing one calls onSelect with it, typing again clears it. */
export function certificationAutocomplete({ container, id, labelId, hiddenInput, describedBy, onSelect }) {
  const input = mount({
    container,
    id,
    labelId,
    path: '/api/referentials/certifications',
    suggestion: certificationLabel,
    inputValue: (certification) => certification.title,
    describedBy,
    confirmOnBlur: false,
    onConfirm: (certification) => {
      if (!certification) {
        return;
      }
      hiddenInput.value = certification.code;
      onSelect?.(certification);
    },
  });
  input.addEventListener('input', () => {
    if (hiddenInput.value) {
      hiddenInput.value = '';
      onSelect?.(null);
    }
  });
  return { input };
}

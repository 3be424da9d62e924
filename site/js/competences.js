// Competence checkboxes for the métiers a candidate chose, grouped per métier, savoir-faire first.
// A fiche ROME has up to ~135 competences: each group shows the first few, the rest behind a
// button, and a filter box searches them all. Checked boxes always stay visible.

import { apiGet, listItems } from './api.js';
import { h } from './forms.js';
import { kindLabel, kindRank, searchable } from './format.js';

const SHOWN_PER_GROUP = 12;

export function competencePicker({ groups, tools, empty, filter, filterStatus }) {
  const cache = new Map(); // code_rome → Promise<{ok, items}>
  let ticket = 0;

  function load(codeRome) {
    if (!cache.has(codeRome)) {
      const request = apiGet(`/api/referentials/metiers/${encodeURIComponent(codeRome)}/competences`)
        .then((result) => ({ ok: result.status === 200, items: listItems(result.body) }));
      request.then(({ ok }) => ok || cache.delete(codeRome)); // retry a failed fiche next time
      cache.set(codeRome, request);
    }
    return cache.get(codeRome);
  }

  function checkedCodes() {
    return [...groups.querySelectorAll('input[type=checkbox]:checked')].map((box) => box.value);
  }

  function applyVisibility() {
    const query = searchable(filter.value.trim());
    let matches = 0;
    for (const group of groups.querySelectorAll('.competence-group')) {
      const expanded = group.dataset.expanded === 'true';
      let visibleInGroup = 0;
      for (const item of group.querySelectorAll('li[data-search]')) {
        const box = item.querySelector('input');
        const visible = query
          ? item.dataset.search.includes(query)
          : box.checked || expanded || Number(item.dataset.rank) < SHOWN_PER_GROUP;
        item.hidden = !visible;
        visibleInGroup += visible ? 1 : 0;
      }
      for (const section of group.querySelectorAll('.competence-kind')) {
        section.hidden = !section.querySelector('li[data-search]:not([hidden])');
      }
      const more = group.querySelector('.competence-more');
      if (more) {
        const hiddenCount = group.querySelectorAll('li[data-search][hidden]').length;
        more.hidden = Boolean(query) || expanded || hiddenCount === 0;
        more.textContent = `Afficher les ${hiddenCount} autres compétences de ce métier`;
      }
      matches += visibleInGroup;
    }
    filterStatus.textContent = query
      ? `${matches} compétence${matches > 1 ? 's' : ''} correspond${matches > 1 ? 'ent' : ''} à « ${filter.value.trim()} ».`
      : '';
  }

  function renderGroup(metier, result, seen, previouslyChecked) {
    const groupId = `competences-${metier.code_rome}`;
    const group = h('fieldset', { class: 'competence-group', id: groupId });
    group.append(h('legend', { text: `${metier.label} (${metier.code_rome})` }));
    if (!result.ok) {
      group.append(h('p', { class: 'notice', 'data-kind': 'error', text: 'Les compétences de ce métier n’ont pas pu être chargées. Réessayez plus tard.' }));
      return group;
    }
    const items = result.items
      .filter((item) => item && item.code !== undefined && !seen.has(String(item.code)))
      .map((item, index) => ({ ...item, code: String(item.code), index }))
      .sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || a.index - b.index);
    let rank = 0;
    let currentLabel = null;
    let list = null;
    for (const item of items) {
      seen.add(item.code);
      const label = kindLabel(item.kind);
      if (label !== currentLabel) {
        currentLabel = label;
        list = h('ul', { class: 'checkbox-list' });
        group.append(h('div', { class: 'competence-kind' }, h('h4', { text: label }), list));
      }
      const boxId = `competence-${item.code}`;
      list.append(h('li', { 'data-search': searchable(item.label), 'data-rank': String(rank) },
        h('input', { type: 'checkbox', id: boxId, name: 'competences', value: item.code, checked: previouslyChecked.has(item.code) }),
        ' ',
        h('label', { for: boxId, text: item.label })));
      rank += 1;
    }
    if (!items.length) {
      group.append(h('p', { text: 'Aucune autre compétence pour ce métier.' }));
    }
    if (rank > SHOWN_PER_GROUP) {
      const more = h('button', { type: 'button', class: 'competence-more secondary outline' });
      more.addEventListener('click', () => {
        group.dataset.expanded = 'true';
        const firstNew = group.querySelector(`li[data-rank="${SHOWN_PER_GROUP}"] input`);
        applyVisibility();
        firstNew?.focus(); // the button disappears: keep the keyboard where the new items start
      });
      group.append(more);
    }
    return group;
  }

  /** Rebuild the groups for these métiers ({code_rome, label}), keeping what was checked
   * (or checking `initialChecked`, the codes of a stored profile). */
  async function setMetiers(metiers, initialChecked = null) {
    const current = ++ticket;
    const previouslyChecked = new Set(initialChecked || checkedCodes());
    if (!metiers.length) {
      groups.replaceChildren();
      empty.hidden = false;
      tools.hidden = true;
      return;
    }
    empty.hidden = true;
    groups.setAttribute('aria-busy', 'true');
    const results = await Promise.all(metiers.map((metier) => load(metier.code_rome)));
    if (current !== ticket) {
      return; // the métiers changed again meanwhile
    }
    const seen = new Set();
    groups.replaceChildren(...metiers.map((metier, index) => renderGroup(metier, results[index], seen, previouslyChecked)));
    groups.removeAttribute('aria-busy');
    tools.hidden = false;
    applyVisibility();
  }

  filter.addEventListener('input', applyVisibility);
  return { setMetiers, checkedCodes };
}

// DOM helpers shared by the pages: element building, error summary, field errors, status messages.
// Rule: text that comes from a person or from the API is only ever set through textContent
// (or DOM attributes), never innerHTML. The only HTML strings are those the autocomplete
// library requires for its suggestions, built with escapeHtml().

/**
 * Build an element. attributes: {class, text, ...} — `text` sets textContent, `false`/`null`/
 * `undefined` values are skipped, `true` gives an empty attribute; children: nodes or strings.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    if (name === 'text') {
      element.textContent = String(value);
    } else if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

// --- aria-describedby bookkeeping --------------------------------------------------------
// Ids added here are also remembered in data-extra-describedby, so that a widget which
// rewrites aria-describedby itself (the autocomplete) can put them back.

export function idList(value) {
  return (value || '').split(/\s+/).filter(Boolean);
}

export function addDescribedBy(element, id) {
  const ids = idList(element.getAttribute('aria-describedby'));
  if (!ids.includes(id)) {
    element.setAttribute('aria-describedby', [...ids, id].join(' '));
  }
  const extra = idList(element.dataset.extraDescribedby);
  if (!extra.includes(id)) {
    element.dataset.extraDescribedby = [...extra, id].join(' ');
  }
}

export function removeDescribedBy(element, id) {
  const ids = idList(element.getAttribute('aria-describedby')).filter((item) => item !== id);
  if (ids.length) {
    element.setAttribute('aria-describedby', ids.join(' '));
  } else {
    element.removeAttribute('aria-describedby');
  }
  element.dataset.extraDescribedby = idList(element.dataset.extraDescribedby)
    .filter((item) => item !== id)
    .join(' ');
}

// --- field errors ------------------------------------------------------------------------
// Markup convention: the element that represents a field carries data-field="<API field path>"
// and an id; its message goes in the element whose id is "<id>-error". For a group
// (fieldset of checkboxes, métier picker) the data-field element is the group container.

const FOCUSABLE = 'input:not([type=hidden]):not([disabled]), select, textarea, button';

function isControl(element) {
  return element.matches('input, select, textarea');
}

/** The element of `form` that carries the given API field path, trying shorter prefixes
 *  ("training.code_rome.0" → "training.code_rome"), and without a leading "body.". */
export function findField(form, path) {
  const parts = String(path).replace(/^body\./, '').split('.');
  while (parts.length) {
    const found = form.querySelector(`[data-field="${CSS.escape(parts.join('.'))}"]`);
    if (found) {
      return found;
    }
    parts.pop();
  }
  return null;
}

export function focusTarget(field) {
  if (isControl(field)) {
    return field;
  }
  return field.querySelector(FOCUSABLE) || field;
}

// Where the message is announced: the control itself, the fieldset of a group (as GOV.UK does),
// or the text input of a composite widget such as the métier picker.
function describedElement(field) {
  if (isControl(field) || field.tagName === 'FIELDSET') {
    return field;
  }
  return focusTarget(field);
}

function invalidElement(field) {
  if (isControl(field)) {
    return field;
  }
  const target = focusTarget(field);
  return field.tagName !== 'FIELDSET' && target.matches('input[type=text], input:not([type])') ? target : null;
}

export function setFieldError(field, message) {
  const errorElement = document.getElementById(`${field.id}-error`);
  if (errorElement) {
    // A visible word, not only a colour, tells that this is an error (WCAG 1.4.1).
    errorElement.textContent = `Erreur : ${message}`;
    errorElement.hidden = false;
    addDescribedBy(describedElement(field), errorElement.id);
  }
  const invalid = invalidElement(field);
  if (invalid) {
    invalid.setAttribute('aria-invalid', 'true');
  }
  field.classList.add('has-error');
}

export function clearFieldError(field) {
  const errorElement = document.getElementById(`${field.id}-error`);
  if (errorElement) {
    errorElement.textContent = '';
    errorElement.hidden = true;
    removeDescribedBy(describedElement(field), errorElement.id);
  }
  const invalid = invalidElement(field);
  if (invalid) {
    invalid.removeAttribute('aria-invalid');
  }
  field.classList.remove('has-error');
}

export function clearErrors(form, summary) {
  for (const field of form.querySelectorAll('[data-field]')) {
    clearFieldError(field);
  }
  if (summary) {
    summary.hidden = true;
    summary.replaceChildren();
  }
}

/**
 * Show field messages next to their fields and an error summary listing them, then move
 * focus to the summary (role=alert) so that the errors are announced and reachable.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} summary  an empty container with role=alert and tabindex=-1
 * @param {{message?: string, fields?: Record<string, string>}} errors
 */
export function showErrors(form, summary, { message, fields = {} }) {
  clearErrors(form, summary);
  const items = [];
  for (const [path, fieldMessage] of Object.entries(fields)) {
    const text = String(fieldMessage);
    const field = findField(form, path);
    if (!field) {
      items.push(h('li', { text }));
      continue;
    }
    setFieldError(field, text);
    const target = focusTarget(field);
    const link = h('a', { href: `#${target.id || field.id}`, text });
    link.addEventListener('click', (event) => {
      event.preventDefault();
      target.focus();
      target.scrollIntoView({ block: 'center' });
    });
    items.push(h('li', {}, link));
  }
  const count = items.length;
  const title = count > 1
    ? `Le formulaire contient ${count} erreurs`
    : 'Le formulaire contient une erreur';
  summary.append(h('h2', { text: count ? title : 'L’envoi n’a pas abouti' }));
  if (message && (!count || message !== title)) {
    summary.append(h('p', { text: message }));
  }
  if (count) {
    summary.append(h('ul', {}, items));
  }
  summary.hidden = false;
  summary.focus();
}

// --- status messages -----------------------------------------------------------------------

/** Put a message in a live region that exists from page load (kind: info | success | error). */
export function setStatus(element, text, kind = 'info') {
  element.dataset.kind = kind;
  element.textContent = text || '';
}

/** Replace the content of `container` with a heading and paragraphs, and move focus there. */
export function showPanel(container, title, ...paragraphs) {
  const heading = h('h2', { tabindex: '-1', text: title });
  container.replaceChildren(heading, ...paragraphs.map((p) => (p instanceof Node ? p : h('p', { text: p }))));
  container.hidden = false;
  heading.focus();
  return heading;
}

/** Disable a submit button while a request runs, with a French "busy" label. */
export async function whileBusy(button, busyLabel, task) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = busyLabel;
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

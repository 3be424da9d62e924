// A « Modifier … » panel of a space (candidate profile, employer company): a toggle button that
// opens the form (filled from the resource as last read), browser-side checks, PATCH with
// If-Match, and on 409 a clear message with a button that reads the resource again.

import { apiPatch, errorMessage, fieldErrors } from './api.js';
import { clearErrors, h, setStatus, showErrors, whileBusy } from './forms.js';

/**
 * @param {object} o
 * @param {string} o.prefix ids: `${prefix}-edit` (toggle), `-editor`, `-form`, `-error-summary`,
 *   `-status`, `-save`, `-cancel`; `o.heading` is the id of the editor's heading (focused on open)
 * @param {string} o.path the resource (PATCH)
 * @param {() => object} o.current the resource as last read (with its version)
 * @param {(resource: object) => void} o.fill fills the form from the resource
 * @param {() => {body: object, errors: object}} o.collect the PATCH body and the browser's errors
 * @param {{saved: string, stale: string, reload: string}} o.texts
 * @param {(resource: object) => void} o.onSaved called with the 200's body
 * @param {() => Promise<unknown>} o.reload reads the resource again
 * @param {() => void} o.onSignedOut
 */
export function editPanel(o) {
  const byId = (suffix) => document.getElementById(`${o.prefix}-${suffix}`);
  const toggle = byId('edit');
  const editor = byId('editor');
  const form = byId('form');
  const summary = byId('error-summary');
  const status = byId('status');

  function open(isOpen) {
    editor.hidden = !isOpen;
    toggle.setAttribute('aria-expanded', String(isOpen));
    if (isOpen) {
      clearErrors(form, summary);
      setStatus(status, '');
      o.fill(o.current());
      document.getElementById(o.heading).focus();
    } else {
      toggle.focus();
    }
  }

  async function save(event) {
    event.preventDefault();
    clearErrors(form, summary);
    const { body, errors } = o.collect();
    if (Object.keys(errors).length) {
      showErrors(form, summary, { fields: errors });
      return;
    }
    const result = await whileBusy(byId('save'), 'Enregistrement…', () =>
      apiPatch(o.path, body, { headers: { 'If-Match': String(o.current().version) } }));
    if (result.status === 200) {
      o.onSaved(result.body);
      editor.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
      setStatus(status, o.texts.saved, 'success');
      toggle.focus();
    } else if (result.status === 409) {
      showErrors(form, summary, { message: o.texts.stale });
      const again = h('button', { type: 'button', class: 'secondary', text: o.texts.reload });
      again.addEventListener('click', async () => {
        await o.reload();
        open(true);
      });
      summary.append(h('p', {}, again));
    } else if (result.status === 401) {
      o.onSignedOut();
    } else {
      showErrors(form, summary, { message: errorMessage(result), fields: fieldErrors(result) });
    }
  }

  toggle.addEventListener('click', () => open(editor.hidden));
  byId('cancel').addEventListener('click', () => open(false));
  form.addEventListener('submit', save);
}

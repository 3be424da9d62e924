// Helpers shared by the employer pages (employeur/*.html) and the staff pages (agent/*.html).

/** A random UUID v4, with a fallback for browsers without crypto.randomUUID (non-HTTPS origins). */
function newKey() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Idempotency-Key values for a form that creates something (API.md: same key + same body →
 * same answer, no duplicate). A retry of the same content (lost answer, network error) reuses
 * the key; changed content gets a new one, and so does the next creation once `reset()` is
 * called after a success (an agent may well run the same export twice on purpose).
 */
export function idempotencyKeys() {
  let last = { key: null, body: null };
  return {
    for(body) {
      const text = JSON.stringify(body);
      if (last.body !== text) {
        last = { key: newKey(), body: text };
      }
      return last.key;
    },
    reset() {
      last = { key: null, body: null };
    },
  };
}

/**
 * Show the block that explains why the page cannot be used: #signed-out (401) or
 * #forbidden (403, another role). Hides #loading and the page's main block.
 * @returns {boolean} true when the status was one of those (the caller stops there).
 */
export function showAccessProblem(status, mainBlock) {
  const blockId = status === 401 ? 'signed-out' : status === 403 ? 'forbidden' : null;
  if (!blockId) {
    return false;
  }
  document.getElementById('loading').hidden = true;
  if (mainBlock) {
    mainBlock.hidden = true;
  }
  document.getElementById(blockId).hidden = false;
  return true;
}

/** Query-string messages from one page to the next (?offre=publiee), read once then removed. */
export function takeFlag(name) {
  const params = new URLSearchParams(window.location.search);
  const value = params.get(name);
  if (value !== null) {
    params.delete(name);
    const query = params.toString();
    history.replaceState(null, '', window.location.pathname + (query ? `?${query}` : '') + window.location.hash);
  }
  return value;
}

export const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

export { todayInParis } from '../format.js';

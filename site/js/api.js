// Thin fetch wrapper for the same-origin JSON API (/api/…, see API.md).
// Every call resolves — never rejects — to {status, body, headers}: pages branch on the status
// and always find a French message in body.error.message, even when the network is down
// (status 0) or a proxy answered with something that is not the API's JSON.

export const NETWORK_ERROR_MESSAGE =
  'Impossible de joindre le service. Vérifiez votre connexion internet, puis réessayez.';
export const GENERIC_ERROR_MESSAGE =
  'Une erreur inattendue est survenue. Réessayez dans quelques instants.';

// Query parameter that carries the opaque `next` cursor of a paginated list back to the API.
export const CURSOR_PARAM = 'next'; // API.md: lists take ?limit= and the opaque cursor as ?next=

// The contract check (tests only: the tests define `__recordApiRead` before a page loads): every
// field a page reads from an answer is reported as "GET /api/offers 200 items[].title", and
// tests/site_contract.py checks that the OpenAPI schema of that answer has it. A field the page
// wrote itself is not a read of the contract.
const NOT_FIELDS = new Set(['then', 'toJSON', 'constructor', 'valueOf', 'toString', 'hasOwnProperty',
  'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__proto__']);
const REPORTED = new Set(); // each read once per page: the report crosses to the test process

function report(read) {
  if (!REPORTED.has(read)) {
    REPORTED.add(read);
    globalThis.__recordApiRead(read);
  }
}

function recordingReads(value, answer, path = '') {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const written = new Set();
  const field = (key) => (Array.isArray(value) ? `${path}[]` : path ? `${path}.${key}` : key);
  const read = (key) => {
    const isIndex = Array.isArray(value) && /^\d+$/.test(key);
    if (isIndex || (!Array.isArray(value) && !NOT_FIELDS.has(key) && !written.has(key))) {
      report(`${answer} ${field(key)}`);
      return true;
    }
    return false;
  };
  return new Proxy(value, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver);
      if (typeof key === 'symbol' || !read(key)) {
        return child;
      }
      return recordingReads(child, answer, field(key));
    },
    has(target, key) {
      if (typeof key === 'string') read(key);
      return Reflect.has(target, key);
    },
    set(target, key, newValue, receiver) {
      written.add(key);
      return Reflect.set(target, key, newValue, receiver);
    },
  });
}

function errorBody(code, message) {
  return { error: { code, message } };
}

async function readBody(response) {
  if (response.status === 204 || response.status === 205) {
    return null;
  }
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json')) {
    return response.ok ? await response.text() : errorBody('http_error', GENERIC_ERROR_MESSAGE);
  }
  try {
    return await response.json();
  } catch {
    return errorBody('invalid_response', GENERIC_ERROR_MESSAGE);
  }
}

/**
 * @param {string} method
 * @param {string} path  begins with /api/
 * @param {{body?: unknown, headers?: Record<string, string>, query?: Record<string, unknown>, file?: Blob}} [options]
 *   query: undefined/null/'' values are left out; file: sent as it is (a CSV upload), as text/csv.
 */
export async function apiRequest(method, path, { body, headers = {}, query, file } = {}) {
  let url = path;
  if (query) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') {
        params.append(name, String(value));
      }
    }
    const text = params.toString();
    if (text) {
      url += (url.includes('?') ? '&' : '?') + text;
    }
  }
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...headers },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  } else if (file !== undefined) {
    init.headers['Content-Type'] = 'text/csv';
    init.body = file;
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    return { status: 0, body: errorBody('network_error', NETWORK_ERROR_MESSAGE), headers: new Headers() };
  }
  const result = { status: response.status, body: await readBody(response), headers: response.headers };
  if (typeof globalThis.__recordApiRead === 'function') {
    result.body = recordingReads(result.body, `${method} ${new URL(url, location.href).pathname} ${result.status}`);
  }
  if (result.status >= 400 && !(result.body && result.body.error)) {
    result.body = errorBody('http_error', GENERIC_ERROR_MESSAGE);
  }
  return result;
}

export const apiGet = (path, options) => apiRequest('GET', path, options);
export const apiPost = (path, body, options = {}) => apiRequest('POST', path, { ...options, body });
export const apiPatch = (path, body, options = {}) => apiRequest('PATCH', path, { ...options, body });
export const apiDelete = (path, options) => apiRequest('DELETE', path, options);

/** The French sentence to show for a failed call. */
export function errorMessage(result) {
  if (result.status === 429) {
    return (result.body && result.body.error && result.body.error.message)
      || 'Trop de demandes en peu de temps. Patientez quelques minutes, puis réessayez.';
  }
  const message = result.body && result.body.error && result.body.error.message;
  return typeof message === 'string' && message ? message : GENERIC_ERROR_MESSAGE;
}

/** Per-field messages of a validation error, keyed by field path (e.g. "training.end_date"). */
export function fieldErrors(result) {
  const fields = result.body && result.body.error && result.body.error.fields;
  return fields && typeof fields === 'object' ? fields : {};
}

/** The items of a list response, whether the API sends a bare array or {items, next}. */
export function listItems(body) {
  if (Array.isArray(body)) {
    return body;
  }
  return body && Array.isArray(body.items) ? body.items : [];
}

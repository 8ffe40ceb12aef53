// The page's only way to qala: same-origin requests to its HTTP API. Failures arrive as RFC 9457
// problem+json; `ApiProblem` keeps the status and the per-field errors (JSON pointers or parameter names)
// so the forms can show each one next to its field, in the reader's language.

export class ApiProblem extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

async function request(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' }, ...options });
  } catch (e) {
    throw new ApiProblem(0, { title: 'network', detail: String(e) });
  }
  const text = await response.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) throw new ApiProblem(response.status, body);
  return { body, response };
}

export async function getJson(path) {
  return (await request(path)).body;
}

/** A GET that also answers the `ETag` (a pin, to send back as `If-Match` with a staff change). */
export async function getWithEtag(path) {
  const { body, response } = await request(path);
  return { body, etag: response.headers.get('ETag') };
}

/**
 * A staff request: JSON both ways (a plain HTML form cannot send JSON, one of qala's CSRF defences), from
 * this very origin so the browser sends the session cookie and its `Origin`; `etag` goes as `If-Match`.
 */
export async function sendJson(path, method, body, { etag = null } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (etag) headers['If-Match'] = etag;
  return request(path, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * POSTs a report; answers the stored Feature and its Location. `key` is its `Idempotency-Key`: sent again
 * with the same report (a retry after the answer was lost), qala answers with the pin it already stored.
 */
export async function postPin(feature, key) {
  const { body, response } = await request('/api/v1/pins', {
    method: 'POST',
    headers: { 'Content-Type': 'application/geo+json', Accept: 'application/geo+json', 'Idempotency-Key': key },
    body: JSON.stringify(feature),
  });
  return { feature: body, location: response.headers.get('Location') };
}

/** A query string from a filter object, leaving out empty values; lists are comma-separated. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) search.set(name, value.join(','));
    } else {
      search.set(name, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A fresh idempotency key: 128 random bits in hex (crypto.getRandomValues works on plain http too). */
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

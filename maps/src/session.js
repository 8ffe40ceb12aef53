// Who is signed in on the city's side, and the one sign-in form. A staff member types their token once: it
// goes to `POST /api/v1/session` and qala answers with an HttpOnly cookie this page cannot read, so neither
// the token nor the session is ever in the page's storage or in a cookie script can see, and the field is
// emptied as soon as it is sent. `GET /api/v1/session` (asked once, when the staff view or a pin's page
// first opens, never for the citizen's form) says whether a session runs: a 401 there is the usual answer,
// a citizen's, and nothing to show. A 401 on a staff action later means the session ended (expired, signed
// out in another tab, revoked): the view that got it calls `sessionEnded()` and shows the form where the
// work was, with a notice, so the work goes on after signing in again.
import { sendJson } from './api.js';
import { clearText, setText } from './i18n.js';

let current; // undefined until asked; then null (no one) or {name, role, expires_at}
let asked = null;
const listeners = [];
const $ = (id) => document.getElementById(id);

/** The signed-in staff member ({name, role, expires_at}) or null. */
export function signedIn() {
  return current ?? null;
}

/** Calls `listener(session, why)` on every change; `why` is `signed_in`, `signed_out` or `ended`. */
export function onSessionChange(listener) {
  listeners.push(listener);
}

function set(session, why) {
  current = session;
  for (const listener of listeners) listener(session, why);
}

/** Asks qala once whether a session runs (a 401 or no answer: no one). */
export async function whoIsSignedIn() {
  if (current !== undefined) return current;
  asked ??= fetch('/api/v1/session', { headers: { Accept: 'application/json' }, cache: 'no-store' })
    .then((response) => (response.ok ? response.json() : null))
    .catch(() => null)
    .then((session) => {
      if (current === undefined) current = session;
      return current;
    });
  return asked;
}

/** A staff action was answered 401: the session is over. */
export function sessionEnded() {
  if (current) set(null, 'ended');
}

export async function signOut() {
  try {
    await sendJson('/api/v1/session', 'DELETE');
  } catch (error) {
    if (error.status !== 401) throw error; // already over: signed out all the same
  }
  set(null, 'signed_out');
}

/**
 * The sign-in form (`#signin-box` in the markup). It belongs to the staff view; `placeSignIn(container)`
 * moves it where a session ended (a pin's page), `ended` showing why it is there.
 */
export function createSignIn() {
  const box = $('signin-box');
  const form = $('signin-form');
  const token = $('signin-token');
  const error = $('signin-error');
  const submit = $('signin-submit');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearText(error);
    token.removeAttribute('aria-invalid');
    const value = token.value.trim();
    token.value = '';
    if (!value) return refuse('staff.signin.missing');
    submit.disabled = true;
    try {
      const { body } = await sendJson('/api/v1/session', 'POST', { token: value });
      clearText($('session-notice'));
      set(body, 'signed_in');
    } catch (problem) {
      refuse(problem.status === 401 ? 'staff.signin.wrong' : problem.status === 0 ? 'staff.signin.network' : 'staff.signin.other');
    } finally {
      submit.disabled = false;
    }
  });

  function refuse(key) {
    setText(error, key);
    token.setAttribute('aria-invalid', 'true');
    token.focus();
  }

  return {
    /** Shows the form inside `container`, with the "session ended" notice when `ended`. */
    placeSignIn(container, { ended = false } = {}) {
      if (box.parentElement !== container) container.append(box);
      if (ended) setText($('session-notice'), 'staff.session_ended');
      else clearText($('session-notice'));
      box.hidden = false;
    },
    hideSignIn() {
      box.hidden = true;
      clearText(error);
    },
    focus() {
      token.focus();
    },
  };
}

// Moderators' queue in the staff view: the reports waiting for approval (`visibility=pending`, oldest
// first, as they came), the newest public reports (the map's table, newest first: what post-moderation
// looks at) and the hidden ones (to unhide). Each report offers the moderations that fit its visibility; one
// opens a dialog asking the reason (required, for the audit log) and, to redact, the new public text, then
// `POST /api/v1/pins/{id}/moderation` with the pin's ETag as `If-Match`.
import { ApiProblem, getJson, getWithEtag, sendJson } from './api.js';
import { clearText, formatDate, setText } from './i18n.js';
import { pictogram } from './categories.js';
import { sessionEnded } from './session.js';
import { MODERATIONS } from './workflow.js';

const LISTS = [
  ['pending', '/api/v1/pins?visibility=pending&limit=50'],
  ['recent', '/api/v1/map/table?sortby=-created_at&limit=10'],
  ['hidden', '/api/v1/pins?visibility=hidden&limit=50'],
];

export function createQueue({ qala }) {
  const $ = (id) => document.getElementById(id);
  const section = $('queue');
  const dialog = $('moderation-dialog');
  const reason = $('moderation-reason');
  const description = $('moderation-description');
  let generation = 0;
  let working = null; // {id, action, etag, visibility, opener}

  async function refresh() {
    const ticket = ++generation;
    const answers = await Promise.all(LISTS.map(([, url]) => getJson(url).catch((error) => error)));
    if (ticket !== generation) return;
    if (answers.some((a) => a instanceof ApiProblem && a.status === 401)) return sessionEnded();
    LISTS.forEach(([name], i) => fill(name, answers[i]));
  }

  function fill(name, answer) {
    const list = $(`queue-${name}`);
    const note = $(`queue-${name}-note`);
    list.replaceChildren();
    if (answer instanceof Error) return setText(note, 'queue.failed');
    if (!answer.features.length) return setText(note, 'queue.empty');
    clearText(note);
    const visibility = name === 'recent' ? 'public' : name;
    for (const feature of answer.features) list.append(item(feature, visibility));
  }

  function item(feature, visibility) {
    const p = feature.properties;
    const li = document.createElement('li');
    li.className = 'queue-item';
    const link = document.createElement('a');
    link.href = `#pin/${feature.id}`;
    link.id = `queue-${visibility}-${feature.id}`;
    setText(link, 'queue.item', { id: String(feature.id) });
    const head = document.createElement('p');
    const category = document.createElement('span');
    setText(category, `category.${p.category}`);
    const when = document.createElement('time');
    when.dateTime = p.created_at;
    when.textContent = formatDate(p.created_at);
    const icon = document.createElement('span');
    icon.className = 'queue-icon';
    icon.setAttribute('aria-hidden', 'true');
    icon.innerHTML = pictogram(p.category, 24);
    head.append(icon, link, dot(), category, dot(), when);
    const text = document.createElement('p');
    text.className = 'queue-description';
    text.textContent = p.description;
    const buttons = document.createElement('div');
    buttons.className = 'buttons';
    for (const action of MODERATIONS[visibility]) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = action === 'approve' || action === 'unhide' ? 'primary' : 'secondary';
      button.dataset.action = action;
      button.dataset.pinId = String(feature.id);
      button.setAttribute('aria-describedby', link.id);
      setText(button, `moderation.action.${action}`);
      button.addEventListener('click', () => open(feature.id, action, button));
      buttons.append(button);
    }
    li.append(head, text, buttons);
    return li;
  }

  /** A separator between the facts of an item, for the eye only. */
  function dot() {
    const el = document.createElement('span');
    el.setAttribute('aria-hidden', 'true');
    el.textContent = ' · ';
    return el;
  }

  async function open(id, action, opener) {
    clearErrors();
    reason.value = '';
    setText($('moderation-heading'), `moderation.heading.${action}`, { id: String(id) });
    setText($('moderation-submit'), `moderation.action.${action}`);
    $('moderation-description-field').hidden = action !== 'redact';
    working = { id, action, opener, etag: null };
    if (!(await reload({ fillDescription: true }))) return;
    dialog.showModal();
    reason.focus();
  }

  /** Reads the pin again (its ETag, and for a redaction its text unless the moderator has typed one). */
  async function reload({ fillDescription }) {
    try {
      const { body, etag } = await getWithEtag(`/api/v1/pins/${working.id}`);
      working.etag = etag;
      if (fillDescription) description.value = body.properties.description;
      return true;
    } catch (error) {
      if (error.status === 401) sessionEnded();
      else setText($('queue-live'), error.status === 404 ? 'tools.errors.missing' : 'tools.errors.network');
      refresh();
      return false;
    }
  }

  $('moderation-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const { id, action } = working;
    const body = { action, reason: reason.value };
    if (action === 'redact') body.description = description.value;
    const submit = $('moderation-submit');
    submit.disabled = true;
    try {
      await sendJson(`/api/v1/pins/${id}/moderation`, 'POST', body, { etag: working.etag });
      close();
      setText($('queue-live'), `moderation.done.${action}`, { id: String(id) });
      qala.refreshPins();
      await refresh();
      $('queue-heading').focus();
    } catch (error) {
      problem(error);
    } finally {
      submit.disabled = false;
    }
  });

  async function problem(error) {
    if (error.status === 401) {
      close();
      return sessionEnded();
    }
    if (error.status === 412) {
      await reload({ fillDescription: false });
      return showError('form', 'moderation.errors.stale');
    }
    if (error.status === 409) {
      refresh();
      return showError('form', 'moderation.errors.conflict');
    }
    if (error.status === 422 && error.errors.length) {
      for (const e of error.errors) {
        if (e.pointer === '/reason') showError('reason', 'moderation.errors.reason');
        else if (e.pointer === '/description') showError('description', 'moderation.errors.description');
        else showError('form', 'tools.errors.other');
      }
      return;
    }
    showError('form', error.status === 0 ? 'tools.errors.network' : error.status === 404 ? 'tools.errors.missing' : 'tools.errors.other');
  }

  const FIELDS = { reason: 'moderation-reason', description: 'moderation-description', form: null };

  function showError(field, key) {
    setText($(`moderation-${field}-error`), key);
    const input = FIELDS[field] && $(FIELDS[field]);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      if (!dialog.querySelector('[aria-invalid="true"]:focus')) input.focus();
    }
  }

  function clearErrors() {
    for (const field of Object.keys(FIELDS)) clearText($(`moderation-${field}-error`));
    for (const input of dialog.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  }

  function close() {
    if (dialog.open) dialog.close();
  }

  // Escape closes a modal dialog by itself; wherever it closes, the keyboard goes back where it was.
  dialog.addEventListener('close', () => {
    const opener = working?.opener;
    if (opener?.isConnected) opener.focus();
  });
  $('moderation-cancel').addEventListener('click', close);
  $('queue-refresh').addEventListener('click', refresh);

  return {
    show() {
      section.hidden = false;
      refresh();
    },
    hide() {
      close();
      section.hidden = true;
    },
  };
}

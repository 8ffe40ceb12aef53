// Planners' and admins' tools on a pin's page: a status change (only the statuses the workflow allows next),
// a public comment and an internal note, in one update sent with the pin's ETag as `If-Match`; marking a
// duplicate by picking the original among the nearest public reports; and the reporter's contact behind a
// button (each read is audited by qala). qala judges the input: each problem is shown next to its field. A
// 412 (someone changed the pin meanwhile) reloads the pin and keeps what was typed; a 401 (the session
// ended) shows the sign-in form here, and the typed text waits for it.
import { getJson, query, sendJson } from './api.js';
import { appendTerm, clearText, formatNumber, onLanguageChange, setText, t } from './i18n.js';
import { onSessionChange, sessionEnded, signedIn } from './session.js';
import { NEXT_STATUSES, ORIGINAL_STATUSES, may } from './workflow.js';

const INPUTS = { status: 'update-status', duplicate: null, comment: 'update-comment', note: 'update-note', form: null };

export function createPinTools({ qala, signIn, reload }) {
  const $ = (id) => document.getElementById(id);
  const tools = $('pin-tools');
  const select = $('update-status');
  const comment = $('update-comment');
  const note = $('update-note');
  let pin = null; // the feature as last read
  let etag = null;
  let nearby = null; // the candidate originals of the pin shown, or 'loading' / 'failed'

  /** Called by the pin's page after each read of the pin (`same`: the same pin read again). */
  function show(feature, tag, { same = false } = {}) {
    pin = feature;
    etag = tag;
    if (!same) {
      $('update-form').reset();
      nearby = null;
      clearErrors();
      clearText($('update-done'));
      $('contact-text').replaceChildren();
    }
    render();
  }

  function render() {
    const session = signedIn();
    const allowed = Boolean(pin && session && may(session.role, 'change_status'));
    tools.hidden = !allowed;
    $('contact-box').hidden = !(allowed && may(session.role, 'read_contact'));
    if (!allowed) return;
    const chosen = select.value;
    select.replaceChildren(option('', t('tools.status_keep', { status: t(`status.${pin.properties.status}`) })));
    for (const status of NEXT_STATUSES[pin.properties.status] ?? []) select.append(option(status, t(`status.${status}`)));
    select.value = [...select.options].some((o) => o.value === chosen) ? chosen : '';
    renderNearby();
  }

  function option(value, text) {
    const el = document.createElement('option');
    el.value = value;
    el.textContent = text;
    return el;
  }

  // Marking a duplicate: the ~10 nearest public reports that could be its original, closest first.
  async function loadNearby() {
    if (nearby && nearby !== 'failed') return renderNearby();
    nearby = 'loading';
    renderNearby();
    const [lon, lat] = pin.geometry.coordinates;
    const id = pin.id;
    try {
      const answer = await getJson(`/api/v1/pins${query({ near: `${lon},${lat}`, k: 11, status: ORIGINAL_STATUSES })}`);
      if (pin?.id !== id) return;
      nearby = answer.features.filter((f) => f.id !== id).slice(0, 10);
    } catch {
      if (pin?.id === id) nearby = 'failed';
    }
    renderNearby();
  }

  function renderNearby() {
    const field = $('duplicate-field');
    field.hidden = select.value !== 'duplicate';
    if (field.hidden) return;
    const list = $('duplicate-options');
    const picked = list.querySelector('input:checked')?.value;
    list.replaceChildren();
    const status = $('duplicate-note');
    if (nearby === 'loading') return setText(status, 'tools.duplicate.loading');
    if (nearby === 'failed') return setText(status, 'tools.duplicate.failed');
    if (!nearby?.length) return setText(status, 'tools.duplicate.none');
    clearText(status);
    for (const f of nearby) {
      const label = document.createElement('label');
      label.className = 'check duplicate-option';
      const input = document.createElement('input');
      input.type = 'radio';
      input.name = 'duplicate_of';
      input.value = String(f.id);
      input.checked = input.value === picked;
      const text = document.createElement('span');
      const name = document.createElement('span');
      const distance = formatNumber(Math.round(f.properties.distance_m ?? 0));
      setText(name, 'tools.duplicate.option', { id: String(f.id), category: t(`category.${f.properties.category}`), distance });
      const what = document.createElement('small');
      what.className = 'queue-description';
      what.textContent = f.properties.description;
      text.append(name, what);
      label.append(input, text);
      list.append(label);
    }
  }

  select.addEventListener('change', () => {
    if (select.value === 'duplicate') loadNearby();
    else renderNearby();
  });

  $('update-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    clearText($('update-done'));
    const body = {};
    if (select.value) body.status = select.value;
    const original = $('duplicate-options').querySelector('input:checked');
    if (select.value === 'duplicate' && original) body.duplicate_of = Number(original.value);
    if (comment.value.trim()) body.public_comment = comment.value;
    if (note.value.trim()) body.internal_note = note.value;
    const submit = $('update-submit');
    submit.disabled = true;
    setText($('update-done'), 'tools.saving');
    try {
      await sendJson(`/api/v1/pins/${pin.id}/updates`, 'POST', body, { etag });
      $('update-form').reset();
      nearby = null;
      await reload();
      qala.refreshPins();
      setText($('update-done'), 'tools.saved');
    } catch (error) {
      clearText($('update-done'));
      await problem(error, body);
    } finally {
      submit.disabled = false;
    }
  });

  async function problem(error, body) {
    if (error.status === 401) return sessionEnded();
    if (error.status === 412) {
      await reload();
      return showError('form', 'tools.errors.stale');
    }
    if (error.status === 409) {
      const args = { from: t(`status.${pin.properties.status}`), to: t(`status.${body.status}`) };
      return showError('status', 'tools.errors.transition', args);
    }
    if (error.status === 422 && error.errors.length) {
      for (const e of error.errors) {
        const pointer = e.pointer ?? '';
        if (pointer === '/status') showError('status', 'tools.errors.status');
        else if (pointer === '/public_comment') showError('comment', 'tools.errors.comment');
        else if (pointer === '/internal_note') showError('note', 'tools.errors.note');
        else if (pointer === '/duplicate_of') {
          showError('duplicate', body.duplicate_of ? 'tools.errors.duplicate_unfit' : 'tools.errors.duplicate_missing');
        } else if (pointer === '') showError('form', 'tools.errors.empty');
        else showError('form', 'tools.errors.other');
      }
      return;
    }
    const key = { 0: 'tools.errors.network', 403: 'tools.errors.forbidden', 404: 'tools.errors.missing' }[error.status];
    showError('form', key ?? 'tools.errors.other');
  }

  let focused = false;
  function showError(field, key, args) {
    setText($(`update-${field}-error`), key, args);
    const input = INPUTS[field] ? $(INPUTS[field]) : field === 'duplicate' ? $('duplicate-options').querySelector('input') : null;
    if (INPUTS[field]) input.setAttribute('aria-invalid', 'true');
    if (!focused) (input ?? $(`update-${field}-error`)).focus?.();
    focused = true;
  }

  function clearErrors() {
    focused = false;
    for (const field of Object.keys(INPUTS)) clearText($(`update-${field}-error`));
    for (const input of tools.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  }

  // The reporter's contact: read only on asking, as each read goes to the audit log.
  $('contact-show').addEventListener('click', async () => {
    const out = $('contact-text');
    out.replaceChildren();
    try {
      const { contact } = await getJson(`/api/v1/pins/${pin.id}/contact`);
      if (contact) appendTerm(out, 'tools.contact.label', { text: contact });
      else appendTerm(out, 'tools.contact.label', { key: 'tools.contact.none' });
    } catch (error) {
      if (error.status === 401) return sessionEnded();
      appendTerm(out, 'tools.contact.label', { key: 'tools.contact.failed' });
    }
  });

  onSessionChange((session, why) => {
    const here = !$('pin-view').hidden && pin;
    if (why === 'ended' && here) {
      tools.hidden = true;
      signIn.placeSignIn($('pin-signin-slot'), { ended: true });
      signIn.focus();
      return;
    }
    if (here && session) {
      signIn.hideSignIn();
      render();
      $('pin-tools-heading').focus();
    } else {
      render();
    }
  });
  onLanguageChange(render);

  return { show, render };
}

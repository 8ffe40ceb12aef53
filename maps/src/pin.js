// A problem's own page (`#pin/ID`): what was reported, where, when and how far the city has got with it, in
// the panel beside the map (below it on a phone), with the pin ringed on the map. It is what the link in a
// citizen's confirmation opens and what a tap on a pin shows. Below the report, the city's public answers
// (`/api/v1/pins/ID/updates`): each status change and public comment with its date and the role that made
// it, never a name. Signed-in staff see the internal notes too, and planners the tools to answer
// (pin-tools.js). Later issues add photos and support to this page.
import { ApiProblem, getJson, getWithEtag } from './api.js';
import { appendTerm, areaName, clearText, formatDate, onLanguageChange, setText, t } from './i18n.js';
import { STATUS_COLOURS, pictogram } from './categories.js';
import { onSessionChange, whoIsSignedIn } from './session.js';
import { createPinTools } from './pin-tools.js';

export function createPinView({ qala, signIn }) {
  const $ = (id) => document.getElementById(id);
  const view = $('pin-view');
  let shown = null;
  let district = null;
  let timeline = null;
  let back = '#report';
  let opened = null; // the id asked for, shown or not
  const tools = createPinTools({ qala, signIn, reload: () => load(opened, { same: true }) });

  function render() {
    if (!shown) return;
    const p = shown.properties;
    setText($('pin-heading'), 'pin.heading', { id: String(shown.id) });
    $('pin-pictogram').innerHTML = pictogram(p.category, 48);
    const facts = $('pin-facts');
    facts.replaceChildren();
    appendTerm(facts, 'pin.category', { key: `category.${p.category}` });
    appendTerm(facts, 'pin.status', { key: `status.${p.status}` }).dataset.status = p.status;
    appendTerm(facts, 'pin.reported', { text: formatDate(p.created_at) });
    const where = p.location_precision === 'district' ? 'pin.location_district' : 'pin.location_point';
    appendTerm(facts, 'pin.location', { key: where }).dataset.precision = p.location_precision;
    if (district) appendTerm(facts, 'pin.district', { text: areaName(district) });
    else appendTerm(facts, 'pin.district', { key: 'pin.district_unknown' });
    // Only staff are ever shown a pin the public does not see, and they are told so.
    if (p.visibility) appendTerm(facts, 'pin.visibility', { key: `visibility.${p.visibility}` }).dataset.visibility = p.visibility;
    if (p.duplicate_of) {
      const dd = appendTerm(facts, 'pin.duplicate_of');
      const link = document.createElement('a');
      link.href = `#pin/${p.duplicate_of}`;
      setText(link, 'pin.heading', { id: String(p.duplicate_of) });
      dd.append(link);
    }
    $('pin-description').textContent = p.description;
    renderTimeline();
  }

  function renderTimeline() {
    const list = $('pin-timeline');
    list.replaceChildren();
    const note = $('pin-timeline-note');
    if (timeline === 'failed') return setText(note, 'pin.timeline_error');
    if (!timeline) return clearText(note);
    if (timeline.length === 0) setText(note, 'pin.timeline_empty');
    else clearText(note);
    for (const u of timeline) {
      const item = document.createElement('li');
      if (u.status) item.style.setProperty('--status', STATUS_COLOURS[u.status] ?? '#6b6b6b');
      const when = document.createElement('time');
      when.dateTime = u.at;
      when.textContent = formatDate(u.at);
      const who = document.createElement('span');
      who.className = 'who';
      setText(who, `role.${u.role}`);
      const head = document.createElement('p');
      const dot = document.createElement('span');
      dot.setAttribute('aria-hidden', 'true');
      dot.textContent = ' · ';
      head.append(when, dot, who);
      item.append(head);
      if (u.status) {
        const change = document.createElement('p');
        change.className = 'change';
        change.dataset.status = u.status;
        setText(change, 'pin.timeline_status', { from: t(`status.${u.status_from}`), to: t(`status.${u.status}`) });
        item.append(change);
      }
      if (u.public_comment) {
        const comment = document.createElement('blockquote');
        comment.textContent = u.public_comment;
        item.append(comment);
      }
      if (u.internal_note) {
        const internal = document.createElement('p');
        internal.className = 'internal';
        const label = document.createElement('strong');
        setText(label, 'pin.timeline_internal');
        const text = document.createElement('span');
        text.className = 'internal-text';
        text.textContent = u.internal_note;
        internal.append(label, ' ', text);
        item.append(internal);
      }
      list.append(item);
    }
  }

  async function open(id) {
    opened = id;
    clearText($('pin-error'));
    shown = null;
    $('pin-heading').textContent = '';
    $('pin-facts').replaceChildren();
    $('pin-description').textContent = '';
    $('pin-pictogram').replaceChildren();
    timeline = null;
    renderTimeline();
    await load(id);
    $('pin-heading').focus();
  }

  /** Reads the pin, its district and its timeline (as the signed-in staff member, if any) and shows them. */
  async function load(id, { same = false } = {}) {
    try {
      await whoIsSignedIn();
      const { body: feature, etag } = await getWithEtag(`/api/v1/pins/${id}`);
      const [lon, lat] = feature.geometry.coordinates;
      district = await qala.districtAt(lon, lat).catch(() => null);
      timeline = await getJson(`/api/v1/pins/${id}/updates`).then((t) => t.updates, () => 'failed');
      if (opened !== id) return;
      clearText($('pin-error'));
      shown = feature;
      qala.selectPin(feature);
      render();
      tools.show(feature, etag, { same });
    } catch (error) {
      if (opened !== id) return;
      const missing = error instanceof ApiProblem && error.status === 404;
      shown = null;
      $('pin-facts').replaceChildren();
      $('pin-description').textContent = '';
      timeline = null;
      renderTimeline();
      tools.show(null, null);
      setText($('pin-error'), missing ? 'pin.errors.missing' : 'pin.errors.network', { id: String(id) });
    }
  }

  onLanguageChange(render);
  // Signing in or out changes what this page shows (internal notes, a pin the public does not see).
  onSessionChange((session, why) => {
    if (!view.hidden && opened !== null && why !== 'ended') load(opened, { same: true });
  });
  view.addEventListener('keydown', (event) => {
    // Escape inside a form field is the field's (a select closing its list, a typed text kept).
    if (event.key === 'Escape' && !event.target.closest('form, dialog')) location.hash = back;
  });

  return {
    /** Where "back" goes: the view the reader came from (`#report`, `#planner` or `#staff`). */
    cameFrom(hash) {
      back = hash;
      $('pin-back').setAttribute('href', back);
      setText($('pin-back'), { '#planner': 'pin.back_planner', '#staff': 'pin.back_staff' }[back] ?? 'pin.back_report');
    },
    async show() {},
    open,
    hide() {
      shown = null;
      opened = null;
      qala.selectPin(null);
    },
    placeAt() {},
  };
}

// A problem's own page (`#pin/ID`): what was reported, where, when and how far the city has got with it, in
// the panel beside the map (below it on a phone), with the pin ringed on the map. It is what the link in a
// citizen's confirmation opens and what a tap on a pin shows. Below the report, the city's public answers
// (`/api/v1/pins/ID/updates`): each status change and public comment with its date and the role that made
// it, never a name. Later issues add photos and support to this page.
import { ApiProblem, getJson } from './api.js';
import { appendTerm, areaName, clearText, formatDate, onLanguageChange, setText, t } from './i18n.js';
import { STATUS_COLOURS, pictogram } from './categories.js';

export function createPinView({ qala }) {
  const $ = (id) => document.getElementById(id);
  const view = $('pin-view');
  let shown = null;
  let district = null;
  let timeline = null;
  let back = '#report';

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
      head.append(when, ' · ', who);
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
      list.append(item);
    }
  }

  async function open(id) {
    clearText($('pin-error'));
    shown = null;
    $('pin-heading').textContent = '';
    $('pin-facts').replaceChildren();
    $('pin-description').textContent = '';
    $('pin-pictogram').replaceChildren();
    timeline = null;
    try {
      const feature = await getJson(`/api/v1/pins/${id}`);
      const [lon, lat] = feature.geometry.coordinates;
      district = await qala.districtAt(lon, lat).catch(() => null);
      timeline = await getJson(`/api/v1/pins/${id}/updates`).then((t) => t.updates, () => 'failed');
      shown = feature;
      qala.selectPin(feature);
      render();
    } catch (error) {
      const missing = error instanceof ApiProblem && error.status === 404;
      setText($('pin-error'), missing ? 'pin.errors.missing' : 'pin.errors.network', { id: String(id) });
    }
    $('pin-heading').focus();
  }

  onLanguageChange(render);
  view.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') location.hash = back;
  });

  return {
    /** Where "back" goes: the view the reader came from (`#report` or `#planner`). */
    cameFrom(hash) {
      back = hash;
      $('pin-back').setAttribute('href', back);
      setText($('pin-back'), back === '#planner' ? 'pin.back_planner' : 'pin.back_report');
    },
    async show() {},
    open,
    hide() {
      shown = null;
      qala.selectPin(null);
    },
    placeAt() {},
  };
}

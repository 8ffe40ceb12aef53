// Finding a place by name: "the underpass at Abay and Dostyk". The names of qala's own areas (districts, the
// historic centre and its drafts) are always searched, here in the page; streets, squares and buildings are
// searched only when the deployment configured a Nominatim-compatible geocoder (`qala serve --geocoder-url`),
// which the page asks directly, within Almaty's bounds and in the reader's language (`/search?format=jsonv2`).
// The search runs when asked (Enter or the button), never as one types: Nominatim's usage policy forbids
// search-as-you-type, and a phone should not send half-words.
//
// Choosing a result moves the map there and gives it the keyboard focus, so the crosshair stands on the
// place and says where it is; Enter (or a click) then places the report. Nothing is placed by the search
// itself: a geocoder's point is a street's, not the kerb's.
import { getJson } from './api.js';
import { areaName, language, setText, clearText, onLanguageChange } from './i18n.js';
import { boundsOf } from './map.js';

const GEOCODER_LIMIT = 8;
const GEOCODER_TIMEOUT_MS = 8000;
const MAX_QUERY = 200;
/** Close enough to place a report at a street's point. */
const PLACE_ZOOM = 17;

export function createPlaceSearch({ qala, config }) {
  const $ = (id) => document.getElementById(id);
  const input = $('search-text');
  const results = $('search-results');
  const status = $('search-status');
  const geocoder = config.geocoder_url || null;
  setText($('search-help'), geocoder ? 'search.help_geocoder' : 'search.help_local');
  let areas = null;
  let asked = 0;
  let shown = null;

  input.maxLength = MAX_QUERY;
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    // Enter here searches; it never sends the report around it.
    event.preventDefault();
    search();
  });
  $('search-go').addEventListener('click', () => search());
  onLanguageChange(() => shown && render(shown));

  async function search() {
    const text = input.value.trim();
    const ask = ++asked;
    if (!text) {
      shown = null;
      results.replaceChildren();
      results.hidden = true;
      setText(status, 'search.empty_query');
      return;
    }
    setText(status, 'search.searching');
    const [local, remote] = await Promise.all([searchAreas(text), geocoder ? searchGeocoder(text) : null]);
    if (ask !== asked) return; // a newer search is under way
    shown = { text, local, remote };
    render(shown);
  }

  /** The areas whose name, in any language, holds every word of `text`. */
  async function searchAreas(text) {
    if (!areas) {
      try {
        areas = (await getJson('/api/v1/areas?current=true')).features;
      } catch {
        areas = null;
        return { failed: true, found: [] };
      }
    }
    const words = fold(text).split(/\s+/).filter(Boolean);
    const found = areas.filter((feature) => {
      const p = feature.properties;
      const names = [p.name_kk, p.name_ru, p.name_en, p.label].filter(Boolean).map(fold);
      return words.every((w) => names.some((n) => n.includes(w)));
    });
    return { failed: false, found };
  }

  async function searchGeocoder(text) {
    const [w, s, e, n] = config.bounds;
    const params = new URLSearchParams({
      q: text,
      format: 'jsonv2',
      viewbox: `${w},${n},${e},${s}`,
      bounded: '1',
      countrycodes: 'kz',
      limit: String(GEOCODER_LIMIT),
      'accept-language': language(),
    });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), GEOCODER_TIMEOUT_MS);
    try {
      const response = await fetch(`${geocoder}/search?${params}`, { signal: abort.signal, headers: { Accept: 'application/json' } });
      if (!response.ok) return { failed: true, found: [] };
      const body = await response.json();
      const found = (Array.isArray(body) ? body : []).map(place).filter(Boolean);
      return { failed: false, found, host: new URL(geocoder).host };
    } catch {
      return { failed: true, found: [] };
    } finally {
      clearTimeout(timer);
    }
  }

  function render({ text, local, remote }) {
    results.replaceChildren();
    for (const feature of local.found) {
      results.append(item(areaName(feature.properties), 'search.kind_area', () => showArea(feature)));
    }
    for (const found of remote?.found || []) {
      results.append(item(found.name, null, () => qala.map.jumpTo({ center: [found.lon, found.lat], zoom: PLACE_ZOOM }), found.detail));
    }
    const count = local.found.length + (remote?.found.length || 0);
    results.hidden = count === 0;
    if (remote?.failed) setText(status, 'search.geocoder_failed', { count });
    else if (local.failed && !remote) setText(status, 'search.failed');
    else if (count === 0) setText(status, geocoder ? 'search.none' : 'search.none_local', { text });
    else if (remote) setText(status, 'search.found', { count, host: remote.host });
    else setText(status, 'search.found_local', { count });
  }

  /** The whole area in view, centred on its label point (inside it, where the crosshair then stands). */
  function showArea(feature) {
    const camera = qala.map.cameraForBounds(boundsOf(feature.geometry), { padding: 24 });
    const centre = feature.properties.label_point || camera?.center;
    qala.map.jumpTo({ center: centre, zoom: camera?.zoom ?? qala.map.getZoom() });
  }

  /** One result: a button naming the place (and what it is), which moves the map there. */
  function item(name, kindKey, move, detail = '') {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'search-result';
    const title = document.createElement('span');
    title.textContent = name;
    button.append(title);
    const small = document.createElement('small');
    if (kindKey) setText(small, kindKey);
    else small.textContent = detail;
    // The space keeps the two apart in the button's accessible name ("Republic Square Almaty").
    if (small.textContent) button.append(' ', small);
    button.addEventListener('click', () => {
      move();
      // The crosshair shows on the focused map and says where it stands.
      qala.map.getCanvas().focus();
    });
    li.append(button);
    return li;
  }

  return {
    /** Forgets the last search (the form was sent or reset). */
    clear() {
      asked++;
      shown = null;
      input.value = '';
      results.replaceChildren();
      results.hidden = true;
      clearText(status);
    },
  };
}

/** A geocoder's answer as a result: its name, the rest of its address, and its point; null if it has none. */
function place(found) {
  const lat = Number(found?.lat);
  const lon = Number(found?.lon);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  const display = typeof found.display_name === 'string' ? found.display_name : '';
  const name = (typeof found.name === 'string' && found.name) || display.split(',')[0] || `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
  const detail = display.startsWith(name) ? display.slice(name.length).replace(/^,\s*/, '') : display;
  return { name, detail, lat, lon };
}

function fold(text) {
  return text.toLocaleLowerCase().normalize('NFC').trim();
}

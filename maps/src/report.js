// Citizens report a problem. The place can be given four ways, all ending in the latitude and longitude
// fields: a click or tap on the map, Enter at the map's crosshair (keyboard), "use my location", or typing
// the coordinates; a citizen who knows neither may choose the district and describe the place in words (the
// pin then goes to a point inside the district and the words go with the description). The form does not
// judge the input itself: qala's API does, and each problem it names is shown next to its field, translated.
import { ApiProblem, getJson, newKey, postPin } from './api.js';
import { appendTerm, areaName, clearText, onLanguageChange, setText, t } from './i18n.js';
import { CATEGORY_COLOURS, pictogram } from './categories.js';
import { fillDistrictOptions } from './districts.js';
import { createPlaceSearch } from './search.js';

const FIELDS = {
  place: { input: 'lat', error: 'place-error', container: 'place-field' },
  category: { input: null, error: 'category-error', container: 'category-field' },
  description: { input: 'description', error: 'description-error' },
  contact: { input: 'contact', error: 'contact-error' },
  form: { input: null, error: 'form-error' },
};

export function createReportView({ qala, config, districts }) {
  const form = document.getElementById('report-form');
  const $ = (id) => document.getElementById(id);
  const lat = $('lat');
  const lon = $('lon');
  const district = $('district');
  const where = $('where');
  const result = $('result');
  const fields = $('report-fields');
  const status = $('form-status');
  let placeLookup = 0;
  renderPinLegend(config.categories);
  const placeSearch = createPlaceSearch({ qala, config });

  // Category buttons: real radio inputs (arrow keys move between them), drawn as large pictogram tiles.
  const grid = $('category-grid');
  for (const slug of config.categories) {
    const label = document.createElement('label');
    label.className = 'category';
    label.innerHTML = `<input type="radio" name="category" value="${slug}" />${pictogram(slug)}<span></span>`;
    setText(label.querySelector('span'), `category.${slug}`);
    grid.append(label);
  }

  const fillDistricts = () => fillDistrictOptions(district, districts, 'report.place.district_none');
  fillDistricts();
  onLanguageChange(fillDistricts);

  /** Sets the place from the map, the crosshair or the device, and says which district it is in. */
  async function setPlace({ lng, lat: latitude }) {
    lat.value = latitude.toFixed(6);
    lon.value = lng.toFixed(6);
    await showPlace();
  }

  async function showPlace() {
    const la = Number(lat.value);
    const lo = Number(lon.value);
    if (lat.value.trim() === '' || lon.value.trim() === '' || !Number.isFinite(la) || !Number.isFinite(lo)) {
      qala.setPlace(null);
      clearText(where);
      return;
    }
    qala.setPlace(lo, la);
    const ticket = ++placeLookup;
    let found;
    try {
      found = await qala.districtAt(lo, la);
    } catch {
      // Not "outside": qala did not answer, so nobody knows yet.
      if (ticket === placeLookup) setText(where, 'report.place.where_unknown', { lat: la.toFixed(5), lon: lo.toFixed(5) });
      return;
    }
    if (ticket !== placeLookup) return;
    if (found) {
      district.value = String(districts.features.find((f) => f.properties.label === found.label)?.id ?? '');
      setText(where, 'report.place.where', { lat: la.toFixed(5), lon: lo.toFixed(5), district: areaName(found) });
    } else {
      setText(where, 'report.place.where_outside', { lat: la.toFixed(5), lon: lo.toFixed(5) });
    }
  }

  for (const input of [lat, lon]) input.addEventListener('change', showPlace);
  district.addEventListener('change', () => {
    const feature = districts.features.find((f) => String(f.id) === district.value);
    if (feature && lat.value.trim() === '' && lon.value.trim() === '') qala.fitDistrict(feature);
  });
  qala.onMapClick((lngLat) => {
    if (!form.hidden) setPlace(lngLat);
  });

  $('locate').addEventListener('click', () => {
    if (!navigator.geolocation) {
      showErrors([{ field: 'place', key: 'report.errors.no_location' }]);
      return;
    }
    setText(where, 'report.place.locating');
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const lngLat = { lng: position.coords.longitude, lat: position.coords.latitude };
        qala.map.easeTo({ center: [lngLat.lng, lngLat.lat], zoom: Math.max(qala.map.getZoom(), 15) });
        setPlace(lngLat);
      },
      () => {
        clearText(where);
        showErrors([{ field: 'place', key: 'report.errors.no_location' }]);
      },
      { enableHighAccuracy: true, timeout: 10000 },
    );
  });

  function clearErrors() {
    clearText(status);
    for (const field of Object.values(FIELDS)) {
      clearText($(field.error));
      if (field.input) $(field.input).removeAttribute('aria-invalid');
      if (field.container) $(field.container).classList.remove('invalid');
    }
  }

  function showErrors(errors) {
    clearErrors();
    for (const { field, key } of errors) {
      const spec = FIELDS[field];
      const el = $(spec.error);
      // Two problems on one field (longitude and latitude, say) read as one message.
      if (!el.dataset.i18n) setText(el, key);
      if (spec.input) $(spec.input).setAttribute('aria-invalid', 'true');
      if (spec.container) $(spec.container).classList.add('invalid');
    }
    const first = errors[0] && FIELDS[errors[0].field];
    const focusTarget = first?.input ? $(first.input) : first?.container ? $(first.container).querySelector('input') : null;
    focusTarget?.focus();
    // The count is of fields to correct; a failure of the network or of qala is said once, in its own words.
    const marked = new Set(errors.filter((e) => e.field !== 'form').map((e) => e.field)).size;
    if (marked) setText(status, 'report.errors.summary', { count: marked });
    else setText(status, errors[0].key);
  }

  // One idempotency key per report: sending the same report again (after a lost answer or a network
  // failure) reuses it, so qala stores it once; a changed report is a new one with a new key.
  let attempt = null;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const body = buildReport();
    const submit = $('submit');
    submit.disabled = true;
    const text = JSON.stringify(body.feature);
    if (attempt?.text !== text) attempt = { text, key: newKey() };
    try {
      const { feature } = await postPin(body.feature, attempt.key);
      attempt = null;
      await done(feature, body);
    } catch (error) {
      showErrors(error instanceof ApiProblem ? problemToErrors(error, body) : [{ field: 'form', key: 'report.errors.other' }]);
    } finally {
      submit.disabled = false;
    }
  });

  function buildReport() {
    const la = lat.value.trim();
    const lo = lon.value.trim();
    let geometry = null;
    let placeFromDistrict = false;
    if (la !== '' || lo !== '') {
      geometry = { type: 'Point', coordinates: [number(lo), number(la)] };
    } else if (district.value) {
      const feature = districts.features.find((f) => String(f.id) === district.value);
      if (feature) {
        geometry = { type: 'Point', coordinates: feature.properties.label_point };
        placeFromDistrict = true;
      }
    }
    const place = $('place-text').value.trim();
    let description = $('description').value;
    if (place && description.trim()) description = `${t('report.place.prefix')}: ${place}. ${description.trim()}`;
    const properties = {
      category: form.elements.category.value || null,
      description,
    };
    // The point then stands for the district: qala stores that it is not where the problem is.
    if (placeFromDistrict) properties.location_precision = 'district';
    const contact = $('contact').value.trim();
    if (contact) properties.contact = contact;
    return { feature: { type: 'Feature', geometry, properties }, placeFromDistrict };
  }

  /** The confirmation: what was sent, the problem's number and the link to its page; the form waits behind it. */
  async function done(feature, body) {
    const id = String(feature.id);
    setText($('done-heading'), 'report.done', { id });
    const link = $('pin-link');
    link.href = `${location.origin}/#pin/${id}`;
    link.dataset.pinId = id;
    setText(link, 'report.done_link', { id });
    const summary = $('done-summary');
    summary.replaceChildren();
    const [lo, la] = feature.geometry.coordinates;
    appendTerm(summary, 'report.summary.category', { key: `category.${feature.properties.category}` });
    if (body.placeFromDistrict) {
      appendTerm(summary, 'report.summary.place', { key: 'report.summary.place_district', args: { district: districtName(district.value) } });
    } else {
      appendTerm(summary, 'report.summary.place', { key: 'report.summary.place_point', args: { lat: la.toFixed(5), lon: lo.toFixed(5) } });
    }
    appendTerm(summary, 'report.summary.description', { text: feature.properties.description });
    const contact = body.feature.properties.contact ? 'report.summary.contact_given' : 'report.summary.contact_none';
    appendTerm(summary, 'report.summary.contact', { key: contact });
    fields.hidden = true;
    result.hidden = false;
    qala.setPlace(null);
    qala.refreshPins();
    link.focus();
  }

  function districtName(id) {
    const feature = districts.features.find((f) => String(f.id) === id);
    return feature ? areaName(feature.properties) : '';
  }

  $('report-another').addEventListener('click', () => {
    form.reset();
    placeSearch.clear();
    clearText(where);
    clearErrors();
    result.hidden = true;
    fields.hidden = false;
    $('lat').focus();
  });

  return {
    async show() {
      qala.setPinsUrl('/api/v1/map/pins');
      qala.showPins(true);
      $('pin-legend').hidden = false;
    },
    hide() {
      $('pin-legend').hidden = true;
    },
    /** Enter at the map's crosshair: the place is set, and the keyboard goes on to the next step. */
    async placeAt(lngLat) {
      await setPlace(lngLat);
      (form.querySelector('input[name=category]:checked') || form.querySelector('input[name=category]'))?.focus();
    },
  };
}

/** The API's problems as form fields and message keys. */
function problemToErrors(problem, body) {
  if (problem.status === 0) return [{ field: 'form', key: 'report.errors.network' }];
  if (problem.status === 413) return [{ field: 'description', key: 'report.errors.description' }];
  if (problem.status === 503) return [{ field: 'form', key: 'report.errors.busy' }];
  if (!problem.errors.length) return [{ field: 'form', key: 'report.errors.other' }];
  return problem.errors.map((e) => {
    const pointer = e.pointer ?? '';
    const detail = e.detail ?? '';
    if (pointer.startsWith('/geometry')) {
      if (body.feature.geometry === null) return { field: 'place', key: 'report.errors.place_missing' };
      if (/outside/.test(detail) && pointer === '/geometry/coordinates') {
        return { field: 'place', key: 'report.errors.outside_city' };
      }
      return { field: 'place', key: 'report.errors.coordinates' };
    }
    if (pointer === '/properties/category') return { field: 'category', key: 'report.errors.category' };
    if (pointer === '/properties/description') {
      const empty = !body.feature.properties.description.trim();
      return { field: 'description', key: empty ? 'report.errors.description_missing' : 'report.errors.description' };
    }
    if (pointer === '/properties/contact') return { field: 'contact', key: 'report.errors.contact' };
    return { field: 'form', key: 'report.errors.other' };
  });
}

function number(text) {
  const value = Number(text.replace(',', '.'));
  return text === '' || !Number.isFinite(value) ? null : value;
}

/** The colours of the pins, for citizens: one swatch a category, what a numbered circle is, and what a hollow one is. */
function renderPinLegend(categories) {
  const legend = document.getElementById('pin-legend');
  // Open beside a desktop map, folded to its title over a phone's.
  legend.open = !matchMedia('(max-width: 600px)').matches;
  const title = document.createElement('summary');
  setText(title, 'report.legend.title');
  const list = document.createElement('ul');
  for (const slug of categories) list.append(legendItem('dot', `category.${slug}`, CATEGORY_COLOURS[slug]));
  list.append(legendItem('dot cluster-dot', 'report.legend.cluster'), legendItem('dot district-dot', 'report.legend.district_only'));
  legend.append(title, list);
}

/** One line of the legend: a swatch (`className`, filled with `colour` if given) and the string `key`. */
function legendItem(className, key, colour = null) {
  const item = document.createElement('li');
  const swatch = document.createElement('span');
  swatch.className = className;
  if (colour) swatch.style.background = colour;
  const text = document.createElement('span');
  setText(text, key);
  item.append(swatch, text);
  return item;
}

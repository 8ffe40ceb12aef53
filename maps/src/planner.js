// Planners read the city: a district choropleth of pins per km² under the current filters (category, status,
// report dates), the historic-centre versions as overlays with a comparison of two drafts, a district's
// statistics with a sortable, paged table of its pins (a row shows its pin on the map), and downloads of
// exactly the filtered pins through qala's export API.
import { ApiProblem, getJson, query } from './api.js';
import { appendTerm, areaName, clearText, formatDate, formatNumber, onLanguageChange, setText, t } from './i18n.js';
import { STATUS_COLOURS } from './categories.js';
import { fillDistrictOptions } from './districts.js';

const PAGE_SIZE = 20;
const CLASS_COLOURS = ['#fff5d6', '#fdd49e', '#fc8d59', '#e34a33', '#a3180d'];
const SORTABLE = ['id', 'category', 'status', 'created_at'];
const EXPORTS = [
  ['geojson', 'GeoJSON'],
  ['csv', 'CSV'],
  ['gpkg', 'GeoPackage'],
  ['fgb', 'FlatGeobuf'],
];

export function createPlannerView({ qala, config, districts }) {
  const $ = (id) => document.getElementById(id);
  const filtersForm = $('filters');
  const districtSelect = $('planner-district');
  const state = { filter: {}, district: null, sortby: '-created_at', offset: 0, centres: [], stats: null };
  let generation = 0;

  checkboxes($('filter-categories'), 'category', config.categories);
  checkboxes($('filter-statuses'), 'status', config.statuses);

  const fillDistricts = () => fillDistrictOptions(districtSelect, districts, 'planner.filters.district_all');
  fillDistricts();

  /** The filter parameters the API takes, from the form. */
  function readFilter() {
    const checked = (name) => [...filtersForm.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
    const from = $('date-from').value;
    const to = $('date-to').value;
    const filter = { category: checked('category'), status: checked('status') };
    if (from || to) {
      const start = from ? new Date(`${from}T00:00:00`).toISOString() : '..';
      const end = to ? new Date(`${to}T23:59:59.999`).toISOString() : '..';
      filter.datetime = `${start}/${end}`;
    }
    return filter;
  }

  async function apply() {
    const ticket = ++generation;
    clearText($('filter-error'));
    state.filter = readFilter();
    state.district = districtSelect.value ? Number(districtSelect.value) : null;
    state.offset = 0;
    try {
      const stats = await getJson(`/api/v1/areas/stats${query({ kind: 'district', ...state.filter })}`);
      if (ticket !== generation) return;
      state.stats = stats;
      qala.setPinsUrl(`/api/v1/map/pins${query(state.filter)}`);
      paintDensity(stats.areas);
      qala.selectDistrict(state.district);
      updateExports();
      await Promise.all([showDistrict(), compare()]);
      if (ticket === generation) setText($('planner-live'), 'planner.applied', { count: totalCount(stats.areas) });
    } catch (error) {
      if (ticket !== generation) return;
      const dates = error instanceof ApiProblem && error.errors.some((e) => e.parameter === 'datetime');
      setText($('filter-error'), dates ? 'planner.errors.dates' : 'planner.errors.other');
    }
  }

  function paintDensity(areas) {
    const { thresholds, step } = breaks(areas.map((a) => a.pins_per_km2), CLASS_COLOURS.length);
    const colourOf = (v) => CLASS_COLOURS[thresholds.filter((th) => v >= th).length];
    qala.setDensity(Object.fromEntries(areas.map((a) => [a.area_id, colourOf(a.pins_per_km2)])));
    renderLegend(thresholds, step);
  }

  function renderLegend(thresholds, step) {
    const legend = $('legend');
    legend.replaceChildren();
    const title = document.createElement('p');
    title.className = 'legend-title';
    setText(title, 'planner.legend.title');
    const list = document.createElement('ul');
    const digits = step < 1 ? 1 : 0;
    const bounds = [0, ...thresholds];
    bounds.forEach((low, i) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = CLASS_COLOURS[i];
      const text = document.createElement('span');
      const high = bounds[i + 1];
      if (high === undefined) setText(text, 'planner.legend.above', { low: formatNumber(low, digits) });
      else setText(text, 'planner.legend.range', { low: formatNumber(low, digits), high: formatNumber(high, digits) });
      item.append(swatch, text);
      list.append(item);
    });
    const note = document.createElement('p');
    note.className = 'legend-note';
    if (thresholds.length) setText(note, 'planner.legend.classes', { step: formatNumber(step, digits) });
    legend.append(title, list, note);
    legend.hidden = false;
  }

  async function showDistrict() {
    const section = $('district-stats');
    const feature = districts.features.find((f) => f.id === state.district);
    if (!feature) {
      section.hidden = true;
      return;
    }
    const ticket = generation;
    const id = feature.id;
    const [all, page] = await Promise.all([
      getJson(`/api/v1/areas/${id}/stats`),
      getJson(
        `/api/v1/map/table${query({ within: id, ...state.filter, sortby: state.sortby, offset: state.offset, limit: PAGE_SIZE })}`,
      ),
    ]);
    if (ticket !== generation) return;
    const filtered = state.stats?.areas.find((a) => a.area_id === id);
    section.hidden = false;
    setText($('stats-heading'), 'planner.stats.heading', { district: areaName(feature.properties) });
    renderStats(feature, all, filtered);
    renderTable(page);
  }

  function renderStats(feature, all, filtered) {
    const list = $('stats-list');
    list.replaceChildren();
    const row = (termKey, value) => appendTerm(list, termKey, { text: value });
    row('planner.stats.area', formatNumber(feature.properties.area_km2, 2));
    row('planner.stats.matching', formatNumber(filtered?.count ?? 0));
    row('planner.stats.density', formatNumber(filtered?.pins_per_km2 ?? 0, 2));
    row('planner.stats.total', formatNumber(all.count));
    for (const slug of config.categories) row(`category.${slug}`, formatNumber(all.by_category[slug] ?? 0));
    for (const slug of config.statuses) row(`status.${slug}`, formatNumber(all.by_status[slug] ?? 0));
  }

  function renderTable(page) {
    const head = $('table-head');
    head.replaceChildren();
    const [key, descending] = state.sortby.startsWith('-') ? [state.sortby.slice(1), true] : [state.sortby, false];
    for (const column of [...SORTABLE, 'description']) {
      const th = document.createElement('th');
      th.scope = 'col';
      if (SORTABLE.includes(column)) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'sort';
        button.dataset.column = column;
        setText(button, `planner.table.${column}`);
        th.append(button);
        th.setAttribute('aria-sort', column === key ? (descending ? 'descending' : 'ascending') : 'none');
        button.addEventListener('click', () => {
          state.sortby = column === key && !descending ? `-${column}` : column;
          state.offset = 0;
          showDistrict();
        });
      } else {
        setText(th, `planner.table.${column}`);
      }
      head.append(th);
    }
    const body = $('table-body');
    body.replaceChildren();
    for (const feature of page.features) {
      const p = feature.properties;
      const tr = document.createElement('tr');
      tr.dataset.pinId = String(feature.id);
      const cell = (content) => {
        const td = document.createElement('td');
        if (content instanceof Node) td.append(content);
        else td.textContent = content;
        tr.append(td);
        return td;
      };
      const show = document.createElement('button');
      show.type = 'button';
      show.className = 'row-link';
      setText(show, 'planner.table.show', { id: String(feature.id) });
      show.addEventListener('click', (event) => {
        event.stopPropagation();
        location.hash = `#pin/${feature.id}`;
      });
      cell(show);
      setText(cell(''), `category.${p.category}`);
      const status = cell('');
      status.className = 'status';
      status.style.setProperty('--status', STATUS_COLOURS[p.status]);
      setText(status, `status.${p.status}`);
      cell(formatDate(p.created_at));
      const description = document.createElement('div');
      description.className = 'clamp';
      description.textContent = p.description;
      cell(description);
      tr.addEventListener('click', () => (location.hash = `#pin/${feature.id}`));
      body.append(tr);
    }
    const total = page.numberMatched;
    const from = total === 0 ? 0 : state.offset + 1;
    const to = state.offset + page.features.length;
    setText($('table-caption'), 'planner.table.caption', { total });
    setText($('page-info'), 'planner.table.rows', { from, to, total });
    $('page-prev').disabled = state.offset === 0;
    $('page-next').disabled = to >= total;
  }

  $('page-prev').addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - PAGE_SIZE);
    showDistrict();
  });
  $('page-next').addEventListener('click', () => {
    state.offset += PAGE_SIZE;
    showDistrict();
  });

  function updateExports() {
    const links = $('export-links');
    links.replaceChildren();
    const params = query({ ...state.filter, within: state.district ?? undefined });
    for (const [ext, name] of EXPORTS) {
      const a = document.createElement('a');
      a.className = 'button secondary';
      a.href = `/api/v1/exports/pins.${ext}${params}`;
      a.setAttribute('download', '');
      a.dataset.format = ext;
      setText(a, 'planner.exports.download', { format: name });
      links.append(a);
    }
  }

  // Historic-centre versions: A is shown (the current one unless chosen), B is compared with it.
  async function loadCentres() {
    const all = await getJson('/api/v1/areas?kind=historic_centre');
    state.centres = all.features.sort((a, b) => a.properties.version - b.properties.version);
    const current = state.centres.find((f) => f.properties.current);
    fillCentres();
    $('centre-a').value = current ? String(current.id) : '';
    showCentres();
  }

  function fillCentres() {
    for (const [id, noneKey] of [['centre-a', 'planner.centre.none_a'], ['centre-b', 'planner.centre.none_b']]) {
      const select = $(id);
      const chosen = select.value;
      select.replaceChildren(new Option(t(noneKey), ''));
      for (const f of state.centres) {
        const p = f.properties;
        const key = p.current ? 'planner.centre.version_current' : 'planner.centre.version';
        select.append(new Option(t(key, { version: p.version, name: areaName(p) }), f.id));
      }
      select.value = chosen;
    }
  }

  function showCentres() {
    const pick = (id) => state.centres.find((f) => String(f.id) === $(id).value) || null;
    qala.setCentre('a', pick('centre-a'));
    qala.setCentre('b', pick('centre-b'));
    compare();
  }

  async function compare() {
    const out = $('compare');
    const a = $('centre-a').value;
    const b = $('centre-b').value;
    if (!a || !b || a === b) {
      out.replaceChildren();
      qala.setCompare(null);
      return;
    }
    const ticket = generation;
    // The counts and the pins on each side are the API's comparison under the current filter; the lean pins
    // of each draft only give their positions for drawing.
    const [diff, inA, inB] = await Promise.all([
      // Up to 10,000 ids a group (the API pages beyond): enough to draw every pin that differs.
      getJson(`/api/v1/areas/compare${query({ a, b, ...state.filter, limit: 10000 })}`),
      getJson(`/api/v1/map/pins${query({ ...state.filter, within: a })}`),
      getJson(`/api/v1/map/pins${query({ ...state.filter, within: b })}`),
    ]);
    if (ticket !== generation) return;
    const side = (features, ids, key) => {
      const wanted = new Set(ids);
      return features.filter((f) => wanted.has(f.id)).map((f) => ({ ...f, properties: { ...f.properties, side: key } }));
    };
    const onlyA = side(inA.features, diff.only_a.ids, 'only_a');
    const onlyB = side(inB.features, diff.only_b.ids, 'only_b');
    qala.setCompare({ type: 'FeatureCollection', features: [...onlyA, ...onlyB] });
    out.replaceChildren();
    for (const [key, count, cls] of [
      ['planner.centre.only_a', diff.only_a.count, 'only-a'],
      ['planner.centre.only_b', diff.only_b.count, 'only-b'],
      ['planner.centre.both', diff.both.count, 'both'],
    ]) {
      const p = document.createElement('p');
      p.className = cls;
      setText(p, key, { count });
      out.append(p);
    }
  }

  $('show-pins').addEventListener('change', () => qala.showPins($('show-pins').checked));
  $('centre-a').addEventListener('change', showCentres);
  $('centre-b').addEventListener('change', showCentres);
  filtersForm.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  filtersForm.addEventListener('reset', () => setTimeout(apply));
  districtSelect.addEventListener('change', () => {
    const feature = districts.features.find((f) => String(f.id) === districtSelect.value);
    if (feature) qala.fitDistrict(feature);
    apply();
  });

  async function selectDistrictAt({ lng, lat }) {
    const found = await qala.districtAt(lng, lat);
    const feature = found && districts.features.find((f) => f.properties.label === found.label);
    districtSelect.value = feature ? String(feature.id) : '';
    await apply();
  }
  qala.onMapClick((lngLat) => {
    if (!$('planner-view').hidden) selectDistrictAt(lngLat);
  });

  onLanguageChange(() => {
    fillDistricts();
    fillCentres();
    if (!$('planner-view').hidden && state.stats) {
      // Dates and numbers are written in the language's own way: redraw what shows them.
      paintDensity(state.stats.areas);
      showDistrict();
    }
  });

  let started = false;
  return {
    async show() {
      $('legend').hidden = !state.stats;
      if (!started) {
        started = true;
        await loadCentres();
        await apply();
      } else {
        qala.setPinsUrl(`/api/v1/map/pins${query(state.filter)}`);
        if (state.stats) paintDensity(state.stats.areas);
      }
      qala.showPins($('show-pins').checked);
    },
    hide() {
      $('legend').hidden = true;
      qala.setDensity(null);
      qala.selectDistrict(null);
    },
    placeAt(lngLat) {
      selectDistrictAt(lngLat);
    },
  };
}

function checkboxes(container, name, slugs) {
  for (const slug of slugs) {
    const label = document.createElement('label');
    label.className = 'check';
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = name;
    input.value = slug;
    const text = document.createElement('span');
    setText(text, `${name}.${slug}`);
    label.append(input, text);
    container.append(label);
  }
}

/**
 * Class thresholds for the choropleth: equal steps from 0 of a round size (1, 2 or 5 × a power of ten), so
 * that a colour always means the same range and two districts of nearly the same density share a class
 * (quantiles over eight districts made 28 and 32 pins/km² look pale against dark). Answers the thresholds
 * (the lower bound of each class after the first) and the step.
 */
export function breaks(values, classes) {
  const max = Math.max(0, ...values.filter((v) => Number.isFinite(v)));
  if (max <= 0) return { thresholds: [], step: 0 };
  const raw = max / classes;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const thresholds = [];
  for (let i = 1; i < classes && i * step <= max; i++) thresholds.push(Number((i * step).toPrecision(6)));
  return { thresholds, step };
}

function totalCount(areas) {
  return areas.reduce((sum, a) => sum + a.count, 0);
}

// The map itself: MapLibre GL JS with qala's layers (city, districts, the current historic-centre outline and
// the planner's drafts, clustered pins), district and centre labels in the reader's language, and a keyboard
// path: the map is focusable, a crosshair marks its centre, the arrow keys move the map under it (MapLibre's
// own keyboard handler), and Enter acts at the crosshair. A live region says where the crosshair is, for
// screen-reader users.
import * as maplibregl from 'maplibre-gl';
// MapLibre finds its worker beside its own module; bundled, that file must be named to the bundler.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { getJson } from './api.js';
import { areaName, formatDate, setText, t } from './i18n.js';
import { chooseBasemap, isBasemapSource, offlineStyle } from './basemap.js';
import { addPinLayers, updateClusterCounts, PIN_LAYERS } from './pins.js';

const DISTRICTS_URL = '/api/v1/areas?kind=district&current=true';
// The historic centre as it stands (an illustrative draft until planners adopt one): shown to citizens; the
// planner view draws the versions it is asked for instead.
const CENTRE_URL = '/api/v1/areas?kind=historic_centre&current=true';
const CENTRE_LABEL_ZOOM = 13;

maplibregl.setWorkerUrl(workerUrl);

export async function createMap({ config, districts }) {
  const [basemap, centre] = await Promise.all([chooseBasemap(config), getJson(CENTRE_URL)]);
  const map = new maplibregl.Map({
    container: 'map',
    style: basemap.style,
    bounds: config.bounds,
    fitBoundsOptions: { padding: 16 },
    maxBounds: widen(config.bounds, 0.6),
    attributionControl: false,
    locale: mapLocale(),
    dragRotate: false,
    pitchWithRotate: false,
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  // qala's own credit (the districts are OpenStreetMap data) is rebuilt in each language; a configured
  // basemap's sources add their own credits to the same control.
  let attribution = null;
  function credit() {
    if (attribution) map.removeControl(attribution);
    attribution = new maplibregl.AttributionControl({ compact: true, customAttribution: t('map.attribution') });
    map.addControl(attribution, 'bottom-right');
  }
  credit();

  let offline = basemap.offline;
  let mode = 'report';
  let pinsUrl = '/api/v1/map/pins';
  let popup = null;
  let centreKeyHandler = () => {};
  const overlays = { density: null, centres: { a: null, b: null }, compare: null };
  const labelMarkers = [];
  const centreLabels = [];

  function addOverlays() {
    const style = offline ? 'offline' : 'basemap';
    map.addSource('city', { type: 'geojson', data: config.city });
    map.addSource('districts', { type: 'geojson', data: DISTRICTS_URL });
    map.addSource('centre', { type: 'geojson', data: centre });
    map.addSource('centre-a', { type: 'geojson', data: emptyCollection() });
    map.addSource('centre-b', { type: 'geojson', data: emptyCollection() });
    map.addSource('compare', { type: 'geojson', data: emptyCollection() });
    map.addSource('place', { type: 'geojson', data: emptyCollection() });
    map.addLayer({
      id: 'city-fill',
      type: 'fill',
      source: 'city',
      paint: { 'fill-color': '#fbfaf5', 'fill-opacity': style === 'offline' ? 1 : 0 },
    });
    map.addLayer({
      id: 'district-fill',
      type: 'fill',
      source: 'districts',
      paint: {
        'fill-color': ['coalesce', ['feature-state', 'colour'], '#ffffff'],
        'fill-opacity': ['case', ['!=', ['feature-state', 'colour'], null], 0.6, style === 'offline' ? 0.35 : 0],
      },
    });
    map.addLayer({
      id: 'district-line',
      type: 'line',
      source: 'districts',
      paint: { 'line-color': '#5b6470', 'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 4, 1.2] },
    });
    map.addLayer({
      id: 'city-line',
      type: 'line',
      source: 'city',
      paint: { 'line-color': '#2f3640', 'line-width': 2 },
    });
    map.addLayer({
      id: 'centre-line',
      type: 'line',
      source: 'centre',
      paint: { 'line-color': '#8a1c7c', 'line-width': 2.5, 'line-dasharray': [3, 2] },
    });
    map.addLayer({
      id: 'centre-a-line',
      type: 'line',
      source: 'centre-a',
      paint: { 'line-color': '#8a1c7c', 'line-width': 3 },
    });
    map.addLayer({
      id: 'centre-b-line',
      type: 'line',
      source: 'centre-b',
      paint: { 'line-color': '#1b5e20', 'line-width': 3, 'line-dasharray': [2, 1.5] },
    });
    addPinLayers(map, pinsUrl);
    map.addLayer({
      id: 'compare-points',
      type: 'circle',
      source: 'compare',
      paint: {
        'circle-radius': 5,
        'circle-color': ['match', ['get', 'side'], 'only_a', '#8a1c7c', 'only_b', '#1b5e20', '#9e9e9e'],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1,
      },
    });
    map.addLayer({
      id: 'place-point',
      type: 'circle',
      source: 'place',
      paint: { 'circle-radius': 9, 'circle-color': '#c62828', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 },
    });
    applyMode();
    restoreOverlays();
  }

  map.on('style.load', addOverlays);
  map.on('error', (event) => {
    // Errors are handled here rather than printed: a configured basemap that cannot be reached (no network)
    // gives way to the offline basemap once, and nothing else is expected to fail.
    const sourceId = event.sourceId || event.source?.id;
    if (!offline && (isBasemapSource(map, sourceId) || !sourceId)) {
      offline = true;
      map.setStyle(offlineStyle(), { diff: false });
      return;
    }
    console.warn('map:', event.error?.message || event);
  });
  map.on('render', () => updateClusterCounts(map));
  await new Promise((resolve) => (map.loaded() ? resolve() : map.once('load', resolve)));

  // District labels are HTML, not map text: the offline basemap has no font glyphs to draw text with.
  for (const feature of districts.features) {
    const el = document.createElement('div');
    el.className = 'district-label';
    el.setAttribute('aria-hidden', 'true');
    const marker = new maplibregl.Marker({ element: el }).setLngLat(feature.properties.label_point).addTo(map);
    labelMarkers.push({ marker, el, feature });
  }
  // The centre's name sits at its label point; it shows only close up (showCentreLabels), where the district
  // names are far apart.
  for (const feature of centre.features) {
    const el = document.createElement('div');
    el.className = 'centre-label';
    el.setAttribute('aria-hidden', 'true');
    new maplibregl.Marker({ element: el }).setLngLat(feature.properties.label_point).addTo(map);
    centreLabels.push({ el, feature });
  }

  // Keyboard: Enter or Space on the focused map acts at the crosshair; moving says where it is.
  const canvas = map.getCanvas();
  canvas.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      centreKeyHandler(map.getCenter());
    }
  });
  let announceTimer = null;
  map.on('moveend', () => {
    if (document.activeElement !== canvas) return;
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => announceCentre(), 250);
  });
  canvas.addEventListener('focus', () => announceCentre());

  async function announceCentre() {
    const { lng, lat } = map.getCenter();
    const live = document.getElementById('map-live');
    const district = await districtAt(lng, lat);
    const args = { lat: lat.toFixed(5), lon: lng.toFixed(5), district: district ? areaName(district) : '' };
    setText(live, district ? `map.crosshair.${mode}` : `map.crosshair.outside`, args);
  }

  async function districtAt(lon, lat) {
    try {
      const found = await getJson(`/api/v1/point/${lon.toFixed(6)},${lat.toFixed(6)}/areas`);
      return found.features.find((f) => f.properties.kind === 'district')?.properties || null;
    } catch {
      return null;
    }
  }

  function applyMode() {
    const planner = mode === 'planner';
    for (const id of ['centre-a-line', 'centre-b-line', 'compare-points']) {
      if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', planner ? 'visible' : 'none');
    }
    for (const id of ['place-point', 'centre-line']) {
      if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', planner ? 'none' : 'visible');
    }
    showCentreLabels();
    if (map.getLayer('district-fill')) {
      map.setPaintProperty('district-fill', 'fill-opacity', planner && overlays.density ? 0.6 : offline ? 0.35 : 0);
    }
  }

  // The centre's name is long and the outline small at city scale: the name shows once the map is close
  // enough for it to fit, and only to citizens (the planner's menus name the versions it draws).
  function showCentreLabels() {
    const hidden = mode === 'planner' || map.getZoom() < CENTRE_LABEL_ZOOM;
    for (const { el } of centreLabels) el.hidden = hidden;
  }
  map.on('zoom', showCentreLabels);

  function restoreOverlays() {
    if (overlays.density) qala.setDensity(overlays.density);
    for (const side of ['a', 'b']) {
      map.getSource(`centre-${side}`)?.setData(overlays.centres[side] || emptyCollection());
    }
    map.getSource('compare')?.setData(overlays.compare || emptyCollection());
  }

  const qala = {
    map,
    districts,
    centre,
    get offline() {
      return offline;
    },
    setMode(next) {
      mode = next;
      popup?.remove();
      applyMode();
    },
    onCentreKey(handler) {
      centreKeyHandler = handler;
    },
    /** Reloads the pins layer from `url` (the lean pins endpoint with the view's filters). */
    setPinsUrl(url) {
      pinsUrl = url;
      map.getSource('pins')?.setData(url);
    },
    refreshPins() {
      map.getSource('pins')?.setData(`${pinsUrl}${pinsUrl.includes('?') ? '&' : '?'}_=${Date.now()}`);
    },
    /** Colours districts by `colours` (area id → colour); null clears the choropleth. */
    setDensity(colours) {
      overlays.density = colours;
      for (const feature of districts.features) {
        map.setFeatureState({ source: 'districts', id: feature.id }, { colour: colours?.[feature.id] ?? null });
      }
      applyMode();
    },
    selectDistrict(id) {
      for (const feature of districts.features) {
        map.setFeatureState({ source: 'districts', id: feature.id }, { selected: feature.id === id });
      }
    },
    setCentre(side, feature) {
      overlays.centres[side] = feature ? { type: 'FeatureCollection', features: [feature] } : null;
      map.getSource(`centre-${side}`)?.setData(overlays.centres[side] || emptyCollection());
    },
    setCompare(collection) {
      overlays.compare = collection;
      map.getSource('compare')?.setData(collection || emptyCollection());
    },
    setPlace(lon, lat) {
      const data = lon === null ? emptyCollection() : point(lon, lat);
      map.getSource('place')?.setData(data);
    },
    fitDistrict(feature) {
      map.fitBounds(boundsOf(feature.geometry), { padding: 24, duration: 600 });
    },
    async showPin(id) {
      try {
        const feature = await getJson(`/api/v1/pins/${id}`);
        const [lon, lat] = feature.geometry.coordinates;
        map.jumpTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), 16) });
        openPopup(feature);
      } catch {
        /* an unknown pin: the map stays where it is */
      }
    },
    translate() {
      credit();
      for (const { el, feature } of [...labelMarkers, ...centreLabels]) el.textContent = areaName(feature.properties);
      const locale = mapLocale();
      const set = (selector, key) => {
        for (const el of map.getContainer().querySelectorAll(selector)) {
          el.setAttribute('title', locale[key]);
          el.setAttribute('aria-label', locale[key]);
        }
      };
      set('.maplibregl-ctrl-zoom-in', 'NavigationControl.ZoomIn');
      set('.maplibregl-ctrl-zoom-out', 'NavigationControl.ZoomOut');
      set('.maplibregl-ctrl-attrib-button', 'AttributionControl.ToggleAttribution');
      canvas.setAttribute('aria-label', t('map.canvas'));
      canvas.setAttribute('aria-roledescription', t('map.roledescription'));
      popup?.remove();
    },
  };

  map.on('click', (event) => {
    const hit = map.queryRenderedFeatures(event.point, { layers: PIN_LAYERS });
    const cluster = hit.find((f) => f.properties.cluster);
    if (cluster) {
      map.getSource('pins').getClusterExpansionZoom(cluster.properties.cluster_id).then((zoom) => {
        map.easeTo({ center: cluster.geometry.coordinates, zoom });
      });
      return;
    }
    const pin = hit.find((f) => f.layer.id === 'pin-points');
    if (pin && mode === 'planner') {
      qala.showPin(pin.id ?? pin.properties.id);
      return;
    }
    if (pin && mode === 'report' && event.originalEvent.altKey) {
      qala.showPin(pin.id ?? pin.properties.id);
      return;
    }
    for (const handler of clickHandlers) handler(event.lngLat, event.point);
  });
  const clickHandlers = [];
  qala.onMapClick = (handler) => clickHandlers.push(handler);
  qala.districtAt = districtAt;
  for (const layer of ['pin-clusters', 'pin-points', 'district-fill']) {
    map.on('mouseenter', layer, () => (canvas.style.cursor = 'pointer'));
    map.on('mouseleave', layer, () => (canvas.style.cursor = ''));
  }

  function openPopup(feature) {
    popup?.remove();
    const p = feature.properties;
    const body = document.createElement('div');
    body.className = 'pin-popup';
    const title = document.createElement('strong');
    title.textContent = t('pin.title', { id: String(feature.id), category: t(`category.${p.category}`) });
    const meta = document.createElement('p');
    meta.textContent = t('pin.meta', { status: t(`status.${p.status}`), date: formatDate(p.created_at) });
    const text = document.createElement('p');
    text.textContent = p.description;
    body.append(title, meta, text);
    popup = new maplibregl.Popup({ maxWidth: '280px', focusAfterOpen: false })
      .setLngLat(feature.geometry.coordinates)
      .setDOMContent(body)
      .addTo(map);
    const close = popup.getElement().querySelector('.maplibregl-popup-close-button');
    close?.setAttribute('aria-label', mapLocale()['Popup.Close']);
    close?.setAttribute('title', mapLocale()['Popup.Close']);
    const live = document.getElementById('map-live');
    live.textContent = `${title.textContent}. ${meta.textContent}. ${p.description}`;
  }
  qala.openPopup = openPopup;
  qala.translate();
  showCentreLabels();
  return qala;
}

/** MapLibre's own control labels, in the current language. */
function mapLocale() {
  const keys = [
    'AttributionControl.ToggleAttribution',
    'Map.Title',
    'NavigationControl.ZoomIn',
    'NavigationControl.ZoomOut',
    'Popup.Close',
    'Marker.Title',
  ];
  return Object.fromEntries(keys.map((key) => [key, t(`maplibre.${key}`)]));
}

function widen([w, s, e, n], by) {
  return [w - by, s - by, e + by, n + by];
}

function emptyCollection() {
  return { type: 'FeatureCollection', features: [] };
}

function point(lon, lat) {
  return { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: {} }] };
}

export function boundsOf(geometry) {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      w = Math.min(w, c[0]);
      e = Math.max(e, c[0]);
      s = Math.min(s, c[1]);
      n = Math.max(n, c[1]);
    } else c.forEach(visit);
  };
  visit(geometry.coordinates);
  return [w, s, e, n];
}

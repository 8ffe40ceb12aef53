// The map itself: MapLibre GL JS with qala's layers (city, districts, the current historic-centre outline and
// the planner's drafts, clustered pins), district and centre labels in the reader's language, and a keyboard
// path: the map is focusable, a crosshair marks its centre, the arrow keys move the map under it (MapLibre's
// own keyboard handler), and Enter acts at the crosshair. A live region says where the crosshair is, for
// screen-reader users.
import * as maplibregl from 'maplibre-gl';
// MapLibre finds its worker beside its own module; bundled, that file must be named to the bundler.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { getJson } from './api.js';
import { areaName, setText, t } from './i18n.js';
import { chooseBasemap, isBasemapSource, offlineStyle } from './basemap.js';
import { addPinLayers, loadDistrictPins, loadPointPins, PIN_LAYERS, SINGLE_PIN_LAYERS } from './pins.js';
import { QALA_FONT, addLabelLayers, showCentreLabels, translateLabels } from './labels.js';

// The comparison's two sides: black and white, which no category uses.
const COMPARE_COLOURS = { only_a: '#000000', only_b: '#ffffff' };

// The historic centre as it stands (an illustrative draft until planners adopt one): shown to citizens; the
// planner view draws the versions it is asked for instead.
const CENTRE_URL = '/api/v1/areas?kind=historic_centre&current=true';
const KEYBOARD_ZOOM = 15;

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
    // Names appear and give way at once: a fade would keep the map busy after every move (and a phone's CPU
    // with it), for an effect nobody needs to read a district's name.
    fadeDuration: 0,
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
    // Folded to its (i) button until asked: open, the credits covered the bottom of a phone's map.
    map.getContainer().querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show');
  }
  credit();

  let offline = basemap.offline;
  let font = basemap.font;
  let mode = 'report';
  let pinsUrl = '/api/v1/map/pins';
  // The latest load of the point-placed pins (all its pages), for whoever waits for the pins to be drawn.
  let pointPins = Promise.resolve();
  let centreKeyHandler = () => {};
  const overlays = { density: null, centres: { a: null, b: null }, compare: null };

  function addOverlays() {
    const style = offline ? 'offline' : 'basemap';
    map.addSource('city', { type: 'geojson', data: config.city });
    // The districts and the centre were fetched once by the page; the map draws those objects, not a URL
    // it would fetch again.
    map.addSource('districts', { type: 'geojson', data: districts });
    map.addSource('centre', { type: 'geojson', data: centre });
    map.addSource('centre-a', { type: 'geojson', data: emptyCollection() });
    map.addSource('centre-b', { type: 'geojson', data: emptyCollection() });
    map.addSource('compare', { type: 'geojson', data: emptyCollection() });
    map.addSource('place', { type: 'geojson', data: emptyCollection() });
    map.addSource('selected', { type: 'geojson', data: emptyCollection() });
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
    addPinLayers(map);
    pointPins = loadPointPins(map, pinsUrl);
    loadDistrictPins(map, pinsUrl);
    map.addLayer({
      id: 'compare-points',
      type: 'circle',
      source: 'compare',
      paint: {
        'circle-radius': 5,
        // Black and white, never a category's colour, and told apart without colour vision.
        'circle-color': ['match', ['get', 'side'], 'only_a', COMPARE_COLOURS.only_a, 'only_b', COMPARE_COLOURS.only_b, '#9e9e9e'],
        'circle-stroke-color': ['match', ['get', 'side'], 'only_b', '#000000', '#ffffff'],
        'circle-stroke-width': ['match', ['get', 'side'], 'only_b', 2.5, 1.5],
      },
    });
    map.addLayer({
      id: 'place-point',
      type: 'circle',
      source: 'place',
      paint: { 'circle-radius': 9, 'circle-color': '#c62828', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 },
    });
    map.addLayer({
      id: 'selected-point',
      type: 'circle',
      source: 'selected',
      paint: { 'circle-radius': 12, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#1d232b', 'circle-stroke-width': 3 },
    });
    addLabelLayers(map, { districts, centre, font });
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
      font = QALA_FONT;
      map.setStyle(offlineStyle(), { diff: false });
      return;
    }
    console.warn('map:', event.error?.message || event);
  });
  await new Promise((resolve) => (map.loaded() ? resolve() : map.once('load', resolve)));

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
  // From the keyboard the map starts where a place can be chosen to a few metres, not at city scale.
  canvas.addEventListener('focus', () => {
    if (canvas.matches(':focus-visible') && map.getZoom() < KEYBOARD_ZOOM) map.jumpTo({ zoom: KEYBOARD_ZOOM });
    announceCentre();
  });

  async function announceCentre() {
    const { lng, lat } = map.getCenter();
    const live = document.getElementById('map-live');
    const args = { lat: lat.toFixed(5), lon: lng.toFixed(5), district: '' };
    try {
      const district = await districtAt(lng, lat);
      if (district) args.district = areaName(district);
      setText(live, district ? `map.crosshair.${mode}` : `map.crosshair.outside`, args);
    } catch {
      // qala did not answer: the place is not known to be outside, only not looked up.
      setText(live, 'map.crosshair.unknown', args);
    }
  }

  /** The district at (lon, lat), or null outside every district; throws an ApiProblem when qala cannot say. */
  async function districtAt(lon, lat) {
    const found = await getJson(`/api/v1/point/${lon.toFixed(6)},${lat.toFixed(6)}/areas`);
    return found.features.find((f) => f.properties.kind === 'district')?.properties || null;
  }

  function applyMode() {
    const planner = mode === 'planner';
    for (const id of ['centre-a-line', 'centre-b-line', 'compare-points']) {
      if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', planner ? 'visible' : 'none');
    }
    for (const id of ['place-point', 'centre-line']) {
      if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', planner ? 'none' : 'visible');
    }
    showCentreLabels(map, !planner);
    if (map.getLayer('district-fill')) {
      map.setPaintProperty('district-fill', 'fill-opacity', planner && overlays.density ? 0.6 : offline ? 0.35 : 0);
    }
  }


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
      applyMode();
    },
    onCentreKey(handler) {
      centreKeyHandler = handler;
    },
    /** Shows the pins of `url` (the lean pins endpoint with the view's filters); the same URL is not fetched again. */
    setPinsUrl(url) {
      if (url === pinsUrl) return;
      pinsUrl = url;
      pointPins = loadPointPins(map, url);
      loadDistrictPins(map, url);
    },
    /** Fetches the pins again (after a report): qala answers `no-cache` with an ETag, so the browser asks
     * again and gets either the new pins or a 304. */
    refreshPins() {
      pointPins = loadPointPins(map, pinsUrl);
      loadDistrictPins(map, pinsUrl);
    },
    /** Settles once the pins last asked for are in the map's source (every page of them). */
    pinsLoaded() {
      return pointPins;
    },
    /** Shows or hides the pins (a planner reading the choropleth alone). */
    showPins(visible) {
      for (const id of PIN_LAYERS) {
        if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
      }
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
    /** Centres the map on `feature` and rings it; null clears the ring. */
    selectPin(feature) {
      map.getSource('selected')?.setData(feature ? { type: 'FeatureCollection', features: [feature] } : emptyCollection());
      if (!feature) return;
      const [lon, lat] = feature.geometry.coordinates;
      map.jumpTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), 16) });
    },
    translate() {
      credit();
      translateLabels(map);
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
    // A tap on a pin opens that problem's page; a tap on the empty map is the view's (a place, a district).
    const pin = hit.find((f) => SINGLE_PIN_LAYERS.includes(f.layer.id));
    if (pin) {
      location.hash = `#pin/${pin.id ?? pin.properties.id}`;
      return;
    }
    for (const handler of clickHandlers) handler(event.lngLat, event.point);
  });
  const clickHandlers = [];
  qala.onMapClick = (handler) => clickHandlers.push(handler);
  qala.districtAt = districtAt;
  for (const layer of [...PIN_LAYERS, 'district-fill']) {
    map.on('mouseenter', layer, () => (canvas.style.cursor = 'pointer'));
    map.on('mouseleave', layer, () => (canvas.style.cursor = ''));
  }

  qala.translate();
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

// Pins on the map: one clustered GeoJSON source fed by qala's lean pins endpoint (GET /api/v1/map/pins, answered
// from the in-memory index), so 100,000 pins load once and MapLibre's worker clusters them. qala answers at
// most 50,000 pins a page, so the page follows the listing's `next` links and hands the source every pin at
// once. The clusters' counts are a symbol layer of labels.js, placed with the names.
//
// Pins placed only by district (`location_precision: "district"`) stand at their district's label point, so
// drawn as the others they made one false clump per district. They come apart (`?location_precision=` splits
// the one listing into two, so no pin is downloaded twice): never clustered with the placed pins, drawn
// hollow, and fanned out around the district's point so that each can be tapped; the legend says what they
// are and the pin's page says "district only".
import { getJson } from './api.js';
import { categoryColourExpression } from './categories.js';

export const PIN_LAYERS = ['pin-clusters', 'cluster-counts', 'pin-points', 'pin-district-points'];
/** The layers whose features are single pins (a tap opens the pin's page). */
export const SINGLE_PIN_LAYERS = ['pin-points', 'pin-district-points'];
// The fan: the i-th pin of a district sits FAN_STEP_M·√(i+FAN_HOLE) metres from the district's point, at
// the golden angle from the one before (Vogel's sunflower), so pins are evenly spread and the label's
// centre stays clear.
const FAN_STEP_M = 28;
const FAN_HOLE = 3;
const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

/** The pins listing `url` narrowed to one location precision. */
export function precisionUrl(url, precision) {
  return `${url}${url.includes('?') ? '&' : '?'}location_precision=${precision}`;
}

export function addPinLayers(map) {
  map.addSource('pins-district', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addSource('pins', {
    type: 'geojson',
    data: { type: 'FeatureCollection', features: [] },
    cluster: true,
    clusterRadius: 48,
    clusterMaxZoom: 15,
  });
  map.addLayer({
    id: 'pin-clusters',
    type: 'circle',
    source: 'pins',
    filter: ['has', 'point_count'],
    paint: {
      'circle-color': ['step', ['get', 'point_count'], '#46709d', 50, '#3b5f8a', 500, '#27415f'],
      'circle-radius': ['step', ['get', 'point_count'], 13, 50, 17, 500, 22, 5000, 27],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
      'circle-opacity': 0.9,
    },
  });
  map.addLayer({
    id: 'pin-points',
    type: 'circle',
    source: 'pins',
    filter: ['!', ['has', 'point_count']],
    paint: {
      'circle-color': categoryColourExpression(),
      'circle-radius': 6,
      'circle-stroke-color': '#1d1d1d',
      'circle-stroke-width': 1.2,
    },
  });
  map.addLayer({
    id: 'pin-district-points',
    type: 'circle',
    source: 'pins-district',
    paint: {
      'circle-color': '#ffffff',
      'circle-radius': 5,
      'circle-stroke-color': categoryColourExpression(),
      'circle-stroke-width': 3,
    },
  });
}

/** Every pin of the listing `url`, page after page (its `next` links), as one FeatureCollection. */
export async function allPages(url) {
  const features = [];
  for (let next = url; next; ) {
    const page = await getJson(next);
    for (const feature of page.features) features.push(feature);
    next = page.links?.find((link) => link.rel === 'next')?.href ?? null;
  }
  return { type: 'FeatureCollection', features };
}

/**
 * A loader of one half of the listing into the source `sourceId`: every page of `precision`'s pins, drawn
 * after `shape`. Only the latest call draws (a filter changed meanwhile), and a failure leaves the last pins.
 */
function loaderOf(sourceId, precision, what, shape = (pins) => pins) {
  let asked = 0;
  return async (map, url) => {
    const ask = ++asked;
    let pins;
    try {
      pins = await allPages(precisionUrl(url, precision));
    } catch (error) {
      console.warn(`${what} could not be fetched:`, error.message);
      return;
    }
    if (ask !== asked) return;
    map.getSource(sourceId)?.setData(shape(pins));
  };
}

/** Fetches the pins of `url` placed at a point and draws them clustered. */
export const loadPointPins = loaderOf('pins', 'point', 'the pins');
/** Fetches the district-placed pins of `url` and draws them fanned out. */
export const loadDistrictPins = loaderOf('pins-district', 'district', 'the pins placed by district', fanOut);

/** Each group of pins at one point spread on a sunflower around it (the stored point stays in the API). */
function fanOut(collection) {
  const seen = new Map();
  const features = collection.features.map((feature) => {
    const [lon, lat] = feature.geometry.coordinates;
    const key = `${lon.toFixed(5)},${lat.toFixed(5)}`;
    const i = seen.get(key) ?? 0;
    seen.set(key, i + 1);
    const r = FAN_STEP_M * Math.sqrt(i + FAN_HOLE);
    const angle = i * GOLDEN_ANGLE;
    const dLat = (r * Math.sin(angle)) / 111_320;
    const dLon = (r * Math.cos(angle)) / (111_320 * Math.cos((lat * Math.PI) / 180));
    return { ...feature, geometry: { type: 'Point', coordinates: [lon + dLon, lat + dLat] } };
  });
  return { type: 'FeatureCollection', features };
}

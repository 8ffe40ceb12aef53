// The map's words: district names, the historic centre's name and the pin clusters' counts, drawn by MapLibre
// as symbol layers so that its collision detection keeps them apart. A name that would sit over another
// name, or over a cluster, moves to another side of its point or waits for a closer zoom; a cluster's count
// is always drawn, and its circle (an invisible icon of the circle's size) keeps names off it.
//
// Text needs glyphs: qala serves Noto Sans Regular (Latin and Cyrillic, Kazakh letters included) under
// /glyphs/ (vite.config.js copies them from the tileserver-gl-styles package; OFL-1.1, glyphs/OFL.txt). A
// configured basemap style with glyphs of its own keeps them, and the labels use a font it serves.
import { language } from './i18n.js';

export const QALA_GLYPHS = `${location.origin}/glyphs/{fontstack}/{range}.pbf`;
export const QALA_FONT = ['Noto Sans Regular'];
/** MapLibre's own default, which a style's glyph server is expected to have. */
const DEFAULT_FONT = ['Open Sans Regular', 'Arial Unicode MS Regular'];
export const LABEL_LAYERS = ['district-labels', 'centre-labels'];
const CENTRE_LABEL_ZOOM = 13;
const CLUSTER_BOX = 'cluster-box';
/** The invisible icon's side, in pixels, at icon-size 1; a cluster of radius r uses r·2/CLUSTER_BOX_PX. */
const CLUSTER_BOX_PX = 32;

/** The font the labels can use with `style` (an object; a URL is a style whose glyphs are unknown). */
export function labelFont(style) {
  if (typeof style !== 'object' || !style.glyphs || style.glyphs === QALA_GLYPHS) return QALA_FONT;
  for (const layer of style.layers || []) {
    const font = layer.layout?.['text-font'];
    if (Array.isArray(font) && font.every((f) => typeof f === 'string')) return font;
  }
  return DEFAULT_FONT;
}

/** The name in the reader's language, else English, else the version's label. */
function nameField() {
  return ['coalesce', ['get', `name_${language()}`], ['get', 'name_en'], ['get', 'label']];
}

function labelPoints(collection) {
  return {
    type: 'FeatureCollection',
    features: collection.features
      .filter((f) => Array.isArray(f.properties.label_point))
      .map((f) => ({ type: 'Feature', id: f.id, properties: f.properties, geometry: { type: 'Point', coordinates: f.properties.label_point } })),
  };
}

/** Adds the label layers above everything qala draws (the later a symbol layer, the earlier it is placed). */
export function addLabelLayers(map, { districts, centre, font }) {
  if (!map.hasImage(CLUSTER_BOX)) {
    map.addImage(CLUSTER_BOX, { width: CLUSTER_BOX_PX, height: CLUSTER_BOX_PX, data: new Uint8Array(CLUSTER_BOX_PX * CLUSTER_BOX_PX * 4) });
  }
  map.addSource('district-labels', { type: 'geojson', data: labelPoints(districts) });
  map.addSource('centre-labels', { type: 'geojson', data: labelPoints(centre) });
  const halo = { 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 };
  map.addLayer({
    id: 'district-labels',
    type: 'symbol',
    source: 'district-labels',
    layout: {
      'text-field': nameField(),
      'text-font': font,
      'text-size': ['interpolate', ['linear'], ['zoom'], 10, 11, 13, 13],
      'text-max-width': 7,
      'text-variable-anchor': ['center', 'top', 'bottom', 'left', 'right', 'top-left', 'top-right', 'bottom-left', 'bottom-right'],
      'text-radial-offset': 0.6,
      'text-justify': 'auto',
      'text-padding': 1,
    },
    paint: { 'text-color': '#26303b', ...halo },
  });
  map.addLayer({
    id: 'centre-labels',
    type: 'symbol',
    source: 'centre-labels',
    minzoom: CENTRE_LABEL_ZOOM,
    layout: {
      'text-field': nameField(),
      'text-font': font,
      'text-size': 12,
      'text-max-width': 14,
      'text-variable-anchor': ['center', 'bottom', 'top'],
      'text-radial-offset': 1,
      'text-padding': 3,
    },
    paint: { 'text-color': '#6a1560', ...halo },
  });
  // Last, so placed first: every count is drawn, and its circle-sized box keeps the names off the circle.
  map.addLayer({
    id: 'cluster-counts',
    type: 'symbol',
    source: 'pins',
    filter: ['has', 'point_count'],
    layout: {
      'icon-image': CLUSTER_BOX,
      'icon-size': ['step', ['get', 'point_count'], 26 / CLUSTER_BOX_PX, 50, 34 / CLUSTER_BOX_PX, 500, 44 / CLUSTER_BOX_PX, 5000, 54 / CLUSTER_BOX_PX],
      'icon-allow-overlap': true,
      'text-field': ['get', 'point_count_abbreviated'],
      'text-font': font,
      'text-size': 12,
      'text-allow-overlap': true,
      'text-ignore-placement': true,
    },
    paint: { 'text-color': '#ffffff' },
  });
}

/** Names in the reader's language (after a switch). */
export function translateLabels(map) {
  for (const id of LABEL_LAYERS) if (map.getLayer(id)) map.setLayoutProperty(id, 'text-field', nameField());
}

/** The centre's name is for citizens: the planner's menus name the versions it draws. */
export function showCentreLabels(map, visible) {
  if (map.getLayer('centre-labels')) map.setLayoutProperty('centre-labels', 'visibility', visible ? 'visible' : 'none');
}

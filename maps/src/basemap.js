// The basemap under qala's layers. A deployment configures one with `qala serve --basemap-style URL`: a
// MapLibre style (an OpenStreetMap-based vector style) or a raster tile template containing {z}/{x}/{y}
// (OpenStreetMap raster tiles, say), credited to OpenStreetMap's contributors. With none configured, or when
// the configured one cannot be reached, the page draws an offline basemap from qala's own data: a plain
// background, the city outline, the districts and the current historic-centre outline, with their names in the
// reader's language (added by map.js on every style load).
// The offline style's only resources are qala's own glyphs (labels.js), so it makes no request beyond qala.

import { QALA_GLYPHS, labelFont } from './labels.js';

const BASEMAP_SOURCE = 'basemap';

export function offlineStyle() {
  return {
    version: 8,
    name: 'qala offline',
    glyphs: QALA_GLYPHS,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e4e9ec' } }],
  };
}

function rasterStyle(template) {
  return {
    version: 8,
    name: 'qala raster',
    glyphs: QALA_GLYPHS,
    sources: {
      [BASEMAP_SOURCE]: {
        type: 'raster',
        tiles: [template],
        tileSize: 256,
        maxzoom: 19,
        attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
      },
    },
    layers: [{ id: BASEMAP_SOURCE, type: 'raster', source: BASEMAP_SOURCE }],
  };
}

/**
 * The style to start with: `{ style, offline, font }` (`font`: what the labels can be written in). A
 * configured style is fetched first (4 s at most); one without glyphs of its own gets qala's.
 */
export async function chooseBasemap(config) {
  const offline = { style: offlineStyle(), offline: true, font: labelFont(offlineStyle()) };
  if (!config.basemap_style) return offline;
  // A relative URL (a style served beside the page) is resolved against the page.
  const url = new URL(config.basemap_style, location.href).href.replace(/%7B/gi, '{').replace(/%7D/gi, '}');
  if (url.includes('{z}')) return { style: rasterStyle(url), offline: false, font: labelFont(rasterStyle(url)) };
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 4000);
    const response = await fetch(url, { signal: controller.signal });
    clearTimeout(timer);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const style = await response.json();
    if (style.version !== 8) throw new Error('not a MapLibre style');
    // The fetched object, not its URL: MapLibre would fetch it again.
    if (!style.glyphs) style.glyphs = QALA_GLYPHS;
    return { style, offline: false, font: labelFont(style) };
  } catch {
    return offline;
  }
}

/** Whether `sourceId` belongs to the configured basemap rather than to qala's own layers. */
export function isBasemapSource(map, sourceId) {
  const ours = new Set([
    'city', 'districts', 'centre', 'centre-a', 'centre-b', 'compare', 'place', 'selected', 'pins', 'pins-district', 'district-labels', 'centre-labels',
  ]);
  return Boolean(sourceId) && !ours.has(sourceId) && Boolean(map.getStyle()?.sources?.[sourceId]);
}

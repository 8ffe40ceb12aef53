// The basemap under qala's layers. A deployment configures one with `qala serve --basemap-style URL`: a
// MapLibre style (an OpenStreetMap-based vector style) or a raster tile template containing {z}/{x}/{y}
// (OpenStreetMap raster tiles, say), credited to OpenStreetMap's contributors. With none configured, or when
// the configured one cannot be reached, the page draws an offline basemap from qala's own data: a plain
// background, the city outline, the districts and the current historic-centre outline, with their names in the
// reader's language (added by map.js on every style load).
// The offline style has no glyphs, sprites or remote sources, so it makes no request beyond qala.

const BASEMAP_SOURCE = 'basemap';

export function offlineStyle() {
  return {
    version: 8,
    name: 'qala offline',
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e4e9ec' } }],
  };
}

function rasterStyle(template) {
  return {
    version: 8,
    name: 'qala raster',
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

/** The style to start with: `{ style, offline }`. A configured style is fetched first (4 s at most). */
export async function chooseBasemap(config) {
  if (!config.basemap_style) return { style: offlineStyle(), offline: true };
  // A relative URL (a style served beside the page) is resolved against the page.
  const url = new URL(config.basemap_style, location.href).href.replace(/%7B/gi, '{').replace(/%7D/gi, '}');
  if (url.includes('{z}')) return { style: rasterStyle(url), offline: false };
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 4000);
    const response = await fetch(url, { signal: controller.signal });
    clearTimeout(timer);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const style = await response.json();
    if (style.version !== 8) throw new Error('not a MapLibre style');
    return { style: url, offline: false };
  } catch {
    return { style: offlineStyle(), offline: true };
  }
}

/** Whether `sourceId` belongs to the configured basemap rather than to qala's own layers. */
export function isBasemapSource(map, sourceId) {
  const ours = new Set(['city', 'districts', 'centre', 'centre-a', 'centre-b', 'compare', 'place', 'selected', 'pins', 'pins-district']);
  return Boolean(sourceId) && !ours.has(sourceId) && Boolean(map.getStyle()?.sources?.[sourceId]);
}

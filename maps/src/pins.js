// Pins on the map: one clustered GeoJSON source fed by qala's lean pins endpoint (GET /api/v1/map/pins, answered
// from the in-memory index), so 100,000 pins load once and MapLibre's worker clusters them. Cluster counts
// are small HTML labels kept in step with the rendered clusters (the offline basemap has no font glyphs).
import * as maplibregl from 'maplibre-gl';
import { categoryColourExpression } from './categories.js';

export const PIN_LAYERS = ['pin-clusters', 'pin-points'];

export function addPinLayers(map, url) {
  map.addSource('pins', {
    type: 'geojson',
    data: url,
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
}

const countMarkers = new Map();
let pending = false;
// Labels follow their clusters on every frame by themselves (markers are anchored to a point); which clusters
// exist changes only with the zoom and the data, so the set is refreshed at most every 150 ms during a move.
const REFRESH_MS = 150;

/** Keeps one count label on each rendered cluster (called on every render). */
export function updateClusterCounts(map) {
  if (pending || !map.getSource('pins') || !map.isSourceLoaded('pins')) return;
  pending = true;
  setTimeout(() => {
    pending = false;
    const seen = new Set();
    const visible = map.getLayer('pin-clusters') && map.getLayoutProperty('pin-clusters', 'visibility') !== 'none';
    for (const feature of visible ? map.querySourceFeatures('pins', { filter: ['has', 'point_count'] }) : []) {
      const id = feature.properties.cluster_id;
      if (seen.has(id)) continue;
      seen.add(id);
      let marker = countMarkers.get(id);
      if (!marker) {
        const el = document.createElement('div');
        el.className = 'cluster-count';
        el.setAttribute('aria-hidden', 'true');
        marker = new maplibregl.Marker({ element: el }).setLngLat(feature.geometry.coordinates).addTo(map);
        countMarkers.set(id, marker);
      }
      marker.getElement().textContent = feature.properties.point_count_abbreviated;
      marker.setLngLat(feature.geometry.coordinates);
    }
    for (const [id, marker] of countMarkers) {
      if (!seen.has(id)) {
        marker.remove();
        countMarkers.delete(id);
      }
    }
  }, REFRESH_MS);
}

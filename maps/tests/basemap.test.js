// The offline basemap (no basemap configured, as in the tests) draws Almaty's districts from qala's own data:
// checked in the rendered features and in the pixels of a screenshot, not only by the page having loaded.
// Screenshots of each view at phone and desktop size are saved as test artefacts (target/tmp/browser-artifacts under cargo test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, PHONE, assertNoProblems, idle, sharedBrowser, openPage, screenshot } from './harness.js';

const shared = sharedBrowser();

/** The colour of screen pixels, read from a screenshot decoded by the page itself. */
async function pixels(page, points) {
  const png = (await page.screenshot()).toString('base64');
  return page.evaluate(
    async ({ png, points }) => {
      const image = new Image();
      image.src = `data:image/png;base64,${png}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      return points.map(({ x, y }) => Array.from(context.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)));
    },
    { png, points },
  );
}

const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const near = (a, b, tolerance) => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);

test('the offline basemap renders the eight districts, the city and the historic centre, with no request beyond qala', async () => {
  const page = await openPage(shared.browser, { hash: '#report', lang: 'kk' });
  assert.equal(await page.evaluate(() => window.qala.offline), true);
  const rendered = await page.evaluate(() => {
    const features = window.qala.map.queryRenderedFeatures({ layers: ['district-fill'] });
    return [...new Set(features.map((f) => f.id))].length;
  });
  assert.equal(rendered, 8, 'eight districts drawn');
  // The current historic-centre outline is drawn for citizens, unnamed at city scale.
  const centre = () =>
    page.evaluate(() => ({
      drawn: window.qala.map.queryRenderedFeatures({ layers: ['centre-line'] }).length,
      labels: window.qala.map.queryRenderedFeatures({ layers: ['centre-labels'] }).map((f) => f.properties.name_kk),
      names: window.qala.centre.features.map((f) => f.properties.name_kk),
    }));
  const far = await centre();
  assert.equal(far.names.length, 1, 'one current historic centre');
  assert.ok(far.drawn > 0, 'the historic-centre outline is drawn');
  assert.deepEqual(far.labels, [], 'no centre name over the whole city');
  // Pixels: inside each district (at its label point, labels hidden) the city's paper colour; well outside the
  // city the background. The district lines are drawn too: along a boundary the line's dark colour appears.
  const layers = (visibility) =>
    page.evaluate((v) => {
      const map = window.qala.map;
      for (const id of ['pin-clusters', 'cluster-counts', 'pin-points', 'district-labels', 'centre-labels']) map.setLayoutProperty(id, 'visibility', v);
    }, visibility);
  await layers('none');
  await idle(page);
  const probe = await page.evaluate(() => {
    const map = window.qala.map;
    const box = map.getContainer().getBoundingClientRect();
    const at = (lngLat) => {
      const p = map.project(lngLat);
      return { x: box.left + p.x, y: box.top + p.y };
    };
    const inside = window.qala.districts.features.map((f) => at(f.properties.label_point));
    const bounds = map.getBounds();
    const outside = at([bounds.getWest() + 0.002, bounds.getNorth() - 0.002]);
    return { inside, outside };
  });
  const [outside, ...inside] = await pixels(page, [probe.outside, ...probe.inside]);
  const background = hex('#e4e9ec');
  assert.ok(near(outside, background, 4), `outside the city: ${outside}`);
  for (const colour of inside) {
    assert.ok(!near(colour, background, 10), `a district is drawn over the background: ${colour}`);
    assert.ok(near(colour, hex('#fcfcf9'), 8), `a district's offline fill: ${colour}`);
  }
  // Close up, the centre is named in the reader's language.
  await layers('visible');
  await page.evaluate(() => {
    const [lon, lat] = window.qala.centre.features[0].properties.label_point;
    window.qala.map.jumpTo({ center: [lon, lat], zoom: 14 });
  });
  await idle(page);
  const closeUp = await centre();
  assert.ok(closeUp.drawn > 0, 'the outline close up');
  assert.deepEqual(closeUp.labels, closeUp.names);
  await screenshot(page, 'report-historic-centre');
  assertNoProblems(page);
  await page.context().close();
});

// MapLibre places the names (symbol collision): one that would sit over another name or over a cluster moves to
// another side of its point or waits for a closer zoom, and each cluster's circle keeps names off it.
for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`district names keep off the clusters and each other, on a ${size}, in kk`, async () => {
    const page = await openPage(shared.browser, { lang: 'kk', viewport });
    const placed = await page.evaluate(() => {
      const map = window.qala.map;
      const radius = (n) => (n < 50 ? 13 : n < 500 ? 17 : n < 5000 ? 22 : 27);
      const clusters = map.queryRenderedFeatures({ layers: ['pin-clusters'] });
      const over = [];
      for (const c of clusters) {
        const p = map.project(c.geometry.coordinates);
        const r = radius(c.properties.point_count) - 1;
        // Symbols are found by the boxes MapLibre placed them in.
        for (const f of map.queryRenderedFeatures([[p.x - r, p.y - r], [p.x + r, p.y + r]], { layers: ['district-labels', 'centre-labels'] })) {
          over.push(`${f.properties.name_kk} over ${c.properties.point_count_abbreviated}`);
        }
      }
      const names = [...new Set(map.queryRenderedFeatures({ layers: ['district-labels'] }).map((f) => f.properties.name_kk))];
      const counts = map.queryRenderedFeatures({ layers: ['cluster-counts'] }).length;
      return { clusters: clusters.length, counts, over, names };
    });
    assert.ok(placed.clusters > 0, 'clusters drawn');
    assert.equal(placed.counts, placed.clusters, 'every cluster has its count');
    assert.deepEqual(placed.over, [], 'no name over a cluster');
    assert.ok(placed.names.length >= (size === 'desktop' ? 6 : 3), `names placed: ${placed.names.join(', ')}`);
    await screenshot(page, `labels-${size}`);
    assertNoProblems(page);
    await page.context().close();
  });
}

for (const [view, hash] of [['report', '#report'], ['planner', '#planner'], ['pin', '#pin/1']]) {
  for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    test(`screenshot: ${view} view on a ${size}`, async () => {
      const page = await openPage(shared.browser, { hash, lang: 'kk', viewport });
      if (view === 'planner') await page.waitForSelector('#legend:not([hidden]) li');
      if (view === 'pin') await page.waitForFunction(() => document.getElementById('pin-heading').textContent !== '');
      await idle(page);
      // The map is visible at this size: the canvas fills its pane.
      const canvas = await page.$eval('.maplibregl-canvas', (c) => [c.clientWidth, c.clientHeight]);
      assert.ok(canvas[0] >= viewport.width * 0.5 && canvas[1] >= 240, `map ${canvas}`);
      // Nothing overflows a phone's width.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll');
      await screenshot(page, `${view}-${size}`);
      assertNoProblems(page);
      await page.context().close();
    });
  }
}

// Two more qala instances started by tests/it/web_map.rs: one configured with a basemap style it serves itself
// (a plain background of a colour nothing else uses), one configured with a basemap that cannot be reached.
const CONFIGURED = process.env.QALA_URL_BASEMAP;
const UNREACHABLE = process.env.QALA_URL_BASEMAP_DOWN;

test('a configured basemap style is drawn under qala layers', async () => {
  assert.ok(CONFIGURED, 'QALA_URL_BASEMAP is set by tests/it/web_map.rs');
  const page = await openPage(shared.browser, { hash: '#report', lang: 'en', base: CONFIGURED });
  assert.equal(await page.evaluate(() => window.qala.offline), false);
  const corner = await page.evaluate(() => {
    const box = window.qala.map.getContainer().getBoundingClientRect();
    return { x: box.left + 6, y: box.bottom - 60 };
  });
  const [colour] = await pixels(page, [corner]);
  assert.ok(near(colour, hex('#123456'), 4), `the configured background: ${colour}`);
  const rendered = await page.evaluate(() => new Set(window.qala.map.queryRenderedFeatures({ layers: ['district-fill'] }).map((f) => f.id)).size);
  assert.equal(rendered, 8, 'the districts are drawn over it');
  assertNoProblems(page);
  await page.context().close();
});

test('an unreachable basemap gives way to the offline one, and the page shows no error', async () => {
  assert.ok(UNREACHABLE, 'QALA_URL_BASEMAP_DOWN is set by tests/it/web_map.rs');
  const page = await openPage(shared.browser, { hash: '#report', lang: 'en', base: UNREACHABLE, allowHost: process.env.QALA_BASEMAP_DOWN_HOST });
  assert.equal(await page.evaluate(() => window.qala.offline), true);
  const rendered = await page.evaluate(() => new Set(window.qala.map.queryRenderedFeatures({ layers: ['district-fill'] }).map((f) => f.id)).size);
  assert.equal(rendered, 8);
  assert.equal(await page.isVisible('#loading'), false, 'no failure message');
  assertNoProblems(page);
  await page.context().close();
});

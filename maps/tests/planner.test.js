// Planners: the district choropleth, a district's table under filters (checked against the API's own
// listing, in every sort order), a row shows its pin, exports carry the filter, the draft comparison agrees
// with the API, and a bad date range is refused with a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QALA, allIds, api, assertNoProblems, expected, idle, sharedBrowser, openPage } from './harness.js';

const shared = sharedBrowser();

async function districtId(nameEn) {
  const { body } = await api('/api/v1/areas?kind=district&current=true');
  return body.features.find((f) => f.properties.name_en === nameEn).id;
}

/** Every row id of the table, page after page. */
async function tableIds(page) {
  const ids = [];
  for (;;) {
    ids.push(...(await page.$$eval('#table-body tr', (rows) => rows.map((r) => Number(r.dataset.pinId)))));
    if (await page.isDisabled('#page-next')) return ids;
    const info = await page.textContent('#page-info');
    await page.click('#page-next');
    await page.waitForFunction((before) => document.getElementById('page-info').textContent !== before, info);
  }
}

async function sortBy(page, column, direction) {
  for (let i = 0; i < 2; i++) {
    const now = await page.getAttribute(`th:has(button[data-column=${column}])`, 'aria-sort');
    if (now === direction) return;
    await page.click(`button[data-column=${column}]`);
    await page.waitForFunction(
      ([c, before]) => document.querySelector(`th:has(button[data-column=${c}])`).getAttribute('aria-sort') !== before,
      [column, now],
    );
  }
  assert.equal(await page.getAttribute(`th:has(button[data-column=${column}])`, 'aria-sort'), direction);
}

test('the choropleth colours every district by pins per km², with a legend', async () => {
  const page = await openPage(shared.browser, { hash: '#planner', lang: 'en' });
  await page.waitForSelector('#legend:not([hidden]) li');
  const { body: stats } = await api('/api/v1/areas/stats?kind=district');
  assert.equal(stats.areas.length, 8);
  const colours = await page.evaluate(
    (ids) => ids.map((id) => window.qala.map.getFeatureState({ source: 'districts', id }).colour),
    stats.areas.map((a) => a.area_id),
  );
  assert.ok(colours.every((c) => typeof c === 'string'), 'every district is coloured');
  // Denser districts are never lighter: colours follow the order of pins per km².
  const order = ['#fff5d6', '#fdd49e', '#fc8d59', '#e34a33', '#a3180d'];
  const ranked = stats.areas.map((a, i) => [a.pins_per_km2, order.indexOf(colours[i])]).sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i][1] >= ranked[i - 1][1], 'colour classes follow density');
  assert.equal(await page.textContent('.legend-title'), expected('en', 'planner.legend.title'));
  // The classes are equal steps of a round size from 0 (1, 2 or 5 × a power of ten), and the legend says so:
  // two districts of nearly the same density are never pale against dark.
  const note = await page.textContent('.legend-note');
  const step = Number(/steps of ([\d.,]+)/.exec(note)[1].replace(/,/g, ''));
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  assert.ok([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9), `a round step: ${step}`);
  stats.areas.forEach((a, i) => {
    assert.equal(colours[i], order[Math.min(Math.floor(a.pins_per_km2 / step), order.length - 1)], `${a.area_id}: ${a.pins_per_km2}/km²`);
  });
  const first = await page.textContent('#legend li');
  assert.equal(first, expected('en', 'planner.legend.range', { low: 0, high: step }));
  // Planners may hide the clusters to read the colours alone.
  await page.uncheck('#show-pins');
  assert.equal(await page.evaluate(() => window.qala.map.getLayoutProperty('pin-clusters', 'visibility')), 'none');
  await page.check('#show-pins');
  assert.equal(await page.evaluate(() => window.qala.map.getLayoutProperty('pin-clusters', 'visibility')), 'visible');
  assertNoProblems(page);
  await page.context().close();
});

test('a planner filters by district and category; the table is the API answer, in every order', async () => {
  const page = await openPage(shared.browser, { hash: '#planner', lang: 'en' });
  const id = await districtId('Bostandyk District');
  await page.selectOption('#planner-district', { label: 'Bostandyk District' });
  await page.check('#filters input[name=category][value=wheelchair]');
  await page.check('#filters input[name=category][value=pram]');
  await page.click('#filters button[type=submit]');
  const apiIds = await allIds(`/api/v1/areas/${id}/pins?category=wheelchair,pram&limit=1000`);
  assert.ok(apiIds.length > 20, `enough pins to page through (${apiIds.length})`);
  await page.waitForFunction(
    (n) => document.getElementById('table-caption').textContent.includes(`(${n.toLocaleString('en-GB')})`),
    apiIds.length,
  );
  const { body: all } = await api(`/api/v1/map/pins?within=${id}&category=wheelchair,pram`);
  const byId = new Map(all.features.map((f) => [f.id, f.properties]));
  const keys = {
    id: (a, b) => a - b,
    created_at: (a, b) => byId.get(a).created_at.localeCompare(byId.get(b).created_at),
    category: (a, b) => byId.get(a).category.localeCompare(byId.get(b).category),
  };
  for (const [column, key] of Object.entries(keys)) {
    for (const direction of ['ascending', 'descending']) {
      await sortBy(page, column, direction);
      const shown = await tableIds(page);
      const sign = direction === 'ascending' ? 1 : -1;
      // Ties are broken by ascending id, whichever way the column sorts.
      const want = [...apiIds].sort((a, b) => sign * key(a, b) || a - b);
      if (column === 'created_at') {
        // The table sorts by the full timestamp; the lean endpoint gives seconds: compare the seconds.
        assert.deepEqual(shown.map((x) => byId.get(x).created_at), want.map((x) => byId.get(x).created_at));
        assert.deepEqual([...shown].sort((a, b) => a - b), [...apiIds].sort((a, b) => a - b));
      } else {
        assert.deepEqual(shown, want, `${column} ${direction}`);
      }
      // Back to the first page for the next order.
      while (!(await page.isDisabled('#page-prev'))) {
        const info = await page.textContent('#page-info');
        await page.click('#page-prev');
        await page.waitForFunction((b) => document.getElementById('page-info').textContent !== b, info);
      }
    }
  }
  // A row opens its pin's page, with the pin ringed at the centre of the map; "back" returns to the planner.
  const first = Number(await page.getAttribute('#table-body tr', 'data-pin-id'));
  await page.click('#table-body tr >> nth=0');
  await page.waitForFunction((want) => document.getElementById('pin-heading').textContent === want, expected('en', 'pin.heading', { id: String(first) }));
  assert.equal(await page.getAttribute('#pin-back', 'href'), '#planner');
  await idle(page);
  const { body: pin } = await api(`/api/v1/pins/${first}`);
  const centre = await page.evaluate(() => window.qala.map.getCenter().toArray());
  assert.ok(Math.abs(centre[0] - pin.geometry.coordinates[0]) < 1e-6 && Math.abs(centre[1] - pin.geometry.coordinates[1]) < 1e-6);
  await page.click('#pin-back');
  await page.waitForSelector('#planner-view:not([hidden]) #export-links a[data-format=csv]');
  // Exports carry the same filter.
  const csvHref = await page.getAttribute('#export-links a[data-format=csv]', 'href');
  assert.equal(csvHref, `/api/v1/exports/pins.csv?category=pram%2Cwheelchair&within=${id}`);
  const csv = await (await fetch(`${QALA}${csvHref}`)).text();
  assert.equal(csv.trim().split('\n').length - 1, apiIds.length);
  for (const format of ['geojson', 'gpkg', 'fgb']) {
    const href = await page.getAttribute(`#export-links a[data-format=${format}]`, 'href');
    assert.equal((await fetch(`${QALA}${href}`)).status, 200, format);
  }
  assertNoProblems(page);
  await page.context().close();
});

test('dates filter the pins, and a reversed range is refused with a message', async () => {
  const page = await openPage(shared.browser, { hash: '#planner', lang: 'ru' });
  // The reversed range is refused by the API, and the page says so: those 400s are the point.
  page.expectStatus(400, '/api/v1/areas/stats?');
  page.expectStatus(400, '/api/v1/map/table?');
  page.expectStatus(400, '/api/v1/areas/compare?');
  await page.fill('#date-from', '2030-01-02');
  await page.fill('#date-to', '2030-01-01');
  await page.click('#filters button[type=submit]');
  await page.waitForFunction(() => document.getElementById('filter-error').textContent !== '');
  assert.equal(await page.textContent('#filter-error'), expected('ru', 'planner.errors.dates'));
  // A range in the future holds no pin: the choropleth has nothing to count.
  await page.fill('#date-from', '2030-01-01');
  await page.fill('#date-to', '2030-12-31');
  await page.click('#filters button[type=submit]');
  await page.waitForFunction(() => document.getElementById('filter-error').textContent === '');
  // The first view's own announcement may still be on the page: wait for this filter's (at most 10 s).
  const announced = expected('ru', 'planner.applied', { count: 0 });
  await page
    .waitForFunction((text) => document.getElementById('planner-live').textContent === text, announced, { timeout: 10000 })
    .catch(() => {});
  assert.equal(await page.textContent('#planner-live'), announced);
  assertNoProblems(page);
  await page.context().close();
});

test('two historic-centre drafts are compared as the API compares them, with and without a filter', async () => {
  const page = await openPage(shared.browser, { hash: '#planner', lang: 'en' });
  const { body } = await api('/api/v1/areas?kind=historic_centre');
  assert.ok(body.features.length >= 2, 'the test store has two drafts');
  const [a, b] = body.features.sort((x, y) => x.properties.version - y.properties.version);
  const shows = async (diff) => {
    // All three lines at once: one of them may read the same before and after a change.
    const want = ['only_a', 'only_b', 'both'].map((key) => expected('en', `planner.centre.${key}`, { count: diff[key].count }));
    const read = () => page.$$eval('#compare p', (lines) => lines.map((p) => p.textContent));
    await page
      .waitForFunction((texts) => [...document.querySelectorAll('#compare p')].map((p) => p.textContent).join('|') === texts.join('|'), want, { timeout: 10000 })
      .catch(async () => assert.deepEqual(await read(), want));
    const drawn = await page.evaluate(() =>
      window.qala.map.getSource('compare').serialize().data.features.map((f) => [f.id, f.properties.side]),
    );
    const wanted = [...diff.only_a.ids.map((id) => [id, 'only_a']), ...diff.only_b.ids.map((id) => [id, 'only_b'])];
    const order = (x, y) => x[0] - y[0];
    assert.deepEqual(drawn.sort(order), wanted.sort(order));
  };
  await page.selectOption('#centre-a', String(a.id));
  await page.selectOption('#centre-b', String(b.id));
  const { body: all } = await api(`/api/v1/areas/compare?a=${a.id}&b=${b.id}`);
  await shows(all);
  // "Only A" and "only B" are drawn in colours no category uses (black and white, told apart by their ring).
  const paint = await page.evaluate(() => ({
    fill: window.qala.map.getPaintProperty('compare-points', 'circle-color'),
    categories: window.qala.map.getPaintProperty('pin-points', 'circle-color'),
  }));
  const sideColours = [paint.fill[3], paint.fill[5]].map((c) => c.toLowerCase());
  const categoryColours = paint.categories.filter((c) => typeof c === 'string' && c.startsWith('#')).map((c) => c.toLowerCase());
  assert.deepEqual(sideColours, ['#000000', '#ffffff']);
  for (const c of sideColours) assert.ok(!categoryColours.includes(c), `${c} is not a category's colour`);

  await page.check('#filters input[name=category][value=wheelchair]');
  await page.check('#filters input[name=status][value=new]');
  await page.click('#filters button[type=submit]');
  const { body: some } = await api(`/api/v1/areas/compare?a=${a.id}&b=${b.id}&category=wheelchair&status=new`);
  const total = (d) => d.only_a.count + d.only_b.count + d.both.count;
  assert.ok(total(some) > 0 && total(some) < total(all), `the filter narrows the comparison (${total(some)} of ${total(all)})`);
  await shows(some);
  assertNoProblems(page);
  await page.context().close();
});

test('Kazakh numbers are written as Kazakh writes them: a space between thousands, a decimal comma', async () => {
  const page = await openPage(shared.browser, { hash: '#planner', lang: 'kk' });
  const { body: stats } = await api('/api/v1/areas/stats?kind=district');
  const total = stats.areas.reduce((sum, a) => sum + a.count, 0);
  assert.ok(total >= 1000, 'enough pins for a thousands separator');
  const announced = expected('kk', 'planner.applied', { count: total });
  assert.ok(announced.includes('\u00a0'), announced);
  await page.waitForFunction((text) => document.getElementById('planner-live').textContent === text, announced, { timeout: 10000 });
  await page.selectOption('#planner-district', { index: 2 });
  await page.waitForSelector('#stats-list dd');
  const area = await page.textContent('#stats-list dd');
  assert.match(area, /^\d{1,3}(\u00a0\d{3})*,\d{2}$/, `the area in km² as Kazakh writes it: ${area}`);
  assertNoProblems(page);
  await page.context().close();
});

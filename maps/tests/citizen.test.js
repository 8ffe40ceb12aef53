// Citizens report problems: by mouse, by keyboard alone (map crosshair), without the map (district and a
// description of the place); the API's validation problems appear next to their fields in each language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, assertNoProblems, clickMapAt, expected, idle, sharedBrowser, openPage } from './harness.js';

const shared = sharedBrowser();

async function pinCount() {
  return (await api('/readyz')).body.pins;
}

async function submittedPinId(page) {
  await page.waitForSelector('#result:not([hidden]) #pin-link');
  return Number(await page.getAttribute('#pin-link', 'data-pin-id'));
}

/** Waits until pin `id` is drawn on the map as a pin of its own (the page was not reloaded). */
async function waitUntilDrawn(page, id) {
  await page.waitForFunction(
    (want) => window.qala.map.querySourceFeatures('pins').some((f) => !f.properties.cluster && (f.id ?? f.properties.id) === want),
    id,
    { timeout: 10000 },
  );
}

test('a citizen reports a problem by mouse, and it is in the API', async () => {
  const page = await openPage(shared.browser, { lang: 'en' });
  const before = await pinCount();
  // Zoom in on Bostandyk so that a pixel is a few metres.
  await page.evaluate(() => window.qala.map.jumpTo({ center: [76.9458, 43.238], zoom: 16 }));
  await idle(page);
  await clickMapAt(page, 76.9458, 43.238);
  await page.waitForFunction(() => document.getElementById('where').textContent.includes('Bostandyk'));
  const lat = Number(await page.inputValue('#lat'));
  const lon = Number(await page.inputValue('#lon'));
  assert.ok(Math.abs(lat - 43.238) < 1e-4 && Math.abs(lon - 76.9458) < 1e-4, `clicked place ${lat},${lon}`);
  await page.locator('#category-grid label', { hasText: 'Wheelchair' }).click();
  await page.click('#description');
  await page.keyboard.type('No ramp at the underpass entrance (mouse test)');
  await page.click('#submit');
  const id = await submittedPinId(page);
  // The confirmation says what was sent, its number and its link; the new pin is on the map, no reload.
  assert.equal(await page.textContent('#done-heading'), expected('en', 'report.done', { id: String(id) }));
  assert.equal(await page.getAttribute('#pin-link', 'href'), `${new URL(page.url()).origin}/#pin/${id}`);
  const summary = await page.textContent('#done-summary');
  for (const part of ['Wheelchair', 'No ramp at the underpass entrance (mouse test)', expected('en', 'report.summary.contact_none'), lat.toFixed(5)]) {
    assert.ok(summary.includes(part), `the summary names ${part}: ${summary}`);
  }
  assert.ok(await page.isHidden('#submit'), 'the form waits behind the confirmation');
  await waitUntilDrawn(page, id);
  const { status, body } = await api(`/api/v1/pins/${id}`);
  assert.equal(status, 200);
  assert.equal(body.properties.category, 'wheelchair');
  assert.equal(body.properties.description, 'No ramp at the underpass entrance (mouse test)');
  assert.deepEqual(body.geometry.coordinates, [lon, lat]);
  assert.equal(await pinCount(), before + 1);
  // The link opens the problem's own page.
  await page.click('#pin-link');
  await page.waitForFunction((want) => document.getElementById('pin-heading').textContent === want, expected('en', 'pin.heading', { id: String(id) }));
  const facts = await page.textContent('#pin-facts');
  for (const part of ['Wheelchair', 'New', 'Bostandyk District']) assert.ok(facts.includes(part), `the page shows ${part}: ${facts}`);
  assert.equal(await page.textContent('#pin-description'), 'No ramp at the underpass entrance (mouse test)');
  // "Report another" brings the empty form back.
  await page.goBack();
  await page.click('#report-another');
  assert.equal(await page.inputValue('#lat'), '');
  assert.ok(await page.isVisible('#submit'));
  assertNoProblems(page);
  await page.context().close();
});

test('a citizen reports a problem with the keyboard alone, through the map crosshair', async () => {
  const page = await openPage(shared.browser, { lang: 'en' });
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el.tagName, cls: el.className, name: el.getAttribute('name'), id: el.id };
  });
  let reached = false;
  // Skip link, two views, three languages, then the map: the address's #report is not a starting point.
  for (let i = 0; i < 8 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = (await focused()).cls.includes('maplibregl-canvas');
  }
  assert.ok(reached, 'Tab reaches the map within 8 presses');
  const mapRing = await page.$eval('.maplibregl-canvas', (c) => [getComputedStyle(c).outlineColor, getComputedStyle(c).outlineWidth]);
  assert.deepEqual(mapRing, ['rgb(29, 35, 43)', '4px'], 'the map is ringed in dark ink');
  await idle(page);
  assert.ok((await page.evaluate(() => window.qala.map.getZoom())) >= 15, 'the keyboard map starts at street scale');
  assert.equal(await page.$eval('.crosshair', (el) => getComputedStyle(el).display), 'block', 'crosshair shown');
  await page.waitForFunction(() => document.getElementById('map-live').textContent.startsWith('Crosshair at latitude'));
  const startCentre = await page.evaluate(() => window.qala.map.getCenter().toArray());
  for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown']) {
    await page.keyboard.press(key);
    await idle(page);
  }
  const centre = await page.evaluate(() => window.qala.map.getCenter().toArray());
  assert.notDeepEqual(centre, startCentre, 'arrow keys move the map under the crosshair');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('lat').value !== '');
  const lat = Number(await page.inputValue('#lat'));
  const lon = Number(await page.inputValue('#lon'));
  assert.ok(Math.abs(lat - centre[1]) < 1e-5 && Math.abs(lon - centre[0]) < 1e-5, 'Enter places at the crosshair');
  await page.waitForFunction(() => document.getElementById('where').textContent.startsWith('Chosen place'));
  // Enter placed the report; the keyboard is on the next step, the categories.
  await page.waitForFunction(() => document.activeElement?.name === 'category');
  // The focus rings are two-tone: dark (15:1 on white and cream) inside, yellow outside, on the tile and the map.
  const tileRing = await page.evaluate(() => getComputedStyle(document.activeElement.closest('label')).boxShadow);
  assert.match(tileRing, /rgb\(29, 35, 43\) 0px 0px 0px 5px/, `the category tile's ring: ${tileRing}`);
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.$eval('input[name=category]:checked', (el) => el.value), 'wheelchair');
  await page.keyboard.press('Tab');
  assert.equal((await focused()).id, 'description');
  await page.keyboard.type('Broken lift at the metro (keyboard test)');
  await page.keyboard.press('Tab');
  assert.equal((await focused()).id, 'contact');
  await page.keyboard.type('citizen@example.kz');
  await page.keyboard.press('Tab');
  assert.equal((await focused()).id, 'submit');
  await page.keyboard.press('Enter');
  const id = await submittedPinId(page);
  assert.equal((await focused()).id, 'pin-link', 'focus moves to the confirmation');
  await waitUntilDrawn(page, id);
  const { body } = await api(`/api/v1/pins/${id}`);
  assert.equal(body.properties.category, 'wheelchair');
  assert.equal(body.properties.description, 'Broken lift at the metro (keyboard test)');
  assert.deepEqual(body.geometry.coordinates, [lon, lat]);
  assert.ok(!JSON.stringify(body).includes('citizen@example.kz'), 'the contact is never published');
  assertNoProblems(page);
  await page.context().close();
});

test('"use my location" places the report where the device is', async () => {
  const page = await openPage(shared.browser, { lang: 'ru', geolocation: { latitude: 43.2567, longitude: 76.9286 } });
  await page.click('#locate');
  await page.waitForFunction(() => document.getElementById('where').textContent.includes('Алмалинский'));
  assert.equal(await page.inputValue('#lat'), '43.256700');
  assert.equal(await page.inputValue('#lon'), '76.928600');
  assertNoProblems(page);
  await page.context().close();
});

test('a citizen without the map chooses the district and describes the place', async () => {
  const page = await openPage(shared.browser, { lang: 'en' });
  await page.selectOption('#district', { label: 'Medeu District' });
  await page.fill('#place-text', 'the crossing by the Central Stadium');
  await page.locator('#category-grid label', { hasText: 'Low vision' }).click();
  await page.fill('#description', 'No sound at the traffic lights');
  await page.click('#submit');
  const id = await submittedPinId(page);
  const { body } = await api(`/api/v1/pins/${id}`);
  assert.equal(body.properties.description, 'Place: the crossing by the Central Stadium. No sound at the traffic lights');
  const [lon, lat] = body.geometry.coordinates;
  const areas = await api(`/api/v1/point/${lon},${lat}/areas`);
  assert.ok(areas.body.features.some((f) => f.properties.name_en === 'Medeu District'), 'the pin is in Medeu');
  // qala keeps that only the district is known, and the filters and exports can tell.
  assert.equal(body.properties.location_precision, 'district');
  const approximate = await api('/api/v1/pins?location_precision=district&limit=10000');
  assert.ok(approximate.body.features.some((f) => f.id === id), 'listed as placed by district');
  const placed = await api('/api/v1/pins?location_precision=point&limit=10000');
  assert.ok(!placed.body.features.some((f) => f.id === id), 'not listed as placed at a point');
  // On the map it is drawn apart: not in the clustered pins, hollow, and off the district's point (a fan
  // around it), so several such reports do not pile up into one false clump.
  await page.waitForFunction(
    (want) => window.qala.map.querySourceFeatures('pins-district').some((f) => (f.id ?? f.properties.id) === want),
    id,
    { timeout: 10000 },
  );
  const drawn = await page.evaluate((want) => {
    const inClusters = window.qala.map.querySourceFeatures('pins').some((f) => !f.properties.cluster && (f.id ?? f.properties.id) === want);
    const feature = window.qala.map.querySourceFeatures('pins-district').find((f) => (f.id ?? f.properties.id) === want);
    return { inClusters, at: feature.geometry.coordinates };
  }, id);
  assert.equal(drawn.inClusters, false);
  const metres = Math.hypot((drawn.at[0] - lon) * 111320 * Math.cos((lat * Math.PI) / 180), (drawn.at[1] - lat) * 111320);
  assert.ok(metres > 20 && metres < 2000, `drawn ${metres.toFixed(0)} m from the district's point`);
  assert.match(await page.textContent('#pin-legend'), /Placed by district only/);
  // Its page says so.
  await page.click('#pin-link');
  await page.waitForFunction(() => document.querySelector('#pin-facts [data-precision]'));
  assert.equal(await page.textContent('#pin-facts [data-precision="district"]'), expected('en', 'pin.location_district'));
  assertNoProblems(page);
  await page.context().close();
});

test("the API's validation problems are shown next to their fields, in kk, ru and en", async () => {
  const page = await openPage(shared.browser, { lang: 'en' });
  // The API judges the form: its refusals are what this test is about.
  page.expectStatus(422, /\/api\/v1\/pins$/);
  page.expectStatus(400, /\/api\/v1\/pins$/);
  const before = await pinCount();
  await page.fill('#description', '   ');
  await page.click('#submit');
  await page.waitForFunction(() => document.getElementById('description-error').textContent !== '');
  for (const lang of ['en', 'ru', 'kk']) {
    await page.click(`button[data-lang=${lang}]`);
    assert.equal(await page.textContent('#place-error'), expected(lang, 'report.errors.place_missing'));
    assert.equal(await page.textContent('#category-error'), expected(lang, 'report.errors.category'));
    assert.equal(await page.textContent('#description-error'), expected(lang, 'report.errors.description_missing'));
    assert.equal(await page.getAttribute('#description', 'aria-invalid'), 'true');
  }
  // A place outside the city, typed in: the API says so, the page says it in Kazakh.
  await page.fill('#lat', '10');
  await page.fill('#lon', '10');
  await page.locator('#category-grid label', { hasText: expected('kk', 'category.pram') }).click();
  await page.fill('#description', 'Steps without a ramp');
  await page.fill('#contact', 'not a contact at all');
  await page.click('#submit');
  await page.waitForFunction(() => document.getElementById('contact-error').textContent !== '');
  assert.equal(await page.textContent('#contact-error'), expected('kk', 'report.errors.contact'));
  assert.equal(await page.textContent('#description-error'), '');
  // With a good contact, the API's next judgement: the place is outside the city.
  await page.fill('#contact', '');
  await page.click('#submit');
  await page.waitForFunction(() => document.getElementById('place-error').textContent !== '');
  assert.equal(await page.textContent('#place-error'), expected('kk', 'report.errors.outside_city'));
  assert.equal(await page.textContent('#contact-error'), '');
  await page.click('button[data-lang=ru]');
  assert.equal(await page.textContent('#place-error'), expected('ru', 'report.errors.outside_city'));
  assert.equal(await pinCount(), before, 'a rejected report writes nothing');
  assertNoProblems(page);
  await page.context().close();
});

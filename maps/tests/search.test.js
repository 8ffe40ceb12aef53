// Finding a place by name. Against the qala configured with a geocoder (the stand-in Nominatim that
// tests/it/web_map.rs starts: strict about format=jsonv2, bounded=1, an Almaty viewbox and accept-language),
// a citizen finds "Abay and Dostyk" in each language, by mouse and by keyboard alone, and the map and its
// crosshair move there; without a geocoder (the main test qala) only qala's own area names are searched,
// and the page says that streets need a geocoder; a geocoder that does not answer is named as such.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, assertNoProblems, expected, idle, sharedBrowser, openPage, screenshot } from './harness.js';

const shared = sharedBrowser();
const WITH_GEOCODER = process.env.QALA_URL_BASEMAP;
const GEOCODER_HOST = new URL(process.env.QALA_GEOCODER).host;
const JUNCTION = [76.9564, 43.23965];

const QUERIES = {
  en: ['Abay Dostyk', 'Abay Avenue and Dostyk Avenue junction'],
  ru: ['Абая Достык', 'Пересечение проспекта Абая и проспекта Достык'],
  kk: ['Абай Достық', 'Абай даңғылы мен Достық даңғылының қиылысы'],
};

const resultNames = (page) => page.$$eval('#search-results .search-result > span', (spans) => spans.map((s) => s.textContent));

async function search(page, text) {
  await page.fill('#search-text', text);
  await page.press('#search-text', 'Enter');
  await page.waitForFunction(() => {
    const key = document.getElementById('search-status').dataset.i18n;
    return key && key !== 'search.searching';
  });
}

for (const [lang, [query, name]] of Object.entries(QUERIES)) {
  test(`with a geocoder, a citizen finds a junction by name and the map moves there, in ${lang}`, async () => {
    const page = await openPage(shared.browser, { lang, base: WITH_GEOCODER, allowHost: GEOCODER_HOST });
    assert.equal(await page.textContent('#search-help'), expected(lang, 'search.help_geocoder'));
    await search(page, query);
    // Named in the reader's language; the Abay Avenue of Astana lies outside the bounded search.
    assert.deepEqual(await resultNames(page), [name]);
    assert.equal(await page.textContent('#search-status'), expected(lang, 'search.found', { count: 1, host: GEOCODER_HOST }));
    // Enter searched; it did not send the report.
    assert.ok(await page.isHidden('#result'));
    await page.click('#search-results .search-result');
    await idle(page);
    const view = await page.evaluate(() => ({ centre: window.qala.map.getCenter().toArray(), zoom: window.qala.map.getZoom() }));
    assert.ok(Math.abs(view.centre[0] - JUNCTION[0]) < 1e-4 && Math.abs(view.centre[1] - JUNCTION[1]) < 1e-4, `map at ${view.centre}`);
    assert.ok(view.zoom >= 16, `street scale: ${view.zoom}`);
    assert.equal(await page.$eval('.crosshair', (el) => getComputedStyle(el).display), 'block', 'the crosshair stands on the place');
    await page.waitForFunction(() => document.getElementById('map-live').dataset.i18n === 'map.crosshair.report');
    await screenshot(page, `search-geocoder-${lang}`);
    // The search placed nothing: the citizen does, at the crosshair.
    assert.equal(await page.inputValue('#lat'), '');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('lat').value !== '');
    assert.ok(Math.abs(Number(await page.inputValue('#lat')) - JUNCTION[1]) < 1e-4);
    assertNoProblems(page);
    await page.context().close();
  });
}

test('the place search is usable by keyboard alone, and fits a phone', async () => {
  const page = await openPage(shared.browser, { lang: 'kk', base: WITH_GEOCODER, allowHost: GEOCODER_HOST, viewport: PHONE });
  await page.focus('#search-text');
  await page.keyboard.type('Республика');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('search-status').dataset.i18n === 'search.found');
  // The count is announced (a status region), and the result is the next Tab stop after the button.
  assert.equal(await page.getAttribute('#search-status', 'role'), 'status');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.querySelector('span').textContent), 'Республика алаңы');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Республика алаңы Алматы', 'name, then the rest of the address');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.classList.contains('maplibregl-canvas'));
  await idle(page);
  const centre = await page.evaluate(() => window.qala.map.getCenter().toArray());
  assert.ok(Math.abs(centre[0] - 76.9458) < 1e-4 && Math.abs(centre[1] - 43.238) < 1e-4, `map at ${centre}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `the page is ${width} px wide`);
  await screenshot(page, 'search-keyboard-phone-kk');
  assertNoProblems(page);
  await page.context().close();
});

test('without a geocoder, the search finds districts by name and says streets need a geocoder', async () => {
  const page = await openPage(shared.browser, { lang: 'ru' });
  assert.equal(await page.textContent('#search-help'), expected('ru', 'search.help_local'));
  await search(page, 'медеу');
  assert.deepEqual(await resultNames(page), ['Медеуский район']);
  assert.equal(await page.textContent('#search-status'), expected('ru', 'search.found_local', { count: 1 }));
  await page.click('#search-results .search-result');
  await idle(page);
  const district = await page.evaluate(async () => {
    const { lng, lat } = window.qala.map.getCenter();
    return (await window.qala.districtAt(lng, lat))?.name_en;
  });
  assert.equal(district, 'Medeu District', 'the map shows the district found');
  await search(page, 'Абая Достык');
  assert.deepEqual(await resultNames(page), []);
  assert.equal(await page.textContent('#search-status'), expected('ru', 'search.none_local', { text: 'Абая Достык' }));
  // The language switch renames what was found.
  await search(page, 'Medeu');
  await page.click('button[data-lang="en"]');
  assert.deepEqual(await resultNames(page), ['Medeu District']);
  assertNoProblems(page);
  await page.context().close();
});

test('a geocoder that does not answer is named as such, and qala\'s areas are still searched', async () => {
  const page = await openPage(shared.browser, { lang: 'en', base: WITH_GEOCODER, allowHost: GEOCODER_HOST });
  await page.route(`http://${GEOCODER_HOST}/**`, (route) => route.abort('connectionrefused'));
  await search(page, 'Bostandyk');
  assert.deepEqual(await resultNames(page), ['Bostandyk District']);
  assert.equal(await page.textContent('#search-status'), expected('en', 'search.geocoder_failed', { count: 1 }));
  assertNoProblems(page);
  await page.context().close();
});

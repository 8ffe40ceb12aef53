// What a phone and a slow connection see: at 360 × 740 in Kazakh (the longest words) no view is wider than
// the screen and the page itself never scrolls (the panel does), hidden live regions take no room, the map's
// credits are folded; on load the pins and the districts are fetched once each, and more pins than one answer
// holds are fetched page by page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, STRINGS, assertNoProblems, overflow, sharedBrowser, openPage } from './harness.js';

const shared = sharedBrowser();

test('at 360 px in kk no view is wider than the screen, and the page does not scroll', async () => {
  const page = await openPage(shared.browser, { lang: 'kk', viewport: PHONE });
  assert.deepEqual(await page.evaluate(overflow), [], 'report view');
  page.expectStatus(422, /\/api\/v1\/pins$/);
  await page.click('#submit');
  await page.waitForFunction(() => document.getElementById('place-error').textContent !== '');
  assert.deepEqual(await page.evaluate(overflow), [], 'report view with errors');
  // The map's credits are folded to their button and leave the map alone.
  const credits = await page.$eval('.maplibregl-ctrl-attrib', (el) => el.getBoundingClientRect().height);
  assert.ok(credits <= 30, `credits are ${credits} px tall`);

  await page.click('a[data-view=planner]');
  await page.waitForSelector('#legend:not([hidden]) li');
  await page.selectOption('#planner-district', { index: 2 });
  await page.waitForSelector('#table-body tr');
  assert.deepEqual(await page.evaluate(overflow), [], 'planner view with a district table');
  // Tabbing into the table keeps the header and the map on screen.
  await page.focus('#table-body .row-link');
  assert.equal(await page.evaluate(() => document.documentElement.scrollTop), 0);
  assert.ok((await page.$eval('header.top', (el) => el.getBoundingClientRect().top)) >= 0);
  const rows = await page.$$eval('#table-body tr', (trs) => trs.map((tr) => tr.getBoundingClientRect().height));
  assert.ok(Math.max(...rows) <= 80, `table rows up to ${Math.max(...rows)} px tall`);

  const id = await page.getAttribute('#table-body tr', 'data-pin-id');
  await page.click('#table-body .row-link');
  await page.waitForFunction((want) => location.hash === `#pin/${want}` && document.getElementById('pin-heading').textContent !== '', id);
  assert.deepEqual(await page.evaluate(overflow), [], 'a pin page');
  assertNoProblems(page);
  await page.context().close();
});

// In kk and ru the views' names are long: on a phone the header keeps them to one line each (short names),
// so the citizen's form starts with room to fill in below the map.
for (const lang of ['kk', 'ru']) {
  test(`at 360 × 740 in ${lang} the header is compact and the form has room`, async () => {
    const page = await openPage(shared.browser, { lang, viewport: PHONE });
    const measured = await page.evaluate(() => {
      const line = (el) => parseFloat(getComputedStyle(el).lineHeight) || 20;
      const links = [...document.querySelectorAll('.view-link')].map((a) => ({
        text: a.innerText.trim(),
        lines: Math.round((a.getBoundingClientRect().height - 12) / line(a)),
      }));
      const header = document.querySelector('header.top').getBoundingClientRect().height;
      const panelTop = document.getElementById('panel').getBoundingClientRect().top;
      return { links, header, form: innerHeight - panelTop };
    });
    for (const link of measured.links) assert.equal(link.lines, 1, `"${link.text}" takes ${link.lines} lines`);
    assert.ok(measured.header <= 84, `the header is ${measured.header} px tall`);
    assert.ok(measured.form >= 300, `${measured.form} px left for the form`);
    // The short name is what a phone shows and what its screen reader reads.
    const shown = await page.$eval('a[data-view=report]', (a) => a.innerText.trim());
    assert.equal(shown, STRINGS[lang]['nav.report_short']);
    assertNoProblems(page);
    await page.context().close();
  });
}

test('more pins than one answer holds are all drawn: the page follows the listing\'s next links', async () => {
  // qala answers up to 50,000 pins a page; here every listing of the map's pins is asked in pages of 500.
  const page = await openPage(shared.browser, {
    lang: 'en',
    beforeLoad: (p) =>
      p.route(/\/api\/v1\/map\/pins\?/, (route) => {
        const url = new URL(route.request().url());
        if (!url.searchParams.has('limit')) url.searchParams.set('limit', '500');
        return route.continue({ url: url.toString() });
      }),
  });
  const pages = page.requests.filter((url) => /\/api\/v1\/map\/pins\?.*location_precision=point/.test(url));
  const [drawn, matched] = await page.evaluate(async () => {
    const data = await window.qala.map.getSource('pins').getData();
    const first = await (await fetch('/api/v1/map/pins?location_precision=point&limit=1')).json();
    return [data.features.length, first.numberMatched];
  });
  assert.ok(matched > 1000, `${matched} pins placed at a point: too few for three pages of 500`);
  assert.equal(drawn, matched, 'every pin placed at a point is in the map');
  assert.equal(pages.length, Math.ceil(matched / 500), `pages asked: ${pages.join('\n')}`);
  assertNoProblems(page);
  await page.context().close();
});

test('on load the pins and the districts are fetched once each', async () => {
  for (const hash of ['#report', '#planner']) {
    const page = await openPage(shared.browser, { lang: 'en', hash });
    const count = (pattern) => page.requests.filter((url) => pattern.test(url)).length;
    // The listing comes in two halves that share no pin: placed at a point (clustered) and by district only.
    const pins = page.requests.filter((url) => /\/api\/v1\/map\/pins(\?|$)/.test(url));
    const halves = pins.map((url) => new URL(url).searchParams.get('location_precision')).sort();
    assert.deepEqual(halves, ['district', 'point'], `${hash}: pins fetched once: ${pins.join('\n')}`);
    assert.equal(count(/\/api\/v1\/areas\?kind=district&current=true$/), 1, `${hash}: districts fetched once`);
    assertNoProblems(page);
    await page.context().close();
  }
});

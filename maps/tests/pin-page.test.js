// An existing problem is opened, not covered: a tap or click on a pin opens its own page (`#pin/ID`) instead
// of placing a new report on it, Escape goes back, and citizens see what the pin colours mean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, assertNoProblems, clickMapAt, expected, idle, sharedBrowser, openPage } from './harness.js';

const shared = sharedBrowser();

test('clicking a pin opens its page and places nothing; Escape goes back to the form', async () => {
  const { body } = await api('/api/v1/pins?limit=1');
  const pin = body.features[0];
  const [lon, lat] = pin.geometry.coordinates;
  const page = await openPage(shared.browser, { lang: 'kk' });
  await page.evaluate(([lo, la]) => window.qala.map.jumpTo({ center: [lo, la], zoom: 18 }), [lon, lat]);
  await idle(page);
  await clickMapAt(page, lon, lat);
  await page.waitForFunction((id) => location.hash === `#pin/${id}`, pin.id);
  await page.waitForFunction((want) => document.getElementById('pin-heading').textContent === want, expected('kk', 'pin.heading', { id: String(pin.id) }));
  assert.equal(await page.inputValue('#lat'), '', 'no new report was placed on the pin');
  const facts = await page.textContent('#pin-facts');
  assert.ok(facts.includes(expected('kk', `category.${pin.properties.category}`)), facts);
  assert.ok(facts.includes(expected('kk', `status.${pin.properties.status}`)), facts);
  assert.equal(await page.textContent('#pin-description'), pin.properties.description);
  // The page is readable on its own: the text is at least 16 px.
  assert.ok((await page.$eval('#pin-description', (el) => parseFloat(getComputedStyle(el).fontSize))) >= 16);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => location.hash === '#report' && !document.getElementById('report-form').hidden);
  assertNoProblems(page);
  await page.context().close();
});

test('a pin that does not exist says so on its page', async () => {
  const page = await openPage(shared.browser, {
    lang: 'ru',
    hash: '#pin/999999999',
    beforeLoad: (p) => p.expectStatus(404, '/api/v1/pins/999999999'),
  });
  await page.waitForFunction(() => document.getElementById('pin-error').textContent !== '');
  assert.equal(await page.textContent('#pin-error'), expected('ru', 'pin.errors.missing', { id: '999999999' }));
  assertNoProblems(page);
  await page.context().close();
});

test('the citizen view has a legend of the pin colours, in the chosen language', async () => {
  const page = await openPage(shared.browser, { lang: 'en' });
  assert.ok(await page.isVisible('#pin-legend'));
  const items = await page.$$eval('#pin-legend li', (lis) => lis.map((li) => li.textContent));
  for (const slug of ['pram', 'wheelchair', 'bicycle', 'limited_mobility', 'low_vision', 'other']) {
    assert.ok(items.includes(expected('en', `category.${slug}`)), `${slug} in ${items}`);
  }
  assert.ok(items.includes(expected('en', 'report.legend.cluster')));
  await page.click('a[data-view=planner]');
  await page.waitForFunction(() => document.getElementById('pin-legend').hidden);
  assertNoProblems(page);
  await page.context().close();
});

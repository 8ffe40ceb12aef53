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

test("a planner's status change and public comment appear on the pin's page, in kk, ru and en", async () => {
  const token = process.env.QALA_STAFF_TOKEN;
  assert.ok(token, 'QALA_STAFF_TOKEN: a planner token made by tests/it/web_map.rs');
  const report = {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [76.9458, 43.238] },
    properties: { category: 'pram', description: 'No ramp at the underpass' },
  };
  const created = await api('/api/v1/pins', { method: 'POST', headers: { 'content-type': 'application/geo+json' }, body: JSON.stringify(report) });
  assert.equal(created.status, 201);
  const id = created.body.id;
  const etag = (await fetch(`${process.env.QALA_URL}/api/v1/pins/${id}`)).headers.get('etag');
  const comment = 'Thank you: the ramp is in the 2027 plan';
  const update = await api(`/api/v1/pins/${id}/updates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'if-match': etag },
    body: JSON.stringify({ status: 'confirmed', public_comment: comment, internal_note: 'not for the public' }),
  });
  assert.equal(update.status, 201, JSON.stringify(update.body));
  const page = await openPage(shared.browser, { lang: 'kk', hash: `#pin/${id}` });
  await page.waitForFunction(() => document.querySelectorAll('#pin-timeline li').length === 1);
  for (const lang of ['kk', 'ru', 'en']) {
    if (lang !== 'kk') await page.click(`button[data-lang="${lang}"]`);
    const change = expected(lang, 'pin.timeline_status', { from: expected(lang, 'status.new'), to: expected(lang, 'status.confirmed') });
    await page.waitForFunction((want) => document.querySelector('#pin-timeline .change')?.textContent === want, change);
    const text = await page.textContent('#pin-timeline');
    assert.ok(text.includes(expected(lang, 'role.planner')), text);
    assert.ok(text.includes(comment), text);
    assert.ok(!text.includes('not for the public'), 'internal notes stay internal');
    assert.equal(await page.textContent('#pin-timeline-heading'), expected(lang, 'pin.timeline'));
    const facts = await page.textContent('#pin-facts');
    assert.ok(facts.includes(expected(lang, 'status.confirmed')), facts);
  }
  assertNoProblems(page);
  await page.context().close();
});

test('a pin the city has not answered says so', async () => {
  const { body } = await api('/api/v1/pins?status=new&limit=1');
  const page = await openPage(shared.browser, { lang: 'ru', hash: `#pin/${body.features[0].id}` });
  await page.waitForFunction((want) => document.getElementById('pin-timeline-note').textContent === want, expected('ru', 'pin.timeline_empty'));
  assertNoProblems(page);
  await page.context().close();
});

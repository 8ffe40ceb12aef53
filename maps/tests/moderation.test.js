// The city's side in the browser, moderators: a report hidden from the queue leaves the public map (its map
// source and `GET /api/v1/map/pins`) and its page says it is missing to a citizen; unhiding brings it back;
// the dialog works from the keyboard and shows qala's refusal at its field; with `--moderation pre` a new
// report waits in the queue until it is approved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, assertNoProblems, expected, idle, openPage, sharedBrowser } from './harness.js';
import { MODERATOR, report, signIn } from './staff-support.js';

const shared = sharedBrowser();

const text = (page, selector) => page.textContent(selector);

/** Waits until the page's map has pin `id` among its public pins, or (`present` false) no longer has it. */
const onMap = (page, id, present = true) =>
  page.waitForFunction(
    ([want, shown]) => window.qala.map.querySourceFeatures('pins').some((f) => (f.id ?? f.properties.id) === want) === shown,
    [id, present],
  );

test('a moderator hides a report from the queue: it leaves the public map and its page; unhiding brings it back', async () => {
  const at = [76.9555, 43.2288];
  const id = await report({ at, description: 'Call 8 701 000 00 00 for cheap flats' });
  const page = await openPage(shared.browser, { hash: '#staff', lang: 'ru' });
  await signIn(page, MODERATOR);
  await page.evaluate(([lon, lat]) => window.qala.map.jumpTo({ center: [lon, lat], zoom: 18 }), at);
  await idle(page);
  await onMap(page, id);
  const hide = `#queue-recent button[data-action=hide][data-pin-id="${id}"]`;
  await page.waitForSelector(hide);
  assert.ok(await page.isHidden('#pin-tools'), 'a moderator does not change statuses');

  // By keyboard: the dialog opens on the reason, Escape closes it and the keyboard is back on the button.
  await page.focus(hide);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#moderation-dialog[open]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'moderation-reason');
  assert.equal(await text(page, '#moderation-heading'), expected('ru', 'moderation.heading.hide', { id: String(id) }));
  await page.keyboard.press('Escape');
  await page.waitForSelector('#moderation-dialog:not([open])', { state: 'attached' });
  assert.equal(await page.evaluate(() => document.activeElement.dataset.pinId), String(id));
  await page.keyboard.press('Enter');
  await page.waitForSelector('#moderation-dialog[open]');
  // No reason: qala refuses, and says so at the field.
  page.expectStatus(422, `/api/v1/pins/${id}/moderation`);
  await page.click('#moderation-submit');
  await page.waitForFunction((want) => document.getElementById('moderation-reason-error').textContent === want, expected('ru', 'moderation.errors.reason'));
  await page.keyboard.type('Реклама и номер телефона');
  await page.click('#moderation-submit');
  await page.waitForFunction((want) => document.getElementById('queue-live').textContent === want, expected('ru', 'moderation.done.hide', { id: String(id) }));
  assert.ok(await page.isHidden('#moderation-dialog'));
  await page.waitForSelector(`#queue-hidden button[data-action=unhide][data-pin-id="${id}"]`);
  await onMap(page, id, false);
  const { body: map } = await api('/api/v1/map/pins?location_precision=point');
  assert.ok(!map.features.some((f) => f.id === id), 'gone from the public map endpoint');

  const citizen = await openPage(shared.browser, {
    hash: `#pin/${id}`,
    lang: 'kk',
    beforeLoad: (p) => p.expectStatus(404, `/api/v1/pins/${id}`),
  });
  await citizen.waitForFunction((want) => document.getElementById('pin-error').textContent === want, expected('kk', 'pin.errors.missing', { id: String(id) }));
  await citizen.evaluate(([lon, lat]) => window.qala.map.jumpTo({ center: [lon, lat], zoom: 18 }), at);
  await idle(citizen);
  await onMap(citizen, id, false);
  assertNoProblems(citizen);
  await citizen.context().close();

  await page.click(`#queue-hidden button[data-action=unhide][data-pin-id="${id}"]`);
  await page.fill('#moderation-reason', 'Ошибка: телефон был городской службы');
  await page.click('#moderation-submit');
  await page.waitForFunction((want) => document.getElementById('queue-live').textContent === want, expected('ru', 'moderation.done.unhide', { id: String(id) }));
  await onMap(page, id);
  assert.equal((await api(`/api/v1/pins/${id}`)).status, 200);
  assertNoProblems(page);
  await page.context().close();
});

test('with pre-moderation a new report waits in the queue until a moderator approves it', async () => {
  const base = process.env.QALA_URL_PREMODERATION;
  const token = process.env.QALA_PREMODERATION_TOKEN;
  assert.ok(base && token, 'QALA_URL_PREMODERATION and QALA_PREMODERATION_TOKEN, from tests/it/web_map.rs');
  const feature = { type: 'Feature', geometry: { type: 'Point', coordinates: [76.9288, 43.2433] }, properties: { category: 'low_vision', description: 'No sound at the crossing' } };
  const created = await fetch(`${base}/api/v1/pins`, { method: 'POST', headers: { 'content-type': 'application/geo+json' }, body: JSON.stringify(feature) });
  assert.equal(created.status, 201);
  const { id } = await created.json();
  assert.equal((await fetch(`${base}/api/v1/pins/${id}`)).status, 404, 'not public while it waits');
  const page = await openPage(shared.browser, { base, hash: '#staff', lang: 'kk' });
  await signIn(page, token);
  const approve = `#queue-pending button[data-action=approve][data-pin-id="${id}"]`;
  await page.waitForSelector(approve);
  assert.deepEqual(await page.$$eval(`#queue-pending button[data-pin-id="${id}"]`, (bs) => bs.map((b) => b.dataset.action)), ['approve', 'hide', 'redact']);
  await page.click(approve);
  await page.fill('#moderation-reason', 'Нақты мәселе, жеке дерек жоқ');
  await page.click('#moderation-submit');
  await page.waitForFunction((want) => document.getElementById('queue-live').textContent === want, expected('kk', 'moderation.done.approve', { id: String(id) }));
  await page.waitForSelector(`#queue-recent button[data-pin-id="${id}"]`);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'queue-heading');
  assert.equal((await fetch(`${base}/api/v1/pins/${id}`)).status, 200, 'public once approved');
  assertNoProblems(page);
  await page.context().close();
});

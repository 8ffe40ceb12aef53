// The city's side in the browser, planners: one signs in through the form (the token kept nowhere the page
// can read), answers a report with a status, a public comment and an internal note, and citizens see the
// answer in kk, ru and en without the note; a change made behind the page's back is a 412 that keeps the
// typed text; a duplicate is marked by picking a nearby report; the contact is shown on asking; a session
// that ends mid-work asks to sign in again where the work is; axe and a 360-px screen on all of the staff
// side. The moderators' queue is moderation.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, QALA, api, assertNoBlocking, assertNoProblems, expected, openPage, overflow, sharedBrowser } from './harness.js';
import { MODERATOR, PLANNER, openPin, report, signIn } from './staff-support.js';

const shared = sharedBrowser();

/** A status change made through the API, as another planner would. */
async function changeBehindTheBack(id, status) {
  const etag = (await fetch(`${QALA}/api/v1/pins/${id}`)).headers.get('etag');
  const answer = await api(`/api/v1/pins/${id}/updates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${PLANNER}`, 'if-match': etag },
    body: JSON.stringify({ status }),
  });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
}

const text = (page, selector) => page.textContent(selector);

test('a planner signs in through the form and answers a report; citizens see it in kk, ru and en, never the note', async () => {
  assert.ok(PLANNER && MODERATOR, 'QALA_STAFF_TOKEN and QALA_MODERATOR_TOKEN, made by tests/it/web_map.rs');
  const id = await report({ at: [76.9301, 43.2566], description: 'The kerb at the crossing is too high' });
  const page = await openPage(shared.browser, { hash: '#staff', lang: 'en' });
  // Nobody is signed in: the form, and nothing alarming.
  assert.equal(await text(page, '#session-notice'), '');
  assert.equal(await page.getAttribute('#signin-token', 'type'), 'password');
  assert.equal(await page.getAttribute('#signin-token', 'autocomplete'), 'off');
  await signIn(page, PLANNER);
  assert.equal(await text(page, '#signed-in-as'), expected('en', 'staff.signed_in', { name: 'planner', role: expected('en', 'role.planner') }));
  assert.equal(await page.inputValue('#signin-token'), '', 'the field is emptied once sent');
  const kept = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
  assert.ok(!kept.includes(PLANNER.slice(5, 20)), `the token is kept nowhere the page can read: ${kept}`);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'qala_session');
  assert.ok(cookie?.httpOnly && !cookie.value.includes(PLANNER.slice(5)), 'an HttpOnly session of its own');

  await openPin(page, id);
  await page.waitForSelector('#pin-tools:not([hidden])');
  const offered = await page.$$eval('#update-status option', (options) => options.map((o) => o.value));
  assert.deepEqual(offered, ['', 'confirmed', 'rejected', 'duplicate'], 'only what may follow "new"');
  const comment = 'We have seen it: the kerb is lowered this summer';
  const note = 'Budget line 14, ask the roads department';
  await page.selectOption('#update-status', 'confirmed');
  await page.fill('#update-comment', comment);
  await page.fill('#update-note', note);
  await page.click('#update-submit');
  await page.waitForFunction((want) => document.getElementById('update-done').textContent === want, expected('en', 'tools.saved'));
  const timeline = await text(page, '#pin-timeline');
  assert.ok(timeline.includes(comment) && timeline.includes(note), `staff see the note too: ${timeline}`);
  assert.ok((await text(page, '#pin-facts')).includes(expected('en', 'status.confirmed')));
  assert.equal(await page.inputValue('#update-comment'), '', 'the form is emptied after saving');
  const next = await page.$$eval('#update-status option', (options) => options.map((o) => o.value));
  assert.deepEqual(next, ['', 'planned', 'in_progress', 'rejected', 'duplicate'], 'what may follow "confirmed"');

  const citizen = await openPage(shared.browser, { hash: `#pin/${id}`, lang: 'kk' });
  await citizen.waitForFunction(() => document.querySelectorAll('#pin-timeline li').length === 1);
  for (const lang of ['kk', 'ru', 'en']) {
    if (lang !== 'kk') await citizen.click(`button[data-lang="${lang}"]`);
    const change = expected(lang, 'pin.timeline_status', { from: expected(lang, 'status.new'), to: expected(lang, 'status.confirmed') });
    await citizen.waitForFunction((want) => document.querySelector('#pin-timeline .change')?.textContent === want, change);
    const seen = await text(citizen, '#pin-timeline');
    assert.ok(seen.includes(comment) && seen.includes(expected(lang, 'role.planner')), seen);
    assert.ok(!seen.includes(note), 'the internal note stays internal');
    assert.ok((await text(citizen, '#pin-facts')).includes(expected(lang, 'status.confirmed')));
    assert.equal(await text(citizen, '#pin-timeline-heading'), expected(lang, 'pin.timeline'));
    assert.ok(await citizen.isHidden('#pin-tools'), 'citizens get no tools');
  }
  assertNoProblems(citizen);
  await citizen.context().close();

  // Signing out ends the session in qala and takes the tools and the note off the page.
  await page.click('a[data-view=staff]');
  await page.click('#sign-out');
  await page.waitForSelector('#signin-form', { state: 'visible' });
  assert.equal(await text(page, '#staff-live'), expected('en', 'staff.signed_out'));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'signin-token');
  assert.equal(await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status)), 401);
  await openPin(page, id);
  await page.waitForFunction(() => document.querySelectorAll('#pin-timeline li').length === 1);
  assert.ok(await page.isHidden('#pin-tools'));
  assert.ok(!(await text(page, '#pin-timeline')).includes(note));
  assertNoProblems(page);
  await page.context().close();
});

test('a change behind the page is a 412 that keeps the text; a duplicate is picked nearby; the contact on asking', async () => {
  const original = await report({ at: [76.9402, 43.2451], description: 'No ramp at the pharmacy' });
  const repeat = await report({ at: [76.9403, 43.2451], description: 'The pharmacy has steps only', contact: 'aigul@example.kz' });
  const page = await openPage(shared.browser, { hash: '#staff', lang: 'ru' });
  await signIn(page, PLANNER);
  await openPin(page, repeat);
  await page.waitForSelector('#pin-tools:not([hidden])');
  await page.click('#contact-show');
  await page.waitForFunction(() => document.querySelector('#contact-text dd')?.textContent === 'aigul@example.kz');

  const comment = 'Проверим на месте на этой неделе';
  await page.fill('#update-comment', comment);
  await changeBehindTheBack(repeat, 'confirmed');
  page.expectStatus(412, `/api/v1/pins/${repeat}/updates`);
  await page.click('#update-submit');
  await page.waitForFunction((want) => document.getElementById('update-form-error').textContent === want, expected('ru', 'tools.errors.stale'));
  assert.equal(await page.inputValue('#update-comment'), comment, 'what was typed is kept');
  await page.waitForFunction((want) => document.getElementById('pin-facts').textContent.includes(want), expected('ru', 'status.confirmed'));
  assert.ok((await page.$$eval('#update-status option', (os) => os.map((o) => o.value))).includes('planned'), 'the choices follow the new status');

  // Marked a duplicate of the report next door, picked from the nearest ones.
  await page.selectOption('#update-status', 'duplicate');
  await page.waitForSelector(`#duplicate-options input[value="${original}"]`);
  assert.ok((await page.$$('#duplicate-options input')).length <= 10);
  assert.equal(await page.$(`#duplicate-options input[value="${repeat}"]`), null, 'not itself');
  await page.check(`#duplicate-options input[value="${original}"]`);
  await page.click('#update-submit');
  await page.waitForFunction((want) => document.getElementById('update-done').textContent === want, expected('ru', 'tools.saved'));
  const facts = await text(page, '#pin-facts');
  assert.ok(facts.includes(expected('ru', 'status.duplicate')) && facts.includes(expected('ru', 'pin.heading', { id: String(original) })), facts);
  assert.equal((await api(`/api/v1/pins/${repeat}`)).body.properties.duplicate_of, original);

  await openPin(page, original);
  await page.waitForSelector('#pin-tools:not([hidden])');
  assert.equal(await text(page, '#contact-text'), '', 'the contact is not read until asked');
  await page.click('#contact-show');
  await page.waitForFunction((want) => document.querySelector('#contact-text dd')?.textContent === want, expected('ru', 'tools.contact.none'));
  assertNoProblems(page);
  await page.context().close();
});

test('a session that ends mid-work asks to sign in again there, and the typed text waits', async () => {
  const id = await report({ at: [76.9121, 43.2389], description: 'The lift to the underpass is broken' });
  const page = await openPage(shared.browser, { hash: '#staff', lang: 'kk' });
  await signIn(page, PLANNER);
  await openPin(page, id);
  await page.waitForSelector('#pin-tools:not([hidden])');
  const note = 'Лифт жөндеушілеріне хабарланды';
  await page.fill('#update-note', note);
  await page.context().clearCookies(); // as if it had expired or been revoked
  page.expectStatus(401, `/api/v1/pins/${id}/updates`);
  await page.click('#update-submit');
  await page.waitForFunction((want) => document.getElementById('session-notice').textContent === want, expected('kk', 'staff.session_ended'));
  assert.ok(await page.isVisible('#pin-view #signin-form'), 'the form is where the work is');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'signin-token');
  await page.fill('#signin-token', PLANNER);
  await page.press('#signin-token', 'Enter');
  await page.waitForSelector('#pin-tools:not([hidden])');
  assert.equal(await page.inputValue('#update-note'), note);
  await page.click('#update-submit');
  await page.waitForFunction((want) => document.getElementById('update-done').textContent === want, expected('kk', 'tools.saved'));
  assert.ok((await text(page, '#pin-timeline')).includes(note));
  assertNoProblems(page);
  await page.context().close();
});

test('axe and a 360-px screen: the staff view with its queue and dialog, a pin page with the tools open', async () => {
  const original = await report({ at: [76.8899, 43.2299], description: 'Broken tactile paving' });
  const id = await report({ at: [76.8899, 43.2300], description: 'Tactile paving broken at the stop' });
  const page = await openPage(shared.browser, { hash: '#staff', lang: 'kk', viewport: PHONE });
  assert.deepEqual(await page.evaluate(overflow), [], 'the sign-in form');
  await assertNoBlocking(page, 'staff sign-in 360px kk');
  await signIn(page, MODERATOR);
  await page.waitForSelector(`#queue-recent button[data-pin-id="${id}"]`);
  assert.deepEqual(await page.evaluate(overflow), [], 'the queue');
  for (const lang of ['kk', 'en']) {
    await page.click(`button[data-lang="${lang}"]`);
    await assertNoBlocking(page, `staff queue 360px ${lang}`);
  }
  await page.click(`#queue-recent button[data-action=redact][data-pin-id="${id}"]`);
  await page.waitForSelector('#moderation-dialog[open]');
  assert.equal(await page.inputValue('#moderation-description'), 'Tactile paving broken at the stop');
  await assertNoBlocking(page, 'moderation dialog 360px en');
  await page.keyboard.press('Escape');
  await page.click('#sign-out');
  await page.waitForSelector('#signin-form', { state: 'visible' });

  await signIn(page, PLANNER);
  await openPin(page, id);
  await page.waitForSelector('#pin-tools:not([hidden])');
  await page.selectOption('#update-status', 'duplicate');
  await page.waitForSelector(`#duplicate-options input[value="${original}"]`);
  await page.click('#contact-show');
  await page.waitForSelector('#contact-text dd');
  assert.deepEqual(await page.evaluate(overflow), [], 'a pin page with the tools open');
  for (const lang of ['en', 'kk']) {
    await page.click(`button[data-lang="${lang}"]`);
    await assertNoBlocking(page, `pin tools 360px ${lang}`);
  }
  assertNoProblems(page);
  await page.context().close();
});

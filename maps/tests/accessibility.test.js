// axe-core (from npm, injected into the page) finds no serious or critical accessibility violation on the
// citizen and planner views and a problem's page, at phone and desktop size, in kk and en, including a form
// showing its errors and the place search showing its results.
import { test } from 'node:test';
import { DESKTOP, PHONE, assertNoBlocking, assertNoProblems, sharedBrowser, openPage } from './harness.js';

const shared = sharedBrowser();

const cases = [
  ['report', '#report', DESKTOP],
  ['report', '#report', PHONE],
  ['planner', '#planner', DESKTOP],
  ['planner', '#planner', PHONE],
];

// One page per view and size, checked in Kazakh and again after switching to English (the switch re-renders
// every string, errors included); the citizen's page also with search results, then a problem's own page.
for (const [name, hash, viewport] of cases) {
  test(`axe: no serious or critical violation on the ${name} view, ${viewport.width} px, kk and en`, async () => {
    const page = await openPage(shared.browser, { hash, lang: 'kk', viewport });
    if (name === 'report') {
      page.expectStatus(422, /\/api\/v1\/pins$/);
      await page.click('#submit');
      await page.waitForFunction(() => document.getElementById('place-error').textContent !== '');
      await page.fill('#search-text', 'Медеу');
      await page.press('#search-text', 'Enter');
      await page.waitForSelector('#search-results:not([hidden]) .search-result');
    } else {
      await page.selectOption('#planner-district', { index: 2 });
      await page.waitForSelector('#table-body tr');
    }
    for (const lang of ['kk', 'en']) {
      await page.click(`button[data-lang="${lang}"]`);
      await assertNoBlocking(page, `${name} ${viewport.width}px ${lang}`);
    }
    if (name === 'report') {
      await page.evaluate(() => (location.hash = '#pin/1'));
      await page.waitForFunction(() => document.getElementById('pin-heading').textContent !== '');
      await assertNoBlocking(page, `pin ${viewport.width}px en`);
    }
    assertNoProblems(page);
    await page.context().close();
  });
}

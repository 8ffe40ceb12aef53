// When qala cannot be reached (its requests blocked by Playwright, as a dead connection would leave them), the
// page says so in the reader's language: a place is "not known", never "outside Almaty"; a failed report
// says the network failed, not that fields need correcting; a page opened while the API is down says qala
// cannot be reached and starts once it can; and with qala stopped altogether, a page opened again still opens
// (its shell kept by the service worker) and says so, rather than the browser's own error page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, assertNoProblems, expected, idle, sharedBrowser, openPage, screenshot, stoppableQala } from './harness.js';

const shared = sharedBrowser();

const LANGS = ['kk', 'ru', 'en'];

/** Switches the page to each other language in turn and runs `check(lang)` in each (then back to `first`). */
async function inEveryLanguage(page, first, check) {
  for (const lang of [...LANGS.filter((l) => l !== first), first]) {
    await page.click(`button[data-lang="${lang}"]`);
    await check(lang);
  }
}

{
  const lang = 'kk';
  test('with qala unreachable, the place and the report say so, in kk, ru and en', async () => {
    const page = await openPage(shared.browser, { lang });
    page.offline();
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.evaluate(() => window.qala.map.jumpTo({ center: [76.9458, 43.238], zoom: 16 }));
    await idle(page);
    // A spot of empty map (a click on a pin would open its page instead).
    const box = await page.evaluate(() => {
      const map = window.qala.map;
      const r = map.getContainer().getBoundingClientRect();
      for (let dx = 0; dx < 200; dx += 20) {
        const at = [r.width / 2 + dx, r.height / 2];
        if (!map.queryRenderedFeatures(at, { layers: ['pin-clusters', 'pin-points'] }).length) return { x: r.left + at[0], y: r.top + at[1] };
      }
      return null;
    });
    assert.ok(box, 'an empty spot of map');
    await page.mouse.click(box.x, box.y);
    await page.waitForFunction(() => document.getElementById('where').textContent !== '');
    const lat = Number(await page.inputValue('#lat'));
    const lon = Number(await page.inputValue('#lon'));
    assert.equal(
      await page.textContent('#where'),
      expected(lang, 'report.place.where_unknown', { lat: lat.toFixed(5), lon: lon.toFixed(5) }),
    );
    await page.locator('#category-grid label').first().click();
    await page.fill('#description', 'A kerb too high');
    await page.click('#submit');
    await page.waitForFunction(() => document.getElementById('form-status').textContent !== '');
    assert.equal(await page.textContent('#form-status'), expected(lang, 'report.errors.network'));
    assert.equal(await page.textContent('#form-error'), expected(lang, 'report.errors.network'));
    await inEveryLanguage(page, lang, async (l) => {
      assert.equal(await page.textContent('#where'), expected(l, 'report.place.where_unknown', { lat: lat.toFixed(5), lon: lon.toFixed(5) }));
      assert.equal(await page.textContent('#form-status'), expected(l, 'report.errors.network'));
      assert.equal(await page.textContent('#form-error'), expected(l, 'report.errors.network'));
    });
    await page.context().close();
  });
}

{
  const lang = 'en';
  test('a report whose answer is lost is sent again and stored once (its Idempotency-Key)', async () => {
    const page = await openPage(shared.browser, { lang });
    const description = `Kerb too high, sent twice ${Date.now()}`;
    const keys = [];
    let lose = true;
    await page.route('**/api/v1/pins', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key']);
      if (!lose) return route.continue();
      // qala stores the report; its answer never reaches the phone.
      lose = false;
      await route.fetch();
      page.offline();
      await route.abort('connectionreset');
    });
    await page.fill('#lat', '43.238');
    await page.fill('#lon', '76.9458');
    await page.locator('#category-grid label').first().click();
    await page.fill('#description', description);
    await page.click('#submit');
    await page.waitForFunction(() => document.getElementById('form-status').textContent !== '');
    assert.equal(await page.textContent('#form-status'), expected(lang, 'report.errors.network'));
    page.offline(false);
    await page.click('#submit');
    await page.waitForSelector('#result:not([hidden]) #pin-link');
    assert.equal(keys.length, 2);
    assert.match(keys[0], /^[0-9a-f]{32}$/);
    assert.equal(keys[1], keys[0], 'the same report, the same key');
    const listed = await api('/api/v1/pins?bbox=76.94,43.23,76.95,43.24&limit=10000');
    const mine = listed.body.features.filter((f) => f.properties.description === description);
    assert.equal(mine.length, 1, 'stored once');
    const link = await page.getAttribute('#pin-link', 'href');
    assert.ok(link.endsWith(`#pin/${mine[0].id}`), `${link} names pin ${mine[0].id}`);
    assertNoProblems(page);
    await page.context().close();
  });
}

{
  const lang = 'ru';
  test('a page opened while the API is down says qala cannot be reached, then starts, in ru, kk and en', async () => {
    let blocked = true;
    const page = await openPage(shared.browser, {
      lang,
      ready: false,
      beforeLoad: (p) => p.route('**/readyz', (route) => (blocked ? route.abort('connectionrefused') : route.continue())),
    });
    page.offline();
    await page.waitForFunction(() => document.getElementById('loading').dataset.i18n === 'app.unreachable');
    assert.equal(await page.textContent('#loading'), expected(lang, 'app.unreachable'));
    await inEveryLanguage(page, lang, async (l) => assert.equal(await page.textContent('#loading'), expected(l, 'app.unreachable')));
    blocked = false;
    page.offline(false);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
    assert.ok(await page.isHidden('#loading'));
    assertNoProblems(page);
    await page.context().close();
  });
}

{
  const lang = 'en';
  test('with qala stopped, the page still opens and says qala cannot be reached, then starts again, in en, kk and ru', async () => {
    const qala = await stoppableQala();
    try {
      const page = await openPage(shared.browser, { lang, base: qala.base, serviceWorkers: 'allow' });
      // The shell is kept once the service worker is active.
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await qala.stop();
      page.offline();
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.waitForFunction(() => document.getElementById('loading')?.dataset.i18n === 'app.unreachable');
      assert.equal(await page.textContent('#loading'), expected(lang, 'app.unreachable'));
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await inEveryLanguage(page, lang, async (l) => {
        assert.equal(await page.textContent('#loading'), expected(l, 'app.unreachable'));
        await screenshot(page, `unreachable-${l}`);
      });
      await qala.start();
      page.offline(false);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
      assert.ok(await page.isHidden('#loading'));
      assertNoProblems(page);
      await page.context().close();
    } finally {
      await qala.stop().catch(() => {});
    }
  });
}

// The language switch changes every visible string: each translated element shows its string of the chosen
// language (with its parameters), no text on the page is left from another language, attributes read by
// screen readers are translated too, and the choice is remembered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QALA, STRINGS, api, assertNoProblems, idle, sharedBrowser, openPage } from './harness.js';

const shared = sharedBrowser();

/** Runs in the page: every visible string, checked against the dictionaries. Returns the failures. */
function audit({ lang, strings }) {
  // Kazakh numbers as Kazakh writes them (no-break space between thousands, decimal comma), locale data or not.
  const kk = (v) => v.toLocaleString('en-US', { maximumFractionDigits: 3 }).replace(/[,.]/g, (c) => (c === ',' ? '\u00a0' : ','));
  const number = (v) => (lang === 'kk' ? kk(v) : v.toLocaleString({ ru: 'ru-RU', en: 'en-GB' }[lang]));
  const fill = (template, args) => template.replace(/\{(\w+)\}/g, (_, n) => (typeof args[n] === 'number' ? number(args[n]) : String(args[n])));
  const failures = [];
  const visible = (el) => {
    if (el.closest('[hidden]') || el.closest('[aria-hidden="true"]')) return false;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && !el.closest('.sr-only:empty');
  };
  // 1. Every translated element that is shown (or read out) says its string in this language.
  for (const el of document.querySelectorAll('[data-i18n]')) {
    if (el.tagName === 'TITLE') continue;
    const want = fill(strings[lang][el.dataset.i18n], el.dataset.i18nArgs ? JSON.parse(el.dataset.i18nArgs) : {});
    if (el.textContent !== want) failures.push(`${el.dataset.i18n}: "${el.textContent}" is not "${want}"`);
  }
  for (const el of document.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      if (el.getAttribute(attr) !== strings[lang][key]) failures.push(`${key} in @${attr}: "${el.getAttribute(attr)}"`);
    }
  }
  // 2. No visible text anywhere comes from another language, and text outside translated elements is data.
  const others = new Set();
  for (const other of Object.keys(strings)) {
    if (other === lang) continue;
    for (const [key, value] of Object.entries(strings[other])) {
      if (value !== strings[lang][key] && !value.includes('{')) others.add(value);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !visible(el) || el.closest('script,style')) continue;
    if (others.has(text)) failures.push(`"${text}" is from another language`);
    if (el.closest('[data-i18n]')) continue;
    if (el.closest('.maplibregl-ctrl-attrib-inner')) {
      if (text !== strings[lang]['map.attribution']) failures.push(`attribution "${text}"`);
      continue;
    }
    const data =
      el.closest('.languages') || // each language's own name, in that language
      el.closest('.brand-name') ||
      el.closest('dd') ||
      el.closest('td') ||
      el.closest('time') ||
      el.closest('blockquote') || // a public comment, in the language its writer chose
      el.closest('.internal-text') ||
      el.closest('.queue-description') ||
      el.closest('.pin-description');
    if (!data) failures.push(`untranslated text "${text}" in <${el.tagName.toLowerCase()} class="${el.className}">`);
  }
  // 3. District and historic-centre names (labels and menus) are in this language.
  const names = new Set(window.qala.districts.features.map((f) => f.properties[`name_${lang}`]));
  // The map's names are MapLibre text: each label layer writes the name in this language.
  for (const id of ['district-labels', 'centre-labels']) {
    const field = JSON.stringify(window.qala.map.getLayoutProperty(id, 'text-field'));
    if (!field.includes(`"name_${lang}"`)) failures.push(`${id} writes ${field}`);
  }
  if (!window.qala.map.queryRenderedFeatures({ layers: ['district-labels'] }).length) failures.push('no district name drawn');
  for (const option of document.querySelectorAll('#district option, #planner-district option')) {
    if (option.value && !names.has(option.textContent)) failures.push(`district option "${option.textContent}"`);
    if (!option.value && !Object.values(strings[lang]).includes(option.textContent)) failures.push(`option "${option.textContent}"`);
  }
  // 4. The map's own controls speak the language.
  const zoomIn = document.querySelector('.maplibregl-ctrl-zoom-in');
  if (zoomIn.getAttribute('aria-label') !== strings[lang]['maplibre.NavigationControl.ZoomIn']) failures.push('zoom-in label');
  if (document.querySelector('.maplibregl-canvas').getAttribute('aria-label') !== strings[lang]['map.canvas']) failures.push('map label');
  if (document.documentElement.lang !== lang) failures.push(`html lang is ${document.documentElement.lang}`);
  if (document.title !== strings[lang]['app.title']) failures.push(`title "${document.title}"`);
  return failures;
}

for (const hash of ['#report', '#planner']) {
  test(`every visible string of ${hash} follows the language switch (kk, ru, en)`, async () => {
    const page = await openPage(shared.browser, { lang: 'en', hash });
    if (hash === '#planner') {
      // Show a district's statistics and table too: their headings, captions and cells are text as well.
      await page.selectOption('#planner-district', { label: 'Almaly District' });
      await page.waitForSelector('#table-body tr');
      await page.click('.maplibregl-ctrl-attrib-button');
    } else {
      // And a form with an error and a confirmation-less state, so error strings are on the page.
      page.expectStatus(422, /\/api\/v1\/pins$/);
      await page.click('#submit');
      await page.waitForFunction(() => document.getElementById('place-error').textContent !== '');
    }
    for (const lang of ['kk', 'ru', 'en', 'kk']) {
      await page.click(`button[data-lang=${lang}]`);
      await idle(page);
      if (hash === '#planner') await page.waitForSelector('#table-body tr');
      const failures = await page.evaluate(audit, { lang, strings: STRINGS });
      assert.deepEqual(failures, [], `${hash} in ${lang}`);
      assert.equal(await page.getAttribute(`button[data-lang=${lang}]`, 'aria-pressed'), 'true');
    }
    // The choice is remembered: a reload comes back in Kazakh.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'kk');
    assertNoProblems(page);
    await page.context().close();
  });
}

// The city's side: a moderator's queue, and a planner's tools on a pin with an answer and an internal note.
for (const [who, token] of [
  ['moderator', process.env.QALA_MODERATOR_TOKEN],
  ['planner', process.env.QALA_STAFF_TOKEN],
]) {
  test(`every visible string of the ${who}'s side follows the language switch (kk, ru, en)`, async () => {
    let id = null;
    if (who === 'planner') {
      const feature = { type: 'Feature', geometry: { type: 'Point', coordinates: [76.9212, 43.2612] }, properties: { category: 'pram', description: 'Stairs only' } };
      id = (await api('/api/v1/pins', { method: 'POST', headers: { 'content-type': 'application/geo+json' }, body: JSON.stringify(feature) })).body.id;
      const etag = (await fetch(`${QALA}/api/v1/pins/${id}`)).headers.get('etag');
      const update = { status: 'confirmed', public_comment: 'Seen', internal_note: 'Ask the district' };
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'if-match': etag };
      assert.equal((await api(`/api/v1/pins/${id}/updates`, { method: 'POST', headers, body: JSON.stringify(update) })).status, 201);
    }
    const page = await openPage(shared.browser, { lang: 'en', hash: '#staff' });
    await page.fill('#signin-token', token);
    await page.press('#signin-token', 'Enter');
    await page.waitForSelector('#signed-in:not([hidden])');
    if (who === 'moderator') {
      await page.waitForSelector('#queue-recent li');
    } else {
      await page.evaluate((pin) => (location.hash = `#pin/${pin}`), id);
      await page.waitForSelector('#pin-tools:not([hidden]) #update-status option', { state: 'attached' });
      await page.waitForSelector('#pin-timeline .internal');
      await page.selectOption('#update-status', 'duplicate');
      await page.waitForSelector('#duplicate-options input');
      await page.click('#contact-show');
      await page.waitForSelector('#contact-text dd');
      // The whole city again, where the district names are drawn.
      await page.evaluate(() => window.qala.map.jumpTo({ center: [76.92, 43.25], zoom: 11 }));
    }
    for (const lang of ['kk', 'ru', 'en']) {
      await page.click(`button[data-lang=${lang}]`);
      await idle(page);
      const failures = await page.evaluate(audit, { lang, strings: STRINGS });
      assert.deepEqual(failures, [], `${who} in ${lang}`);
    }
    assertNoProblems(page);
    await page.context().close();
  });
}

test('the dictionaries have the same keys and every string is translated', async () => {
  const keys = Object.keys(STRINGS.en).sort();
  for (const lang of ['kk', 'ru']) assert.deepEqual(Object.keys(STRINGS[lang]).sort(), keys, `${lang} keys`);
  for (const key of keys) {
    for (const lang of ['kk', 'ru', 'en']) assert.ok(STRINGS[lang][key].trim(), `${lang} ${key} is empty`);
    const placeholders = (s) => (s.match(/\{\w+\}/g) || []).sort().join();
    assert.equal(placeholders(STRINGS.kk[key]), placeholders(STRINGS.en[key]), `kk ${key} placeholders`);
    assert.equal(placeholders(STRINGS.ru[key]), placeholders(STRINGS.en[key]), `ru ${key} placeholders`);
  }
  assert.equal((await api('/readyz')).status, 200);
});

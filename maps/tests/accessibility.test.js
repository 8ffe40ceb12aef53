// axe-core (from npm, injected into the page) finds no serious or critical accessibility violation on the
// citizen and planner views, at phone and desktop size, including a form showing its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DESKTOP, PHONE, assertNoProblems, sharedBrowser, openPage } from './harness.js';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const shared = sharedBrowser();

async function axe(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
}

const cases = [
  ['report', '#report', DESKTOP],
  ['report', '#report', PHONE],
  ['planner', '#planner', DESKTOP],
  ['planner', '#planner', PHONE],
];

for (const [name, hash, viewport] of cases) {
  for (const lang of ['kk', 'en']) {
    test(`axe: no serious or critical violation on the ${name} view, ${viewport.width} px, ${lang}`, async () => {
      const page = await openPage(shared.browser, { hash, lang, viewport });
      if (name === 'report') {
        page.expectStatus(422, /\/api\/v1\/pins$/);
        await page.click('#submit');
        await page.waitForFunction(() => document.getElementById('place-error').textContent !== '');
      } else {
        await page.selectOption('#planner-district', { index: 2 });
        await page.waitForSelector('#table-body tr');
      }
      const violations = await axe(page);
      const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      if (violations.length) console.log(`${name} ${viewport.width}px ${lang}:`, JSON.stringify(violations, null, 1));
      assert.deepEqual(blocking, []);
      assertNoProblems(page);
      await page.context().close();
    });
  }
}

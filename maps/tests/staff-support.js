// What the staff tests share: the tokens tests/it/web_map.rs makes, a report made through the API, and
// signing in through the staff view's form as a person would.
import assert from 'node:assert/strict';
import { api } from './harness.js';

export const PLANNER = process.env.QALA_STAFF_TOKEN;
export const MODERATOR = process.env.QALA_MODERATOR_TOKEN;

/** A new public report, made through the API; answers its id. */
export async function report({ at, description, contact, category = 'wheelchair' }) {
  const properties = { category, description, ...(contact ? { contact } : {}) };
  const feature = { type: 'Feature', geometry: { type: 'Point', coordinates: at }, properties };
  const created = await api('/api/v1/pins', { method: 'POST', headers: { 'content-type': 'application/geo+json' }, body: JSON.stringify(feature) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

/** Signs in through the staff view's form, as a person would. */
export async function signIn(page, token) {
  if (!(await page.isVisible('#signin-form'))) await page.click('a[data-view=staff]');
  await page.waitForSelector('#signin-form', { state: 'visible' });
  await page.fill('#signin-token', token);
  await page.press('#signin-token', 'Enter');
  await page.waitForSelector('#signed-in:not([hidden])');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'signed-in-as', 'the keyboard goes on from who is signed in');
}

export async function openPin(page, id) {
  await page.evaluate((want) => (location.hash = `#pin/${want}`), id);
  await page.waitForFunction((want) => document.getElementById('pin-heading').textContent.includes(String(want)), id);
}

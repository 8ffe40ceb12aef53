// What every browser test shares: Debian's Chromium driven by playwright-core (no browser download), the
// qala under test (QALA_URL, started by tests/it/web_map.rs on a temporary embedded store), the dictionaries,
// and a watch on every page for console errors, page errors and requests leaving qala.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));
export const QALA = process.env.QALA_URL;
if (!QALA) throw new Error('QALA_URL is not set: run the browser tests through `cargo test --test web_map` (scripts/test)');
export const ARTIFACTS = process.env.QALA_ARTIFACTS || path.join(here, '..', '..', 'target', 'browser-artifacts');
mkdirSync(ARTIFACTS, { recursive: true });
const CHROMIUM = process.env.QALA_CHROMIUM || '/usr/bin/chromium';

export const STRINGS = Object.fromEntries(
  ['kk', 'ru', 'en'].map((lang) => [lang, JSON.parse(readFileSync(path.join(here, '..', 'src', 'strings', `${lang}.json`), 'utf8'))]),
);

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1366, height: 860 };

/** One browser for a test file: launched before its first test, closed after its last. */
export function sharedBrowser() {
  const shared = { browser: null };
  before(async () => {
    shared.browser = await launch();
  });
  after(async () => {
    await shared.browser?.close();
  });
  return shared;
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A new page at `hash` in `lang` (set the way a returning visitor has it: remembered in localStorage), with
 * `page.problems` collecting console errors, uncaught exceptions, failed requests, any request to a host
 * other than qala, and every 4xx or 5xx answer. A test that makes the page ask for a 4xx on purpose (a form
 * the API refuses) says which with `page.expectStatus(status, urlPattern, method?)`; one is expected on every
 * page: the 401 of `GET /api/v1/session`, the page asking whether staff are signed in when no one is; `page.offline()` marks the
 * moments when failures are the point. The page's service worker is blocked unless `serviceWorkers: 'allow'`.
 */
export async function openPage(
  browser,
  {
    hash = '#report',
    lang = 'en',
    viewport = DESKTOP,
    base = QALA,
    allowHost = null,
    geolocation = null,
    ready = true,
    beforeLoad = null,
    serviceWorkers = 'block',
  } = {},
) {
  const context = await browser.newContext({
    viewport,
    locale: 'en-GB',
    deviceScaleFactor: 1,
    // The service worker only matters once qala cannot be reached (network.test.js allows it there); every
    // fresh context installing it again cost ~1.5 s a test, and it never controls a first load anyway.
    serviceWorkers,
    ...(geolocation ? { geolocation, permissions: ['geolocation'] } : {}),
  });
  // Only before the first visit: a reload must find the language the page itself remembered.
  await context.addInitScript((l) => localStorage.getItem('qala.lang') || localStorage.setItem('qala.lang', l), lang);
  const page = await context.newPage();
  page.problems = [];
  page.requests = [];
  // Whether staff are signed in: "no one" is a 401, the usual answer, not an error.
  page.expected = [{ status: 401, pattern: /\/api\/v1\/session$/, method: 'GET' }];
  page.expectStatus = (status, pattern, method = null) => page.expected.push({ status, pattern, method });
  page.failuresExpected = false;
  page.offline = (on = true) => {
    page.failuresExpected = on;
  };
  const origin = new URL(base).origin;
  // The one host a test expects the page to try (an unreachable basemap): its failure is the point.
  const allowed = (url) => allowHost !== null && new URL(url).host === allowHost;
  page.on('console', (m) => {
    // Chromium logs every failed answer; the answers themselves are judged below (expected or not), so the
    // console's copy of them is not counted twice.
    const expectedFailure =
      (allowHost !== null || page.failuresExpected) && /^Failed to load resource: net::ERR_/.test(m.text());
    if (m.type() === 'error' && !expectedFailure && !/^Failed to load resource: the server responded with a status of \d\d\d/.test(m.text())) {
      page.problems.push(`console: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    page.requests.push(url);
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:') && !allowed(url)) page.problems.push(`request to ${url}`);
  });
  page.on('requestfailed', (r) => {
    // A download link's navigation is aborted by design once the file arrives.
    if (page.failuresExpected || r.url().includes('/api/v1/exports/') || allowed(r.url())) return;
    page.problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    const status = r.status();
    if (status < 400) return;
    const url = r.url();
    const method = r.request().method();
    const wanted = page.expected.some(
      (e) => e.status === status && (!e.method || e.method === method) && (typeof e.pattern === 'string' ? url.includes(e.pattern) : e.pattern.test(url)),
    );
    if (!wanted) page.problems.push(`HTTP ${status} ${r.request().method()} ${url}`);
  });
  if (beforeLoad) await beforeLoad(page);
  await page.goto(`${base}/${hash}`);
  if (!ready) return page;
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  await idle(page);
  return page;
}

/** Waits until the map has drawn everything it has (every page of the pins in, sources loaded, no transition running). */
export async function idle(page) {
  await page.evaluate(() => window.qala.pinsLoaded());
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const map = window.qala.map;
        const done = () => requestAnimationFrame(() => requestAnimationFrame(resolve));
        if (map.loaded() && !map.isMoving()) done();
        else map.once('idle', done);
      }),
  );
}

/** Clicks the map where (lon, lat) is drawn. */
export async function clickMapAt(page, lon, lat) {
  const point = await page.evaluate(([lo, la]) => {
    const p = window.qala.map.project([lo, la]);
    const box = window.qala.map.getContainer().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, [lon, lat]);
  await page.mouse.click(point.x, point.y);
}

export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'the page reported errors or left qala');
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now (WCAG 2.2 AA and best practice). */
export async function axe(page) {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy (script-src 'self') does
  // not govern; a script tag with the source inline would be refused, as it should be.
  await page.evaluate(AXE);
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

/** No serious or critical axe violation (the others are printed). */
export async function assertNoBlocking(page, what) {
  const violations = await axe(page);
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (violations.length) console.log(`${what}:`, JSON.stringify(violations, null, 1));
  assert.deepEqual(blocking, [], what);
}

/** Runs in the page: what sticks out of a phone's screen (the page scrolling, the panel scrolling sideways). */
export function overflow() {
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width) out.push(`page is ${document.documentElement.scrollWidth} px wide`);
  if (document.documentElement.scrollHeight > innerHeight + 1) out.push(`page is ${document.documentElement.scrollHeight} px tall`);
  const panel = document.getElementById('panel');
  if (panel.scrollWidth > panel.clientWidth + 1) out.push(`panel scrolls sideways: ${panel.scrollWidth} > ${panel.clientWidth}`);
  for (const el of document.querySelectorAll('#panel *')) {
    if (el.closest('[hidden]') || el.closest('.sr-only')) continue;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) out.push(`${el.tagName}#${el.id}.${el.className} ends at ${Math.round(box.right)} px`);
  }
  for (const el of document.querySelectorAll('.sr-only')) {
    const box = el.getBoundingClientRect();
    if (box.height > 1 || box.width > 1) out.push(`live region #${el.id} takes ${box.width}×${box.height}`);
  }
  return out.slice(0, 10);
}

export async function api(pathAndQuery, init) {
  const response = await fetch(`${QALA}${pathAndQuery}`, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Every id of a listing, following `next` links. */
export async function allIds(pathAndQuery) {
  const ids = [];
  let url = `${QALA}${pathAndQuery}`;
  while (url) {
    const body = await (await fetch(url)).json();
    ids.push(...body.features.map((f) => f.id));
    url = body.links?.find((l) => l.rel === 'next')?.href || null;
  }
  return ids;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** The string `key` of `lang` with `{name}` placeholders filled (numbers as the page writes them). */
export function expected(lang, key, args = {}) {
  return STRINGS[lang][key].replace(/\{(\w+)\}/g, (_, n) => (typeof args[n] === 'number' ? number(lang, args[n]) : String(args[n])));
}

/** A number as `lang` writes it: Kazakh and Russian with a no-break space between thousands and a decimal comma. */
export function number(lang, value, digits = 0) {
  const options = { maximumFractionDigits: digits, minimumFractionDigits: digits };
  if (lang === 'en') return value.toLocaleString('en-GB', options);
  if (lang === 'ru') return value.toLocaleString('ru-RU', options);
  const [whole, fraction] = value.toFixed(digits).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return fraction ? `${grouped},${fraction}` : grouped;
}

/**
 * A stand-in for qala that can be stopped and started again: a proxy on its own 127.0.0.1 port that passes
 * every request to qala while it runs. Stopped, it refuses connections as a stopped qala would, page and
 * all (a Playwright route only sees what the page asks, not what its service worker asks).
 */
export async function stoppableQala() {
  const target = new URL(QALA);
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    base: `http://127.0.0.1:${port}`,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
    async start() {
      await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    },
  };
}

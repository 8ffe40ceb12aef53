// Times the web map in Debian's Chromium (playwright-core) against a running qala (QALA_URL) holding many
// pins: how long until every pin is loaded, clustered and drawn; how smooth panning and zooming are
// (frame intervals measured with requestAnimationFrame during scripted camera moves); how long a planner's
// filter takes to redraw. Prints one JSON line. Run by the benchmark driver (benches/side_by_side/web_map.rs).
// Headless Chromium renders WebGL on the CPU (SwiftShader): frame times are an upper bound for a real GPU.
import { chromium } from 'playwright-core';

const QALA = process.env.QALA_URL;
if (!QALA) throw new Error('QALA_URL is not set');
const MOVES = Number(process.env.QALA_BENCH_MOVES || 24);

const browser = await chromium.launch({
  executablePath: process.env.QALA_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
await context.addInitScript(() => localStorage.setItem('qala.lang', 'en'));
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

const step = (what) => process.stderr.write(`map-load: ${what}\n`);
const started = Date.now();
await page.goto(`${QALA}/#report`);
await page.waitForSelector('body[data-ready="true"]', { timeout: 120000 });
await page.evaluate(() => window.qala.pinsLoaded());
await page.evaluate(() => new Promise((resolve) => {
  const map = window.qala.map;
  const check = () => (map.isSourceLoaded('pins') && map.loaded() ? resolve() : map.once('idle', check));
  check();
}));
const loadMs = Date.now() - started;
step(`loaded in ${loadMs} ms`);
// Fetch the first page of pins once more, as the page did, for its size on the wire and the time to the last
// byte (up to 50,000 pins a page; at more, the page fetched the others after it).
const resource = await page.evaluate(async () => {
  const url = '/api/v1/map/pins';
  await (await fetch(url, { cache: 'no-store' })).text();
  const r = performance.getEntriesByType('resource').filter((e) => e.name.endsWith(url)).pop();
  return r ? { bytes: r.encodedBodySize, decoded: r.decodedBodySize, ms: r.responseEnd - r.requestStart } : null;
});
const pins = await page.evaluate(async () => (await (await fetch('/readyz')).json()).pins);

// Camera moves across the city: zoom in on hotspots, pan, zoom out, each an eased 400 ms animation.
const frames = await page.evaluate(async (moves) => {
  const map = window.qala.map;
  const intervals = [];
  let last = performance.now();
  let running = true;
  const tick = (now) => {
    intervals.push(now - last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame((now) => {
    last = now;
    requestAnimationFrame(tick);
  });
  const centre = map.getCenter();
  for (let i = 0; i < moves; i++) {
    const angle = (i / moves) * 2 * Math.PI;
    const zoom = 11 + (i % 4) * 1.2;
    await new Promise((resolve) => {
      map.once('moveend', resolve);
      map.easeTo({
        center: [centre.lng + 0.06 * Math.cos(angle), centre.lat + 0.04 * Math.sin(angle)],
        zoom,
        duration: 400,
      });
    });
  }
  running = false;
  return intervals.slice(1);
}, MOVES);
step(`${frames.length} frames`);
frames.sort((a, b) => a - b);
const pct = (p) => frames[Math.min(frames.length - 1, Math.floor((p / 100) * frames.length))];
const totalMs = frames.reduce((s, x) => s + x, 0);

// A planner's filter: choose a category and apply; time until the map and the choropleth are redrawn.
await page.goto(`${QALA}/#planner`);
await page.waitForSelector('body[data-ready="true"]');
await page.waitForSelector('#legend:not([hidden]) li');
step('planner ready');
const filterMs = await page.evaluate(async () => {
  const t0 = performance.now();
  document.querySelector('#filters input[name=category][value=wheelchair]').checked = true;
  const live = document.getElementById('planner-live');
  const before = live.textContent;
  document.querySelector('#filters button[type=submit]').click();
  await new Promise((resolve, reject) => {
    const give_up = performance.now() + 60000;
    const poll = () => {
      if (live.textContent !== before) resolve();
      else if (performance.now() > give_up) reject(new Error('the filter did not apply within 60 s'));
      else setTimeout(poll, 5);
    };
    poll();
  });
  await window.qala.pinsLoaded();
  await new Promise((resolve) => {
    const map = window.qala.map;
    const check = () => (map.isSourceLoaded('pins') && map.loaded() ? resolve() : map.once('idle', check));
    check();
  });
  return performance.now() - t0;
});
const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? null);

await browser.close();
console.log(JSON.stringify({
  pins,
  load_ms: loadMs,
  pins_bytes: resource?.bytes ?? null,
  pins_decoded_bytes: resource?.decoded ?? null,
  pins_fetch_ms: resource ? Math.round(resource.ms) : null,
  frames: frames.length,
  fps: Math.round((frames.length / totalMs) * 1000 * 10) / 10,
  frame_p50_ms: Math.round(pct(50) * 10) / 10,
  frame_p95_ms: Math.round(pct(95) * 10) / 10,
  frame_max_ms: Math.round(frames[frames.length - 1] * 10) / 10,
  filter_ms: Math.round(filterMs),
  js_heap_bytes: heap,
  errors,
}));

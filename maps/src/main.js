// The web map's entry point: reads qala's map configuration, builds the map (with the configured basemap, or
// the offline one drawn from qala's own districts and city outline), then hands the page to the two views:
// citizens reporting a problem (report.js) and planners reading the city (planner.js). `#report`,
// `#planner` and `#pin/ID` in the address choose what is shown, so every view has a link. No element has
// the id `report` or `planner`: a fragment naming an element makes it the start of keyboard navigation, and
// the first Tab then skipped the header and the map.
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import { getJson } from './api.js';
import { initialLanguage, setLanguage, setText, t, onLanguageChange } from './i18n.js';
import { createMap } from './map.js';
import { createReportView } from './report.js';
import { createPlannerView } from './planner.js';
import { createPinView } from './pin.js';
import { createStaffView } from './staff.js';
import { createSignIn } from './session.js';

async function waitUntilReady(loading) {
  // While qala loads its index the API answers 503: wait for /readyz rather than show errors. When qala
  // cannot be reached at all, say so (in the reader's language) and keep trying.
  for (;;) {
    try {
      const response = await fetch('/readyz', { cache: 'no-store' });
      if (response.ok) return;
    } catch {
      setText(loading, 'app.unreachable');
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * Keeps the page's shell (sw/sw.js) so that, with qala down or the phone offline, the page still opens and
 * says so. Built pages only: the development server has no service worker to offer.
 */
function keepShell() {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // After the page has loaded: the worker then copies the shell from the browser's HTTP cache (the assets
  // are `immutable`) instead of fetching it a second time while the page still loads.
  const register = () =>
    navigator.serviceWorker.register('/sw.js').catch((error) => console.warn('the page shell is not kept offline:', error));
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

async function main() {
  keepShell();
  setLanguage(initialLanguage());
  for (const button of document.querySelectorAll('button[data-lang]')) {
    button.addEventListener('click', () => setLanguage(button.dataset.lang));
  }
  const loading = document.getElementById('loading');
  await waitUntilReady(loading);
  setText(loading, 'app.loading');
  const [config, districts] = await Promise.all([
    getJson('/api/v1/map/config'),
    getJson('/api/v1/areas?kind=district&current=true'),
  ]);
  const qala = await createMap({ config, districts });
  // A handle for the browser tests and for anyone debugging in the console.
  window.qala = qala;
  const signIn = createSignIn();
  const views = {
    report: createReportView({ qala, config, districts }),
    planner: createPlannerView({ qala, config, districts }),
    staff: createStaffView({ qala, signIn }),
    pin: createPinView({ qala, signIn }),
  };
  let active = null;

  async function route() {
    const hash = decodeURIComponent(location.hash.replace(/^#/, ''));
    const pin = /^pin\/(\d+)$/.exec(hash);
    const name = pin ? 'pin' : hash === 'planner' || hash === 'staff' ? hash : 'report';
    if (name === 'pin' && active !== 'pin') views.pin.cameFrom(`#${active === 'planner' || active === 'staff' ? active : 'report'}`);
    if (active !== name) {
      if (active) views[active].hide();
      active = name;
      for (const el of document.querySelectorAll('.view')) el.hidden = el.dataset.view !== name;
      for (const link of document.querySelectorAll('.view-link')) {
        if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
      document.body.dataset.view = name;
      const touch = matchMedia('(pointer: coarse), (max-width: 600px)').matches ? '_touch' : '';
      setText(document.getElementById('map-hint'), `map.hint.${name}${touch}`);
      qala.setMode(name === 'planner' ? 'planner' : 'report');
      await views[name].show();
    }
    if (pin) await views.pin.open(Number(pin[1]));
  }
  qala.onCentreKey((lngLat) => views[active]?.placeAt(lngLat));
  window.addEventListener('hashchange', route);
  onLanguageChange(() => qala.translate());
  await route();
  loading.hidden = true;
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  console.error(error);
  const loading = document.getElementById('loading');
  loading.hidden = false;
  loading.textContent = t('app.failed');
  document.body.dataset.ready = 'failed';
});

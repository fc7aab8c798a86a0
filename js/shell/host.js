// What the core asks of the browser (the wasm's `Host`): storage, transport, one timer,
// random bytes, Global Privacy Control, warnings, and the QA overlay's feed. Every method
// returns whatever happens: storage that is disabled reads as absent, a request that fails is
// an answer of 0, and nothing here can throw into the wasm or the page.
import { warn } from '../warn.js';

/** A request waiting for its answer is given up after this long (the core's REQUEST_TIMEOUT_MS). */
const TIMEOUT_MS = 15000;
const ignore = () => {};

/**
 * The host of one page view. `fetch` is the page's fetch as it was when the loader ran (a
 * wrapper the page installs later, such as zone.js, never sees the probe's requests);
 * `report(kind, text)` is the overlay's feed; `answered(status)` and `tick()` call the wasm
 * back (guarded by the caller).
 */
export function makeHost(win, fetch, report, answered, tick) {
  let timer;
  // The journey lives as long as the tab (sessionStorage); the outbox, consent and opt-out
  // are the browser's (localStorage). Reading either property throws where storage is off.
  const area = (key) => (key === 'journey-probe:v1' ? win.sessionStorage : win.localStorage);
  const attempt = (fn) => {
    try {
      return fn();
    } catch (_) {
      return undefined;
    }
  };
  return {
    load: (key) => attempt(() => area(key).getItem(key) ?? undefined),
    store: (key, value) => attempt(() => area(key).setItem(key, value)),
    remove: (key) => attempt(() => area(key).removeItem(key)),
    /**
     * fetch with keepalive first: unlike sendBeacon it sends no cookie and no Referer (a
     * same-origin sendBeacon carries the page's URL, identifiers included). A string body goes
     * as text/plain, which needs no CORS preflight; OTLP goes as application/json.
     */
    send(url, body, json, wait) {
      try {
        if (!fetch) return win.navigator.sendBeacon(url, body) === true;
        const init = { method: 'POST', body, keepalive: true, credentials: 'omit', referrerPolicy: 'no-referrer', mode: 'cors' };
        if (json) init.headers = { 'Content-Type': 'application/json' };
        // A request that is never answered would hold back every later one.
        if (wait && win.AbortSignal && AbortSignal.timeout) init.signal = AbortSignal.timeout(TIMEOUT_MS);
        const request = fetch.call(win, url, init);
        // Never an unhandled rejection on the page.
        if (wait) request.then((response) => answered(response.status), () => answered(0));
        else request.catch(ignore);
        return true;
      } catch (_) {
        return false;
      }
    },
    later(ms) {
      win.clearTimeout(timer);
      timer = win.setTimeout(tick, Math.min(Math.max(ms, 0), 2147483647));
    },
    stop: () => win.clearTimeout(timer),
    warn,
    report: (kind, text) => attempt(() => report(kind, text)),
    // Checked before the probe begins: without it no anonymous id can be made.
    random: (n) => win.crypto.getRandomValues(new Uint8Array(n)),
    gpc: () => attempt(() => win.navigator.globalPrivacyControl === true) === true,
  };
}

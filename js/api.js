// The public `window.JourneyProbe` API and the boot sequence, shared by the classic-script
// loader (classic.js) and the ES module entry (module.js).
//
// Rules this file keeps, because the probe runs on pages it does not own:
// - nothing here throws into the page: every call into the probe goes through `guard`, and the
//   first exception turns the whole probe off with one console warning;
// - calls made before the probe has loaded are queued (at most MAX_QUEUE) with the time they
//   were made, and replayed in order with that time (a queued login starts the clock when the
//   citizen logged in, not when the wasm finished loading);
// - including the probe twice does nothing the second time.

/** Version stamp, replaced at build time. */
import { interceptSetters, wrapHistory } from './intercept.js';
import { observeVitals } from './vitals.js';
import { FRAGMENT, appendLog, clearLog, isShortcut, overlayWanted, readLog, rememberOverlay } from './overlay-switch.js';

export const VERSION = __VERSION__;
/** Commands queued before the probe has loaded, at most. */
const MAX_QUEUE = 100;
/** Commands a portal can push; anything else is passed to the probe, which names the accepted ones. */
const METHODS = ['login', 'submitted', 'mark', 'setService', 'expired', 'consent', 'optOut', 'askSatisfaction'];

function warn(message) {
  try {
    console.warn('journey-probe: ' + message);
  } catch (_) {
    // A page that replaced console with something broken still must not see an exception.
  }
}

/**
 * Installs `window.JourneyProbe` and starts the probe.
 * @param {Window} win
 * @param {{ attributes: Array<[string, string]>, loadGlue: () => Promise<any>, wasmUrl: string, loadOverlay: () => Promise<any>, loadSurvey: () => Promise<any> }} how
 * @returns {object} the API object
 */
export function install(win, how) {
  const existing = win.JourneyProbe;
  if (existing && typeof existing === 'object' && existing.version) {
    return existing; // already installed: a second <script> tag is harmless
  }
  // Commands pushed on the array before the loader ran carry no time: the best estimate is
  // the loader's start.
  const loaderStart = Date.now();
  const loaderStartMs = win.performance ? win.performance.now() : 0;
  let queue = Array.isArray(existing)
    ? existing.slice(0, MAX_QUEUE).map((command) => ({ command, at: loaderStart }))
    : [];
  let state = 'loading'; // 'loading' | 'running' | 'off'
  let probe = null; // the glue module's exports once started
  let overflowWarned = false;
  // Values page script sets before the probe runs: the probe then knows they are not markup.
  const earlySets = new WeakSet();

  function turnOff(error) {
    if (state === 'off') return;
    state = 'off';
    queue = [];
    warn('internal error, the probe has turned itself off (' + ((error && error.message) || error) + '). The page is not affected.');
  }

  // Wraps a function the browser will call into the probe. A benchmark that sets
  // `window.__journeyProbeTimes = []` before the loader runs gets each call's duration.
  const times = Array.isArray(win.__journeyProbeTimes) ? win.__journeyProbeTimes : null;
  const now = () => win.performance.now();
  function guard(fn) {
    return function (arg) {
      if (state === 'off') return undefined;
      const start = times && now();
      try {
        return fn(arg);
      } catch (error) {
        turnOff(error);
        return undefined;
      } finally {
        if (times && times.length < 100000) times.push(now() - start);
      }
    };
  }

  function run(command, at = Date.now()) {
    if (!Array.isArray(command) || typeof command[0] !== 'string') {
      warn('push() expects an array whose first item is a command name, e.g. JourneyProbe.push([\'login\'])');
      return;
    }
    if (state === 'loading') {
      if (queue.length < MAX_QUEUE) {
        queue.push({ command, at });
      } else if (!overflowWarned) {
        overflowWarned = true;
        warn('more than ' + MAX_QUEUE + ' calls before the probe loaded; later ones are dropped');
      }
      return;
    }
    if (state === 'running') {
      const arg = command[1] === undefined ? undefined : String(command[1]);
      guard(() => probe.command(command[0], arg, at))();
      askIfDue();
    }
  }

  // window.JourneyProbeConfig, read once (it is set before the loader runs): its mistakes are
  // warned about once, and the overlay switch and the probe see the same settings.
  const objectConfig = configObject(win);

  // The QA overlay: off for citizens; when on, its code is fetched and every beacon logged.
  const overlay = { on: false, view: null, loading: false };
  const configured = [...how.attributes, ...objectConfig.map(([k, v]) => ['data-' + k, v])]
    .some(([name, value]) => name === 'data-overlay' && value.trim() === 'on');

  // Told by the probe of every beacon and request (see the shell's `watch`).
  function watcher(kind, text) {
    // A beacon went: a submission may have just been recognised (a selector, a URL).
    if (kind === 'queued') win.setTimeout(askIfDue, 0);
    if (!overlay.on) return;
    try {
      appendLog(win, { kind, text, at: Date.now() });
      if (overlay.view) overlay.view.refresh();
    } catch (_) {
      // the overlay is a QA tool: its failure must not reach the probe or the page
    }
  }

  function showOverlay() {
    overlay.on = true;
    rememberOverlay(win, true);
    if (overlay.view || overlay.loading) return;
    overlay.loading = true;
    Promise.all([how.loadOverlay(), domReady(win.document)])
      .then(([module]) => {
        overlay.loading = false;
        if (!overlay.on || overlay.view) return;
        overlay.view = module.mount(win, {
          version: VERSION,
          state: () => state,
          snapshot: () => api.snapshot(),
          elements: () => (state === 'running' ? guard(() => probe.field_elements())() || [] : []),
          log: () => readLog(win),
          clearLog: () => clearLog(win),
          close: () => hideOverlay(),
        });
      })
      .catch((error) => {
        overlay.loading = false;
        warn('the QA overlay could not load (' + ((error && error.message) || error) + ')');
      });
  }

  function hideOverlay() {
    overlay.on = false;
    rememberOverlay(win, false);
    if (overlay.view) overlay.view.unmount();
    overlay.view = null;
  }

  const api = {
    version: VERSION,
    /** Shows (`true`, the default) or hides (`false`) the QA overlay in this tab. */
    overlay: (on) => {
      try {
        if (on === false) hideOverlay();
        else showOverlay();
      } catch (error) {
        warn('the QA overlay failed (' + ((error && error.message) || error) + ')');
      }
    },
    push: (command) => run(command),
    snapshot: () => (state === 'running' ? guard(() => probe.snapshot())() ?? null : null),
    /** Bytes of memory the probe's wasm holds (for benchmarks), or 0 when off. */
    memoryBytes: () => (state === 'running' ? guard(() => probe.memory_bytes())() || 0 : 0),
    stop: () => {
      if (state === 'running') guard(() => probe.stop())();
      state = 'off';
      queue = [];
    },
  };
  // Arguments travel as text (consent(true) → 'true').
  for (const name of METHODS) api[name] = (arg) => run(arg === undefined ? [name] : [name, String(arg)]);
  /** rate(4), rate(2, ['too_slow']): the citizen's rating from the portal's own survey. */
  api.rate = (score, reasons) =>
    run(['rate', String(score) + (Array.isArray(reasons) && reasons.length ? ':' + reasons.join(',') : '')]);

  // The satisfaction question: fetched and shown only when the probe says it is due.
  const survey = { view: null, loading: false };
  function askIfDue() {
    if (state !== 'running' || survey.view || survey.loading) return;
    if (!guard(() => probe.survey_due())()) return;
    survey.loading = true;
    how.loadSurvey()
      .then((module) => {
        survey.loading = false;
        if (survey.view || state !== 'running') return;
        survey.view = module.mount(win, {
          shown: () => run(['surveyShown']),
          answer: (text) => run(['rate', text]),
          done: () => { survey.view = null; },
        });
      })
      .catch((error) => {
        survey.loading = false;
        warn('the satisfaction question could not load (' + ((error && error.message) || error) + ')');
      });
  }
  // In-page navigation (single-page portals): each view is a step of the journey.
  try {
    wrapHistory(win, () => {
      if (state === 'running') guard(() => probe.navigated())();
    });
  } catch (_) {
    // without it, popstate and hashchange still mark steps
  }
  try {
    interceptSetters(win, (element) => {
      if (state === 'loading') earlySets.add(element);
      else if (state === 'running') guard(() => probe.script_set(element))();
    });
  } catch (error) {
    warn('cannot watch value setters (' + ((error && error.message) || error) + '); page script fills are found by comparison only');
  }
  Object.defineProperty(api, 'selfTestPanic', {
    // For end-to-end tests of the failure path: proves a panic turns the probe off, not the page.
    // selfTestPanic() panics at once; selfTestPanic('input') inside the next input listener.
    value: (when) => (state === 'running' ? guard(() => probe.self_test_panic(when === 'input'))() : undefined),
  });
  // A portal may keep a reference to the queue array (`var q = window.JourneyProbe = … || []`)
  // and push on it later: that must keep working once the array is no longer window.JourneyProbe.
  if (Array.isArray(existing)) {
    try {
      existing.push = api.push;
    } catch (_) {
      // a frozen array: nothing to do
    }
  }
  win.JourneyProbe = api;

  // Page speed: entries still pending when the page is hidden are delivered first, so that the
  // probe's last beacon (built by its own listeners, registered later) has the final values.
  let flushVitals = null;
  const flush = () => {
    if (flushVitals) guard(flushVitals)();
  };
  win.addEventListener('visibilitychange', flush, { capture: true, passive: true });
  win.addEventListener('pagehide', flush, { capture: true, passive: true });

  try {
    // Ctrl+Alt+J switches the overlay; the page sees the key press as if the probe were not there.
    win.addEventListener('keydown', (event) => {
      if (isShortcut(event)) api.overlay(!overlay.on);
    }, { capture: true, passive: true });
    win.addEventListener('hashchange', () => {
      if (win.location.hash === FRAGMENT) api.overlay(true);
    }, { passive: true });
    if (overlayWanted(win, configured)) api.overlay(true);
  } catch (_) {
    // no overlay on this page; the probe is unaffected
  }

  Promise.all([how.loadGlue(), compileWasm(win, how.wasmUrl), domReady(win.document)])
    .then(([glue, module]) =>
      Promise.resolve(glue.default({ module_or_path: module })).then(() => {
        if (state !== 'loading') return;
        const startAt = win.performance ? win.performance.now() : 0;
        guard(() => glue.watch(watcher))();
        const started = guard(() =>
          glue.start(how.attributes, objectConfig, guard, earlySets),
        )();
        // Start-up cost, for the bench and QA: finding every field and listening, in ms.
        api.startupMs = (win.performance ? win.performance.now() : 0) - startAt;
        if (!started) {
          if (state === 'loading') state = 'off';
          queue = [];
          return;
        }
        probe = glue;
        state = 'running';
        try {
          flushVitals = observeVitals(win, (kind, a, b, c, target) => {
            if (state === 'running') guard(() => probe.perf(kind, a, b, c, target))();
          });
        } catch (_) {
          // no page speed on this page; everything else runs
        }
        if (overlay.view) overlay.view.refresh();
        // Loading cost: the loader running → glue and wasm fetched, compiled, instantiated, started.
        api.loadMs = (win.performance ? win.performance.now() : 0) - loaderStartMs;
        const pending = queue;
        queue = [];
        pending.forEach(({ command, at }) => run(command, at));
        askIfDue();
      }),
    )
    .catch((error) => {
      if (state === 'loading') state = 'off';
      queue = [];
      warn('could not load (' + ((error && error.message) || error) + '). The page is not affected.');
    });
  return api;
}

/**
 * The properties of `window.JourneyProbeConfig` as `[name, text]` pairs (arrays joined with
 * commas, `null`/`undefined` left out); the probe validates them like the tag's attributes.
 */
function configObject(win) {
  const config = win.JourneyProbeConfig;
  if (config === undefined || config === null) return [];
  if (typeof config !== 'object') {
    warn('window.JourneyProbeConfig is ignored: expected an object such as { collector: "/v1/beacons", service: "1.001234" }');
    return [];
  }
  const pairs = [];
  for (const key of Object.keys(config)) {
    try {
      const value = config[key];
      if (value !== undefined && value !== null) pairs.push([key, String(value)]);
    } catch (_) {
      warn('window.JourneyProbeConfig.' + key + ' could not be read; it is ignored');
    }
  }
  return pairs;
}

/** Fetches and compiles the wasm, streaming when the server sends the right MIME type. */
function compileWasm(win, url) {
  return win.fetch(url).then((response) => {
    if (!response.ok) throw new Error(url + ' answered HTTP ' + response.status);
    const type = (response.headers.get('Content-Type') || '').split(';')[0].trim();
    if (type === 'application/wasm' && typeof WebAssembly.compileStreaming === 'function') {
      // Streaming can still fail (a proxy that re-encodes, an old engine): fall back to bytes.
      const copy = response.clone();
      return WebAssembly.compileStreaming(response).catch(() =>
        copy.arrayBuffer().then((bytes) => WebAssembly.compile(bytes)),
      );
    }
    // Servers that send another type (often application/octet-stream) still work, less fast.
    return response.arrayBuffer().then((bytes) => WebAssembly.compile(bytes));
  });
}

/** Resolves once the document is parsed, so fields below the script tag are found too. */
function domReady(doc) {
  if (doc.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) => doc.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));
}

// The public `window.JourneyProbe` API and the boot sequence, shared by the classic-script
// loader (classic.js) and the ES module entry (module.js).
//
// Rules this file keeps, because the probe runs on pages it does not own:
// - nothing here throws into the page: every call into the probe goes through `guard`, and the
//   first exception turns the whole probe off with one console warning; every public method
//   (and install itself) catches what the page hands it — an argument whose toString throws, a
//   read-only window.JourneyProbe, a JourneyProbeConfig Proxy — and returns with one warning;
// - markup alone cannot steer it: a page element named JourneyProbe or JourneyProbeConfig
//   (DOM clobbering, see `pageGlobal`) is neither an installed probe, a queue nor a configuration;
// - calls made before the probe has loaded are queued (at most MAX_QUEUE) with the time they
//   were made, and replayed in order with that time (a queued login starts the clock when the
//   citizen logged in, not when the wasm finished loading);
// - including the probe twice does nothing the second time.

import { interceptSetters, own, wrapHistory } from './intercept.js';
import { observeVitals } from './vitals.js';
import { FRAGMENT, appendLog, clearLog, isShortcut, overlayWanted, readLog, rememberOverlay } from './overlay-switch.js';
import { describe, warn } from './warn.js';
import { pauseIn } from './pause.js';

export { describe, warn };
/** Version stamp, replaced at build time. */
export const VERSION = __VERSION__;
/** Commands queued before the probe has loaded, at most. */
const MAX_QUEUE = 100;
/** The API's commands without an argument (any given is not even read), and with one. */
const PLAIN = ['login', 'submitted', 'expired', 'optOut', 'askSatisfaction'];
const WITH_ARGUMENT = ['mark', 'setService', 'consent'];

/**
 * `window[name]` if the page's script set it (see `own`): an element that markup alone put
 * there, e.g. `<form name="JourneyProbe">`, is warned about and not taken. May throw (a page
 * getter).
 */
function pageGlobal(win, name, consequence) {
  const value = own(win, name);
  if (value === undefined && win[name] != null) {
    warn('window.' + name + ' is a page element (by its id or name), not set by script: ' + consequence);
  }
  return value;
}

/**
 * Installs `window.JourneyProbe` and starts the probe.
 * @param {Window} win
 * @param {{ attributes: Array<[string, string]>, loadGlue: () => Promise<any>, wasmUrl: string, wasmOtlpUrl: string, loadOverlay: () => Promise<any>, loadSurvey: () => Promise<any> }} how
 *   (`wasmOtlpUrl`: the wasm with the OTLP encoder, fetched instead for data-format="otlp")
 * @returns {object} the API object
 */
export function install(win, how) {
  let existing;
  try {
    existing = pageGlobal(win, 'JourneyProbe', 'the API is installed over it');
    if (existing && typeof existing === 'object' && existing.version) {
      return existing; // already installed: a second <script> tag is harmless
    }
  } catch (_) {
    existing = undefined; // a page getter that throws: there is no queue to take over
  }
  // Commands pushed on the array before the loader ran carry no time: the best estimate is
  // the loader's start.
  const loaderStart = Date.now();
  const loaderStartMs = win.performance ? win.performance.now() : 0;
  let queue = [];
  // 'loading' (the wasm, then the fields being registered) | 'running' | 'off'
  let state = 'loading';
  let shell = null; // the JS shell (js/shell/page.js) once the wasm has begun
  // The page's fetch as it is now: a wrapper installed later never sees the probe's requests.
  // zone.js (Angular), loaded before, keeps the fetch it wrapped in __zone_symbol__fetch.
  let pageFetch;
  try {
    pageFetch = [own(win, '__zone_symbol__fetch'), win.fetch].find((f) => typeof f === 'function');
  } catch (_) {
    // a getter that throws: sendBeacon then
  }
  let overflowWarned = false;
  // Values page script sets before the probe runs: the probe then knows they are not markup.
  const earlySets = new WeakSet();

  function turnOff(error) {
    if (state === 'off') return;
    state = 'off';
    queue = [];
    warn('internal error, the probe has turned itself off (' + describe(error) + '). The page is not affected.');
  }

  // A public method the page called with something it cannot read is ignored, with one
  // warning per method: the page's call returns, and the probe keeps running.
  const refused = {};
  function attempt(name, fn) {
    try {
      return fn();
    } catch (error) {
      if (!refused[name]) warn('JourneyProbe.' + name + '() was ignored (' + describe(error) + ')');
      refused[name] = 1;
      return undefined;
    }
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

  // Arguments travel as text (consent(true) → 'true'), read once, when the call is made: a
  // queued command is replayed as it was (and a toString that throws, throws here, in `attempt`).
  function run(command, at = Date.now()) {
    if (!Array.isArray(command) || typeof command[0] !== 'string') {
      warn('push() expects an array whose first item is a command name, e.g. JourneyProbe.push([\'login\'])');
      return;
    }
    const name = command[0];
    const arg = command[1] === undefined ? undefined : String(command[1]);
    if (state === 'loading') {
      if (queue.length < MAX_QUEUE) {
        queue.push({ name, arg, at });
      } else if (!overflowWarned) {
        overflowWarned = true;
        warn('more than ' + MAX_QUEUE + ' calls before the probe loaded; later ones are dropped');
      }
      return;
    }
    if (state === 'running') {
      guard(() => shell.command(name, arg, at))();
      askIfDue();
    }
  }

  // window.JourneyProbeConfig, read once (it is set before the loader runs): its mistakes are
  // warned about once, and the overlay switch and the probe see the same settings. null: it
  // could not be read, or start()'s options could not (how.attributes null), and the probe
  // stays off — an option the page meant (consent: 'required') must not be skipped.
  let objectConfig = null;
  try {
    objectConfig = readOptions(pageGlobal(win, 'JourneyProbeConfig', 'ignored'), 'window.JourneyProbeConfig');
  } catch (error) {
    warn('window.JourneyProbeConfig could not be read (' + describe(error) + '). The probe is off on this page.');
  }
  const attributes = how.attributes || [];
  if (!objectConfig || !how.attributes) state = 'off';

  // The QA overlay: off for citizens; when on, its code is fetched and every beacon logged.
  // data-overlay (the tag wins over JourneyProbeConfig.overlay, as for every option): "on"
  // shows it; "never" (production) lets nothing show it, nor fetch its file.
  const overlay = { on: false, view: null, loading: false };
  /** A setting as the probe will read it: the tag's attribute, else JourneyProbeConfig's twin. */
  const setting = (attribute, key) => String(
    (attributes.find(([name]) => name === attribute) || (objectConfig || []).find(([k]) => k === key) || [])[1],
  ).trim();
  const overlaySetting = setting('data-overlay', 'overlay');
  const never = overlaySetting === 'never';

  let flushVitals = null;
  const flush = () => {
    if (flushVitals) guard(flushVitals)();
  };

  // Told by the probe of every beacon and request (the host's `report`).
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
    if (never) {
      warn('the QA overlay is off on this site (data-overlay="never")');
      return;
    }
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
          elements: () => (state === 'running' ? guard(() => shell.elements())() || [] : []),
          log: () => readLog(win),
          clearLog: () => clearLog(win),
          close: () => hideOverlay(),
        });
      })
      .catch((error) => {
        overlay.loading = false;
        warn('the QA overlay could not load (' + describe(error) + ')');
      });
  }

  function hideOverlay() {
    overlay.on = false;
    rememberOverlay(win, false);
    if (overlay.view) overlay.view.unmount();
    overlay.view = null;
  }

  const methods = {
    /** Shows (`true`, the default) or hides (`false`) the QA overlay in this tab. */
    overlay: (on) => (on === false ? hideOverlay() : showOverlay()),
    push: (command) => run(command),
    snapshot: () => (state === 'running' ? guard(() => shell.snapshot())() ?? null : null),
    /** Bytes of memory the probe's wasm holds (for benchmarks), or 0 when off. */
    memoryBytes: () => (state === 'running' ? guard(() => shell.memoryBytes())() || 0 : 0),
    stop: () => {
      if (shell && state !== 'off') guard(() => shell.stop())();
      state = 'off';
      queue = [];
    },
    /** rate(4), rate(2, ['too_slow']): the citizen's rating from the portal's own survey. */
    rate: (score, reasons) =>
      run(['rate', String(score) + (Array.isArray(reasons) && reasons.length ? ':' + reasons.join(',') : '')]),
  };
  for (const name of PLAIN) methods[name] = () => run([name]);
  for (const name of WITH_ARGUMENT) methods[name] = (arg) => run(arg === undefined ? [name] : [name, arg]);
  // Every public method returns, whatever it is given (see `attempt`).
  const api = { version: VERSION };
  for (const name in methods) api[name] = (a, b) => attempt(name, () => methods[name](a, b));

  // The satisfaction question: fetched and shown only when the probe says it is due.
  const survey = { view: null, loading: false };
  function askIfDue() {
    if (state !== 'running' || survey.view || survey.loading) return;
    if (!guard(() => shell.surveyDue())()) return;
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
        warn('the satisfaction question could not load (' + describe(error) + ')');
      });
  }
  Object.defineProperty(api, 'selfTestPanic', {
    // For end-to-end tests of the failure path: proves a panic turns the probe off, not the page.
    // selfTestPanic() panics at once; selfTestPanic('input') inside the next input listener.
    value: (when) => (state === 'running' ? guard(() => shell.selfTestPanic(when === 'input'))() : undefined),
  });
  // Runs a piece of start-up in a later task (see below).
  const pause = pauseIn(win);
  // Whatever fails from here (a page that broke addEventListener or fetch, an array whose
  // items throw) leaves the probe off with one warning and returns the API all the same.
  try {
    if (Array.isArray(existing)) {
      existing.slice(0, MAX_QUEUE).forEach((command) => attempt('push', () => run(command, loaderStart)));
    }
    // In-page navigation (single-page portals): each view is a step of the journey.
    try {
      wrapHistory(win, () => {
        if (shell && state !== 'off') guard(() => shell.navigated())();
      });
    } catch (_) {
      // without it, popstate and hashchange still mark steps
    }
    try {
      interceptSetters(win, (element) => {
        if (state === 'off') return;
        if (shell) guard(() => shell.scriptSet(element))();
        else earlySets.add(element);
      });
    } catch (error) {
      warn('cannot watch value setters (' + describe(error) + '); page script fills are found by comparison only');
    }
    // An editor has no setter to watch: text page script writes into one after the document is
    // parsed, before the probe has seen it, is not the server's either.
    domReady(win.document).then(() => {
      const writes = new MutationObserver((records) => {
        if (state !== 'loading') return writes.disconnect();
        for (const { target } of records) {
          const editor = (target.nodeType === 1 ? target : target.parentElement)?.closest('[contenteditable]');
          if (editor) earlySets.add(editor);
        }
      });
      writes.observe(win.document, { childList: true, characterData: true, subtree: true });
    }).catch(() => {});
    // A portal may keep a reference to the queue array (`var q = window.JourneyProbe = … || []`)
    // and push on it later: that must keep working once the array is no longer window.JourneyProbe.
    if (Array.isArray(existing)) {
      try {
        existing.push = api.push;
      } catch (_) {
        // a frozen array: nothing to do
      }
    }
    // Assigned over a page element that named access shows there (see `pageGlobal`), it becomes
    // an own property of window, which comes before named access
    // (https://webidl.spec.whatwg.org/#named-properties-object reports named properties as
    // writable, so the assignment defines one on window itself); over the page's own property
    // (a queue array, `var JourneyProbe`) it replaces the value, as before.
    let exposed = false;
    try {
      win.JourneyProbe = api;
      exposed = win.JourneyProbe === api;
    } catch (_) {
      // read-only (or a page getter or setter that throws): said below
    }
    if (!exposed) warn('window.JourneyProbe is read-only: the probe runs without its API there');

    // Page speed: entries still pending when the page is hidden are delivered first, so that the
    // probe's last beacon (built by its own listeners, registered later) has the final values.
    win.addEventListener('visibilitychange', flush, { capture: true, passive: true });
    win.addEventListener('pagehide', flush, { capture: true, passive: true });

    // With data-overlay="never" nothing listens for a switch at all.
    if (!never) {
      try {
        // Ctrl+Alt+J switches the overlay; the page sees the key press as if the probe were not there.
        win.addEventListener('keydown', (event) => {
          if (isShortcut(event)) api.overlay(!overlay.on);
        }, { capture: true, passive: true });
        win.addEventListener('hashchange', () => {
          if (win.location.hash === FRAGMENT) api.overlay(true);
        }, { passive: true });
      } catch (_) {
        // no overlay on this page; the probe is unaffected
      }
    }

    // The rest of start-up, each piece in a task of its own so that none is a long task on a
    // slow phone: this script's own run (above) installs the API and the setter watch, which
    // must be in place at once; then the glue and wasm are requested; then the tab's storage is
    // opened (its first use is slow) to see whether a QA tester left the overlay on.
    pause(() => {
      try {
        if (state === 'loading') load();
      } catch (error) {
        cannotStart(error);
      }
      try {
        pause(() => {
          try {
            if (!never && overlayWanted(win, overlaySetting === 'on')) api.overlay(true);
          } catch (_) {
            // no overlay on this page; the probe is unaffected
          }
        });
      } catch (_) {
        // the same
      }
    });
  } catch (error) {
    cannotStart(error);
  }
  return api;

  function cannotStart(error) {
    state = 'off';
    queue = [];
    warn('could not start (' + describe(error) + '). The page is not affected.');
  }

  function load() {
    // The citizen's wasm has no OTLP encoder; the one that has it comes only for that format.
    const wasmUrl = setting('data-format', 'format') === 'otlp' ? how.wasmOtlpUrl : how.wasmUrl;
    Promise.all([how.loadGlue(), compileWasm(win, pageFetch, wasmUrl), domReady(win.document)])
      .then(([glue, module]) =>
        Promise.resolve(glue.default({ module_or_path: module }))
          // Instantiating the wasm, reading the configuration, beginning the session: three
          // tasks, not one long one.
          .then(() => new Promise((resolve) => pause(resolve)))
          .then(() => {
            if (state !== 'loading') return false;
            // One line per setting for the wasm, which validates them: name, value, where from.
            const line = (from) => (pair) => pair.concat(from).map((text) => text.replace(/[\t\r\n]/g, ' ')).join('\t');
            const settings = attributes.map(line('t')).concat(objectConfig.map(line('o'))).join('\n');
            // The JS shell (js/shell/) comes in the glue's file, with the wasm it drives.
            return guard(() => glue.configureShell(glue, settings))() === true;
          })
          .then((configured) => configured && new Promise((resolve) => pause(() => resolve(true))))
          .then((configured) => {
            if (state !== 'loading') return;
            shell = configured
              ? guard(() => glue.startShell(win, glue, { guard, early: earlySets, fetch: pageFetch, report: watcher, ready: started }))() || null
              : null;
            if (!shell && state === 'loading') {
              state = 'off';
              queue = [];
            }
          }),
      )
      .catch((error) => {
        if (state === 'loading') state = 'off';
        queue = [];
        warn('could not load (' + describe(error) + '). The page is not affected.');
      });
  }

  // Every field of the page is registered (the shell did it in slices): the probe runs.
  function started(running, busyMs) {
    if (state !== 'loading') return;
    shell = running;
    state = 'running';
    // Start-up cost: beginning the session, finding every field and listening, in ms of work.
    api.startupMs = busyMs;
    try {
      flushVitals = observeVitals(win, (kind, a, b, c, target) => {
        if (state === 'running') guard(() => shell.perf(kind, a, b, c, target))();
      });
    } catch (_) {
      // no page speed on this page; everything else runs
    }
    if (overlay.view) overlay.view.refresh();
    // Loading cost: the loader running → glue and wasm fetched, compiled, instantiated, started.
    api.loadMs = (win.performance ? win.performance.now() : 0) - loaderStartMs;
    const pending = queue;
    queue = [];
    pending.forEach(({ name, arg, at }) => run([name, arg], at));
    askIfDue();
  }
}

/**
 * The properties of `window.JourneyProbeConfig` or of start()'s options as `[name, text]`
 * pairs (arrays joined with commas, `null`/`undefined` left out); the probe validates them
 * like the tag's attributes. Throws if they cannot be read (a getter or Proxy that throws).
 */
export function readOptions(config, label) {
  if (config === undefined || config === null) return [];
  if (typeof config !== 'object') {
    warn(label + ' is ignored: expected an object such as { collector: "/v1/beacons", service: "1.001234" }');
    return [];
  }
  const pairs = [];
  for (const key of Object.keys(config)) {
    const value = config[key];
    if (value !== undefined && value !== null) pairs.push([key, String(value)]);
  }
  return pairs;
}

/** Fetches (with the page's fetch as the loader found it) and compiles the wasm, streaming when the server sends the right MIME type. */
function compileWasm(win, fetch, url) {
  return (fetch || win.fetch).call(win, url).then((response) => {
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

// The probe on one page, the browser's side: begins the wasm's session, finds the fields in
// slices (never a long task), turns DOM events and mutations into the wasm's calls of plain
// numbers, and hands it the host. It decides nothing: every rule is the wasm's.
//
// Start-up: the wasm reads the configuration in one task (`configure`) and begins its session
// in the next; in the one after, the listeners and the document's observer are on before the
// first field is registered, and the fields are registered a few milliseconds at a time, in the
// order discovery always has (fields that appear meanwhile wait behind them). What concerns a field's
// value, a submission, a view change or the page being left first finishes the registration at
// once (a radio group must be whole before its value is read); other calls (the window's focus,
// a timer) wait, in order, until it is done — the wasm's session describes the page's fields in
// the beacon a success URL sends, so it must not start before they are known. A value page
// script sets on a field not registered yet marks the element (`early`) as not the markup's.
import { FIELD_SELECTOR, IGNORE, all, attr, fieldKind, findFields, first, has, shadowOf } from './dom.js';
import { describe, warn } from '../warn.js';
import { makeFields } from './fields.js';
import { makeHost } from './host.js';
import { listen } from './listen.js';
import { pauseIn } from '../pause.js';

/** How long one slice of start-up registers fields, in ms. */
const SLICE_MS = 5;
/** Attributes whose changes matter: validation marks, ARIA selection, what makes an element a field or locks it. */
const ATTRIBUTES = ['aria-invalid', 'aria-errormessage', 'aria-controls', 'aria-owns', 'aria-selected', 'aria-checked',
  'contenteditable', 'role', 'readonly', 'disabled'];
/** The wasm's calls that do not wait for start-up to end. */
const AT_ONCE = ['config', 'form', 'field', 'rebased', 'removed', 'answered', 'ready', 'stop'];

/**
 * Has the wasm read and validate the configuration (`settings`: one `attribute\tvalue\tfrom`
 * line per setting), printing its warnings. Returns false when the probe stays off.
 * @param {object} wasm the glue's exports
 * @param {string} settings
 */
export function configure(wasm, settings) {
  const lines = wasm.configure(settings);
  const list = lines ? lines.split('\n') : [];
  const off = list[0] === 'off';
  list.slice(off ? 1 : 0).forEach(say);
  return !off;
}

/** A token of the wasm's warnings: a sentence of js/sentences.js by number. */
const TOKEN = /\u0001(\d+)\u0001/g;
/** The sentences, once asked for: the warnings waiting for them print in order. */
let sentences;

/**
 * Writes a warning of the wasm's, its sentences fetched from their own file the first time one
 * is needed (a citizen's page never needs them); where that fails, each is named by number
 * (src/core/sentences.rs lists them). Warnings keep their order.
 */
function say(text) {
  if (!sentences && !text.includes('\u0001')) return warn(text);
  sentences = (sentences || import(new URL(__SENTENCES_FILE__, import.meta.url).href).then((file) => file.default, () => ({})))
    .then((all) => {
      warn(text.replace(TOKEN, (_, n) => all[n] || '(' + n + ')'));
      return all;
    });
}

/**
 * Begins the probe on this page. Returns its shell (the loader's view of it), or null when it
 * stays off (the warnings printed). The loader has `configure` run in a task of its own before
 * and gives no `settings`; given `settings`, begin configures first.
 * @param {Window} win
 * @param {object} wasm the glue's exports
 * @param {{ settings?: string, guard: (fn: Function) => Function, early: WeakSet<Element>,
 *   fetch: Function|undefined, report: (kind: string, text: string) => void,
 *   ready: (shell: object, busyMs: number) => void }} how — `ready` once every field is registered
 */
export function begin(win, wasm, how) {
  const { guard, early } = how;
  if (how.settings !== undefined && !configure(wasm, how.settings)) return null;
  const doc = win.document;
  const clock = win.performance;
  const loc = win.location;
  const t0 = clock.now();
  if (!win.crypto || !win.crypto.getRandomValues) {
    warn('crypto.getRandomValues is not available, so no anonymous id can be made. The probe is off on this page.');
    return null;
  }
  let busy = false;
  let starting = true;
  /** The citizen's last click, tap, key press or paste on a field, not told yet: [field, epoch ms, page ms]. */
  let acted;
  let stopped = false;
  // The listeners and the document's observer are on, and the page's fields queued.
  let listening = false;
  /**
   * Calls made while starting (see above), or while the wasm is busy — a page handler the wasm's
   * host ran (the page's own fetch wrapper, say) calling back into it: they wait, in order. A
   * registration then is let go (the element is found again later).
   */
  const held = [];
  function call(name, ...args) {
    // The citizen's own input on the field they acted on is the action itself: one call per
    // keystroke. Anything else goes after the action.
    if (acted && name === 'event' && args[0] === acted[0] && args[1] === 2 && !(args[5] & 12)) acted = undefined;
    tellAction();
    const atOnce = AT_ONCE.includes(name);
    if (busy && atOnce) return undefined;
    if (busy || (starting && !atOnce)) return void held.push([name, ...args]);
    let result;
    busy = true;
    try {
      result = wasm[name](...args);
    } finally {
      busy = false;
    }
    while (!starting && held.length) call(...held.shift());
    return result;
  }
  const times = () => [Date.now(), clock.now()];
  /** Tells the wasm the citizen's action kept in `acted`, if any (event 6 at its own time). */
  function tellAction() {
    if (!acted) return;
    const [i, epoch, at] = acted;
    acted = undefined;
    call('event', i, 6, false, 0, false, 0, epoch, at);
  }
  // Called through the prototype: a named element (<img name="hasFocus">) shadows the document's own.
  const focused = () => Document.prototype.hasFocus.call(doc);

  const host = makeHost(win, how.fetch, how.report,
    guard((status) => call('answered', status, ...times())),
    guard(() => call('tick', ...times())));
  busy = true;
  let off;
  try {
    // "off": the citizen opted out in this browser (nothing runs, silently).
    off = wasm.begin(host, loc.pathname, loc.search, win.navigator.userAgent, ...times(),
      doc.visibilityState !== 'hidden', focused()) === 'off';
  } finally {
    busy = false;
  }
  if (off) return null;
  const config = JSON.parse(call('config'));

  const observers = new Map();
  function observe(root) {
    if (observers.has(root)) return;
    try {
      const observer = new MutationObserver(guard(mutations));
      observer.observe(root, { childList: true, subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ATTRIBUTES });
      observers.set(root, observer);
    } catch (error) {
      warn('cannot observe a shadow root: ' + describe(error));
    }
  }
  const fields = makeFields(call, config.prefill, early, observe);
  /** Tells the wasm an event of field `i` that carries no value (0 focus, 1 blur, 5 invalid, 6 interact). */
  const happened = (i, kind) => call('event', i, kind, false, 0, false, 0, ...times());

  // -- start-up, in slices ---------------------------------------------------------------
  // The work: lists and what to do with each item, in order — the document's fields, then
  // its shadow hosts, then each open shadow root's fields (the order discovery always has).
  let busyMs = 0;
  const work = [];
  let next = 0;
  const grouped = new Set();
  const register = ([el, kind]) => kind !== undefined && el.isConnected && fields.own(el) === undefined && fields.add(el, kind, grouped);
  function slice(budget) {
    const start = clock.now();
    while (work.length && clock.now() - start < budget) {
      const [list, each] = work[0];
      if (next < list.length) {
        each(list[next++]);
      } else {
        work.shift();
        next = 0;
      }
    }
    busyMs += clock.now() - start;
    if (work.length) return false;
    fields.rebase(grouped);
    starting = false;
    call('ready', ...times()); // and then the calls that waited for it
    watchSelectors();
    how.ready(shell, busyMs);
    return true;
  }
  /** Finishes start-up now (a checkpoint, or something happened to a field). */
  const settle = () => starting && !stopped && (listening || setUp(), slice(Infinity));
  const pause = pauseIn(win);
  const step = guard(() => starting && !stopped && !slice(SLICE_MS) && pause(step));

  // -- what happens on the page ----------------------------------------------------------
  /**
   * The field an event is about: the innermost target (asking composedPath() only for a shadow
   * host, as it allocates). Start-up is finished first unless `registered` (only a field found
   * already counts).
   */
  function fieldOfEvent(event, registered) {
    let target = event.target;
    if (!(target instanceof Element)) return undefined;
    if (shadowOf(target)) {
      const inner = event.composedPath()[0];
      if (inner instanceof Element) target = inner;
    }
    if (!registered) settle();
    return fields.of(target);
  }
  function checkAll() {
    settle();
    fields.slots.forEach((slot, i) => slot.els.length && fields.check(i));
  }
  const pageState = () => call('state', doc.visibilityState !== 'hidden', focused(), ...times());
  function hidden(pagehide) {
    checkAll();
    call('hidden', pagehide, ...times());
  }
  function navigated() {
    checkAll();
    call('navigated', loc.pathname, loc.search, ...times());
  }
  function command(name, arg, at) {
    checkAll();
    const warning = call('command', name, arg, at, ...times());
    if (warning) say(warning);
    if (name === 'optOut') stop(); // everything stored is gone; nothing runs any more
  }

  /** Looks for the elements data-login-selector and data-success-selector name, while the journey waits for them. */
  function watchSelectors() {
    if (starting || !(config.login || config.success)) return;
    const waiting = call('waiting');
    const seen = (bit, selector) => {
      try {
        return waiting & bit && selector && first(doc, selector);
      } catch (_) {
        return false;
      }
    };
    const login = seen(1, config.login);
    const success = seen(2, config.success);
    if (login) command('login', undefined, Date.now());
    if (success) command('submitted', undefined, Date.now());
  }

  function mutations(records) {
    // While starting, what appears waits behind what was there (fields keep their order).
    const discover = (node) => (starting ? work.push([[node], fields.discover]) : fields.discover(node));
    for (const record of records) {
      const target = record.target;
      if (record.type === 'childList') {
        record.removedNodes.forEach((node) => {
          for (const root of fields.forget(node)) {
            if (observers.has(root)) observers.get(root).disconnect();
            observers.delete(root);
          }
        });
        record.addedNodes.forEach((node) => node.nodeType === 1 && node.isConnected && discover(node));
        continue;
      }
      if (!target.isConnected) continue; // about an element that has left the page
      const name = record.attributeName;
      const value = attr(target, name);
      if (name === 'aria-invalid' || name === 'aria-errormessage') {
        // The page marked the field invalid, or associated an error message with it.
        const on = name === 'aria-invalid' ? value === 'true' : Boolean(value && value.trim());
        const i = on && record.oldValue !== value ? fields.of(target) : undefined;
        if (i !== undefined) happened(i, 5);
      } else if (name === 'aria-selected' || name === 'aria-checked') {
        settle();
        const i = fields.of(target);
        if (i !== undefined) fields.check(i);
      } else if (name === 'aria-controls' || name === 'aria-owns') {
        const i = fields.own(target);
        if (i !== undefined) fields.popupsOf(target, i);
      } else if (fields.own(target) === undefined) {
        discover(target); // a role or contenteditable added: maybe a field now
      }
    }
    watchSelectors();
  }

  /** The target of the last trusted `beforeinput` no `input` has followed yet. */
  let announced;
  /** The field page script dispatched a click on (`el.click()`), until the citizen acts again. */
  let scriptClicked;
  /** What each DOM event does (js/shell/listen.js adds them, in the task after begin). */
  const handlers = {
    input(event) {
      const i = fieldOfEvent(event);
      if (i === undefined) return;
      const value = fields.state(i);
      // A synthetic event dispatched by page script.
      if (!event.isTrusted) return fields.tell(i, 3, value, false, 0);
      // Typing, pasting and dropping say what they are; the browser's autofill says nothing
      // (no inputType), and only then is the :autofill match worth its cost.
      const type = event.inputType || '';
      let kind = type.startsWith('delete') ? 1 : type === 'insertFromPaste' || type === 'insertFromPasteAsQuotation' ? 2 : type === 'insertFromDrop' ? 3 : 0;
      // What the wasm decides by: no trusted beforeinput announced this text input (4), it
      // follows a click page script dispatched on the field (8).
      if (type && announced !== event.target) kind |= 4;
      if (scriptClicked === i) kind |= 8;
      announced = undefined;
      fields.tell(i, 2, value, !type && fields.autofilled(i), kind);
    },
    announce(event) {
      if (event.isTrusted) announced = event.target; // the input it announces has the same target
    },
    /** After the page's handlers: a key or paste on a field that the page cancelled. */
    cancelled(event) {
      // A mask may write the value itself, an editor the paste, through a setter the probe
      // does not see (one it captured before the probe loaded), with no input event: the field
      // is compared in the next task.
      const i = event.defaultPrevented && event.isTrusted && acted ? acted[0] : -1;
      if (i >= 0) pause(guard(() => fields.slots[i].els.length && fields.check(i)));
    },
    focus(event, focus) {
      const i = fieldOfEvent(event);
      if (i === undefined) return;
      // Focus moving between the elements of one field (a group's radios, a widget's parts) is no new visit.
      const other = event.relatedTarget;
      if (other instanceof Element && fields.of(other) === i) return;
      if (focus) fields.check(i);
      happened(i, focus ? 0 : 1);
      if (!focus) fields.check(i);
    },
    interact(event) {
      if (!event.isTrusted) {
        // el.click() on a checkbox: Chromium marks the input and change that follow as trusted.
        // (A field not found yet is found with its value then, not the markup's: no need to
        // finish start-up for a click page script dispatched.)
        if (event.type === 'click') scriptClicked = fieldOfEvent(event, true);
        return;
      }
      scriptClicked = undefined;
      const i = fieldOfEvent(event);
      if (i === undefined) return void call('event', 0, 7, false, 0, false, 0, ...times()); // in a popup, maybe
      acted = [i, ...times()]; // told with the next call (see `call`)
    },
    invalid(event) {
      const i = fieldOfEvent(event);
      if (i !== undefined) happened(i, 5);
    },
    submit(event) {
      const form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      settle();
      const i = fields.formIndex(form);
      if (i !== undefined) call('submit', i, ...times());
    },
    visibility() {
      pageState();
      if (doc.visibilityState !== 'hidden') call('visible', ...times());
      else hidden(false);
    },
    pagehide: () => hidden(true),
    pageshow(event) {
      pageState();
      // Back from the back/forward cache: a new page view and step.
      if (event.persisted) call('restored', ...times());
      call('visible', ...times());
    },
    navigated,
    state: pageState,
  };
  let removeListeners = () => {};

  function stop() {
    if (stopped) return;
    stopped = true;
    removeListeners();
    observers.forEach((observer) => observer.disconnect());
    host.stop();
    call('stop');
  }

  const shell = {
    command,
    navigated,
    /** Page script set the value of `el` (the loader's setter interception, after the page's own setter, only on a change). */
    scriptSet(el) {
      const i = fields.of(el);
      // Not registered yet (still starting, or a view a framework fills before attaching it):
      // once found, its value is known to be script's, not the markup's.
      if (i === undefined) return early.add(el);
      settle();
      fields.tell(i, 3, fields.state(i), false, 0);
    },
    snapshot() {
      checkAll();
      const json = call('snapshot', ...times());
      return json ? JSON.parse(json) : null;
    },
    perf(kind, a, b, c, target) {
      const i = target instanceof Element ? fields.of(target) : undefined;
      call('perf', kind, a, b, c, i ?? -1);
    },
    surveyDue: () => call('survey_due'),
    /** The elements of each field, by index, for the QA overlay's outlines. */
    elements: () => fields.slots.map((slot) => slot.els.slice()),
    memoryBytes: () => call('memory_bytes'),
    selfTestPanic: (onInput) => call('self_test_panic', onInput),
    stop,
  };
  busyMs = clock.now() - t0;
  // Beginning the wasm's session is work enough for one task: listening, observing and the
  // first slice come in the next one.
  pause(guard(() => {
    if (stopped || listening) return;
    setUp();
    step();
  }));
  return shell;

  /** Listens, observes and queues the page's fields (once; see `settle`). */
  function setUp() {
    const t1 = clock.now();
    listening = true;
    removeListeners = listen(win, guard, handlers);
    observe(doc);
    work.push([all(doc, FIELD_SELECTOR), (el) => register([el, fieldKind(el)])], [all(doc, '*'), (host) => {
      const shadow = shadowOf(host);
      if (!shadow || has(host, IGNORE) || !host.isConnected) return;
      const found = [];
      const shadows = [shadow];
      findFields(shadow, found, shadows);
      shadows.forEach(observe);
      work.push([found, register]);
    }]);
    busyMs += clock.now() - t1;
  }
}

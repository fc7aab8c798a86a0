// Peer A's own code: what a portal would write next to Google's `web-vitals` library to get the
// closest thing to the journey probe without it. It counts, per form field (keyed by name or id),
// focus visits, inputs, pastes, deletions, changes, validation failures and the time from first
// focus to first input; it notes which fields held a value at load (pre-filled) and which were
// typed in; and when the page is hidden it sends ONE JSON beacon with those counters and the Core
// Web Vitals. Field values are never read into the beacon: counts and flags only.
//
// Built by scripts/peers.mjs (esbuild, iife); `__COLLECTOR_URL__` is replaced there via `define`.
import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';

/* global __COLLECTOR_URL__ */
const COLLECTOR_URL = __COLLECTOR_URL__;
const FIELD_SELECTOR = 'input, select, textarea';
/** Inputs that are buttons or invisible, not fields a citizen fills in. */
const NOT_FIELD_TYPES = new Set(['hidden', 'submit', 'button', 'reset', 'image']);

/** The latest report of each web-vitals metric, by name (LCP, CLS, INP, FCP, TTFB). */
const vitalsByName = {};
/** Counters of each field, by its key. */
const countersByKey = new Map();
const formActivity = { submits: 0, firstSubmitMs: null };
/** Whether this hiding of the page already sent its beacon (reset when the page shows again). */
let sentSinceShown = false;

/** The key of a form field (name, else id), or null when the element is no field or has neither. */
function fieldKey(element) {
  if (!(element instanceof Element) || !element.matches(FIELD_SELECTOR)) return null;
  if (element.tagName === 'INPUT' && NOT_FIELD_TYPES.has(element.type)) return null;
  return element.name || element.id || null;
}

/** The counters of the field with `key`, made on first use. */
function countersFor(key) {
  let counters = countersByKey.get(key);
  if (!counters) {
    counters = {
      visits: 0, inputs: 0, pastes: 0, deletions: 0, changes: 0, invalid: 0,
      prefilled: false, typed: false, firstFocusAt: null, focusToInputMs: null,
    };
    countersByKey.set(key, counters);
  }
  return counters;
}

/** Whether a field holds a value (only whether: the value itself is never kept). */
function holdsValue(field) {
  if (field.type === 'checkbox' || field.type === 'radio') return field.checked;
  if (field.tagName === 'SELECT') return [...field.options].some((o) => o.defaultSelected && o.value !== '');
  return field.value !== '';
}

/** Takes in the fields the page has loaded with, marking those that hold a value as pre-filled. */
function noteLoadedFields() {
  for (const field of document.querySelectorAll(FIELD_SELECTOR)) {
    const key = fieldKey(field);
    if (!key) continue;
    const counters = countersFor(key);
    if (holdsValue(field)) counters.prefilled = true;
  }
}

/** Counts a visit to a field and remembers when the first one began. */
function onFocusIn(event) {
  const key = fieldKey(event.target);
  if (!key) return;
  const counters = countersFor(key);
  counters.visits += 1;
  if (counters.firstFocusAt === null) counters.firstFocusAt = performance.now();
}

/** Counts an input (and whether it was a paste or a deletion); times the first one from focus. */
function onInput(event) {
  const key = fieldKey(event.target);
  if (!key) return;
  const counters = countersFor(key);
  counters.inputs += 1;
  counters.typed = true;
  const inputType = event.inputType || '';
  if (inputType === 'insertFromPaste') counters.pastes += 1;
  if (inputType.startsWith('delete')) counters.deletions += 1;
  if (counters.focusToInputMs === null && counters.firstFocusAt !== null) {
    counters.focusToInputMs = Math.round(performance.now() - counters.firstFocusAt);
  }
}

/** Counts a committed change of a field. */
function onChange(event) {
  const key = fieldKey(event.target);
  if (key) countersFor(key).changes += 1;
}

/** Counts a validation failure of a field. */
function onInvalid(event) {
  const key = fieldKey(event.target);
  if (key) countersFor(key).invalid += 1;
}

/** Counts a form submission and remembers when the first one happened. */
function onSubmit() {
  formActivity.submits += 1;
  if (formActivity.firstSubmitMs === null) formActivity.firstSubmitMs = Math.round(performance.now());
}

/** Keeps the latest report of a web-vitals metric. */
function keepVital(metric) {
  vitalsByName[metric.name] = {
    value: metric.value, rating: metric.rating, delta: metric.delta, id: metric.id,
    navigationType: metric.navigationType,
  };
}

/** The beacon's body: web vitals and per-field counts, never a field's value. */
function beaconPayload() {
  const fields = {};
  for (const [key, c] of countersByKey) {
    fields[key] = {
      visits: c.visits, inputs: c.inputs, pastes: c.pastes, deletions: c.deletions, changes: c.changes,
      invalid: c.invalid, prefilled: c.prefilled, typed: c.typed, focusToInputMs: c.focusToInputMs,
    };
  }
  return { vitals: vitalsByName, fields, submits: formActivity.submits, firstSubmitMs: formActivity.firstSubmitMs };
}

/** Sends the beacon once for this hiding of the page. */
function sendOnce() {
  if (sentSinceShown) return;
  sentSinceShown = true;
  navigator.sendBeacon(COLLECTOR_URL, JSON.stringify(beaconPayload()));
}

/**
 * Sends when the page turns hidden. web-vitals reports LCP, CLS and INP from its own
 * `visibilitychange` listeners (window, capture phase), which run before this one on `document`.
 */
function onVisibilityChange() {
  if (document.visibilityState === 'hidden') sendOnce();
  else sentSinceShown = false;
}

/**
 * On a navigation Chromium (like the HTML unload steps) fires `pagehide` while the page is still
 * visible and `visibilitychange` → hidden right after: sending here then would go before
 * web-vitals has reported LCP, CLS and INP. So `pagehide` sends only for an already hidden page.
 */
function onPageHide() {
  if (document.visibilityState === 'hidden') sendOnce();
}

/** Starts listening to the form, the vitals and the page's lifecycle. */
function start() {
  const listening = { capture: true, passive: true };
  document.addEventListener('focusin', onFocusIn, listening);
  document.addEventListener('input', onInput, listening);
  document.addEventListener('change', onChange, listening);
  document.addEventListener('invalid', onInvalid, listening);
  document.addEventListener('submit', onSubmit, listening);
  document.addEventListener('visibilitychange', onVisibilityChange);
  addEventListener('pagehide', onPageHide);
  for (const onMetric of [onLCP, onCLS, onINP, onFCP, onTTFB]) onMetric(keepVital);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', noteLoadedFields);
  else noteLoadedFields();
}

start();

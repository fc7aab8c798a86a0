// Switching the QA overlay on and off, and keeping its beacon log. This file is in every
// citizen's download, so it only decides and records; the overlay itself (js/overlay/) is a
// separate file the loader fetches only once the overlay is switched on.
//
// On: data-overlay="on" (or JourneyProbeConfig.overlay), the URL fragment #journey-probe,
// localStorage.journeyProbeOverlay = "1", or Ctrl+Alt+J. The choice is kept for the tab in
// sessionStorage, so the overlay follows the journey across pages; switching it off in the tab
// wins over the attribute and localStorage (not over the fragment, which is asked for anew).
// data-overlay="never" (production) wins over all of them: api.js then asks nothing here,
// listens for no shortcut or fragment, and never fetches the overlay's file.

/** sessionStorage key of the tab's choice: '1' on, '0' off. */
export const SESSION_KEY = 'journey-probe:overlay';
/** sessionStorage key of the beacon log (JSON array of {kind, text, at}). */
export const LOG_KEY = 'journey-probe:overlay-log';
/** The fragment that switches the overlay on. */
export const FRAGMENT = '#journey-probe';
const LOG_MAX_ENTRIES = 60;
const LOG_MAX_CHARS = 400000;

function store(win, name) {
  try {
    return win[name] || null;
  } catch (_) {
    return null; // storage disabled: reading the property throws in some browsers
  }
}

function get(win, name, key) {
  try {
    const s = store(win, name);
    return s ? s.getItem(key) : null;
  } catch (_) {
    return null;
  }
}

function set(win, name, key, value) {
  try {
    const s = store(win, name);
    if (s) s.setItem(key, value);
  } catch (_) {
    // full or disabled: the overlay still works for this page
  }
}

/** Whether the overlay should show on this page; `configured`: data-overlay="on". */
export function overlayWanted(win, configured) {
  if (win.location.hash === FRAGMENT) return true;
  const tab = get(win, 'sessionStorage', SESSION_KEY);
  if (tab) return tab === '1';
  return configured || get(win, 'localStorage', 'journeyProbeOverlay') === '1';
}

/** Keeps the choice for the tab. */
export function rememberOverlay(win, on) {
  set(win, 'sessionStorage', SESSION_KEY, on ? '1' : '0');
}

/** Ctrl+Alt+J. */
export function isShortcut(event) {
  return event.ctrlKey && event.altKey && !event.metaKey && !event.shiftKey &&
    (event.code === 'KeyJ' || event.key === 'j' || event.key === 'J');
}

/** The beacon log of this tab, oldest first. */
export function readLog(win) {
  try {
    const log = JSON.parse(get(win, 'sessionStorage', LOG_KEY) || '[]');
    return Array.isArray(log) ? log : [];
  } catch (_) {
    return [];
  }
}

/** Adds an entry to the tab's beacon log, dropping the oldest past its bounds. */
export function appendLog(win, entry) {
  const log = readLog(win);
  log.push(entry);
  let chars = log.reduce((n, e) => n + String(e.text).length, 0);
  while (log.length > LOG_MAX_ENTRIES || (chars > LOG_MAX_CHARS && log.length > 1)) {
    chars -= String(log.shift().text).length;
  }
  set(win, 'sessionStorage', LOG_KEY, JSON.stringify(log));
}

/** Empties the tab's beacon log. */
export function clearLog(win) {
  set(win, 'sessionStorage', LOG_KEY, '[]');
}

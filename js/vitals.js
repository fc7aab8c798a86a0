// Page speed: observes the Performance entries the web-vitals library reads and forwards each,
// as plain numbers, to the probe, whose core applies web-vitals' rules (LCP frozen at the first
// input, CLS session windows, INP less outliers). Pending entries are flushed before the probe
// builds the beacon of a page being hidden, so it carries the final values.

/**
 * Starts observing; `report(kind, a, b, c, target)` is the probe's `perf`. Returns a function
 * that delivers pending entries at once (call it before the page's last beacon is built).
 */
export function observeVitals(win, report) {
  const PO = win.PerformanceObserver;
  const observers = [];
  const types = (PO && PO.supportedEntryTypes) || [];
  const observe = (type, handle, options) => {
    if (!types.includes(type)) return;
    try {
      const observer = new PO((list) => list.getEntries().forEach(handle));
      observer.observe(Object.assign({ type, buffered: true }, options));
      observers.push([observer, handle]);
    } catch (_) {
      // an engine that refuses an option: that measurement is missing, nothing else
    }
  };
  // The request started with the redirect when a form POST answered with one (post/redirect/get).
  observe('navigation', (e) => report('nav', e.responseStart, e.redirectStart || e.requestStart, e.activationStart || 0));
  observe('paint', (e) => e.name === 'first-contentful-paint' && report('fcp', e.startTime, 0, 0));
  observe('largest-contentful-paint', (e) => report('lcp', e.startTime, 0, 0));
  observe('layout-shift', (e) => !e.hadRecentInput && report('shift', e.startTime, e.value, 0));
  const interaction = (e) => e.interactionId && report('event', e.interactionId, e.duration, 0, e.target);
  observe('event', interaction, { durationThreshold: 16 });
  observe('first-input', interaction);
  observe('longtask', (e) => report('long', e.startTime, e.duration, 0));
  win.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    // Restored from the back/forward cache: web-vitals times FCP and LCP to the next frame.
    win.requestAnimationFrame(() => win.requestAnimationFrame(() =>
      report('restore', win.performance.now() - event.timeStamp, 0, 0)));
  }, { passive: true });
  return () => observers.forEach(([observer, handle]) => observer.takeRecords().forEach(handle));
}

// The ES module entry, for portals built with a bundler:
//   import { start } from 'journey-probe';
//   start({ collector: 'https://collector.example.gov.vn/v1/beacons', service: '1.001234' });
// Options are the script tag's data-* attributes without the prefix.
import { install, VERSION } from './api.js';

export { VERSION };

/**
 * Starts the probe with the given options and returns `window.JourneyProbe`.
 * @param {Record<string, string>} options e.g. { collector, service }
 */
export function start(options = {}) {
  const attributes = Object.keys(options).map((key) => [
    'data-' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()),
    String(options[key]),
  ]);
  return install(window, {
    attributes,
    loadGlue: () => import(new URL(__GLUE_FILE__, import.meta.url).href),
    wasmUrl: new URL(__WASM_FILE__, import.meta.url).href,
    loadOverlay: () => import(new URL(__OVERLAY_FILE__, import.meta.url).href),
    loadSurvey: () => import(new URL(__SURVEY_FILE__, import.meta.url).href),
  });
}

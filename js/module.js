// The ES module entry, for portals built with a bundler:
//   import { start } from 'journey-probe';
//   start({ collector: 'https://collector.example.gov.vn/v1/beacons', service: '1.001234' });
// Options are the script tag's data-* attributes without the prefix.
import { describe, install, readOptions, warn, VERSION } from './api.js';

export { VERSION };

/**
 * Starts the probe with the given options and returns `window.JourneyProbe`. Never throws
 * into the portal: options it cannot read (a getter or Proxy that throws) keep the probe off
 * with one warning, and the API it returns is there all the same.
 * @param {Record<string, string>} options e.g. { collector, service }
 */
export function start(options = {}) {
  let attributes = null;
  try {
    attributes = readOptions(options, 'the options of start()').map(([key, value]) => [
      'data-' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()),
      value,
    ]);
  } catch (error) {
    warn('the options of start() could not be read (' + describe(error) + '). The probe is off on this page.');
  }
  try {
    return install(window, {
      attributes,
      loadGlue: () => import(new URL(__GLUE_FILE__, import.meta.url).href),
      wasmUrl: new URL(__WASM_FILE__, import.meta.url).href,
      wasmOtlpUrl: new URL(__WASM_OTLP_FILE__, import.meta.url).href,
      loadOverlay: () => import(new URL(__OVERLAY_FILE__, import.meta.url).href),
      loadSurvey: () => import(new URL(__SURVEY_FILE__, import.meta.url).href),
    });
  } catch (error) {
    // install() catches what it can and still returns its API; this is for the rest (a page
    // whose Date.now or performance.now throws), as the classic loader's own try does.
    warn('could not start (' + describe(error) + '). The page is not affected.');
    return undefined;
  }
}

// The loader a portal includes with one tag:
//   <script src="/journey-probe/journey-probe.js" async
//           data-collector="https://collector.example.gov.vn/v1/beacons"
//           data-service="1.001234"></script>
// It reads its own data-* attributes, loads the glue and the wasm that sit beside it, and
// installs window.JourneyProbe. Built into an IIFE: no globals besides JourneyProbe.
import { install } from './api.js';

(function () {
  try {
    const script =
      document.currentScript || document.querySelector('script[src*="journey-probe.js"]');
    if (!script || !script.src) {
      console.warn('journey-probe: cannot find its own <script> tag, so it has no configuration. The probe is off.');
      return;
    }
    const base = new URL('.', script.src);
    const attributes = Array.from(script.attributes)
      .filter((a) => a.name.startsWith('data-'))
      .map((a) => [a.name, a.value]);
    install(window, {
      attributes,
      loadGlue: () => import(new URL(__GLUE_FILE__, base).href),
      wasmUrl: new URL(__WASM_FILE__, base).href,
      loadOverlay: () => import(new URL(__OVERLAY_FILE__, base).href),
      loadSurvey: () => import(new URL(__SURVEY_FILE__, base).href),
    });
  } catch (error) {
    try {
      console.warn('journey-probe: could not start (' + (error && error.message) + '). The page is not affected.');
    } catch (_) {
      // nothing left to do
    }
  }
})();

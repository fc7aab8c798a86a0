// The loader a portal includes with one tag:
//   <script src="/journey-probe/journey-probe.js" async
//           data-collector="https://collector.example.gov.vn/v1/beacons"
//           data-service="1.001234"></script>
// It reads its own data-* attributes, loads the glue and the wasm that sit beside it, and
// installs window.JourneyProbe. Built into an IIFE: no globals besides JourneyProbe.
import { describe, install, warn } from './api.js';

(function () {
  try {
    const script = ownScript();
    if (!script) {
      warn('cannot find its own <script> tag (the one <script src> of this file), so it has no configuration. The probe is off.');
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
      wasmOtlpUrl: new URL(__WASM_OTLP_FILE__, base).href,
      loadOverlay: () => import(new URL(__OVERLAY_FILE__, base).href),
      loadSurvey: () => import(new URL(__SURVEY_FILE__, base).href),
    });
  } catch (error) {
    warn('could not start (' + describe(error) + '). The page is not affected.');
  }
})();

/**
 * This loader's own <script> element — its attributes are the configuration and its URL the
 * place the glue and wasm are imported from — or null. Markup alone (no script) can fake both
 * easy answers: `document.currentScript` is overridden by a named property of `document`
 * such as `<img name="currentScript" src="https://evil.example/x/journey-probe.js">` (DOM
 * clobbering, https://html.spec.whatwg.org/#dom-document-nameditem; webpack's
 * CVE-2024-43788 is this very pattern), and `script[src*="journey-probe.js"]` matches any
 * lookalike tag. So it takes only:
 * - what Document.prototype's own currentScript getter returns, if it is a real
 *   HTMLScriptElement: the script being executed, which is this file — markup cannot change
 *   that answer;
 * - else (currentScript is null while a tag of type module runs) the one <script> whose src
 *   is exactly the URL this code runs from, as an Error's stack names it; none or several:
 *   null.
 * Document, HTMLScriptElement, Object, Array and Error are own properties of window and
 * `document` is unforgeable, which named access cannot shadow
 * (https://webidl.spec.whatwg.org/#named-properties-object); `document.querySelectorAll` can
 * be shadowed, so it is called from Document.prototype.
 */
function ownScript() {
  const current = Object.getOwnPropertyDescriptor(Document.prototype, 'currentScript').get.call(document);
  if (current instanceof HTMLScriptElement) return current.src ? current : null;
  const url = (/(https?:\/\/[^\s()]+?):\d+:\d+/.exec(new Error().stack) || [])[1];
  const found = Array.from(Document.prototype.querySelectorAll.call(document, 'script[src]'))
    .filter((s) => s instanceof HTMLScriptElement && s.src === url);
  return found.length === 1 ? found[0] : null;
}

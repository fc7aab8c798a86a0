// A citizen's first visit to a portal's form, on a slow phone, with nothing cached: what each
// tool costs when its files must be fetched and compiled on that very page. Beside the whole
// journey (scripts/bench-journey.mjs), whose later pages find the tools in the cache.
//
// The page is the demo's step 1 ("Thông tin người yêu cầu"), logged in: the portal's own markup
// and stylesheet, its prefill script asking the citizen database, read-only fields filled from
// VNeID, a real POST on submit. Per visit, in the four configurations interleaved:
//
//   1. a new browser context (an empty HTTP cache, so no compiled wasm either), a 360 px phone,
//      CPU throttled 4× (CDP Emulation.setCPUThrottlingRate), the observers installed first;
//   2. the session cookie set by a POST /dang-nhap from the context's request API, which is not
//      the browser's network stack: no page, and so none of the tool's files, is loaded first;
//   3. the form opened, the prefill and (with the probe) its start awaited, three fields typed,
//      the figures read, then the form submitted and step 2 awaited.
//
// The figures are those of the journey for this one page, plus the bytes each tool's own files
// took on the wire (CDP Network.loadingFinished, headers included). Every visit checks that each
// of the tool's files came over the network, not from a cache, and throws if one did not: then
// the visit was not a first one and its figures would say nothing.
//
// The figures end before the submit: its handlers and the page-leave beacon run in the document
// being left, whose counters cannot be read once it is gone (as on every page of the journey).
import { launch, probeReady } from '../tests/e2e/support/browser.mjs';
import { OBSERVERS, PHONE, TOOL_PATH, memoryFigures, pageFigures, startPortals, summarise, typeStepOne } from './bench-common.mjs';

const FORM = '/dich-vu/1.001234/buoc-1';

/**
 * Logs the context in as the demo's VNeID button does, but without a page: the redirect is not
 * followed, so the form's first load is the browser's (the demo pushes `login` on it, as after a
 * real sign-in).
 */
async function logIn(context, portalUrl) {
  const response = await context.request.post(`${portalUrl}/dang-nhap`, { form: { tiep: FORM }, maxRedirects: 0 });
  if (response.status() !== 303) throw new Error(`first visit: logging in answered ${response.status()}, not 303`);
}

/**
 * Follows, from the Network domain, every request for a tool's own files (under TOOL_PATH):
 * whether any cache answered it, its status, and the bytes received (headers included).
 * @returns {Map<string, { name: string, cached: boolean, status: number, bytes: number, done: boolean }>}
 */
function watchToolFiles(cdp) {
  const files = new Map();
  const file = (id) => files.get(id);
  cdp.on('Network.requestWillBeSent', (e) => {
    const url = new URL(e.request.url);
    if (url.pathname.startsWith(TOOL_PATH)) {
      files.set(e.requestId, { name: url.pathname.slice(TOOL_PATH.length), cached: false, status: 0, bytes: 0, done: false });
    }
  });
  // The memory cache announces itself here; the disk cache in the response.
  cdp.on('Network.requestServedFromCache', (e) => { if (file(e.requestId)) file(e.requestId).cached = true; });
  cdp.on('Network.responseReceived', (e) => {
    const f = file(e.requestId);
    if (!f) return;
    f.status = e.response.status;
    if (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker) f.cached = true;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const f = file(e.requestId);
    if (!f) return;
    f.bytes = e.encodedDataLength;
    f.done = true;
  });
  return files;
}

/**
 * Throws unless each file the configuration should fetch was fetched, in full, from the network.
 * @param {string[]} expected the tool's file names
 */
function assertFetchedCold(config, expected, files) {
  const fetched = [...files.values()];
  for (const name of expected) {
    const f = fetched.find((x) => x.name === name);
    const why = !f ? 'was never requested'
      : f.cached ? 'came from a cache'
        : f.status !== 200 ? `answered ${f.status}`
          : !f.done || f.bytes <= 0 ? 'did not finish loading' : null;
    if (why) throw new Error(`first visit (${config}): ${name} ${why}; the visit was not a cold one`);
  }
}

/** The bytes and the number of the tool's own files the visit fetched. */
function toolBytes(files) {
  const fetched = [...files.values()];
  return { toolKb: fetched.reduce((sum, f) => sum + f.bytes, 0) / 1024, toolFiles: fetched.length };
}

/** How many fields the form has, and how many of them the citizen cannot edit (filled from VNeID). */
function formFields(page) {
  return page.$$eval('#form-buoc-1 :is(input:not([type=hidden]), select, textarea)', (els) => ({
    formFields: els.length,
    readOnlyFields: els.filter((e) => e.readOnly).length,
  }));
}

/** A fresh context on a throttled phone, logged in, observers first; its page and CDP session. */
async function coldPhone(browser, portalUrl) {
  const context = await browser.newContext(PHONE);
  await logIn(context, portalUrl);
  await context.addInitScript(OBSERVERS);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Performance.enable');
  await cdp.send('Network.enable');
  return { context, page, cdp };
}

/** One first visit under one configuration; its figures. */
async function visit(browser, config, portalUrl, expectedFiles) {
  const { context, page, cdp } = await coldPhone(browser, portalUrl);
  const files = watchToolFiles(cdp);
  try {
    await page.goto(`${portalUrl}${FORM}`);
    await page.waitForSelector('#trang-thai-csdl[data-state="done"]');
    // The peers are classic async scripts, run before `load`; the probe fetches its glue and
    // wasm afterwards: its start belongs to the visit, so it is awaited before the citizen types.
    if (config === 'probe') await probeReady(page);
    await typeStepOne(page);
    const figures = {
      ...(await pageFigures(page, cdp)),
      ...(await memoryFigures(page, cdp)),
      ...toolBytes(files),
      ...(await formFields(page)),
    };
    assertFetchedCold(config, expectedFiles, files);
    await page.click('#btn-tiep-tuc');
    await page.waitForURL(/buoc-2$/);
    return figures;
  } finally {
    await context.close();
  }
}

/**
 * Runs a first visit under every configuration `runs` times, interleaved; figures per configuration.
 * @param {{ runs: number, peers: object, probeFiles: string[] }} options the peers as
 *   scripts/peers.mjs built them, and the probe's file names (dist/sizes.json)
 */
export async function benchFirstVisit({ runs, peers, probeFiles }) {
  const { portals, files, close } = await startPortals({ peers, probeFiles });
  const browser = await launch();
  const results = Object.fromEntries(Object.keys(portals).map((k) => [k, []]));
  try {
    for (let run = 0; run < runs; run++) {
      for (const [config, portal] of Object.entries(portals)) {
        results[config].push(await visit(browser, config, portal.url, files[config]));
      }
    }
  } finally {
    await browser.close();
    await close();
  }
  return Object.fromEntries(Object.entries(results).map(([k, v]) => [k, summarise(v)]));
}

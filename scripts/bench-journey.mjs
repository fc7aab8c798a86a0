// What the probe costs a citizen's phone on a whole journey, side by side with the tools a
// portal would use instead. Headless Chromium at 4× CPU throttling with a phone viewport runs
// the same scripted citizen through the demo's service form (login, three steps, a refused
// submission corrected, the receipt) under each configuration, interleaved A/B/A/B:
//
//   baseline    the demo with no instrumentation
//   probe       journey-probe (dist/)
//   web-vitals  the web-vitals library plus a small form-listener script (scripts/peers.mjs)
//   boomerang   boomerangjs with its standard plugins, minified (scripts/peers.mjs)
//
// Per journey it sums, over every page, the main-thread script and task time (CDP
// Performance.getMetrics, read before each page is left: those counters restart with each
// document), the long tasks and the slowest event (Long Tasks and Event Timing observers
// installed before any page script), the worst interaction (INP-like), and at the end the JS
// heap and, for the probe, its wasm memory.
//
// Each journey has a context of its own, so its first page finds the cache empty; the pages
// after take each tool's content-hashed files from the HTTP cache, as a citizen's browser does.
// Nothing here routes requests: that would switch the cache off (see scripts/bench-common.mjs).
// A first visit on its own is scripts/bench-first-visit.mjs.
import { launch } from '../tests/e2e/support/browser.mjs';
import { OBSERVERS, PHONE, memoryFigures, pageFigures, startPortals, summarise, walkJourney } from './bench-common.mjs';


/** Adds one page's figures to the journey's: times and long tasks add up, the worst event is kept. */
function addPage(totals, page) {
  for (const k of ['scriptMs', 'taskMs', 'longTasks', 'longTaskMs']) totals[k] += page[k];
  for (const k of ['slowestEventMs', 'worstInteractionMs']) totals[k] = Math.max(totals[k], page[k]);
}

/** One scripted citizen through the service; the figures of the journey. */
async function journey(browser, portalUrl) {
  const context = await browser.newContext(PHONE);
  await context.addInitScript(OBSERVERS);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Performance.enable');
  const totals = { scriptMs: 0, taskMs: 0, longTasks: 0, longTaskMs: 0, slowestEventMs: 0, worstInteractionMs: 0 };
  // The figures of the page about to be left, added to the journey's.
  const pageDone = async () => addPage(totals, await pageFigures(page, cdp));
  await walkJourney(page, portalUrl, pageDone);
  Object.assign(totals, await memoryFigures(page, cdp));
  await context.close();
  return totals;
}

/**
 * Runs every configuration `runs` times, interleaved; figures per configuration.
 * @param {{ runs: number, peers: object }} options the peers as scripts/peers.mjs built them
 */
export async function benchJourney({ runs, peers }) {
  const { portals, close } = await startPortals({ peers });
  const browser = await launch();
  const results = Object.fromEntries(Object.keys(portals).map((k) => [k, []]));
  try {
    for (let run = 0; run < runs; run++) {
      for (const [name, portal] of Object.entries(portals)) {
        results[name].push(await journey(browser, portal.url));
      }
    }
  } finally {
    await browser.close();
    await close();
  }
  return Object.fromEntries(Object.entries(results).map(([k, v]) => [k, summarise(v)]));
}

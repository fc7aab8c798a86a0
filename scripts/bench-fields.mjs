// Per-event cost of the probe's field handling on a 2,000-field page, its start-up time, and
// the long tasks of start-up at 4× CPU throttling, with and without the probe.
//
// Method: the same page (tests/e2e/fields/pages/many.html) with and without the probe's tag,
// alternated A/B over RUNS runs; in each, the citizen types KEYS characters into a field deep in
// the page, and the page's main-thread script time is read from CDP (Performance.getMetrics,
// ScriptDuration) before and after. The probe's cost per keystroke is the difference of the two
// medians divided by KEYS (after WARMUP keystrokes, so that compiling the wasm's hot paths
// on first use is not counted). Every keystroke fires keydown, keypress, input and keyup; the probe
// listens to input (and keydown), so this is the whole cost a citizen's typing pays.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';
import { startCollector } from './stack.mjs';
import { startStatic } from '../tests/e2e/support/static.mjs';
import { launch, probeReady } from '../tests/e2e/support/browser.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const KEYS = 300;
const WARMUP = 50;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function scriptSeconds(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'ScriptDuration').value;
}

/** The floor's listener (see typingRun), on input in the capture phase, timed like the probe's calls. */
const MINIMAL_LISTENER = () => {
  const seen = new WeakMap();
  document.addEventListener('input', (event) => {
    const start = performance.now();
    const value = event.target.value || '';
    let hash = 0x811c9dc5;
    for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
    seen.set(event.target, [value !== '', hash >>> 0, Date.now(), performance.now()]);
    if (window.__journeyProbeTimes.length < 100000) window.__journeyProbeTimes.push(performance.now() - start);
  }, { capture: true, passive: true });
};

async function typingRun(browser, url, withProbe) {
  const context = await browser.newContext();
  // Each call into the probe timed by the loader's guard (see js/api.js); the page is
  // cross-origin isolated, so performance.now() has 5 µs resolution rather than 100 µs.
  await context.addInitScript(() => { window.__journeyProbeTimes = []; });
  // Without the probe: the floor, a minimal listener that does the least a field probe must
  // (read the value, hash it, remember it), timed the same way, on the same page.
  if (!withProbe) await context.addInitScript(MINIMAL_LISTENER);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(url);
  await page.waitForFunction(() => window.pageReady === true);
  let startupMs = null;
  let loadMs = null;
  if (withProbe) {
    await probeReady(page);
    startupMs = await page.evaluate(() => window.JourneyProbe.startupMs);
    loadMs = await page.evaluate(() => window.JourneyProbe.loadMs);
  }
  await page.focus('[name="f19_99"]');
  // Warm up first: the engine compiles the wasm's hot paths on first use, once per page.
  await page.keyboard.type('b'.repeat(WARMUP));
  await page.evaluate(() => { window.__journeyProbeTimes.length = 0; });
  const before = await scriptSeconds(cdp);
  await page.keyboard.type('a'.repeat(KEYS));
  const after = await scriptSeconds(cdp);
  const calls = await page.evaluate(() => ({ times: window.__journeyProbeTimes.slice(), isolated: window.crossOriginIsolated }));
  await context.close();
  return { scriptMs: (after - before) * 1000, startupMs, loadMs, calls };
}

/**
 * Start-up at 4× CPU throttling: the long tasks (over 50 ms) of the page's main thread from
 * navigation until the probe is running (without it: until the page is ready) and 500 ms more.
 */
async function startupRun(browser, url, withProbe) {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__long = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__long.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    } catch (_) {
      // no long-task timing: counted as none
    }
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.goto(url);
  await page.waitForFunction(() => window.pageReady === true, null, { timeout: 60_000 });
  if (withProbe) await probeReady(page, 60_000);
  await page.waitForTimeout(500);
  const long = await page.evaluate(() => window.__long.slice());
  await context.close();
  return long;
}

/** Runs the field benchmark; returns the numbers for the results file. */
export async function benchFields() {
  const dir = mkdtempSync(join(tmpdir(), 'journey-probe-bench-'));
  const collector = await startCollector({ db: join(dir, 'b.db'), allowOrigins: ['*'], quiet: true });
  const pagesDir = join(ROOT, 'tests', 'e2e', 'fields', 'pages');
  const vars = { COLLECTOR: collector.beaconsUrl };
  const withProbe = await startStatic({ pagesDir, vars, isolated: true });
  const without = await startStatic({ pagesDir, vars, stripProbe: true, isolated: true });
  const browser = await launch();
  const a = [];
  const b = [];
  const longA = [];
  const longB = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      a.push(await typingRun(browser, `${withProbe.url}/many.html`, true));
      b.push(await typingRun(browser, `${without.url}/many.html`, false));
      longA.push(await startupRun(browser, `${withProbe.url}/many.html`, true));
      longB.push(await startupRun(browser, `${without.url}/many.html`, false));
    }
  } finally {
    await browser.close();
    await withProbe.close();
    await without.close();
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const probeMs = a.map((r) => r.scriptMs);
  const baseMs = b.map((r) => r.scriptMs);
  const perKeyUs = ((median(probeMs) - median(baseMs)) / KEYS) * 1000;
  // Every call the browser made into the probe while the citizen typed (input, keydown,
  // event timings), pooled over the runs.
  const calls = a.flatMap((r) => r.calls.times).sort((x, y) => x - y);
  const floor = b.flatMap((r) => r.calls.times).sort((x, y) => x - y);
  const at = (p, list = calls) => list[Math.min(list.length - 1, Math.ceil((p / 100) * list.length) - 1)];
  const startups = a.map((r) => r.startupMs);
  const loads = a.map((r) => r.loadMs);
  return {
    runs: RUNS,
    keys: KEYS,
    probeMs: { median: median(probeMs), min: Math.min(...probeMs), max: Math.max(...probeMs) },
    baseMs: { median: median(baseMs), min: Math.min(...baseMs), max: Math.max(...baseMs) },
    perKeyUs,
    perCall: { count: calls.length, medianUs: at(50) * 1000, p99Us: at(99) * 1000, maxUs: calls[calls.length - 1] * 1000, isolated: a.every((r) => r.calls.isolated) },
    floorPerCall: { count: floor.length, medianUs: at(50, floor) * 1000, p99Us: at(99, floor) * 1000, maxUs: floor[floor.length - 1] * 1000 },
    startupMs: { median: median(startups), min: Math.min(...startups), max: Math.max(...startups) },
    loadMs: { median: median(loads), min: Math.min(...loads), max: Math.max(...loads) },
    // Start-up at 4×: long tasks with the probe and without it, per run, and the longest.
    startupLongTasks: {
      probe: median(longA.map((l) => l.length)),
      baseline: median(longB.map((l) => l.length)),
      probeLongestMs: Math.max(0, ...longA.flat()),
      baselineLongestMs: Math.max(0, ...longB.flat()),
    },
  };
}

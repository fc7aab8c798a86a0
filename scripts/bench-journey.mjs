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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../demo/server.mjs';
import { startCollector } from './stack.mjs';
import { launch } from '../tests/e2e/support/browser.mjs';

const SERVICE = '/dich-vu/1.001234';
/** A phone: the viewport of a common cheap Android handset. */
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, locale: 'vi-VN' };

/** Observers every page gets before its own scripts: long tasks and event timings. */
const OBSERVERS = () => {
  window.__bench = { longTasks: 0, longMs: 0, slowestEvent: 0, worstInteraction: 0 };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__bench.longTasks += 1;
        window.__bench.longMs += e.duration;
      }
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__bench.slowestEvent = Math.max(window.__bench.slowestEvent, e.processingEnd - e.processingStart);
        if (e.interactionId) window.__bench.worstInteraction = Math.max(window.__bench.worstInteraction, e.duration);
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  } catch (_) {
    // an engine without these entry types: those figures stay 0
  }
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Median, min and max of each figure over runs. */
function summarise(runs) {
  const keys = Object.keys(runs[0]);
  return Object.fromEntries(keys.map((k) => {
    const xs = runs.map((r) => r[k]);
    return [k, { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) }];
  }));
}

/** One scripted citizen through the service; the figures of the journey. */
async function journey(browser, portalUrl, peerFiles) {
  const context = await browser.newContext(PHONE);
  if (peerFiles) {
    await context.route('**/peers/*.js', (route) => route.fulfill({ path: peerFiles[route.request().url().split('/').pop()], contentType: 'text/javascript' }));
  }
  await context.addInitScript(OBSERVERS);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Performance.enable');
  const totals = { scriptMs: 0, taskMs: 0, longTasks: 0, longTaskMs: 0, slowestEventMs: 0, worstInteractionMs: 0, heapMb: 0, wasmMb: 0 };
  // The figures of the page about to be left, added to the journey's.
  const pageDone = async () => {
    await page.waitForTimeout(300); // let the page's own timers and observers run
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
    totals.scriptMs += get('ScriptDuration') * 1000;
    totals.taskMs += get('TaskDuration') * 1000;
    const b = await page.evaluate(() => window.__bench);
    totals.longTasks += b.longTasks;
    totals.longTaskMs += b.longMs;
    totals.slowestEventMs = Math.max(totals.slowestEventMs, b.slowestEvent);
    totals.worstInteractionMs = Math.max(totals.worstInteractionMs, b.worstInteraction);
  };
  await page.goto(`${portalUrl}${SERVICE}`);
  await pageDone();
  await page.click('#btn-nop-ho-so');
  await page.waitForURL(/\/dang-nhap/);
  await pageDone();
  await page.click('#btn-vneid');
  await page.waitForURL(/buoc-1$/);
  await page.waitForSelector('#trang-thai-csdl[data-state="done"]');
  await page.fill('#noi_o_hien_tai', 'Số 7 ngõ 15 phố Hàng Bông, Hoàn Kiếm');
  await page.type('#so_dien_thoai', '0912345678');
  await page.type('#email', 'minh.khai.test@example.vn');
  await pageDone();
  await page.click('#btn-tiep-tuc');
  await page.waitForURL(/buoc-2$/);
  await page.check('#loai_phieu_1');
  await page.type('#muc_dich', 'Bổ sung hồ sơ xin việc');
  await page.type('#so_luong', '12');
  await page.focus('#noi_nhan');
  await page.keyboard.press('ArrowDown');
  await pageDone();
  await page.click('#btn-tiep-tuc');
  await page.waitForSelector('#tom-tat-loi');
  await page.click('#so_luong');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('2');
  await pageDone();
  await page.click('#btn-tiep-tuc');
  await page.waitForURL(/buoc-3$/);
  await page.check('#cam_ket');
  await pageDone();
  await page.click('#btn-nop');
  await page.waitForURL(/bien-nhan\//);
  await page.waitForTimeout(500);
  await pageDone();
  const { metrics } = await cdp.send('Performance.getMetrics');
  totals.heapMb = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1048576;
  totals.wasmMb = (await page.evaluate(() => (window.JourneyProbe && window.JourneyProbe.memoryBytes ? window.JourneyProbe.memoryBytes() : 0))) / 1048576;
  await context.close();
  return totals;
}

/**
 * Runs every configuration `runs` times, interleaved; figures per configuration.
 * @param {{ runs: number, peers: { webVitals: { file: string }, boomerang: { file: string } } }} options
 */
export async function benchJourney({ runs, peers }) {
  const dir = mkdtempSync(join(tmpdir(), 'journey-bench-'));
  const collector = await startCollector({ db: join(dir, 'bench.db'), allowOrigins: ['*'], quiet: true, extra: ['--rate-limit', '0'] });
  const peerFiles = {
    'peer-webvitals.js': peers.webVitals.file,
    'peer-boomerang.js': peers.boomerang.file,
  };
  const portals = {
    baseline: await startDemo({ port: 0, collectorUrl: collector.beaconsUrl, apiDelayMs: 0, tag: '' }),
    probe: await startDemo({ port: 0, collectorUrl: collector.beaconsUrl, apiDelayMs: 0 }),
    'web-vitals': await startDemo({ port: 0, collectorUrl: collector.beaconsUrl, apiDelayMs: 0, tag: '<script src="/peers/peer-webvitals.js" async></script>' }),
    boomerang: await startDemo({ port: 0, collectorUrl: collector.beaconsUrl, apiDelayMs: 0, tag: '<script src="/peers/peer-boomerang.js" async></script>' }),
  };
  const browser = await launch();
  const results = Object.fromEntries(Object.keys(portals).map((k) => [k, []]));
  try {
    for (let run = 0; run < runs; run++) {
      for (const [name, portal] of Object.entries(portals)) {
        results[name].push(await journey(browser, portal.url, peerFiles));
      }
    }
  } finally {
    await browser.close();
    for (const portal of Object.values(portals)) await portal.close();
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return Object.fromEntries(Object.entries(results).map(([k, v]) => [k, summarise(v)]));
}

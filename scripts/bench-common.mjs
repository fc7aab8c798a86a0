// What the bench's two browser scenarios share: scripts/bench-journey.mjs (a whole journey, seven
// pages) and scripts/bench-first-visit.mjs (one form page on a cold cache). Both put the same
// citizen's phone in front of the same four portals and read the same figures, so that the two
// sections of bench/RESULTS.md can be read side by side:
//
//   PHONE, OBSERVERS    the handset, and the observers every page gets before its own scripts
//   startPortals()      a collector and the four configurations (baseline, probe, two peers)
//   pageFigures()       what one page cost: CDP script and task time, what the observers saw
//   summarise()         median, min and max of every figure over the runs
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../demo/server.mjs';
import { startCollector } from './stack.mjs';
import { loginToStepOne } from '../tests/e2e/support/citizen.mjs';

/** The configurations, in the order they run and are reported. */
export const CONFIGS = ['baseline', 'probe', 'web-vitals', 'boomerang'];

/** Where every configuration's tool is served from (the demo's probe directory). */
export const TOOL_PATH = '/journey-probe/';

/** A phone: the viewport of a common cheap Android handset. */
export const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, locale: 'vi-VN' };

/** Observers every page gets before its own scripts: long tasks and event timings. */
export const OBSERVERS = () => {
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

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Median, min and max of each numeric figure over runs. */
export function summarise(runs) {
  const keys = Object.keys(runs[0]).filter((k) => typeof runs[0][k] === 'number');
  return Object.fromEntries(keys.map((k) => {
    const xs = runs.map((r) => r[k]);
    return [k, { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) }];
  }));
}

/** The first 10 hex digits of a file's SHA-256, as scripts/build.mjs names the probe's files. */
function contentHash(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 10);
}

/**
 * Copies each peer into `dir` under a content-hashed name. The demo serves such names
 * `immutable`, as it serves the probe's glue and wasm, so every tool is cached the same way.
 * @returns {{ 'web-vitals': string, boomerang: string }} the file name of each peer
 */
function stagePeers(peers, dir) {
  const names = {};
  for (const [config, peer, stem] of [['web-vitals', peers.webVitals, 'peer-webvitals'], ['boomerang', peers.boomerang, 'peer-boomerang']]) {
    names[config] = `${stem}.${contentHash(peer.file)}.js`;
    copyFileSync(peer.file, join(dir, names[config]));
  }
  return names;
}

/**
 * Starts a collector and the four portals, each a demo of its own.
 *
 * The peers are served by the demo itself (its probe directory, under TOOL_PATH) rather than
 * by playwright's `route`: routing switches the HTTP cache off for the whole context
 * (playwright sends `Network.setCacheDisabled`), which made every page of a journey fetch and
 * compile the probe's wasm again, in every configuration.
 * @returns {Promise<{ portals: Record<string, { url: string }>, files: Record<string, string[]>, close: () => Promise<void> }>}
 *   `files`: the names of the tool's own files each configuration should fetch
 */
export async function startPortals({ peers, probeFiles = [] }) {
  const dir = mkdtempSync(join(tmpdir(), 'journey-bench-'));
  const collector = await startCollector({ db: join(dir, 'bench.db'), allowOrigins: ['*'], quiet: true, extra: ['--rate-limit', '0'] });
  // A directory of their own: the demo serves every file in it.
  const peersDir = join(dir, 'peers');
  mkdirSync(peersDir);
  const peerNames = stagePeers(peers, peersDir);
  const demo = (options) => startDemo({ port: 0, collectorUrl: collector.beaconsUrl, apiDelayMs: 0, ...options });
  const peerDemo = (config) => demo({ probeDir: peersDir, tag: `<script src="${TOOL_PATH}${peerNames[config]}" async></script>` });
  const portals = {
    baseline: await demo({ tag: '' }),
    probe: await demo({}),
    'web-vitals': await peerDemo('web-vitals'),
    boomerang: await peerDemo('boomerang'),
  };
  const files = { baseline: [], probe: probeFiles, 'web-vitals': [peerNames['web-vitals']], boomerang: [peerNames.boomerang] };
  const close = async () => {
    for (const portal of Object.values(portals)) await portal.close();
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { portals, files, close };
}

/** The probe's own files as built (loader, glue, wasm), from dist/sizes.json's table. */
export function probeFileNames(sizes) {
  return Object.values(sizes.files).map((f) => f.file);
}

/** A CDP metric of the current document (its counters restart with each document). */
async function metric(cdp, name) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === name)?.value ?? 0;
}

/**
 * What the current page has cost so far: main-thread script and task time (CDP
 * Performance.getMetrics, needs Performance.enable) and what OBSERVERS saw. Read it before the
 * page is left: nothing of a document can be read once it is gone.
 */
export async function pageFigures(page, cdp) {
  await page.waitForTimeout(300); // let the page's own timers and observers run
  const scriptMs = (await metric(cdp, 'ScriptDuration')) * 1000;
  const taskMs = (await metric(cdp, 'TaskDuration')) * 1000;
  const b = await page.evaluate(() => window.__bench);
  return {
    scriptMs, taskMs, longTasks: b.longTasks, longTaskMs: b.longMs,
    slowestEventMs: b.slowestEvent, worstInteractionMs: b.worstInteraction,
  };
}

/** The JS heap in use and the probe's wasm memory (0 without the probe), MB. */
export async function memoryFigures(page, cdp) {
  const heap = await metric(cdp, 'JSHeapUsedSize');
  const wasm = await page.evaluate(() => (window.JourneyProbe && window.JourneyProbe.memoryBytes ? window.JourneyProbe.memoryBytes() : 0));
  return { heapMb: heap / 1048576, wasmMb: wasm / 1048576 };
}

/** The demo's service, under every portal the bench starts. */
export const SERVICE = '/dich-vu/1.001234';

/** The citizen's part of step 1: three fields typed (the others come pre-filled). */
export async function typeStepOne(page) {
  await page.fill('#noi_o_hien_tai', 'Số 7 ngõ 15 phố Hàng Bông, Hoàn Kiếm');
  await page.type('#so_dien_thoai', '0912345678');
  await page.type('#email', 'minh.khai.test@example.vn');
}

/**
 * The scripted citizen of the bench's journey, through the seven pages of the service: the
 * info page, login, step 1 (three fields typed), step 2 (a choice, two fields, a select by
 * keyboard), the server's refusal corrected, step 3, the receipt. `pageDone()` runs on each
 * page before it is left (and on the receipt).
 */
export async function walkJourney(page, portalUrl, pageDone) {
  await loginToStepOne(page, portalUrl, { onInfo: pageDone, onLogin: pageDone });
  await typeStepOne(page);
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
}

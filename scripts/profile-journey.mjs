// Profiling aid (not part of npm run bench): the bench's journey (scripts/bench-journey.mjs),
// page by page, at 4× on the phone viewport, for several probe builds side by side.
//
//   node scripts/profile-journey.mjs [--runs 5] [--probe name=dir ...] [--no-web-vitals]
//        [--profile name:page] [--trace name] [--first-visit]
//
// Without --probe it compares dist/ against the baseline and web-vitals. Prints, per page and
// configuration, the median CDP ScriptDuration and long tasks, and the journey's totals less the
// baseline's. --profile takes a CDP CPU profile (100 µs) of that page (0–6) in that
// configuration on every run and prints the probe's self times summed over the runs;
// --trace writes a Chrome trace of each journey of that configuration and lists its long tasks.
// --first-visit runs the bench's first visit (one cold form page) instead of the journey.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, probeReady } from '../tests/e2e/support/browser.mjs';
import { PHONE, SERVICE, typeStepOne, walkJourney } from './bench-common.mjs';
import { ROOT } from './lib.mjs';
import { median, probeTotals, selfTimes, startVariants, tree } from './profile-lib.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const many = (name) => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
const RUNS = Number(opt('--runs', 5));
const probes = Object.fromEntries((many('--probe').length ? many('--probe') : [`probe=${join(ROOT, 'dist')}`]).map((p) => p.split('=')));
const [profileConfig, profilePage] = (opt('--profile', '') || ':').split(':');
const traceConfig = opt('--trace', '');
const firstVisit = args.includes('--first-visit');
const PAGES = firstVisit ? ['step 1 (cold)'] : ['info', 'login', 'step 1', 'step 2', 'step 2 refused', 'step 3', 'receipt'];

/** The bench's observers, keeping each long task's start and duration too. */
const OBSERVERS = () => {
  window.__bench = { longTasks: 0, longMs: 0, long: [] };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__bench.longTasks += 1;
        window.__bench.longMs += e.duration;
        window.__bench.long.push([Math.round(e.startTime), Math.round(e.duration)]);
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch (_) {
    // none
  }
};

async function metric(cdp, name) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === name)?.value ?? 0;
}

async function journey(browser, config, url) {
  const context = await browser.newContext(PHONE);
  if (firstVisit) {
    const r = await context.request.post(`${url}/dang-nhap`, { form: { tiep: `${SERVICE}/buoc-1` }, maxRedirects: 0 });
    if (r.status() !== 303) throw new Error('login ' + r.status());
  }
  await context.addInitScript(OBSERVERS);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Performance.enable');
  const tracing = config === traceConfig;
  if (tracing) {
    await browser.startTracing(page, {
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'disabled-by-default-v8.compile', 'blink', 'loading', 'toplevel'],
    });
  }
  const pages = [];
  let index = 0;
  const profiling = () => config === profileConfig && String(index) === profilePage;
  const startProfile = async () => {
    if (!profiling()) return;
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  };
  let profile = null;
  // When the current document began (CDP Page lifecycle 'init' of the main frame, monotonic s):
  // samples before it are the previous document's (its pagehide), which the bench never counts.
  let docStart = 0;
  await cdp.send('Page.enable');
  await cdp.send('Page.setLifecycleEventsEnabled', { enabled: true });
  const mainFrameId = (await cdp.send('Page.getFrameTree')).frameTree.frame.id;
  cdp.on('Page.lifecycleEvent', (e) => { if (e.name === 'init' && e.frameId === mainFrameId) docStart = e.timestamp; });
  const done = async () => {
    await page.waitForTimeout(300);
    const scriptMs = (await metric(cdp, 'ScriptDuration')) * 1000;
    const taskMs = (await metric(cdp, 'TaskDuration')) * 1000;
    const b = await page.evaluate(() => ({ ...window.__bench, startup: window.JourneyProbe && window.JourneyProbe.startupMs, load: window.JourneyProbe && window.JourneyProbe.loadMs }));
    if (profiling()) profile = cut((await cdp.send('Profiler.stop')).profile, docStart * 1e6);
    pages.push({ scriptMs, taskMs, longTasks: b.longTasks, longMs: b.longMs, long: b.long, startupMs: b.startup, loadMs: b.load });
    index += 1;
    await startProfile();
  };
  await startProfile();
  if (firstVisit) {
    await page.goto(`${url}${SERVICE}/buoc-1`);
    await page.waitForSelector('#trang-thai-csdl[data-state="done"]');
    if (config !== 'baseline' && config !== 'web-vitals') await probeReady(page);
    await typeStepOne(page);
    await done();
  } else {
    await walkJourney(page, url, done);
  }
  if (profiling()) await cdp.send('Profiler.stop').catch(() => {});
  let trace = null;
  if (tracing) trace = await browser.stopTracing();
  await context.close();
  return { pages, profile, trace };
}

/** The profile without the samples taken before `fromUs` (its clock's microseconds). */
function cut(profile, fromUs) {
  let t = profile.startTime;
  const samples = [];
  const deltas = [];
  let first = true;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < fromUs) continue;
    samples.push(profile.samples[i]);
    deltas.push(first ? 0 : profile.timeDeltas[i]);
    first = false;
  }
  return { ...profile, samples, timeDeltas: deltas, cutMs: (fromUs - profile.startTime) / 1000 };
}

/** The long tasks of a trace: top-level tasks of the renderer's main thread over 50 ms, with what ran in them. */
function traceLongTasks(buffer) {
  const events = JSON.parse(buffer.toString()).traceEvents;
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = events.filter((e) => main.has(`${e.pid}:${e.tid}`) && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts);
  const tasks = onMain.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const out = [];
  for (const t of tasks) {
    if (t.dur < 50000) continue;
    const inner = onMain.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.dur > 2000);
    out.push({
      ms: (t.dur / 1000).toFixed(1),
      inner: inner.slice(0, 25).map((e) => `${'  '.repeat(0)}${e.name}${e.args && e.args.data && e.args.data.url ? ' ' + e.args.data.url.replace(/^https?:\/\/[^/]+/, '') : e.args && e.args.data && e.args.data.functionName ? ' ' + e.args.data.functionName : e.args && e.args.fileName ? ' ' + e.args.fileName.replace(/^https?:\/\/[^/]+/, '') : ''} ${(e.dur / 1000).toFixed(1)}`),
    });
  }
  return out;
}

const { portals, close } = await startVariants({ probes, webVitals: !args.includes('--no-web-vitals') });
const browser = await launch();
const results = Object.fromEntries(Object.keys(portals).map((k) => [k, []]));
const profiles = [];
try {
  for (let run = 0; run < RUNS; run++) {
    for (const [config, portal] of Object.entries(portals)) {
      const r = await journey(browser, config, portal.url);
      results[config].push(r.pages);
      if (r.profile) profiles.push(r.profile);
      if (r.trace) {
        const file = `/tmp/journey-trace-${config}-${run}.json`;
        writeFileSync(file, r.trace);
        console.log(`trace ${file}`);
        for (const t of traceLongTasks(r.trace)) console.log(`  long task ${t.ms} ms\n    ${t.inner.join('\n    ')}`);
      }
      process.stderr.write('.');
    }
  }
} finally {
  await browser.close();
  await close();
}
process.stderr.write('\n');

const configs = Object.keys(results);
const cell = (config, p, key) => median(results[config].map((pages) => pages[p][key]));
console.log(`\nscript ms per page (median of ${RUNS}); long tasks in brackets`);
console.log(['page'.padEnd(16), ...configs.map((c) => c.padStart(16))].join(''));
PAGES.forEach((name, p) => {
  console.log([name.padEnd(16), ...configs.map((c) => `${cell(c, p, 'scriptMs').toFixed(1)} [${cell(c, p, 'longTasks')}]`.padStart(16))].join(''));
});
const total = (config, key) => median(results[config].map((pages) => pages.reduce((s, pg) => s + pg[key], 0)));
console.log(['journey'.padEnd(16), ...configs.map((c) => `${total(c, 'scriptMs').toFixed(1)} [${total(c, 'longTasks')}]`.padStart(16))].join(''));
if (results.baseline) {
  console.log(['added'.padEnd(16), ...configs.map((c) => `+${(total(c, 'scriptMs') - total('baseline', 'scriptMs')).toFixed(1)} [+${total(c, 'longTasks') - total('baseline', 'longTasks')}]`.padStart(16))].join(''));
}
console.log('\nall runs, journey script ms:');
for (const c of configs) console.log(`  ${c.padEnd(14)} ${results[c].map((pages) => pages.reduce((s, pg) => s + pg.scriptMs, 0).toFixed(0)).join(' ')}`);
for (const c of configs) {
  if (c === 'baseline' || c === 'web-vitals') continue;
  console.log(`\n${c}: startup ms / load ms per page (median)`);
  PAGES.forEach((name, p) => console.log(`  ${name.padEnd(16)} ${cell(c, p, 'startupMs')?.toFixed?.(1)} / ${cell(c, p, 'loadMs')?.toFixed?.(1)}   long: ${results[c].map((pages) => JSON.stringify(pages[p].long)).join(' ')}`));
}
if (results.baseline) {
  console.log('\nbaseline long tasks per page:');
  PAGES.forEach((name, p) => console.log(`  ${name.padEnd(16)} ${results.baseline.map((pages) => JSON.stringify(pages[p].long)).join(' ')}`));
}
if (profiles.length) {
  console.log(`\nprofile of ${profileConfig} page ${profilePage} (${PAGES[profilePage]}), mean of ${profiles.length} runs, ms per run (cut ${profiles.map((p) => p.cutMs.toFixed(0)).join(' ')} ms):`);
  const sum = new Map();
  const entries = new Map();
  let probeTotal = 0;
  for (const pr of profiles) {
    for (const [k, v] of selfTimes(pr)) sum.set(k, (sum.get(k) || 0) + v / profiles.length);
    const t = probeTotals(pr);
    probeTotal += t.total / profiles.length;
    for (const [k, v] of t.byEntry) entries.set(k, (entries.get(k) || 0) + v / profiles.length);
  }
  console.log(`  samples under a probe frame: ${probeTotal.toFixed(1)} ms`);
  console.log('  by outermost probe frame:');
  for (const [k, v] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`    ${v.toFixed(2).padStart(7)}  ${k}`);
  console.log('  self time, top 45:');
  for (const [k, v] of [...sum].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(`    ${v.toFixed(2).padStart(7)}  ${k}`);
  console.log('  tree (total, self ms per run):');
  for (const line of tree(profiles, { minMs: Number(opt('--min', 0.4)) })) console.log('  ' + line);
  writeFileSync('/tmp/journey-profile.json', JSON.stringify(profiles));
}

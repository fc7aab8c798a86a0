// Shared by the profiling scripts (scripts/profile-*.mjs): not part of npm run bench.
//
//   buildVariant(outDir)  the loader and glue from js/ (as scripts/build.mjs bundles them) over a
//                         fixed wasm-bindgen stage, so that a JS change can be A/B-tested against
//                         the same wasm while src/ moves
//   startVariants()       a collector, a baseline demo, one demo per probe directory and the
//                         web-vitals peer, all served like the bench's
//   journeyPages()        the bench's journey (scripts/bench-journey.mjs), page by page, with an
//                         optional CPU profile or trace of chosen pages
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';
import { startDemo } from '../demo/server.mjs';
import { startCollector } from './stack.mjs';
import { buildPeers } from './peers.mjs';
import { bundleProbe, hash } from './bundle.mjs';


/**
 * Bundles js/ into `outDir` over the wasm-bindgen stage in `stage` (journey_probe.js and
 * journey_probe_opt.wasm) with scripts/bundle.mjs, as scripts/build.mjs does.
 */
export async function buildVariant(outDir, stage = join(ROOT, 'target', 'wasm-bindgen'), { readable = false, js = join(ROOT, 'js') } = {}) {
  const wasm = readFileSync(join(stage, 'journey_probe_opt.wasm'));
  const wasmFile = `journey-probe.${hash(wasm)}.wasm`;
  // (profiles are of the default format: the OTLP flavour is not built here)
  const { glue, overlay, survey, loader, files: bundled } =
    await bundleProbe({ stage, wasmFile, wasmOtlpFile: wasmFile, version: '0.1.0', js, readable });
  const files = { wasm: wasmFile, ...bundled };
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, files.wasm), wasm);
  writeFileSync(join(outDir, files.glue), glue);
  writeFileSync(join(outDir, files.overlay), overlay);
  writeFileSync(join(outDir, files.survey), survey);
  writeFileSync(join(outDir, 'journey-probe.js'), loader);
  return { ...files, loaderBytes: loader.length, glueBytes: glue.length };
}

/**
 * A collector and the demos: `baseline` (no tag), one per entry of `probes` (name → probe
 * directory), and `web-vitals` (the bench's peer), if asked.
 */
export async function startVariants({ probes, webVitals = true, baseline = true }) {
  const dir = mkdtempSync(join(tmpdir(), 'journey-profile-'));
  const collector = await startCollector({ db: join(dir, 'p.db'), allowOrigins: ['*'], quiet: true, extra: ['--rate-limit', '0'] });
  const demo = (options) => startDemo({ port: 0, collectorUrl: collector.beaconsUrl, apiDelayMs: 0, ...options });
  const portals = {};
  if (baseline) portals.baseline = await demo({ tag: '' });
  for (const [name, probeDir] of Object.entries(probes)) portals[name] = await demo({ probeDir });
  if (webVitals) {
    const peers = await buildPeers({ outDir: join(dir, 'built'), collectorUrl: '/v1/beacons' });
    const peersDir = join(dir, 'peers');
    mkdirSync(peersDir);
    const name = `peer-webvitals.${hash(readFileSync(peers.webVitals.file))}.js`;
    copyFileSync(peers.webVitals.file, join(peersDir, name));
    portals['web-vitals'] = await demo({ probeDir: peersDir, tag: `<script src="/journey-probe/${name}" async></script>` });
  }
  return {
    portals,
    close: async () => {
      for (const p of Object.values(portals)) await p.close();
      await collector.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Self time per (function, url) of a CDP Profiler profile, ms, biggest first. */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const next = dt[i + 1] ?? 0;
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? f.url.replace(/^https?:\/\/[^/]+/, '') : ''}${f.lineNumber >= 0 && f.url ? ':' + f.lineNumber + ':' + f.columnNumber : ''}`;
    self.set(key, (self.get(key) || 0) + next / 1000);
  }
  return [...self].sort((a, b) => b[1] - a[1]);
}

/**
 * Total time (self + children) per top-level stack root that reaches a probe file, and
 * the probe's total: every sample whose stack holds a frame of a /journey-probe/ URL or wasm.
 */
export function probeTotals(profile, match = (url) => url.includes('/journey-probe/') || url.startsWith('wasm://')) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const dt = profile.timeDeltas;
  let total = 0;
  const byEntry = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (dt[i + 1] ?? 0) / 1000;
    // Walk up: the outermost probe frame names the entry.
    let id = profile.samples[i];
    let entry = null;
    while (id !== undefined) {
      const f = byId.get(id).callFrame;
      if (f.url && match(f.url)) entry = `${f.functionName || '(anonymous)'} ${f.url.replace(/^https?:\/\/[^/]+/, '')}:${f.lineNumber}:${f.columnNumber}`;
      id = parent.get(id);
    }
    if (entry) {
      total += ms;
      byEntry.set(entry, (byEntry.get(entry) || 0) + ms);
    }
  }
  return { total, byEntry: [...byEntry].sort((a, b) => b[1] - a[1]) };
}

/**
 * A top-down tree of profiles (merged by call path), as lines: total ms per run and self ms,
 * for nodes of at least `minMs`, from the roots that reach a probe frame.
 */
export function tree(profiles, { minMs = 0.5, maxDepth = 14 } = {}) {
  const merged = new Map(); // path key -> { total, self, depth, name }
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
    const name = (n) => {
      const f = n.callFrame;
      return `${f.functionName || '(anon)'}${f.url ? ' ' + f.url.replace(/^.*\//, '').replace(/\.[0-9a-f]{10}\./, '.') + ':' + f.columnNumber : ''}`;
    };
    for (let i = 0; i < profile.samples.length; i++) {
      const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000 / profiles.length;
      const chain = [];
      for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) chain.unshift(byId.get(id));
      if (!chain.some((n) => /journey-probe|^wasm:/.test(n.callFrame.url))) continue;
      let key = '';
      chain.forEach((n, d) => {
        key += '>' + name(n);
        const e = merged.get(key) || { total: 0, self: 0, depth: d, name: name(n), order: merged.size };
        e.total += ms;
        if (d === chain.length - 1) e.self += ms;
        merged.set(key, e);
      });
    }
  }
  const keys = [...merged.keys()].sort();
  const lines = [];
  // Children sorted by total within each parent.
  const children = new Map();
  for (const k of keys) {
    const p = k.slice(0, k.lastIndexOf('>'));
    if (!children.has(p)) children.set(p, []);
    children.get(p).push(k);
  }
  const walk = (k) => {
    const e = merged.get(k);
    if (e.total < minMs || e.depth > maxDepth) return;
    lines.push(`${e.total.toFixed(1).padStart(7)} ${e.self.toFixed(1).padStart(6)}  ${'  '.repeat(e.depth)}${e.name}`);
    for (const c of (children.get(k) || []).sort((a, b) => merged.get(b).total - merged.get(a).total)) walk(c);
  };
  for (const c of (children.get('') || []).sort((a, b) => merged.get(b).total - merged.get(a).total)) walk(c);
  return lines;
}

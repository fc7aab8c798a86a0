// Builds the two PEERS the bench measures the journey probe against: the tools a portal would put
// on its service form instead of the probe, each one self-contained classic script.
//
//   peer-webvitals.js  Google's `web-vitals` library (onLCP/onCLS/onINP/onFCP/onTTFB) plus
//                      scripts/peers/forms-listener.js, a small hand-written form listener, bundled
//                      by esbuild (iife). This is what a portal team would write itself: the
//                      standard vitals library plus per-field counters (focus visits, inputs,
//                      pastes, deletions, changes, validation failures, focus→first input time,
//                      pre-filled vs typed, counts only, never values), sent as ONE JSON
//                      sendBeacon when the page is hidden. Closest to the probe's field journey.
//   peer-boomerang.js  Akamai's boomerang (the open-source RUM behind mPulse) as sites deploy it:
//                      boomerang.js + the rt, painttiming, eventtiming and continuity plugins +
//                      zzz-last-plugin, with the placeholders and debug code removed as its
//                      Gruntfile's release build does, minified, then BOOMR.init(). Continuity is
//                      the nearest off-the-shelf RUM to the probe's journey: it watches
//                      interactions (keys, clicks), long tasks, page busy and frame rate through
//                      the whole visit and beacons at load and when the page goes away.
//
// Nothing runs on import: call buildPeers({ outDir, collectorUrl }).
//   node scripts/peers.mjs OUT_DIR COLLECTOR_URL   builds once and prints what buildPeers returns
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, sizes } from './lib.mjs';

const MODULES = join(ROOT, 'node_modules');
const BOOMERANG_DIR = join(MODULES, 'boomerangjs');
const FORMS_LISTENER = join(ROOT, 'scripts', 'peers', 'forms-listener.js');

/**
 * Boomerang sources, in the order concatenated: boomerang.js, then the plugins in the order of
 * upstream's plugins.json flavors (continuity first, as in "cutting-edge"), then
 * zzz-last-plugin.js, which the Gruntfile always puts last.
 */
export const BOOMERANG_FILES = [
  'boomerang.js',
  'plugins/continuity.js',
  'plugins/rt.js',
  'plugins/painttiming.js',
  'plugins/eventtiming.js',
  'plugins/zzz-last-plugin.js',
];

/** The options passed to BOOMR.init() (besides beacon_url), as the bench's portal would. */
export const BOOMERANG_INIT = {
  beacon_type: 'POST',
  autorun: true,
  Continuity: {
    enabled: true,
    monitorLongTasks: true,
    monitorPageBusy: true,
    monitorFrameRate: true,
    monitorInteractions: true,
    monitorStats: true,
    afterOnload: true,
    waitAfterOnload: 5000,
  },
  EventTiming: { enabled: true },
};

/** The version of an installed npm package. */
function packageVersion(name) {
  return JSON.parse(readFileSync(join(MODULES, name, 'package.json'), 'utf8')).version;
}

/** Writes `code` to `outDir/name`; returns the file's path and sizes. */
function writeScript(outDir, name, code) {
  const file = join(outDir, name);
  const buffer = Buffer.from(code);
  writeFileSync(file, buffer);
  return { file, sizes: sizes(buffer) };
}

/** Peer A's code: web-vitals + the forms listener, one minified iife with the collector URL in. */
function bundleWebVitals(esbuild, collectorUrl) {
  const result = esbuild.buildSync({
    entryPoints: [FORMS_LISTENER],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    absWorkingDir: ROOT,
    define: { __COLLECTOR_URL__: JSON.stringify(collectorUrl) },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** What peer A is, exactly. */
function describeWebVitals(esbuildVersion) {
  return `web-vitals ${packageVersion('web-vitals')} (onLCP, onCLS, onINP, onFCP, onTTFB) + ` +
    'scripts/peers/forms-listener.js (per-field counts of focus visits, inputs, pastes, deletions, changes, ' +
    'validation failures, focus→first-input ms, pre-filled vs typed; one JSON sendBeacon when the page is hidden), ' +
    `bundled by esbuild ${esbuildVersion} (iife, es2020, minify)`;
}

/** Boomerang's sources concatenated as grunt-contrib-concat does (its default separator, "\n"). */
function concatBoomerang() {
  return BOOMERANG_FILES.map((file) => readFileSync(join(BOOMERANG_DIR, file), 'utf8')).join('\n');
}

/**
 * What the Gruntfile's release build does to the concatenation ("string-replace:all",
 * "string-replace:release", "strip_code:debug", "strip_code:debug-log"): set the version, drop the
 * plugins' `BOOMR = window.BOOMR || {}` lines, the empty `else{}`s, the BEGIN_DEBUG…END_DEBUG
 * blocks and the one-line debug log calls.
 */
function applyReleaseTemplates(source, version) {
  return source
    .replaceAll('%boomerang_version%', version)
    .replace(/BOOMR\s*=\s*window\.BOOMR\s*\|\|\s*{};/g, '')
    .replace(/BOOMR\.plugins\s*=\s*BOOMR\.plugins\s*\|\|\s*{};/g, '')
    .replace(/else{}/g, '')
    .replace(/[\t ]*\/\* ?BEGIN_DEBUG ?\*\/[\s\S]*?\/\* ?END_DEBUG ?\*\/[\t ]*\n?/g, '')
    .replace(/BOOMR\.debug\(.*\);/g, '')
    .replace(/BOOMR\.info\(.*\);/g, '')
    .replace(/BOOMR\.warn\(.*\);/g, '')
    .replace(/BOOMR\.error\(.*\);/g, '')
    .replace(/debugLog\(.*\);/g, '');
}

/** The snippet that starts boomerang, beaconing to `collectorUrl`. */
function boomerangInitSnippet(collectorUrl) {
  return `BOOMR.init(${JSON.stringify({ beacon_url: collectorUrl, ...BOOMERANG_INIT })});\n`;
}

/** The comment uglify puts on top of the release build (boomerang's license banner + version). */
function boomerangBanner(version) {
  return `${readFileSync(join(BOOMERANG_DIR, 'lib', 'banner.txt'), 'utf8').trimEnd()}\n` +
    `/* Boomerang Version: ${version} */\n`;
}

/** Peer B's code: boomerang's release build + plugins, minified, then the init snippet. */
function buildBoomerang(esbuild, collectorUrl) {
  const version = packageVersion('boomerangjs');
  const released = applyReleaseTemplates(concatBoomerang(), version);
  const minified = esbuild.transformSync(released, { minify: true, target: 'es2017' }).code;
  const init = esbuild.transformSync(boomerangInitSnippet(collectorUrl), { minify: true, target: 'es2017' }).code;
  return boomerangBanner(version) + minified + init;
}

/** What peer B is, exactly. */
function describeBoomerang(esbuildVersion) {
  const version = packageVersion('boomerangjs');
  return `boomerangjs ${version} (npm), concatenated in this order: ${BOOMERANG_FILES.join(', ')}; ` +
    `release templates of its Gruntfile applied (%boomerang_version% → ${version}, debug blocks and log calls stripped); ` +
    `minified by esbuild ${esbuildVersion} transformSync (minify, es2017); then ` +
    `BOOMR.init({ beacon_url: <collector>, ${JSON.stringify(BOOMERANG_INIT).slice(1, -1)} })`;
}

/**
 * Builds both peers into `outDir`.
 * @param {{ outDir: string, collectorUrl: string }} options where to write, and where the peers beacon to
 * @returns {Promise<{ webVitals: { file: string, sizes: { raw: number, gzip: number, brotli: number }, description: string },
 *                     boomerang: { file: string, sizes: { raw: number, gzip: number, brotli: number }, description: string } }>}
 */
export async function buildPeers({ outDir, collectorUrl }) {
  const esbuild = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  const webVitals = writeScript(outDir, 'peer-webvitals.js', bundleWebVitals(esbuild, collectorUrl));
  const boomerang = writeScript(outDir, 'peer-boomerang.js', buildBoomerang(esbuild, collectorUrl));
  return {
    webVitals: { ...webVitals, description: describeWebVitals(esbuild.version) },
    boomerang: { ...boomerang, description: describeBoomerang(esbuild.version) },
  };
}

/** True when this file is run as a script rather than imported. */
function isMain() {
  return Boolean(process.argv[1]) && import.meta.url === pathToFileURL(process.argv[1]).href;
}

if (isMain()) {
  const [outDir, collectorUrl] = process.argv.slice(2);
  if (!outDir || !collectorUrl) {
    console.error('usage: node scripts/peers.mjs OUT_DIR COLLECTOR_URL');
    process.exit(2);
  }
  console.log(JSON.stringify(await buildPeers({ outDir, collectorUrl }), null, 2));
}

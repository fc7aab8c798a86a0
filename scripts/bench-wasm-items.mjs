// Where the probe's wasm bytes are: the shipped module's functions and data, biggest first, by
// name, and how much of it each kind of code is (bench/RESULTS.md, "Where the bytes are").
//
// dist/'s wasm carries no names (wasm-opt --strip-debug). So the crate is built once more with
// its symbols kept (CARGO_PROFILE_RELEASE_STRIP=false) in a target directory of its own,
// target/bench-names, which leaves the shipped build's artefacts alone, and goes through the
// same wasm-bindgen and `wasm-opt -Oz` as scripts/build.mjs, with `-g` so that wasm-opt keeps
// the name section (and `--strip-dwarf`: names only). That is the shipped module plus a name
// section; `sameAsShipped` says whether, without it, it has exactly the shipped file's size
// (it does not when the sources changed between the two builds).
//
// twiggy (`cargo install twiggy`, ~/.cargo/bin) lists the items. Custom sections (the name
// section; target_features) are left out; every other item is put in one group by its name.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, WASM_OPT_FEATURES, capture, run } from './lib.mjs';

const TARGET_DIR = join(ROOT, 'target', 'bench-names');
const RAW_WASM = join(TARGET_DIR, 'wasm32-unknown-unknown', 'release', 'journey_probe.wasm');
const STAGE = join(TARGET_DIR, 'wasm-bindgen');
const NAMED_WASM = join(TARGET_DIR, 'journey_probe_named.wasm');
const WASM_OPT = join(ROOT, 'node_modules', '.bin', 'wasm-opt');

/**
 * The groups, first match wins: generic code before the crate's own, so that (say) a Display
 * impl of a core type counts as formatting. `exports` is the module's export names: the
 * functions wasm-bindgen exports (and their "externref shim"s and "multivalue shim"s, into which wasm-opt inlines the
 * entry points) count with the shell, as does the crate's code outside src/core.
 */
const GROUPS = [
  ['crossings', "JS crossings (imports, exports, web-sys, js-sys, wasm-bindgen's runtime)",
    (n) => /^(import |export |<?(web_sys|js_sys|wasm_bindgen)::|__wbindgen|__externref)/.test(n)],
  ['allocator', 'allocator', (n) => /lol_alloc|dlmalloc|__rust_(alloc|dealloc|realloc)|__rdl_|__rg_|GlobalAlloc/.test(n)],
  ['sort', 'sort', (n) => /slice::sort|::sort::|smallsort|driftsort|quicksort|heapsort|insertion_sort|merge_sort/.test(n)],
  ['hashing', 'hashing', (n) => /hashbrown|HashMap|HashSet|core::hash|Hasher|SipHash|RandomState/.test(n)],
  ['fmt', 'formatting and panics', (n) => /core::fmt|alloc::fmt|::fmt$|Formatter|ToString|escape_debug|panic|_fail$|unwrap_failed|expect_failed/.test(n)],
  ['search', 'substring search', (n) => /str::pattern|memchr|TwoWaySearcher/.test(n)],
  ['data', 'data (strings, tables)', (n) => n.startsWith('data segment')],
  ['shell', 'the shell and entry points (journey_probe outside its core, the exported functions)',
    (n, exports) => /journey_probe::(?!core::)/.test(n) || exports.has(n.replace(/( (externref|multivalue) shim)+$/, ''))],
  ['core', 'the core (journey_probe::core)', (n) => n.includes('journey_probe::core')],
  ['other', 'the rest of std (strings, iterators, Vec, compiler builtins)', () => true],
];

/** The name section's items (its subsections and header): what --strip-debug removes. */
const isNameSection = (name) => /subsection$/.test(name) || name === "custom section 'name' headers";
/** Items of any custom section (the name section, target_features, wasm-bindgen's own). */
const isCustom = (name) => isNameSection(name) || name.startsWith('custom section');

/** A symbol without its hash suffix and crate disambiguators, as a reader would write it. */
export function readableName(name) {
  return name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '');
}

/** Builds the named copy of the shipped module; returns its path. */
function buildNamed() {
  run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '-p', 'journey-probe', '--target-dir', TARGET_DIR, '--quiet'],
    { env: { CARGO_PROFILE_RELEASE_STRIP: 'false' } });
  mkdirSync(STAGE, { recursive: true });
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', STAGE, '--out-name', 'journey_probe', RAW_WASM]);
  run(WASM_OPT, ['-Oz', '--converge', ...WASM_OPT_FEATURES, '-g', '--strip-dwarf', '--strip-producers', join(STAGE, 'journey_probe_bg.wasm'), '-o', NAMED_WASM]);
  return NAMED_WASM;
}

/** twiggy's items of a module, biggest first: [{ name, shallow_size }]. */
function twiggyItems(file) {
  const out = capture('twiggy', ['top', '--format', 'json', file]);
  if (out === null) throw new Error('twiggy did not run (cargo install twiggy)');
  return JSON.parse(out);
}

/** The export names of the module, from twiggy's `export "name"` items. */
function exportNames(items) {
  return new Set(items.map((i) => i.name.match(/^export "(.*)"$/)?.[1]).filter(Boolean));
}

/** The group key of an item. */
function groupOf(name, exports) {
  return GROUPS.find(([, , test]) => test(name, exports))[0];
}

/** Bytes per group over every item, in the order of GROUPS. */
function groupTotals(items, exports) {
  const totals = Object.fromEntries(GROUPS.map(([key, label]) => [key, { label, bytes: 0 }]));
  for (const item of items) totals[groupOf(item.name, exports)].bytes += item.shallow_size;
  return totals;
}

/**
 * Builds, lists and groups.
 * @param {{ shippedBytes: number, top?: number }} options the shipped wasm's size (dist/sizes.json)
 * @returns {{ top: { name: string, bytes: number, group: string }[], groups: Record<string, { label: string, bytes: number }>,
 *             moduleBytes: number, items: number, shippedBytes: number, sameAsShipped: boolean, namedWithoutNamesBytes: number }}
 */
export function wasmItems({ shippedBytes, top = 25 }) {
  const file = buildNamed();
  const all = twiggyItems(file);
  const withoutNames = statSync(file).size - all.filter((i) => isNameSection(i.name)).reduce((s, i) => s + i.shallow_size, 0);
  const items = all.filter((i) => !isCustom(i.name));
  const exports = exportNames(items);
  return {
    top: items.slice(0, top).map((i) => ({ name: readableName(i.name), bytes: i.shallow_size, group: groupOf(i.name, exports) })),
    groups: groupTotals(items, exports),
    moduleBytes: items.reduce((s, i) => s + i.shallow_size, 0),
    items: items.length,
    shippedBytes,
    sameAsShipped: withoutNames === shippedBytes,
    namedWithoutNamesBytes: withoutNames,
  };
}


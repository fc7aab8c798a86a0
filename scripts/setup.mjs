// One idempotent setup step, run by every npm script: installs whatever is missing and
// nothing else. On a machine where everything is present it takes a few seconds.
//
//   1. the wasm32-unknown-unknown Rust target (and rustfmt and clippy, for the lint layer)
//   2. the wasm-bindgen CLI at exactly the version Cargo.lock pins for the wasm-bindgen crate
//   3. Debian's chromium (the end-to-end tests) and
//      clickhouse-server (the collector's scale-out store, started privately by its tests)
//   4. the npm dev dependencies (playwright-core, binaryen's wasm-opt, esbuild, typescript,
//      axe-core, the framework libraries of the compatibility tests)
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, CARGO_BIN, run, capture, step } from './lib.mjs';

const started = Date.now();

function wasmTarget() {
  const installed = capture('rustup', ['target', 'list', '--installed']) || '';
  if (installed.split('\n').includes('wasm32-unknown-unknown')) return;
  step('installing the Rust target wasm32-unknown-unknown');
  run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
}

/** The wasm-bindgen version Cargo.lock resolved (Cargo.toml pins it with "="). */
export function lockedWasmBindgen() {
  const lock = readFileSync(join(ROOT, 'Cargo.lock'), 'utf8');
  const match = lock.match(/\[\[package\]\]\r?\nname = "wasm-bindgen"\r?\nversion = "([^"]+)"/);
  if (!match) throw new Error('Cargo.lock has no wasm-bindgen package; run cargo generate-lockfile');
  return match[1];
}

function rustComponents() {
  const missing = ['rustfmt', 'clippy'].filter((c) => !capture('cargo', [c === 'rustfmt' ? 'fmt' : 'clippy', '--version']));
  if (missing.length === 0) return;
  step(`installing the Rust components ${missing.join(', ')}`);
  run('rustup', ['component', 'add', ...missing]);
}

function wasmBindgenCli() {
  const want = lockedWasmBindgen();
  const have = (capture(join(CARGO_BIN, 'wasm-bindgen'), ['--version']) || '').trim();
  if (have === `wasm-bindgen ${want}`) return;
  step(`installing wasm-bindgen-cli ${want} (found: ${have || 'none'}); this takes a few minutes once`);
  run('cargo', ['install', 'wasm-bindgen-cli', '--version', want, '--locked', '--force']);
}

/** Debian packages the tests need, each with a file that shows it is installed. */
const PACKAGES = [
  ['chromium', '/usr/bin/chromium'],
  ['clickhouse-server', '/usr/sbin/clickhouse-server'],
  ['clickhouse-client', '/usr/bin/clickhouse-client'],
];

function debianPackages() {
  const missing = PACKAGES.filter(([, file]) => !existsSync(file)).map(([name]) => name);
  if (missing.length === 0) return;
  step(`installing Debian's ${missing.join(', ')}`);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) {
    throw new Error(
      `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing and this user cannot install them: run ` +
        `\`sudo apt-get install -y ${missing.join(' ')}\`, then try again`,
    );
  }
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function npmDependencies() {
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  const fresh = existsSync(marker) && existsSync(lock) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
  const complete = ['playwright-core', 'binaryen', 'esbuild', 'typescript', 'axe-core'].every((p) =>
    existsSync(join(ROOT, 'node_modules', p, 'package.json')),
  );
  if (fresh && complete) return;
  step('installing npm dependencies');
  run('npm', existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund']);
}

try {
  wasmTarget();
  rustComponents();
  wasmBindgenCli();
  debianPackages();
  npmDependencies();
  console.log(`setup: everything present (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (error) {
  console.error(`setup failed: ${error.message}`);
  process.exit(1);
}

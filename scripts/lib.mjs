// Small helpers shared by the build, demo, test and bench scripts.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the wasm-bindgen CLI that `cargo install` puts is found. */
export const CARGO_BIN = join(process.env.CARGO_HOME || join(process.env.HOME || '/root', '.cargo'), 'bin');

/**
 * The wasm features wasm-opt is told the module uses: those current wasm-bindgen output needs.
 * One list for the shipped build (scripts/build.mjs) and the bench's named copy of it
 * (scripts/bench-wasm-items.mjs), so that the two are optimised alike.
 */
export const WASM_OPT_FEATURES = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];

/** PATH with the project's node_modules/.bin first (npm's wasm-opt, never Debian's) and cargo's bin. */
export function toolPath() {
  return [join(ROOT, 'node_modules', '.bin'), CARGO_BIN, process.env.PATH].join(':');
}

/** Runs a command, streaming its output; throws with the command line if it fails. */
export function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: 'inherit',
    ...opts,
    env: { ...process.env, PATH: toolPath(), ...(opts.env || {}) },
  });
  if (result.error) throw new Error(`${cmd} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${result.status}`);
  return result;
}

/** Runs a command and returns its stdout, or null if it cannot run or fails. */
export function capture(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: 'utf8',
    ...opts,
    env: { ...process.env, PATH: toolPath(), ...(opts.env || {}) },
  });
  return result.status === 0 ? result.stdout : null;
}

/**
 * Runs a command, streaming its output to ours while keeping a copy; resolves with
 * { code, output } (never rejects on a non-zero exit).
 */
export function runTee(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      ...opts,
      env: { ...process.env, PATH: toolPath(), ...(opts.env || {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Prints a step header. */
export function step(message) {
  console.log(`\n== ${message}`);
}

/** Raw, gzip (level 9) and brotli (quality 11) sizes of a buffer, in bytes. */
export function sizes(buffer) {
  return {
    raw: buffer.length,
    gzip: gzipSync(buffer, { level: 9 }).length,
    brotli: brotliCompressSync(buffer, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buffer.length },
    }).length,
  };
}

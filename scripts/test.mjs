// npm test: every test layer, in order, with a count per layer and one closing line.
//
//   lint      cargo fmt --check, cargo clippy -D warnings (native and wasm32), tsc on the types
//   native    cargo test --workspace: the pure core and the collector, no browser
//   mutants   the report's oracle fails on each deliberately broken copy of the collector
//   size      what a citizen downloads is within the budget of scripts/budget.mjs
//   e2e       node --test: the built probe in Chromium (its JS shell against real pages), the
//             demo portal, the real collector
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runTee, run, step } from './lib.mjs';
import { buildCollector } from './stack.mjs';
import { checkMutants } from './mutants.mjs';
import { BUDGET_BROTLI_BYTES, GOAL_BROTLI_BYTES } from './budget.mjs';

const layers = [];

/** Sums cargo's "test result:" lines. */
function cargoCounts(output) {
  let passed = 0;
  let failed = 0;
  for (const m of output.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  return { passed, failed };
}

/** Reads node's test runner summary. */
function nodeCounts(output) {
  const pass = output.match(/^# pass (\d+)$/m);
  const fail = output.match(/^# fail (\d+)$/m);
  return { passed: pass ? Number(pass[1]) : 0, failed: fail ? Number(fail[1]) : 0 };
}

async function layer(name, cmd, args, count, env = {}) {
  step(`${name}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const { code, output } = await runTee(cmd, args, { env });
  const counts = count(output);
  // A runner that failed without counting a failure (a compile error) still fails the layer.
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  layers.push({ name, ...counts, seconds: (Date.now() - started) / 1000 });
}

/** Runs each lint check; a check passes when its command exits 0. */
async function lint(checks) {
  step('lint');
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  for (const [cmd, ...args] of checks) {
    console.log(`-- ${cmd} ${args.join(' ')}`);
    const { code } = await runTee(cmd, args);
    if (code === 0) passed += 1;
    else failed += 1;
  }
  layers.push({ name: 'lint', passed, failed, seconds: (Date.now() - started) / 1000 });
}

await lint([
  ['cargo', 'fmt', '--all', '--', '--check'],
  ['cargo', 'clippy', '--workspace', '--all-targets', '--quiet', '--', '-D', 'warnings'],
  ['cargo', 'clippy', '-p', 'journey-probe', '--target', 'wasm32-unknown-unknown', '--all-targets', '--quiet', '--', '-D', 'warnings'],
  ['tsc', '-p', 'tests/types/tsconfig.json'],
]);
await layer('native', 'cargo', ['test', '--workspace'], cargoCounts);
{
  // The report's oracle must catch the errors it was written against (scripts/mutants.mjs).
  const started = Date.now();
  const counts = await checkMutants().catch((error) => {
    console.error(error.message);
    return { passed: 0, failed: 1 };
  });
  layers.push({ name: 'mutants', ...counts, seconds: (Date.now() - started) / 1000 });
}
step('building dist/ and the collector for the end-to-end layer');
try {
  run('node', ['scripts/build.mjs'], { cwd: ROOT });
  {
    // The download budget (scripts/budget.mjs): what a citizen fetches with the overlay off.
    const sizes = JSON.parse(readFileSync(join(ROOT, 'dist', 'sizes.json'), 'utf8'));
    const total = sizes.total.brotli;
    const within = total <= BUDGET_BROTLI_BYTES;
    console.log(`${within ? 'within' : 'OVER'} the download budget: ${total} B brotli of ${BUDGET_BROTLI_BYTES} B (goal ${GOAL_BROTLI_BYTES} B)`);
    layers.push({ name: 'size', passed: within ? 1 : 0, failed: within ? 0 : 1, seconds: 0 });
  }
  buildCollector();
  const files = readdirSync(join(ROOT, 'tests', 'e2e')).filter((f) => f.endsWith('.test.mjs')).map((f) => join('tests', 'e2e', f));
  // A test that fails may leave a server open; --test-force-exit ends the run anyway, and
  // --test-timeout fails a test that hangs instead of letting it eat CI's time.
  await layer('e2e', 'node', ['--test', '--test-reporter=tap', '--test-concurrency=1', '--test-force-exit', '--test-timeout=180000', ...files], nodeCounts);
} catch (error) {
  console.error(error.message);
  layers.push({ name: 'e2e', passed: 0, failed: 1, seconds: 0 });
}

const passed = layers.reduce((n, l) => n + l.passed, 0);
const failed = layers.reduce((n, l) => n + l.failed, 0);
console.log('\nlayer     passed  failed  seconds');
for (const l of layers) {
  console.log(`${l.name.padEnd(9)} ${String(l.passed).padStart(6)}  ${String(l.failed).padStart(6)}  ${l.seconds.toFixed(1).padStart(7)}`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && layers.every((l) => l.passed > 0) ? 0 : 1);

// The mutation check of the report's oracle (collector/tests/oracle.rs): an oracle that agrees
// with the collector proves something only if it would disagree with a wrong collector. Each
// mutant below puts back, in a copy of the sources, one of the errors evaluators found in the
// first report (README, "How the report counts"); the oracle test, run on the copy with two
// seeds, must fail and name a figure the mutant breaks. `npm test` runs it as its own layer;
// `node scripts/mutants.mjs` runs it alone (after `cargo test` has built the workspace once).
//
// The copy builds in target/mutants/target, seeded with hard links to target/debug so that only
// the collector is compiled again (~10 s a mutant): rustc and the linker write new files rather
// than rewriting old ones, so the originals stay as they are; incremental state is not shared.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, capture, runTee, step } from './lib.mjs';

/** Each mutant: one exact text in one file, replaced; the figure (or the daily sum) the oracle
 * must then name. */
export const MUTANTS = [
  {
    error: 'the per-step figures taken from whichever beacon repeats the outcome (first by id)',
    file: 'collector/src/store/sqlite.rs',
    from: "ORDER BY e.trigger NOT IN ('submitted', 'abandoned', 'expired'), e.received_ms, e.seq, e.id",
    to: 'ORDER BY e.id',
    figure: '/criterion2/steps',
  },
  {
    error: 'a journey counted in every period it has a beacon in',
    file: 'collector/src/store/sqlite.rs',
    from: 'HAVING first_ms >= ?1 AND first_ms < ?2',
    to: 'HAVING last_ms >= ?1 AND first_ms < ?2',
    figure: 'journeys.seen of the four days add up',
  },
  {
    error: 'a mean exactly at the target passes',
    file: 'collector/src/report/stats.rs',
    from: 'i128::from(sum) < i128::from(target) * i128::from(n)',
    to: 'i128::from(sum) <= i128::from(target) * i128::from(n)',
    figure: '/criterion2/pass',
  },
  {
    error: 'negative shares rounded toward zero',
    file: 'collector/src/report/stats.rs',
    from: '(num - den / 2) / den',
    to: '(num + den / 2) / den',
    figure: '/criterion3/shorter_pct',
  },
];

const WORK = join(ROOT, 'target', 'mutants');
const COPY = join(WORK, 'ws');
const TARGET = join(WORK, 'target');

/** A fresh copy of what the collector's tests build from. */
function copySources() {
  rmSync(COPY, { recursive: true, force: true });
  mkdirSync(join(COPY, 'collector'), { recursive: true });
  for (const part of ['Cargo.toml', 'Cargo.lock', 'src', 'schema']) cpSync(join(ROOT, part), join(COPY, part), { recursive: true });
  for (const part of ['Cargo.toml', 'src', 'tests']) cpSync(join(ROOT, 'collector', part), join(COPY, 'collector', part), { recursive: true });
}

/** The build directory, hard-linked from the workspace's so that dependencies are not rebuilt. */
function seedTarget() {
  rmSync(TARGET, { recursive: true, force: true });
  mkdirSync(TARGET, { recursive: true });
  const debug = join(ROOT, 'target', 'debug');
  if (existsSync(debug) && capture('cp', ['-al', debug, join(TARGET, 'debug')]) !== null) {
    rmSync(join(TARGET, 'debug', 'incremental'), { recursive: true, force: true });
  }
}

/** Applies one mutant to the copy (the text must be there exactly once: a stale mutant fails). */
function mutate(mutant) {
  const path = join(COPY, mutant.file);
  const text = readFileSync(join(ROOT, mutant.file), 'utf8');
  const count = text.split(mutant.from).length - 1;
  if (count !== 1) throw new Error(`${mutant.file}: expected the mutant's text once, found it ${count} times: ${mutant.from}`);
  writeFileSync(path, text.replace(mutant.from, mutant.to));
}

/** Restores the copy's file of a mutant. */
function restore(mutant) {
  cpSync(join(ROOT, mutant.file), join(COPY, mutant.file));
}

/** Runs every mutant; resolves with { passed, failed } (a mutant caught is a pass). */
export async function checkMutants() {
  step(`mutation check: ${MUTANTS.length} mutants of the report, each must fail the oracle`);
  copySources();
  seedTarget();
  let passed = 0;
  let failed = 0;
  for (const mutant of MUTANTS) {
    mutate(mutant);
    console.log(`-- mutant: ${mutant.error} (${mutant.file})`);
    const { code, output } = await runTee('cargo', ['test', '--quiet', '-p', 'journey-collector', '--test', 'oracle', '--', 'every_figure'], {
      cwd: COPY,
      env: { CARGO_TARGET_DIR: TARGET, CARGO_INCREMENTAL: '0', ORACLE_SEEDS: '2' },
    });
    const named = output.includes('first reports that differ') && output.includes(`${mutant.figure}`);
    if (code !== 0 && named) {
      console.log(`   caught: the oracle named ${mutant.figure}`);
      passed += 1;
    } else {
      console.log(code === 0 ? '   NOT caught: the oracle passed on the mutant' : `   failed, but not by naming ${mutant.figure} (a build error?)`);
      failed += 1;
    }
    restore(mutant);
  }
  return { passed, failed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { passed, failed } = await checkMutants();
  console.log(`\n${passed} mutants caught, ${failed} not`);
  process.exit(failed === 0 ? 0 : 1);
}

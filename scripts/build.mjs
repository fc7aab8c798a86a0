// Builds the probe into dist/: the release wasm (size profile), wasm-bindgen's glue, wasm-opt
// (npm's binaryen), the loader and the ES module entry (esbuild), and prints a size table.
//
//   dist/journey-probe.js               the loader, one <script> tag (stable name)
//   dist/journey-probe.mjs              the ES module entry for bundlers
//   dist/journey-probe.d.ts             TypeScript types
//   dist/journey-probe-glue.<hash>.js   wasm-bindgen's glue and the JS shell (content-hashed: cache forever)
//   dist/journey-probe.<hash>.wasm      the probe (content-hashed: cache forever)
//   dist/journey-probe-otlp.<hash>.wasm the probe with the OTLP encoder, for data-format="otlp" only
//   dist/journey-probe-overlay.<hash>.js the QA overlay, fetched only when switched on
//   dist/journey-probe-survey.<hash>.js  the satisfaction question, fetched only when asked
//   dist/journey-probe-sentences.<hash>.js the sentences of warnings for portal developers,
//                                        fetched only with the first such warning
//   dist/sizes.json                     the size table, for the bench
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, WASM_OPT_FEATURES, run, sizes, step } from './lib.mjs';
import { bundleProbe, hash } from './bundle.mjs';

const DIST = join(ROOT, 'dist');
const STAGE = join(ROOT, 'target', 'wasm-bindgen');
const STAGE_OTLP = join(ROOT, 'target', 'wasm-bindgen-otlp');
/** npm's binaryen, never Debian's (whose -Oz breaks current wasm-bindgen output). */
const WASM_OPT = join(ROOT, 'node_modules', '.bin', 'wasm-opt');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/**
 * Compiles one flavour of the wasm (cargo features, its own target directory so that the two
 * keep their caches), runs wasm-bindgen into `stage` and wasm-opt; returns the optimised bytes.
 */
function buildWasm({ features, targetDir, stage }) {
  const featureArgs = features.length ? ['--features', features.join(',')] : [];
  run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '-p', 'journey-probe', '--target-dir', targetDir, ...featureArgs]);
  rmSync(stage, { recursive: true, force: true });
  const raw = join(targetDir, 'wasm32-unknown-unknown', 'release', 'journey_probe.wasm');
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', stage, '--out-name', 'journey_probe', raw]);
  const bindgenWasm = join(stage, 'journey_probe_bg.wasm');
  const optimised = join(stage, 'journey_probe_opt.wasm');
  if (existsSync(WASM_OPT)) {
    // --converge repeats the passes until the module stops shrinking: 307 B brotli less, measured.
    run(WASM_OPT, ['-Oz', '--converge', ...WASM_OPT_FEATURES, '--strip-debug', '--strip-producers', bindgenWasm, '-o', optimised]);
  } else {
    console.warn(`wasm-opt not found at ${WASM_OPT} (npm's binaryen): the wasm is not optimised; run npm run setup`);
    copyFileSync(bindgenWasm, optimised);
  }
  return readFileSync(optimised);
}

async function main() {
  step('compiling the probe to wasm (release, opt-level z), wasm-bindgen, wasm-opt -Oz (npm binaryen)');
  const wasm = buildWasm({ features: [], targetDir: join(ROOT, 'target'), stage: STAGE });
  // The same probe with the OTLP encoder, for data-format="otlp" only: its glue is the same
  // file (the two modules import and export the same functions; checked below).
  step('the OTLP flavour (cargo feature otlp)');
  const wasmOtlp = buildWasm({ features: ['otlp'], targetDir: join(ROOT, 'target', 'otlp'), stage: STAGE_OTLP });
  if (!readFileSync(join(STAGE, 'journey_probe.js')).equals(readFileSync(join(STAGE_OTLP, 'journey_probe.js')))) {
    throw new Error('the OTLP flavour needs a glue of its own: its wasm-bindgen output differs from the default one');
  }

  step('loader, module entry and glue (esbuild)');
  const wasmFile = `journey-probe.${hash(wasm)}.wasm`;
  const wasmOtlpFile = `journey-probe-otlp.${hash(wasmOtlp)}.wasm`;
  const { glue, overlay, survey, sentences, loader, moduleEntry, define, esbuildOptions, files } =
    await bundleProbe({ stage: STAGE, wasmFile, wasmOtlpFile, version: VERSION });
  const { glue: glueFile, overlay: overlayFile, survey: surveyFile } = files;
  // Measured, not shipped: the loader with the overlay bundled in, as every citizen would
  // download it if the overlay were not a separate file.
  const esbuild = await import('esbuild');
  const inlined = esbuild.buildSync({
    ...esbuildOptions,
    stdin: {
      contents: `import './classic.js'; import * as o from './overlay/index.js'; window.__o = o;`,
      resolveDir: join(ROOT, 'js'),
    },
    format: 'iife',
    define,
  }).outputFiles[0].contents;
  // Measured, not shipped on its own: the JS shell, which the glue file carries.
  const shell = esbuild.buildSync({ ...esbuildOptions, entryPoints: [join(ROOT, 'js', 'shell', 'page.js')], format: 'esm' }).outputFiles[0].contents;

  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  writeFileSync(join(DIST, wasmFile), wasm);
  writeFileSync(join(DIST, wasmOtlpFile), wasmOtlp);
  writeFileSync(join(DIST, glueFile), glue);
  writeFileSync(join(DIST, 'journey-probe.js'), loader);
  writeFileSync(join(DIST, 'journey-probe.mjs'), moduleEntry);
  writeFileSync(join(DIST, overlayFile), overlay);
  writeFileSync(join(DIST, surveyFile), survey);
  writeFileSync(join(DIST, files.sentences), sentences);
  copyFileSync(join(ROOT, 'js', 'journey-probe.d.ts'), join(DIST, 'journey-probe.d.ts'));

  const rows = [
    ['wasm', wasmFile, sizes(wasm)],
    ['glue', glueFile, sizes(glue)],
    ['loader', 'journey-probe.js', sizes(loader)],
  ];
  const shellSizes = sizes(Buffer.from(shell));
  const total = rows.reduce(
    (t, [, , s]) => ({ raw: t.raw + s.raw, gzip: t.gzip + s.gzip, brotli: t.brotli + s.brotli }),
    { raw: 0, gzip: 0, brotli: 0 },
  );
  const kb = (n) => (n / 1024).toFixed(1).padStart(7) + ' KB';
  console.log('\nWhat a citizen downloads (dist/):');
  console.log('part    file                                raw        gzip       brotli');
  for (const [part, file, s] of rows) {
    console.log(`${part.padEnd(7)} ${file.padEnd(34)} ${kb(s.raw)} ${kb(s.gzip)} ${kb(s.brotli)}`);
  }
  console.log(`${'total'.padEnd(7)} ${''.padEnd(34)} ${kb(total.raw)} ${kb(total.gzip)} ${kb(total.brotli)}`);
  console.log(`(the glue file carries the JS shell, js/shell/: ${kb(shellSizes.raw).trim()} raw, ${kb(shellSizes.brotli).trim()} brotli of it on its own)`);
  const overlaySizes = sizes(overlay);
  const inlinedSizes = sizes(Buffer.from(inlined));
  console.log('\nOnly for QA testers who switch the overlay on:');
  console.log(`${'overlay'.padEnd(7)} ${overlayFile.padEnd(34)} ${kb(overlaySizes.raw)} ${kb(overlaySizes.gzip)} ${kb(overlaySizes.brotli)}`);
  const otlpSizes = sizes(wasmOtlp);
  console.log('\nOnly where data-format="otlp", instead of the wasm above:');
  console.log(`${'wasm'.padEnd(7)} ${wasmOtlpFile.padEnd(34)} ${kb(otlpSizes.raw)} ${kb(otlpSizes.gzip)} ${kb(otlpSizes.brotli)}`);
  const surveySizes = sizes(survey);
  console.log(`\nOnly after a submission, where the satisfaction question is asked:`);
  console.log(`${'survey'.padEnd(7)} ${surveyFile.padEnd(34)} ${kb(surveySizes.raw)} ${kb(surveySizes.gzip)} ${kb(surveySizes.brotli)}`);
  console.log(`(bundled into the loader instead, every citizen would download ${kb(inlinedSizes.brotli - sizes(loader).brotli).trim()} more brotli)`);
  const sentencesSizes = sizes(sentences);
  console.log(`\nOnly with a warning for the portal's developers (a mistake in the tag or a command):`);
  console.log(`${'words'.padEnd(7)} ${files.sentences.padEnd(34)} ${kb(sentencesSizes.raw)} ${kb(sentencesSizes.gzip)} ${kb(sentencesSizes.brotli)}`);
  writeFileSync(
    join(DIST, 'sizes.json'),
    JSON.stringify({
      version: VERSION,
      files: Object.fromEntries(rows.map(([p, f, s]) => [p, { file: f, ...s }])),
      total,
      shell: shellSizes,
      overlay: { file: overlayFile, ...overlaySizes },
      wasmOtlp: { file: wasmOtlpFile, ...otlpSizes },
      survey: { file: surveyFile, ...surveySizes },
      sentences: { file: files.sentences, ...sentencesSizes },
      loaderWithOverlayInlined: inlinedSizes,
    }, null, 2) + '\n',
  );
  console.log(`\ndist/ written: ${readdirSync(DIST).join(', ')}`);
}

main().catch((error) => {
  console.error(`build failed: ${error.message}`);
  process.exit(1);
});

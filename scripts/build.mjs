// Builds the probe into dist/: the release wasm (size profile), wasm-bindgen's glue, wasm-opt
// (npm's binaryen), the loader and the ES module entry (esbuild), and prints a size table.
//
//   dist/journey-probe.js               the loader, one <script> tag (stable name)
//   dist/journey-probe.mjs              the ES module entry for bundlers
//   dist/journey-probe.d.ts             TypeScript types
//   dist/journey-probe-glue.<hash>.js   wasm-bindgen's glue and the JS shell (content-hashed: cache forever)
//   dist/journey-probe.<hash>.wasm      the probe (content-hashed: cache forever)
//   dist/journey-probe-overlay.<hash>.js the QA overlay, fetched only when switched on
//   dist/journey-probe-survey.<hash>.js  the satisfaction question, fetched only when asked
//   dist/sizes.json                     the size table, for the bench
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, WASM_OPT_FEATURES, run, sizes, step } from './lib.mjs';

const DIST = join(ROOT, 'dist');
const STAGE = join(ROOT, 'target', 'wasm-bindgen');
const RAW_WASM = join(ROOT, 'target', 'wasm32-unknown-unknown', 'release', 'journey_probe.wasm');
/** npm's binaryen, never Debian's (whose -Oz breaks current wasm-bindgen output). */
const WASM_OPT = join(ROOT, 'node_modules', '.bin', 'wasm-opt');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

function hash(buffer) {
  return createHash('sha256').update(buffer).digest('hex').slice(0, 10);
}

async function main() {
  step('compiling the probe to wasm (release, opt-level z)');
  run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '-p', 'journey-probe']);

  step('wasm-bindgen');
  rmSync(STAGE, { recursive: true, force: true });
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', STAGE, '--out-name', 'journey_probe', RAW_WASM]);

  const bindgenWasm = join(STAGE, 'journey_probe_bg.wasm');
  const optimised = join(STAGE, 'journey_probe_opt.wasm');
  if (existsSync(WASM_OPT)) {
    step('wasm-opt -Oz (npm binaryen)');
    // --converge repeats the passes until the module stops shrinking: 307 B brotli less, measured.
    run(WASM_OPT, ['-Oz', '--converge', ...WASM_OPT_FEATURES, '--strip-debug', '--strip-producers', bindgenWasm, '-o', optimised]);
  } else {
    console.warn(`wasm-opt not found at ${WASM_OPT} (npm's binaryen): the wasm is not optimised; run npm run setup`);
    copyFileSync(bindgenWasm, optimised);
  }

  step('loader, module entry and glue (esbuild)');
  const esbuild = await import('esbuild');
  const wasm = readFileSync(optimised);
  // wasm-bindgen's glue and the JS shell (js/shell/, which drives the wasm) in one module: both
  // are needed only once the wasm is there, so they come beside it (fetched in parallel with it,
  // content-hashed, cached for good), and the loader — which every page fetches first, with a
  // short cache, and which must run before the page's own scripts to see their fills — stays small.
  const glueEntry = JSON.stringify(join(STAGE, 'journey_probe.js'));
  const shellEntry = JSON.stringify(join(ROOT, 'js', 'shell', 'page.js'));
  const glue = Buffer.from(
    esbuild.buildSync({
      stdin: {
        contents: `export * from ${glueEntry}; export { default } from ${glueEntry}; export { begin as startShell } from ${shellEntry};`,
        resolveDir: ROOT,
      },
      bundle: true,
      write: false,
      minify: true,
      format: 'esm',
      target: 'es2020',
      legalComments: 'none',
    }).outputFiles[0].contents,
  );
  const wasmFile = `journey-probe.${hash(wasm)}.wasm`;
  const glueFile = `journey-probe-glue.${hash(glue)}.js`;
  const bundle = (entry, format, define = {}) =>
    Buffer.from(
      esbuild.buildSync({
        entryPoints: [join(ROOT, 'js', entry)],
        bundle: true,
        write: false,
        minify: true,
        format,
        target: 'es2020',
        define,
        legalComments: 'none',
      }).outputFiles[0].contents,
    );
  // The QA overlay: its own file, fetched only when a tester switches it on.
  const overlay = bundle(join('overlay', 'index.js'), 'esm');
  const overlayFile = `journey-probe-overlay.${hash(overlay)}.js`;
  // The satisfaction question: fetched only after a submission, where the portal asks for it.
  const survey = bundle(join('survey', 'index.js'), 'esm');
  const surveyFile = `journey-probe-survey.${hash(survey)}.js`;
  const define = {
    __VERSION__: JSON.stringify(VERSION),
    __GLUE_FILE__: JSON.stringify(glueFile),
    __WASM_FILE__: JSON.stringify(wasmFile),
    __OVERLAY_FILE__: JSON.stringify(overlayFile),
    __SURVEY_FILE__: JSON.stringify(surveyFile),
  };
  const loader = bundle('classic.js', 'iife', define);
  const moduleEntry = bundle('module.js', 'esm', define);
  // Measured, not shipped: the loader with the overlay bundled in, as every citizen would
  // download it if the overlay were not a separate file.
  const inlined = esbuild.buildSync({
    stdin: {
      contents: `import './classic.js'; import * as o from './overlay/index.js'; window.__o = o;`,
      resolveDir: join(ROOT, 'js'),
    },
    bundle: true, write: false, minify: true, format: 'iife', target: 'es2020', define, legalComments: 'none',
  }).outputFiles[0].contents;

  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  writeFileSync(join(DIST, wasmFile), wasm);
  writeFileSync(join(DIST, glueFile), glue);
  writeFileSync(join(DIST, 'journey-probe.js'), loader);
  writeFileSync(join(DIST, 'journey-probe.mjs'), moduleEntry);
  writeFileSync(join(DIST, overlayFile), overlay);
  writeFileSync(join(DIST, surveyFile), survey);
  copyFileSync(join(ROOT, 'js', 'journey-probe.d.ts'), join(DIST, 'journey-probe.d.ts'));

  const rows = [
    ['wasm', wasmFile, sizes(wasm)],
    ['glue', glueFile, sizes(glue)],
    ['loader', 'journey-probe.js', sizes(loader)],
  ];
  // Measured, not shipped on its own: the JS shell, which the glue file carries.
  const shellSizes = sizes(bundle(join('shell', 'page.js'), 'esm'));
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
  const surveySizes = sizes(survey);
  console.log(`\nOnly after a submission, where the satisfaction question is asked:`);
  console.log(`${'survey'.padEnd(7)} ${surveyFile.padEnd(34)} ${kb(surveySizes.raw)} ${kb(surveySizes.gzip)} ${kb(surveySizes.brotli)}`);
  console.log(`(bundled into the loader instead, every citizen would download ${kb(inlinedSizes.brotli - sizes(loader).brotli).trim()} more brotli)`);
  writeFileSync(
    join(DIST, 'sizes.json'),
    JSON.stringify({
      version: VERSION,
      files: Object.fromEntries(rows.map(([p, f, s]) => [p, { file: f, ...s }])),
      total,
      shell: shellSizes,
      overlay: { file: overlayFile, ...overlaySizes },
      survey: { file: surveyFile, ...surveySizes },
      loaderWithOverlayInlined: inlinedSizes,
    }, null, 2) + '\n',
  );
  console.log(`\ndist/ written: ${readdirSync(DIST).join(', ')}`);
}

main().catch((error) => {
  console.error(`build failed: ${error.message}`);
  process.exit(1);
});

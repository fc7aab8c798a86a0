// The probe's JS files as dist/ ships them, bundled by esbuild over a wasm-bindgen stage: used
// by scripts/build.mjs, and by the profiling aids (scripts/profile-lib.mjs) to build the same
// files with their names kept.
//
// wasm-bindgen's glue and the JS shell (js/shell/, which drives the wasm) go in one module: both
// are needed only once the wasm is there, so they come beside it (fetched in parallel with it,
// content-hashed, cached for good), and the loader — which every page fetches first, with a
// short cache, and which must run before the page's own scripts to see their fills — stays small.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

/** The content hash in a file's name (10 hex digits of its SHA-256). */
export function hash(buffer) {
  return createHash('sha256').update(buffer).digest('hex').slice(0, 10);
}

/**
 * Bundles the glue (from `stage`'s journey_probe.js and `js`/shell), the overlay, the survey,
 * the warnings' sentences,
 * the loader and the module entry; the loader and entry name the content-hashed files.
 * @param {{ stage: string, wasmFile: string, wasmOtlpFile: string, version: string,
 *   js?: string, readable?: boolean }} options `readable`: identifiers kept (for profiles),
 *   whitespace and syntax minified as shipped
 * @returns {Promise<{ glue: Buffer, overlay: Buffer, survey: Buffer, sentences: Buffer, loader: Buffer,
 *   moduleEntry: Buffer, define: object, esbuildOptions: object,
 *   files: { glue: string, overlay: string, survey: string, sentences: string } }>}
 */
export async function bundleProbe({ stage, wasmFile, wasmOtlpFile, version, js = join(ROOT, 'js'), readable = false }) {
  const esbuild = await import('esbuild');
  const esbuildOptions = {
    bundle: true,
    write: false,
    ...(readable ? { minifyWhitespace: true, minifySyntax: true } : { minify: true }),
    target: 'es2020',
    legalComments: 'none',
  };
  // The sentences of the wasm's warnings for portal developers: fetched only with such a warning.
  const sentences = Buffer.from(esbuild.buildSync({ ...esbuildOptions, entryPoints: [join(js, 'sentences.js')], format: 'esm' }).outputFiles[0].contents);
  const sentencesFile = `journey-probe-sentences.${hash(sentences)}.js`;
  const glueEntry = JSON.stringify(join(stage, 'journey_probe.js'));
  const shellEntry = JSON.stringify(join(js, 'shell', 'page.js'));
  const glue = Buffer.from(esbuild.buildSync({
    ...esbuildOptions,
    stdin: {
      contents: `export * from ${glueEntry}; export { default } from ${glueEntry}; export { begin as startShell, configure as configureShell } from ${shellEntry};`,
      resolveDir: ROOT,
    },
    format: 'esm',
    define: { __SENTENCES_FILE__: JSON.stringify(sentencesFile) },
  }).outputFiles[0].contents);
  const bundle = (entry, format, define = {}) => Buffer.from(esbuild.buildSync({
    ...esbuildOptions, entryPoints: [join(js, entry)], format, define,
  }).outputFiles[0].contents);
  // The QA overlay: its own file, fetched only when a tester switches it on.
  const overlay = bundle(join('overlay', 'index.js'), 'esm');
  // The satisfaction question: fetched only after a submission, where the portal asks for it.
  const survey = bundle(join('survey', 'index.js'), 'esm');
  const files = {
    glue: `journey-probe-glue.${hash(glue)}.js`,
    overlay: `journey-probe-overlay.${hash(overlay)}.js`,
    survey: `journey-probe-survey.${hash(survey)}.js`,
    sentences: sentencesFile,
  };
  const define = {
    __VERSION__: JSON.stringify(version),
    __GLUE_FILE__: JSON.stringify(files.glue),
    __WASM_FILE__: JSON.stringify(wasmFile),
    __WASM_OTLP_FILE__: JSON.stringify(wasmOtlpFile),
    __OVERLAY_FILE__: JSON.stringify(files.overlay),
    __SURVEY_FILE__: JSON.stringify(files.survey),
  };
  return {
    glue,
    overlay,
    survey,
    sentences,
    loader: bundle('classic.js', 'iife', define),
    moduleEntry: bundle('module.js', 'esm', define),
    define,
    esbuildOptions,
    files,
  };
}

// Builds the test apps in apps/ (React's *.jsx, Angular's and others' *.mjs) into plain IIFE
// bundles that the field-origin test pages load as /bundles/<name>.js.
import { build } from 'esbuild';
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const APPS = join(dirname(fileURLToPath(import.meta.url)), 'apps');

/**
 * Bundles every apps/*.jsx and apps/*.mjs to `${outDir}/<name>.js`.
 * @param {string} outDir directory to write into (created if missing)
 * @returns {Promise<string[]>} absolute paths of the bundles written
 */
export async function buildBundles(outDir) {
  await mkdir(outDir, { recursive: true });
  const entries = (await readdir(APPS)).filter((f) => /\.(jsx|mjs)$/.test(f)).sort();
  const written = [];
  for (const file of entries) {
    const outfile = join(outDir, `${file.replace(/\.(jsx|mjs)$/, '')}.js`);
    await build({
      entryPoints: [join(APPS, file)],
      outfile,
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
    written.push(outfile);
  }
  return written;
}

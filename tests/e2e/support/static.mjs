// A static server for the loader tests: serves tests/e2e/pages/*.html and the built dist/ under
// /journey-probe/, with the wasm MIME type a test chooses (real servers get it wrong).
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ROOT } from '../../../scripts/lib.mjs';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.css': 'text/css' };

/** The probe's script tag as pages carry it. */
const PROBE_TAG = /<script[^>]*journey-probe\.js[^>]*><\/script>\s*/g;

/** `html` with the probe's tag (or tags) moved to the end of `<body>`, after the page's own scripts. */
export function probeLast(html) {
  const tags = html.match(PROBE_TAG) || [];
  return html.replace(PROBE_TAG, '').replace('</body>', `${tags.join('')}</body>`);
}

/** A file of an installed npm package: `/npm/<package>/<path>` (scoped packages too), never outside node_modules. */
function npmFile(path) {
  const rest = decodeURIComponent(path.slice('/npm/'.length));
  if (rest.split('/').includes('..')) return join(ROOT, 'node_modules', '.missing');
  return join(ROOT, 'node_modules', rest);
}

/**
 * @param {{ wasmType?: string, vars?: Record<string,string>, pagesDir?: string, bundlesDir?: string }} options
 *   `vars` replace {{NAME}} in pages; pages are served by file name from `pagesDir`, bundles
 *   from `bundlesDir` under /bundles/, jQuery under /vendor/jquery.min.js, any installed npm
 *   package's files under /npm/<package>/<path>; `?probe=last` moves the probe's tag to the end
 *   of `<body>`.
 */
export function startStatic({ wasmType = 'application/wasm', vars = {}, pagesDir = join(ROOT, 'tests', 'e2e', 'pages'), bundlesDir, stripProbe = false, isolated = false } = {}) {
  // Cross-origin isolation (benchmarks): performance.now() then resolves 5 µs, not 100 µs.
  const isolation = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' } : {};
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    // A large image that arrives late: the page's largest contentful paint, on purpose.
    if (path.startsWith('/slow/') && path.endsWith('.svg')) {
      await new Promise((r) => setTimeout(r, 1200));
      res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'no-store' });
      // Many shapes: Chromium ignores low-content images (few bytes per pixel) for LCP.
      const shapes = Array.from({ length: 400 }, (_, i) =>
        `<rect x="${(i * 37) % 620}" y="${(i * 53) % 340}" width="${10 + (i % 30)}" height="${8 + (i % 20)}" fill="#${((i * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}"/>`).join('');
      res.end(`<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><rect width="640" height="360" fill="#0072b2"/>${shapes}</svg>`);
      return;
    }
    const name = basename(path);
    const query = new URL(req.url, 'http://x').searchParams;
    const file = path.startsWith('/journey-probe/')
      ? join(ROOT, 'dist', name)
      : path === '/vendor/jquery.min.js'
        ? join(ROOT, 'node_modules', 'jquery', 'dist', 'jquery.min.js')
        : path.startsWith('/npm/')
          ? npmFile(path)
        : path === '/vendor/web-vitals.iife.js'
          ? join(ROOT, 'node_modules', 'web-vitals', 'dist', 'web-vitals.iife.js')
        : path.startsWith('/bundles/') && bundlesDir
          ? join(bundlesDir, name)
          : join(pagesDir, name);
    try {
      let body = await readFile(file);
      const ext = name.slice(name.lastIndexOf('.'));
      if (ext === '.html') {
        let html = body.toString('utf8').replace(/\{\{(\w+)\}\}/g, (_, k) => vars[k] ?? '');
        // The same page without the probe: the baseline of a benchmark.
        if (stripProbe) html = html.replace(PROBE_TAG, '');
        // The same page with the probe's tag moved after everything else: the page's widgets load first.
        else if (query.get('probe') === 'last') html = probeLast(html);
        body = Buffer.from(html);
      }
      res.writeHead(200, { ...isolation, 'Content-Type': ext === '.wasm' ? wasmType : TYPES[ext] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      }),
    ),
  );
}

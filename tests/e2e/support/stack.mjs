// The e2e stack of one test file, set up once before its tests and taken down after them
// (whether they passed or not): a temporary directory, the real collector (SQLite in it),
// the recording hop in front of it (every raw request a test checks), the demo portal or a
// static site of test pages when the file has one, and Chromium.
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../../../demo/server.mjs';
import { freePort, startCollector } from '../../../scripts/stack.mjs';
import { startRecorder } from './recorder.mjs';
import { launch } from './browser.mjs';

/**
 * Registers the file's `before` and `after` and returns the stack they fill:
 * `{ dir, db, collectorPort, collector, recorder, portal, site, browser }`.
 * - `portal`: the demo portal's options (`apiDelayMs`, …), or none for a file without it; the
 *   collector then allows the portal's origin only, else any origin;
 * - `site`: starts the file's own site once the hop is up (`(stack) => startStatic(…)`);
 * - `collectorPort`: a fixed port for the collector, for files that stop and restart it.
 */
export function withStack(name, { portal, site, collectorPort = false } = {}) {
  const stack = {};
  before(async () => {
    stack.dir = mkdtempSync(join(tmpdir(), `journey-probe-${name}-`));
    stack.db = join(stack.dir, 'beacons.db');
    if (collectorPort) stack.collectorPort = await freePort();
    const portalPort = portal ? await freePort() : undefined;
    stack.collector = await startCollector({
      db: stack.db,
      port: stack.collectorPort,
      allowOrigins: portal ? [`http://127.0.0.1:${portalPort}`] : ['*'],
      quiet: true,
    });
    // The hop stays up while a test stops the collector (it answers 502 meanwhile).
    stack.recorder = await startRecorder(stack.collector.url);
    if (portal) {
      stack.portal = await startDemo({ port: portalPort, collectorUrl: `${stack.recorder.url}/v1/beacons`, ...portal });
    }
    if (site) stack.site = await site(stack);
    stack.browser = await launch();
  });
  after(async () => {
    await stack.browser?.close();
    await stack.portal?.close();
    await stack.site?.close();
    await stack.recorder?.close();
    await stack.collector?.stop();
    if (stack.dir) rmSync(stack.dir, { recursive: true, force: true });
  });
  return stack;
}

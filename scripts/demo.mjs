// npm run demo: starts the collector and the demo portal on 127.0.0.1 and prints the URLs.
// (The npm script has already run setup and the build.)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startDemo } from '../demo/server.mjs';
import { ROOT, step } from './lib.mjs';
import { buildCollector, startCollector } from './stack.mjs';

const PORTAL_PORT = Number(process.env.DEMO_PORT || 8080);
const COLLECTOR_PORT = Number(process.env.COLLECTOR_PORT || 8787);

step('building the collector');
buildCollector();
mkdirSync(join(ROOT, 'target', 'demo'), { recursive: true });
const db = join(ROOT, 'target', 'demo', 'journey.db');
// The portal answers on 127.0.0.1; a person may also type localhost.
const portalOrigins = [`http://127.0.0.1:${PORTAL_PORT}`, `http://localhost:${PORTAL_PORT}`];
const collector = await startCollector({ db, port: COLLECTOR_PORT, allowOrigins: portalOrigins });
const portal = await startDemo({ port: PORTAL_PORT, collectorUrl: collector.beaconsUrl });

console.log(`
journey-probe demo is running.

  Portal (open this):   ${portal.url}/dich-vu/1.001234
  Collector:            ${collector.url}   (beacons stored in ${db})
  Beacons received:     ${collector.url}/v1/beacons
  Same, on the command line:
                        target/debug/journey-collector list --db ${db}

Log in with "Đăng nhập bằng VNeID", fill the form, submit, and watch the beacons arrive.
Press Ctrl+C to stop.`);

const shutdown = async () => {
  await portal.close();
  await collector.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

// npm run demo: starts the collector and the demo portal on 127.0.0.1 and prints the URLs.
// (The npm script has already run setup and the build.)
//
//   node scripts/demo.mjs [--simulate N]
//
// --simulate N (a whole number from 1 to 500): before printing the URLs, N simulated citizens
// walk the demo service in headless Chromium (scripts/simulate.mjs), one line each, then a
// summary; the portal and collector keep serving afterwards.
//
// Environment: DEMO_PORT and COLLECTOR_PORT change the ports (8080, 8787).
// SKIP_COLLECTOR_BUILD=1 skips `cargo build -p journey-collector` and uses the binary already in
// target/debug/journey-collector (startCollector still builds it if it is missing) — for running
// the demo while the collector's code is being changed, or offline.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemo } from '../demo/server.mjs';
import { ROOT, step } from './lib.mjs';
import { describeSummary, simulateCitizens } from './simulate.mjs';
import { buildCollector, startCollector } from './stack.mjs';

const PORTAL_PORT = Number(process.env.DEMO_PORT || 8080);
const COLLECTOR_PORT = Number(process.env.COLLECTOR_PORT || 8787);
const USAGE = `usage: node scripts/demo.mjs [--simulate N]   (npm run demo -- --simulate N)
  --simulate N   N simulated citizens (a whole number from 1 to 500) walk the demo service first`;

/** The number of citizens to simulate from the command line (0: none); throws on a bad argument. */
function parseSimulate(argv) {
  let simulate = 0;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag !== '--simulate') throw new Error(`unknown argument ${JSON.stringify(argv[i])}`);
    const value = inline ?? argv[++i];
    if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 500) {
      throw new Error(`--simulate accepts a whole number of citizens from 1 to 500 (e.g. --simulate 20), got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
    }
    simulate = Number(value);
  }
  return simulate;
}

/** Parses the command line, or prints what is accepted and exits with code 2. */
function citizensToSimulate() {
  try {
    return parseSimulate(process.argv.slice(2));
  } catch (e) {
    console.error(`scripts/demo.mjs: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
}

/** Runs the simulated citizens and prints their summary; a failure is reported, not fatal. */
async function simulate(portalUrl, count) {
  step(`${count} simulated citizen${count === 1 ? '' : 's'} walk the demo service`);
  try {
    const summary = await simulateCitizens({ portalUrl, count });
    console.log(`\nsimulated ${describeSummary(summary)}`);
  } catch (e) {
    console.error(`the simulation could not run: ${e.message}`);
  }
}

const citizens = citizensToSimulate();
if (process.env.SKIP_COLLECTOR_BUILD === '1') {
  step('using the collector already built (SKIP_COLLECTOR_BUILD=1)');
} else {
  step('building the collector');
  buildCollector();
}
mkdirSync(join(ROOT, 'target', 'demo'), { recursive: true });
const db = join(ROOT, 'target', 'demo', 'journey.db');
// The portal answers on 127.0.0.1; a person may also type localhost.
const portalOrigins = [`http://127.0.0.1:${PORTAL_PORT}`, `http://localhost:${PORTAL_PORT}`];
// Reading the collector takes a token, as it would for an operator: kept in a file of the
// demo's (created once, readable by this user only) and given to the collector by path.
const tokenFile = join(ROOT, 'target', 'demo', 'read-token');
if (!existsSync(tokenFile)) writeFileSync(tokenFile, `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600 });
const readToken = readFileSync(tokenFile, 'utf8').trim();
const collector = await startCollector({
  db, port: COLLECTOR_PORT, allowOrigins: portalOrigins,
  extra: ['--read-token-file', tokenFile], env: { JOURNEY_COLLECTOR_READ_TOKEN: readToken },
});
const portal = await startDemo({ port: PORTAL_PORT, collectorUrl: collector.beaconsUrl });

const shutdown = async () => {
  await portal.close();
  await collector.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

if (citizens > 0) await simulate(portal.url, citizens);

console.log(`
journey-probe demo is running.

  Portal (open this):   ${portal.url}/dich-vu/1.001234
  Collector:            ${collector.url}   (beacons stored in ${db})
  QCVN dashboard:       ${collector.url}/dashboard
                        the browser asks for a login: any user name, and the read token
                        ${readToken}   (kept in ${tokenFile})
  Beacons received:     curl -H "Authorization: Bearer $(cat ${tokenFile})" ${collector.url}/v1/beacons
  On the command line:  target/debug/journey-collector list --db ${db}
                        target/debug/journey-collector report --db ${db}

Log in with "Đăng nhập bằng VNeID", fill the form, submit, and watch the beacons arrive.
Press Ctrl+C to stop.`);

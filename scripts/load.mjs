// npm run load: how many beacons a collector accepts per second on this machine, and how long
// the slowest requests wait, for each store — the release binary on loopback, SQLite and then
// ClickHouse (Debian's, started privately). Bounded in count and time: REQUESTS requests of
// one to three beacons (what the probe sends), CONCURRENCY at a time, at most LIMIT_S seconds
// per store. Writes bench/LOAD.md.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, run, step } from './lib.mjs';
import { startClickHouse, startCollector } from './stack.mjs';

const REQUESTS = Number(process.env.LOAD_REQUESTS || 6000);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY || 32);
const LIMIT_S = 60;
const BIN = join(ROOT, 'target', 'release', 'journey-collector');
const EXAMPLE = JSON.parse(readFileSync(join(ROOT, 'schema', 'examples', 'beacon.json'), 'utf8'));
const ORIGIN = 'http://load.example';

/** Request `i`'s body: 1–3 distinct valid beacons (unique ids, a journey per 10 requests). */
function body(i) {
  const n = 1 + (i % 3);
  const beacons = [];
  for (let k = 0; k < n; k++) {
    const b = structuredClone(EXAMPLE);
    b.id = (i * 4 + k).toString(16).padStart(16, '0');
    b.seq = k;
    b.journey.id = Math.floor(i / 10).toString(16).padStart(32, '0');
    beacons.push(b);
  }
  return { text: JSON.stringify(beacons), beacons: n };
}

/** Request `i`'s body for filling a store: 50 beacons, each of a journey of its own. */
function bulk(i) {
  const beacons = [];
  for (let k = 0; k < 50; k++) {
    const b = structuredClone(EXAMPLE);
    const n = 0x5000000 + i * 50 + k;
    b.id = n.toString(16).padStart(16, 'f');
    b.journey.id = n.toString(16).padStart(32, 'e');
    beacons.push(b);
  }
  return { text: JSON.stringify(beacons), beacons: 50 };
}

/** Dashboards read with the read token, `readers` at a time, until `stop()`; how many answered. */
function readDashboards(collector, readers) {
  let stopped = false;
  let answered = 0;
  const loops = Array.from({ length: readers }, async (_, i) => {
    while (!stopped) {
      const response = await collector.read(`/dashboard?from=2020-01-0${1 + i}`);
      await response.arrayBuffer();
      answered += 1;
    }
  });
  return { stop: async () => { stopped = true; await Promise.all(loops); return answered; } };
}

/** Sends REQUESTS requests, CONCURRENCY at a time; per-request latency in ms. */
async function hammer(url, count, offset = 0, make = body) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(url);
  const latencies = [];
  let accepted = 0;
  let failed = 0;
  let next = 0;
  const deadline = Date.now() + LIMIT_S * 1000;
  const started = process.hrtime.bigint();
  const one = (i) => new Promise((resolve) => {
    const { text, beacons } = make(i + offset);
    const t0 = process.hrtime.bigint();
    const req = http.request({ agent, host: target.hostname, port: target.port, path: '/v1/beacons', method: 'POST',
      headers: { 'content-type': 'text/plain', origin: ORIGIN, 'content-length': Buffer.byteLength(text) } }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (res.statusCode === 202) accepted += beacons;
        else failed += 1;
        resolve();
      });
    });
    req.on('error', () => { failed += 1; resolve(); });
    req.end(text);
  });
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count && Date.now() < deadline) await one(next++);
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
  return { requests: latencies.length, accepted, failed, seconds, perSecond: accepted / seconds, p50: at(50), p99: at(99) };
}

/** Runs the load test on both stores, writes bench/LOAD.md; the results per store. */
export async function runLoad() {
step('building the collector (release)');
run('cargo', ['build', '--release', '-p', 'journey-collector', '--quiet']);
const dir = mkdtempSync(join(tmpdir(), 'journey-load-'));
const results = [];
try {
  for (const name of ['sqlite', 'clickhouse']) {
    step(`load on ${name}: ${REQUESTS} requests, ${CONCURRENCY} at a time`);
    const clickhouse = name === 'clickhouse' ? await startClickHouse(join(dir, 'ch')) : null;
    const collector = await startCollector({
      bin: BIN,
      quiet: true,
      ...(clickhouse ? { store: `clickhouse:${clickhouse.url}/?database=load` } : { db: join(dir, 'load.db') }),
      allowOrigins: [ORIGIN],
      // The limits in place, set above what one loopback client sends, so their cost is measured.
      extra: ['--rate-limit', '100000', '--portal-rate-limit', '100000', '--report-cache-seconds', '0'],
    });
    try {
      await hammer(collector.url, 300, 1e7); // warm-up: connections, caches, tables
      const result = await hammer(collector.url, REQUESTS);
      results.push({ name, ...result });
      console.log(`${name}: ${result.perSecond.toFixed(0)} beacons/s accepted, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.failed} failed`);
      if (name === 'sqlite') {
        step('sqlite: 100,000 more journeys, then six dashboards read while beacons are written');
        await hammer(collector.url, 2000, 0, bulk);
        const dashboards = readDashboards(collector, 6);
        const during = await hammer(collector.url, 1000, 2e7);
        const answered = await dashboards.stop();
        results.push({ name: 'sqlite, six dashboards reading meanwhile', ...during, dashboards: answered });
        console.log(`sqlite under dashboards: ${during.perSecond.toFixed(0)} beacons/s, p99 ${during.p99.toFixed(1)} ms, ${answered} dashboards`);
      }
    } finally {
      await collector.stop();
      await clickhouse?.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
mkdirSync(join(ROOT, 'bench'), { recursive: true });
const rows = results.map((r) => `| ${r.name} | ${r.requests} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.failed} | ${r.dashboards ?? '–'} |`);
writeFileSync(join(ROOT, 'bench', 'LOAD.md'), `# Collector load test

\`npm run load\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, release build, loopback,
${REQUESTS} requests of 1–3 new beacons each (2 on average), ${CONCURRENCY} in flight, keep-alive, after a
300-request warm-up. Every beacon is validated against the schema and stored durably before the
202. Requests that arrive while the store is writing are written together (group commit):
SQLite one transaction with a savepoint per request (WAL, synchronous FULL); ClickHouse one
duplicate check and one insert per table for all of them, after up to 20 ms of lingering.

The limits are in place (per-client and per-portal rate limits set to 100,000 per second, so
that one loopback client is measured, not refused; the connection cap, header and body
timeouts at their defaults). The third row: the SQLite store after 100,000 more journeys were
added, 1,000 requests while six dashboards are read over and over (each a full report, the
report cache off) — reports run on read-only connections and at most two at once.

| store | requests | beacons/s | p50 ms | p99 ms | failed | dashboards read |
|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}
`);
console.log('wrote bench/LOAD.md');
return results;
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) await runLoad();

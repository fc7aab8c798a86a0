// Starts the pieces a person (npm run demo) or a test (npm test) needs: the reference
// collector (the real Rust binary, real SQLite file) and the demo portal.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, run } from './lib.mjs';

/** Path of the collector binary the debug build makes. */
export const COLLECTOR_BIN = join(ROOT, 'target', 'debug', 'journey-collector');

/** Builds the collector binary (debug profile: the tests build it anyway). */
export function buildCollector() {
  run('cargo', ['build', '-p', 'journey-collector', '--quiet']);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `journey-collector serve` (on the SQLite file `db`, or on `store`, e.g.
 * `clickhouse:http://…`) and resolves once it prints its listening line. It reads with a read
 * token of its own (`readToken`, passed in the environment as an operator would), which
 * `stored()` and `read()` send, and a sender token (`senderToken`) for beacons posted without
 * an Origin.
 * @returns {Promise<{ url: string, beaconsUrl: string, readToken: string, senderToken: string, stop: () => Promise<void>, stored: (query?: string) => Promise<any[]>, read: (path: string) => Promise<Response> }>}
 */
export function startCollector({ db, store, port = 0, allowOrigins = [], quiet = false, bin = COLLECTOR_BIN, extra = [], env = {} }) {
  if (bin === COLLECTOR_BIN && !existsSync(COLLECTOR_BIN)) buildCollector();
  const args = ['serve', ...(store ? ['--store', store] : ['--db', db]), '--listen', `127.0.0.1:${port}`, ...extra];
  for (const origin of allowOrigins) args.push('--allow-origin', origin);
  const readToken = env.JOURNEY_COLLECTOR_READ_TOKEN || `read-${randomBytes(16).toString('hex')}`;
  // For beacons a server relays (no Origin): a test that re-posts what a page sent.
  const senderToken = env.JOURNEY_COLLECTOR_SENDER_TOKEN || `sender-${randomBytes(16).toString('hex')}`;
  const child = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, JOURNEY_COLLECTOR_READ_TOKEN: readToken, JOURNEY_COLLECTOR_SENDER_TOKEN: senderToken, ...env },
  });
  const read = (path) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${readToken}` } });
  let url;
  let log = '';
  child.stderr.on('data', (d) => {
    log += d;
    if (!quiet) process.stderr.write(`[collector] ${d}`);
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`the collector did not start within 30 s:\n${log}`)), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the collector exited with code ${code}:\n${log}`));
    });
    lines.on('line', (line) => {
      const match = line.match(/^journey-collector listening on (http:\/\/\S+)$/);
      if (!match) return;
      clearTimeout(timer);
      url = match[1];
      resolve({
        url,
        beaconsUrl: `${url}/v1/beacons`,
        readToken,
        senderToken,
        read,
        log: () => log,
        stored: async (query = '') => {
          const response = await read(`/v1/beacons?limit=1000${query}`);
          if (!response.ok) throw new Error(`GET /v1/beacons answered ${response.status}`);
          return (await response.json()).beacons;
        },
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/**
 * Starts a private ClickHouse server (Debian's `clickhouse-server`) with its data in `dir`;
 * resolves once it answers over HTTP.
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function startClickHouse(dir) {
  const [http, tcp, interserver] = [await freePort(), await freePort(), await freePort()];
  const child = spawn('clickhouse-server', [
    '--config-file=/etc/clickhouse-server/config.xml', '--',
    `--path=${dir}/`, `--tmp_path=${dir}/tmp/`, `--http_port=${http}`, `--tcp_port=${tcp}`,
    `--interserver_http_port=${interserver}`, `--logger.log=${dir}/log`, `--logger.errorlog=${dir}/err`,
  ], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${http}`;
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/?query=SELECT%201`)).ok) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > until) throw new Error(`ClickHouse did not answer within 30 s (see ${dir}/err)`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: () => new Promise((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    }),
  };
}

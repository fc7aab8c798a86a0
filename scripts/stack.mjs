// Starts the pieces a person (npm run demo) or a test (npm test) needs: the reference
// collector (the real Rust binary, real SQLite file) and the demo portal.
import { spawn } from 'node:child_process';
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
 * Starts `journey-collector serve` and resolves once it prints its listening line.
 * @returns {Promise<{ url: string, beaconsUrl: string, stop: () => Promise<void>, stored: (query?: string) => Promise<any[]> }>}
 */
export function startCollector({ db, port = 0, allowOrigins = [], quiet = false }) {
  if (!existsSync(COLLECTOR_BIN)) buildCollector();
  const args = ['serve', '--db', db, '--listen', `127.0.0.1:${port}`];
  for (const origin of allowOrigins) args.push('--allow-origin', origin);
  const child = spawn(COLLECTOR_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
      const url = match[1];
      resolve({
        url,
        beaconsUrl: `${url}/v1/beacons`,
        log: () => log,
        stored: async (query = '') => {
          const response = await fetch(`${url}/v1/beacons?limit=1000${query}`);
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

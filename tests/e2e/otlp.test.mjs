// data-format="otlp": beacons as OTLP/HTTP JSON log records, cross-origin, to a receiver that
// answers as the OpenTelemetry Collector's otlp receiver does (`POST /v1/logs`, JSON only as
// `application/json`, 415 otherwise, a CORS preflight for the page's origin). The Collector
// itself has no package on this machine: the native test `beacon_schema` decodes the same
// encoding with OpenTelemetry's generated types, and here every beacon the records carry is
// handed to the real journey-probe collector, which validates it against the schema.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib.mjs';
import { startCollector } from '../../scripts/stack.mjs';
import { startStatic } from './support/static.mjs';
import { eventually, launch, openPage, probeReady } from './support/browser.mjs';
import { assertAnonymous } from './support/privacy.mjs';

let dir, collector, browser, site, receiver;

/** An OTLP/HTTP logs receiver that records every request, preflights included; CORS allows
 * the one origin `allowedOrigin()` names. */
function startReceiver(allowedOrigin) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const cors = { 'Access-Control-Allow-Origin': allowedOrigin(), Vary: 'Origin' };
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '600' });
        return res.end();
      }
      if (req.method !== 'POST' || req.url !== '/v1/logs') {
        res.writeHead(404, cors);
        return res.end();
      }
      if ((req.headers['content-type'] || '').split(';')[0] !== 'application/json') {
        res.writeHead(415, { ...cors, 'Content-Type': 'text/plain' });
        return res.end('415 unsupported media type, supported: [application/json, application/x-protobuf]');
      }
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
      res.end('{"partialSuccess":{}}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        requests,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      }),
    ),
  );
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'journey-probe-otlp-'));
  collector = await startCollector({ db: join(dir, 'beacons.db'), allowOrigins: ['*'], quiet: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await receiver?.close();
  await collector?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('OTLP log records reach a cross-origin /v1/logs, while visible and as the page is left', async () => {
  // Two servers on two ports: the receiver is another origin, so every POST is preflighted.
  receiver = await startReceiver(() => site.url);
  site = await startStatic({
    vars: {
      CONFIG_SCRIPT: '',
      TAG_ATTRIBUTES: `data-collector="${receiver.url}/v1/logs" data-service="1.001234" data-format="otlp"`,
    },
  });
  const { context, page, errors } = await openPage(browser);
  const wasmFetched = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasmFetched.push(r.url().split('/').pop()));
  await page.goto(`${site.url}/configured.html`);
  const { journey } = await probeReady(page);
  // The encoder is not in the citizen's wasm: the loader fetched the OTLP flavour, and only it.
  const sizes = JSON.parse(readFileSync(join(ROOT, 'dist', 'sizes.json'), 'utf8'));
  assert.deepEqual(wasmFetched, [sizes.wasmOtlp.file]);
  assert.notEqual(sizes.wasmOtlp.file, sizes.files.wasm.file);
  await page.evaluate(() => window.JourneyProbe.login());
  await page.type('#so_dien_thoai', '0912345678');
  await page.evaluate(() => window.JourneyProbe.submitted()); // sent at once, page visible
  await page.goto('about:blank'); // the page-exit request: keepalive, preflighted
  const posts = await eventually(() => {
    const found = receiver.requests.filter((r) => r.method === 'POST');
    const triggers = found.flatMap((r) => records(r).map((x) => JSON.parse(x.body.stringValue).trigger));
    return triggers.includes('submitted') && triggers.includes('pagehide') ? found : null;
  }, 15_000);
  assert.ok(posts, JSON.stringify(receiver.requests.map((r) => [r.method, r.url])));
  assert.ok(receiver.requests.some((r) => r.method === 'OPTIONS'), 'the browser preflighted the JSON POST');
  assertAnonymous(posts, { path: '/v1/logs', contentType: /^application\/json$/ });
  const beacons = [];
  for (const post of posts) {
    const body = JSON.parse(post.body);
    const resource = body.resourceLogs[0];
    assert.equal(resource.resource.attributes.find((a) => a.key === 'service.name').value.stringValue, 'journey-probe');
    for (const record of records(post)) {
      assert.equal(record.eventName, 'journey_probe.beacon');
      assert.equal(record.timeUnixNano, undefined, 'no absolute time');
      const beacon = JSON.parse(record.body.stringValue);
      const attribute = (key) => record.attributes.find((a) => a.key === key)?.value;
      assert.deepEqual(attribute('journey_probe.journey_id'), { stringValue: journey });
      assert.deepEqual(attribute('journey_probe.seq'), { intValue: String(beacon.seq) });
      beacons.push(beacon);
    }
  }
  // The beacons the records carry are the schema's beacons: the real collector accepts them
  // from a server that relays them (no Origin, so with the sender token).
  const answer = await fetch(collector.beaconsUrl, {
    method: 'POST', body: JSON.stringify(beacons), headers: { authorization: `Bearer ${collector.senderToken}` },
  });
  assert.equal(answer.status, 202, await answer.text()); // all stored
  const stored = await collector.stored(`&journey=${journey}`);
  // A beacon whose answer the page did not live to read is sent again (same id): stored once.
  const unique = new Map(beacons.map((b) => [b.id, b]));
  assert.deepEqual(stored.map((s) => s.beacon.id).sort(), [...unique.keys()].sort());
  const end = stored.find((s) => s.beacon.trigger === 'submitted').beacon;
  assert.equal(end.journey.outcome, 'submitted');
  assert.deepEqual(errors, []);
  await context.close();
});

/** The log records of an OTLP request. */
function records(request) {
  try {
    return JSON.parse(request.body).resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords));
  } catch {
    return [];
  }
}

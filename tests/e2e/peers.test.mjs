// The bench's two peers (scripts/peers.mjs) run in Debian's Chromium: each one, on a small form
// page, raises no page error and beacons to a cross-origin collector when the citizen has typed
// and leaves; the web-vitals peer's beacon names the field but never carries what was typed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildPeers } from '../../scripts/peers.mjs';
import { eventually, launch, openPage } from './support/browser.mjs';

const TYPED_VALUE = 'Trần Thị Bích';
const PREFILLED_VALUE = '001099012345';

let dir, collector, site, browser, peers;

/** Starts an HTTP server on a free loopback port; resolves to its base URL and a close(). */
async function listen(handler) {
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Answers CORS for any origin (credentials included, as boomerang's XHR fallback sends them). */
function allowAnyOrigin(req, res) {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin || '*');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] || 'content-type');
}

/** A collector that keeps every beacon (method, content type, body) and answers 204. */
async function startRecordingCollector() {
  const beacons = [];
  const server = await listen((req, res) => {
    allowAnyOrigin(req, res);
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'OPTIONS') {
        beacons.push({ method: req.method, type: req.headers['content-type'] || '', body: Buffer.concat(chunks).toString('utf8') });
      }
      res.writeHead(204);
      res.end();
    });
  });
  return { ...server, beacons };
}

/** The form page, loading the peer script at `scriptPath`: one pre-filled field, two empty ones. */
function formPage(scriptPath) {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Đăng ký thường trú</title></head>
<body><h1>Đăng ký thường trú</h1>
<form id="dang-ky" action="#" onsubmit="return false">
  <label>Số CCCD <input name="so_cccd" value="${PREFILLED_VALUE}"></label>
  <label>Họ và tên <input id="ho_ten" name="ho_ten" required></label>
  <label>Điện thoại <input name="dien_thoai" type="tel"></label>
  <button type="submit">Gửi</button>
</form>
<script src="${scriptPath}"></script>
</body></html>`;
}

/** Serves /<peer>.html (the form with that peer) and the peers' scripts from `outDir`. */
async function startSite(outDir) {
  return listen((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path.endsWith('.html')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(formPage(`/${basename(path, '.html')}.js`));
      return;
    }
    try {
      const script = readFileSync(join(outDir, basename(path)));
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(script);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
}

/**
 * Loads the form with `peerName`, types into "Họ và tên", waits for `beforeLeaving(page)`, then
 * leaves the page. Returns the page errors and the beacons that arrived since the page was
 * opened, once `arrived(beacons)` holds or 10 s have passed.
 */
async function typeAndLeave(peerName, { beforeLeaving = async () => {}, arrived = (beacons) => beacons.length > 0 } = {}) {
  const firstBeacon = collector.beacons.length;
  const beaconsSinceOpened = () => collector.beacons.slice(firstBeacon);
  const { context, page, errors } = await openPage(browser);
  await page.goto(`${site.url}/${peerName}.html`, { waitUntil: 'load' });
  await page.locator('#ho_ten').click();
  await page.keyboard.type(TYPED_VALUE, { delay: 20 });
  await beforeLeaving(page);
  await page.goto('about:blank');
  await eventually(() => arrived(beaconsSinceOpened()), 10_000);
  await context.close();
  return { errors, beacons: beaconsSinceOpened() };
}

/**
 * Boomerang holds every beacon, the unload one too, until Continuity is complete: Time to
 * Interactive found, or `waitAfterOnload` (5 s) passed after onload. A visit left earlier sends
 * nothing at all, so the test stays on the page until the page-load beacon has gone.
 */
function boomerangPageLoadBeaconSent(page) {
  return page.waitForFunction(() => window.BOOMR && window.BOOMR.hasSentPageLoadBeacon(), null, { timeout: 10_000 });
}

/** Whether a boomerang beacon body is its unload beacon (rt.quit). */
function isUnloadBeacon(beacon) {
  return new URLSearchParams(beacon.body).has('rt.quit');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'journey-probe-peers-'));
  collector = await startRecordingCollector();
  peers = await buildPeers({ outDir: dir, collectorUrl: `${collector.url}/beacon` });
  site = await startSite(dir);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await collector?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('buildPeers writes both scripts and says what they are', () => {
  for (const peer of [peers.webVitals, peers.boomerang]) {
    assert.ok(peer.sizes.raw > 0 && peer.sizes.gzip < peer.sizes.raw && peer.sizes.brotli < peer.sizes.raw);
    assert.equal(readFileSync(peer.file).length, peer.sizes.raw);
  }
  assert.match(peers.webVitals.description, /web-vitals 6\.2\.3/);
  assert.match(peers.boomerang.description, /boomerangjs \d+\.\d+\.\d+.*boomerang\.js, plugins\/.*esbuild/);
  assert.doesNotMatch(readFileSync(peers.boomerang.file, 'utf8'), /%boomerang_version%|BEGIN_DEBUG/);
});

test('web-vitals peer: one JSON beacon on leaving, with field counts and no typed value', async () => {
  const { errors, beacons } = await typeAndLeave('peer-webvitals');
  assert.deepEqual(errors, []);
  assert.equal(beacons.length, 1, 'one beacon per hiding of the page');
  const [beacon] = beacons;
  assert.ok(beacon.body.includes('ho_ten'), 'the field key is in the beacon');
  assert.ok(!beacon.body.includes(TYPED_VALUE) && !beacon.body.includes('Bích'), 'the typed value is not');
  assert.ok(!beacon.body.includes(PREFILLED_VALUE), 'nor the pre-filled value');
  const payload = JSON.parse(beacon.body);
  assert.equal(payload.fields.ho_ten.visits, 1);
  assert.ok(payload.fields.ho_ten.inputs >= TYPED_VALUE.length, 'every typed character counted');
  assert.equal(payload.fields.ho_ten.typed, true);
  assert.equal(typeof payload.fields.ho_ten.focusToInputMs, 'number');
  assert.equal(payload.fields.so_cccd.prefilled, true);
  assert.equal(payload.fields.dien_thoai.prefilled, false);
  for (const name of ['FCP', 'TTFB', 'LCP', 'CLS', 'INP']) assert.ok(payload.vitals[name], `${name} reported`);
});

test('boomerang peer: runs without page errors, beacons at page load and on leaving', async () => {
  const { errors, beacons } = await typeAndLeave('peer-boomerang', {
    beforeLeaving: boomerangPageLoadBeaconSent,
    arrived: (sent) => sent.some(isUnloadBeacon),
  });
  assert.deepEqual(errors, []);
  assert.ok(beacons.length >= 2, 'the page-load beacon and the unload beacon');
  for (const beacon of beacons) {
    assert.equal(beacon.method, 'POST');
    assert.equal(new URLSearchParams(beacon.body).get('v'), peers.boomerang.description.match(/boomerangjs (\S+)/)[1]);
  }
  assert.ok(beacons.some(isUnloadBeacon), 'the unload beacon (rt.quit) arrived');
  const decoded = beacons.map((b) => [...new URLSearchParams(b.body).values()].join('&')).join('\n');
  assert.ok(!decoded.includes('Bích') && !decoded.includes(PREFILLED_VALUE), 'no field value in its beacons either');
});

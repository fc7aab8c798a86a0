// The outbox's rules in real Chromium, against the real collector: a server that is
// misconfigured (403, 404, 413, 415) keeps every beacon until it is fixed; a batch refused with
// 400 for one bad beacon loses only that one (counted in `dropped`); two tabs writing the same
// outbox lose nothing of each other's; a request that is never answered does not hold back the
// rest. Between Chromium and the collector a recording hop, which can also answer for it
// (`tests/e2e/support/recorder.mjs`); the file ends with the privacy audit of every request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector } from '../../scripts/stack.mjs';
import { eventually, openPage, probeReady } from './support/browser.mjs';
import { assertAnonymous } from './support/privacy.mjs';
import { withStack } from './support/stack.mjs';

const SERVICE = '/dich-vu/1.001234';

const stack = withStack('outbox', { portal: { apiDelayMs: 0 }, collectorPort: true });

/** From the service's page to step 1, logging in if the tab's session is not. */
async function toStep1(page) {
  await page.goto(`${stack.portal.url}${SERVICE}`);
  const { journey } = await probeReady(page);
  await page.click('#btn-nop-ho-so');
  await page.waitForURL(/dang-nhap|buoc-1$/);
  if (page.url().includes('dang-nhap')) {
    await probeReady(page);
    await page.click('#btn-vneid');
    await page.waitForURL(/buoc-1$/);
  }
  await probeReady(page);
  await page.waitForSelector('#trang-thai-csdl[data-state="done"]');
  return journey;
}

async function step1To3(page) {
  await page.fill('#noi_o_hien_tai', 'Số 7 ngõ 15 phố Hàng Bông');
  await page.fill('#so_dien_thoai', '0912345678');
  await page.click('#btn-tiep-tuc');
  await page.waitForURL(/buoc-2$/);
  await page.check('#loai_phieu_1');
  await page.fill('#muc_dich', 'Bổ sung hồ sơ xin việc');
  await page.fill('#so_luong', '2');
  await page.focus('#noi_nhan');
  await page.keyboard.press('ArrowDown');
  await page.click('#btn-tiep-tuc');
  await page.waitForURL(/buoc-3$/);
  await probeReady(page);
}

/** The beacons of a journey the collector stored. */
async function storedOf(journey) {
  return (await stack.collector.stored(`&journey=${journey}`)).map((b) => b.beacon);
}

/** Every beacon (id and journey) the browser put in a request to the hop since `from`. */
function beaconsSent(from = 0) {
  const sent = [];
  for (const request of stack.recorder.requests.slice(from)) {
    if (request.method !== 'POST') continue;
    for (const beacon of [JSON.parse(request.body)].flat()) sent.push(beacon);
  }
  return sent;
}

/**
 * Waits until the collector holds the journey with every sequence number from 0 and at least
 * the beacons `done` asks for; returns them sorted by `seq`.
 */
async function whole(journey, done, ms = 20_000) {
  const beacons = await eventually(async () => {
    const stored = (await storedOf(journey)).sort((a, b) => a.seq - b.seq);
    return stored.every((b, i) => b.seq === i) && done(stored) ? stored : null;
  }, ms, 250);
  return beacons ?? (await storedOf(journey)).sort((a, b) => a.seq - b.seq);
}

/** Asserts a journey arrived whole: no gap in its sequence numbers, each beacon stored once. */
function assertWhole(stored, label) {
  assert.ok(stored.length > 0, `${label}: nothing of the journey was stored`);
  const seqs = stored.map((b) => b.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => i), `${label}: no beacon lost: ${JSON.stringify(stored.map((b) => [b.seq, b.trigger, b.page.path]))}`);
  assert.equal(new Set(stored.map((b) => b.id)).size, stored.length, `${label}: each stored once`);
}

test('403, 404, 413 and 415 keep every beacon until the server is fixed', async () => {
  for (const status of [403, 404, 413, 415]) {
    const { context, page, errors } = await openPage(stack.browser);
    stack.recorder.respond = status; // e.g. the portal's origin not yet allowed, a proxy route missing
    const from = stack.recorder.requests.length;
    const journey = await toStep1(page);
    await page.reload(); // one more page: its first request is answered with the error too
    await probeReady(page);
    await eventually(() => stack.recorder.requests.slice(from).filter((r) => r.status === status).length >= 2);
    const refused = stack.recorder.requests.slice(from).filter((r) => r.status === status).length;
    assert.ok(refused >= 2, `${status}: the hop answered ${refused} requests`);

    stack.recorder.respond = null; // fixed
    await page.evaluate(() => window.JourneyProbe.expired()); // a journey's end is sent at once
    const stored = await whole(journey, (s) => s.some((b) => b.trigger === 'expired'));
    assertWhole(stored, String(status));
    assert.ok(stored.some((b) => b.trigger === 'expired'), `${status}: the end arrived`);
    const paths = stored.map((b) => b.page.path);
    for (const path of [SERVICE, '/dang-nhap', `${SERVICE}/buoc-1`]) {
      assert.ok(paths.includes(path), `${status}: ${path} was answered ${status} and arrived after the fix: ${paths}`);
    }
    const ids = new Set(stored.map((b) => b.id));
    for (const beacon of beaconsSent(from).filter((b) => b.journey?.id === journey)) {
      assert.ok(ids.has(beacon.id), `${status}: beacon ${beacon.seq} was sent and never stored`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('a batch refused with 400 for one bad beacon: the others are stored one by one, the bad one counted', async () => {
  const { context, page, errors } = await openPage(stack.browser);
  // A beacon the collector refuses (an older probe's, say), left in this browser's outbox. The
  // loader's URL is a page of the portal's origin on which the probe does not run.
  const BAD = { v: 0, id: 'ffffeeeeddddcccc' };
  await page.goto(`${stack.portal.url}/journey-probe/journey-probe.js`);
  await page.evaluate((bad) => localStorage.setItem('journey-probe:outbox', `outbox1;0;0;0\n${bad}`), JSON.stringify(BAD));

  stack.recorder.respond = 503; // while the store is away, the good beacons pile up behind the bad one
  const from = stack.recorder.requests.length;
  const journey = await toStep1(page);
  await page.reload();
  await probeReady(page);

  stack.recorder.respond = null;
  await page.evaluate(() => window.JourneyProbe.expired());
  const stored = await whole(journey, (s) => s.some((b) => b.trigger === 'expired'));
  assertWhole(stored, 'the journey');
  assert.ok(stored.some((b) => b.trigger === 'expired'), JSON.stringify(stored.map((b) => b.trigger)));
  for (const path of [SERVICE, '/dang-nhap', `${SERVICE}/buoc-1`]) {
    assert.ok(stored.some((b) => b.page.path === path), `${path} arrived`);
  }

  // What the browser sent: the batch with the bad beacon refused whole, then each of its
  // beacons alone, in order, the bad one refused alone.
  const requests = stack.recorder.requests.slice(from).filter((r) => r.method === 'POST');
  const refusedBatch = requests.findIndex((r) => r.status === 400 && JSON.parse(r.body).length > 1);
  assert.ok(refusedBatch >= 0, 'a batch was refused with 400');
  const batch = JSON.parse(requests[refusedBatch].body);
  assert.equal(batch[0].id, BAD.id);
  const alone = requests.slice(refusedBatch + 1, refusedBatch + 1 + batch.length).map((r) => [JSON.parse(r.body), r.status]);
  assert.deepEqual(alone.map(([body]) => body.length), batch.map(() => 1), 'then one beacon per request');
  assert.deepEqual(alone.map(([body]) => body[0].id), batch.map((b) => b.id), 'in the batch\'s order');
  assert.deepEqual(alone.map(([, s]) => s), batch.map((b) => (b.id === BAD.id ? 400 : 202)));
  assert.ok(!(await stack.collector.stored()).some((b) => b.beacon.id === BAD.id), 'the bad one is not stored');

  // The next beacon says one was dropped (it belongs to the next journey: expired() ended this one).
  const { journey: next } = await page.evaluate(() => window.JourneyProbe.snapshot());
  await page.goto(`${stack.portal.url}${SERVICE}`); // leaving the page queues its beacon; this page sends it
  await probeReady(page);
  const counted = await eventually(async () => (await storedOf(next)).find((b) => b.dropped), 15_000);
  assert.equal(counted?.dropped, 1, 'the bad beacon is counted in the next beacon\'s dropped');
  assert.ok(!(await storedOf(journey)).some((b) => b.dropped), 'and nowhere else');
  assert.deepEqual(errors, []);
  await context.close();
});

test('two tabs, the collector down: every beacon of both is stored once when it comes back', async () => {
  const context = await stack.browser.newContext({ locale: 'vi-VN' });
  const errors = [];
  const [a, b] = [await context.newPage(), await context.newPage()];
  for (const p of [a, b]) p.on('pageerror', (e) => errors.push(String(e)));
  const from = stack.recorder.requests.length;

  await stack.collector.stop(); // the hop answers 502
  const journeyB = await toStep1(b); // B logs in (the tabs share the portal's session)
  const journeyA = await toStep1(a); // B's step 1 read the outbox before any of A's beacons
  await a.goto('about:blank'); // A leaves for good: its last beacon waits in the outbox
  const waiting = await b.evaluate(() => localStorage.getItem('journey-probe:outbox'));
  assert.ok(waiting.includes(`${SERVICE}/buoc-1`), 'A\'s last beacon is stored');
  await b.fill('#noi_o_hien_tai', 'Số 7 ngõ 15 phố Hàng Bông');
  await b.fill('#so_dien_thoai', '0912345678');
  await b.click('#btn-tiep-tuc'); // B saves: its page is left, its next page loads
  await b.waitForURL(/buoc-2$/);
  await probeReady(b);

  stack.collector = await startCollector({ db: stack.db, port: stack.collectorPort, allowOrigins: [new URL(stack.portal.url).origin], quiet: true });
  await b.evaluate(() => window.JourneyProbe.expired()); // B's journey ends: what waits is sent
  const storedA = await whole(journeyA, (s) => s.some((x) => x.page.path === `${SERVICE}/buoc-1`));
  const storedB = await whole(journeyB, (s) => s.some((x) => x.trigger === 'expired'));
  assertWhole(storedA, 'tab A');
  assertWhole(storedB, 'tab B');
  assert.equal(storedA.at(-1)?.page.path, `${SERVICE}/buoc-1`, 'A\'s last beacon survived B\'s saves');
  assert.ok(storedB.some((x) => x.page.path === `${SERVICE}/buoc-1`) && storedB.at(-1).trigger === 'expired');
  const ids = new Set([...storedA, ...storedB].map((x) => x.id));
  for (const beacon of beaconsSent(from)) {
    assert.ok(ids.has(beacon.id), `beacon ${beacon.seq} of ${beacon.journey.id === journeyA ? 'A' : 'B'} was sent and never stored`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a request that is never answered is given up after 15 s and the beacons arrive', async () => {
  const { context, page, errors } = await openPage(stack.browser);
  const journey = await toStep1(page);
  await step1To3(page);
  stack.recorder.respond = 'hang'; // accepts the connection, never answers
  const from = stack.recorder.requests.length;
  await page.check('#cam_ket');
  await page.click('#btn-nop');
  await page.waitForURL(/bien-nhan\//);
  await probeReady(page);
  // Step 3's last beacon went as its page was left; the receipt's first request carries it
  // again and hangs, and the submission queues behind it.
  const hung = await eventually(() => stack.recorder.requests.slice(from).filter((r) => r.method === 'POST').length >= 2);
  assert.ok(hung, 'requests went into the hang');
  assert.match(await page.evaluate(() => localStorage.getItem('journey-probe:outbox')), /"trigger":"submitted"/);
  await page.evaluate(() => window.JourneyProbe.rate(5)); // queued behind the request under way
  stack.recorder.respond = null; // the collector answers again; the hanging request stays hanging

  // The citizen stays on the receipt: no page is left, nothing else happens.
  const started = Date.now();
  const stored = await whole(journey, (s) => s.some((b) => b.trigger === 'rating'), 40_000);
  assertWhole(stored, 'the journey');
  assert.ok(stored.some((b) => b.trigger === 'submitted') && stored.some((b) => b.trigger === 'rating'),
    JSON.stringify(stored.map((b) => b.trigger)));
  assert.ok(Date.now() - started > 8_000, 'not before the timeout');
  assert.deepEqual(errors, [], 'the aborted request is no error on the page');
  await context.close();
});

test('nothing identifying left the browser in any request of this file', () => {
  assert.ok(assertAnonymous(stack.recorder.requests) > 0, 'requests were recorded');
});

// Delivery that loses nothing: the collector is killed in the middle of a journey and started
// again before its end; every beacon of the journey must be stored, each exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../../demo/server.mjs';
import { startCollector } from '../../scripts/stack.mjs';
import { eventually, openPage, probeReady } from './support/browser.mjs';
import { assertAnonymous } from './support/privacy.mjs';
import { withStack } from './support/stack.mjs';
import { loginToStepOne } from './support/citizen.mjs';

const SERVICE = '/dich-vu/1.001234';

const stack = withStack('delivery', { portal: { apiDelayMs: 0 }, collectorPort: true });

test('killed mid-journey, restarted before the end: every beacon arrives, each stored once', async () => {
  const { context, page, errors } = await openPage(stack.browser);
  const { journey } = await loginToStepOne(page, stack.portal.url, { onStepOne: () => probeReady(page) });
  await page.fill('#noi_o_hien_tai', 'Số 7 ngõ 15 phố Hàng Bông');
  await page.fill('#so_dien_thoai', '0912345678');

  await stack.collector.stop(); // the collector goes down
  await page.click('#btn-tiep-tuc');
  await page.waitForURL(/buoc-2$/);
  await page.check('#loai_phieu_1');
  await page.fill('#muc_dich', 'Bổ sung hồ sơ xin việc');
  await page.fill('#so_luong', '2');
  await page.focus('#noi_nhan');
  await page.keyboard.press('ArrowDown');
  await page.click('#btn-tiep-tuc');
  await page.waitForURL(/buoc-3$/);
  const waiting = await page.evaluate(() => localStorage.getItem('journey-probe:outbox'));
  assert.ok(waiting && waiting.split('\n').length > 1, 'beacons wait in the outbox while the collector is down');

  stack.collector = await startCollector({ db: stack.db, port: stack.collectorPort, allowOrigins: [new URL(stack.portal.url).origin], quiet: true });
  await page.check('#cam_ket');
  await page.click('#btn-nop');
  await page.waitForURL(/bien-nhan\//);
  await probeReady(page);
  await page.goto(`${stack.portal.url}/dich-vu/1.001234`); // one more page: it sends what still waits
  await probeReady(page);

  const stored = await eventually(async () => {
    const beacons = (await stack.collector.stored(`&journey=${journey}`)).map((b) => b.beacon);
    const seqs = beacons.map((b) => b.seq).sort((a, b) => a - b);
    const complete = beacons.some((b) => b.trigger === 'submitted') && seqs.every((s, i) => s === i);
    return complete && seqs.length >= 7 ? beacons : null;
  }, 15_000);
  assert.ok(stored, 'the journey arrived whole');
  const seqs = stored.map((b) => b.seq).sort((a, b) => a - b);
  assert.deepEqual(seqs, seqs.map((_, i) => i), 'no beacon lost: sequence numbers without gaps');
  assert.equal(new Set(stored.map((b) => b.id)).size, stored.length, 'each stored once');
  const paths = stored.map((b) => b.page.path);
  for (const step of [`${SERVICE}/buoc-1`, `${SERVICE}/buoc-2`, `${SERVICE}/buoc-3`]) {
    assert.ok(paths.includes(step), `${step} was sent while the collector was down and arrived later`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

/** Beacons the collector stored for a journey, after giving the browser time to send. */
async function storedFor(journey, ms = 1_500) {
  await new Promise((r) => setTimeout(r, ms));
  return (await stack.collector.stored(`&journey=${journey}`)).map((b) => b.beacon);
}

test('with data-consent="required" nothing is sent until consent(true)', async (t) => {
  const held = await startDemo({ port: 0, collectorUrl: stack.collector.beaconsUrl, apiDelayMs: 0, probeAttrs: { 'data-consent': 'required' } });
  const { context, page, errors } = await openPage(stack.browser);
  t.after(() => Promise.all([context.close(), held.close()]));
  // The collector must accept this second portal's origin: restart it with both.
  await stack.collector.stop();
  stack.collector = await startCollector({ db: stack.db, port: stack.collectorPort, allowOrigins: [new URL(stack.portal.url).origin, new URL(held.url).origin], quiet: true });
  await page.goto(`${held.url}${SERVICE}`);
  const { journey } = await probeReady(page);
  await page.click('#btn-nop-ho-so');
  await page.waitForURL(/dang-nhap/);
  await probeReady(page);
  assert.deepEqual(await storedFor(journey), [], 'nothing sent without consent');
  assert.equal(await page.evaluate(() => localStorage.getItem('journey-probe:outbox')), null, 'nothing stored either');
  await page.evaluate(() => window.JourneyProbe.consent(true));
  await page.click('#btn-vneid'); // leaving the login page sends its beacon
  await page.waitForURL(/buoc-1$/);
  await probeReady(page);
  await page.goto('about:blank');
  const sent = await eventually(async () => {
    const b = await storedFor(journey, 200);
    return b.length ? b : null;
  });
  assert.ok(sent, 'consent given: beacons arrive');
  assert.ok(sent.some((b) => b.page.path === '/dang-nhap'), JSON.stringify(sent.map((b) => b.page.path)));
  assert.deepEqual(errors, []);
  await context.close();
  await held.close();
});

test('with Global Privacy Control on, nothing is sent or stored', async () => {
  const { context, page, errors } = await openPage(stack.browser);
  await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  await page.goto(`${stack.portal.url}${SERVICE}`);
  const { journey } = await probeReady(page);
  await page.click('#btn-nop-ho-so');
  await page.waitForURL(/dang-nhap/);
  await page.click('#btn-vneid');
  await page.waitForURL(/buoc-1$/);
  await probeReady(page);
  await page.goto('about:blank');
  assert.deepEqual(await storedFor(journey), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('optOut() stops the probe and deletes what it stored; it stays off', async () => {
  const { context, page, errors } = await openPage(stack.browser);
  await page.goto(`${stack.portal.url}${SERVICE}`);
  const { journey } = await probeReady(page);
  await page.click('#btn-nop-ho-so');
  await page.waitForURL(/dang-nhap/);
  await probeReady(page);
  await page.evaluate(() => window.JourneyProbe.optOut());
  const kept = await page.evaluate(() => [sessionStorage.getItem('journey-probe:v1'), localStorage.getItem('journey-probe:outbox'), localStorage.getItem('journey-probe:opt-out')]);
  assert.deepEqual(kept, [null, null, '1']);
  assert.equal(await page.evaluate(() => window.JourneyProbe.snapshot()), null, 'stopped');
  const before = (await storedFor(journey, 500)).length;
  await page.click('#btn-vneid');
  await page.waitForURL(/buoc-1$/);
  await page.waitForFunction(() => window.JourneyProbe && window.JourneyProbe.version);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
  assert.equal(await page.evaluate(() => window.JourneyProbe.snapshot()), null, 'off on the next page too');
  await page.goto('about:blank');
  assert.equal((await storedFor(journey)).length, before, 'nothing more sent');
  assert.deepEqual(errors, []);
  await context.close();
});

test('nothing identifying left the browser in any request of this file', () => {
  assert.ok(assertAnonymous(stack.recorder.requests) > 0, 'requests were recorded');
});

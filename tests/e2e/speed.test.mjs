// Page speed in Chromium: on a page with a late large image (LCP), a banner that pushes the
// content down (CLS) and a field whose click handler blocks for 300 ms (INP), the probe's LCP,
// CLS and INP agree with the web-vitals library's, measured in the same page load, within
// 10 %; the beacon sent as the page is left carries them, and INP names the slow field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, openPage, probeReady } from './support/browser.mjs';
import { assertAnonymous } from './support/privacy.mjs';
import { startStatic } from './support/static.mjs';
import { withStack } from './support/stack.mjs';

const stack = withStack('speed', { site: (s) => startStatic({ vars: { TAG_ATTRIBUTES: `data-collector="${s.recorder.url}/v1/beacons" data-service="1.001234"` } }) });

const within = (probe, reference, what) => {
  assert.ok(typeof probe === 'number' && typeof reference === 'number', `${what}: probe ${probe}, web-vitals ${reference}`);
  assert.ok(Math.abs(probe - reference) <= Math.max(reference * 0.1, 10), `${what}: probe ${probe}, web-vitals ${reference}`);
};

test('LCP, CLS and INP agree with web-vitals within 10 %, and the beacon carries them', async () => {
  const { context, page, errors } = await openPage(stack.browser);
  await page.goto(`${stack.site.url}/speed.html`);
  const { journey } = await probeReady(page);
  await page.waitForFunction(() => document.getElementById('hero').complete && document.getElementById('banner'));
  await page.waitForTimeout(400);
  await page.click('#ma_so_thue'); // the slow field: a 300 ms handler
  await page.waitForTimeout(600);
  const wv = await page.evaluate(() => window.wv);
  const speed = (await page.evaluate(() => window.JourneyProbe.snapshot())).speed;
  assert.ok(wv.lcp > 1200, `the late image is the LCP: ${wv.lcp}`);
  within(speed.lcp_ms, wv.lcp, 'LCP');
  assert.ok(wv.cls > 0.05, `the banner shifted the page: ${wv.cls}`);
  within(speed.cls_x1000 / 1000, wv.cls, 'CLS');
  assert.ok(wv.inp >= 300, `the slow handler: ${wv.inp}`);
  within(speed.inp_ms, wv.inp, 'INP');
  within(speed.fcp_ms, wv.fcp, 'FCP');
  within(speed.ttfb_ms, wv.ttfb, 'TTFB');
  assert.equal(speed.inp_field, 'ma_so_thue', 'the slow interaction is named by its field');
  assert.ok(speed.long_tasks >= 1 && speed.long_task_ms >= 300, JSON.stringify(speed));
  await page.goto('about:blank');
  const beacon = await eventually(async () => (await stack.collector.stored(`&journey=${journey}`)).map((s) => s.beacon).find((b) => b.page.speed));
  assert.ok(beacon, 'the page beacon arrived with its speed');
  assert.deepEqual(
    [beacon.page.speed.lcp_ms, beacon.page.speed.cls_x1000, beacon.page.speed.inp_ms, beacon.page.speed.inp_field],
    [speed.lcp_ms, speed.cls_x1000, speed.inp_ms, 'ma_so_thue'],
    'the final values, as the snapshot had them',
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test('nothing identifying left the browser in any request of this file', () => {
  assert.ok(assertAnonymous(stack.recorder.requests) > 0, 'requests were recorded');
});

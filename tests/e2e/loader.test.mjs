// The loader: one classic <script> tag or an ES module import, a queue for early calls,
// idempotent inclusion, and wasm served with the wrong MIME type.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startCollector } from '../../scripts/stack.mjs';
import { startStatic } from './support/static.mjs';
import { eventually, launch, openPage, probeReady } from './support/browser.mjs';
import { assertAnonymous } from './support/privacy.mjs';
import { startRecorder } from './support/recorder.mjs';

let dir, collector, recorder, browser;
const servers = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'journey-probe-loader-'));
  collector = await startCollector({ db: join(dir, 'beacons.db'), allowOrigins: ['*'], quiet: true });
  recorder = await startRecorder(collector.url);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
  await recorder?.close();
  await collector?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function serve(options = {}) {
  const server = await startStatic({ ...options, vars: { COLLECTOR: `${recorder.url}/v1/beacons`, ...(options.vars || {}) } });
  servers.push(server);
  return server;
}

test('one classic script tag: queued calls replayed, fields below the tag found', async () => {
  const server = await serve();
  const { context, page, errors, console: messages } = await openPage(browser);
  await page.goto(`${server.url}/form.html`);
  const snapshot = await probeReady(page);
  assert.equal(snapshot.logged_in, true, "the queued push(['login']) ran");
  assert.deepEqual(snapshot.fields.map((f) => [f.key, f.origin]), [
    ['ho_ten', 'declared'],
    ['dien_thoai', 'empty'],
    ['truong_cuoi', 'empty'],
  ]);
  const unknown = messages.filter((m) => m.text.includes('unknown command "no-such-command"'));
  assert.equal(unknown.length, 1, 'an unknown queued command is named once');
  assert.match(unknown[0].text, /accepted commands are login, submitted/);
  await page.evaluate(() => window.earlyQueue.push(['submitted']));
  assert.equal((await page.evaluate(() => window.JourneyProbe.snapshot())).submitted, true, 'a push on the kept array still arrives');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a second script tag is harmless: one API, one beacon per hide', async () => {
  const second = '<script src="/journey-probe/journey-probe.js" async data-collector="{{COLLECTOR}}" data-service="1.001234"></script>';
  const server = await serve({ vars: { SECOND_TAG: second.replace('{{COLLECTOR}}', collector.beaconsUrl) } });
  const { context, page, errors } = await openPage(browser);
  await page.goto(`${server.url}/form.html`);
  const { journey } = await probeReady(page);
  assert.equal(await page.evaluate(() => document.querySelectorAll('script[src*="journey-probe.js"]').length), 2);
  await page.goto('about:blank');
  const stored = await eventually(async () => {
    const b = await collector.stored(`&journey=${journey}`);
    return b.length ? b : null;
  });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await collector.stored(`&journey=${journey}`)).length, 1, 'the page was counted once');
  assert.equal(stored[0].beacon.trigger, 'pagehide');
  assert.deepEqual(errors, []);
  await context.close();
});

test('wasm served as application/octet-stream still loads (no streaming compile)', async () => {
  const server = await serve({ wasmType: 'application/octet-stream' });
  const { context, page, errors, console: messages } = await openPage(browser);
  await page.goto(`${server.url}/form.html`);
  const snapshot = await probeReady(page);
  assert.equal(snapshot.service, '1.001234');
  // The browser's own favicon 404 aside, nothing went wrong.
  assert.deepEqual(messages.filter((m) => m.type === 'error' && /wasm|WebAssembly|journey-probe|MIME/i.test(m.text)), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the ES module entry works for bundler users', async () => {
  const server = await serve();
  const { context, page, errors } = await openPage(browser);
  await page.goto(`${server.url}/module.html`);
  const snapshot = await probeReady(page);
  assert.deepEqual(snapshot.fields.map((f) => [f.key, f.origin, f.source]), [['ho_ten', 'declared', 'CSDLQG-DC']]);
  assert.equal(await page.evaluate(() => window.startedVersion), await page.evaluate(() => window.JourneyProbe.version));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a missing wasm file leaves the page alone with one warning', async () => {
  const server = await serve();
  const { context, page, errors, console: messages } = await openPage(browser);
  await page.route(/\.wasm$/, (route) => route.fulfill({ status: 404, body: '' }));
  await page.goto(`${server.url}/form.html`);
  const warning = await eventually(() => messages.find((m) => m.text.startsWith('journey-probe: could not load')));
  assert.ok(warning, JSON.stringify(messages));
  assert.match(warning.text, /HTTP 404/);
  assert.equal(await page.evaluate(() => window.JourneyProbe.snapshot()), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('data-login-selector and data-success-selector start and end the journey as the elements appear', async () => {
  const server = await serve();
  const { context, page, errors } = await openPage(browser);
  await page.goto(`${server.url}/selectors.html`);
  const before = await probeReady(page);
  assert.equal(before.logged_in, false);
  await page.evaluate(() => window.showLoggedIn());
  await page.waitForFunction(() => window.JourneyProbe.snapshot().logged_in === true);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  await page.evaluate(() => window.showReceipt());
  await page.waitForFunction(() => window.JourneyProbe.snapshot().submitted === true);
  const stored = await eventually(async () => {
    const b = await collector.stored(`&journey=${before.journey}`);
    return b.find((x) => x.beacon.trigger === 'submitted') ? b : null;
  });
  const end = stored.find((x) => x.beacon.trigger === 'submitted').beacon;
  assert.equal(end.journey.outcome, 'submitted');
  assert.ok(end.journey.duration_ms >= 300 && end.journey.duration_ms < 5_000, `${end.journey.duration_ms} ms`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('one journey across an in-page view, a mark and three full page loads: every step in order', async () => {
  const server = await serve();
  const { context, page, errors } = await openPage(browser);
  await page.goto(`${server.url}/spa.html`);
  const { journey } = await probeReady(page);
  await page.type('[name=ho_ten]', 'Lê Văn Một Trang');
  await page.evaluate(() => window.go('/dich-vu/1.001234/buoc-2', '<h1>Bước 2</h1><input name="so_dien_thoai">'));
  await page.waitForFunction(() => window.JourneyProbe.snapshot().path === '/dich-vu/1.001234/buoc-2');
  await page.type('[name=so_dien_thoai]', '0987654321');
  await page.evaluate(() => { location.hash = '#xem-lai'; }); // same path: no new step
  await page.evaluate(() => window.JourneyProbe.mark('xac-nhan'));
  await page.goto(`${server.url}/form.html`); // full page loads, same tab, same journey
  await probeReady(page);
  await page.goto(`${server.url}/selectors.html`);
  assert.equal((await probeReady(page)).journey, journey, 'the journey survived the page loads');
  await page.evaluate(() => window.JourneyProbe.submitted());
  const stored = await eventually(async () => {
    const b = await collector.stored(`&journey=${journey}`);
    return b.find((x) => x.beacon.trigger === 'submitted') ? b : null;
  }, 20_000);
  assert.ok(stored, 'the journey end arrived');
  const end = stored.find((x) => x.beacon.trigger === 'submitted').beacon;
  assert.deepEqual(end.journey.steps.map((s) => s.name), [
    '/spa.html',
    '/dich-vu/1.001234/buoc-2',
    'xac-nhan',
    '/form.html',
    '/selectors.html',
  ]);
  assert.equal(end.page.path, '/selectors.html');
  assert.equal(end.page.n, 2, 'three page views: 0, 1, 2');
  assert.deepEqual(errors, []);
  await context.close();
});

test('window.JourneyProbeConfig configures a tag without attributes; the tag wins where both speak', async () => {
  const config = `window.JourneyProbeConfig = { collector: ${JSON.stringify(`${recorder.url}/v1/beacons`)}, service: '2.000111', targetSeconds: 480, allowParams: ['buoc', 'tab'] };`;
  const server = await serve({ vars: { CONFIG_SCRIPT: config, TAG_ATTRIBUTES: 'data-service="1.001234"' } });
  const { context, page, errors, console: messages } = await openPage(browser);
  await page.goto(`${server.url}/configured.html?buoc=2&cccd=001190012345`);
  const { journey, service, path } = await probeReady(page);
  assert.equal(service, '1.001234', 'the attribute on the tag wins');
  assert.equal(path, '/configured.html?buoc=2', 'allowParams from the object applies');
  const overridden = messages.filter((m) => m.text.startsWith('journey-probe: '));
  assert.deepEqual(overridden.map((m) => m.text), [
    'journey-probe: data-service="1.001234" on the script tag is used; window.JourneyProbeConfig.service = "2.000111" is ignored',
  ]);
  await page.evaluate(() => window.JourneyProbe.login());
  await page.goto('about:blank');
  const stored = await eventually(async () => (await collector.stored(`&journey=${journey}`))[0]);
  assert.equal(stored.beacon.journey.target_s, 480, 'targetSeconds from the object applies');
  assert.deepEqual(errors, []);
  await context.close();
});

test('mistakes in window.JourneyProbeConfig are named as properties and keep the probe off', async () => {
  const config = "window.JourneyProbeConfig = { colector: '/v1/beacons', collector: '/v1/beacons', service: '1.001234', targetSeconds: 'năm phút' };";
  const server = await serve({ vars: { CONFIG_SCRIPT: config, TAG_ATTRIBUTES: '' } });
  const { context, page, errors, console: messages } = await openPage(browser);
  await page.goto(`${server.url}/configured.html`);
  const warnings = await eventually(() => {
    const found = messages.filter((m) => m.type === 'warning' && m.text.startsWith('journey-probe: '));
    return found.length >= 2 ? found : null;
  });
  assert.ok(warnings, JSON.stringify(messages));
  assert.match(warnings[0].text, /^journey-probe: window\.JourneyProbeConfig\.colector is not an option journey-probe reads \(it is ignored\); accepted: collector, service, /);
  assert.equal(
    warnings[1].text,
    'journey-probe: window.JourneyProbeConfig.targetSeconds = "năm phút" is not accepted: expected a whole number of seconds from 1 to 86400 (e.g. 300, the 2026 target). The probe is off on this page.',
  );
  await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  assert.equal(await page.evaluate(() => window.JourneyProbe.snapshot()), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a journey outside data-sample sends and stores nothing, on every page it crosses', async () => {
  const server = await serve({ vars: { CONFIG_SCRIPT: '', TAG_ATTRIBUTES: `data-collector="${recorder.url}/v1/beacons" data-service="1.001234" data-sample="0.000001"` } });
  const { context, page, errors } = await openPage(browser);
  const sentBefore = recorder.requests.length;
  await page.goto(`${server.url}/configured.html`);
  const { journey } = await probeReady(page);
  await page.evaluate(() => window.JourneyProbe.login());
  await page.type('#so_dien_thoai', '0987654321');
  await page.goto(`${server.url}/configured.html?buoc=2`); // the next page: same journey, same decision
  assert.equal((await probeReady(page)).journey, journey);
  await page.evaluate(() => window.JourneyProbe.submitted());
  assert.equal(await page.evaluate(() => localStorage.getItem('journey-probe:outbox')), null, 'nothing stored to send');
  await page.goto('about:blank');
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(recorder.requests.slice(sentBefore).filter((r) => r.body.includes(journey)), [], 'nothing sent');
  assert.deepEqual(errors, []);
  await context.close();
});

test('nothing identifying left the browser in any request of this file', () => {
  assert.ok(assertAnonymous(recorder.requests) > 0, 'requests were recorded');
});

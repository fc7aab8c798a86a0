// Field instrumentation end to end: on test pages filled by plain DOM script, jQuery, a React
// controlled form, Chromium's real autofill, open shadow roots and ARIA widgets, a scripted
// citizen types, pastes, picks and corrects; the probe's snapshot and the beacon the real
// collector stores must say where every value came from — and no value may leave the browser.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib.mjs';
import { startCollector } from '../../scripts/stack.mjs';
import { startRecorder } from './support/recorder.mjs';
import { assertAnonymous } from './support/privacy.mjs';
import { startStatic } from './support/static.mjs';
import { eventually, launch, openPage } from './support/browser.mjs';
import { buildBundles } from './fields/bundle.mjs';
import { scenarios, waitForProbe } from './fields/scenarios.mjs';

let dir, collector, recorder, server, browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'journey-probe-fields-'));
  await buildBundles(join(dir, 'bundles'));
  collector = await startCollector({ db: join(dir, 'beacons.db'), allowOrigins: ['*'], quiet: true });
  recorder = await startRecorder(collector.url);
  server = await startStatic({
    pagesDir: join(ROOT, 'tests', 'e2e', 'fields', 'pages'),
    bundlesDir: join(dir, 'bundles'),
    vars: { COLLECTOR: `${recorder.url}/v1/beacons` },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await recorder?.close();
  await collector?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What the snapshot says of the fields still on the page, as the scenarios write it. */
function origins(snapshot) {
  const out = {};
  for (const f of snapshot.fields.filter((f) => !f.removed)) {
    out[f.key] = { origin: f.origin, overwritten: f.overwritten, ...(f.source ? { source: f.source } : {}) };
  }
  return out;
}

function expectedOf(scenario) {
  const out = {};
  for (const [key, e] of Object.entries(scenario.expected)) {
    out[key] = { origin: e.origin, overwritten: Boolean(e.overwritten), ...(e.source ? { source: e.source } : {}) };
  }
  return out;
}

describe('every origin, classified on real pages', () => {
  for (const scenario of scenarios) for (const order of scenario.orders ?? ['first']) {
    test(order === 'first' ? scenario.name : `${scenario.name}, the probe loaded last`, async () => {
      const { context, page, errors } = await openPage(browser);
      const cdp = await context.newCDPSession(page);
      const ctx = {
        cdp,
        grantClipboard: () => context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url }),
      };
      await page.goto(`${server.url}/${scenario.page}${order === 'last' ? '?probe=last' : ''}`);
      await scenario.act(page, ctx);
      const snapshot = await waitForProbe(page);
      assert.deepEqual(origins(snapshot), expectedOf(scenario), JSON.stringify(snapshot.fields, null, 1));

      // The beacon the collector stores says the same, and carries nothing the citizen typed.
      const { journey } = snapshot;
      const storedInTab = await page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
      assert.match(storedInTab, /journey-probe:v1/);
      await page.goto('about:blank');
      const stored = await eventually(async () => {
        const b = await collector.stored(`&journey=${journey}`);
        return b.length ? b : null;
      });
      assert.ok(stored, 'the page beacon arrived');
      const beacon = stored.at(-1).beacon;
      const fromBeacon = {};
      for (const form of beacon.forms) {
        for (const f of form.fields.filter((f) => !f.removed)) {
          fromBeacon[f.key] = { origin: f.origin, overwritten: Boolean(f.overwritten), ...(f.source ? { source: f.source } : {}) };
        }
      }
      assert.deepEqual(fromBeacon, expectedOf(scenario));
      const raw = recorder.requests.filter((r) => r.body.includes(journey)).map((r) => r.url + '\n' + r.rawHeaders.join('\n') + '\n' + r.body);
      assert.ok(raw.length > 0);
      // Nothing typed or pre-filled in any request, nor in what the probe shows or stores.
      const kept = [JSON.stringify(snapshot), stored.map((b) => JSON.stringify(b.beacon)).join('\n'), storedInTab];
      for (const secret of scenario.secrets) {
        for (const request of raw) assert.ok(!request.includes(secret), `a beacon carried ${JSON.stringify(secret)}`);
        for (const text of kept) assert.ok(!text.includes(secret), `the snapshot or sessionStorage carried ${JSON.stringify(secret)}`);
      }
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
});

describe('pages that are large or never still', () => {
  test('2,000 fields: every one found, classified, and the beacon stays small', async () => {
    const { context, page, errors } = await openPage(browser);
    await page.goto(`${server.url}/many.html`);
    const snapshot = await waitForProbe(page);
    const serverFilled = await page.evaluate(() => window.serverFilledNames);
    assert.equal(await page.evaluate(() => window.fieldCount), 2000);
    assert.equal(snapshot.fields.length, 2000);
    assert.equal(snapshot.forms.length, 20);
    const serverKeys = snapshot.fields.filter((f) => f.origin === 'server').map((f) => f.key).sort();
    assert.deepEqual(serverKeys, [...serverFilled].sort());
    // The citizen types into a field deep in the page.
    const target = snapshot.fields.find((f) => f.origin === 'empty' && f.form === snapshot.forms[19].key);
    await page.fill(`[name="${target.key}"]`, 'Nguyễn Văn Nhiều');
    const after = await page.evaluate(() => window.JourneyProbe.snapshot());
    assert.equal(after.fields.find((f) => f.key === target.key).origin, 'user');
    await page.goto('about:blank');
    const stored = await eventually(async () => {
      const b = await collector.stored(`&journey=${snapshot.journey}`);
      return b.length ? b : null;
    });
    const { beacon } = stored.at(-1);
    assert.equal(beacon.fields.total, 2000);
    assert.equal(beacon.fields.server, serverFilled.length);
    assert.equal(beacon.fields.user, 1);
    const described = beacon.forms.reduce((n, f) => n + f.fields.length, 0);
    const omitted = beacon.forms.reduce((n, f) => n + (f.omitted || 0), 0);
    assert.deepEqual([described, described + omitted], [100, 2000]);
    const raw = recorder.requests.find((r) => r.body.includes(snapshot.journey));
    assert.ok(raw.body.length < 16 * 1024, `${raw.body.length} bytes`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('fields added and removed all the time: the live ones are watched, the model stays bounded', async () => {
    const { context, page, errors } = await openPage(browser);
    await page.goto(`${server.url}/churn.html`);
    await waitForProbe(page);
    await page.type('#ho_ten_chu_ho', 'Trần Thị Luân Chuyển'); // typing while the list churns
    await page.waitForFunction(() => window.churnAdded() > 150);
    const added = await page.evaluate(() => window.stopChurn());
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50))); // the last mutations delivered
    const live = await page.evaluate(() => window.liveFieldNames());
    const snapshot = await page.evaluate(() => window.JourneyProbe.snapshot());
    const watched = snapshot.fields.filter((f) => !f.removed).map((f) => f.key);
    assert.deepEqual([...watched].sort(), [...live].sort(), 'exactly the fields on the page');
    assert.ok(added > 150 && snapshot.fields.length === live.length, `${added} added, ${snapshot.fields.length} in the snapshot`);
    assert.equal(snapshot.fields.find((f) => f.key === 'ho_ten_chu_ho').origin, 'user');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

test('nothing identifying left the browser in any request of this file', () => {
  assert.ok(assertAnonymous(recorder.requests) > 0, 'requests were recorded');
});

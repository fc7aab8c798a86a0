// The QA overlay on the demo portal in Chromium: off for citizens (not even downloaded), on in
// four ways and kept for the tab (none of them with a production portal's data-overlay="never"),
// outlines that agree with snapshot(), a journey panel that follows the citizen through every
// step, a beacon log with the very bytes the collector received, screenshots at desktop and
// phone widths (written to target/screenshots/), the page's layout and events untouched, and
// axe-core's checks of the overlay's own markup.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startDemo } from '../../demo/server.mjs';
import { ROOT } from '../../scripts/lib.mjs';
import { startCollector } from '../../scripts/stack.mjs';
import { eventually, launch, openPage, probeReady } from './support/browser.mjs';
import { assertAnonymous } from './support/privacy.mjs';
import { startRecorder } from './support/recorder.mjs';
import { startStatic } from './support/static.mjs';

const SERVICE = '/dich-vu/1.001234';
const SHOTS = join(ROOT, 'target', 'screenshots');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** Wide enough that the docked panel sits beside the demo's content column. */
const WIDE = { width: 1920, height: 1080 };
let dir, collector, recorder, portal, browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'journey-probe-overlay-'));
  mkdirSync(SHOTS, { recursive: true });
  collector = await startCollector({ db: join(dir, 'beacons.db'), allowOrigins: ['*'], quiet: true });
  recorder = await startRecorder(collector.url);
  portal = await startDemo({ port: 0, collectorUrl: `${recorder.url}/v1/beacons`, apiDelayMs: 0 });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await portal?.close();
  await recorder?.close();
  await collector?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A page in a fresh context of the given size, recording the requests it makes. */
async function open(viewport = WIDE) {
  const opened = await openPage(browser);
  await opened.context.close();
  const context = await browser.newContext({ locale: 'vi-VN', viewport });
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  return { context, page, errors, requests };
}

const panel = (page) => page.locator('#journey-probe-overlay .panel');
const overlayShown = (page) => page.waitForSelector('#journey-probe-overlay .panel', { timeout: 15_000 });
const hasOverlay = (page) => page.evaluate(() => Boolean(document.getElementById('journey-probe-overlay')));

/** What the panel's journey section says now. */
function journeyPanel(page) {
  return page.evaluate(() => {
    const root = document.getElementById('journey-probe-overlay').shadowRoot;
    const text = (sel) => root.querySelector(sel)?.textContent ?? null;
    return {
      service: text('[data-field=service]'),
      clock: text('[data-field=clock]'),
      verdict: root.querySelector('[data-field=verdict]').dataset.state,
      verdictText: text('[data-field=verdict]'),
      steps: [...root.querySelectorAll('[data-field=steps] li')].map((li) => li.textContent),
      counts: Object.fromEntries([...root.querySelectorAll('[data-count]')].map((d) => [d.dataset.count, Number(d.textContent)])),
      blockedBy: text('[data-field=blocked-by]'),
    };
  });
}

/** Waits until the overlay has redrawn after the page changed (it refreshes every second). */
const redrawn = (page) => page.waitForTimeout(1_200);

test('off for citizens: the overlay is neither downloaded nor run', async () => {
  const { context, page, errors, requests } = await open();
  await page.goto(`${portal.url}${SERVICE}`);
  await probeReady(page);
  await page.waitForTimeout(500);
  assert.equal(await hasOverlay(page), false);
  assert.ok(requests.some((u) => u.includes('/journey-probe/journey-probe.js')), 'the probe loaded');
  assert.deepEqual(requests.filter((u) => u.includes('overlay')), [], 'no overlay file fetched');
  assert.deepEqual(requests.filter((u) => u.includes('sentences')), [], 'no warning, so no sentences file fetched');
  assert.deepEqual(errors, []);
  await context.close();
});

test('on with data-overlay="on"', async () => {
  const tagged = await startDemo({ port: 0, collectorUrl: `${recorder.url}/v1/beacons`, apiDelayMs: 0, probeAttrs: { 'data-overlay': 'on' } });
  const { context, page, errors, requests } = await open();
  await page.goto(`${tagged.url}${SERVICE}`);
  await overlayShown(page);
  assert.ok(requests.some((u) => /journey-probe-overlay\.[0-9a-f]{10}\.js$/.test(u)), 'the overlay file is fetched once on');
  assert.equal((await journeyPanel(page)).service, '1.001234');
  assert.deepEqual(errors, []);
  await context.close();
  await tagged.close();
});

test('on with the #journey-probe fragment, and kept for the tab across pages', async () => {
  const { context, page, errors } = await open();
  await page.goto(`${portal.url}${SERVICE}#journey-probe`);
  await overlayShown(page);
  await page.goto(`${portal.url}/dang-nhap`); // no fragment: the tab remembers
  await overlayShown(page);
  const other = await context.newPage(); // another tab: its own choice
  await other.goto(`${portal.url}${SERVICE}`);
  await probeReady(other);
  assert.equal(await hasOverlay(other), false, 'another tab does not inherit it');
  assert.deepEqual(errors, []);
  await context.close();
});

test('on with localStorage.journeyProbeOverlay = "1"', async () => {
  const { context, page, errors } = await open();
  await context.addInitScript(() => { localStorage.journeyProbeOverlay = '1'; });
  await page.goto(`${portal.url}${SERVICE}`);
  await overlayShown(page);
  assert.deepEqual(errors, []);
  await context.close();
});

/** Tries every switch of the overlay on a page already open; the fragment is in its URL. */
async function tryEverySwitch(page) {
  await page.keyboard.press('Control+Alt+KeyJ');
  await page.evaluate(() => { location.hash = '#buoc-1'; });
  await page.evaluate(() => { location.hash = '#journey-probe'; }); // a hashchange to the fragment
  await page.evaluate(() => window.JourneyProbe.overlay());
  await page.evaluate(() => window.JourneyProbe.overlay(true));
  await page.waitForTimeout(800);
}

test('never with data-overlay="never": no fragment, storage, shortcut or call shows it, and its file is never fetched', async () => {
  const production = await startDemo({ port: 0, collectorUrl: `${recorder.url}/v1/beacons`, apiDelayMs: 0, probeAttrs: { 'data-overlay': 'never' } });
  const { context, page, errors, requests } = await open();
  const warnings = [];
  page.on('console', (m) => { if (m.text().startsWith('journey-probe: ')) warnings.push(m.text()); });
  // A tester's browser: every stored switch already on.
  await context.addInitScript(() => {
    localStorage.journeyProbeOverlay = '1';
    sessionStorage.setItem('journey-probe:overlay', '1');
  });
  await page.goto(`${production.url}${SERVICE}#journey-probe`);
  await page.waitForFunction(() => window.JourneyProbe && window.JourneyProbe.version);
  await page.waitForTimeout(800);
  assert.equal(await hasOverlay(page), false, 'the fragment and storage do not show it');
  await tryEverySwitch(page);
  await page.goto(`${production.url}/dang-nhap#journey-probe`); // the next page of the tab
  await probeReady(page);
  await tryEverySwitch(page);
  assert.equal(await hasOverlay(page), false, 'nothing shows it');
  assert.deepEqual(requests.filter((u) => u.includes('overlay')), [], 'the overlay file is never fetched');
  assert.ok(warnings.length > 0 && warnings.every((w) => w === 'journey-probe: the QA overlay is off on this site (data-overlay="never")'), JSON.stringify(warnings));
  assert.deepEqual(errors, []);
  await context.close();
  await production.close();
});

test('JourneyProbeConfig.overlay = "never" is the same switch', async () => {
  const config = `window.JourneyProbeConfig = { collector: '${recorder.url}/v1/beacons', service: '1.001234', overlay: 'never' };`;
  const server = await startStatic({ vars: { CONFIG_SCRIPT: config, TAG_ATTRIBUTES: '' } });
  const { context, page, errors, requests } = await open();
  await page.goto(`${server.url}/configured.html#journey-probe`);
  await page.waitForFunction(() => window.JourneyProbe && window.JourneyProbe.version);
  await page.waitForTimeout(800);
  assert.equal(await hasOverlay(page), false, 'the fragment does not show it');
  await probeReady(page);
  await tryEverySwitch(page);
  assert.equal(await hasOverlay(page), false);
  assert.deepEqual(requests.filter((u) => u.includes('overlay')), []);
  assert.deepEqual(errors, []);
  await context.close();
  await server.close();
});

test('on and off with Ctrl+Alt+J; the page still sees the key press', async () => {
  const { context, page, errors } = await open();
  await page.goto(`${portal.url}${SERVICE}`);
  await probeReady(page);
  await page.evaluate(() => {
    window.keysSeen = [];
    document.addEventListener('keydown', (e) => window.keysSeen.push([e.code, e.defaultPrevented]));
  });
  assert.equal(await hasOverlay(page), false);
  await page.keyboard.press('Control+Alt+KeyJ');
  await overlayShown(page);
  assert.deepEqual(await page.evaluate(() => window.keysSeen.at(-1)), ['KeyJ', false], 'not stopped, not prevented');
  await page.keyboard.press('Control+Alt+KeyJ');
  await page.waitForFunction(() => !document.getElementById('journey-probe-overlay'));
  await page.goto(`${portal.url}/dang-nhap`);
  await probeReady(page);
  await page.waitForTimeout(300);
  assert.equal(await hasOverlay(page), false, 'switched off stays off in the tab');
  await page.keyboard.press('Control+Alt+KeyJ');
  await overlayShown(page);
  assert.deepEqual(errors, []);
  await context.close();
});

describe('a tester walks the demo service with the overlay on', () => {
  let context, page, errors, journey;
  const seen = {};

  before(async () => {
    ({ context, page, errors } = await open());
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(`${portal.url}${SERVICE}#journey-probe`);
    await overlayShown(page);
    ({ journey } = await probeReady(page));
    await page.click('#btn-nop-ho-so');
    await page.waitForURL(/dang-nhap/);
    await overlayShown(page);
    await page.click('#btn-vneid');
    await page.waitForURL(/buoc-1$/);
    await overlayShown(page);
    await page.waitForSelector('#trang-thai-csdl[data-state="done"]');
    await redrawn(page);
    seen.step1 = { panel: await journeyPanel(page), ...(await outlinesAndSnapshot(page)) };
    await page.focus('#so_dien_thoai');
    seen.tip = await page.evaluate(() => {
      const tip = document.getElementById('journey-probe-overlay').shadowRoot.querySelector('.tip');
      return { hidden: tip.hidden, key: tip.dataset.key, text: tip.textContent };
    });
    await page.fill('#noi_o_hien_tai', 'Số 7 ngõ 15 phố Hàng Bông');
    await page.fill('#so_dien_thoai', '0912345678');
    await page.click('#btn-tiep-tuc');
    await page.waitForURL(/buoc-2$/);
    await overlayShown(page);
    await page.check('#loai_phieu_1');
    await page.fill('#muc_dich', 'Bổ sung hồ sơ xin việc');
    await page.fill('#so_luong', '12'); // the server refuses more than 10
    await page.focus('#noi_nhan');
    await page.keyboard.press('ArrowDown');
    await page.click('#btn-tiep-tuc');
    await page.waitForSelector('#tom-tat-loi');
    await redrawn(page);
    seen.refused = await journeyPanel(page);
    await page.fill('#so_luong', '2');
    await page.click('#btn-tiep-tuc');
    await page.waitForURL(/buoc-3$/);
    await page.check('#cam_ket');
    await page.click('#btn-nop');
    await page.waitForURL(/bien-nhan\//);
    await overlayShown(page);
    await redrawn(page);
    seen.receipt = await journeyPanel(page);
  });

  after(() => context?.close());

  test('outlines agree with snapshot(), field by field, and the legend names every origin', () => {
    const { boxes, fields, legend } = seen.step1;
    assert.ok(fields.length >= 10, `${fields.length} fields`);
    assert.deepEqual(boxes, fields, 'one outline per rendered field, with its key and origin');
    assert.ok(boxes.some(([, origin]) => origin === 'declared'), 'pre-filled from the national database');
    assert.ok(boxes.some(([, origin]) => origin === 'script'), 'filled by the page from the database API');
    assert.deepEqual(legend, ['declared', 'server', 'script', 'autofill', 'user', 'empty']);
  });

  test('focusing a field shows its key and origin', () => {
    assert.equal(seen.tip.hidden, false);
    assert.equal(seen.tip.key, 'so_dien_thoai');
    assert.match(seen.tip.text, /Khóa: so_dien_thoai/);
    assert.match(seen.tip.text, /Nguồn giá trị: Trống/);
  });

  test('the journey panel runs from login, lists the steps and the refused submission', () => {
    assert.equal(seen.step1.panel.service, '1.001234');
    assert.equal(seen.step1.panel.verdict, 'within');
    assert.match(seen.step1.panel.clock, /^0:0\d$/);
    assert.ok(seen.step1.panel.counts.prefilled >= 8, JSON.stringify(seen.step1.panel.counts));
    assert.match(seen.refused.verdictText, /Trong mục tiêu/);
    assert.match(seen.refused.blockedBy, /không có|so_luong/);
    const steps = seen.receipt.steps.map((s) => s.split(' — ')[0]);
    assert.deepEqual(steps.slice(0, 6), [
      `${SERVICE}`, '/dang-nhap', `${SERVICE}/buoc-1`, `${SERVICE}/buoc-2`, `${SERVICE}/buoc-2`, `${SERVICE}/buoc-3`,
    ]);
    assert.match(seen.receipt.verdictText, /Đã nộp · Trong mục tiêu/);
  });

  test('the beacon log shows the very bytes the collector received', async () => {
    const logged = await page.evaluate(() =>
      [...document.getElementById('journey-probe-overlay').shadowRoot.querySelectorAll('.entry[data-kind^=sent] pre')]
        .map((pre) => JSON.stringify(JSON.parse(pre.textContent))));
    assert.ok(logged.length >= 5, `${logged.length} requests logged`);
    const received = await eventually(() => {
      const bodies = recorder.requests.filter((r) => r.method === 'POST' && r.body.includes(journey)).map((r) => r.body);
      return logged.every((body) => bodies.includes(body)) ? bodies : null;
    });
    assert.ok(received, 'every logged request reached the collector byte for byte');
    assert.deepEqual([...received].sort(), [...logged].sort(), 'and nothing else was sent');
    // The copy button copies the exact text.
    const copied = await page.evaluate(async () => {
      const root = document.getElementById('journey-probe-overlay').shadowRoot;
      const entry = root.querySelector('.entry[data-kind=sent]');
      entry.open = true;
      entry.querySelector('button[data-action=copy]').click();
      await new Promise((r) => setTimeout(r, 200));
      return [await navigator.clipboard.readText(), entry.querySelector('button[data-action=copy]').dataset.text];
    });
    assert.equal(copied[0], copied[1]);
  });

  test('the page never saw an error', () => {
    assert.deepEqual(errors, []);
  });
});

/** The overlay's outlines and the snapshot's rendered fields, as sorted [key, origin] pairs. */
function outlinesAndSnapshot(page) {
  return page.evaluate(() => {
    const root = document.getElementById('journey-probe-overlay').shadowRoot;
    const boxes = [...new Set([...root.querySelectorAll('.box')].map((b) => b.dataset.key + '\u0000' + b.dataset.origin))]
      .map((k) => k.split('\u0000')).sort();
    const snapshot = window.JourneyProbe.snapshot();
    const fields = snapshot.fields.filter((f) => !f.removed).map((f) => [f.key, f.origin]).sort();
    const legend = [...root.querySelectorAll('.legend li[data-origin]')].map((li) => li.dataset.origin);
    return { boxes, fields, legend };
  });
}

/** The panel's rectangle and every visible submit button's, in viewport pixels. */
function geometry(page) {
  return page.evaluate(() => {
    const rect = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    const p = document.getElementById('journey-probe-overlay').shadowRoot.querySelector('.panel');
    const submits = [...document.querySelectorAll('button[type=submit], input[type=submit], form button:not([type])')]
      .map((b) => b.getBoundingClientRect()).filter((r) => r.width > 0 && r.bottom > 0 && r.top < innerHeight).map(rect);
    return { panel: rect(p.getBoundingClientRect()), submits, width: innerWidth, height: innerHeight, collapsed: p.classList.contains('collapsed') };
  });
}

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['mobile', { width: 390, height: 844 }]]) {
  test(`screenshots at ${name} width: the panel stays in view and clear of every submit button`, async () => {
    const { context, page, errors } = await open(viewport);
    await page.goto(`${portal.url}/dang-nhap?tiep=${encodeURIComponent(SERVICE + '/buoc-1')}#journey-probe`);
    await overlayShown(page);
    const shots = [];
    const check = async (step) => {
      await redrawn(page);
      const g = await geometry(page);
      assert.ok(g.panel.left >= 0 && g.panel.top >= 0 && g.panel.right <= g.width && g.panel.bottom <= g.height, `${step}: ${JSON.stringify(g.panel)}`);
      for (const s of g.submits) {
        const overlap = g.panel.left < s.right && s.left < g.panel.right && g.panel.top < s.bottom && s.top < g.panel.bottom;
        assert.ok(!overlap, `${step}: the panel covers a submit button ${JSON.stringify(s)}`);
      }
      const file = join(SHOTS, `overlay-${name}-${step}.png`);
      await page.screenshot({ path: file });
      shots.push(file);
      return g;
    };
    await check('1-dang-nhap');
    await page.click('#btn-vneid');
    await page.waitForURL(/buoc-1$/);
    await page.waitForSelector('#trang-thai-csdl[data-state="done"]');
    const first = await check('2-buoc-1');
    assert.equal(first.collapsed, name === 'mobile', 'a phone starts with the panel collapsed to its header');
    await page.locator('#btn-tiep-tuc').scrollIntoViewIfNeeded();
    await check('3-buoc-1-cuoi');
    await page.fill('#noi_o_hien_tai', 'Số 7 ngõ 15 phố Hàng Bông');
    await page.fill('#so_dien_thoai', '0912345678');
    await page.click('#btn-tiep-tuc');
    await page.waitForURL(/buoc-2$/);
    await check('4-buoc-2');
    assert.equal(shots.length, 4);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('the overlay changes neither the page layout nor its events', async () => {
  const { context, page, errors } = await open({ width: 1280, height: 800 });
  await page.goto(`${portal.url}/dang-nhap?tiep=${encodeURIComponent(SERVICE + '/buoc-1')}`);
  await page.click('#btn-vneid');
  await page.waitForURL(/buoc-1$/);
  await page.waitForSelector('#trang-thai-csdl[data-state="done"]');
  const layout = () => page.evaluate(() => ({
    height: document.documentElement.scrollHeight,
    width: document.documentElement.scrollWidth,
    fields: [...document.querySelectorAll('input, select, textarea')].map((e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }),
  }));
  const before = await layout();
  await page.keyboard.press('Control+Alt+KeyJ');
  await overlayShown(page);
  await redrawn(page);
  assert.deepEqual(await layout(), before);
  // A field with an outline over it, outside the panel: a click on it must reach it.
  const target = await page.evaluate(() => {
    const panel = document.getElementById('journey-probe-overlay').shadowRoot.querySelector('.panel').getBoundingClientRect();
    const free = [...document.querySelectorAll('input:not([type]), input[type=text], input[type=tel], input[type=email], select')].find((e) => {
      const r = e.getBoundingClientRect();
      return r.top > 0 && r.bottom < innerHeight && (r.right < panel.left || r.left > panel.right || r.bottom < panel.top || r.top > panel.bottom);
    });
    window.clicks = 0;
    free.addEventListener('click', (e) => { window.clicks += e.defaultPrevented ? 100 : 1; });
    return '#' + free.id;
  });
  await page.click(target);
  assert.equal(await page.evaluate(() => window.clicks), 1, 'the click reached the field, not prevented');
  assert.deepEqual(errors, []);
  await context.close();
});

test('axe-core finds no violation in the overlay; controls follow a sensible focus order', async () => {
  const { context, page, errors } = await open({ width: 1280, height: 800 });
  await page.goto(`${portal.url}${SERVICE}#journey-probe`);
  await overlayShown(page);
  await redrawn(page);
  await page.evaluate(() => {
    // Every section open, so that axe checks all of the overlay's markup.
    for (const d of document.getElementById('journey-probe-overlay').shadowRoot.querySelectorAll('details')) d.open = true;
  });
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() =>
    window.axe.run({ include: [{ fromShadowDom: ['#journey-probe-overlay', '.panel'] }] }, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
  const violations = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' > ')).join(', ')}`);
  assert.deepEqual(violations, []);
  assert.ok(result.passes.length > 10, `${result.passes.length} checks passed`);
  // Keyboard: Tab walks the header's buttons, then the panel's controls, in reading order.
  await page.evaluate(() => document.getElementById('journey-probe-overlay').shadowRoot.querySelector('[data-action=collapse]').focus());
  const order = [];
  for (let i = 0; i < 7; i++) {
    order.push(await page.evaluate(() => {
      const a = document.getElementById('journey-probe-overlay').shadowRoot.activeElement;
      return a ? a.dataset.action || a.tagName.toLowerCase() : null;
    }));
    await page.keyboard.press('Tab');
  }
  assert.deepEqual(order, ['collapse', 'dock', 'lang', 'close', 'summary', 'copy-all', 'clear']);
  // Enter on the collapse button collapses; the header keeps saying the state.
  await page.evaluate(() => document.getElementById('journey-probe-overlay').shadowRoot.querySelector('[data-action=collapse]').focus());
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.getElementById('journey-probe-overlay').shadowRoot.querySelector('[data-action=collapse]').getAttribute('aria-expanded')), 'false');
  assert.deepEqual(errors, []);
  await context.close();
});

test('English on a page whose lang is not vi, and on the toggle', async () => {
  // The test page in English: its lang set before the loader runs, as markup would.
  const server = await startStatic({ vars: { CONFIG_SCRIPT: "document.documentElement.lang = 'en';", TAG_ATTRIBUTES: `data-collector="${recorder.url}/v1/beacons" data-service="1.001234" data-overlay="on"` } });
  const { context, page, errors } = await open({ width: 1280, height: 800 });
  await page.goto(`${server.url}/configured.html`);
  await overlayShown(page);
  const heading = () => page.evaluate(() => document.getElementById('journey-probe-overlay').shadowRoot.querySelector('#jp-h-journey').textContent);
  assert.equal(await heading(), 'Journey');
  await page.locator('#journey-probe-overlay [data-action=lang]').click();
  assert.equal(await heading(), 'Hành trình');
  assert.deepEqual(errors, []);
  await context.close();
  await server.close();
});

test('past the target the clock says so, in words and not only in colour', async () => {
  const server = await startStatic({ vars: { CONFIG_SCRIPT: '', TAG_ATTRIBUTES: `data-collector="${recorder.url}/v1/beacons" data-service="1.001234" data-target-seconds="2"` } });
  const { context, page, errors } = await open({ width: 1280, height: 800 });
  await page.goto(`${server.url}/configured.html#journey-probe`);
  await overlayShown(page);
  await page.evaluate(() => window.JourneyProbe.login());
  await page.waitForTimeout(1_000);
  await redrawn(page);
  assert.equal((await journeyPanel(page)).verdict, 'within');
  await page.waitForTimeout(1_500);
  await redrawn(page);
  const late = await journeyPanel(page);
  assert.equal(late.verdict, 'over');
  assert.equal(late.verdictText, 'Vượt mục tiêu');
  assert.match(await page.evaluate(() => document.getElementById('journey-probe-overlay').shadowRoot.querySelector('[data-field=mini]').textContent), /^0:0\d \/ 0:02 · Vượt mục tiêu$/);
  await page.screenshot({ path: join(SHOTS, 'overlay-desktop-over-target.png') });
  assert.deepEqual(errors, []);
  await context.close();
  await server.close();
});

test('nothing identifying left the browser in any request of this file', () => {
  assert.ok(assertAnonymous(recorder.requests) > 0, 'requests were recorded');
});

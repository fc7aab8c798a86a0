// End-to-end: a citizen goes through the demo portal's service in real Chromium, the probe
// sends beacons over real HTTP to the real collector (real SQLite), and the tests assert on
// what the collector stored and on the raw requests that left the browser.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../../demo/server.mjs';
import { withStack } from './support/stack.mjs';
import { SERVICE, loginToStepOne } from './support/citizen.mjs';
import { assertAnonymous } from './support/privacy.mjs';
import { eventually, openPage, probeReady } from './support/browser.mjs';

// What the scripted citizen types, and what the portal pre-fills: none of it may leave the browser.
const TYPED = {
  noi_o_hien_tai: 'Số 7 ngõ 15 phố Hàng Bông, Hoàn Kiếm',
  so_dien_thoai: '0912345678',
  email: 'minh.khai.test@example.vn',
  muc_dich: 'Bổ sung hồ sơ xin việc tại công ty ABC',
};
const PREFILLED = ['Nguyễn Thị Minh Khai', '001190012345', '1990-05-14', 'Lê Lợi', 'Tân Phong'];

const stack = withStack('journey', { portal: { apiDelayMs: 50 } });

/**
 * Walks the whole service like a citizen, including one server-side validation error; `then`
 * lists the portal's pages the citizen opens after reading the receipt.
 */
async function citizenJourney(page, then = []) {
  await loginToStepOne(page, stack.portal.url);
  await page.fill('#noi_o_hien_tai', TYPED.noi_o_hien_tai);
  await page.fill('#so_dien_thoai', TYPED.so_dien_thoai);
  await page.fill('#email', TYPED.email);
  await page.click('#btn-tiep-tuc');
  await page.waitForURL(/buoc-2$/);
  await page.check('#loai_phieu_1');
  await page.fill('#muc_dich', TYPED.muc_dich);
  await page.fill('#so_luong', '12'); // more than 10: the server refuses
  // Like a citizen, with the keyboard: Playwright's selectOption() dispatches synthetic
  // (untrusted) events, which the probe rightly counts as page script.
  await page.focus('#noi_nhan');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue('#noi_nhan'), 'truc-tiep');
  await page.click('#btn-tiep-tuc');
  await page.waitForSelector('#tom-tat-loi');
  // Corrected like a citizen: select, delete, type.
  await page.click('#so_luong');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('2');
  await page.click('#btn-tiep-tuc');
  await page.waitForURL(/buoc-3$/);
  await page.check('#cam_ket');
  await page.click('#btn-nop');
  await page.waitForURL(/bien-nhan\//);
  const dossier = (await page.textContent('#ma-ho-so')).trim();
  for (const path of then) {
    await page.goto(`${stack.portal.url}${path}`);
    await probeReady(page);
  }
  await page.goto('about:blank'); // leaving the last page sends its last beacon
  return dossier;
}

describe('a citizen submits the demo service', () => {
  let beacons, requests, dossier, pageErrors;

  before(async () => {
    const { context, page, errors } = await openPage(stack.browser);
    dossier = await citizenJourney(page);
    pageErrors = errors;
    // Nine page views: info, login, step 1, step 2, step 2 again (422), step 3, receipt.
    beacons = await eventually(async () => {
      const stored = await stack.collector.stored();
      return stored.some((b) => b.beacon.trigger === 'submitted') && stored.some((b) => b.beacon.page.path.endsWith('/bien-nhan/:id') && b.beacon.trigger !== 'submitted') ? stored : null;
    });
    assert.ok(beacons, 'the collector received the receipt page beacons');
    requests = stack.recorder.requests.filter((r) => r.method === 'POST');
    await context.close();
  });

  test('every page view carries its speed; pages reached by a form submission, the server\'s answer', () => {
    const pages = beacons.map((b) => b.beacon).filter((b) => b.trigger !== 'submitted');
    for (const b of pages) {
      assert.ok(b.page.speed && b.page.speed.ttfb_ms >= 0, `${b.page.path}: ${JSON.stringify(b.page.speed)}`);
      // A page left before its first paint (the receipt, read and left at once) has no FCP.
      if (/buoc-\d$/.test(b.page.path)) assert.ok(b.page.speed.fcp_ms > 0, `${b.page.path}: ${JSON.stringify(b.page.speed)}`);
    }
    const step2 = pages.find((b) => b.page.path === `${SERVICE}/buoc-2`);
    assert.ok(step2.page.speed.server_ms >= 0, `step 2 follows step 1's POST: ${JSON.stringify(step2.page.speed)}`);
    const info = pages.find((b) => b.page.path === SERVICE);
    assert.equal(info.page.speed.server_ms, undefined, 'the info page was reached by a link');
  });

  test('the collector stored one well-formed journey, page by page', () => {
    const ids = new Set(beacons.map((b) => b.beacon.journey.id));
    assert.equal(ids.size, 1, 'one journey from the service page to the receipt');
    const paths = beacons.filter((b) => b.beacon.trigger !== 'submitted').map((b) => b.beacon.page.path);
    assert.deepEqual(paths, [
      SERVICE,
      '/dang-nhap',
      `${SERVICE}/buoc-1`,
      `${SERVICE}/buoc-2`,
      `${SERVICE}/buoc-2`,
      `${SERVICE}/buoc-3`,
      `${SERVICE}/bien-nhan/:id`,
    ]);
    const seqs = beacons.map((b) => b.beacon.seq).sort((a, b) => a - b);
    assert.deepEqual(seqs, seqs.map((_, i) => i), 'sequence numbers 0..n without gaps');
    for (const { beacon } of beacons) {
      assert.equal(beacon.v, 1);
      assert.equal(beacon.service, '1.001234');
      assert.equal(beacon.ua.browser, 'chrome');
      assert.equal(beacon.page.t_ms % 100, 0, 'times are rounded');
    }
  });

  test('the journey clock starts at login and stops at the receipt', () => {
    const byPath = (p) => beacons.find((b) => b.beacon.page.path === p && b.beacon.trigger !== 'submitted').beacon;
    assert.equal(byPath(SERVICE).journey.logged_in, false);
    assert.equal(byPath('/dang-nhap').journey.logged_in, false);
    assert.equal(byPath(`${SERVICE}/buoc-1`).journey.logged_in, true, 'the queued push([\'login\']) was replayed');
    const submitted = beacons.filter((b) => b.beacon.trigger === 'submitted');
    assert.equal(submitted.length, 1);
    const end = submitted[0].beacon.journey;
    assert.equal(end.outcome, 'submitted');
    assert.ok(end.duration_ms > 0 && end.duration_ms < 120_000, `duration ${end.duration_ms} ms`);
    assert.equal(submitted[0].beacon.page.path, `${SERVICE}/bien-nhan/:id`);
  });

  test('step 1 fields are classified by where their values came from', () => {
    const step1 = beacons.find((b) => b.beacon.page.path === `${SERVICE}/buoc-1`).beacon;
    // ho_ten, ngay_sinh, so_dinh_danh declared; gioi_tinh server-rendered; four fields filled by
    // the page's script from the population database; three typed; nghe_nghiep left empty.
    assert.deepEqual(step1.fields, { total: 12, declared: 3, server: 1, script: 4, autofill: 0, user: 3, empty: 1, overwritten: 0 });
    const byKey = Object.fromEntries(step1.forms.flatMap((f) => f.fields).map((f) => [f.key, f]));
    assert.deepEqual(byKey.ho_ten, { key: 'ho_ten', origin: 'declared', source: 'CSDLQG-DC', locked: true });
    assert.equal(byKey.noi_thuong_tru.origin, 'script', 'filled by the page after its fetch to the population database');
    const typed = byKey.so_dien_thoai;
    assert.equal(typed.origin, 'user');
    assert.ok(typed.visits === 1 && 'hesitation_ms' in typed, JSON.stringify(typed));
    assert.equal(step1.forms[0].key, 'form-buoc-1');
    assert.equal(step1.forms[0].attempts, 1, 'the citizen submitted step 1 once');
  });

  test('a form the server shows again after a validation error counts the citizen\'s own values as typed', () => {
    const [first, again] = beacons.filter((b) => b.beacon.page.path === `${SERVICE}/buoc-2`).map((b) => b.beacon);
    const allTyped = { total: 4, declared: 0, server: 0, script: 0, autofill: 0, user: 4, empty: 0, overwritten: 0 };
    assert.deepEqual(first.fields, allTyped);
    // The 422 page renders loai_phieu, muc_dich, so_luong and noi_nhan with the citizen's values.
    assert.deepEqual(again.fields, allTyped);
    // …and marks so_luong invalid: one validation failure the server reported.
    const soLuong = again.forms[0].fields.find((f) => f.key === 'so_luong');
    assert.equal(soLuong.invalid, 1, JSON.stringify(again.forms));
    assert.equal(soLuong.corrections, 1, 'the citizen corrected 12 to 2');
  });

  test('nothing identifying left the browser: no value, no citizen ID, no cookie, no referrer', () => {
    assert.ok(requests.length >= 8, `${requests.length} beacon requests`);
    // text/plain: a simple request, no CORS preflight.
    assertAnonymous(requests, { secrets: [...Object.values(TYPED), ...PREFILLED, dossier] });
    assert.ok(!stack.recorder.requests.some((r) => r.method === 'OPTIONS'), 'no preflight was needed');
  });

  test('the probe never threw into the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});

describe('after the receipt, the service\'s page is no new journey', () => {
  test('the service page read after a submission is not logged in, and the report counts no journey that was not made', async () => {
    const { context, page } = await openPage(stack.browser);
    await citizenJourney(page, [SERVICE]);
    await context.close();
    const after = await eventually(async () => {
      const stored = await stack.collector.stored();
      const ended = new Set(stored.filter((b) => b.beacon.trigger === 'submitted').map((b) => b.beacon.journey.id));
      const next = stored.filter((b) => b.beacon.page.path === SERVICE && !ended.has(b.beacon.journey.id));
      return next.length > 0 ? next : null;
    });
    assert.ok(after, 'the service page read after the receipt sent its beacon');
    for (const { beacon } of after) {
      assert.equal(beacon.journey.logged_in, false, `a page read after a submission: ${JSON.stringify(beacon.journey)}`);
    }
    const report = await (await stack.collector.read(`/v1/report`)).json();
    const j = report.journeys;
    assert.equal(j.started, j.submitted, `every started journey of this file was submitted: ${JSON.stringify(j)}`);
    assert.equal(j.in_progress, 0, JSON.stringify(j));
    assert.equal(j.completion_pct, 100, JSON.stringify(j));
    assert.ok(j.seen > j.started, `the page after the receipt is seen, not started: ${JSON.stringify(j)}`);
  });
});

describe('the probe never breaks the host page', () => {
  test('a bad configuration gives one warning per attribute and sends nothing', async (t) => {
    const bad = await startDemo({ collectorUrl: `${stack.recorder.url}/v1/beacons`, probeAttrs: { 'data-collector': 'ftp://sai', 'data-service': null, 'data-colector': '/v1/beacons' } });
    const { context, page, errors, console: messages } = await openPage(stack.browser);
    t.after(() => Promise.all([context.close(), bad.close()]));
    const before = stack.recorder.requests.length;
    const sentenceFiles = [];
    page.on('request', (r) => r.url().includes('journey-probe-sentences.') && sentenceFiles.push(r.url()));
    await page.goto(`${bad.url}${SERVICE}`);
    await page.waitForFunction(() => window.JourneyProbe && window.JourneyProbe.version);
    const warnings = await eventually(() => {
      const w = messages.filter((m) => m.type === 'warning' && m.text.startsWith('journey-probe:'));
      return w.length >= 3 ? w : null;
    });
    assert.ok(warnings, JSON.stringify(messages));
    assert.equal(warnings.length, 3, JSON.stringify(messages));
    assert.match(warnings[0].text, /data-colector is not an attribute journey-probe reads \(it is ignored\); accepted: data-collector/);
    assert.match(warnings[1].text, /data-collector="ftp:\/\/sai" is not accepted: expected .*https?:\/\//);
    assert.match(warnings[2].text, /data-service \(or window\.JourneyProbeConfig\.service\) is missing: expected the service code/);
    assert.equal(sentenceFiles.length, 1, 'the sentences of the two warnings that need them, fetched once');
    assert.equal(await page.evaluate(() => window.JourneyProbe.snapshot()), null);
    await page.click('#btn-nop-ho-so'); // the page still works
    await page.waitForURL(/dang-nhap/);
    await page.goto('about:blank');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(stack.recorder.requests.length, before, 'nothing was sent');
    assert.deepEqual(errors, []);
    await context.close();
    await bad.close();
  });

  /** Opens the demo login page with hooks that record what reaches the page's own error handling. */
  async function watchedPage() {
    const watched = await openPage(stack.browser);
    watched.pageSawError = [];
    await watched.page.exposeFunction('reportError', (what) => watched.pageSawError.push(what));
    await watched.page.addInitScript(() => {
      window.addEventListener('error', (e) => window.reportError('error: ' + e.message));
      window.addEventListener('unhandledrejection', (e) => window.reportError('rejection: ' + e.reason));
    });
    return watched;
  }

  test('a panic inside the probe turns the probe off, warns once, and the page goes on', async () => {
    const watched = await watchedPage();
    const { context, page, errors, console: messages } = watched;
    await page.goto(`${stack.portal.url}${SERVICE}`);
    await probeReady(page);
    await page.evaluate(() => window.JourneyProbe.selfTestPanic());
    await page.evaluate(() => window.JourneyProbe.push(['login']));
    assert.equal(await page.evaluate(() => window.JourneyProbe.snapshot()), null, 'the probe is off');
    const warnings = messages.filter((m) => m.type === 'warning' && m.text.includes('turned itself off'));
    assert.equal(warnings.length, 1, JSON.stringify(messages));
    await page.click('#btn-nop-ho-so');
    await page.waitForURL(/dang-nhap/);
    assert.deepEqual(errors, []);
    assert.deepEqual(watched.pageSawError, [], 'no error event reached the page');
    await context.close();
  });

  test('a panic inside an event listener is caught by the guard; typing and submitting go on', async () => {
    const watched = await watchedPage();
    const { context, page, errors, console: messages } = watched;
    await page.goto(`${stack.portal.url}${SERVICE}`);
    await page.click('#btn-nop-ho-so');
    await page.click('#btn-vneid');
    await page.waitForURL(/buoc-1$/);
    await probeReady(page);
    const sentBefore = stack.recorder.requests.length;
    await page.evaluate(() => window.JourneyProbe.selfTestPanic('input'));
    await page.fill('#noi_o_hien_tai', TYPED.noi_o_hien_tai); // the listener panics here
    assert.equal(await page.evaluate(() => window.JourneyProbe.snapshot()), null, 'the probe is off');
    await page.fill('#so_dien_thoai', TYPED.so_dien_thoai); // listeners still attached, now inert
    await page.fill('#email', TYPED.email);
    assert.equal(await page.inputValue('#email'), TYPED.email, 'typing works');
    await page.click('#btn-tiep-tuc');
    await page.waitForURL(/buoc-2$/);
    const warnings = messages.filter((m) => m.text.includes('turned itself off'));
    assert.equal(warnings.length, 1, JSON.stringify(messages));
    assert.deepEqual(errors, []);
    assert.deepEqual(watched.pageSawError, [], 'no error event reached the page');
    // Step 2 loads a fresh probe; the page it left sent nothing after the panic.
    const leftAfterPanic = stack.recorder.requests.slice(sentBefore).filter((r) => r.method === 'POST' && r.body.includes('/buoc-1'));
    assert.deepEqual(leftAfterPanic, []);
    await context.close();
  });

  test('listeners are passive: the page sees every event, undisturbed, and its defaults happen', async () => {
    const { context, page, errors } = await openPage(stack.browser);
    await page.goto(`${stack.portal.url}${SERVICE}`);
    await page.click('#btn-nop-ho-so');
    await page.click('#btn-vneid');
    await page.waitForURL(/buoc-1$/);
    await probeReady(page);
    // The page's own bubbling listeners, registered after the probe's capture listeners.
    await page.evaluate(() => {
      window.seenByPage = [];
      for (const type of ['keydown', 'input', 'change', 'focusin', 'submit']) {
        document.addEventListener(type, (e) => window.seenByPage.push([type, e.defaultPrevented]));
      }
    });
    await page.type('#so_dien_thoai', '09');
    await page.press('#so_dien_thoai', 'Tab');
    const seen = await page.evaluate(() => window.seenByPage);
    assert.equal(await page.inputValue('#so_dien_thoai'), '09', 'the default action of typing happened');
    const typesSeen = new Set(seen.map(([type]) => type));
    for (const type of ['keydown', 'input', 'change', 'focusin']) assert.ok(typesSeen.has(type), `the page saw ${type}`);
    assert.ok(seen.every(([, prevented]) => prevented === false), JSON.stringify(seen));
    const origin = (await page.evaluate(() => window.JourneyProbe.snapshot())).fields.find((f) => f.key === 'so_dien_thoai').origin;
    assert.equal(origin, 'user', 'the probe saw the typing too');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('a return to a field reaches the report', () => {
  test('a citizen who goes back to a field after another is counted once, in the beacon and in the friction report', async (t) => {
    const { context, page } = await openPage(stack.browser);
    t.after(() => context.close());
    await loginToStepOne(page, stack.portal.url);
    await page.fill('#noi_o_hien_tai', TYPED.noi_o_hien_tai);
    await page.fill('#so_dien_thoai', TYPED.so_dien_thoai);
    await page.fill('#email', TYPED.email);
    await page.fill('#so_dien_thoai', TYPED.so_dien_thoai); // back to the phone: one return
    await page.click('#btn-tiep-tuc');
    await page.waitForURL(/buoc-2$/);
    const fieldsOf = (b) => Object.fromEntries(b.beacon.forms.flatMap((f) => f.fields).map((f) => [f.key, f]));
    const step1 = await eventually(async () => (await stack.collector.stored()).find((b) =>
      b.beacon.page.path === `${SERVICE}/buoc-1` && fieldsOf(b).so_dien_thoai?.refocus !== undefined));
    assert.ok(step1, 'the step-1 beacon of the journey that went back to the phone field');
    const fields = fieldsOf(step1);
    assert.equal(fields.so_dien_thoai.refocus, 1, JSON.stringify(fields.so_dien_thoai));
    assert.equal(fields.so_dien_thoai.visits, 2);
    assert.equal(fields.email.refocus, undefined, 'no return to the e-mail: nothing sent');
    const report = await (await stack.collector.read('/v1/report')).json();
    assert.deepEqual(report.friction.refocus, [{ name: 'so_dien_thoai', count: 1 }]);
  });
});

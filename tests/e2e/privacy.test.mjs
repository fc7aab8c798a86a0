// Nothing identifying leaves, nothing measured is lost — on pages that put the citizen where
// the first probe read its keys and paths: labels, names, ids, data-probe-key, a form's id, a
// mark(), a source, the URL itself. In real Chromium, through a recording hop to the real
// collector; the assertions read the raw requests and what the collector stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startStatic } from './support/static.mjs';
import { assertAnonymous } from './support/privacy.mjs';
import { eventually, openPage, probeReady } from './support/browser.mjs';
import { withStack } from './support/stack.mjs';

/** The citizen as the pages write them, in every spelling the pages use. */
const CITIZEN = [
  'Nguyễn Văn An', 'NGUYEN VAN AN', 'NguyenVanAn', 'nguyen-van-an', 'Trần Thị Bình', 'tranthibinh',
  'le-van-an', 'Hàng Bông', '001099012345', '００１１９００１２３４５', 'an.nguyen',
];
/** The same, folded (lowercase, no diacritics): none may appear in a request folded either. */
const FOLDED = ['nguyen van an', 'nguyenvanan', 'tran thi binh', 'tranthibinh', 'le van an', 'hang bong', 'gmail'];

const fold = (text) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();

const stack = withStack('privacy', {
  site: (s) => startStatic({
    vars: {
      TAG_ATTRIBUTES: `data-collector="${s.recorder.url}/v1/beacons" data-service="1.001234" data-allow-params="buoc" data-success-url="/dich-vu/*/bien-nhan.html"`,
    },
  }),
});

/** Opens `path`, lets `act` work on the page, leaves it; returns the snapshot and the page's requests. */
async function visit(path, act = async () => {}) {
  const { context, page, errors } = await openPage(stack.browser);
  const seen = [];
  page.on('request', (r) => seen.push(new URL(r.url()).pathname));
  await page.goto(`${stack.site.url}${path}`);
  await probeReady(page);
  await act(page);
  const snapshot = await page.evaluate(() => JourneyProbe.snapshot());
  const constructed = await page.evaluate(() => window.constructed);
  await page.goto('about:blank');
  await context.close();
  assert.deepEqual(errors, [], 'the page saw no error');
  return { snapshot, seen, constructed };
}

test('labels, names, ids, keys, a form id, a mark and a path that carry the citizen: none of it becomes a key, a step or a path', async () => {
  const { snapshot } = await visit('/ho-so/NguyenVanAn/people.html', async (page) => {
    await page.click('[data-t=sdt]');
    await page.keyboard.type('0912345678');
  });
  const keys = snapshot.fields.map((f) => f.key);
  assert.ok(keys.includes('Chủ hộ'), `the label before its colon is the key: ${JSON.stringify(keys)}`);
  assert.ok(keys.includes('ho_ten'), JSON.stringify(keys));
  for (const key of keys) {
    assert.ok(/^(#\d+|Chủ hộ|Địa chỉ|Thư|ho_ten|Họ và tên|dong_y_dieu_khoan)$/.test(key), `a key that is structural or plain: ${key}`);
  }
  assert.equal(snapshot.forms[0].key, 'form#0', 'the form id with a name in it is no key');
  assert.equal(snapshot.path, '/ho-so/:id/people.html');
  assert.ok(!snapshot.clock.steps.some((s) => /nguyen/i.test(s.name)), 'mark(nguyen-van-an) was refused');
  const stored = await eventually(async () => {
    const all = await stack.collector.stored();
    return all.some((b) => b.beacon.page.path === '/ho-so/:id/people.html') ? all : null;
  });
  assert.ok(stored, `the page view was stored: ${JSON.stringify(stack.recorder.requests.map((r) => [r.status, r.body.slice(0, 300)]))}`);
  const text = JSON.stringify(stored);
  for (const name of CITIZEN) assert.ok(!text.includes(name), `${name} was stored`);
  for (const name of FOLDED) assert.ok(!fold(text).includes(name), `${name} (folded) was stored`);
  const field = stored.flatMap((b) => b.beacon.forms ?? []).flatMap((f) => f.fields).find((f) => f.key === 'ho_ten');
  assert.equal(field.source, 'unnamed', 'a source with a name in it is sent unnamed');
});

test('reading a label runs no page code and fetches nothing: its custom element is built once, its image fetched once', async () => {
  const { constructed, seen, snapshot } = await visit('/ho-so/x/people.html');
  assert.ok(snapshot.fields.some((f) => f.key === 'Họ và tên'), 'the label was read');
  assert.equal(constructed, 1, 'the custom element in the label was constructed once, by the page');
  assert.equal(seen.filter((p) => p === '/label-photo.svg').length, 1, 'the image in the label was fetched once');
});

test('a checkbox says who set it, never how the citizen answered', async () => {
  const origin = (snapshot, key) => snapshot.fields.find((f) => f.key === key);
  const ticked = await visit('/ho-so/a/people.html', (page) => page.click('[data-t=nhan_sms]'));
  const changedMind = await visit('/ho-so/b/people.html', async (page) => {
    await page.click('[data-t=nhan_sms]');
    await page.click('[data-t=nhan_sms]');
  });
  const untouched = await visit('/ho-so/c/people.html');
  const declined = await visit('/ho-so/d/people.html', (page) => page.click('[name=dong_y_dieu_khoan]'));
  // The consent box's label names the citizen: its key is structural, found by position.
  const box = (s) => s.fields.find((f) => f.index === ticked.snapshot.fields.find((x) => x.origin === 'user' && x.key.startsWith('#')).index);
  assert.equal(box(ticked.snapshot).origin, 'user');
  assert.equal(box(changedMind.snapshot).origin, 'user', 'ticked then unticked: still the citizen\'s, not "empty"');
  assert.equal(box(untouched.snapshot).origin, 'empty', 'untouched: what the page made it');
  const consent = origin(declined.snapshot, 'dong_y_dieu_khoan');
  assert.deepEqual([consent.origin, consent.overwritten], ['server', true], 'the server ticked it, the citizen unticked it');
  assert.deepEqual([origin(untouched.snapshot, 'dong_y_dieu_khoan').origin, origin(untouched.snapshot, 'dong_y_dieu_khoan').overwritten], ['server', false]);
  const counters = (f) => ({ origin: f.origin, filled: f.filled !== undefined, corrections: f.corrections });
  assert.deepEqual(counters(box(ticked.snapshot)), counters(box(changedMind.snapshot)), 'no counter tells the two answers apart');
});

test('with data-allow-params, the journey\'s end (steps carrying ?buoc=) is stored, not refused', async () => {
  const { context, page } = await openPage(stack.browser);
  await page.goto(`${stack.site.url}/dich-vu/1.001234/step-params.html?buoc=2&cccd=001099012345`);
  await probeReady(page);
  await page.fill('#muc_dich', 'Xin việc cho Nguyễn Văn An');
  await page.click('#gui');
  await page.waitForURL(/bien-nhan/);
  await probeReady(page);
  await page.goto('about:blank');
  await context.close();
  const end = await eventually(async () => (await stack.collector.stored()).find((b) => b.beacon.trigger === 'submitted'));
  assert.ok(end, 'the submitted beacon was stored');
  const steps = end.beacon.journey.steps.map((s) => s.name);
  assert.ok(steps.includes('/dich-vu/1.001234/step-params.html?buoc=2'), JSON.stringify(steps));
  assert.ok(steps.includes('/dich-vu/1.001234/bien-nhan.html?buoc=3'), JSON.stringify(steps));
  const refused = stack.recorder.requests.filter((r) => r.method === 'POST' && r.status >= 400);
  assert.deepEqual(refused.map((r) => r.status), [], 'the collector refused nothing');
});

test('a service code that is a citizen\'s number is refused, named, and nothing is sent', async () => {
  const attrs = `data-collector="${stack.recorder.url}/v1/beacons" data-service="001099012345"`;
  const other = await startStatic({ vars: { TAG_ATTRIBUTES: attrs } });
  try {
    const before = stack.recorder.requests.length;
    const { context, page, console: logged } = await openPage(stack.browser);
    await page.goto(`${other.url}/bien-nhan.html`);
    const warning = await eventually(async () => logged.find((m) => m.type === 'warning' && m.text.includes('data-service')));
    assert.ok(warning, JSON.stringify(logged));
    assert.match(warning.text, /because it holds a run of 9 or more digits, like a citizen ID or phone number/);
    await page.goto('about:blank');
    await context.close();
    assert.equal(stack.recorder.requests.length, before, 'nothing was sent');
  } finally {
    await other.close();
  }
});

test('nothing identifying left the browser in any request of this file', () => {
  assert.ok(assertAnonymous(stack.recorder.requests, { secrets: [...CITIZEN, '0912345678', 'Xin việc'] }) > 0);
  for (const r of stack.recorder.requests) {
    for (const name of FOLDED) assert.ok(!fold(r.body).includes(name), `${name} (folded) in ${r.body}`);
  }
});

// Widget scenarios (see ../README.md): application frameworks.
//   angular.html — a real Angular 22 app (JIT, zone.js loaded before the probe), a reactive
//                  form whose inputs carry formControlName only, filled from a fetch;
//   spa.html     — a single-page, two-step form in plain DOM script: "Tiếp tục" pushes
//                  ?buoc=2 and replaces step 1 with step 2, whose values arrive from a fetch.
import { ready, pickByKeyboard, pollInPage } from '../act.mjs';

/** The probe tag's collector URL, as the page carries it. */
const collectorOf = (page) => page.evaluate(() => document.querySelector('script[data-collector]').getAttribute('data-collector'));

/**
 * The tab goes to the background and comes back, so that the probe sends a beacon while the
 * act can still look at the page. Headless Chromium never hides a tab (a second tab brought to
 * the front, a minimised window, Page.setWebLifecycleState: no visibilitychange at all), so the
 * document's visibility is overridden and the event dispatched, as tests/e2e/clock.test.mjs
 * does. Resolves once a request to the collector has left the browser (seen by Playwright,
 * whichever fetch the probe used).
 */
async function beaconWhileHidden(page, collector) {
  let seen = 0;
  const onRequest = (request) => {
    if (request.url().startsWith(collector)) seen++;
  };
  page.on('request', onRequest);
  try {
    const flip = (hidden) =>
      page.evaluate((h) => {
        if (h) {
          Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
          Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
        } else {
          delete document.visibilityState; // the prototype's getters again
          delete document.hidden;
        }
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await flip(true);
    const end = Date.now() + 5_000;
    while (seen === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    await flip(false);
    if (seen === 0) throw new Error('no beacon reached the collector while the tab was hidden: nothing to check');
  } finally {
    page.off('request', onRequest);
  }
}

/**
 * Throws unless no request to `collector` went through zone.js's patched window.fetch (the
 * page records every fetch, and whether zone's wrapper made it: see angular.html). A beacon
 * that left by another way (the browser's own fetch, sendBeacon, another realm's fetch) passes.
 */
async function assertBeaconsBypassedZoneFetch(page, collector) {
  const { toCollector, all } = await page.evaluate((c) => ({ toCollector: window.patchedFetchCallsTo(c), all: window.fetchCalls() }), collector);
  if (toCollector !== 0) {
    throw new Error(
      `the probe sent ${toCollector} beacon(s) through zone.js's patched window.fetch ` +
        `(it must call the browser's own fetch, window.__zone_symbol__fetch); fetches: ${JSON.stringify(all)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// angular.html — Angular 22 reactive form (formControlName, no name/id), zone.js before the probe
// ---------------------------------------------------------------------------------------------
const NG = {
  so_dien_thoai: '0912468035',
  email: 'quoc.trung.pham95@example.vn',
  dia_chi_tam_tru: 'Phòng 507 chung cư Hoàng Anh Gia Lai, phường Tân Hưng',
  noi_thuong_tru: 'Xóm 3, thôn Đông, xã Quảng Phú, tỉnh Thanh Hóa',
  ly_do: 'Chuyển vào thành phố Hồ Chí Minh làm việc theo hợp đồng lao động',
};
const fc = (name) => `[formcontrolname="${name}"]`;

const angular = {
  name: 'angular reactive form (zone.js)',
  page: 'angular.html',
  orders: ['first', 'last'],
  async act(page, ctx) {
    await ready(page, ctx); // pageReady: after the render that follows patchValue()
    await page.type(fc('so_dien_thoai'), NG.so_dien_thoai);
    await page.fill(fc('email'), NG.email);
    await pickByKeyboard(page, fc('tinh_thanh'), 2); // placeholder → Hà Nội → Hồ Chí Minh
    await page.type(fc('dia_chi_tam_tru'), NG.dia_chi_tam_tru);
    await page.fill(fc('noi_thuong_tru'), NG.noi_thuong_tru); // fetched, replaced
    await page.type(fc('ly_do'), NG.ly_do);
    const picked = await page.inputValue(fc('tinh_thanh'));
    if (picked !== 'tinh-79') throw new Error(`the keyboard picked ${JSON.stringify(picked)} in tinh_thanh, not tinh-79`);
    // The reactive form saw the citizen's input (Angular's DefaultValueAccessor listens to `input`).
    const model = await page.evaluate(() => document.querySelector('#to-khai-angular').classList.contains('ng-dirty'));
    if (!model) throw new Error('the Angular form is not dirty after typing: its value accessors saw nothing');
    // A beacon while the act can see the page: it must not go through zone.js's fetch.
    const collector = await collectorOf(page);
    await beaconWhileHidden(page, collector);
    await assertBeaconsBypassedZoneFetch(page, collector);
  },
  expected: {
    ho_ten: { origin: 'script', overwritten: false },
    so_dinh_danh: { origin: 'script', overwritten: false },
    ngay_sinh: { origin: 'script', overwritten: false },
    gioi_tinh: { origin: 'script', overwritten: false },
    noi_thuong_tru: { origin: 'script', overwritten: true },
    tinh_thanh: { origin: 'user', overwritten: false },
    dia_chi_tam_tru: { origin: 'user', overwritten: false },
    so_dien_thoai: { origin: 'user', overwritten: false },
    email: { origin: 'user', overwritten: false },
    chu_ho: { origin: 'empty', overwritten: false },
    ly_do: { origin: 'user', overwritten: false },
  },
  secrets: [
    ...Object.values(NG),
    // pages/citizen.json, fetched as /api/citizen.json and patched into the form
    'Phạm Quốc Trung',
    '038095012876',
    '21/08/1995',
    'gt-nam',
    'Thôn Đông, xã Quảng Phú, tỉnh Thanh Hóa',
    // picked by the citizen
    'tinh-79',
    'Thành phố Hồ Chí Minh',
  ],
};

// ---------------------------------------------------------------------------------------------
// spa.html — two steps in one page: pushState('?buoc=2'), step 1 removed, step 2 built by script
// and filled from a fetch 200 ms after its answer
// ---------------------------------------------------------------------------------------------
const SPA = {
  // step 1 (removed from the page before the snapshot)
  ho_ten: 'Nguyễn Thị Thanh Hương',
  ngay_sinh: '15/03/1989',
  so_dien_thoai: '0983217645',
  // step 2
  ngay_cap: '14/04/2021', // replaces the fetched 12/04/2021
  email: 'thanhhuong.nguyen89@example.vn',
  nghe_nghiep: 'Điều dưỡng viên',
};

const spa = {
  name: 'single-page two-step form',
  page: 'spa.html',
  orders: ['first', 'last'],
  async act(page, ctx) {
    await ready(page, ctx);
    // Step 1: the citizen types, then moves on.
    await page.type('#ho_ten', SPA.ho_ten);
    await page.type('#ngay_sinh', SPA.ngay_sinh);
    await page.type('#so_dien_thoai', SPA.so_dien_thoai);
    await page.click('#btn-tiep-tuc');
    await page.waitForSelector('#buoc-1', { state: 'detached' });
    await pollInPage(page, () => window.buoc2 === 'da-dien' && location.search === '?buoc=2', undefined, {
      timeout: 10_000,
      what: 'step 2 pre-filled from /api/spa-ho-so.json',
    });
    // Step 2: the fetched values are in; the citizen corrects one and types others.
    await page.fill('#ngay_cap', SPA.ngay_cap);
    await page.fill('#email', SPA.email);
    await page.type('#nghe_nghiep', SPA.nghe_nghiep);
  },
  expected: {
    // step 1's ho_ten, so_dinh_danh (declared), ngay_sinh, so_dien_thoai: removed, absent
    dia_chi_thuong_tru: { origin: 'script', overwritten: false },
    noi_cap: { origin: 'script', overwritten: false },
    ngay_cap: { origin: 'script', overwritten: true },
    quan_he_chu_ho: { origin: 'script', overwritten: false },
    email: { origin: 'user', overwritten: false },
    nghe_nghiep: { origin: 'user', overwritten: false },
    ghi_chu: { origin: 'empty', overwritten: false },
  },
  secrets: [
    ...Object.values(SPA),
    '001089023415', // step 1's declared so_dinh_danh
    // pages/spa-ho-so.json
    'Số 26 ngõ 80 phố Chùa Láng, phường Láng, thành phố Hà Nội',
    'Cục Cảnh sát quản lý hành chính về trật tự xã hội',
    '12/04/2021',
    'qh-con',
  ],
};

/** @type {Array<object>} */
export const scenarios = [angular, spa];

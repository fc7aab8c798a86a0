// Field-origin scenarios: for each test page in pages/, what a citizen does (`act`, TRUSTED
// input only) and what the probe's snapshot must then say about every field of the page.
//
// Contract with the test that runs these:
//   - it serves pages/ (see README.md for the paths) and navigates `page` to `/${scenario.page}`
//     BEFORE calling `act(page, ctx)`; `act` never navigates;
//   - ctx = { cdp, grantClipboard, probeTimeout? }:
//       cdp             a playwright-core CDPSession for `page` (context.newCDPSession(page)),
//       grantClipboard  async () => grants clipboard-read/clipboard-write to the page's origin,
//       probeTimeout    optional ms for waitForProbe (default 20 s);
//   - after `act` resolves, it reads window.JourneyProbe.snapshot() and asserts that its
//     `fields` have exactly the keys of `expected`, each with that origin / overwritten / source,
//     and that no string of `secrets` appears in any beacon.
// `act` waits, before touching anything, until the page's own scripts have finished filling
// (window.pageReady === true) and until the probe answers snapshot() with something non-null.

import { SOURCE, ready, pasteInto, clearByKeyboard, pickByKeyboard, chromiumAutofill } from './act.mjs';
import { scenarios as native } from './widgets/native.mjs';
import { scenarios as pickers } from './widgets/pickers.mjs';
import { scenarios as selects } from './widgets/selects.mjs';
import { scenarios as apps } from './widgets/apps.mjs';

export { waitForPageReady, waitForProbe, chromiumAutofill } from './act.mjs';

// ---------------------------------------------------------------------------------------------
// plain.html — plain DOM script
// ---------------------------------------------------------------------------------------------
const PLAIN = {
  tu_khoa: 'thủ tục cấp phiếu LLTP số 2',
  so_dien_thoai: '0987654321',
  email: 'minh.khai.1990@example.vn',
  noi_thuong_tru: 'Số 8 ngõ 4 phố Huế, phường Phố Huế',
  noi_lam_viec: 'Trường Tiểu học Kim Đồng',
  nghe_nghiep: 'Kế toán viên',
  ten_goi_khac: 'Khai Nguyễn',
  muc_dich: 'Bổ sung hồ sơ xin việc tại Công ty Cổ phần An Bình',
};

const plain = {
  name: 'plain',
  page: 'plain.html',
  async act(page, ctx) {
    await ready(page, ctx);
    await page.type('#tu_khoa', PLAIN.tu_khoa); // outside any <form>
    await page.type('#so_dien_thoai', PLAIN.so_dien_thoai);
    await pasteInto(page, ctx, '#email', PLAIN.email);
    await pickByKeyboard(page, '#tinh_thanh', 3); // placeholder → Hà Nội → HCM → Đà Nẵng
    await page.click('#htn_buu_dien');
    await page.fill('#noi_thuong_tru', PLAIN.noi_thuong_tru); // declared, changed
    await page.fill('#noi_lam_viec', PLAIN.noi_lam_viec); // server, changed
    await page.fill('#nghe_nghiep', PLAIN.nghe_nghiep); // script, changed
    await page.type('#ten_goi_khac', PLAIN.ten_goi_khac);
    await clearByKeyboard(page, '#ten_goi_khac');
    await page.type('#muc_dich', PLAIN.muc_dich);
  },
  expected: {
    tu_khoa: { origin: 'user', overwritten: false },
    ho_ten: { origin: 'declared', source: SOURCE, overwritten: false },
    so_dinh_danh: { origin: 'declared', source: SOURCE, overwritten: false },
    noi_thuong_tru: { origin: 'declared', source: SOURCE, overwritten: true },
    co_quan_tiep_nhan: { origin: 'server', overwritten: false },
    noi_lam_viec: { origin: 'server', overwritten: true },
    gioi_tinh: { origin: 'server', overwritten: false },
    cam_ket: { origin: 'server', overwritten: false },
    quoc_tich: { origin: 'script', overwritten: false },
    dan_toc: { origin: 'script', overwritten: false },
    noi_cap: { origin: 'script', overwritten: false },
    nghe_nghiep: { origin: 'script', overwritten: true },
    nhan_qua_buu_dien: { origin: 'script', overwritten: false },
    so_dien_thoai: { origin: 'user', overwritten: false },
    email: { origin: 'user', overwritten: false },
    tinh_thanh: { origin: 'user', overwritten: false },
    hinh_thuc_nhan: { origin: 'user', overwritten: false },
    ten_goi_khac: { origin: 'empty', overwritten: false },
    so_ho_chieu: { origin: 'empty', overwritten: false },
    muc_dich: { origin: 'user', overwritten: false },
  },
  secrets: [
    ...Object.values(PLAIN),
    // pre-filled by the server or the page
    'Nguyễn Thị Minh Khai',
    '001190012345',
    'Số 12 phố Lê Lợi, phường Tân Phong',
    'Sở Tư pháp thành phố Hà Nội',
    'Công ty TNHH Minh Phát',
    'gioi-tinh-nu',
    'csrf-7f3a9c2e5b1d',
    'Việt Nam',
    'Mường',
    'Cục Cảnh sát quản lý hành chính',
    'Giáo viên tiểu học',
    // picked by the citizen
    'tinh-48',
    'nhan-qua-buu-chinh',
  ],
};

// ---------------------------------------------------------------------------------------------
// jquery.html — jQuery 4 fills after $(function(){ setTimeout(…, 200) })
// ---------------------------------------------------------------------------------------------
const JQ = {
  so_dien_thoai: '0903111222',
  email: 'hong.nhung.le@example.vn',
  dia_chi: 'Số 17 đường Hai Bà Trưng, phường Sài Gòn',
};

const jquery = {
  name: 'jquery',
  page: 'jquery.html',
  async act(page, ctx) {
    await ready(page, ctx);
    await page.type('#so_dien_thoai', JQ.so_dien_thoai);
    await page.fill('#email', JQ.email);
    await page.fill('#dia_chi', JQ.dia_chi); // jQuery-filled, changed
  },
  expected: {
    ma_ho_so: { origin: 'server', overwritten: false },
    so_dinh_danh_me: { origin: 'declared', source: SOURCE, overwritten: false },
    ho_ten: { origin: 'script', overwritten: false },
    so_dinh_danh: { origin: 'script', overwritten: false },
    tinh_thanh: { origin: 'script', overwritten: false },
    gioi_tinh_tre: { origin: 'script', overwritten: false },
    dia_chi: { origin: 'script', overwritten: true },
    dong_y: { origin: 'script', overwritten: false },
    so_dien_thoai: { origin: 'user', overwritten: false },
    email: { origin: 'user', overwritten: false },
    ghi_chu: { origin: 'empty', overwritten: false },
  },
  secrets: [
    ...Object.values(JQ),
    'HS-000.00.16.H26-250311-0042',
    '036192004817',
    'Lê Thị Hồng Nhung',
    '079301004567',
    'tinh-79',
    'Số 45 đường Nguyễn Trãi',
  ],
};

// ---------------------------------------------------------------------------------------------
// react.html — React 19 controlled form, filled from /api/citizen.json
// ---------------------------------------------------------------------------------------------
const RX = {
  so_dien_thoai: '0977345120',
  email: 'quoc.trung.pham@example.vn',
  muc_dich: 'Chuyển đến nơi ở mới do thay đổi công tác',
  noi_thuong_tru: 'Số 3 phố Tràng Tiền, phường Hoàn Kiếm',
};

const react = {
  name: 'react',
  page: 'react.html',
  async act(page, ctx) {
    await ready(page, ctx); // pageReady is set after the fetched values are committed
    await page.type('#so_dien_thoai', RX.so_dien_thoai);
    await page.fill('#email', RX.email);
    await page.type('#muc_dich', RX.muc_dich);
    await page.fill('#noi_thuong_tru', RX.noi_thuong_tru); // fetched, changed
  },
  expected: {
    ho_ten: { origin: 'script', overwritten: false },
    so_dinh_danh: { origin: 'script', overwritten: false },
    ngay_sinh: { origin: 'script', overwritten: false },
    gioi_tinh: { origin: 'script', overwritten: false },
    noi_thuong_tru: { origin: 'script', overwritten: true },
    so_dien_thoai: { origin: 'user', overwritten: false },
    email: { origin: 'user', overwritten: false },
    noi_o_hien_tai: { origin: 'empty', overwritten: false },
    muc_dich: { origin: 'user', overwritten: false },
  },
  secrets: [
    ...Object.values(RX),
    // pages/citizen.json
    'Phạm Quốc Trung',
    '038095012876',
    '21/08/1995',
    'Thôn Đông, xã Quảng Phú',
  ],
};

// ---------------------------------------------------------------------------------------------
// autofill.html — Chromium's real autofill over CDP
// ---------------------------------------------------------------------------------------------
const PROFILE = [
  { name: 'NAME_FULL', value: 'Đỗ Thị Thu Hà' },
  { name: 'EMAIL_ADDRESS', value: 'thuha.do@example.vn' },
  { name: 'PHONE_HOME_WHOLE_NUMBER', value: '0916000333' },
  { name: 'COMPANY_NAME', value: 'Hợp tác xã Nông nghiệp Tiền Phong' },
  { name: 'ADDRESS_HOME_STREET_ADDRESS', value: 'Số 21 đường Trần Phú' },
  { name: 'ADDRESS_HOME_CITY', value: 'Quận Ba Đình' },
  { name: 'ADDRESS_HOME_STATE', value: 'Hà Nội' },
  { name: 'ADDRESS_HOME_ZIP', value: '118000' },
  { name: 'ADDRESS_HOME_COUNTRY', value: 'VN' },
];
const AF = {
  so_dien_thoai: '0388123456', // replaces the autofilled number
  ghi_chu: 'Liên hệ giờ hành chính',
};

const autofill = {
  name: 'autofill',
  page: 'autofill.html',
  async act(page, ctx) {
    await ready(page, ctx);
    await chromiumAutofill(page, ctx.cdp, '#ho_ten', PROFILE);
    await page.fill('#so_dien_thoai', AF.so_dien_thoai); // autofilled, then edited → user
    await page.type('#ghi_chu', AF.ghi_chu);
  },
  expected: {
    ho_ten: { origin: 'autofill', overwritten: false },
    email: { origin: 'autofill', overwritten: false },
    so_dien_thoai: { origin: 'user', overwritten: false },
    co_quan: { origin: 'autofill', overwritten: false },
    dia_chi: { origin: 'autofill', overwritten: false },
    quan_huyen: { origin: 'autofill', overwritten: false },
    tinh_thanh: { origin: 'autofill', overwritten: false },
    ma_buu_chinh: { origin: 'autofill', overwritten: false },
    ghi_chu: { origin: 'user', overwritten: false },
  },
  secrets: [
    ...Object.values(AF),
    ...PROFILE.filter((f) => f.name !== 'ADDRESS_HOME_COUNTRY').map((f) => f.value),
    '916000333', // Chromium fills the phone as +84916000333
  ],
};

// ---------------------------------------------------------------------------------------------
// shadow.html — open shadow roots, a custom element, a wizard that adds and removes fieldsets
// ---------------------------------------------------------------------------------------------
const SH = {
  so_dien_thoai_lien_he: '0945678123',
  dia_chi: 'Phòng 1204 tòa nhà Sông Đà, phường Mỹ Đình',
  email: 'tam.tru.2025@example.vn',
  nguoi_uy_quyen: 'Hoàng Văn Thụ Nhì', // typed, then its fieldset is removed
  nguoi_lien_he: 'Vũ Thị Lan Anh',
};

const shadow = {
  name: 'shadow',
  page: 'shadow.html',
  async act(page, ctx) {
    await ready(page, ctx);
    // playwright-core CSS selectors pierce open shadow roots.
    await page.type('#khung-ho-so input[name="so_dien_thoai_lien_he"]', SH.so_dien_thoai_lien_he);
    await page.type('vn-text-field[name="dia_chi"] input', SH.dia_chi);
    await page.fill('vn-email-field input[name="email"]', SH.email);
    await page.type('#nguoi_uy_quyen', SH.nguoi_uy_quyen);
    await page.click('#btn-xoa-uy-quyen');
    await page.waitForSelector('#uy-quyen', { state: 'detached' });
    await page.click('#btn-buoc-tiep');
    await page.waitForSelector('#nguoi_lien_he');
    await page.type('#nguoi_lien_he', SH.nguoi_lien_he);
  },
  expected: {
    ma_ho_so: { origin: 'server', overwritten: false },
    so_dien_thoai_lien_he: { origin: 'user', overwritten: false },
    dia_chi: { origin: 'user', overwritten: false },
    email: { origin: 'user', overwritten: false },
    nguoi_lien_he: { origin: 'user', overwritten: false },
    quan_he: { origin: 'empty', overwritten: false },
    // nguoi_uy_quyen and so_giay_uy_quyen were removed with their fieldset: absent.
  },
  secrets: [...Object.values(SH), 'HS-TT-2025-118204', 'UQ-2025-7731'],
};

// ---------------------------------------------------------------------------------------------
// aria.html — ARIA widgets, contenteditable, and fields keyed by their labels
// ---------------------------------------------------------------------------------------------
const AR = {
  noi_dung: 'Cán bộ một cửa hẹn trả kết quả quá 15 ngày',
  chu_tai_khoan: 'TRAN MINH QUAN',
  ngan_hang: 'Ngân hàng Nông nghiệp Agribank',
  so_tai_khoan: '1903555012345678',
  khong_nhan: 'Mã hộ chiếu C0448291',
};

const aria = {
  name: 'aria',
  page: 'aria.html',
  async act(page, ctx) {
    await ready(page, ctx);
    // Combobox: open the popup, click an option; the page's click handler sets the value.
    await page.click('#noi_sinh');
    await page.click('#opt-quang-nam');
    // Radiogroup of role=radio divs.
    await page.click('#ra-buu-chinh');
    // contenteditable.
    await page.click('#noi_dung_kien_nghi');
    await page.keyboard.type(AR.noi_dung);
    // Label-keyed fields of #thong-tin-bo-sung.
    await page.fill('#chu_tai_khoan', AR.chu_tai_khoan);
    await page.fill('#thong-tin-bo-sung > div:nth-of-type(2) input', AR.ngan_hang);
    await page.type('#thong-tin-bo-sung input[aria-label]', AR.so_tai_khoan);
    await page.type('#thong-tin-bo-sung > div:nth-of-type(6) input', AR.khong_nhan);
  },
  expected: {
    noi_sinh: { origin: 'user', overwritten: false },
    'Hình thức nhận trả lời': { origin: 'user', overwritten: false },
    kenh_thong_bao: { origin: 'server', overwritten: false },
    noi_dung_kien_nghi: { origin: 'user', overwritten: false },
    chu_tai_khoan: { origin: 'user', overwritten: false },
    'Ngân hàng': { origin: 'user', overwritten: false }, // the label's text before its colon
    'Số tài khoản': { origin: 'user', overwritten: false },
    'Chi nhánh': { origin: 'empty', overwritten: false },
    'Mã SWIFT': { origin: 'empty', overwritten: false },
    '#5': { origin: 'user', overwritten: false },
  },
  secrets: [
    ...Object.values(AR),
    'Tỉnh Quảng Nam',
    'Qua dịch vụ bưu chính',
    'Ứng dụng VNeID',
    'phien-8d2e41',
  ],
};

/**
 * @type {Array<{ name: string, page: string,
 *   act: (page: import('playwright-core').Page, ctx: { cdp: import('playwright-core').CDPSession, grantClipboard: () => Promise<void>, probeTimeout?: number }) => Promise<void>,
 *   expected: Record<string, { origin: 'declared'|'server'|'script'|'autofill'|'user'|'empty', overwritten?: boolean, source?: string }>,
 *   secrets: string[], orders?: Array<'first'|'last'> }>}
 * `orders`: run once per entry — 'first' as the page is written (the probe's tag in `<head>`),
 * 'last' with the tag moved after the page's own scripts (`?probe=last`); default ['first'].
 */
export const scenarios = [plain, jquery, react, autofill, shadow, aria, ...native, ...pickers, ...selects, ...apps];

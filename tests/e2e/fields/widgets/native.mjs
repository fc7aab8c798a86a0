// Native controls and hand-written ARIA widgets that page script drives (see ../README.md,
// native.html): checkboxes ticked by el.click(), jQuery's trigger('click'), a label's click and
// a dispatched click (Chromium marks the input and change that follow as trusted), a text
// field page script fills with execCommand('insertText') (a trusted input no beforeinput
// announced), one click of the citizen that makes the page fill other fields, and WAI-ARIA
// select-only comboboxes whose text is a placeholder until something is picked.
import { expectValue, ready, pickByKeyboard } from '../act.mjs';

const NATIVE = {
  dia_chi_thuong_tru: 'Số 12 đường Lê Duẩn, phường Hải Châu',
  so_dien_thoai: '0905123456',
};

const native = {
  name: 'script-driven native controls and ARIA comboboxes',
  page: 'native.html',
  orders: ['first', 'last'],
  async act(page, ctx) {
    await ready(page, ctx);
    await pickByKeyboard(page, '#tinh_thuong_tru', 2); // Thành phố Đà Nẵng
    await page.type('#dia_chi_thuong_tru', NATIVE.dia_chi_thuong_tru);
    // One click of the citizen; the page copies the address into two other fields.
    await page.click('#giong_thuong_tru');
    await expectValue(page, '#dia_chi_hien_tai', NATIVE.dia_chi_thuong_tru);
    await page.click('#sao-chep');
    await expectValue(page, '#dia_chi_lien_he', NATIVE.dia_chi_thuong_tru);
    // The combobox: open its list, click an option.
    await page.click('#noi_sinh');
    await page.click('#ns-thanh-hoa');
    if ((await page.textContent('#noi_sinh')) !== 'Tỉnh Thanh Hóa') throw new Error('the combobox did not take the pick');
    await page.type('#so_dien_thoai', NATIVE.so_dien_thoai);
    await page.click('#cam_doan');
    const ticked = await page.evaluate(() => ['nhan_thong_bao', 'dong_y_dieu_khoan', 'uu_tien', 'gui_sms', 'cam_doan']
      .filter((id) => document.getElementById(id).checked));
    if (ticked.length !== 5) throw new Error(`only ${ticked} are ticked`);
  },
  expected: {
    tinh_thuong_tru: { origin: 'user' },
    dia_chi_thuong_tru: { origin: 'user' },
    giong_thuong_tru: { origin: 'user' }, // ticked by the citizen
    tinh_hien_tai: { origin: 'script' }, // copied by the page in answer to that tick
    dia_chi_hien_tai: { origin: 'script' },
    dia_chi_lien_he: { origin: 'script' }, // copied by the page in answer to a button (not a field)
    noi_sinh: { origin: 'user' }, // picked by the citizen in its list
    quoc_tich: { origin: 'empty' }, // untouched: "Chọn quốc tịch" is a placeholder
    dan_toc: { origin: 'script' }, // picked by page script after load
    so_dien_thoai: { origin: 'user' },
    ghi_chu: { origin: 'script' }, // execCommand('insertText') by page script
    nhan_thong_bao: { origin: 'script' }, // el.click()
    dong_y_dieu_khoan: { origin: 'script' }, // jQuery .trigger('click')
    uu_tien: { origin: 'script' }, // its label's el.click()
    gui_sms: { origin: 'script' }, // dispatchEvent(new MouseEvent('click'))
    cam_doan: { origin: 'user' },
  },
  secrets: [...Object.values(NATIVE), 'Lê Duẩn', 'Tỉnh Thanh Hóa', 'Thành phố Đà Nẵng', 'Hồ sơ nộp trực tuyến lần đầu', 'Chọn quốc tịch'],
};

/** @type {Array<object>} */
export const scenarios = [native];

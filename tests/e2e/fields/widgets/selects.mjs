// Widget scenarios (see ../README.md): an enhanced select (select2 4.1.0 on jQuery 4) and rich-text
// editors (Quill 2.0.3, bare contenteditable). Trusted input only: the mouse, the keyboard, the
// real clipboard.
import { ready, pollInPage, toClipboard } from '../act.mjs';

/** Fails unless the page's own reading of `selector` (`fn(el)`) becomes `want`: the widget really did it. */
async function expectInPage(page, selector, fn, want, what) {
  await pollInPage(page, ({ selector, fn, want }) => new Function('el', `return (${fn})(el)`)(document.querySelector(selector)) === want, { selector, fn: String(fn), want }, {
    timeout: 5_000,
    what: `${what} (${selector} → ${JSON.stringify(want)})`,
  });
}

// ---------------------------------------------------------------------------------------------
// select2.html — select2 4.1.0: the native <select> hidden, a face after it, a dropdown with a
// search box attached to <body> while open
// ---------------------------------------------------------------------------------------------

/** The face select2 renders for the native select `#id` (the span role=combobox). */
const face = (id) => `#${id} + .select2 .select2-selection`;
const SEARCH = 'body > .select2-container--open .select2-search__field';

/** Waits until the dropdown is open and its search box has the focus (select2 focuses it in a timer). */
async function searchFocused(page) {
  await pollInPage(page, (sel) => document.activeElement === document.querySelector(sel), SEARCH, {
    timeout: 5_000,
    what: 'the select2 search box to be focused',
  });
}

const S2 = {
  so_dien_thoai: '0912487356',
  tim_tinh: 'Nẵng', // typed into tinh_thanh's search box
  tim_dan_toc: 'Sán', // typed into dan_toc's search box: Sán Chay, Sán Dìu
  tim_quan_he: 'Vợ', // typed into quan_he_chu_ho's search box
};

const select2 = {
  name: 'select2',
  page: 'select2.html',
  orders: ['first', 'last'],
  async act(page, ctx) {
    await ready(page, ctx);
    await page.type('#so_dien_thoai', S2.so_dien_thoai);

    // (a) tinh_thanh: open with the mouse, search, click an option (select2 picks on mouseup).
    await page.click(face('tinh_thanh'));
    await searchFocused(page);
    await page.keyboard.type(S2.tim_tinh);
    await page.click('#select2-tinh_thanh-results li[role="option"]:has-text("Thành phố Đà Nẵng")');
    await expectInPage(page, '#tinh_thanh', (el) => el.value, 'tinh-48', 'select2 picked by mouse');

    // (b) dan_toc: Tab to its face (the native selects are tabindex=-1), Enter opens, search,
    // ArrowDown from the first match (Sán Chay) to the second, Enter picks it.
    await page.keyboard.press('Tab');
    await pollInPage(page, (sel) => document.activeElement === document.querySelector(sel), face('dan_toc'), {
      timeout: 5_000,
      what: "dan_toc's select2 face to have the focus after Tab",
    });
    await page.keyboard.press('Enter');
    await searchFocused(page);
    await page.keyboard.type(S2.tim_dan_toc);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expectInPage(page, '#dan_toc', (el) => el.value, 'dt-10', 'select2 picked by keyboard');

    // (d) quan_he_chu_ho: set by the page to Chủ hộ; the citizen picks Vợ instead.
    await page.click(face('quan_he_chu_ho'));
    await searchFocused(page);
    await page.keyboard.type(S2.tim_quan_he);
    await page.click('#select2-quan_he_chu_ho-results li[role="option"]:has-text("Vợ")');
    await expectInPage(page, '#quan_he_chu_ho', (el) => el.value, 'qh-vo', 'select2 re-picked by mouse');
  },
  expected: {
    ho_ten: { origin: 'script', overwritten: false },
    so_dinh_danh: { origin: 'script', overwritten: false },
    que_quan: { origin: 'script', overwritten: false },
    tinh_trang_hon_nhan: { origin: 'server', overwritten: false },
    quan_he_chu_ho: { origin: 'script', overwritten: true },
    tinh_thanh: { origin: 'user', overwritten: false },
    dan_toc: { origin: 'user', overwritten: false },
    ton_giao: { origin: 'empty', overwritten: false },
    so_dien_thoai: { origin: 'user', overwritten: false },
    // Not fields: the faces (span role=combobox, its span role=textbox), the dropdown's
    // search boxes (type=search, role=searchbox, outside the form).
  },
  secrets: [
    ...Object.values(S2),
    // filled by the page
    'Trần Văn Phúc',
    '040089017263',
    'Tỉnh Nghệ An',
    'qq-40',
    'Chủ hộ',
    'qh-chu-ho',
    // chosen by the server in the markup (select2's face shows it, and labels itself by it)
    'Đã kết hôn',
    'hn-da-ket-hon',
    // picked by the citizen
    'Thành phố Đà Nẵng',
    'tinh-48',
    'Sán Dìu',
    'dt-10',
    'qh-vo',
  ],
};

// ---------------------------------------------------------------------------------------------
// editor.html — Quill 2.0.3 editors (the field is quill.root, div.ql-editor[contenteditable],
// keyed by the page with data-probe-key) and bare contenteditable divs
// ---------------------------------------------------------------------------------------------

/**
 * Pastes `text` into the contenteditable `selector` through the real clipboard and Ctrl+V (a
 * trusted paste); resolves once the element's text contains it (Quill cancels the paste and
 * inserts the text itself).
 */
async function pasteIntoEditable(page, ctx, selector, text) {
  await toClipboard(page, ctx, text);
  await page.click(selector);
  await page.keyboard.press('Control+V');
  await pollInPage(page, ({ selector, text }) => document.querySelector(selector)?.textContent.includes(text), { selector, text }, {
    timeout: 5_000,
    what: `the paste to reach ${selector}`,
  });
}

const ED = {
  so_dien_thoai: '0936205418',
  noi_dung_1: 'Gia đình tôi sử dụng ổn định thửa đất từ năm 1993',
  noi_dung_2: 'Đề nghị xem xét lại mức bồi thường',
  tai_lieu: 'Giấy chứng nhận quyền sử dụng đất số BĐ 418230',
  nhan_chung: 'Lê Văn Hùng, tổ trưởng tổ dân phố 14',
};

const editor = {
  name: 'editor',
  page: 'editor.html',
  orders: ['first', 'last'],
  async act(page, ctx) {
    await ready(page, ctx);
    await page.type('#so_dien_thoai', ED.so_dien_thoai);

    // (a) Quill: click into it, type two paragraphs (Quill cancels Enter and splits the line itself).
    await page.click('#ql-noi-dung .ql-editor');
    await page.keyboard.type(ED.noi_dung_1);
    await page.keyboard.press('Enter');
    await page.keyboard.type(ED.noi_dung_2);
    await expectInPage(page, '#ql-noi-dung .ql-editor', (el) => el.querySelectorAll('p').length === 2 && el.textContent, ED.noi_dung_1 + ED.noi_dung_2, 'typing into Quill');

    // (c) Quill: real clipboard paste (Quill prevents the paste's default and inserts it itself).
    await pasteIntoEditable(page, ctx, '#ql-tai-lieu .ql-editor', ED.tai_lieu);

    // (e) bare contenteditable: typed.
    await page.click('#nhan_chung');
    await page.keyboard.type(ED.nhan_chung);
    await expectInPage(page, '#nhan_chung', (el) => el.textContent, ED.nhan_chung, 'typing into a contenteditable');
  },
  expected: {
    ho_ten: { origin: 'script', overwritten: false },
    so_dien_thoai: { origin: 'user', overwritten: false },
    nhan_chung: { origin: 'user', overwritten: false },
    noi_cu_tru: { origin: 'script', overwritten: false },
    co_quan_giai_quyet: { origin: 'script', overwritten: false },
    noi_dung_khieu_nai: { origin: 'user', overwritten: false },
    tom_tat_quyet_dinh: { origin: 'script', overwritten: false },
    tai_lieu_kem_theo: { origin: 'user', overwritten: false },
    de_nghi: { origin: 'empty', overwritten: false },
    // Not fields: Quill's toolbar machinery (select.ql-header, display:none, no name/id) and the
    // snow tooltip's input[type=text] (display:none, no name/id), both inside the form.
  },
  secrets: [
    ...Object.values(ED),
    // filled by the page
    'Phan Thị Thanh Tâm',
    'Quyết định số 1482/QĐ-UBND',
    'thửa số 37',
    'Số 9 ngõ 72 đường Nguyễn Lương Bằng',
    'Ủy ban nhân dân quận Đống Đa',
  ],
};

/** @type {Array<object>} */
export const scenarios = [select2, editor];

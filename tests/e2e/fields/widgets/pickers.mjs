// Widget scenarios (see ../README.md): date pickers and input masks — real flatpickr 4.6.13 and
// inputmask 5.0.10, driven by trusted mouse and keyboard input only.
import { expectValue, ready, pollInPage } from '../act.mjs';


// ---------------------------------------------------------------------------------------------
// datepicker.html — flatpickr 4.6.13 (Vietnamese locale); its calendars are appended to <body>
// ---------------------------------------------------------------------------------------------
/** The calendar that is open now (flatpickr puts one per input at the end of <body>). */
const OPEN = '.flatpickr-calendar.open';

async function waitForCalendar(page, open) {
  await pollInPage(page, (want) => (document.querySelectorAll('.flatpickr-calendar.open').length === 1) === want, open, {
    timeout: 5_000,
    what: `a flatpickr calendar to be ${open ? 'open' : 'closed'}`,
  });
}

const DP = {
  ho_ten: 'Trần Văn Bình',
  ngay_sinh: '1990-08-15', // flatpickr's default dateFormat Y-m-d
  ngay_hen_tra: '18/03/2026', // replaces the page's 16/03/2026
};

const datepicker = {
  name: 'flatpickr date picker',
  page: 'datepicker.html',
  orders: ['first', 'last'],
  async act(page, ctx) {
    await ready(page, ctx);
    await page.type('#ho_ten', DP.ho_ten);

    // Date of birth: click the (readonly) input, type the year into the calendar's year box,
    // step to August with the calendar's month arrows, click the 15th.
    await page.click('#ngay_sinh');
    await waitForCalendar(page, true);
    await page.click(`${OPEN} input.cur-year`);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('1990');
    await pollInPage(page, () => document.querySelector('.flatpickr-calendar.open input.cur-year')?.value === '1990', undefined, {
      timeout: 5_000,
      what: 'the calendar to show 1990',
    });
    // flatpickr cancels arrow keys anywhere in its calendar (its own day navigation), so the
    // month <select> cannot be moved with the keyboard: click the month arrows instead.
    const months = `${OPEN} select.flatpickr-monthDropdown-months`;
    for (let m = Number(await page.inputValue(months)); m !== 7; m = Number(await page.inputValue(months))) {
      await page.click(`${OPEN} ${m < 7 ? '.flatpickr-next-month' : '.flatpickr-prev-month'}`);
    }
    await page.click(`${OPEN} .flatpickr-day[aria-label="Tháng tám 15, 1990"]`);
    await waitForCalendar(page, false);
    await expectValue(page, '#ngay_sinh', DP.ngay_sinh);

    // The appointment the page pre-filled: its calendar opens on March 2026; pick another day.
    await page.click('#ngay_hen_tra');
    await waitForCalendar(page, true);
    await page.click(`${OPEN} .flatpickr-day[aria-label="Tháng ba 18, 2026"]`);
    await waitForCalendar(page, false);
    await expectValue(page, '#ngay_hen_tra', DP.ngay_hen_tra);

    await page.click('h1'); // focus leaves the form
  },
  expected: {
    ho_ten: { origin: 'user', overwritten: false },
    ngay_sinh: { origin: 'user', overwritten: false },
    ngay_cap: { origin: 'script', overwritten: false },
    ngay_het_han: { origin: 'script', overwritten: false },
    ngay_hen_tra: { origin: 'script', overwritten: true },
    ngay_xuat_canh: { origin: 'empty', overwritten: false },
  },
  secrets: [
    DP.ho_ten,
    // picked by the citizen, as the input shows them and as the calendar labels them
    '1990-08-15', '15/08/1990', 'Tháng tám 15, 1990',
    '18/03/2026', '2026-03-18', 'Tháng ba 18, 2026',
    // set by the page
    '12/04/2021', '2021-04-12', 'Tháng tư 12, 2021',
    '15/08/2030', '2030-08-15', 'Tháng tám 15, 2030',
    '16/03/2026', '2026-03-16', 'Tháng ba 16, 2026',
  ],
};

// ---------------------------------------------------------------------------------------------
// mask.html — inputmask 5.0.10 on phone numbers and CCCD numbers
// ---------------------------------------------------------------------------------------------
const MK = {
  so_dien_thoai: '0912345678',
  so_cccd: '001090012345',
  so_cccd_me: '001165007799', // replaces the page's 001165007788
};

const mask = {
  name: 'inputmask phone and CCCD masks',
  page: 'mask.html',
  orders: ['first', 'last'],
  async act(page, ctx) {
    await ready(page, ctx);
    await page.type('#so_dien_thoai', MK.so_dien_thoai); // key by key; inputmask cancels each key
    await expectValue(page, '#so_dien_thoai', '0912 345 678');

    // The citizen clicks into the landline box (inputmask writes "(___) ____ ____" into it
    // while it has focus) and moves on without typing: it is empty again after blur.
    await page.click('#so_dien_thoai_co_dinh');
    await page.click('#so_cccd');
    await page.keyboard.type(MK.so_cccd);
    await expectValue(page, '#so_cccd', '001 090 012 345');
    await expectValue(page, '#so_dien_thoai_co_dinh', '');

    // The mother's number the page filled in: select all, retype.
    await page.click('#so_cccd_me');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(MK.so_cccd_me);
    await expectValue(page, '#so_cccd_me', '001 165 007 799');

    await page.click('#tieu-de'); // blur: inputmask dispatches its (untrusted) change
  },
  expected: {
    so_dien_thoai: { origin: 'user', overwritten: false },
    so_cccd: { origin: 'user', overwritten: false },
    so_dien_thoai_co_dinh: { origin: 'empty', overwritten: false },
    so_cccd_cha: { origin: 'script', overwritten: false },
    so_cccd_me: { origin: 'script', overwritten: true },
    so_dien_thoai_nguoi_than: { origin: 'script', overwritten: false },
    so_cccd_vo_chong: { origin: 'empty', overwritten: false },
  },
  secrets: [
    // typed by the citizen, unmasked and as the mask shows them
    '0912345678', '0912 345 678',
    '001090012345', '001 090 012 345',
    '001165007799', '001 165 007 799',
    // set by the page
    '001062004321', '001 062 004 321',
    '001165007788', '001 165 007 788',
    '0987654321', '0987 654 321',
  ],
};

/** @type {Array<object>} */
export const scenarios = [datepicker, mask];

// Simulated citizens for the demo (`npm run demo -- --simulate N`) and its end-to-end test:
// headless Debian Chromium walks the demo portal's service "Cấp Phiếu lý lịch tư pháp"
// (/dich-vu/1.001234) as N citizens who each behave differently, so that the collector receives
// a realistic spread of journeys. Every choice comes from a seeded PRNG (mulberry32): the same
// seed gives the same citizens, step for step.
//
// Each citizen gets a fresh browser context whose clock (Playwright's) stands still and is moved
// only by the script, so a 9-minute journey, or a citizen who comes back after 40 minutes, takes
// seconds. What varies from citizen to citizen:
//   - how the journey ends: submitted (most), abandoned at step 1, 2 or 3 (the tab closed or left
//     for another site and never seen again, or come back to after the 30-minute idle timeout so
//     the probe itself reports `abandoned`), or expired (the portal ends the session);
//   - the time from login to submission, about 2 to 9 minutes, and how it splits between steps;
//   - a submission the server refuses and the citizen corrects (step 1: a 9-digit phone number;
//     step 2: more than 10 copies; step 3: the pledge box left unticked);
//   - time in another tab (the page hidden);
//   - a value the page pre-filled from the population database that the citizen changes;
//   - typing with `page.fill`, typing key by key, or pasting through the clipboard (Ctrl+V: the
//     probe counts only a real paste as one; `keyboard.insertText` counts as typing).
// Everything typed is made up: fictional addresses in the fictional "tỉnh Mẫu", phone numbers
// 0900 000 xxx, e-mail addresses at example.com.
import { launch, probeReady } from '../tests/e2e/support/browser.mjs';
import { loginToStepOne } from '../tests/e2e/support/citizen.mjs';

const SERVICE = '/dich-vu/1.001234';
/** The probe's idle timeout on the demo (data-idle-minutes is not set: the default). */
const IDLE_MS = 30 * 60_000;
/** The 2026 target from login to submission (data-target-seconds' default). */
const TARGET_MS = 300_000;
/** The first citizen starts at 08:00 in Hà Nội; the others follow a few minutes apart. */
const FIRST_START = Date.parse('2026-11-23T08:00:00+07:00');
/** Login-to-submission times are spread over this range (ms). */
const JOURNEY_RANGE = [120_000, 540_000];
/** How journeys end, as shares of the citizens. */
const FATES = [
  ['submitted', 0.65],
  ['abandoned-came-back', 0.15],
  ['abandoned-gone', 0.12],
  ['expired', 0.08],
];
/** How citizens enter text, as shares: `page.fill`, key by key, or pasting the longer texts. */
const INPUT_STYLES = [
  ['fill', 0.4],
  ['keys', 0.35],
  ['paste', 0.25],
];
/** The step whose submission the server refuses first, as shares (a few are refused twice). */
const REFUSALS = [
  [0, 0.55],
  [2, 0.25], // more than 10 copies
  [1, 0.12], // a phone number one digit short
  [3, 0.08], // the pledge box left unticked
];

const ADDRESSES = [
  'Số 8 ngõ 21 đường Trần Phú, phường Hòa Bình, thành phố Mẫu',
  'Thôn Đông, xã Tân Phong, huyện Kim Sơn, tỉnh Mẫu',
  'Số 45 đường Nguyễn Trãi, phường Bắc Sơn, thành phố Mẫu',
  'Tổ 3, khu phố 2, thị trấn Kim Sơn, tỉnh Mẫu',
  'Số 102 đường Hai Bà Trưng, phường Nam Hà, thành phố Mẫu',
  'Xóm Giữa, xã Yên Lạc, huyện Kim Sơn, tỉnh Mẫu',
];
const HOMETOWNS = ['Xã Tân Phúc, huyện Kim Sơn, tỉnh Mẫu', 'Xã Yên Lạc, huyện Kim Sơn, tỉnh Mẫu', 'Phường Nam Hà, thành phố Mẫu'];
const JOBS = ['Giáo viên', 'Kỹ sư xây dựng', 'Nhân viên văn phòng', 'Sinh viên', 'Kế toán', 'Lao động tự do'];
const PURPOSES = [
  'Bổ sung hồ sơ xin việc',
  'Làm thủ tục du học',
  'Xin cấp thị thực đi nước ngoài',
  'Bổ sung hồ sơ xuất khẩu lao động',
  'Đăng ký hành nghề luật sư',
  'Hoàn thiện hồ sơ nhận con nuôi',
];
/** Step-1 fields the page pre-fills from the population database and a citizen may change. */
const EDITABLE_PREFILLS = ['noi_thuong_tru', 'que_quan', 'dan_toc'];

// ------------------------------------------------------------------ seeded randomness

/**
 * mulberry32: a small, fast PRNG with 32 bits of state.
 * @param {number} seed any integer
 * @returns {() => number} a function returning the next float in [0, 1)
 */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Dice made from a PRNG: floats, whole numbers, chances, picks and shuffles. */
function diceFrom(next) {
  const between = (min, max) => min + (max - min) * next();
  return {
    between,
    int: (min, max) => Math.floor(between(min, max + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    seconds: (min, max) => Math.round(between(min, max)) * 1000,
    shuffle(list) {
      const out = [...list];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
  };
}

/** Splits `totalMs` in proportion to `weights`, in whole 100 ms, summing exactly to the total. */
function splitByWeights(totalMs, weights) {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((totalMs * w) / sum / 100) * 100);
  parts[parts.length - 1] += totalMs - parts.reduce((a, b) => a + b, 0);
  return parts;
}

/** Splits `totalMs` into `count` random parts (none tiny), summing exactly to the total. */
function splitRandomly(dice, totalMs, count) {
  return splitByWeights(totalMs, Array.from({ length: count }, () => dice.between(0.5, 1.5)));
}

// ------------------------------------------------------------------ planning the citizens

/**
 * Deals `shares` ([value, share] pairs) to `count` citizens like a shuffled deck: each value as
 * often as its share says (largest remainder), in a seeded order — so that even a handful of
 * citizens shows the common cases, and more citizens follow the shares closely.
 */
function deal(dice, count, shares) {
  const dealt = shares.map(([value, share]) => ({ value, exact: share * count, n: Math.floor(share * count) }));
  let left = count - dealt.reduce((a, d) => a + d.n, 0);
  for (const d of [...dealt].sort((a, b) => (b.exact % 1) - (a.exact % 1))) {
    if (left-- <= 0) break;
    d.n += 1;
  }
  return dice.shuffle(dealt.flatMap((d) => Array(d.n).fill(d.value)));
}

/**
 * One login-to-submission time per citizen, stratified over JOURNEY_RANGE (one draw from each
 * equal slice, then shuffled), so that any few citizens cover short and long journeys alike.
 */
function spreadJourneyTimes(dice, count) {
  const [low, high] = JOURNEY_RANGE;
  const slice = (high - low) / count;
  const times = Array.from({ length: count }, (_, i) => Math.round((low + slice * (i + dice.between(0, 1))) / 1000) * 1000);
  return dice.shuffle(times);
}

/** What a citizen types: made-up data, different from citizen to citizen. */
function inventFormData(dice, citizen) {
  const phoneDigits = `0900000${String((citizen * 137) % 1000).padStart(3, '0')}`;
  const phoneLayout = dice.pick(['plain', 'spaces', 'dots']);
  const phone = phoneLayout === 'plain' ? phoneDigits
    : phoneDigits.replace(/^(\d{4})(\d{3})(\d{3})$/, phoneLayout === 'spaces' ? '$1 $2 $3' : '$1.$2.$3');
  return {
    address: dice.pick(ADDRESSES),
    phone,
    shortPhone: phoneDigits.slice(0, 9), // one digit missing: the server refuses it
    email: dice.chance(0.6) ? `cong.dan.${String(citizen).padStart(3, '0')}@example.com` : null,
    job: dice.chance(0.5) ? dice.pick(JOBS) : null,
    newAddress: dice.pick(ADDRESSES),
    hometown: dice.pick(HOMETOWNS),
    certificate: dice.pick(['1', '2']),
    purpose: dice.pick(PURPOSES),
    copies: String(dice.int(1, 4)),
    deliveryPresses: dice.int(1, 2), // ArrowDown once: in person; twice: by post
  };
}

/**
 * The clock of one step: `work` is spent in slices between the citizen's actions, `hidden` in
 * another tab, `blocked` looking at the server's errors before correcting them.
 */
function planStepTime(dice, stepMs, { hidden, refused }) {
  const hiddenMs = hidden ? Math.round((stepMs * dice.between(0.2, 0.5)) / 100) * 100 : 0;
  const blockedMs = refused ? Math.round(((stepMs - hiddenMs) * dice.between(0.15, 0.4)) / 100) * 100 : 0;
  return { work: splitRandomly(dice, stepMs - hiddenMs - blockedMs, 4), hiddenMs, blockedMs };
}

/** Where and how a citizen's journey ends, for a fate dealt by `deal`. */
function planEnding(dice, fate) {
  if (fate === 'submitted') return { outcome: 'submitted', atStep: null, leaves: dice.pick(['closes-tab', 'navigates-away']) };
  if (fate === 'expired') return { outcome: 'expired', atStep: dice.int(2, 3), awayMs: dice.seconds(12 * 60, 20 * 60) };
  const cameBack = fate === 'abandoned-came-back';
  return {
    outcome: 'abandoned',
    atStep: dice.int(1, 3),
    leaves: cameBack ? 'comes-back' : dice.pick(['closes-tab', 'navigates-away']),
    awayMs: cameBack ? IDLE_MS + dice.seconds(60, 30 * 60) : 0,
  };
}

/**
 * The steps whose first submission the server refuses: the dealt one, sometimes one more. A
 * citizen who stops at a step never submits it, so is never refused there or later.
 */
function planRefusals(dice, dealtStep, ending) {
  const refused = new Set(dealtStep ? [dealtStep] : []);
  if (dice.chance(0.1)) refused.add(dice.int(1, 3));
  const submits = (step) => ending.atStep === null || step < ending.atStep;
  return Object.fromEntries([1, 2, 3].map((step) => [step, refused.has(step) && submits(step)]));
}

/** Everything one citizen will do, decided in advance from the dice and what was dealt. */
function planCitizen(dice, citizen, { fate, journeyMs, input, refusal }) {
  const ending = planEnding(dice, fate);
  const lastStep = ending.atStep ?? 3;
  const refuses = planRefusals(dice, refusal, ending);
  const hiddenStep = dice.chance(0.35) ? dice.int(1, lastStep) : null;
  const stepMs = splitByWeights(journeyMs, [dice.between(1.2, 2.0), dice.between(0.8, 1.5), dice.between(0.4, 1.0)]);
  return {
    citizen,
    startsAt: FIRST_START + (citizen - 1) * 4 * 60_000 + dice.seconds(0, 180),
    readingMs: dice.seconds(5, 60), // before login: not counted
    loginMs: dice.seconds(2, 10),
    journeyMs,
    ending,
    refuses,
    hiddenStep,
    steps: [1, 2, 3].map((n) => planStepTime(dice, stepMs[n - 1], { hidden: hiddenStep === n, refused: refuses[n] })),
    overwrites: dice.chance(0.3) ? dice.pick(EDITABLE_PREFILLS) : null,
    input,
    data: inventFormData(dice, citizen),
  };
}

/**
 * Plans `count` citizens from `seed`: the same arguments always give the same plans.
 * @param {number} count
 * @param {number} seed
 * @returns {object[]} one plan per citizen, in order
 */
export function planCitizens(count, seed) {
  const dice = diceFrom(mulberry32(seed));
  const fates = deal(dice, count, FATES);
  const journeyTimes = spreadJourneyTimes(dice, count);
  const inputs = deal(dice, count, INPUT_STYLES);
  const refusals = deal(dice, count, REFUSALS);
  return fates.map((fate, i) =>
    planCitizen(dice, i + 1, { fate, journeyMs: journeyTimes[i], input: inputs[i], refusal: refusals[i] }));
}

// ------------------------------------------------------------------ acting in the browser

/** Moves the (paused) page clock forward by `ms`. */
async function spend(page, ms) {
  if (ms > 0) await page.clock.runFor(ms);
}

/** Hands out a step's work slices one at a time, and the rest at the end. */
function pacer(page, work) {
  let next = 0;
  return {
    pause: () => spend(page, work[next++] ?? 0),
    rest: () => spend(page, work.slice(next).reduce((a, b) => a + b, 0)).then(() => { next = work.length; }),
  };
}

/** The page goes to the background (another tab) for `ms`, then comes back (see clock.test.mjs). */
async function inAnotherTab(page, ms) {
  const flip = (hidden) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  await flip(true);
  await spend(page, ms);
  await flip(false);
}

/** Serialises a section across citizens (the browser's clipboard is shared by its contexts). */
function createLock() {
  let tail = Promise.resolve();
  return (section) => {
    const run = tail.then(section);
    tail = run.catch(() => {});
    return run;
  };
}

/** Pastes `text` into an empty field through the real clipboard and Ctrl+V (a trusted paste). */
async function pasteInto(page, selector, text, clipboardLock) {
  await clipboardLock(async () => {
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await page.focus(selector);
    await page.keyboard.press('Control+V');
  });
  const value = await page.inputValue(selector);
  if (value !== text) throw new Error(`pasting into ${selector} gave ${JSON.stringify(value)}`);
}

/** Enters `text` into an empty field in the citizen's way: fill, key by key, or paste. */
async function enterText(page, selector, text, how, clipboardLock) {
  if (how === 'paste') return pasteInto(page, selector, text, clipboardLock);
  if (how === 'keys') {
    await page.click(selector);
    return page.keyboard.type(text);
  }
  return page.fill(selector, text);
}

/** Empties a field like a citizen (select all, Backspace), then types `text` key by key. */
async function retype(page, selector, text) {
  await page.click(selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

/**
 * Picks a <select> option with the keyboard: Playwright's selectOption() dispatches untrusted
 * events, which the probe rightly counts as page script.
 */
async function pickByKeyboard(page, selector, downPresses) {
  await page.focus(selector);
  for (let i = 0; i < downPresses; i++) await page.keyboard.press('ArrowDown');
}

/** Changes a step-1 value the page pre-filled from the population database. */
async function overwritePrefill(page, field, data) {
  if (field === 'dan_toc') return pickByKeyboard(page, '#dan_toc', 1); // Kinh → Tày
  return retype(page, `#${field}`, field === 'que_quan' ? data.hometown : data.newAddress);
}

/**
 * Submits a step with `button`; when `refused`, waits for the server's errors, spends
 * `blockedMs` on them, `corrects` and submits again. Resolves on the page `nextUrl` matches.
 */
async function submitStep(page, { button, nextUrl, refused, blockedMs, correct }) {
  await page.click(button);
  if (refused) {
    await page.waitForSelector('#tom-tat-loi');
    await probeReady(page);
    await spend(page, blockedMs);
    await correct();
    await page.click(button);
  }
  await page.waitForURL(nextUrl);
  await probeReady(page);
}

/** The info page, then login with "VNeID": the journey clock starts on step 1. */
async function logIn(page, portalUrl, plan) {
  const snapshot = await loginToStepOne(page, portalUrl, {
    onInfo: async () => {
      await probeReady(page);
      await spend(page, plan.readingMs);
    },
    onLogin: async () => {
      await probeReady(page);
      await spend(page, plan.loginMs);
    },
    onStepOne: () => probeReady(page),
  });
  return snapshot.journey;
}

/** Step 1, "Thông tin người yêu cầu"; with `partial`, only as far as the first field. */
async function doStep1(page, plan, act) {
  const { data } = plan;
  const time = plan.steps[0];
  const pace = pacer(page, time.work);
  await pace.pause();
  if (plan.hiddenStep === 1) await inAnotherTab(page, time.hiddenMs);
  await enterText(page, '#noi_o_hien_tai', data.address, act.typing);
  if (act.partial) return pace.pause();
  await pace.pause();
  await enterText(page, '#so_dien_thoai', plan.refuses[1] ? data.shortPhone : data.phone, act.typing);
  await pace.pause();
  if (data.email) await enterText(page, '#email', data.email, plan.input, act.clipboardLock);
  if (data.job) await enterText(page, '#nghe_nghiep', data.job, act.typing);
  if (plan.overwrites) await overwritePrefill(page, plan.overwrites, data);
  await pace.rest();
  await submitStep(page, {
    button: '#btn-tiep-tuc', nextUrl: /buoc-2$/, refused: plan.refuses[1], blockedMs: time.blockedMs,
    correct: () => retype(page, '#so_dien_thoai', data.phone),
  });
}

/** Step 2, "Thông tin yêu cầu cấp phiếu"; with `partial`, only as far as the first field. */
async function doStep2(page, plan, act) {
  const { data } = plan;
  const time = plan.steps[1];
  const pace = pacer(page, time.work);
  await pace.pause();
  if (plan.hiddenStep === 2) await inAnotherTab(page, time.hiddenMs);
  await page.check(`#loai_phieu_${data.certificate}`);
  await pace.pause();
  await enterText(page, '#muc_dich', data.purpose, plan.input, act.clipboardLock);
  if (act.partial) return pace.pause();
  await enterText(page, '#so_luong', plan.refuses[2] ? '12' : data.copies, act.typing);
  await pickByKeyboard(page, '#noi_nhan', data.deliveryPresses);
  await pace.rest();
  await submitStep(page, {
    button: '#btn-tiep-tuc', nextUrl: /buoc-3$/, refused: plan.refuses[2], blockedMs: time.blockedMs,
    correct: () => retype(page, '#so_luong', data.copies),
  });
}

/** Step 3, "Xác nhận và nộp hồ sơ": read the summary, tick the pledge, submit. */
async function doStep3(page, plan, act) {
  const time = plan.steps[2];
  const pace = pacer(page, time.work);
  await pace.pause();
  if (plan.hiddenStep === 3) await inAnotherTab(page, time.hiddenMs);
  if (act.partial) return pace.pause();
  await pace.rest();
  if (!plan.refuses[3]) await page.check('#cam_ket');
  await submitStep(page, {
    button: '#btn-nop', nextUrl: /bien-nhan\//, refused: plan.refuses[3], blockedMs: time.blockedMs,
    correct: () => page.check('#cam_ket'),
  });
}

const STEPS = [doStep1, doStep2, doStep3];

/** The probe's clock on this page: time since login and refused submissions. */
async function journeyClock(page) {
  const { clock } = await page.evaluate(() => window.JourneyProbe.snapshot());
  return { sinceLoginMs: clock.since_login_ms ?? 0, refusals: clock.failed };
}

/**
 * The satisfaction question on the receipt, if the portal asks it: every fourth citizen closes
 * it; the others rate by how long the journey took (5 within 5 minutes, 4 within 7, else 2 with
 * "too slow"). Returns the answer ('5', '2:too_slow', 'dismissed') or undefined if not asked.
 */
async function answerSurvey(page, plan) {
  const card = page.locator('#journey-probe-survey .card');
  try {
    await card.waitFor({ timeout: 3_000 });
  } catch {
    return undefined; // the portal does not ask
  }
  if (plan.citizen % 4 === 0) {
    await page.locator('#journey-probe-survey button.skip').click();
    return 'dismissed';
  }
  const score = plan.journeyMs <= 300_000 ? 5 : plan.journeyMs <= 420_000 ? 4 : 2;
  await page.locator(`#journey-probe-survey label:has(input[value="${score}"])`).click();
  if (score <= 3) await page.locator('#journey-probe-survey input[value="too_slow"]').check();
  await page.locator('#journey-probe-survey button.send').click();
  return score <= 3 ? `${score}:too_slow` : String(score);
}

/** The citizen leaves the portal for good: closes the tab, or goes to another site. */
async function leave(page, how) {
  if (how === 'closes-tab') await page.close({ runBeforeUnload: true });
  else await page.goto('about:blank');
}

/**
 * The citizen leaves, comes back after `awayMs` (past the idle timeout) to the step they left,
 * sees the probe close the old journey as abandoned, and gives up.
 */
async function comeBackTooLate(page, awayMs) {
  const stepUrl = page.url();
  await page.goto('about:blank');
  await spend(page, awayMs);
  await page.goto(stepUrl);
  await probeReady(page);
  await leave(page, 'closes-tab');
}

/**
 * The citizen spends `awayMs` in another tab; back on the portal, the session has expired. The
 * demo portal has no session expiry, so the simulation plays the portal's part: it calls
 * `JourneyProbe.expired()`, as a portal does, and logs the citizen out.
 */
async function sessionExpires(page, awayMs) {
  await inAnotherTab(page, awayMs);
  await page.evaluate(() => window.JourneyProbe.expired());
  await page.click('#btn-dang-xuat');
  await page.waitForURL((url) => url.pathname === '/');
  await leave(page, 'closes-tab');
}

/** Ends a journey that stopped before the receipt, as the plan says. */
async function endUnfinished(page, ending) {
  if (ending.outcome === 'expired') return sessionExpires(page, ending.awayMs);
  if (ending.leaves === 'comes-back') return comeBackTooLate(page, ending.awayMs);
  return leave(page, ending.leaves);
}

/** Counts the beacon requests of a browser context still under way, to let them finish. */
function trackBeacons(context) {
  const pending = new Set();
  const isBeacon = (request) => request.method() === 'POST' && /\/v1\/(beacons|logs)/.test(request.url());
  context.on('request', (r) => isBeacon(r) && pending.add(r));
  context.on('requestfinished', (r) => pending.delete(r));
  context.on('requestfailed', (r) => pending.delete(r));
  return {
    async settled(timeoutMs = 5_000) {
      const end = Date.now() + timeoutMs;
      while (pending.size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    },
  };
}

/** A fresh browser context for one citizen, its clock paused at the citizen's start time. */
async function openContext(browser, plan) {
  const context = await browser.newContext({
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  await context.clock.install({ time: plan.startsAt });
  await context.clock.pauseAt(plan.startsAt + 1000);
  const beacons = trackBeacons(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return { context, page, beacons, pageErrors };
}

/**
 * Walks one citizen through the service as planned.
 * @returns {Promise<object>} what happened: outcome, step, journey id, measured time, refusals,
 *   uncaught errors on the pages
 */
async function walkCitizen(browser, portalUrl, plan, clipboardLock) {
  const { context, page, beacons, pageErrors } = await openContext(browser, plan);
  try {
    const journey = await logIn(page, portalUrl, plan);
    const { ending } = plan;
    const lastStep = ending.atStep ?? 3;
    const typing = plan.input === 'paste' ? 'fill' : plan.input; // pasted: the longer texts only
    for (let step = 1; step <= lastStep; step++) {
      await STEPS[step - 1](page, plan, { typing, clipboardLock, partial: step === ending.atStep });
    }
    const clock = await journeyClock(page);
    const rating = ending.outcome === 'submitted' ? await answerSurvey(page, plan) : undefined;
    if (ending.outcome === 'submitted') await leave(page, ending.leaves);
    else await endUnfinished(page, ending);
    await beacons.settled();
    return { citizen: plan.citizen, journey, outcome: ending.outcome, step: ending.atStep, leaves: ending.leaves, rating, ...clock, pageErrors, plan };
  } finally {
    await context.close();
  }
}

// ------------------------------------------------------------------ reporting

/** 4:12 from 252000 ms (minutes may exceed 59). */
export function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** "once", "twice", "3 times". */
function times(n) {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

/** How a journey that did not reach the receipt ended, in words. */
function howItEnded(result) {
  const { ending } = result.plan;
  if (ending.outcome === 'expired') return `the portal ended the session after ${Math.round(ending.awayMs / 60_000)} min in another tab`;
  if (ending.leaves === 'comes-back') return `came back ${Math.round(ending.awayMs / 60_000)} min later: reported by the probe, then gave up`;
  return `${ending.leaves === 'closes-tab' ? 'closed the tab' : 'went to another site'}, never came back`;
}

/** The notes in brackets after a citizen's outcome. */
function citizenNotes(result) {
  const { plan } = result;
  const notes = [];
  if (result.outcome === 'submitted') notes.push(result.sinceLoginMs > TARGET_MS ? 'over the 5:00 target' : 'within 5:00');
  else notes.push(howItEnded(result));
  if (result.refusals > 0) notes.push(`refused ${times(result.refusals)}`);
  if (plan.hiddenStep) notes.push(`${formatDuration(plan.steps[plan.hiddenStep - 1].hiddenMs)} in another tab`);
  if (plan.overwrites && (plan.ending.atStep ?? 4) > 1) notes.push(`changed pre-filled ${plan.overwrites}`);
  if (plan.input === 'paste') notes.push('pasted');
  else if (plan.input === 'keys') notes.push('typed key by key');
  return notes.join(', ');
}

/** One short line about a citizen, e.g. "citizen 3/20: submitted in 4:12 (refused once)". */
export function describeCitizen(result, count) {
  const head = `citizen ${result.citizen}/${count}:`;
  if (result.error) return `${head} failed: ${result.error}`;
  const time = formatDuration(result.sinceLoginMs);
  const what = result.outcome === 'submitted' ? `submitted in ${time}` : `${result.outcome} at step ${result.step} after ${time}`;
  const rated = result.rating === undefined ? '' : result.rating === 'dismissed' ? ', closed the satisfaction question' : `, rated ${result.rating.split(':')[0]}/5`;
  return `${head} ${what} (${citizenNotes(result)}${rated})`;
}

/** Counts the citizens' outcomes into the summary simulateCitizens returns. */
function summarise(results) {
  const done = results.filter((r) => !r.error);
  const count = (outcome) => done.filter((r) => r.outcome === outcome).length;
  return {
    submitted: count('submitted'),
    abandoned: count('abandoned'),
    expired: count('expired'),
    refused: done.filter((r) => r.refusals > 0).length,
    total: results.length,
    failed: results.length - done.length,
    citizens: results.map(({ plan, ...result }) => ({ ...result, plannedMs: plan?.journeyMs })),
  };
}

/**
 * The summary in one line, e.g. "20 citizens: 13 submitted (mean 5:21, 6 within 5:00), 5
 * abandoned (3 reported by the probe, 2 never came back), 2 expired; 7 refused at least once".
 * @param {ReturnType<typeof summarise>} summary what simulateCitizens returned
 */
export function describeSummary(summary) {
  const submitted = summary.citizens.filter((c) => c.outcome === 'submitted' && !c.error);
  const mean = submitted.reduce((a, c) => a + c.sinceLoginMs, 0) / (submitted.length || 1);
  const within = submitted.filter((c) => c.sinceLoginMs <= TARGET_MS).length;
  const cameBack = summary.citizens.filter((c) => c.outcome === 'abandoned' && c.leaves === 'comes-back').length;
  const parts = [
    `${summary.total} citizens: ${summary.submitted} submitted` +
      (submitted.length ? ` (mean ${formatDuration(mean)}, ${within} within 5:00)` : ''),
    `${summary.abandoned} abandoned` +
      (summary.abandoned ? ` (${cameBack} reported by the probe, ${summary.abandoned - cameBack} never came back)` : ''),
    `${summary.expired} expired; ${summary.refused} refused at least once`,
  ];
  if (summary.failed) parts.push(`${summary.failed} failed to run`);
  return parts.join(', ');
}

// ------------------------------------------------------------------ the simulation

/** Runs `work(item)` over `items`, at most `concurrency` at a time; results in item order. */
async function inPool(items, concurrency, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/**
 * Drives headless Debian Chromium through the demo portal's service as `count` simulated
 * citizens with varied, seeded behaviour, one fresh browser context each, printing one line per
 * citizen. A citizen whose walk fails is reported and counted in `failed`; the others go on.
 * @param {object} options
 * @param {string} options.portalUrl the demo portal, e.g. http://127.0.0.1:8080
 * @param {number} options.count how many citizens (1–500)
 * @param {number} [options.seed=1] the same seed gives the same citizens
 * @param {number} [options.concurrency=2] citizens walking at the same time
 * @param {(line: string) => void} [options.log=console.log] where the per-citizen lines go
 * @returns {Promise<{ submitted: number, abandoned: number, expired: number, refused: number,
 *   total: number, failed: number, citizens: object[] }>} `refused` counts citizens refused at
 *   least once; `citizens` holds each one's outcome, step, how they left, journey id, time since
 *   login as the probe measured it (`sinceLoginMs`), planned time (`plannedMs`), refusals and
 *   uncaught page errors (`pageErrors`), or `error` if the walk failed
 */
export async function simulateCitizens({ portalUrl, count, seed = 1, concurrency = 2, log = console.log }) {
  const plans = planCitizens(count, seed);
  const clipboardLock = createLock();
  const browser = await launch();
  try {
    const results = await inPool(plans, concurrency, async (plan) => {
      const result = await walkCitizen(browser, portalUrl, plan, clipboardLock).catch((e) => ({ citizen: plan.citizen, error: e.message.split('\n')[0], plan }));
      log(describeCitizen(result, count));
      return result;
    });
    return summarise(results);
  } finally {
    await browser.close();
  }
}

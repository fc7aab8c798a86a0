// The satisfaction question (QCVN criterion 4) in Chromium: after a successful submission the
// probe asks once; a citizen rates 5, another 2 with a reason (by keyboard), another dismisses;
// the collector stores exactly that, attached to each journey's random id and nothing else.
// Screenshots at 360 px and desktop width; axe-core on the question's markup.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib.mjs';
import { eventually, probeReady } from './support/browser.mjs';
import { assertAnonymous } from './support/privacy.mjs';
import { startStatic } from './support/static.mjs';
import { withStack } from './support/stack.mjs';

const SHOTS = join(ROOT, 'target', 'screenshots');

const stack = withStack('survey', {
  site: (s) => startStatic({
    vars: { CONFIG_SCRIPT: '', TAG_ATTRIBUTES: `data-collector="${s.recorder.url}/v1/beacons" data-service="1.001234" data-survey="on"` },
  }),
});
before(() => mkdirSync(SHOTS, { recursive: true }));

/** A citizen who logs in and submits; resolves with the page, its journey id and errors. */
async function submitted(viewport = { width: 1280, height: 800 }) {
  const context = await stack.browser.newContext({ locale: 'vi-VN', viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${stack.site.url}/configured.html`);
  const { journey } = await probeReady(page);
  assert.equal(await page.locator('#journey-probe-survey').count(), 0, 'not asked before the submission');
  await page.evaluate(() => { window.JourneyProbe.login(); window.JourneyProbe.submitted(); });
  await page.waitForSelector('#journey-probe-survey .card');
  return { context, page, journey, errors };
}

async function rating(journey) {
  return eventually(async () => {
    const stored = await stack.collector.stored(`&journey=${journey}`);
    return stored.map((s) => s.beacon).find((b) => b.trigger === 'rating');
  });
}

test('a citizen rates 5; the question is not asked again for that journey', async () => {
  const { context, page, journey, errors } = await submitted();
  await page.screenshot({ path: join(SHOTS, 'survey-desktop.png') });
  const card = await page.locator('#journey-probe-survey .card').boundingBox();
  assert.ok(card.width <= 400 && card.x + card.width <= 1280 && card.y + card.height <= 800);
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true, 'no focus taken');
  await page.locator('#journey-probe-survey label:has(input[value="5"])').click();
  await page.locator('#journey-probe-survey button.send').click();
  await page.waitForSelector('#journey-probe-survey [role=status]');
  const b = await rating(journey);
  assert.deepEqual(b.satisfaction, { answered: true, score: 5 });
  assert.equal(b.journey.id, journey);
  await page.reload();
  await probeReady(page);
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#journey-probe-survey').count(), 0, 'never twice for a journey');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a citizen on a 360 px phone rates 2 with a reason, by keyboard alone', async () => {
  const { context, page, journey, errors } = await submitted({ width: 360, height: 740 });
  const card = await page.locator('#journey-probe-survey .card').boundingBox();
  assert.ok(card.x >= 0 && card.x + card.width <= 360, `fits: ${JSON.stringify(card)}`);
  await page.screenshot({ path: join(SHOTS, 'survey-360.png') });
  await page.locator('#journey-probe-survey input[value="1"]').focus();
  await page.keyboard.press('ArrowRight'); // radio group: 1 → 2
  assert.equal(await page.locator('#journey-probe-survey input[value="2"]').isChecked(), true);
  await page.keyboard.press('Tab'); // the first reason
  await page.keyboard.press('Space');
  await page.screenshot({ path: join(SHOTS, 'survey-360-reasons.png') });
  await page.locator('#journey-probe-survey button.send').focus();
  await page.keyboard.press('Enter');
  const b = await rating(journey);
  assert.deepEqual(b.satisfaction, { answered: true, score: 2, reasons: ['too_slow'] });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a citizen dismisses: recorded as no answer, not as dissatisfied', async () => {
  const { context, page, journey, errors } = await submitted();
  await page.keyboard.press('Tab'); // into the page; Escape inside the question closes it
  await page.locator('#journey-probe-survey button.skip').focus();
  await page.keyboard.press('Escape');
  await page.waitForSelector('#journey-probe-survey', { state: 'detached' });
  const b = await rating(journey);
  assert.deepEqual(b.satisfaction, { answered: false });
  assert.deepEqual(errors, []);
  await context.close();
});

test('axe-core finds no violation in the question', async () => {
  const { context, page } = await submitted();
  await page.locator('#journey-probe-survey label:has(input[value="3"])').click(); // reasons shown too
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(() =>
    window.axe.run({ include: [{ fromShadowDom: ['#journey-probe-survey', '.card'] }] }, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] }));
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
  assert.ok(result.passes.length > 5);
  await context.close();
});

test('the collector\'s report counts two answers, one satisfied, and one dismissal apart', async () => {
  const report = await (await stack.collector.read(`/v1/report`)).json();
  const c4 = report.criterion4;
  assert.deepEqual([c4.answered, c4.satisfied, c4.dismissed], [2, 1, 1]);
  assert.deepEqual(c4.reasons, [{ name: 'too_slow', count: 1 }]);
  assert.equal(c4.pass, false, '50 % is under the 95 % target');
});

test('nothing identifying left the browser in any request of this file', () => {
  assert.ok(assertAnonymous(stack.recorder.requests) > 0, 'requests were recorded');
});

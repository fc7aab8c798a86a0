// The demo's simulated citizens (scripts/simulate.mjs, `npm run demo -- --simulate N`) end to end:
// six seeded citizens walk the demo portal in Debian's Chromium under Playwright's clock, the
// probe sends their beacons to the real collector, and what the collector stored must be the
// realistic spread the simulation promises — and exactly what its summary says happened.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../../demo/server.mjs';
import { startCollector } from '../../scripts/stack.mjs';
import { planCitizens, simulateCitizens } from '../../scripts/simulate.mjs';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ROOT } from '../../scripts/lib.mjs';
import { eventually, launch } from './support/browser.mjs';

const TARGET_MS = 300_000;
let dir, collector, portal, summary, journeys;
const lines = [];

/** Stored beacons grouped by journey id, in the order they were stored. */
function byJourney(stored) {
  const groups = new Map();
  for (const { beacon } of stored) {
    if (!groups.has(beacon.journey.id)) groups.set(beacon.journey.id, []);
    groups.get(beacon.journey.id).push(beacon);
  }
  return groups;
}

/** The beacon that ended a journey (submitted, abandoned or expired), if one was stored. */
function ending(beacons = []) {
  return beacons.find((b) => ['submitted', 'abandoned', 'expired'].includes(b.trigger));
}

/** Whether every citizen's journey has reached the collector as far as the citizen went. */
function allArrived(groups) {
  return summary.citizens.every((c) => {
    const beacons = groups.get(c.journey) ?? [];
    const neverCameBack = c.outcome === 'abandoned' && c.leaves !== 'comes-back';
    return neverCameBack ? beacons.some((b) => b.journey.logged_in) : ending(beacons);
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'journey-probe-simulate-'));
  collector = await startCollector({ db: join(dir, 'beacons.db'), allowOrigins: ['*'], quiet: true });
  portal = await startDemo({ port: 0, collectorUrl: collector.beaconsUrl, apiDelayMs: 0 });
  summary = await simulateCitizens({ portalUrl: portal.url, count: 6, seed: 7, concurrency: 2, log: (line) => lines.push(line) });
  journeys = await eventually(async () => {
    const groups = byJourney(await collector.stored());
    return allArrived(groups) ? groups : null;
  });
});

after(async () => {
  await portal?.close();
  await collector?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('every citizen walked, each printed one line, and no page threw', () => {
  assert.equal(summary.total, 6);
  assert.equal(summary.failed, 0, lines.join('\n'));
  assert.equal(lines.length, 6);
  for (const line of lines) assert.match(line, /^citizen [1-6]\/6: (submitted in \d+:\d\d|(abandoned|expired) at step [1-3] after \d+:\d\d) \(.+\)$/);
  assert.deepEqual(summary.citizens.flatMap((c) => c.pageErrors), []);
  assert.equal(summary.submitted + summary.abandoned + summary.expired, summary.total);
});

test('the collector received a spread of journeys: submitted and abandoned, short and long', () => {
  assert.ok(journeys, 'every citizen\'s beacons reached the collector');
  assert.ok(journeys.size >= 6, `${journeys.size} distinct journeys`);
  const ends = [...journeys.values()].map(ending).filter(Boolean);
  const submitted = ends.filter((b) => b.journey.outcome === 'submitted');
  assert.ok(submitted.length >= 1, 'a submitted journey');
  assert.ok(ends.some((b) => b.journey.outcome === 'abandoned'), 'a journey the probe reported abandoned');
  const durations = submitted.map((b) => b.journey.duration_ms);
  assert.ok(new Set(durations).size > 1, `durations differ: ${durations}`);
  assert.ok(durations.some((ms) => ms > TARGET_MS), `one over the 5-minute target: ${durations}`);
  assert.ok(durations.some((ms) => ms < TARGET_MS), `one within it: ${durations}`);
  for (const b of submitted) assert.equal(b.journey.met, b.journey.duration_ms <= TARGET_MS);
});

test('the summary is what the collector stored, citizen by citizen', () => {
  const outcomes = { submitted: 0, abandoned: 0, expired: 0 };
  let refused = 0;
  for (const citizen of summary.citizens) {
    const beacons = journeys.get(citizen.journey) ?? [];
    const end = ending(beacons);
    const who = `citizen ${citizen.citizen}: ${JSON.stringify(beacons.map((b) => [b.page.path, b.trigger, b.journey.outcome]))}`;
    if (citizen.outcome === 'abandoned' && citizen.leaves !== 'comes-back') {
      // Closed the tab or went elsewhere for good: the journey never ends in the browser.
      assert.equal(end, undefined, who);
      assert.ok(beacons.some((b) => b.journey.logged_in), who);
    } else {
      assert.equal(end?.journey.outcome, citizen.outcome, who);
    }
    if (citizen.outcome === 'submitted') {
      assert.equal(end.journey.duration_ms, citizen.sinceLoginMs, who);
      assert.ok(Math.abs(end.journey.duration_ms - citizen.plannedMs) <= 1_000, `${who}: planned ${citizen.plannedMs} ms`);
    }
    const failed = Math.max(0, ...beacons.map((b) => b.journey.failed ?? 0));
    assert.equal(failed, citizen.refusals, `${who}: refused submissions`);
    outcomes[end?.journey.outcome ?? 'abandoned'] += 1; // as stored
    if (failed > 0) refused += 1;
  }
  assert.deepEqual(
    { submitted: summary.submitted, abandoned: summary.abandoned, expired: summary.expired, refused: summary.refused },
    { ...outcomes, refused },
  );
});

test('nothing the citizens typed reached the collector', () => {
  const stored = JSON.stringify([...journeys.values()]);
  const typed = planCitizens(6, 7).flatMap((p) => Object.values(p.data)).filter((v) => typeof v === 'string' && v.length > 2);
  for (const value of typed) assert.ok(!stored.includes(value), `${JSON.stringify(value)} was stored`);
  assert.ok(!/0900[ .]?000/.test(stored), 'no phone number');
});

test('submitted citizens answered the satisfaction question, and the collector counts it', async () => {
  const rated = summary.citizens.filter((c) => c.outcome === 'submitted');
  assert.ok(rated.length > 0 && rated.every((c) => c.rating), JSON.stringify(rated.map((c) => c.rating)));
  for (const c of rated) {
    const rating = (journeys.get(c.journey) ?? []).find((b) => b.trigger === 'rating');
    const stored = await eventually(async () => {
      if (rating) return rating;
      const again = byJourney(await collector.stored());
      return (again.get(c.journey) ?? []).find((b) => b.trigger === 'rating');
    });
    assert.ok(stored, `citizen ${c.citizen}: the rating arrived`);
    const expected = c.rating === 'dismissed' ? { answered: false } : { answered: true, score: Number(c.rating.split(':')[0]), ...(c.rating.includes(':') ? { reasons: ['too_slow'] } : {}) };
    assert.deepEqual(stored.satisfaction, expected, `citizen ${c.citizen}`);
  }
  const report = await (await collector.read(`/v1/report`)).json();
  assert.equal(report.criterion4.answered + report.criterion4.dismissed, rated.length);
});

test('the same seed gives the same citizens', () => {
  assert.deepEqual(planCitizens(6, 7), planCitizens(6, 7));
  assert.notDeepEqual(planCitizens(6, 7), planCitizens(6, 8));
  const planned = planCitizens(6, 7).map((p) => [p.citizen, p.ending.outcome, p.journeyMs]);
  assert.deepEqual(summary.citizens.map((c) => [c.citizen, c.outcome, c.plannedMs]), planned);
});

test('the collector\'s dashboard shows these journeys, readable at desktop and phone widths', async () => {
  const shots = join(ROOT, 'target', 'screenshots');
  mkdirSync(shots, { recursive: true });
  const report = await (await collector.read(`/v1/report`)).json();
  assert.equal(report.journeys.submitted, summary.submitted, 'the report counts what the citizens did');
  assert.equal(report.journeys.started, summary.citizens.length, 'one started journey per citizen: no phantom journey after a receipt');
  assert.equal(report.criterion2.histogram.reduce((a, b) => a + b, 0), summary.submitted);
  // Each step's mean is over every submitted journey, so the steps add up to the mean journey
  // (each mean rounded to the millisecond).
  const steps = report.criterion2.steps;
  const sum = steps.reduce((a, s) => a + s.mean_ms, 0);
  assert.ok(Math.abs(sum - report.criterion2.duration.mean_ms) <= steps.length, `steps ${sum} ms, journey ${report.criterion2.duration.mean_ms} ms`);
  assert.ok(steps.every((s) => s.journeys === summary.submitted), `every submitted journey went through every step: ${JSON.stringify(steps)}`);
  assert.deepEqual(steps.map((s) => s.position), [...steps.map((s) => s.position)].sort((a, b) => a - b), 'in journey order');
  const browser = await launch();
  try {
    for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['mobile', { width: 390, height: 844 }]]) {
      // The dashboard's CSP forbids any script; axe is injected past it for the check only.
      // The operator's browser asks for the read token (Basic: any user name, the token as password).
      const page = await browser.newPage({ viewport, locale: 'vi-VN', bypassCSP: true, httpCredentials: { username: 'operator', password: collector.readToken } });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${collector.url}/dashboard`);
      const tiles = await page.locator('.tile').allTextContents();
      assert.equal(tiles.length, 4, 'one tile per criterion');
      assert.match(tiles[1], /Tiêu chí 2/);
      assert.match(tiles[1], /(ĐẠT|CHƯA ĐẠT)/);
      const bars = await page.locator('svg[role=img] rect').count();
      assert.equal(bars, 15, 'one histogram bar per minute');
      assert.equal(await page.locator('svg line[stroke-dasharray]').count(), 1, 'the 5-minute line');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > innerWidth + 1);
      assert.equal(overflow, false, `${name}: no sideways scrolling`);
      await page.screenshot({ path: join(shots, `dashboard-${name}.png`), fullPage: true });
      if (name === 'desktop') {
        await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
        const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa'] }));
        assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
      }
      assert.deepEqual(errors, []);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});

// Debian's Chromium, driven by playwright-core (never a downloaded browser).
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Launches headless Chromium with the flags this machine needs. */
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Opens a page that records what would reach the host page's own error handling: uncaught
 * exceptions (`pageerror`) and console messages.
 */
export async function openPage(browser) {
  const context = await browser.newContext({ locale: 'vi-VN' });
  const page = await context.newPage();
  const errors = [];
  const console = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => console.push({ type: m.type(), text: m.text() }));
  return { context, page, errors, console };
}

/** Polls `fn` until it returns a truthy value or `ms` pass; returns the last value. */
export async function eventually(fn, ms = 10_000, every = 100) {
  const end = Date.now() + ms;
  let value;
  while (Date.now() < end) {
    value = await fn();
    if (value) return value;
    await new Promise((r) => setTimeout(r, every));
  }
  return value;
}

/** Waits until the probe runs on the page (loaded, started, answering snapshot()); returns the snapshot. */
export async function probeReady(page, timeout = 30_000) {
  await page.waitForFunction(
    () => window.JourneyProbe && typeof window.JourneyProbe.snapshot === 'function' && window.JourneyProbe.snapshot() !== null,
    null,
    { timeout },
  );
  return page.evaluate(() => window.JourneyProbe.snapshot());
}

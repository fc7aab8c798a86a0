// What a citizen does on the field-origin pages, and the waits every scenario starts with:
// trusted input only (Playwright's keyboard and mouse, the real clipboard, Chromium's own
// autofill over CDP). Shared by scenarios.mjs and the widget scenarios in widgets/.

/** The source every `declared` field of the pages names. */
export const SOURCE = 'CSDLQG-DC';

/** Polls `fn` in the page until it returns truthy; tolerates navigation and thrown errors. */
export async function pollInPage(page, fn, arg, { timeout, what }) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await page.evaluate(fn, arg);
      if (last) return last;
    } catch (e) {
      last = e; // execution context destroyed, page still loading, …: try again
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Resolves once the page's own scripts have finished pre-filling (window.pageReady === true).
 * @param {import('playwright-core').Page} page
 * @param {{ timeout?: number }} [options]
 */
export async function waitForPageReady(page, { timeout = 15_000 } = {}) {
  await pollInPage(page, () => window.pageReady === true, undefined, { timeout, what: 'window.pageReady === true' });
}

/**
 * Resolves once the probe is up: window.JourneyProbe exists, has a snapshot() function (not
 * just the pre-load command queue array), and snapshot() returns neither null nor undefined.
 * Robust to a probe mid-rewrite: snapshot() may throw (retried), may be async (awaited), and
 * the page may still be loading.
 * @param {import('playwright-core').Page} page
 * @param {{ timeout?: number }} [options]
 * @returns {Promise<object>} the first non-null snapshot
 */
export async function waitForProbe(page, { timeout = 20_000 } = {}) {
  return pollInPage(
    page,
    async () => {
      try {
        const probe = window.JourneyProbe;
        if (!probe || typeof probe.snapshot !== 'function') return false;
        let snap = probe.snapshot();
        if (snap && typeof snap.then === 'function') snap = await snap;
        return snap === null || snap === undefined ? false : snap;
      } catch {
        return false;
      }
    },
    undefined,
    { timeout, what: 'window.JourneyProbe.snapshot() to return a snapshot' },
  );
}

/** Both waits every `act` starts with. */
export async function ready(page, ctx) {
  await waitForPageReady(page);
  await waitForProbe(page, { timeout: ctx?.probeTimeout ?? 20_000 });
}

/** Pastes `text` into `selector` through the real clipboard and Ctrl+V (a trusted paste). */
export async function pasteInto(page, ctx, selector, text) {
  await toClipboard(page, ctx, text);
  await page.focus(selector);
  await page.keyboard.press('Control+V');
  const value = await page.inputValue(selector);
  if (value !== text) throw new Error(`paste into ${selector} gave ${JSON.stringify(value)}, expected ${JSON.stringify(text)}`);
}

/** Puts `text` on the real clipboard, for a citizen's Ctrl+V. */
export async function toClipboard(page, ctx, text) {
  await ctx.grantClipboard();
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
}

/** Fails the scenario (not the probe) when the widget did not end up with what the citizen or the page did. */
export async function expectValue(page, selector, want) {
  const got = await page.inputValue(selector);
  if (got !== want) throw new Error(`${selector} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

/** Empties a field the way a citizen does: select all, Backspace (trusted). */
export async function clearByKeyboard(page, selector) {
  await page.focus(selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
}

/** Picks a <select> option with the keyboard (never selectOption(): its events are untrusted). */
export async function pickByKeyboard(page, selector, downPresses) {
  await page.focus(selector);
  for (let i = 0; i < downPresses; i++) await page.keyboard.press('ArrowDown');
}

/**
 * Chromium's own autofill, driven over CDP: fills the form of `selector` from an address
 * profile. Resolves when `selector` matches :autofill.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').CDPSession} cdp
 * @param {string} selector the field the citizen "clicked" to autofill
 * @param {Array<{name: string, value: string}>} fields Chromium autofill field types
 */
export async function chromiumAutofill(page, cdp, selector, fields) {
  try {
    await cdp.send('Autofill.enable');
  } catch {
    // Older Chromium: Autofill.trigger works without enable.
  }
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  if (!nodeId) throw new Error(`autofill: no node for ${selector}`);
  const { node } = await cdp.send('DOM.describeNode', { nodeId });
  // Chromium's autofill agent parses forms shortly after load; until it has, trigger answers
  // "Field not found". Retry for a few seconds.
  const end = Date.now() + 5_000;
  for (;;) {
    try {
      await cdp.send('Autofill.trigger', { fieldId: node.backendNodeId, frameId: frameTree.frame.id, address: { fields } });
      break;
    } catch (e) {
      if (Date.now() > end || !/not found/i.test(String(e?.message))) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await pollInPage(page, (sel) => document.querySelector(sel)?.matches(':autofill'), selector, {
    timeout: 5_000,
    what: `${selector} to match :autofill`,
  });
}


// The QA overlay, fetched by the loader only once switched on: mounts a shadow-DOM host that
// outlines every field the probe watches and shows a panel with the journey, the forms, and
// every beacon exactly as sent. It reads what the probe decided (snapshot(), the beacon log);
// it decides nothing itself. Its listeners are passive and never stop or prevent an event.
import { Outlines } from './outlines.js';
import { Panel } from './panel.js';
import { Placement } from './place.js';
import { CSS } from './style.js';
import { TEXT, initialLanguage } from './text.js';

const KEYS = { lang: 'journey-probe:overlay-lang', collapsed: 'journey-probe:overlay-collapsed', dock: 'journey-probe:overlay-dock' };
/** How often the clock and the outlines refresh, ms. */
const REFRESH_MS = 1000;

function session(win, key, value) {
  try {
    if (value === undefined) return win.sessionStorage.getItem(key);
    win.sessionStorage.setItem(key, value);
  } catch (_) {
    // storage off: the choice lasts for this page
  }
  return null;
}

/**
 * Mounts the overlay.
 * @param {Window} win
 * @param {{ version: string, state: () => string, snapshot: () => any, elements: () => Element[][],
 *   log: () => Array<{kind: string, text: string, at: number}>, clearLog: () => void, close: () => void }} ctx
 * @returns {{ refresh: () => void, unmount: () => void }}
 */
export function mount(win, ctx) {
  const doc = win.document;
  const host = doc.createElement('div');
  host.id = 'journey-probe-overlay';
  host.setAttribute('data-probe-ignore', ''); // the probe does not measure the overlay's controls
  const root = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = CSS;
  root.appendChild(style);
  const outlines = new Outlines(root);
  let lang = initialLanguage(doc, session(win, KEYS.lang));
  let frame = 0;
  let timer = 0;

  const actions = {
    collapse: () => {
      const collapsed = !panel.el.classList.contains('collapsed');
      panel.setCollapsed(collapsed);
      placement.autoCollapsed = false;
      session(win, KEYS.collapsed, collapsed ? '1' : '0');
      placement.avoidSubmit();
    },
    dock: () => {
      placement.nextDock();
      placement.avoidSubmit();
    },
    lang: () => {
      lang = lang === 'vi' ? 'en' : 'vi';
      session(win, KEYS.lang, lang);
      panel.setLanguage(lang);
      refresh();
    },
    close: () => ctx.close(),
    clear: () => {
      ctx.clearLog();
      refresh();
    },
    'copy-all': (button) => copy(ctx.log().filter((e) => e.kind !== 'answered').map((e) => e.text).join('\n'), button),
    copy: (text, button) => copy(text, button),
  };
  const panel = new Panel(root, actions);
  const placement = new Placement(win, panel, (dock) => session(win, KEYS.dock, dock));
  panel.setLanguage(lang);
  // On a phone the open panel would hide half the page: it starts collapsed to its header.
  const collapsed = session(win, KEYS.collapsed);
  panel.setCollapsed(collapsed === '1' || (collapsed === null && win.innerWidth < 640));
  placement.setDock(session(win, KEYS.dock) || 'right');
  panel.header.addEventListener('pointerdown', (e) => placement.startDrag(e));
  doc.documentElement.appendChild(host);

  function copy(text, button) {
    const done = () => {
      button.textContent = TEXT[lang].copied;
      win.setTimeout(() => { button.textContent = button.dataset.action === 'copy' ? TEXT[lang].copy : TEXT[lang].copyAll; }, 1500);
    };
    const fallback = () => {
      const area = doc.createElement('textarea');
      area.value = text;
      area.setAttribute('aria-hidden', 'true');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      root.appendChild(area);
      area.select();
      try {
        if (doc.execCommand('copy')) done();
      } finally {
        area.remove();
      }
    };
    try {
      win.navigator.clipboard.writeText(text).then(done, fallback);
    } catch (_) {
      fallback();
    }
  }

  function refresh() {
    frame = 0;
    const snapshot = ctx.snapshot();
    panel.update(snapshot, ctx.state(), ctx.log());
    outlines.draw(snapshot, ctx.elements(), lang);
    placement.avoidSubmit();
  }

  // Scrolling and resizing move fields: redraw once per frame, never inside the event.
  const soon = () => {
    if (!frame) frame = win.requestAnimationFrame(refresh);
  };
  const over = (event) => {
    const element = outlines.fieldElement(event);
    if (element) outlines.showTip(element);
  };
  const out = (event) => {
    if (outlines.fieldElement(event)) outlines.hideTip();
  };
  const listeners = [
    [win, 'scroll', soon], [win, 'resize', soon],
    [doc, 'focusin', over], [doc, 'mouseover', over], [doc, 'focusout', out], [doc, 'mouseout', out],
  ];
  for (const [target, type, fn] of listeners) target.addEventListener(type, fn, { capture: true, passive: true });
  timer = win.setInterval(refresh, REFRESH_MS);
  refresh();

  return {
    // Deferred: the probe calls this while it is busy, when its snapshot is not available.
    refresh: () => win.setTimeout(soon, 0),
    unmount: () => {
      win.clearInterval(timer);
      if (frame) win.cancelAnimationFrame(frame);
      for (const [target, type, fn] of listeners) target.removeEventListener(type, fn, { capture: true });
      host.remove();
    },
  };
}

// Where the panel sits: docked in a corner (cycled with the dock button, so keyboard users can
// move it too) or dragged by its header; full width on narrow screens. Whatever the tester
// chose, the panel never covers a submit button on the page: it moves to the first corner
// that leaves every visible one clear, and collapses if none does.

const DOCKS = ['right', 'left', 'top-right', 'top-left'];
const SUBMITS = 'button[type=submit], input[type=submit], input[type=image], form button:not([type])';
/** Below this viewport width the panel spans the screen. */
const NARROW = 640;

function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

export class Placement {
  constructor(win, panel, remember) {
    this.win = win;
    this.panel = panel;
    this.remember = remember;
    this.dock = 'right';
    this.free = null; // {left, top} once dragged
    this.autoCollapsed = false;
  }

  /** Docks the panel in `dock` (one of DOCKS). */
  setDock(dock) {
    this.dock = DOCKS.includes(dock) ? dock : 'right';
    this.free = null;
    this.apply();
  }

  /** The dock button: the next corner. */
  nextDock() {
    this.setDock(DOCKS[(DOCKS.indexOf(this.dock) + 1) % DOCKS.length]);
    this.remember(this.dock);
  }

  apply() {
    const el = this.panel.el;
    for (const d of DOCKS) el.classList.remove('dock-' + d);
    el.classList.toggle('narrow', this.win.innerWidth < NARROW);
    if (this.free) {
      el.style.left = this.free.left + 'px';
      el.style.top = this.free.top + 'px';
      el.style.right = 'auto';
      el.style.bottom = 'auto';
      el.dataset.dock = 'free';
    } else {
      el.style.left = el.style.top = el.style.right = el.style.bottom = '';
      el.classList.add('dock-' + this.dock);
      el.dataset.dock = this.dock;
    }
  }

  /** Drags the panel by its header (the header's buttons still click). */
  startDrag(event) {
    if (event.button !== 0 || (event.target.closest && event.target.closest('button'))) return;
    const rect = this.panel.el.getBoundingClientRect();
    const dx = event.clientX - rect.left;
    const dy = event.clientY - rect.top;
    const move = (e) => {
      const w = this.win;
      this.free = {
        left: Math.max(0, Math.min(e.clientX - dx, w.innerWidth - rect.width)),
        top: Math.max(0, Math.min(e.clientY - dy, w.innerHeight - 40)),
      };
      this.apply();
    };
    const up = () => {
      this.win.removeEventListener('pointermove', move);
      this.win.removeEventListener('pointerup', up);
      this.avoidSubmit();
    };
    this.win.addEventListener('pointermove', move, { passive: true });
    this.win.addEventListener('pointerup', up, { passive: true });
  }

  /** The page's visible submit buttons, as viewport rectangles. */
  submitRects() {
    const rects = [];
    for (const button of this.win.document.querySelectorAll(SUBMITS)) {
      const r = button.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < this.win.innerHeight) rects.push(r);
    }
    return rects;
  }

  /** Moves (or collapses) the panel so that it covers no submit button. */
  avoidSubmit() {
    const submits = this.submitRects();
    const clear = () => !submits.some((r) => overlaps(this.panel.el.getBoundingClientRect(), r));
    if (this.autoCollapsed) {
      this.panel.setCollapsed(false);
      this.autoCollapsed = false;
    }
    this.apply();
    if (clear()) return;
    const chosen = this.free ? null : this.dock;
    for (const dock of [chosen, ...DOCKS].filter(Boolean)) {
      this.free = null;
      this.dock = dock;
      this.apply();
      if (clear()) return;
    }
    if (!this.panel.el.classList.contains('collapsed')) {
      this.panel.setCollapsed(true);
      this.autoCollapsed = true;
      for (const dock of DOCKS) {
        this.dock = dock;
        this.apply();
        if (clear()) return;
      }
    }
  }
}

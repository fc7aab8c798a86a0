// Field outlines: a box over each field the probe watches, drawn in the overlay's own fixed
// layer (the page's elements are never styled, so its layout cannot change), with a chip naming
// where the value came from and flags for a changed pre-fill or a validation error. Hovering or
// focusing a field shows its key, origin, source and counters in a tooltip.
import { CHIPS, TEXT } from './text.js';
import { ORIGIN_STYLE } from './style.js';

/** How many ancestors are climbed from an event target to the field it belongs to. */
const MAX_CLIMB = 12;

export class Outlines {
  /** @param {ShadowRoot} root the overlay's shadow root */
  constructor(root) {
    this.layer = root.appendChild(root.ownerDocument.createElement('div'));
    this.layer.className = 'layer';
    this.layer.setAttribute('aria-hidden', 'true'); // the panel's field table says it in words
    this.tip = root.appendChild(root.ownerDocument.createElement('div'));
    this.tip.className = 'tip';
    this.tip.setAttribute('role', 'tooltip');
    this.tip.hidden = true;
    this.fieldOf = new WeakMap(); // element → field snapshot
    this.lang = 'vi';
    this.shown = null; // the element whose tooltip shows
  }

  /** Redraws every outline from a snapshot and the probe's elements per field index. */
  draw(snapshot, elements, lang) {
    this.lang = lang;
    const doc = this.layer.ownerDocument;
    const fields = snapshot ? snapshot.fields.filter((f) => !f.removed) : [];
    const boxes = [];
    this.fieldOf = new WeakMap();
    for (const field of fields) {
      for (const element of elements[field.index] || []) {
        this.fieldOf.set(element, field);
        const rect = element.getBoundingClientRect();
        if (rect.width === 0 && rect.height === 0) continue; // not rendered
        boxes.push({ field, rect });
      }
    }
    while (this.layer.children.length > boxes.length) this.layer.lastChild.remove();
    while (this.layer.children.length < boxes.length) this.layer.appendChild(doc.createElement('div'));
    boxes.forEach(({ field, rect }, i) => this.paint(this.layer.children[i], field, rect));
    if (this.shown) this.showTip(this.shown);
  }

  paint(box, field, rect) {
    const style = ORIGIN_STYLE[field.origin] || ORIGIN_STYLE.empty;
    const pad = 3;
    box.className = 'box origin-' + field.origin;
    box.dataset.key = field.key;
    box.dataset.origin = field.origin;
    box.dataset.index = String(field.index);
    box.style.left = rect.left - pad + 'px';
    box.style.top = rect.top - pad + 'px';
    box.style.width = rect.width + 2 * pad + 'px';
    box.style.height = rect.height + 2 * pad + 'px';
    box.style.border = `${style.border} ${style.color}`;
    const chips = [[CHIPS[this.lang][field.origin] + (field.source ? ' · ' + field.source : ''), '', style]];
    if (field.overwritten) chips.push(['✎ ' + TEXT[this.lang].flags.overwritten, 'flag-overwritten']);
    if (field.invalid > 0) chips.push(['⚠ ' + TEXT[this.lang].flags.invalid, 'flag-invalid']);
    const wanted = chips.map(([text, flag]) => flag + '|' + text).join('\n');
    if (box.dataset.chips === wanted) return;
    box.dataset.chips = wanted;
    box.textContent = '';
    const row = box.appendChild(box.ownerDocument.createElement('div'));
    row.className = 'chips';
    for (const [text, flag, originStyle] of chips) {
      const chip = row.appendChild(box.ownerDocument.createElement('span'));
      chip.className = 'chip' + (flag ? ' ' + flag : '');
      chip.textContent = text;
      if (originStyle) {
        chip.style.background = originStyle.color;
        chip.style.color = originStyle.ink;
      }
    }
  }

  /** The field element an event is about, if the probe watches one on its path. */
  fieldElement(event) {
    const path = typeof event.composedPath === 'function' ? event.composedPath() : [event.target];
    for (const node of path.slice(0, MAX_CLIMB)) {
      if (node && this.fieldOf.has(node)) return node;
    }
    return null;
  }

  /** Shows the tooltip of `element`'s field beside it. */
  showTip(element) {
    const field = this.fieldOf.get(element);
    if (!field || !element.isConnected) return this.hideTip();
    const t = TEXT[this.lang];
    this.shown = element;
    const counters = Object.entries(t.counterNames)
      .filter(([name]) => field[name])
      .map(([name, label]) => `${label} ${name.endsWith('_ms') ? (field[name] / 1000).toFixed(1) + ' s' : field[name]}`);
    const lines = [
      [t.key, field.key],
      [t.origin, t.origins[field.origin] + (field.overwritten ? ' (' + t.flags.overwritten + ')' : '')],
      ...(field.source ? [[t.source, field.source]] : []),
      [t.counters, counters.join(', ') || t.none],
    ];
    this.tip.textContent = '';
    lines.forEach(([label, value], i) => {
      if (i) this.tip.appendChild(this.tip.ownerDocument.createElement('br'));
      const b = this.tip.appendChild(this.tip.ownerDocument.createElement('b'));
      b.textContent = label + ': ';
      this.tip.appendChild(this.tip.ownerDocument.createTextNode(value));
    });
    this.tip.dataset.key = field.key;
    const rect = element.getBoundingClientRect();
    const view = element.ownerDocument.defaultView;
    this.tip.hidden = false;
    const below = rect.bottom + 8 + this.tip.offsetHeight < view.innerHeight;
    this.tip.style.left = Math.max(4, Math.min(rect.left, view.innerWidth - this.tip.offsetWidth - 4)) + 'px';
    this.tip.style.top = (below ? rect.bottom + 8 : Math.max(4, rect.top - this.tip.offsetHeight - 22)) + 'px';
    return undefined;
  }

  hideTip() {
    this.shown = null;
    this.tip.hidden = true;
  }
}

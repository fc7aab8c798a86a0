// The fields of the page as the wasm knows them: finding them (in the document and its open
// shadow roots, as they come and go), the element → index registry, the forms, radio groups
// (one field of several elements), combobox popups, and what each field holds now. Every
// element is found again by a WeakMap lookup, never by scanning the page.
import { WIDGET, attr, controlled, facts, findFields, formOf, groupState, hiddenControl, isAutofilled, widgetPart } from './dom.js';
import { warn } from '../warn.js';

/** Ancestors climbed to find the field an event target belongs to (an option in a listbox, a span in a contenteditable). */
const MAX_CLIMB = 12;
/** Ancestors of a widget looked at for the hidden native control it is the face of. */
const FACE_CLIMB = 3;

/**
 * @param {(name: string, ...args: any[]) => any} call a wasm export, by name
 * @param {Array<[string, string]>} prefill the data-prefill-map rules, [source, selector]
 * @param {WeakSet<Element>} early elements page script set before the probe found them
 * @param {(root: Node) => void} observe observes an open shadow root met on the way
 */
export function makeFields(call, prefill, early, observe) {
  /** Per field index: its kind and elements (several for a radio group; none once it left). */
  const slots = [];
  /** Per field index: [holds a value, hash] as last told to the wasm, which compares the same way. */
  const told = [];
  const index = new WeakMap();
  const forms = new WeakMap();
  /** Fields met so far per form index. */
  const inForm = [];
  let formsSeen = 0;
  let pageForm;
  /** Id of a combobox's popup list → the combobox's field index. */
  const popups = new Map();
  /** data-prefill-map rules whose selector the browser refused (warned about once). */
  const refused = new Set();

  function formFor(el) {
    const form = formOf(el);
    let i = form ? forms.get(form) : pageForm;
    if (i === undefined) {
      i = form
        ? call('form', attr(form, 'id') || undefined, attr(form, 'name') ?? undefined, formsSeen++)
        : call('form', undefined, undefined, -1);
      if (form) forms.set(form, i);
      else pageForm = i;
      inForm[i] = inForm[i] || 0;
    }
    return i;
  }

  /** The source data-prefill-map gives `el`, if a rule's selector matches it. */
  function mapped(el) {
    for (let i = 0; i < prefill.length; i++) {
      if (refused.has(i)) continue;
      try {
        if (el.matches(prefill[i][1])) return prefill[i][0];
      } catch (_) {
        warn('data-prefill-map: "' + prefill[i][1] + '" is not a valid CSS selector; that entry is skipped');
        refused.add(i);
      }
    }
    return undefined;
  }

  /** Remembers the popup lists a field controls, so that a pick in them is the field's. */
  function popupsOf(el, i) {
    for (const id of controlled(el)) popups.set(id, i);
  }

  /**
   * The field a custom face stands for: an ARIA widget right after a native control the page
   * hid from the citizen (select2 hides its `<select>` with aria-hidden and puts its face
   * next to it) is that control's, not a field of its own.
   */
  function faceOf(el) {
    let i;
    for (let n = 0; el && n < FACE_CLIMB && i === undefined; n++, el = el.parentElement) i = after(el);
    return i;
  }

  /** The field of the hidden native control right before `el`, if there is one. */
  function after(el) {
    const before = el.previousElementSibling;
    return before && hiddenControl(before) ? index.get(before) : undefined;
  }

  /** Registers one element; `grouped` collects the fields that now have several. */
  function add(el, kind, grouped) {
    if (kind === WIDGET) {
      const owner = faceOf(el);
      if (owner !== undefined) return void index.set(el, owner);
    }
    const [probeKey, name, id, label, source, flags, hash] = facts(el, kind);
    // A widget's own machinery nobody can submit: a calendar's year box, a list's search box.
    if (!probeKey && !name && !id && widgetPart(el)) return;
    const form = formFor(el);
    const position = inForm[form]++;
    // A value page script set before the probe found the field is not the markup's, even
    // where a framework also set the default.
    const seen = call('field', kind, probeKey, name, id, label, source || mapped(el), form, position, early.has(el) ? flags & ~4 : flags, hash);
    if (!(seen >= 0)) return; // past the model's bound: not watched
    const i = seen >> 1;
    const slot = slots[i];
    const value = [(flags & 2) > 0, hash];
    index.set(el, i);
    popupsOf(el, i);
    if (seen & 1 || !slot) {
      slots[i] = { kind, els: [el] };
      told[i] = value;
    } else {
      // Another element of a known field: the wasm takes its value if the field had none.
      slot.els.push(el);
      if (!told[i][0] && value[0]) told[i] = value;
      if (slot.els.length > 1) grouped.add(i);
    }
  }

  /** A field made of several elements learns its whole group's state (no change implied). */
  function rebase(grouped) {
    for (const i of grouped) {
      const value = state(i);
      call('rebased', i, value[0], value[1]);
      if (value[0] === told[i][0]) told[i] = value;
    }
  }

  const state = (i) => groupState(slots[i].els, slots[i].kind);

  /** Tells the wasm what field `i` holds now, with event `kind` (2 input, 3 script, 4 check). */
  function tell(i, kind, value, autofilled, inputKind) {
    call('event', i, kind, value[0], value[1], autofilled, inputKind, Date.now(), performance.now());
    told[i] = value;
  }

  return {
    slots,
    add,
    rebase,
    state,
    tell,
    /** Registers the fields under `root` the probe does not know yet and observes its open shadow roots. */
    discover(root) {
      if (!root.isConnected) return;
      const found = [];
      const shadows = [];
      const grouped = new Set();
      findFields(root, found, shadows);
      for (const [el, kind] of found) if (!index.has(el)) add(el, kind, grouped);
      rebase(grouped);
      shadows.forEach(observe);
    },
    /** An element left the page: its fields (its shadow roots' too) are let go; returns those shadow roots. */
    forget(node) {
      const gone = [];
      const shadows = [];
      if (node.nodeType === 1) findFields(node, gone, shadows);
      for (const [el] of gone) {
        const i = index.get(el);
        if (i === undefined) continue;
        index.delete(el);
        const slot = slots[i];
        slot.els = slot.els.filter((e) => e !== el);
        if (!slot.els.length) {
          popups.forEach((field, id) => field === i && popups.delete(id));
          call('removed', i);
        }
      }
      return shadows;
    },
    /** The field index of `el` itself (no climbing), if registered. */
    own: (el) => index.get(el),
    formIndex: (form) => forms.get(form),
    popupsOf,
    /** The field an element belongs to: itself, an ancestor (through shadow hosts), or the combobox whose popup it is in. */
    of(el) {
      for (let n = 0; el && n < MAX_CLIMB; n++) {
        const i = index.get(el);
        if (i !== undefined) return i;
        const id = attr(el, 'id');
        if (id && popups.has(id)) return popups.get(id);
        const face = after(el);
        if (face !== undefined) return face;
        el = el.parentElement || (el.parentNode instanceof ShadowRoot ? el.parentNode.host : null);
      }
      return undefined;
    },
    /** Compares field `i` with what the wasm was last told; tells it only of a real change. */
    check(i) {
      const value = state(i);
      if (value[0] !== told[i][0] || value[1] !== told[i][1]) tell(i, 4, value, autofilled(i), 0);
    },
    autofilled,
  };

  function autofilled(i) {
    return slots[i].els.some(isAutofilled);
  }
}

// Reading the DOM: which elements are fields a citizen fills, and the facts about them the
// core classifies them by. Values are read and hashed here; only "holds a value" and a 32-bit
// hash go on to the wasm, and the hash never leaves the probe's memory.
//
// Field kinds, as the wasm's `field()` numbers them.
export const TEXT = 0, SELECT = 1, CHECKBOX = 2, RADIO = 3, EDITABLE = 4, WIDGET = 5;

/** The elements that may be fields; `fieldKind` narrows them down. */
export const FIELD_SELECTOR = 'input, select, textarea, [contenteditable], [role=combobox], [role=listbox], [role=radiogroup]';
/** A shadow host with this attribute is not looked into (the QA overlay, a portal's chat widget). */
export const IGNORE = 'data-probe-ignore';
/** What is left out of a label's text: anything that holds a value, and scripts and styles. */
const NOT_LABEL_TEXT = FIELD_SELECTOR + ', option, [role=textbox], [role=option], script, style, template';
/** `input` types a citizen does not fill. */
const NOT_FILLABLE = ['hidden', 'submit', 'button', 'image', 'reset'];
/** Longest label text read, in characters, and most nodes read for it: a label is a few words. */
const MAX_LABEL = 200, MAX_LABEL_NODES = 64;

// Called through the prototypes: a form's own properties are shadowed by its controls'
// names (`<input name="getAttribute">`), a document's by named elements.
const P = Element.prototype;
export const attr = (el, name) => P.getAttribute.call(el, name);
export const has = (el, name) => P.hasAttribute.call(el, name);
const proto = (root) => (root.nodeType === 9 ? Document : root.nodeType === 11 ? DocumentFragment : Element).prototype;
/** querySelectorAll and querySelector on a document, a shadow root or an element. */
export const all = (root, selector) => proto(root).querySelectorAll.call(root, selector);
export const first = (root, selector) => proto(root).querySelector.call(root, selector);
const SHADOW = Object.getOwnPropertyDescriptor(P, 'shadowRoot').get;
/** An element's open shadow root. */
export const shadowOf = (el) => SHADOW.call(el);

/** What kind of field `el` is, or undefined if it is not one a citizen fills. */
export function fieldKind(el) {
  if (el instanceof HTMLInputElement) {
    const type = el.type;
    return NOT_FILLABLE.includes(type) ? undefined : type === 'checkbox' ? CHECKBOX : type === 'radio' ? RADIO : TEXT;
  }
  if (el instanceof HTMLSelectElement) return SELECT;
  if (el instanceof HTMLTextAreaElement) return TEXT;
  if (editable(el)) {
    // Only the outermost editable element is the field.
    const outer = el.parentElement && el.parentElement.closest('[contenteditable]');
    if (!outer || !editable(outer)) return EDITABLE;
  }
  const role = attr(el, 'role');
  if ((role === 'combobox' || role === 'listbox' || role === 'radiogroup') && !first(el, 'input, select, textarea')) {
    // A combobox's popup list is the combobox's, not a field of its own.
    if (role !== 'listbox') return WIDGET;
    const id = attr(el, 'id') || '';
    const quoted = '"' + id.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
    if (!el.closest('[role=combobox]') && !(id && first(el.ownerDocument, '[aria-controls~=' + quoted + '], [aria-owns~=' + quoted + ']'))) {
      return WIDGET;
    }
  }
  return undefined;
}

/** The ids of the popups `el` controls or owns (aria-controls, aria-owns). */
export const controlled = (el) => ((attr(el, 'aria-controls') || '') + ' ' + (attr(el, 'aria-owns') || '')).split(/\s+/).filter(Boolean);

/** A native control the page hid from the citizen behind a face of its own (aria-hidden, or out of the tab order). */
export function hiddenControl(el) {
  return native(el) && (attr(el, 'aria-hidden') === 'true' || el.tabIndex < 0);
}

/** A native control (whose tabIndex is 0 unless the page took it out of the tab order). */
const native = (el) => el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement;

/**
 * A control that is a widget's own machinery rather than a field (asked only of controls with
 * no key, name or id, which nothing can submit): out of the tab order (a calendar's year box
 * and month list), a search box (an enhanced select's filter), in a toolbar (an editor's
 * heading picker), or not rendered at all when first seen (an editor's hidden link box).
 */
export function widgetPart(el) {
  return native(el) && (el.tabIndex < 0 || el.type === 'search' || attr(el, 'role') === 'searchbox' ||
    Boolean(el.closest('[role=toolbar]')) || !el.getClientRects().length);
}

function editable(el) {
  const value = attr(el, 'contenteditable');
  return value !== null && value.toLowerCase() !== 'false';
}

/**
 * Every field under `root` (a document, a shadow root or an element) as [element, kind] into
 * `out`, in document order, then those of the open shadow roots met (collected in `shadows`,
 * to be observed too), depth first.
 */
export function findFields(root, out, shadows) {
  const isElement = root.nodeType === 1;
  if (isElement) {
    if (has(root, IGNORE)) return;
    const kind = fieldKind(root);
    if (kind !== undefined) out.push([root, kind]);
  }
  for (const el of all(root, FIELD_SELECTOR)) {
    const kind = fieldKind(el);
    if (kind !== undefined) out.push([el, kind]);
  }
  const inner = [];
  if (isElement && shadowOf(root)) inner.push(shadowOf(root));
  for (const host of all(root, '*')) {
    if (shadowOf(host) && !has(host, IGNORE)) inner.push(shadowOf(host));
  }
  for (const shadow of inner) {
    shadows.push(shadow);
    findFields(shadow, out, shadows);
  }
}

/** The element of a document or shadow root with this id (through the prototype: `<img name="getElementById">`). */
const byId = (root, id) => (root.nodeType === 9 ? Document : DocumentFragment).prototype.getElementById.call(root, id);

/** The custom element whose open shadow root holds `el`, if any. */
export const hostOf = (el) => {
  const root = el.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
};

/** `el.closest(selector)`, continuing from a shadow root's host. */
function closestAcross(el, selector) {
  for (let here = el; here; here = hostOf(here)) {
    const found = here.closest(selector);
    if (found) return found;
  }
  return null;
}

/**
 * The form a field belongs to: a native control's form owner (honouring `form=`), else the
 * nearest `<form>`, across shadow boundaries. (Not a custom element's `form`: page code.)
 */
export const formOf = (el) => (native(el) && el.form) || closestAcross(el, 'form');

const notBlank = (value) => (value && value.trim() ? value : undefined);

/**
 * The facts `field()` takes after kind: [probeKey, name, id, label, source], the flags (1
 * locked, 2 has a value, 4 the value is the markup's, 8 marked invalid) and the hash.
 */
export function facts(el, kind) {
  const host = hostOf(el);
  // A wrapper like <vn-text-field name="…"> names the field inside its shadow root.
  // (The host's only where the field has no such attribute at all.)
  const read = (name) => {
    const value = attr(el, name);
    return notBlank(value !== null || !host ? value : attr(host, name));
  };
  const probeKey = read('data-probe-key');
  // Angular's reactive forms name their controls in formcontrolname.
  const name = read('name') || read('formcontrolname');
  const id = attr(el, 'id') || (host && attr(host, 'id')) || undefined;
  // The label is the key only without the others: read only then.
  const label = probeKey || name || id ? undefined : labelText(el) || (host ? labelText(host) : undefined);
  const holder = closestAcross(el, '[data-prefill-source]');
  const source = holder ? notBlank(attr(holder, 'data-prefill-source').trim()) : undefined;
  const [filled, hash] = valueState(el, kind);
  const locked = has(el, 'readonly') || has(el, 'disabled') || attr(el, 'aria-readonly') === 'true' || attr(el, 'aria-disabled') === 'true';
  const flags = (locked ? 1 : 0) | (filled ? 2 : 0) | (isDefault(el, kind) ? 4 : 0) | (attr(el, 'aria-invalid') === 'true' ? 8 : 0);
  return [probeKey, name, id, label, source, flags, hash];
}

/**
 * The text of the label of a field without name or id: a wrapping <label>, aria-label,
 * aria-labelledby, or a <label> right before it; the first of these present is the answer
 * (even if blank). Never the `labels` property: the browser searches the whole document for it.
 */
export function labelText(el) {
  const wrapping = el.closest('label');
  let text;
  if (wrapping) text = textWithoutFields(wrapping);
  else if ((text = attr(el, 'aria-label')) !== null);
  else if ((text = attr(el, 'aria-labelledby')) !== null) {
    text = text.split(/\s+/).filter(Boolean)
      .map((id) => el.ownerDocument.getElementById(id))
      // Never the field itself, nor anything that is or holds a field.
      .filter((part) => part && part !== el && !part.matches(FIELD_SELECTOR))
      .map(textWithoutFields)
      .join(' ');
  } else {
    const previous = el.previousElementSibling;
    text = previous && previous.localName === 'label' && !has(previous, 'for') ? textWithoutFields(previous) : '';
  }
  if (text.length > MAX_LABEL) text = Array.from(text).slice(0, MAX_LABEL).join('');
  return notBlank(text);
}

/**
 * An element's text without that of the fields inside it (nor of scripts and styles), read
 * from the live tree node by node, at most MAX_LABEL_NODES nodes: never from a copy, since
 * cloning runs custom elements' constructors and starts image fetches — page code.
 */
export function textWithoutFields(el) {
  let text = '';
  const pending = [];
  let next = el.firstChild;
  for (let visited = 1; (next || pending.length) && visited <= MAX_LABEL_NODES && text.length <= MAX_LABEL * 4; visited++) {
    const node = next || pending.pop();
    next = null;
    if (node.nextSibling) pending.push(node.nextSibling);
    if (node.nodeType === 3) text += node.nodeValue;
    else if (node.nodeType === 1 && !node.matches(NOT_LABEL_TEXT)) next = node.firstChild;
  }
  return text;
}

/**
 * Whether the value now is the markup's. A contenteditable element or an ARIA widget has no
 * default the DOM keeps: what the probe first sees is taken as it.
 */
function isDefault(el, kind) {
  if (kind === CHECKBOX || kind === RADIO) return el.checked === el.defaultChecked;
  if (kind === SELECT) return Array.prototype.every.call(el.options, (o) => o.selected === o.defaultSelected);
  if (kind !== TEXT) return true;
  // A range or colour input always holds a value; without a value attribute it is the browser's.
  if ((el.type === 'range' || el.type === 'color') && !has(el, 'value')) return true;
  return el.value === el.defaultValue;
}

const OFFSET = 0x811c9dc5;
/** FNV-1a (32 bits) of a string's UTF-16 code units, continuing from `hash`. */
export function hashText(text, hash = OFFSET) {
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
/** FNV-1a of a number (up to 32 bits), continuing from `hash`. */
const hashNumber = (n, hash) => {
  for (let i = 0; i < 4; i++, n >>>= 8) hash = Math.imul(hash ^ (n & 255), 0x01000193);
  return hash >>> 0;
};

const textState = (text) => [text !== '', hashText(text)];

/** [holds a value, hash of the value] of one element. */
export function valueState(el, kind) {
  if (kind === TEXT) return textState(el.value);
  if (kind === CHECKBOX || kind === RADIO) return [el.checked, el.checked ? 1 : 0];
  if (kind === SELECT) {
    // A value when an option with a non-empty value is chosen, and not merely the browser's
    // pick of the first option.
    let filled = false, hash = OFFSET;
    const options = el.options;
    for (let i = 0; i < options.length; i++) {
      const option = options[i];
      if (option.selected) {
        hash = hashNumber(i, hash);
        if (option.value !== '' && (i > 0 || option.defaultSelected)) filled = true;
      }
    }
    return [filled, hash];
  }
  if (kind === EDITABLE) return textState(el.textContent.trim());
  if (attr(el, 'role') === 'combobox') return comboboxState(el);
  // A listbox or radiogroup: which options or radios are on.
  return chosen([el]);
}

/** [an option or radio is on, hash of which] in these lists. */
function chosen(lists) {
  let on = 0, hash = OFFSET;
  for (const list of lists) {
    for (const option of all(list, '[aria-selected=true], [aria-checked=true]')) {
      on++;
      hash = hashText(option.textContent, hash);
    }
  }
  return [on > 0, hash];
}

/**
 * A combobox that is not a text box (`<button role=combobox>`, a div) holds the option chosen
 * in its list (aria-controls, aria-owns), else the value of the hidden input next to it that
 * the page submits — never its own text, which is a placeholder until something is chosen.
 */
function comboboxState(el) {
  const root = el.getRootNode();
  const lists = controlled(el).map((id) => byId(root, id)).filter(Boolean);
  if (lists.length) return chosen(lists);
  const hidden = el.parentElement && first(el.parentElement, ':scope > input[type=hidden]');
  return hidden ? textState(hidden.value) : [false, OFFSET];
}

/** The state of a field made of several elements (a radio group): a value if any holds one; the hash says which. */
export function groupState(elements, kind) {
  if (elements.length === 1) return valueState(elements[0], kind);
  let filled = false, hash = OFFSET;
  elements.forEach((el, i) => {
    const [on, h] = valueState(el, kind);
    if (on) {
      filled = true;
      hash = hashNumber(i, hashNumber(h, hash));
    }
  });
  return [filled, hash];
}

/** Whether the browser's autofill filled `el` (`:autofill`, or Chromium's older name). */
export function isAutofilled(el) {
  for (const selector of [':autofill', ':-webkit-autofill']) {
    try {
      if (el.matches(selector)) return true;
    } catch (_) {
      // a browser that knows neither
    }
  }
  return false;
}

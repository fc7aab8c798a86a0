// Interception of the value setters, so that a value page script sets (`el.value = x`,
// jQuery's .val(x), a framework updating a controlled input) is seen as page script's doing
// without polling.
//
// Transparent to the page and to frameworks: the getter stays the browser's own; the setter
// runs the browser's own first, exactly as before (throwing exactly as before), and only then
// — if the value really changed — tells the probe. React, which captures the prototype's
// descriptor to track values, gets the wrapped setter and behaves the same.

/**
 * `object[name]` if it is an own property of `object`, else undefined. On window, markup can
 * put an element where a global is looked up, by its id or name (named access, DOM
 * clobbering: https://html.spec.whatwg.org/#named-access-on-the-window-object); such a value is
 * never an own property, whereas `window.x = …` and `var x` always are.
 */
export const own = (object, name) => (Object.prototype.hasOwnProperty.call(object, name) ? object[name] : undefined);

/** [prototype name, property, which element to report] */
const TARGETS = [
  ['HTMLInputElement', 'value'],
  ['HTMLInputElement', 'checked'],
  ['HTMLInputElement', 'defaultValue'],
  ['HTMLInputElement', 'defaultChecked'],
  ['HTMLTextAreaElement', 'value'],
  ['HTMLTextAreaElement', 'defaultValue'],
  ['HTMLSelectElement', 'value'],
  ['HTMLSelectElement', 'selectedIndex'],
  ['HTMLOptionElement', 'selected', true],
  ['HTMLOptionElement', 'defaultSelected', true],
];

/**
 * Wraps the setters once per window. `report(element)` is called after a setter changed a
 * value; for an option, with its select.
 * @param {Window} win
 * @param {(el: Element) => void} report
 * @returns {boolean} whether the setters are (now) wrapped
 */
export function interceptSetters(win, report) {
  if (own(win, '__journeyProbeSetters')) return true;
  let wrapped = 0;
  for (const [name, prop, isOption] of TARGETS) {
    const proto = win[name] && win[name].prototype;
    const desc = proto && Object.getOwnPropertyDescriptor(proto, prop);
    if (!desc || !desc.set || !desc.get || !desc.configurable) continue;
    const { get, set } = desc;
    Object.defineProperty(proto, prop, {
      configurable: true,
      enumerable: desc.enumerable,
      get,
      set: function (value) {
        const before = get.call(this);
        set.call(this, value);
        if (get.call(this) !== before) {
          const element = isOption ? this.closest && this.closest('select') : this;
          if (element) report(element);
        }
      },
    });
    wrapped += 1;
  }
  win.__journeyProbeSetters = wrapped > 0;
  return wrapped > 0;
}

/**
 * Wraps pushState and replaceState once per window: the page's call runs first, exactly as
 * before (same `this`, arguments, result and exceptions); then `navigated()` is told.
 *
 * The wrapper goes on History.prototype, where the browser defines them, not on the history
 * object: an own property there would hide every later patch of the prototype (a router's
 * `History.prototype.pushState = …` would never run). A patch that is already on the history
 * object when the probe loads (an analytics tag that ran first) is wrapped where it is, as it
 * is what the page's calls reach.
 * @param {Window} win
 * @param {() => void} navigated
 */
export function wrapHistory(win, navigated) {
  if (own(win, '__journeyProbeHistory') || !win.history) return;
  for (const target of [win.History && win.History.prototype, win.history]) {
    for (const name of ['pushState', 'replaceState']) {
      const original = target && own(target, name);
      if (typeof original !== 'function') continue;
      target[name] = function () {
        const result = original.apply(this, arguments);
        navigated();
        return result;
      };
    }
  }
  win.__journeyProbeHistory = true;
}

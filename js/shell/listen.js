// The page-wide listeners: one per event type for every field, present and future, on the
// document in the capture phase, so that the page cannot hide an event from the probe
// (`focusin`, `input` and `change` cross open shadow boundaries; `invalid` does not bubble but
// is seen in the capture phase). Every listener is passive and goes through the loader's
// guard; none ever cancels or stops an event. Nothing listens to `unload` (it breaks the
// back/forward cache).

/**
 * Adds the listeners; `on` holds the shell's handlers. Returns the function that removes them.
 * @param {Window} win
 * @param {(fn: Function) => Function} guard
 */
export function listen(win, guard, on) {
  const doc = win.document;
  const added = [
    [doc, 'input', on.input],
    [doc, 'change', on.input],
    [doc, 'focusin', (event) => on.focus(event, true)],
    [doc, 'focusout', (event) => on.focus(event, false)],
    // What the citizen does to a field or its popup, on the window so that it is seen before
    // any handler of the page's (a mask, a picker) answers it: a tap or click (pointerdown:
    // some selects pick on mouseup, before the click), a key, a paste an editor handles itself,
    // and the beforeinput that announces the citizen's own text input.
    [win, 'pointerdown', on.interact],
    [win, 'click', on.interact],
    [win, 'keydown', on.interact],
    [win, 'paste', on.interact],
    [win, 'beforeinput', on.announce],
    // Not capture: after the page's own handlers, to see whether they cancelled the key or paste.
    [win, 'keydown', on.cancelled, false],
    [win, 'paste', on.cancelled, false],
    [doc, 'invalid', on.invalid],
    [doc, 'submit', on.submit],
    [doc, 'visibilitychange', on.visibility],
    [win, 'pagehide', on.pagehide],
    [win, 'pageshow', on.pageshow],
    [win, 'popstate', on.navigated],
    [win, 'hashchange', on.navigated],
    // Not capture: element focus events do not bubble, so only the window's own arrive.
    [win, 'focus', on.state, false],
    [win, 'blur', on.state, false],
  ].map(([target, type, handler, capture = true]) => {
    const listener = guard(handler);
    target.addEventListener(type, listener, { capture, passive: true });
    return () => target.removeEventListener(type, listener, capture);
  });
  return () => added.forEach((remove) => remove());
}

// Yielding to the page between pieces of the probe's start-up, so that none of them makes a
// long task: the browser's own `scheduler.yield()` where it exists (it keeps the work's
// priority), else a message on a channel of the probe's own (not throttled like a timer, and
// not the page's setTimeout, which a framework such as zone.js may have wrapped).

/**
 * A function that runs `fn` in a later task of `win`'s event loop.
 * @param {Window} win
 * @returns {(fn: () => void) => void}
 */
export function pauseIn(win) {
  if (win.scheduler && typeof win.scheduler.yield === 'function') {
    return (fn) => win.scheduler.yield().then(fn);
  }
  return (fn) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => fn();
    channel.port2.postMessage(0);
  };
}

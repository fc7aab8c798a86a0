// The console warning every part of the probe writes, and the description of an error in it.

/** Writes one warning to the console; a page that broke console still sees no exception. */
export function warn(message) {
  try {
    console.warn('journey-probe: ' + message);
  } catch (_) {
    // nothing to tell it with
  }
}

/** An error's message, for a warning; whatever the page threw (even an object whose `message` getter throws). */
export function describe(error) {
  try {
    return String((error && error.message) || error);
  } catch (_) {
    return 'unreadable';
  }
}

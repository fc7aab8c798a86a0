// TypeScript types for journey-probe's public API.

/** A command a portal pushes, e.g. `['login']`. */
export type JourneyProbeCommand = ['login'] | ['submitted'];

/** Where a field's value came from. */
export type FieldOrigin = 'declared' | 'server' | 'script' | 'user' | 'empty';

/** What the probe sees of one field. Never the value. */
export interface FieldSnapshot {
  /** Stable key: from the name, else the id, else `#position`. */
  key: string;
  origin: FieldOrigin;
  /** The database named by `data-prefill-source`, for declared fields. */
  source?: string;
  /** Whether the citizen changed a pre-filled value. */
  overwritten: boolean;
}

/** What the probe sees on the current page. */
export interface PageSnapshot {
  service: string;
  /** Random journey id (stays in the tab and in beacons, never tied to the citizen). */
  journey: string;
  logged_in: boolean;
  submitted: boolean;
  /** Index of this page view within the journey. */
  page: number;
  /** The page path as beacons carry it: identifiers replaced by `:id`. */
  path: string;
  fields: FieldSnapshot[];
}

/** `window.JourneyProbe` once the loader has run. */
export interface JourneyProbeApi {
  /** Version of the probe. */
  readonly version: string;
  /** Runs a command; before the probe has loaded, commands are queued and replayed. */
  push(command: JourneyProbeCommand): void;
  /** The citizen has logged in: the journey clock starts. */
  login(): void;
  /** The dossier was submitted successfully: the journey ends and is reported at once. */
  submitted(): void;
  /** What the probe sees now, or `null` while loading or when off. */
  snapshot(): PageSnapshot | null;
  /** Removes every listener; the probe stays off on this page. */
  stop(): void;
}

/** Options of `start()`: the script tag's `data-*` attributes without the prefix. */
export interface JourneyProbeOptions {
  /** Where beacons go: an absolute http(s) URL or a path on this site. */
  collector: string;
  /** The service code, e.g. `1.001234`. */
  service: string;
}

/** Starts the probe from a bundled app; returns `window.JourneyProbe`. */
export function start(options: JourneyProbeOptions): JourneyProbeApi;

/** Version of the probe. */
export const VERSION: string;

declare global {
  interface Window {
    /** Before the loader runs, an array of queued commands; afterwards the API. */
    JourneyProbe: JourneyProbeApi | JourneyProbeCommand[];
  }
}

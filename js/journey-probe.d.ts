// TypeScript types for journey-probe's public API.

/** A command a portal pushes, e.g. `['login']`. */
export type JourneyProbeCommand = ['login'] | ['submitted'] | ['expired'] | ['optOut'] | ['askSatisfaction'] | ['rate', string] | ['consent', boolean | 'true' | 'false'] | ['mark', string] | ['setService', string];

/** Why a citizen was not satisfied (a fixed list: no free text). */
export type SatisfactionReason = 'too_slow' | 're_enter_data' | 'unclear_errors' | 'hard_on_mobile' | 'other';

/** Where a field's value came from. */
export type FieldOrigin = 'declared' | 'server' | 'script' | 'autofill' | 'user' | 'empty';

/** What the probe sees of one field. Never the value. */
export interface FieldSnapshot {
  /** The probe's index of the field on this page (stable while the page lives). */
  index: number;
  /** Stable key: the name, else the id, else the label text, else `#position` in its form. */
  key: string;
  /** Key of the field's form (`#page` for fields outside any form). */
  form: string;
  origin: FieldOrigin;
  /** The database named by `data-prefill-source` or `data-prefill-map`, for declared fields. */
  source?: string;
  /** The citizen changed a pre-filled (declared, server or script) value. */
  overwritten: boolean;
  /** Read-only or disabled. */
  locked: boolean;
  /** The field left the page (kept because something was measured on it). */
  removed: boolean;
  /** Order in which it was filled on this page, from 0. */
  filled?: number;
  /** Time with the focus, ms (rounded to 100). */
  focus_ms: number;
  /** Times it got the focus. */
  visits: number;
  /** First focus to first citizen input, ms (rounded to 100). */
  hesitation_ms?: number;
  /** Runs of deletions. */
  corrections: number;
  pastes: number;
  /** Validation failures. */
  invalid: number;
  /** Returns: focused again after another field had the focus. */
  refocus: number;
}

/** What the probe sees of one form. */
export interface FormSnapshot {
  key: string;
  /** Fields of the form, and of them: pre-filled (declared, server, script), typed, changed. */
  total: number;
  prefilled: number;
  typed: number;
  overwritten: number;
  /** Keys of the fields that stopped a submission. */
  blocked_by: string[];
  /** Submit attempts, including those the browser's validation stopped. */
  attempts: number;
  /** Attempts validation stopped. */
  blocked: number;
}

/** The journey clock as it stands (times in ms, rounded to 100). */
export interface ClockSnapshot {
  /** Since login, once logged in; it stops at the submission. */
  since_login_ms?: number;
  active_ms: number;
  hidden_ms: number;
  blocked_ms: number;
  /** Submissions refused by validation. */
  failed: number;
  /** The target, seconds. */
  target_s: number;
  /** The steps so far; the last is the one under way. */
  steps: Array<{ name: string; ms: number; active_ms: number }>;
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
  /** The page view's speed so far (web-vitals definitions; ms rounded to 10). */
  speed?: {
    ttfb_ms?: number; server_ms?: number; fcp_ms?: number; lcp_ms?: number;
    cls_x1000?: number; inp_ms?: number; inp_field?: string; long_tasks: number; long_task_ms: number;
  };
  clock: ClockSnapshot;
  forms: FormSnapshot[];
  fields: FieldSnapshot[];
}

/**
 * `window.JourneyProbe` once the loader has run. No method throws: a call with an argument the
 * probe cannot read is ignored with one console warning per method.
 */
export interface JourneyProbeApi {
  /** Version of the probe. */
  readonly version: string;
  /** Runs a command; before the probe has loaded, commands are queued and replayed. */
  push(command: JourneyProbeCommand): void;
  /** The citizen has logged in: the journey clock starts. */
  login(): void;
  /** The dossier was submitted successfully: the journey ends and is reported at once. */
  submitted(): void;
  /** The portal ended the journey without a submission (session or draft expired). */
  expired(): void;
  /** The citizen gave or withdrew consent (for `data-consent="required"`). */
  consent(given: boolean): void;
  /** The citizen opted out: the probe stops and deletes what it stored, in this browser. */
  optOut(): void;
  /** A step of the portal's own naming begins: 1–64 letters, digits, `.`, `-`, `_`. */
  mark(step: string): void;
  /** The page now serves another service (a catalogue page): another journey begins. */
  setService(code: string): void;
  /** What the probe sees now, or `null` while loading or when off. */
  snapshot(): PageSnapshot | null;
  /** Removes every listener; the probe stays off on this page. */
  stop(): void;
  /** Shows the satisfaction question now (once per journey). */
  askSatisfaction(): void;
  /** Reports the citizen's answer from the portal's own survey: 1–5, and optional reasons. */
  rate(score: 1 | 2 | 3 | 4 | 5, reasons?: SatisfactionReason[]): void;
  /** Shows (default) or hides (`false`) the QA overlay in this tab, like Ctrl+Alt+J. */
  overlay(on?: boolean): void;
  /** Bytes of memory the probe's wasm holds (for benchmarks); 0 while loading or off. */
  memoryBytes(): number;
  /** Once started: the work of starting (the session begun, every field found and classified, in slices of a few ms), in ms. */
  readonly startupMs?: number;
  /** Once started: the loader running → the probe started (fetch, compile, start), in ms. */
  readonly loadMs?: number;
}

/**
 * Options of `start()` and properties of `window.JourneyProbeConfig`: the script tag's `data-*`
 * attributes in camelCase (`data-target-seconds` → `targetSeconds`). Numbers may be given as
 * numbers or text. The README's configuration table says what each accepts.
 */
export interface JourneyProbeOptions {
  /** Where beacons go: an absolute http(s) URL or a path on this site. */
  collector: string;
  /** The service code, e.g. `1.001234`. */
  service: string;
  /** Path pattern of the page reached after login, e.g. `/dich-vu/*` (`*` matches anything). */
  loginUrl?: string;
  /** CSS selector whose appearance means "logged in". */
  loginSelector?: string;
  /** Path pattern of the receipt page, e.g. `/bien-nhan/*` (`*` matches anything). */
  successUrl?: string;
  /** CSS selector whose appearance means "submitted successfully". */
  successSelector?: string;
  /** Target from login to submission in seconds (1–86400; default 300). */
  targetSeconds?: number | string;
  /** Idle minutes after which a journey is abandoned (1–1440; default 30). */
  idleMinutes?: number | string;
  /** `required`: beacons wait for `consent(true)`. */
  consent?: 'required' | 'not-required';
  /** Share of journeys measured, above 0 and at most 1, e.g. `0.1`. */
  sample?: number | string;
  /** Fields pre-filled by selector: `"CSDLQG-DC: #ho_ten, #ngay_sinh; CSDLQG-DN: #ma_so_thue"`. */
  prefillMap?: string;
  /** Query parameters kept in the paths beacons carry, e.g. `"buoc,tab"` or `["buoc", "tab"]`. */
  allowParams?: string | string[];
  /**
   * Path segments that are the portal's own step names, kept in paths where the privacy rule
   * would take them for a name, e.g. `"nguyen-tac,buoc-xac-nhan"` or `["nguyen-tac"]`.
   */
  stepSlugs?: string | string[];
  /** `on`: ask the satisfaction question once after a successful submission. */
  survey?: 'on' | 'off';
  /** `otlp`: beacons as OpenTelemetry log records for an OTLP/HTTP `/v1/logs` (default `json`). */
  format?: 'json' | 'otlp';
  /** `on` shows the QA overlay; `never` (production) lets nothing switch it on, nor fetch it. */
  overlay?: 'on' | 'off' | 'never';
}

/** `window.JourneyProbeConfig`: set before the loader runs; attributes on the tag win. */
export type JourneyProbeConfig = Partial<JourneyProbeOptions>;

/**
 * Starts the probe from a bundled app; returns `window.JourneyProbe`. Never throws: options it
 * cannot read keep the probe off with one console warning.
 */
export function start(options: JourneyProbeOptions): JourneyProbeApi;

/** Version of the probe. */
export const VERSION: string;

declare global {
  interface Window {
    /** Before the loader runs, an array of queued commands; afterwards the API. */
    JourneyProbe: JourneyProbeApi | JourneyProbeCommand[];
    /** Configuration for pages that cannot set the tag's attributes. */
    JourneyProbeConfig?: JourneyProbeConfig;
  }
}

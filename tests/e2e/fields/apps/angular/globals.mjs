// The build-time globals the Angular CLI defines for a browser build in JIT mode (its esbuild
// `define`): imported first by ../angular-form.mjs, before any Angular module is evaluated.
// Without ngServerMode, Angular 22's bootstrap throws "ngServerMode is not defined".
globalThis.ngServerMode = false;
globalThis.ngDevMode = false;
globalThis.ngJitMode = true;
globalThis.ngI18nClosureMode = false;

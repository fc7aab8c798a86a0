// The overlay's styles, inside its shadow root: portal CSS cannot reach them and they cannot
// reach the portal. Outline colours are the Okabe–Ito palette (distinguishable with the common
// colour-vision deficiencies), and every origin also has its own border pattern and a text chip,
// so colour is never the only signal.

/** Per origin: colour, border pattern, chip text colour (contrast ≥ 4.5:1 on the colour). */
export const ORIGIN_STYLE = {
  declared: { color: '#0072B2', border: '3px solid', ink: '#ffffff' },
  server: { color: '#56B4E9', border: '5px double', ink: '#000000' },
  script: { color: '#CC79A7', border: '3px dashed', ink: '#000000' },
  autofill: { color: '#E69F00', border: '3px dotted', ink: '#000000' },
  user: { color: '#009E73', border: '2px solid', ink: '#000000' },
  empty: { color: '#6B6B6B', border: '1px dashed', ink: '#ffffff' },
};

export const CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.layer { position: fixed; inset: 0; pointer-events: none; z-index: 2147483645; }
.box { position: fixed; pointer-events: none; border-radius: 3px; }
.chips { position: absolute; right: 6px; top: -9px; display: flex; gap: 2px; white-space: nowrap; }
.chip { font: 600 10px/14px system-ui, sans-serif; padding: 1px 4px; border-radius: 3px; }
.chip.flag-overwritten { background: #D55E00; color: #000; }
.chip.flag-invalid { background: #F0E442; color: #000; border: 1px solid #000; }
.tip { position: fixed; z-index: 2147483647; pointer-events: none; max-width: 300px; background: #1a1a1a; color: #fff;
  font: 12px/1.4 system-ui, sans-serif; padding: 6px 8px; border-radius: 4px; }
.tip[hidden] { display: none; }
.tip b { font-weight: 600; }
.panel { position: fixed; z-index: 2147483646; pointer-events: auto; width: 360px; max-height: min(72vh, 680px);
  display: flex; flex-direction: column; background: #ffffff; color: #1a1a1a; border: 1px solid #767676;
  border-radius: 8px; box-shadow: 0 4px 18px rgba(0,0,0,.25); font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.panel.dock-right { right: 12px; bottom: 12px; }
.panel.dock-left { left: 12px; bottom: 12px; }
.panel.dock-top-right { right: 12px; top: 12px; }
.panel.dock-top-left { left: 12px; top: 12px; }
.panel.narrow { width: auto; left: 8px; right: 8px; max-height: 50vh; }
.panel.narrow.dock-right, .panel.narrow.dock-left { bottom: 8px; top: auto; }
.panel.narrow.dock-top-right, .panel.narrow.dock-top-left { top: 8px; bottom: auto; }
header { display: flex; align-items: center; gap: 4px; padding: 6px 8px; border-bottom: 1px solid #d0d0d0; cursor: move; touch-action: none; }
header h2 { flex: 1; margin: 0; font-size: 14px; font-weight: 700; line-height: 1.2; }
header h2 .mini { display: block; font-weight: 600; font-size: 12px; font-variant-numeric: tabular-nums; }
.mini.over { color: #A33D00; } .mini.within { color: #006B4F; }
button { font: inherit; color: #1a1a1a; background: #f2f2f2; border: 1px solid #767676; border-radius: 4px; padding: 2px 8px; cursor: pointer; min-height: 26px; }
button:hover { background: #e2e2e2; }
button:focus-visible, summary:focus-visible { outline: 3px solid #0072B2; outline-offset: 1px; }
.body { overflow: auto; padding: 4px 10px 10px; }
.panel.collapsed .body { display: none; }
section { margin-top: 8px; }
h3 { font-size: 13px; margin: 6px 0 4px; font-weight: 700; }
.status { padding: 6px 8px; border-radius: 4px; background: #f2f2f2; }
.clock { display: flex; align-items: baseline; gap: 8px; }
.clock .time { font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; }
.verdict { font-weight: 700; padding: 1px 6px; border-radius: 3px; }
.verdict.within { background: #009E73; color: #000; }
.verdict.over { background: #D55E00; color: #000; }
.verdict.idle { background: #e2e2e2; color: #1a1a1a; }
.meter { position: relative; height: 8px; background: #e2e2e2; border-radius: 4px; overflow: hidden; margin: 4px 0; }
.meter > span { position: absolute; left: 0; top: 0; bottom: 0; background: #0072B2; }
.meter.over > span { background: repeating-linear-gradient(45deg, #D55E00 0 6px, #000 6px 8px); }
dl { display: grid; grid-template-columns: auto auto; gap: 0 10px; margin: 4px 0; }
dt { color: #454545; } dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
ol { margin: 4px 0; padding-left: 20px; } li { margin: 1px 0; }
.bar { display: flex; height: 14px; border-radius: 3px; overflow: hidden; border: 1px solid #767676; margin: 4px 0; }
.bar > span { display: block; height: 100%; }
.bar .prefilled { background: repeating-linear-gradient(90deg, #0072B2 0 4px, #56B4E9 4px 6px); }
.bar .typed { background: #009E73; }
.bar .overwritten { background: repeating-linear-gradient(45deg, #D55E00 0 4px, #ffffff 4px 6px); }
.bar .empty { background: #e2e2e2; }
.legend { list-style: none; padding: 0; margin: 4px 0; display: grid; grid-template-columns: 1fr 1fr; gap: 4px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 22px; height: 14px; border-radius: 2px; flex: none; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { text-align: left; padding: 2px 4px; border-bottom: 1px solid #e2e2e2; vertical-align: top; }
th { font-weight: 600; }
details { margin: 4px 0; }
summary { cursor: pointer; }
.entry { border: 1px solid #d0d0d0; border-radius: 4px; padding: 4px 6px; margin: 4px 0; }
.entry summary { display: flex; gap: 6px; flex-wrap: wrap; }
.entry .kind { font-weight: 600; }
pre { margin: 4px 0; padding: 6px; background: #f7f7f7; border: 1px solid #e2e2e2; border-radius: 3px; max-height: 240px;
  overflow: auto; font: 11px/1.4 ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-all; }
.row { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

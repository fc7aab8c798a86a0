// Profiling aid: reads a Chrome trace (scripts/profile-journey.mjs --trace) and lists, on the
// renderer's main thread, every task over --min ms (default 50) with the script and
// compile events in it, and the time of script events per URL.
//   node scripts/profile-trace.mjs TRACE.json [--min 50] [--all]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const min = Number((process.argv.includes('--min') && process.argv[process.argv.indexOf('--min') + 1]) || 50);
const events = JSON.parse(readFileSync(file, 'utf8')).traceEvents;
const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
const onMain = events.filter((e) => main.has(`${e.pid}:${e.tid}`) && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
const urlOf = (e) => {
  const d = (e.args && (e.args.data || e.args)) || {};
  const u = d.url || d.fileName || (d.stackTrace && d.stackTrace[0] && d.stackTrace[0].url) || '';
  return String(u).replace(/^https?:\/\/[^/]+/, '');
};
const SCRIPT = /^(EvaluateScript|v8\.compile|v8\.compileModule|v8\.evaluateModule|v8\.produceCache|v8\.produceModuleCache|v8\.deserializeCache|FunctionCall|TimerFire|EventDispatch|FireAnimationFrame|RunMicrotasks|V8\.GCScavenger|MajorGC|MinorGC|v8\.wasm\.\S+|wasm\.\S+|ParseHTML|Layout|UpdateLayoutTree|v8\.run|V8\.Execute|CompileScript|CompileCode|v8\.parseOnBackground|ScriptStreaming\S*|v8\.callFunction|XHRReadyStateChange|ResourceSendRequest|ParseAuthorStyleSheet)/;
const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
const t0 = tasks.length ? tasks[0].ts : 0;
let navs = onMain.filter((e) => e.name === 'DocumentLoader::CommitNavigation').map((e) => e.ts);
const pageOf = (ts) => navs.filter((n) => n <= ts).length - 1;
for (const t of tasks) {
  if (t.dur < min * 1000) continue;
  const inner = onMain.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && SCRIPT.test(e.name) && e.dur > 300);
  const probe = inner.some((e) => /journey-probe/.test(urlOf(e)));
  if (!probe && !process.argv.includes('--all')) continue;
  console.log(`page ${pageOf(t.ts)} task at ${((t.ts - t0) / 1000).toFixed(0)} ms: ${(t.dur / 1000).toFixed(1)} ms${probe ? '  (probe)' : ''}`);
  for (const e of inner) {
    const depth = inner.filter((o) => o !== e && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur).length;
    console.log(`  ${'  '.repeat(depth)}${e.name} ${urlOf(e)} ${(e.dur / 1000).toFixed(1)}`);
  }
}
// Script time per URL: top-level script events only (not nested in another script event).
const top = onMain.filter((e) => /^(EvaluateScript|v8\.compile|v8\.compileModule|v8\.evaluateModule|FunctionCall|TimerFire|EventDispatch|RunMicrotasks|v8\.callFunction|v8\.run)$/.test(e.name));
const sum = new Map();
for (const e of top) {
  const nested = top.some((o) => o !== e && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && o.dur > e.dur);
  if (nested) continue;
  const key = `p${pageOf(e.ts)} ${e.name} ${urlOf(e)}`;
  sum.set(key, (sum.get(key) || 0) + e.dur / 1000);
}
console.log('\ntop-level script events per page, name and url (ms):');
for (const [k, v] of [...sum].filter(([, v]) => v > 0.5).sort()) console.log(`  ${v.toFixed(1).padStart(7)}  ${k}`);

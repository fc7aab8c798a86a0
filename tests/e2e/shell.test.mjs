// The JS shell (js/shell/) on its own, in Chromium against a real DOM: finding fields, reading
// their facts and labels, the listeners and the guard, and the shell driving the real wasm —
// without the loader. (These were tests/browser.rs, the wasm-bindgen tests of the Rust shell
// it replaces, with the same assertions.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../../scripts/lib.mjs';
import { startStatic } from './support/static.mjs';
import { eventually, launch, openPage } from './support/browser.mjs';

let dir, server, browser;
const { files } = JSON.parse(readFileSync(join(ROOT, 'dist', 'sizes.json'), 'utf8'));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'journey-probe-shell-'));
  // The shell's modules as one ES module the test page imports.
  await build({
    stdin: { contents: "export * from './dom.js'; export { listen } from './listen.js'; export { begin } from './page.js';", resolveDir: join(ROOT, 'js', 'shell') },
    outfile: join(dir, 'shell.js'),
    bundle: true,
    format: 'esm',
    target: 'es2020',
    logLevel: 'silent',
    // The warnings' sentences, beside the shell as in dist/.
    define: { __SENTENCES_FILE__: JSON.stringify('sentences.js') },
  });
  copyFileSync(join(ROOT, 'js', 'sentences.js'), join(dir, 'sentences.js'));
  server = await startStatic({ bundlesDir: dir });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh page with the shell (`shell`), the wasm's glue (`glue`), `fixture(html)`, a guard
 * like the loader's (`guard`, which keeps what it caught in `caught`) and `start(extra)`, which
 * begins the shell on the page with a valid configuration (plus `extra` settings).
 */
async function open(t) {
  const { context, page, errors, console: messages } = await openPage(browser);
  t.after(() => context.close());
  await page.goto(`${server.url}/shell.html`);
  await page.evaluate(async ([glueFile, wasmFile]) => {
    const shell = await import('/bundles/shell.js');
    const glue = await import(`/journey-probe/${glueFile}`);
    await glue.default({ module_or_path: `/journey-probe/${wasmFile}` });
    window.shell = shell;
    window.glue = glue;
    window.fixture = (html) => {
      document.getElementById('fixture')?.remove();
      const div = document.createElement('div');
      div.id = 'fixture';
      div.innerHTML = html;
      document.body.appendChild(div);
      return div;
    };
    window.guard = (fn) => function (arg) {
      try {
        return fn(arg);
      } catch (error) {
        window.caught = String(error);
        return undefined;
      }
    };
    window.start = (extra = []) => {
      sessionStorage.clear();
      const settings = [['data-collector', '/v1/beacons'], ['data-service', '1.001234'], ...extra]
        .map(([name, value]) => `${name}\t${value}\tt`).join('\n');
      return shell.begin(window, glue, { settings, guard: window.guard, early: new WeakSet(), fetch: window.fetch, report() {}, ready() {} });
    };
    /** [key, origin, removed] of every field of the snapshot. */
    window.fieldsOf = (probe) => probe.snapshot().fields.map((f) => [f.key, f.origin, f.removed]);
  }, [files.glue.file, files.wasm.file]);
  return { page, errors, messages };
}

/** Lets the MutationObserver's records arrive. */
const mutationsDelivered = () => new Promise((r) => setTimeout(r, 0));

test('finds fillable fields only', async (t) => {
  const { page } = await open(t);
  const ids = await page.evaluate(() => {
    fixture(`<form>
      <input id="a" name="ho_ten"><input type="hidden" name="csrf" value="x">
      <input type="submit"><input type="button" value="b"><input type="image"><input type="reset">
      <input id="b" type="checkbox"><textarea id="c"></textarea><select id="d"><option>1</option></select>
    </form><input id="e" type="email">
    <div id="f" contenteditable="true"><p contenteditable="true">nested</p></div>
    <div id="g" contenteditable="false"></div>
    <div id="h" role="radiogroup"><div role="radio" aria-checked="false">A</div></div>
    <div role="radiogroup"><input id="i" type="radio" name="r"></div>
    <input id="j" role="combobox" aria-controls="k"><ul id="k" role="listbox"><li role="option">x</li></ul>`);
    const out = [];
    shell.findFields(document, out, []);
    return out.map(([el]) => el.id);
  });
  assert.deepEqual(ids, ['a', 'b', 'c', 'd', 'e', 'f', 'h', 'i', 'j']);
});

test('finds fields in open shadow roots', async (t) => {
  const { page } = await open(t);
  const found = await page.evaluate(() => {
    const div = fixture('<div id="host"></div>');
    document.getElementById('host').attachShadow({ mode: 'open' }).innerHTML = '<input id="inner" name="dia_chi">';
    const out = [];
    const shadows = [];
    shell.findFields(div, out, shadows);
    return { ids: out.map(([el]) => el.id), shadows: shadows.length };
  });
  assert.deepEqual(found, { ids: ['inner'], shadows: 1 });
});

test('skips shadow hosts marked to be ignored', async (t) => {
  const { page } = await open(t);
  const found = await page.evaluate(() => {
    const div = fixture('<div id="overlay" data-probe-ignore></div><div id="widget"></div>');
    for (const [host, inner] of [['overlay', 'ignored'], ['widget', 'seen']]) {
      document.getElementById(host).attachShadow({ mode: 'open' }).innerHTML = `<input id="${inner}">`;
    }
    const out = [];
    shell.findFields(div, out, []);
    // An ignored host found by the observer (added to the page later).
    const ignored = [];
    const shadows = [];
    shell.findFields(document.getElementById('overlay'), ignored, shadows);
    return { ids: out.map(([el]) => el.id), ignored: ignored.length + shadows.length };
  });
  assert.deepEqual(found, { ids: ['seen'], ignored: 0 });
});

test('reads server-rendered and script-set values', async (t) => {
  const { page } = await open(t);
  const facts = await page.evaluate(() => {
    fixture(`<div data-prefill-source="CSDLQG-DC"><input id="declared" name="ho_ten" value="Nguyễn Văn A" readonly></div>
      <input id="server" value="Hà Nội">
      <input id="script">
      <select id="picked"><option value="">Chọn</option><option value="nam">Nam</option><option value="nu" selected>Nữ</option></select>
      <select id="placeholder"><option value="">Chọn</option><option value="nam">Nam</option></select>
      <input id="box" type="checkbox" checked>
      <label>Số điện thoại</label><input data-test="sibling">
      <input type="range" id="range">`);
    document.getElementById('script').value = 'set by page script';
    const read = (el, kind) => {
      const [probeKey, name, id, label, source, flags, hash] = shell.facts(el, kind);
      return { probeKey, name, id, label, source, locked: (flags & 1) > 0, has: (flags & 2) > 0, isDefault: (flags & 4) > 0, hash };
    };
    const byId = (id, kind) => read(document.getElementById(id), kind);
    return {
      declared: byId('declared', shell.TEXT),
      server: byId('server', shell.TEXT),
      script: byId('script', shell.TEXT),
      picked: byId('picked', shell.SELECT),
      placeholder: byId('placeholder', shell.SELECT),
      box: shell.valueState(document.getElementById('box'), shell.CHECKBOX)[0],
      sibling: read(document.querySelector('[data-test=sibling]'), shell.TEXT),
      range: byId('range', shell.TEXT),
    };
  });
  const { declared, server, script, picked, placeholder, box, sibling, range } = facts;
  assert.equal(declared.name, 'ho_ten');
  assert.equal(declared.source, 'CSDLQG-DC');
  assert.ok(declared.has && declared.isDefault && declared.locked);
  assert.equal(server.source, undefined);
  assert.ok(server.has && server.isDefault);
  assert.ok(script.has && !script.isDefault, "a value unlike the markup's is script's");
  assert.notEqual(script.hash, server.hash);
  assert.ok(picked.has && picked.isDefault);
  assert.ok(!placeholder.has, 'the placeholder option is no value');
  assert.ok(box);
  assert.deepEqual([sibling.name, sibling.id, sibling.label], [undefined, undefined, 'Số điện thoại']);
  assert.ok(range.isDefault, "a range input's own default is no script");
});

test('listeners are passive and removed when stopped', async (t) => {
  const { page } = await open(t);
  const outcome = await page.evaluate(() => {
    const input = fixture('<input id="x">').firstChild;
    let calls = 0;
    let prevented;
    const handler = (event) => {
      // A passive listener cannot cancel the page's default action.
      event.preventDefault();
      prevented = event.defaultPrevented;
      calls += 1;
    };
    const handlers = new Proxy({}, { get: () => handler });
    const remove = shell.listen(window, (fn) => fn, handlers);
    const notCancelled = input.dispatchEvent(new Event('input', { bubbles: true, cancelable: true }));
    const before = calls;
    remove();
    input.dispatchEvent(new Event('input', { bubbles: true, cancelable: true }));
    return { notCancelled, prevented, before, after: calls };
  });
  assert.deepEqual(outcome, { notCancelled: true, prevented: false, before: 1, after: 1 }, 'passive, and gone once removed');
});

test("the loader's guard catches what a listener throws", async (t) => {
  const { page } = await open(t);
  const outcome = await page.evaluate(() => {
    const input = fixture('<input id="x">').firstChild;
    const boom = () => {
      throw new Error('listener failed');
    };
    const remove = shell.listen(window, guard, new Proxy({}, { get: () => boom }));
    const dispatched = input.dispatchEvent(new Event('input', { bubbles: true }));
    remove();
    return { dispatched, caught: window.caught };
  });
  assert.equal(outcome.dispatched, true, "the page's dispatch went on");
  assert.equal(outcome.caught, 'Error: listener failed');
});

test('a guard that cannot wrap refuses the listener', async (t) => {
  const { page } = await open(t);
  const outcome = await page.evaluate(() => {
    try {
      shell.listen(window, () => 42, new Proxy({}, { get: () => () => {} }));
      return 'listening';
    } catch (_) {
      return 'refused';
    }
  });
  assert.equal(outcome, 'refused', 'never an unguarded listener');
});

test('a bad configuration leaves the probe off', async (t) => {
  const { page, messages } = await open(t);
  const outcome = await page.evaluate(() => {
    const settings = 'data-collector\tftp://nope\tt\ndata-service\t1.001234\tt';
    const probe = shell.begin(window, glue, { settings, guard, early: new WeakSet(), report() {}, ready() {} });
    return { probe, snapshot: glue.snapshot(Date.now(), performance.now()) };
  });
  assert.deepEqual(outcome, { probe: null, snapshot: '' });
  // The warning's sentence comes from its own file, fetched with the first warning.
  const warningsNow = () => messages.filter((m) => m.type === 'warning').map((m) => m.text);
  await eventually(() => warningsNow().length > 0, 5_000, 20);
  await new Promise((r) => setTimeout(r, 200)); // and no second one
  const warnings = warningsNow();
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /^journey-probe: data-collector="ftp:\/\/nope" is not accepted: .* The probe is off on this page\.$/);
});

test('the probe runs on a real page and stores its journey', async (t) => {
  const { page, errors } = await open(t);
  const outcome = await page.evaluate(() => {
    fixture(`<form><input name="ho_ten" value="Nguyễn Văn A" data-prefill-source="CSDLQG-DC">
      <input id="phone" name="so_dien_thoai"><input name="email"></form>`);
    const probe = start();
    probe.command('login', undefined, Date.now() - 1_000);
    const stored = sessionStorage.getItem('journey-probe:v1').split(';');
    // Untrusted (script-dispatched) input does not make a field the citizen's.
    const phone = document.getElementById('phone');
    phone.value = '0912345678';
    phone.dispatchEvent(new Event('input'));
    const json = JSON.stringify(probe.snapshot());
    probe.stop();
    return { service: stored[2], sinceLogin: Date.now() - Number(stored[3]), json, after: probe.snapshot() };
  });
  assert.equal(outcome.service, '1.001234');
  assert.ok(outcome.sinceLogin >= 1_000, 'the login keeps the time it was made');
  for (const expected of [
    '"key":"ho_ten","form":"form#0","origin":"declared","source":"CSDLQG-DC"',
    '"key":"so_dien_thoai","form":"form#0","origin":"script"',
    '"key":"email","form":"form#0","origin":"empty"',
    '"logged_in":true',
  ]) {
    assert.ok(outcome.json.includes(expected), `${expected} not in ${outcome.json}`);
  }
  assert.ok(!outcome.json.includes('0912345678') && !outcome.json.includes('Nguyễn'), `no value in the snapshot: ${outcome.json}`);
  assert.equal(outcome.after, null, 'stopped');
  assert.deepEqual(errors, []);
});

test('fields added later are found and removed ones let go', async (t) => {
  const { page, errors } = await open(t);
  const outcome = await page.evaluate(async (delivered) => {
    fixture('<form id="wizard"><input name="buoc_1" value="đã có"></form>');
    const probe = start();
    const step2 = document.createElement('fieldset');
    step2.innerHTML = '<input name="buoc_2a"><select name="buoc_2b"><option value="">-</option><option value="x" selected>x</option></select>';
    document.getElementById('wizard').appendChild(step2);
    await new Promise((r) => setTimeout(r, delivered));
    const added = fieldsOf(probe);
    step2.remove();
    await new Promise((r) => setTimeout(r, delivered));
    const removed = fieldsOf(probe);
    // A field the page marks invalid later counts a validation failure.
    document.querySelector('#fixture input').setAttribute('aria-invalid', 'true');
    await new Promise((r) => setTimeout(r, delivered));
    return { added, removed, json: JSON.stringify(probe.snapshot()) };
  }, 0);
  assert.deepEqual(outcome.added, [['buoc_1', 'server', false], ['buoc_2a', 'empty', false], ['buoc_2b', 'server', false]]);
  assert.deepEqual(outcome.removed, [['buoc_1', 'server', false], ['buoc_2b', 'server', true]],
    'a pre-filled field that left is kept, marked removed; an untouched empty one is forgotten');
  assert.ok(outcome.json.includes('"key":"buoc_1","form":"wizard","origin":"server"') && outcome.json.includes('"invalid":1'), outcome.json);
  assert.deepEqual(errors, []);
  await mutationsDelivered();
});

test('a prefill map declares fields the markup does not', async (t) => {
  const { page, messages } = await open(t);
  const json = await page.evaluate(() => {
    fixture('<input id="ho_ten" value="Nguyễn Văn A"><input id="ma_so_thue" value="x"><input id="khac" value="y">');
    const probe = start([['data-prefill-map', 'CSDLQG-DC: #ho_ten; CSDLQG-DN: #ma_so_thue; BAD: [[']]);
    const json = JSON.stringify(probe.snapshot());
    probe.stop();
    return json;
  });
  assert.ok(json.includes('"key":"ho_ten","form":"#page","origin":"declared","source":"CSDLQG-DC"'), json);
  assert.ok(json.includes('"key":"ma_so_thue","form":"#page","origin":"declared","source":"CSDLQG-DN"'), json);
  assert.ok(json.includes('"key":"khac","form":"#page","origin":"server"'), json);
  const refused = messages.filter((m) => m.text.includes('is not a valid CSS selector'));
  assert.deepEqual(refused.map((m) => m.text), ['journey-probe: data-prefill-map: "[[" is not a valid CSS selector; that entry is skipped'], 'warned once');
});

test('labels never carry what a field holds', async (t) => {
  const { page } = await open(t);
  const labels = await page.evaluate(() => {
    fixture(`<label data-test="wrapped">Họ và tên <input value="Nguyễn Văn A"><select><option selected>Hà Nội</option></select></label>
      <span id="lbl">Phường</span><span id="sel2" role="combobox">Phường Tân Phong</span>
      <input data-test="labelledby" aria-labelledby="lbl sel2 self-ref" id="">
      <input data-test="keyed" data-probe-key="dia-chi-lien-he">`);
    const facts = (selector) => shell.facts(document.querySelector(selector), shell.TEXT);
    const keyed = facts('[data-test=keyed]');
    return { wrapped: facts('[data-test=wrapped] input')[3], labelledby: facts('[data-test=labelledby]')[3], keyed: [keyed[0], keyed[3]] };
  });
  assert.equal(labels.wrapped.trim(), 'Họ và tên');
  assert.equal(labels.labelledby, 'Phường');
  assert.deepEqual(labels.keyed, ['dia-chi-lien-he', undefined]);
});

test('Angular controls are keyed by formcontrolname', async (t) => {
  const { page } = await open(t);
  const outcome = await page.evaluate(() => {
    fixture('<input data-test="ng" formcontrolname="soDienThoai" id="mat-input-3">');
    const name = shell.facts(document.querySelector('[data-test=ng]'), shell.TEXT)[1];
    const probe = start();
    const keys = probe.snapshot().fields.map((f) => f.key);
    probe.stop();
    return { name, keys };
  });
  assert.deepEqual(outcome, { name: 'soDienThoai', keys: ['soDienThoai'] });
});

// What the redesign is for (issue 15): few, cheap calls into the wasm, and no long task.

/** Makes a page of `forms` forms of `perForm` named text fields; returns nothing. */
const manyFields = (forms, perForm) => {
  let html = '';
  for (let f = 0; f < forms; f++) {
    html += `<form id="form-${f}">`;
    for (let i = 0; i < perForm; i++) html += `<label>Trường ${i}<input name="f${f}_${i}"${i % 3 ? '' : ' value="có sẵn"'}></label>`;
    html += '</form>';
  }
  return html;
};

test('start-up registers the fields in slices, never a long task, even on a slow phone', async (t) => {
  const { page } = await open(t);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const outcome = await page.evaluate(async (html) => {
    fixture(html);
    const slices = [];
    const timed = (fn) => function (arg) {
      const start = performance.now();
      try {
        return fn(arg);
      } finally {
        slices.push(performance.now() - start);
      }
    };
    // The wasm's own time (its session's start, cold code included) is told apart.
    let inWasm = 0;
    const wasm = Object.fromEntries(Object.entries(glue).map(([name, f]) => [name, typeof f !== 'function' ? f : (...args) => {
      const start = performance.now();
      try {
        return f(...args);
      } finally {
        inWasm += performance.now() - start;
      }
    }]));
    sessionStorage.clear();
    let ready;
    const done = new Promise((r) => { ready = r; });
    const settings = 'data-collector\t/v1/beacons\tt\ndata-service\t1.001234\tt';
    const start = performance.now();
    const probe = shell.begin(window, wasm, { settings, guard: timed, early: new WeakSet(), report() {}, ready: () => ready() });
    const begun = performance.now() - start;
    const wasmBegin = inWasm;
    await done;
    return { begun, wasmBegin, slices, fields: probe.snapshot().fields.length };
  }, manyFields(20, 100));
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  assert.equal(outcome.fields, 2000, 'every field registered');
  assert.ok(outcome.slices.length > 2, `registered in slices: ${outcome.slices.length}`);
  const longest = Math.max(...outcome.slices);
  const shellBegin = outcome.begun - outcome.wasmBegin;
  t.diagnostic(`begin: ${shellBegin.toFixed(1)} ms of JS + ${outcome.wasmBegin.toFixed(1)} ms in the wasm; ${outcome.slices.length} slices, the longest ${longest.toFixed(1)} ms (CPU 4× slower)`);
  assert.ok(longest < 50 && shellBegin < 50,
    `no long task: begin took ${shellBegin.toFixed(1)} ms of JS (+ ${outcome.wasmBegin.toFixed(1)} ms in the wasm), the longest slice ${longest.toFixed(1)} ms`);
});

test('a value page script sets while the probe is still starting is script\'s, not the markup\'s', async (t) => {
  const { page } = await open(t);
  const outcome = await page.evaluate(async (html) => {
    fixture(html);
    sessionStorage.clear();
    let ready;
    const done = new Promise((r) => { ready = r; });
    let started = false;
    const settings = 'data-collector\t/v1/beacons\tt\ndata-service\t1.001234\tt';
    const probe = shell.begin(window, glue, { settings, guard, early: new WeakSet(), report() {}, ready: () => { started = true; ready(); } });
    let registered = [];
    while (!started && !(registered = probe.elements().flat()).length) await scheduler.yield(); // a first slice has run
    const first = registered[0];
    const last = document.querySelector('[name=f19_98]');
    const whileStarting = { started, first: first.name, last: registered.includes(last) };
    // What the loader's setter interception reports: a field not registered yet, and one registered already.
    for (const el of [last, first]) {
      el.value = 'điền bởi trang';
      probe.scriptSet(el);
    }
    await done;
    const origins = Object.fromEntries(probe.snapshot().fields.map((f) => [f.key, f.origin]));
    return { whileStarting, first: origins.f0_0, last: origins.f19_98, untouched: origins.f19_97, server: origins.f19_99 };
  }, manyFields(20, 100));
  assert.deepEqual(outcome, {
    whileStarting: { started: false, first: 'f0_0', last: false },
    first: 'script',
    last: 'script',
    untouched: 'empty',
    server: 'server',
  });
});

test('one wasm call per field at start-up and per event; checks only for what changed', async (t) => {
  const { page } = await open(t);
  await page.evaluate(() => {
    fixture('<form><input id="a" name="a" value="có sẵn"><input id="b" name="b"><select id="c" name="c"><option value="">-</option><option value="x">x</option></select></form>');
    sessionStorage.clear();
    window.calls = [];
    // The glue's exports, each counted.
    const counted = Object.fromEntries(Object.entries(glue).map(([name, f]) =>
      [name, typeof f === 'function' ? (...args) => { calls.push(name === 'event' ? `event ${args[1]}` : name); return f(...args); } : f]));
    const settings = 'data-collector\t/v1/beacons\tt\ndata-service\t1.001234\tt';
    window.probe = shell.begin(window, counted, { settings, guard, early: new WeakSet(), report() {}, ready() {} });
  });
  const callsDuring = async (act) => {
    await page.evaluate(() => { calls.length = 0; });
    await act();
    return page.evaluate(() => calls.filter((c) => c !== 'waiting'));
  };
  const startup = await page.evaluate(() => calls);
  assert.deepEqual(startup.filter((c) => c === 'field'), ['field', 'field', 'field'], 'one call per field');
  assert.deepEqual(await callsDuring(() => page.focus('#b')), ['event 0'], 'focus: one call (its check found nothing new)');
  assert.deepEqual(await callsDuring(() => page.keyboard.type('x')), ['event 2'], 'a keystroke: one call');
  assert.deepEqual(await callsDuring(() => page.evaluate(() => probe.snapshot())), ['snapshot'], 'nothing changed: no check');
  await page.evaluate(() => { document.getElementById('a').value = 'đổi lặng lẽ'; }); // no event says so
  assert.deepEqual(await callsDuring(() => page.evaluate(() => probe.snapshot())), ['event 4', 'snapshot'], 'one check, for the field that changed');
  assert.deepEqual(await callsDuring(() => page.evaluate(() => probe.snapshot())), ['snapshot'], 'and not again');
});

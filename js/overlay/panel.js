// The overlay's panel: the journey (service, clock since login against the target, active and
// hidden time, steps, refused submissions), the page's forms (pre-filled / typed / changed as
// numbers and a bar, fields that blocked submission), the outline legend, every field as a
// table (what the outlines show, for screen readers too) and the beacon log, exactly as sent.
// Built once; a refresh updates text in place so focus and open sections stay where they are.
import { TEXT } from './text.js';
import { ORIGIN_STYLE } from './style.js';

const ORIGINS = ['declared', 'server', 'script', 'autofill', 'user', 'empty'];

/** `h('p', {class: 'x'}, 'text', child)`: an element with attributes and children. */
export function h(doc, tag, attributes = {}, ...children) {
  const element = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) element.append(child);
  return element;
}

/** m:ss (or h:mm:ss) of a duration in ms. */
export function clockText(ms) {
  const total = Math.floor(ms / 1000);
  const s = String(total % 60).padStart(2, '0');
  const m = Math.floor(total / 60);
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export class Panel {
  constructor(root, actions) {
    const doc = root.ownerDocument;
    this.doc = doc;
    this.actions = actions;
    this.lang = 'vi';
    this.rendered = 0; // log entries rendered
    const e = (tag, attributes, ...children) => h(doc, tag, attributes, ...children);
    const button = (action, text) => e('button', { type: 'button', 'data-action': action }, text);
    this.el = e('section', { class: 'panel dock-right', role: 'region', 'data-dock': 'right' });
    this.title = e('span');
    this.mini = e('span', { class: 'mini', 'data-field': 'mini' });
    this.header = e('header', {},
      e('h2', { id: 'jp-title' }, this.title, this.mini),
      button('collapse', '▾'),
      button('dock', '⇄'),
      button('lang', ''),
      button('close', '✕'));
    this.status = e('p', { class: 'status', role: 'status' });
    this.service = e('dd', { 'data-field': 'service' });
    this.time = e('span', { class: 'time', 'data-field': 'clock' });
    this.targetText = e('span', { 'data-field': 'target' });
    this.verdict = e('span', { class: 'verdict idle', 'data-field': 'verdict' });
    this.meter = e('div', { class: 'meter', role: 'progressbar', 'aria-valuemin': 0 }, e('span'));
    this.times = e('dl');
    this.steps = e('ol', { 'data-field': 'steps' });
    this.bar = e('div', { class: 'bar', role: 'img' });
    this.counts = e('dl', { 'data-field': 'form-counts' });
    this.blocked = e('p', { 'data-field': 'blocked-by' });
    this.legend = e('ul', { class: 'legend' });
    this.fieldsSummary = e('summary');
    this.fieldRows = e('tbody');
    this.fieldHead = e('tr');
    this.entries = e('div', { 'data-field': 'log' });
    this.logEmpty = e('p');
    this.body = e('div', { class: 'body', id: 'jp-body' },
      this.status,
      e('section', { 'aria-labelledby': 'jp-h-journey' },
        e('h3', { id: 'jp-h-journey', 'data-t': 'journey' }),
        e('dl', {}, e('dt', { 'data-t': 'service' }), this.service),
        e('div', { class: 'clock' }, this.time, this.targetText, this.verdict),
        this.meter,
        this.times,
        e('h4', { class: 'sr-only', 'data-t': 'steps' }),
        this.steps),
      e('section', { 'aria-labelledby': 'jp-h-form' },
        e('h3', { id: 'jp-h-form', 'data-t': 'form' }),
        this.bar, this.counts, this.blocked),
      e('section', { 'aria-labelledby': 'jp-h-legend' },
        e('h3', { id: 'jp-h-legend', 'data-t': 'legend' }),
        this.legend),
      e('section', { 'aria-label': 'fields', 'data-section': 'fields' },
        e('details', {}, this.fieldsSummary,
          e('table', {}, e('thead', {}, this.fieldHead), this.fieldRows))),
      e('section', { 'aria-labelledby': 'jp-h-log' },
        e('h3', { id: 'jp-h-log', 'data-t': 'log' }),
        e('div', { class: 'row' }, button('copy-all', ''), button('clear', '')),
        this.logEmpty,
        this.entries));
    this.el.append(this.header, this.body);
    this.el.setAttribute('aria-labelledby', 'jp-title');
    this.header.querySelector('[data-action=collapse]').setAttribute('aria-controls', 'jp-body');
    this.el.addEventListener('click', (event) => this.clicked(event));
    root.appendChild(this.el);
  }

  clicked(event) {
    const target = event.target.closest && event.target.closest('button');
    if (!target) return;
    const action = target.dataset.action;
    if (action === 'copy') this.actions.copy(target.dataset.text, target);
    else if (this.actions[action]) this.actions[action](target);
  }

  /** Sets every fixed text in `lang`. */
  setLanguage(lang) {
    this.lang = lang;
    const t = TEXT[lang];
    this.el.setAttribute('lang', lang);
    this.title.textContent = t.title;
    for (const node of this.el.querySelectorAll('[data-t]')) node.textContent = t[node.dataset.t];
    const label = (action, text) => this.header.querySelector(`[data-action=${action}]`).setAttribute('aria-label', text);
    label('collapse', this.el.classList.contains('collapsed') ? t.expand : t.collapse);
    label('dock', t.dock);
    label('close', t.close);
    const langButton = this.header.querySelector('[data-action=lang]');
    langButton.textContent = t.language;
    langButton.setAttribute('aria-label', t.languageLabel);
    langButton.setAttribute('lang', lang === 'vi' ? 'en' : 'vi');
    this.header.title = t.dragHint;
    this.el.querySelector('[data-action=copy-all]').textContent = t.copyAll;
    this.el.querySelector('[data-action=clear]').textContent = t.clear;
    this.meter.setAttribute('aria-label', t.sinceLogin);
    this.bar.setAttribute('aria-label', t.form);
    this.logEmpty.textContent = t.logEmpty;
    this.fieldHead.textContent = '';
    for (const name of ['key', 'origin', 'source', 'counters']) this.fieldHead.append(h(this.doc, 'th', { scope: 'col' }, t[name]));
    this.legend.textContent = '';
    for (const origin of ORIGINS) {
      const style = ORIGIN_STYLE[origin];
      this.legend.append(h(this.doc, 'li', { 'data-origin': origin },
        h(this.doc, 'span', { class: 'swatch', style: `border: ${style.border} ${style.color}` }),
        t.origins[origin]));
    }
    this.legend.append(
      h(this.doc, 'li', {}, h(this.doc, 'span', { class: 'chip flag-overwritten' }, '✎'), t.overwritten),
      h(this.doc, 'li', {}, h(this.doc, 'span', { class: 'chip flag-invalid' }, '⚠'), t.flags.invalid));
    this.rendered = 0; // log entries re-rendered in the new language
    this.entries.textContent = '';
  }

  setCollapsed(collapsed) {
    this.el.classList.toggle('collapsed', collapsed);
    const button = this.header.querySelector('[data-action=collapse]');
    button.setAttribute('aria-expanded', String(!collapsed));
    button.textContent = collapsed ? '▸' : '▾';
    button.setAttribute('aria-label', collapsed ? TEXT[this.lang].expand : TEXT[this.lang].collapse);
  }

  /** Shows what the probe sees now. */
  update(snapshot, state, log) {
    const t = TEXT[this.lang];
    this.status.hidden = state === 'running';
    this.status.textContent = state === 'loading' ? t.probeLoading : state === 'off' ? t.probeOff : '';
    this.updateJourney(snapshot, t);
    this.updateForms(snapshot, t);
    this.updateFields(snapshot, t);
    this.updateLog(log, t);
  }

  updateJourney(snapshot, t) {
    const clock = snapshot && snapshot.clock;
    this.service.textContent = snapshot ? snapshot.service : '—';
    const target = clock ? clock.target_s * 1000 : 300000;
    const since = clock && clock.since_login_ms !== undefined ? clock.since_login_ms : null;
    this.time.textContent = since === null ? '–:––' : clockText(since);
    this.targetText.textContent = `/ ${clockText(target)} ${t.target}`;
    const over = since !== null && since > target;
    this.verdict.className = 'verdict ' + (since === null ? 'idle' : over ? 'over' : 'within');
    this.verdict.textContent = since === null ? t.notLoggedIn
      : (snapshot.submitted ? t.submitted + ' · ' : '') + (over ? t.over : t.within);
    this.verdict.dataset.state = since === null ? 'idle' : over ? 'over' : 'within';
    this.meter.classList.toggle('over', over);
    // The header says it too, so a collapsed panel still answers "how long, against 5:00?".
    this.mini.className = 'mini ' + this.verdict.dataset.state;
    this.mini.textContent = since === null ? t.notLoggedIn
      : `${this.time.textContent} / ${clockText(target)} · ${over ? t.over : t.within}`;
    this.meter.setAttribute('aria-valuemax', String(Math.round(target / 1000)));
    this.meter.setAttribute('aria-valuenow', String(Math.round((since || 0) / 1000)));
    this.meter.setAttribute('aria-valuetext', `${this.time.textContent} ${this.targetText.textContent}`);
    this.meter.firstChild.style.width = Math.min(100, ((since || 0) / target) * 100) + '%';
    const rows = clock ? [
      [t.active, clockText(clock.active_ms)],
      [t.hidden, clockText(clock.hidden_ms)],
      [t.blocked, clockText(clock.blocked_ms)],
      [t.failed, String(clock.failed)],
    ] : [];
    this.times.textContent = '';
    for (const [label, value] of rows) this.times.append(h(this.doc, 'dt', {}, label), h(this.doc, 'dd', {}, value));
    const steps = clock ? clock.steps : [];
    this.steps.textContent = '';
    steps.forEach((step, i) => {
      const current = i === steps.length - 1 && !snapshot.submitted;
      this.steps.append(h(this.doc, 'li', current ? { 'aria-current': 'step' } : {},
        `${step.name} — ${clockText(step.ms)}${current ? ' ' + t.stepNow : ''}`));
    });
  }

  updateForms(snapshot, t) {
    const forms = snapshot ? snapshot.forms : [];
    const sum = (key) => forms.reduce((n, f) => n + (f[key] || 0), 0);
    const total = sum('total');
    const prefilled = sum('prefilled');
    const typed = sum('typed');
    const overwritten = sum('overwritten');
    const empty = snapshot ? snapshot.fields.filter((f) => !f.removed && f.origin === 'empty').length : 0;
    this.counts.textContent = '';
    for (const [label, value, key] of [[t.fieldsTotal, total, 'total'], [t.prefilled, prefilled, 'prefilled'],
      [t.typed, typed, 'typed'], [t.overwritten, overwritten, 'overwritten'], [t.empty, empty, 'empty']]) {
      this.counts.append(h(this.doc, 'dt', {}, label), h(this.doc, 'dd', { 'data-count': key }, String(value)));
    }
    this.bar.textContent = '';
    const parts = [['prefilled', prefilled - overwritten], ['overwritten', overwritten], ['typed', typed], ['empty', empty]];
    for (const [name, n] of parts) {
      if (n > 0) this.bar.append(h(this.doc, 'span', { class: name, style: `flex: ${n}` }));
    }
    this.bar.setAttribute('aria-label', `${t.form}: ${t.prefilled} ${prefilled}, ${t.typed} ${typed}, ${t.overwritten} ${overwritten}, ${t.empty} ${empty} / ${total}`);
    const blockedBy = [...new Set(forms.flatMap((f) => f.blocked_by || []))];
    this.blocked.textContent = `${t.blockedBy}: ${blockedBy.join(', ') || t.none}`;
  }

  updateFields(snapshot, t) {
    const fields = snapshot ? snapshot.fields.filter((f) => !f.removed) : [];
    this.fieldsSummary.textContent = `${t.fields} (${fields.length})`;
    this.fieldRows.textContent = '';
    for (const f of fields.slice(0, 500)) {
      const counters = Object.entries(t.counterNames).filter(([k]) => f[k]).map(([k, label]) =>
        `${label} ${k.endsWith('_ms') ? (f[k] / 1000).toFixed(1) + ' s' : f[k]}`).join(', ');
      const origin = t.origins[f.origin] + (f.overwritten ? ` (${t.flags.overwritten})` : '') + (f.invalid ? ` ⚠` : '');
      this.fieldRows.append(h(this.doc, 'tr', { 'data-key': f.key, 'data-origin': f.origin },
        h(this.doc, 'td', {}, f.key), h(this.doc, 'td', {}, origin), h(this.doc, 'td', {}, f.source || ''),
        h(this.doc, 'td', {}, counters)));
    }
  }

  updateLog(log, t) {
    if (log.length < this.rendered) {
      this.rendered = 0;
      this.entries.textContent = '';
    }
    this.logEmpty.hidden = log.length > 0;
    for (const entry of log.slice(this.rendered)) this.entries.append(this.entry(entry, t));
    this.rendered = log.length;
  }

  entry({ kind, text, at }, t) {
    const time = new Date(at).toLocaleTimeString(this.lang === 'vi' ? 'vi-VN' : 'en-GB', { hour12: false });
    if (kind === 'answered') {
      return h(this.doc, 'p', { class: 'entry', 'data-kind': kind }, `${time} · ${t.kinds.answered}: HTTP ${text === '0' ? '—' : text}`);
    }
    let pretty = text;
    try {
      pretty = JSON.stringify(JSON.parse(text), null, 2);
    } catch (_) {
      // shown as it is
    }
    const bytes = new TextEncoder().encode(text).length;
    const copy = h(this.doc, 'button', { type: 'button', 'data-action': 'copy' }, t.copy);
    copy.dataset.text = text; // the exact bytes, for the copy button
    return h(this.doc, 'details', { class: 'entry', 'data-kind': kind },
      h(this.doc, 'summary', {},
        h(this.doc, 'span', { class: 'kind' }, t.kinds[kind] || kind),
        h(this.doc, 'span', {}, time),
        h(this.doc, 'span', {}, `${bytes.toLocaleString(this.lang === 'vi' ? 'vi-VN' : 'en-GB')} ${t.bytes}`)),
      h(this.doc, 'pre', { tabindex: 0, 'aria-label': t.kinds[kind] || kind }, pretty),
      copy,
    );
  }
}

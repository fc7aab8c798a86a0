// The satisfaction question (QCVN criterion 4), fetched by the loader only when the probe says
// it is due: one question on a five-point scale, optional reasons from a fixed list, no free
// text. Non-modal (it takes no focus and blocks nothing), dismissible, keyboard-operable,
// labelled for screen readers, fits a 360 px phone, Vietnamese unless the page's lang is not.
// It decides nothing: the probe knows whether to ask, and records the answer or the dismissal.

const TEXT = {
  vi: {
    question: 'Bạn có hài lòng với dịch vụ công trực tuyến này không?',
    scale: ['Rất không hài lòng', 'Không hài lòng', 'Bình thường', 'Hài lòng', 'Rất hài lòng'],
    reasonsLegend: 'Điều gì chưa tốt? (không bắt buộc)',
    reasons: {
      too_slow: 'Quá chậm',
      re_enter_data: 'Phải nhập lại dữ liệu đã có',
      unclear_errors: 'Thông báo lỗi khó hiểu',
      hard_on_mobile: 'Khó dùng trên điện thoại',
      other: 'Lý do khác',
    },
    send: 'Gửi đánh giá',
    skip: 'Bỏ qua',
    close: 'Đóng câu hỏi',
    privacy: 'Đánh giá ẩn danh: không gắn với tên hay tài khoản của bạn.',
    thanks: 'Cảm ơn bạn đã đánh giá.',
  },
  en: {
    question: 'Are you satisfied with this online public service?',
    scale: ['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied'],
    reasonsLegend: 'What was not good? (optional)',
    reasons: {
      too_slow: 'Too slow',
      re_enter_data: 'Had to re-enter data',
      unclear_errors: 'Unclear error messages',
      hard_on_mobile: 'Hard to use on a phone',
      other: 'Other',
    },
    send: 'Send rating',
    skip: 'Skip',
    close: 'Close the question',
    privacy: 'Anonymous: not linked to your name or account.',
    thanks: 'Thank you for your rating.',
  },
};

const CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.card { position: fixed; right: 16px; bottom: 16px; z-index: 2147483640; width: 380px; max-width: calc(100vw - 16px);
  background: #fff; color: #1a1a1a; border: 1px solid #767676; border-radius: 10px; box-shadow: 0 6px 24px rgba(0,0,0,.25);
  padding: 14px 16px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
@media (max-width: 480px) { .card { left: 8px; right: 8px; bottom: 8px; width: auto; } }
h2 { font-size: 16px; margin: 0 28px 10px 0; }
.close { position: absolute; top: 8px; right: 8px; width: 32px; height: 32px; border: 0; background: none; font-size: 22px;
  line-height: 1; cursor: pointer; color: #1a1a1a; border-radius: 4px; }
fieldset { border: 0; margin: 0; padding: 0; }
legend { padding: 0; margin-bottom: 6px; font-weight: 600; font-size: 14px; }
.scale { display: grid; grid-template-columns: repeat(5, 1fr); gap: 4px; }
.scale label { display: flex; flex-direction: column; align-items: center; gap: 2px; padding: 6px 2px; border: 1px solid #767676;
  border-radius: 6px; cursor: pointer; font-size: 12px; text-align: center; min-height: 44px; }
.scale input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.scale .n { font-size: 18px; font-weight: 700; }
.scale input:checked + span { text-decoration: underline; }
.scale label:has(input:checked) { background: #0b4f8a; color: #fff; border-color: #0b4f8a; }
.scale label:has(input:focus-visible), button:focus-visible, .reasons input:focus-visible { outline: 3px solid #d55e00; outline-offset: 2px; }
.reasons { margin-top: 10px; }
.reasons label { display: flex; gap: 8px; align-items: center; padding: 3px 0; font-size: 14px; }
.reasons input { width: 18px; height: 18px; }
.actions { display: flex; gap: 8px; margin-top: 12px; flex-wrap: wrap; }
.actions button { font: inherit; padding: 8px 14px; border-radius: 6px; cursor: pointer; min-height: 40px; }
.send { background: #0b4f8a; color: #fff; border: 1px solid #0b4f8a; }
.send:disabled { background: #c8c8c8; border-color: #c8c8c8; color: #454545; cursor: default; }
.skip { background: #fff; color: #1a1a1a; border: 1px solid #767676; }
.privacy { margin: 10px 0 0; font-size: 12px; color: #454545; }
[hidden] { display: none !important; }
`;

function element(doc, tag, attributes = {}, ...children) {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== false && value !== undefined) node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

/**
 * Shows the question.
 * @param {Window} win
 * @param {{ shown: () => void, answer: (text: string) => void, done: () => void }} ctx
 */
export function mount(win, ctx) {
  const doc = win.document;
  const lang = (doc.documentElement.getAttribute('lang') || 'vi').toLowerCase();
  const t = lang === 'vi' || lang.startsWith('vi-') || lang === '' ? TEXT.vi : TEXT.en;
  const host = element(doc, 'div', { id: 'journey-probe-survey', 'data-probe-ignore': true });
  const root = host.attachShadow({ mode: 'open' });
  root.append(element(doc, 'style', {}, CSS));
  const e = (tag, attributes, ...children) => element(doc, tag, attributes, ...children);
  const scale = e('div', { class: 'scale' }, ...t.scale.map((label, i) =>
    e('label', {}, e('input', { type: 'radio', name: 'score', value: String(i + 1) }),
      e('span', { class: 'n', 'aria-hidden': 'true' }, String(i + 1)), e('span', {}, label))));
  const reasons = e('fieldset', { class: 'reasons', hidden: true },
    e('legend', {}, t.reasonsLegend),
    ...Object.entries(t.reasons).map(([key, label]) =>
      e('label', {}, e('input', { type: 'checkbox', name: 'reason', value: key }), label)));
  const send = e('button', { type: 'button', class: 'send', disabled: true }, t.send);
  const skip = e('button', { type: 'button', class: 'skip' }, t.skip);
  const close = e('button', { type: 'button', class: 'close', 'aria-label': t.close }, '×');
  const form = e('div', { class: 'form' },
    e('fieldset', {}, e('legend', { class: 'sr' }, t.question), scale),
    reasons,
    e('div', { class: 'actions' }, send, skip),
    e('p', { class: 'privacy' }, t.privacy));
  const card = e('section', { class: 'card', role: 'region', 'aria-labelledby': 'jp-survey-q', 'aria-live': 'polite', lang: t === TEXT.vi ? 'vi' : 'en' },
    e('h2', { id: 'jp-survey-q' }, t.question), close, form);
  // The scale's legend repeats the heading for screen readers only.
  root.append(element(doc, 'style', {}, '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}'));
  root.append(card);

  let finished = false;
  const finish = (text, thank) => {
    if (finished) return;
    finished = true;
    ctx.answer(text);
    if (thank) {
      form.replaceChildren(e('p', { role: 'status' }, t.thanks));
      close.hidden = true;
      win.setTimeout(remove, 2500);
    } else {
      remove();
    }
  };
  function remove() {
    host.remove();
    ctx.done();
  }
  scale.addEventListener('change', () => {
    const score = Number(root.querySelector('input[name=score]:checked')?.value || 0);
    send.disabled = score === 0;
    reasons.hidden = !(score > 0 && score <= 3);
  });
  send.addEventListener('click', () => {
    const score = root.querySelector('input[name=score]:checked')?.value;
    if (!score) return;
    const picked = [...root.querySelectorAll('input[name=reason]:checked')].map((c) => c.value);
    finish(Number(score) <= 3 && picked.length ? `${score}:${picked.join(',')}` : score, true);
  });
  for (const dismiss of [skip, close]) dismiss.addEventListener('click', () => finish('dismissed', false));
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') finish('dismissed', false);
  });
  doc.body.appendChild(host);
  ctx.shown();
  return { remove };
}

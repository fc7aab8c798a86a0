// Demo portal for journey-probe: a mock of a Vietnamese provincial online
// public-service portal ("Cổng Dịch vụ công tỉnh Mẫu"), in Vietnamese.
// Node built-ins only. Start with `node demo/server.mjs` or `startDemo()`.

import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile, stat, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const STATIC_DIR = path.join(HERE, 'static');
const DEFAULT_PROBE_DIR = path.resolve(HERE, '..', 'dist');
const DEFAULT_COLLECTOR = 'http://127.0.0.1:8787/v1/beacons';
const MAX_BODY = 64 * 1024;
const SESSION_TTL_MS = 2 * 60 * 60 * 1000;
const TZ = 'Asia/Ho_Chi_Minh';

const SERVICE_CODE = '1.001234';
const SERVICE_NAME = 'Cấp Phiếu lý lịch tư pháp';
const SERVICE_BASE = `/dich-vu/${SERVICE_CODE}`;
const PROVINCE = 'tỉnh Mẫu';
const PORTAL_NAME = 'Cổng Dịch vụ công tỉnh Mẫu';

// ---------------------------------------------------------------- data

const CATALOGUE = [
  { code: '1.001234', name: 'Cấp Phiếu lý lịch tư pháp', agency: 'Sở Tư pháp', level: 'Toàn trình', implemented: true },
  { code: '1.001193', name: 'Đăng ký khai sinh', agency: 'UBND cấp xã', level: 'Toàn trình' },
  { code: '2.000488', name: 'Đăng ký thành lập hộ kinh doanh', agency: 'UBND cấp xã', level: 'Toàn trình' },
  { code: '1.002809', name: 'Đổi giấy phép lái xe do ngành Giao thông vận tải cấp', agency: 'Sở Xây dựng', level: 'Một phần' },
  { code: '1.004222', name: 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ', agency: 'UBND cấp xã', level: 'Một phần' },
];

// The mock citizen returned by "VNeID" and the mock national population DB.
const CITIZEN = Object.freeze({
  ho_ten: 'Nguyễn Thị Minh Khai',
  ngay_sinh: '1990-05-14',
  so_dinh_danh: '001190012345',
  gioi_tinh: 'nu',
  noi_thuong_tru: 'Số 12 đường Lê Lợi, phường Hòa Bình, thành phố Mẫu, tỉnh Mẫu',
  que_quan: 'Xã Tân Phong, huyện Kim Sơn, tỉnh Mẫu',
  dan_toc: 'kinh',
  quoc_tich: 'Việt Nam',
});

const GENDERS = [['nam', 'Nam'], ['nu', 'Nữ']];
const ETHNIC_GROUPS = [
  ['kinh', 'Kinh'], ['tay', 'Tày'], ['thai', 'Thái'], ['muong', 'Mường'], ['khmer', 'Khmer'],
  ['hoa', 'Hoa'], ['nung', 'Nùng'], ['hmong', "H'Mông"], ['dao', 'Dao'], ['khac', 'Khác'],
];
const CERT_TYPES = [
  ['1', 'Phiếu lý lịch tư pháp số 1', 'Ghi các án tích chưa được xóa; cấp cho cá nhân, cơ quan, tổ chức.'],
  ['2', 'Phiếu lý lịch tư pháp số 2', 'Ghi đầy đủ các án tích, kể cả án tích đã được xóa; chỉ cấp cho chính người được cấp phiếu.'],
];
const DELIVERY = [['truc-tiep', 'Nhận trực tiếp tại cơ quan'], ['buu-dien', 'Nhận qua dịch vụ bưu chính']];

// ---------------------------------------------------------------- helpers

export function esc(value) {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const labelOf = (list, v) => (list.find(([k]) => k === v) || [, ''])[1];

function vnParts(date) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(date)) parts[p.type] = p.value;
  return parts;
}

function fmtDate(y, m, d) {
  return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
}

function isoToVn(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

// Adds `n` working days (Mon–Fri) to the Vietnam-local calendar date of `date`.
function addWorkingDays(date, n) {
  const p = vnParts(date);
  const d = new Date(Date.UTC(+p.year, +p.month - 1, +p.day));
  while (n > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) n--;
  }
  return fmtDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function fmtMoney(n) {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đồng`;
}

function fee(count) {
  return 200000 + Math.max(0, count - 2) * 5000;
}

function parseCookies(header) {
  const out = {};
  for (const part of String(header || '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (k && !(k in out)) out[k] = part.slice(i + 1).trim();
  }
  return out;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    let done = false;
    req.on('data', (c) => {
      if (done) return;
      size += c.length;
      if (size > MAX_BODY) {
        done = true;
        const err = new Error('body too large');
        err.status = 413;
        reject(err);
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!done) { done = true; resolve(Buffer.concat(chunks).toString('utf8')); } });
    req.on('error', (e) => { if (!done) { done = true; reject(e); } });
  });
}

function clean(v, max = 500) {
  return String(v ?? '').normalize('NFC').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim().slice(0, max);
}

// Only same-site paths under /dich-vu/ are accepted as a post-login target.
export function safeNext(tiep) {
  const t = String(tiep ?? '');
  if (!t.startsWith('/dich-vu/') || t.includes('\\') || /[\u0000-\u001F\u007F]/.test(t) || t.length > 300) return '/dich-vu';
  try {
    const u = new URL(t, 'http://portal.invalid');
    if (u.origin !== 'http://portal.invalid' || !u.pathname.startsWith('/dich-vu/')) return '/dich-vu';
    return u.pathname + u.search;
  } catch {
    return '/dich-vu';
  }
}

const MIME = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.map': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};
const mimeOf = (file) => MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';

// ---------------------------------------------------------------- the app

export async function startDemo({
  host = '127.0.0.1',
  port = 8080,
  collectorUrl = DEFAULT_COLLECTOR,
  probeDir = DEFAULT_PROBE_DIR,
  probeAttrs = {},
  tag = null,
  apiDelayMs = 300,
} = {}) {
  probeDir = path.resolve(probeDir ?? DEFAULT_PROBE_DIR);
  collectorUrl = collectorUrl ?? DEFAULT_COLLECTOR;

  // The probe tag: fixed attributes first, then probeAttrs merged in
  // (keys with or without the `data-` prefix; `true` → bare attribute,
  // false/null/undefined → attribute removed).
  // The demo asks the satisfaction question after a submission (QCVN criterion 4).
  const attrs = new Map([['data-collector', collectorUrl], ['data-service', SERVICE_CODE], ['data-survey', 'on']]);
  for (const [rawKey, value] of Object.entries(probeAttrs || {})) {
    const key = rawKey.startsWith('data-') ? rawKey : `data-${rawKey}`;
    if (!/^data-[a-z0-9][a-z0-9._-]*$/.test(key)) throw new TypeError(`probeAttrs: invalid attribute name ${JSON.stringify(rawKey)}`);
    if (value === false || value === null || value === undefined) attrs.delete(key);
    else attrs.set(key, value);
  }
  const attrText = [...attrs].map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${esc(v)}"`)).join('');
  // `tag` replaces the probe's tag (benchmarks: '' for none, or another tool's script).
  const PROBE_TAG = tag ?? `<script src="/journey-probe/journey-probe.js" async${attrText}></script>`;

  const sessions = new Map(); // sid → session
  const dossiers = new Map(); // code → dossier
  let dossierCounter = 0;

  function getSession(req) {
    const sid = parseCookies(req.headers.cookie).demo_sid;
    if (!sid) return null;
    const s = sessions.get(sid);
    if (!s) return null;
    if (Date.now() - s.seen > SESSION_TTL_MS) { sessions.delete(sid); return null; }
    s.seen = Date.now();
    return s;
  }

  function createSession() {
    const now = Date.now();
    for (const [k, s] of sessions) if (now - s.seen > SESSION_TTL_MS) sessions.delete(k);
    const sid = randomBytes(24).toString('base64url');
    const s = { sid, seen: now, citizen: { ...CITIZEN }, justLoggedIn: true, step1: null, step2: null, dossiers: new Set() };
    sessions.set(sid, s);
    return s;
  }

  // ------------------------------------------------------------ templates

  function layout({ title, body, session, probe = false, preProbe = '', crumbs = [], scripts = [], hasErrors = false }) {
    const user = session
      ? `<div class="user">
          <span class="user__name" id="ten-nguoi-dung"><span class="visually-hidden">Đã đăng nhập: </span>${esc(session.citizen.ho_ten)}</span>
          <form method="post" action="/dang-xuat" class="inline-form"><button type="submit" class="btn btn-link-light" id="btn-dang-xuat">Đăng xuất</button></form>
        </div>`
      : `<a class="btn btn-outline-light" href="/dang-nhap?tiep=${encodeURIComponent('/dich-vu/')}" id="lnk-dang-nhap">Đăng nhập</a>`;
    const crumbHtml = crumbs.length
      ? `<nav class="breadcrumb" aria-label="Đường dẫn"><ol>${crumbs.map((c, i) =>
          i === crumbs.length - 1
            ? `<li><span aria-current="page">${esc(c[0])}</span></li>`
            : `<li><a href="${esc(c[1])}">${esc(c[0])}</a></li>`).join('')}</ol></nav>`
      : '';
    return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${hasErrors ? 'Lỗi: ' : ''}${esc(title)} – ${esc(PORTAL_NAME)}</title>
<link rel="stylesheet" href="/static/portal.css">
${preProbe}${probe ? PROBE_TAG + '\n' : ''}${scripts.map((s) => `<script src="${esc(s)}" defer></script>`).join('\n')}
</head>
<body>
<a class="skip-link" href="#noi-dung">Bỏ qua, đi tới nội dung chính</a>
<header class="site-header">
  <div class="demo-ribbon">Bản trình diễn – không phải cổng dịch vụ công thật. Mọi dữ liệu là giả lập.</div>
  <div class="site-header__band">
    <div class="container site-header__inner">
      <a class="brand" href="/">
        <svg class="brand__logo" viewBox="0 0 64 64" aria-hidden="true" focusable="false"><circle cx="32" cy="32" r="30" fill="#c8102e" stroke="#f2c94c" stroke-width="3"/><path fill="#f2c94c" d="M32 12l5.9 18.1H57L41.6 41.3l5.9 18.1L32 48.2 16.5 59.4l5.9-18.1L7 30.1h19.1z"/></svg>
        <span class="brand__text">
          <span class="brand__top">Ủy ban nhân dân ${esc(PROVINCE)}</span>
          <span class="brand__name">CỔNG DỊCH VỤ CÔNG TỈNH MẪU</span>
          <span class="brand__sub">Bản trình diễn</span>
        </span>
      </a>
      ${user}
    </div>
  </div>
  <nav class="main-nav" aria-label="Điều hướng chính">
    <div class="container"><ul>
      <li><a href="/">Trang chủ</a></li>
      <li><a href="/dich-vu">Dịch vụ công</a></li>
    </ul></div>
  </nav>
</header>
<main id="noi-dung" class="container" tabindex="-1">
${crumbHtml}
${body}
</main>
<footer class="site-footer">
  <div class="container">
    <p><strong>${esc(PORTAL_NAME)}</strong> – bản trình diễn dùng để kiểm thử bộ công cụ đo trải nghiệm <em>journey-probe</em>.</p>
    <p>Đây không phải là cổng dịch vụ công thật. Tỉnh Mẫu là địa danh hư cấu; mọi hồ sơ, mã số và dữ liệu công dân đều là giả lập.</p>
  </div>
</footer>
</body>
</html>
`;
  }

  const LOGIN_PUSH = `<script>window.JourneyProbe = window.JourneyProbe || []; JourneyProbe.push(['login']);</script>\n`;
  const SUBMITTED_PUSH = `<script>window.JourneyProbe = window.JourneyProbe || []; JourneyProbe.push(['submitted']);</script>\n`;

  const serviceCrumbs = (last) => [
    ['Trang chủ', '/'], ['Danh mục dịch vụ công', '/dich-vu'], [SERVICE_NAME, SERVICE_BASE], ...(last ? [[last]] : []),
  ];

  function stepper(current) {
    const steps = ['Thông tin người yêu cầu', 'Thông tin yêu cầu cấp phiếu', 'Xác nhận và nộp hồ sơ'];
    return `<ol class="stepper" aria-label="Các bước nộp hồ sơ">${steps.map((s, i) => {
      const n = i + 1;
      const state = n < current ? 'done' : n === current ? 'current' : 'todo';
      return `<li class="stepper__item stepper__item--${state}"${n === current ? ' aria-current="step"' : ''}><span class="stepper__num" aria-hidden="true">${n < current ? '✓' : n}</span><span class="stepper__label"><span class="visually-hidden">Bước ${n}${state === 'done' ? ' (đã xong)' : ''}: </span>${esc(s)}</span></li>`;
    }).join('')}</ol>`;
  }

  function errorSummary(errors, anchors = {}) {
    const keys = Object.keys(errors);
    if (!keys.length) return '';
    return `<div class="error-summary" role="alert" id="tom-tat-loi" aria-labelledby="tom-tat-loi-tieu-de">
  <h2 id="tom-tat-loi-tieu-de">Hồ sơ chưa hợp lệ – có ${keys.length} lỗi cần sửa</h2>
  <ul>${keys.map((k) => `<li><a href="#${esc(anchors[k] || k)}">${esc(errors[k])}</a></li>`).join('')}</ul>
</div>`;
  }

  const errId = (name) => `loi-${name}`;
  const errMsg = (name, errors) => (errors[name]
    ? `<p class="error-message" id="${errId(name)}"><span class="visually-hidden">Lỗi: </span>${esc(errors[name])}</p>` : '');
  function describedBy(name, errors, hint) {
    const ids = [];
    if (hint) ids.push(`${name}-goi-y`);
    if (errors[name]) ids.push(errId(name));
    return ids.length ? ` aria-describedby="${ids.join(' ')}"` : '';
  }
  const invalid = (name, errors) => (errors[name] ? ' aria-invalid="true"' : '');
  const reqMark = ' <span class="req" aria-hidden="true">*</span>';
  const optMark = ' <span class="optional">(không bắt buộc)</span>';

  function labelHtml(name, label, { required, optional }) {
    return `<label class="label" for="${name}">${esc(label)}${required ? reqMark : ''}${optional ? optMark : ''}</label>`;
  }

  function inputField({ name, label, value = '', type = 'text', errors = {}, hint, required, optional, readonly, prefillSource, badge, attrs = '' }) {
    return `<div class="field${errors[name] ? ' field--error' : ''}${readonly ? ' field--readonly' : ''}">
  ${labelHtml(name, label, { required, optional })}${badge ? ` <span class="badge">${esc(badge)}</span>` : ''}
  ${hint ? `<p class="hint" id="${name}-goi-y">${esc(hint)}</p>` : ''}
  ${errMsg(name, errors)}
  <input class="input" type="${type}" id="${name}" name="${name}" value="${esc(value)}"${readonly ? ' readonly' : ''}${required ? ' required' : ''}${prefillSource ? ` data-prefill-source="${esc(prefillSource)}"` : ''}${invalid(name, errors)}${describedBy(name, errors, hint)}${attrs}>
</div>`;
  }

  function selectField({ name, label, value = '', options, placeholder, errors = {}, hint, required, attrs = '' }) {
    return `<div class="field${errors[name] ? ' field--error' : ''}">
  ${labelHtml(name, label, { required })}
  ${hint ? `<p class="hint" id="${name}-goi-y">${esc(hint)}</p>` : ''}
  ${errMsg(name, errors)}
  <select class="select" id="${name}" name="${name}"${required ? ' required' : ''}${invalid(name, errors)}${describedBy(name, errors, hint)}${attrs}>
    <option value="">${esc(placeholder)}</option>
    ${options.map(([v, l]) => `<option value="${esc(v)}"${v === value ? ' selected' : ''}>${esc(l)}</option>`).join('\n    ')}
  </select>
</div>`;
  }

  // ------------------------------------------------------------ pages

  function homePage(session) {
    return layout({
      title: 'Trang chủ', session,
      body: `<section class="hero">
  <h1>Cổng Dịch vụ công ${esc(PROVINCE)}</h1>
  <p class="hero__lead">Thực hiện thủ tục hành chính trực tuyến mọi lúc, mọi nơi – dữ liệu của bạn được tự động lấy từ Cơ sở dữ liệu quốc gia về dân cư.</p>
  <form class="search" role="search" action="/dich-vu" method="get">
    <label for="tu-khoa" class="visually-hidden">Tìm kiếm dịch vụ công</label>
    <input class="input" type="search" id="tu-khoa" name="q" placeholder="Nhập tên thủ tục, ví dụ: lý lịch tư pháp">
    <button class="btn btn-gold" type="submit">Tìm kiếm</button>
  </form>
</section>
<section class="tiles" aria-label="Lối tắt">
  <a class="tile" href="/dich-vu" id="lnk-danh-muc"><span class="tile__title">Danh mục dịch vụ công</span><span class="tile__desc">Tra cứu và nộp hồ sơ trực tuyến các thủ tục hành chính của tỉnh.</span></a>
  <a class="tile" href="${SERVICE_BASE}"><span class="tile__title">${esc(SERVICE_NAME)}</span><span class="tile__desc">Dịch vụ công trực tuyến toàn trình, được nhiều người sử dụng nhất.</span></a>
  <div class="tile tile--static"><span class="tile__title">Hỗ trợ</span><span class="tile__desc">Tổng đài 1900 0000 (giả lập) – từ 7 giờ 30 đến 17 giờ các ngày làm việc.</span></div>
</section>`,
    });
  }

  function catalogueQueryNorm(s) {
    return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().trim();
  }

  function cataloguePage(session, q) {
    const nq = catalogueQueryNorm(q);
    const rows = CATALOGUE.filter((s) => !nq || catalogueQueryNorm(`${s.code} ${s.name} ${s.agency}`).includes(nq));
    return layout({
      title: 'Danh mục dịch vụ công', session,
      crumbs: [['Trang chủ', '/'], ['Danh mục dịch vụ công']],
      body: `<h1>Danh mục dịch vụ công</h1>
<form class="search search--inline" role="search" action="/dich-vu" method="get">
  <label for="tu-khoa">Tìm thủ tục</label>
  <input class="input" type="search" id="tu-khoa" name="q" value="${esc(q || '')}">
  <button class="btn btn-secondary" type="submit">Tìm kiếm</button>
</form>
${rows.length ? `<table class="table table--stack" id="bang-dich-vu">
  <caption class="visually-hidden">Danh sách dịch vụ công trực tuyến</caption>
  <thead><tr><th scope="col">Mã thủ tục</th><th scope="col">Tên thủ tục</th><th scope="col">Cơ quan thực hiện</th><th scope="col">Mức độ</th><th scope="col"><span class="visually-hidden">Thao tác</span></th></tr></thead>
  <tbody>
  ${rows.map((s) => `<tr>
    <td data-label="Mã thủ tục">${esc(s.code)}</td>
    <td data-label="Tên thủ tục">${esc(s.name)}</td>
    <td data-label="Cơ quan">${esc(s.agency)}</td>
    <td data-label="Mức độ">${esc(s.level)}</td>
    <td><a class="btn btn-primary btn-small" href="/dich-vu/${esc(s.code)}" aria-label="Nộp trực tuyến: ${esc(s.name)}">Nộp trực tuyến</a></td>
  </tr>`).join('\n  ')}
  </tbody>
</table>` : `<p class="notice">Không tìm thấy thủ tục phù hợp với từ khóa “${esc(q)}”.</p>`}`,
    });
  }

  function unsupportedPage(session, svc) {
    return layout({
      title: svc.name, session,
      crumbs: [['Trang chủ', '/'], ['Danh mục dịch vụ công', '/dich-vu'], [svc.name]],
      body: `<h1>${esc(svc.name)}</h1>
<div class="notice notice--info"><p>Thủ tục <strong>${esc(svc.code)}</strong> chưa hỗ trợ trong bản trình diễn.</p>
<p>Bản trình diễn hiện chỉ triển khai thủ tục <a href="${SERVICE_BASE}">${esc(SERVICE_NAME)}</a>.</p></div>
<p><a href="/dich-vu">← Quay lại danh mục dịch vụ công</a></p>`,
    });
  }

  function serviceInfoPage(session) {
    const target = session ? `${SERVICE_BASE}/buoc-1` : `/dang-nhap?tiep=${encodeURIComponent(`${SERVICE_BASE}/buoc-1`)}`;
    return layout({
      title: SERVICE_NAME, session, probe: true, crumbs: serviceCrumbs(),
      body: `<h1>${esc(SERVICE_NAME)}</h1>
<p class="lead">Mã thủ tục: <strong>${SERVICE_CODE}</strong> · Dịch vụ công trực tuyến toàn trình</p>
<div class="grid-2">
<section class="card">
  <h2>Thông tin thủ tục</h2>
  <dl class="dl">
    <dt>Cơ quan thực hiện</dt><dd>Sở Tư pháp ${esc(PROVINCE)}</dd>
    <dt>Đối tượng</dt><dd>Công dân Việt Nam; người nước ngoài đã hoặc đang cư trú tại Việt Nam</dd>
    <dt>Thời hạn giải quyết</dt><dd>Không quá 10 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ</dd>
    <dt>Lệ phí</dt><dd>${fmtMoney(200000)}/lần/người; từ bản thứ 3 trở đi thu thêm ${fmtMoney(5000)}/bản</dd>
    <dt>Kết quả</dt><dd>Phiếu lý lịch tư pháp (bản giấy hoặc bản điện tử)</dd>
  </dl>
</section>
<section class="card">
  <h2>Thành phần hồ sơ</h2>
  <ul class="list">
    <li>Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (kê khai trực tuyến ở bước 1 và 2).</li>
    <li>Bản chụp thẻ Căn cước/Căn cước công dân – <em>không cần nộp</em> khi đăng nhập bằng VNeID, thông tin được lấy từ CSDL quốc gia về dân cư.</li>
    <li>Văn bản ủy quyền (nếu ủy quyền cho người khác làm thủ tục).</li>
  </ul>
</section>
</div>
<p class="actions"><a class="btn btn-primary btn-large" id="btn-nop-ho-so" href="${esc(target)}">Nộp hồ sơ trực tuyến</a></p>`,
    });
  }

  function loginPage(session, tiep) {
    return layout({
      title: 'Đăng nhập', session, probe: true,
      crumbs: [['Trang chủ', '/'], ['Đăng nhập']],
      body: `<section class="card card--narrow login">
  <h1>Đăng nhập</h1>
  <p>Sử dụng tài khoản định danh điện tử VNeID (mức độ 2) để đăng nhập và nộp hồ sơ trực tuyến. Thông tin cá nhân của bạn sẽ được tự động lấy từ Cơ sở dữ liệu quốc gia về dân cư.</p>
  ${session ? `<p class="notice notice--info">Bạn đang đăng nhập với tên <strong>${esc(session.citizen.ho_ten)}</strong>. Đăng nhập lại sẽ bắt đầu phiên mới.</p>` : ''}
  <form method="post" action="/dang-nhap" id="form-dang-nhap">
    <input type="hidden" name="tiep" value="${esc(tiep)}">
    <button type="submit" class="btn btn-vneid btn-large" id="btn-vneid">
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" class="btn__icon"><path fill="currentColor" d="M12 1l9 4v6c0 5.5-3.8 10.7-9 12-5.2-1.3-9-6.5-9-12V5l9-4zm-1 14.2l6.4-6.4-1.4-1.4-5 5-2.4-2.4-1.4 1.4 3.8 3.8z"/></svg>
      Đăng nhập bằng VNeID
    </button>
  </form>
  <p class="small">Bản trình diễn: không cần mật khẩu, hệ thống đăng nhập bằng một công dân giả lập.</p>
</section>`,
    });
  }

  function step1Page(session, { values, errors = {}, withLoginPush = false }) {
    const c = session.citizen;
    const v = values || {};
    const anchors = {};
    return layout({
      title: 'Bước 1: Thông tin người yêu cầu', session, probe: true,
      preProbe: withLoginPush ? LOGIN_PUSH : '', scripts: ['/static/prefill.js'],
      hasErrors: Object.keys(errors).length > 0, crumbs: serviceCrumbs('Nộp hồ sơ'),
      body: `<h1>${esc(SERVICE_NAME)}</h1>
${stepper(1)}
${errorSummary(errors, anchors)}
<form method="post" action="${SERVICE_BASE}/buoc-1" id="form-buoc-1" class="form card" novalidate>
  <h2>Thông tin người yêu cầu cấp phiếu</h2>
  <p class="small">Các trường có dấu <span class="req">*</span> là bắt buộc.</p>
  <fieldset class="fieldset">
    <legend>Thông tin từ tài khoản định danh điện tử</legend>
    <div class="grid-2">
    ${inputField({ name: 'ho_ten', label: 'Họ, chữ đệm và tên', value: c.ho_ten, readonly: true, prefillSource: 'CSDLQG-DC', badge: 'CSDLQG về dân cư', attrs: ' autocomplete="name"' })}
    ${inputField({ name: 'ngay_sinh', label: 'Ngày sinh', type: 'date', value: c.ngay_sinh, readonly: true, prefillSource: 'CSDLQG-DC', badge: 'CSDLQG về dân cư' })}
    ${inputField({ name: 'so_dinh_danh', label: 'Số định danh cá nhân', value: c.so_dinh_danh, readonly: true, prefillSource: 'CSDLQG-DC', badge: 'CSDLQG về dân cư', attrs: ' inputmode="numeric"' })}
    ${selectField({ name: 'gioi_tinh', label: 'Giới tính', value: v.gioi_tinh ?? c.gioi_tinh, options: GENDERS, placeholder: 'Chọn giới tính', errors, required: true })}
    </div>
  </fieldset>
  <fieldset class="fieldset" aria-describedby="trang-thai-csdl">
    <legend>Thông tin cư trú</legend>
    <p class="status" id="trang-thai-csdl" role="status" aria-live="polite" data-state="idle"></p>
    <div class="grid-2">
    ${inputField({ name: 'noi_thuong_tru', label: 'Nơi thường trú', value: v.noi_thuong_tru, errors })}
    ${inputField({ name: 'que_quan', label: 'Quê quán', value: v.que_quan, errors })}
    ${selectField({ name: 'dan_toc', label: 'Dân tộc', value: v.dan_toc, options: ETHNIC_GROUPS, placeholder: 'Chọn dân tộc', errors })}
    ${inputField({ name: 'quoc_tich', label: 'Quốc tịch', value: v.quoc_tich, errors })}
    </div>
  </fieldset>
  <fieldset class="fieldset">
    <legend>Thông tin liên hệ</legend>
    ${inputField({ name: 'noi_o_hien_tai', label: 'Nơi ở hiện tại', value: v.noi_o_hien_tai, errors, required: true, hint: 'Ghi rõ số nhà, đường phố, xã/phường, tỉnh/thành phố.', attrs: ' autocomplete="street-address"' })}
    <div class="grid-2">
    ${inputField({ name: 'so_dien_thoai', label: 'Số điện thoại', type: 'tel', value: v.so_dien_thoai, errors, required: true, hint: 'Gồm 10 chữ số, bắt đầu bằng số 0.', attrs: ' autocomplete="tel" inputmode="tel"' })}
    ${inputField({ name: 'email', label: 'Thư điện tử (email)', type: 'email', value: v.email, errors, attrs: ' autocomplete="email"' })}
    </div>
    ${inputField({ name: 'nghe_nghiep', label: 'Nghề nghiệp', value: v.nghe_nghiep, errors, optional: true })}
  </fieldset>
  <div class="actions">
    <a class="btn btn-secondary" href="${SERVICE_BASE}">Hủy</a>
    <button type="submit" class="btn btn-primary" id="btn-tiep-tuc">Tiếp tục</button>
  </div>
</form>`,
    });
  }

  function step2Page(session, { values, errors = {} }) {
    const v = values || {};
    const anchors = { loai_phieu: 'loai_phieu_1' };
    const radioDesc = [errors.loai_phieu ? errId('loai_phieu') : ''].filter(Boolean);
    return layout({
      title: 'Bước 2: Thông tin yêu cầu cấp phiếu', session, probe: true,
      hasErrors: Object.keys(errors).length > 0, crumbs: serviceCrumbs('Nộp hồ sơ'),
      body: `<h1>${esc(SERVICE_NAME)}</h1>
${stepper(2)}
${errorSummary(errors, anchors)}
<form method="post" action="${SERVICE_BASE}/buoc-2" id="form-buoc-2" class="form card" novalidate>
  <h2>Thông tin yêu cầu cấp phiếu</h2>
  <p class="small">Các trường có dấu <span class="req">*</span> là bắt buộc.</p>
  <fieldset class="fieldset field${errors.loai_phieu ? ' field--error' : ''}" id="nhom-loai_phieu"${radioDesc.length ? ` aria-describedby="${radioDesc.join(' ')}"` : ''}>
    <legend>Loại phiếu yêu cầu cấp${reqMark}</legend>
    ${errMsg('loai_phieu', errors)}
    <div class="radios">
    ${CERT_TYPES.map(([val, label, desc]) => `<div class="radio">
      <input type="radio" id="loai_phieu_${val}" name="loai_phieu" value="${val}"${v.loai_phieu === val ? ' checked' : ''} required${invalid('loai_phieu', errors)} aria-describedby="loai_phieu_${val}-mo-ta${errors.loai_phieu ? ' ' + errId('loai_phieu') : ''}">
      <label for="loai_phieu_${val}">${esc(label)}</label>
      <p class="hint" id="loai_phieu_${val}-mo-ta">${esc(desc)}</p>
    </div>`).join('\n    ')}
    </div>
  </fieldset>
  <div class="field${errors.muc_dich ? ' field--error' : ''}">
    ${labelHtml('muc_dich', 'Mục đích sử dụng phiếu', { required: true })}
    <p class="hint" id="muc_dich-goi-y">Ví dụ: bổ sung hồ sơ xin việc, làm thủ tục xuất khẩu lao động (tối thiểu 10 ký tự).</p>
    ${errMsg('muc_dich', errors)}
    <textarea class="textarea" id="muc_dich" name="muc_dich" rows="3" required${invalid('muc_dich', errors)}${describedBy('muc_dich', errors, true)}>${esc(v.muc_dich)}</textarea>
  </div>
  <div class="grid-2">
    ${inputField({ name: 'so_luong', label: 'Số lượng bản', type: 'number', value: v.so_luong, errors, required: true, hint: 'Từ 1 đến 10 bản. Từ bản thứ 3 thu thêm 5.000 đồng/bản.', attrs: ' min="1" max="10" step="1" inputmode="numeric"' })}
    ${selectField({ name: 'noi_nhan', label: 'Hình thức nhận kết quả', value: v.noi_nhan, options: DELIVERY, placeholder: 'Chọn hình thức nhận kết quả', errors, required: true })}
  </div>
  <div class="actions">
    <a class="btn btn-secondary" href="${SERVICE_BASE}/buoc-1" id="lnk-quay-lai">Quay lại</a>
    <button type="submit" class="btn btn-primary" id="btn-tiep-tuc">Tiếp tục</button>
  </div>
</form>`,
    });
  }

  function summaryRows(rows) {
    return `<dl class="dl dl--summary">${rows.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${esc(val || '—')}</dd>`).join('')}</dl>`;
  }

  function step3Page(session, { errors = {} }) {
    const a = session.step1;
    const b = session.step2;
    const count = Number(b.so_luong);
    return layout({
      title: 'Bước 3: Xác nhận và nộp hồ sơ', session, probe: true,
      hasErrors: Object.keys(errors).length > 0, crumbs: serviceCrumbs('Nộp hồ sơ'),
      body: `<h1>${esc(SERVICE_NAME)}</h1>
${stepper(3)}
${errorSummary(errors)}
<section class="card">
  <div class="card__head"><h2>Thông tin người yêu cầu</h2><a href="${SERVICE_BASE}/buoc-1">Sửa<span class="visually-hidden"> thông tin người yêu cầu</span></a></div>
  ${summaryRows([
    ['Họ, chữ đệm và tên', a.ho_ten], ['Ngày sinh', isoToVn(a.ngay_sinh)], ['Số định danh cá nhân', a.so_dinh_danh],
    ['Giới tính', labelOf(GENDERS, a.gioi_tinh)], ['Nơi thường trú', a.noi_thuong_tru], ['Quê quán', a.que_quan],
    ['Dân tộc', labelOf(ETHNIC_GROUPS, a.dan_toc)], ['Quốc tịch', a.quoc_tich], ['Nơi ở hiện tại', a.noi_o_hien_tai],
    ['Số điện thoại', a.so_dien_thoai], ['Thư điện tử', a.email], ['Nghề nghiệp', a.nghe_nghiep],
  ])}
</section>
<section class="card">
  <div class="card__head"><h2>Thông tin yêu cầu cấp phiếu</h2><a href="${SERVICE_BASE}/buoc-2">Sửa<span class="visually-hidden"> thông tin yêu cầu cấp phiếu</span></a></div>
  ${summaryRows([
    ['Loại phiếu', labelOf(CERT_TYPES, b.loai_phieu)], ['Mục đích sử dụng', b.muc_dich], ['Số lượng bản', String(count)],
    ['Hình thức nhận kết quả', labelOf(DELIVERY, b.noi_nhan)], ['Lệ phí dự kiến', fmtMoney(fee(count))],
  ])}
</section>
<form method="post" action="${SERVICE_BASE}/buoc-3" id="form-buoc-3" class="form card" novalidate>
  <div class="field${errors.cam_ket ? ' field--error' : ''}">
    ${errMsg('cam_ket', errors)}
    <div class="checkbox">
      <input type="checkbox" id="cam_ket" name="cam_ket" value="1" required${invalid('cam_ket', errors)}${describedBy('cam_ket', errors)}>
      <label for="cam_ket">Tôi xin cam đoan những thông tin khai trên là đúng sự thật</label>
    </div>
  </div>
  <div class="actions">
    <a class="btn btn-secondary" href="${SERVICE_BASE}/buoc-2">Quay lại</a>
    <button type="submit" class="btn btn-primary" id="btn-nop">Nộp hồ sơ</button>
  </div>
</form>`,
    });
  }

  function receiptPage(session, d) {
    const own = session && session.dossiers.has(d.code);
    return layout({
      title: 'Nộp hồ sơ thành công', session, probe: true, preProbe: SUBMITTED_PUSH, crumbs: serviceCrumbs('Biên nhận'),
      body: `<section class="card success">
  <h1>Nộp hồ sơ thành công</h1>
  <p>Hồ sơ <strong>${esc(SERVICE_NAME)}</strong> đã được Sở Tư pháp ${esc(PROVINCE)} tiếp nhận.</p>
  <dl class="dl dl--summary">
    <dt>Mã hồ sơ</dt><dd><strong class="code" id="ma-ho-so">${esc(d.code)}</strong></dd>
    ${own ? `<dt>Người nộp</dt><dd>${esc(d.ho_ten)}</dd>` : ''}
    <dt>Ngày tiếp nhận</dt><dd id="ngay-tiep-nhan">${esc(d.receivedText)}</dd>
    <dt>Ngày hẹn trả kết quả</dt><dd id="ngay-hen-tra">${esc(d.dueText)}</dd>
    <dt>Lệ phí</dt><dd>${esc(fmtMoney(d.fee))}</dd>
  </dl>
  <h2>Hướng dẫn tiếp theo</h2>
  <ul class="list">
    <li>Ghi lại mã hồ sơ để tra cứu tình trạng giải quyết.</li>
    <li>Thanh toán lệ phí trực tuyến khi nhận được thông báo qua tin nhắn hoặc thư điện tử.</li>
    <li>${d.noi_nhan === 'buu-dien' ? 'Kết quả sẽ được gửi qua dịch vụ bưu chính tới nơi ở hiện tại đã khai.' : 'Khi nhận kết quả trực tiếp, vui lòng mang theo thẻ Căn cước/Căn cước công dân.'}</li>
  </ul>
  <p class="actions"><a class="btn btn-primary" href="/" id="lnk-trang-chu">Về trang chủ</a></p>
</section>`,
    });
  }

  function notFoundPage(session) {
    return layout({
      title: 'Không tìm thấy trang', session,
      body: `<section class="card card--narrow">
  <h1>Không tìm thấy trang</h1>
  <p>Trang bạn yêu cầu không tồn tại hoặc đã được di chuyển.</p>
  <p>Vui lòng kiểm tra lại địa chỉ, hoặc quay về <a href="/">trang chủ</a> / <a href="/dich-vu">danh mục dịch vụ công</a>.</p>
</section>`,
    });
  }

  function errorPage(session, status) {
    const titles = {
      405: 'Phương thức không được hỗ trợ',
      413: 'Dữ liệu gửi lên quá lớn',
      500: 'Đã có lỗi xảy ra',
    };
    const msgs = {
      405: 'Yêu cầu không được hỗ trợ cho địa chỉ này.',
      413: 'Dữ liệu gửi lên vượt quá giới hạn cho phép (64 KiB).',
      500: 'Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.',
    };
    return layout({
      title: titles[status] || 'Lỗi', session,
      body: `<section class="card card--narrow"><h1>${esc(titles[status] || 'Lỗi')}</h1><p>${esc(msgs[status] || '')}</p><p><a href="/">Về trang chủ</a></p></section>`,
    });
  }

  // ------------------------------------------------------------ validation

  function validateStep1(form, citizen) {
    const errors = {};
    const g = (k, max) => clean(form.get(k), max);
    const values = {
      ho_ten: citizen.ho_ten, ngay_sinh: citizen.ngay_sinh, so_dinh_danh: citizen.so_dinh_danh, // never trust the posted copy
      gioi_tinh: g('gioi_tinh', 10),
      noi_thuong_tru: g('noi_thuong_tru', 300), que_quan: g('que_quan', 300),
      dan_toc: g('dan_toc', 20), quoc_tich: g('quoc_tich', 100),
      noi_o_hien_tai: g('noi_o_hien_tai', 300), so_dien_thoai: g('so_dien_thoai', 30),
      email: g('email', 254), nghe_nghiep: g('nghe_nghiep', 200),
    };
    if (!GENDERS.some(([k]) => k === values.gioi_tinh)) errors.gioi_tinh = 'Chọn giới tính';
    if (values.dan_toc && !ETHNIC_GROUPS.some(([k]) => k === values.dan_toc)) errors.dan_toc = 'Dân tộc không hợp lệ, vui lòng chọn lại';
    if (!values.noi_o_hien_tai) errors.noi_o_hien_tai = 'Nhập nơi ở hiện tại';
    const phone = values.so_dien_thoai.replace(/[\s.-]/g, '');
    if (!values.so_dien_thoai) errors.so_dien_thoai = 'Nhập số điện thoại';
    else if (!/^0\d{9}$/.test(phone)) errors.so_dien_thoai = 'Số điện thoại phải gồm 10 chữ số và bắt đầu bằng số 0';
    else values.so_dien_thoai = phone;
    if (values.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) errors.email = 'Thư điện tử không đúng định dạng, ví dụ: ten@example.com';
    return { values, errors };
  }

  function validateStep2(form) {
    const errors = {};
    const values = {
      loai_phieu: clean(form.get('loai_phieu'), 5),
      muc_dich: clean(form.get('muc_dich'), 1000),
      so_luong: clean(form.get('so_luong'), 10),
      noi_nhan: clean(form.get('noi_nhan'), 20),
    };
    if (!CERT_TYPES.some(([k]) => k === values.loai_phieu)) errors.loai_phieu = 'Chọn loại phiếu lý lịch tư pháp cần cấp';
    if (!values.muc_dich) errors.muc_dich = 'Nhập mục đích sử dụng phiếu';
    else if ([...values.muc_dich].length < 10) errors.muc_dich = 'Mục đích sử dụng phiếu phải có ít nhất 10 ký tự';
    if (!values.so_luong) errors.so_luong = 'Nhập số lượng bản';
    else if (!/^\d+$/.test(values.so_luong)) errors.so_luong = 'Số lượng bản phải là số nguyên';
    else if (+values.so_luong < 1 || +values.so_luong > 10) errors.so_luong = 'Số lượng bản phải từ 1 đến 10';
    else values.so_luong = String(+values.so_luong);
    if (!DELIVERY.some(([k]) => k === values.noi_nhan)) errors.noi_nhan = 'Chọn hình thức nhận kết quả';
    return { values, errors };
  }

  // ------------------------------------------------------------ responses

  const BASE_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' };

  function send(res, status, body, type, extra = {}) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
    res.end(body);
  }
  const html = (res, status, body, extra = {}) => send(res, status, body, 'text/html; charset=utf-8', { 'Cache-Control': 'no-store', ...extra });
  const json = (res, status, obj) => send(res, status, JSON.stringify(obj), 'application/json; charset=utf-8', { 'Cache-Control': 'no-store' });
  function redirect(res, location, extra = {}) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(303, { ...BASE_HEADERS, Location: location, 'Content-Length': 0, 'Cache-Control': 'no-store', ...extra });
    res.end();
  }
  const loginRedirect = (res, next) => redirect(res, `/dang-nhap?tiep=${encodeURIComponent(next)}`);

  async function sendFile(res, root, rel, cache) {
    const full = path.resolve(root, rel);
    const relCheck = path.relative(root, full);
    if (!relCheck || relCheck.startsWith('..') || path.isAbsolute(relCheck)) return false;
    let real, realRoot, st;
    try {
      [real, realRoot] = await Promise.all([realpath(full), realpath(root)]);
      const r = path.relative(realRoot, real);
      if (!r || r.startsWith('..') || path.isAbsolute(r)) return false;
      st = await stat(real);
    } catch {
      return false;
    }
    if (!st.isFile()) return false;
    const data = await readFile(real);
    if (res.headersSent || res.destroyed) return true;
    res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': mimeOf(rel), 'Content-Length': data.length, 'Cache-Control': cache });
    res.end(data);
    return true;
  }

  const staticFiles = new Set((await readdir(STATIC_DIR).catch(() => [])).filter((f) => /^[a-z0-9][a-z0-9._-]*$/i.test(f)));

  // ------------------------------------------------------------ router

  async function handle(req, res) {
    const url = new URL(req.url || '/', 'http://portal.invalid');
    let p = url.pathname;
    if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const session = getSession(req);
    const notFound = () => html(res, 404, notFoundPage(session));
    const only = (...allowed) => {
      if (allowed.includes(method)) return true;
      html(res, 405, errorPage(session, 405), { Allow: allowed.includes('GET') ? [...allowed, 'HEAD'].join(', ') : allowed.join(', ') });
      return false;
    };
    const form = async () => new URLSearchParams(await readBody(req));

    // probe files
    if (p.startsWith('/journey-probe/')) {
      if (!only('GET')) return;
      const rel = p.slice('/journey-probe/'.length);
      const name = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
      const parts = rel.split('/');
      const ok = (parts.length === 1 && name.test(parts[0])) || (parts.length === 2 && parts[0] === 'snippets' && name.test(parts[1]));
      // Content-hashed files never change: cached for good, as the README asks portals to do
      // (the browser then also keeps the compiled wasm). The loader's name is stable: revalidated.
      const hashed = /\.[0-9a-f]{10}\.(js|wasm)$/.test(rel);
      const cache = hashed ? 'public, max-age=31536000, immutable' : 'no-cache';
      if (ok && !parts.some((x) => x.includes('..')) && (await sendFile(res, probeDir, rel, cache))) return;
      return notFound();
    }

    if (p.startsWith('/static/')) {
      if (!only('GET')) return;
      const f = p.slice('/static/'.length);
      if (staticFiles.has(f) && (await sendFile(res, STATIC_DIR, f, 'no-cache'))) return;
      return notFound();
    }

    if (p === '/') {
      if (!only('GET')) return;
      return html(res, 200, homePage(session));
    }

    if (p === '/dich-vu') {
      if (!only('GET')) return;
      return html(res, 200, cataloguePage(session, clean(url.searchParams.get('q'), 100)));
    }

    if (p === '/dang-nhap') {
      if (!only('GET', 'POST')) return;
      if (method === 'GET') return html(res, 200, loginPage(session, safeNext(url.searchParams.get('tiep'))));
      const f = await form();
      if (session) sessions.delete(session.sid);
      const s = createSession();
      return redirect(res, safeNext(f.get('tiep')), { 'Set-Cookie': `demo_sid=${s.sid}; Path=/; HttpOnly; SameSite=Lax` });
    }

    if (p === '/dang-xuat') {
      if (!only('POST')) return;
      await readBody(req);
      if (session) sessions.delete(session.sid);
      return redirect(res, '/', { 'Set-Cookie': 'demo_sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0' });
    }

    if (p === '/api/csdl-dan-cu/cong-dan') {
      if (!only('GET')) return;
      if (!session) return json(res, 401, { loi: 'chua_dang_nhap', thong_bao: 'Chưa đăng nhập hoặc phiên làm việc đã hết hạn.' });
      const c = session.citizen;
      await new Promise((r) => setTimeout(r, apiDelayMs));
      return json(res, 200, { noi_thuong_tru: c.noi_thuong_tru, que_quan: c.que_quan, dan_toc: c.dan_toc, quoc_tich: c.quoc_tich });
    }

    if (p === SERVICE_BASE) {
      if (!only('GET')) return;
      return html(res, 200, serviceInfoPage(session));
    }

    if (p === `${SERVICE_BASE}/buoc-1`) {
      if (!only('GET', 'POST')) return;
      if (!session) return loginRedirect(res, p);
      if (method === 'GET') {
        const withLoginPush = session.justLoggedIn;
        session.justLoggedIn = false;
        return html(res, 200, step1Page(session, { values: session.step1, withLoginPush }));
      }
      const { values, errors } = validateStep1(await form(), session.citizen);
      if (Object.keys(errors).length) return html(res, 422, step1Page(session, { values, errors }));
      session.step1 = values;
      return redirect(res, `${SERVICE_BASE}/buoc-2`);
    }

    if (p === `${SERVICE_BASE}/buoc-2`) {
      if (!only('GET', 'POST')) return;
      if (!session) return loginRedirect(res, p);
      if (!session.step1) return redirect(res, `${SERVICE_BASE}/buoc-1`);
      if (method === 'GET') return html(res, 200, step2Page(session, { values: session.step2 }));
      const { values, errors } = validateStep2(await form());
      if (Object.keys(errors).length) return html(res, 422, step2Page(session, { values, errors }));
      session.step2 = values;
      return redirect(res, `${SERVICE_BASE}/buoc-3`);
    }

    if (p === `${SERVICE_BASE}/buoc-3`) {
      if (!only('GET', 'POST')) return;
      if (!session) return loginRedirect(res, p);
      if (!session.step1) return redirect(res, `${SERVICE_BASE}/buoc-1`);
      if (!session.step2) return redirect(res, `${SERVICE_BASE}/buoc-2`);
      if (method === 'GET') return html(res, 200, step3Page(session, {}));
      const f = await form();
      if (!f.get('cam_ket')) {
        return html(res, 422, step3Page(session, { errors: { cam_ket: 'Bạn cần đánh dấu vào ô cam đoan trước khi nộp hồ sơ' } }));
      }
      const now = new Date();
      const vp = vnParts(now);
      dossierCounter += 1;
      const code = `H99.12-${vp.year.slice(2)}${vp.month}${vp.day}-${String(dossierCounter).padStart(4, '0')}`;
      const count = Number(session.step2.so_luong);
      dossiers.set(code, {
        code, ho_ten: session.step1.ho_ten, noi_nhan: session.step2.noi_nhan, fee: fee(count),
        receivedText: `${vp.hour}:${vp.minute} ngày ${fmtDate(vp.year, vp.month, vp.day)}`,
        dueText: addWorkingDays(now, 10),
      });
      session.dossiers.add(code);
      session.step1 = null;
      session.step2 = null;
      return redirect(res, `${SERVICE_BASE}/bien-nhan/${code}`);
    }

    const receipt = p.match(/^\/dich-vu\/1\.001234\/bien-nhan\/([A-Za-z0-9.-]{1,40})$/);
    if (receipt) {
      if (!only('GET')) return;
      const d = dossiers.get(receipt[1]);
      return d ? html(res, 200, receiptPage(session, d)) : notFound();
    }

    const other = p.match(/^\/dich-vu\/([0-9.]{1,20})$/);
    if (other) {
      const svc = CATALOGUE.find((s) => s.code === other[1]);
      if (svc) {
        if (!only('GET')) return;
        return html(res, 200, unsupportedPage(session, svc));
      }
    }

    return notFound();
  }

  const server = http.createServer(async (req, res) => {
    try {
      await handle(req, res);
    } catch (err) {
      const status = err && err.status === 413 ? 413 : 500;
      if (status === 500) console.error('[demo] lỗi xử lý yêu cầu', req.method, req.url, err);
      try {
        html(res, status, errorPage(null, status), status === 413 ? { Connection: 'close' } : {});
      } catch {
        res.destroy();
      }
    }
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise((resolve, reject) => {
    const onError = (e) => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => { server.off('error', onError); resolve(); });
  });
  const addr = server.address();
  const h = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  const url = `http://${h}:${addr.port}`;

  let closing = null;
  function close() {
    if (!closing) {
      closing = new Promise((resolve, reject) => {
        server.close((e) => (e && e.code !== 'ERR_SERVER_NOT_RUNNING' ? reject(e) : resolve()));
        server.closeAllConnections?.();
      });
    }
    return closing;
  }
  return { url, server, close };
}

// ---------------------------------------------------------------- CLI

const USAGE = `Cách dùng / usage: node demo/server.mjs [--port N] [--host H] [--collector URL] [--probe-dir DIR]
  --port N         TCP port, integer 0–65535 (0 = any free port; default 8080)
  --host H         interface to bind (default 127.0.0.1)
  --collector URL  absolute http(s) URL for data-collector (default ${DEFAULT_COLLECTOR})
  --probe-dir DIR  directory served at /journey-probe/ (default <repo>/dist)`;

export function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let val;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) { val = arg.slice(eq + 1); arg = arg.slice(0, eq); }
    if (arg === '--help' || arg === '-h') return { help: true };
    const known = ['--port', '--host', '--collector', '--probe-dir'];
    if (!known.includes(arg)) throw new Error(`unknown argument ${JSON.stringify(argv[i])}; accepted flags: ${known.join(', ')}, --help`);
    if (val === undefined) {
      val = argv[++i];
      if (val === undefined || val.startsWith('--')) throw new Error(`${arg} needs a value`);
    }
    if (arg === '--port') {
      if (!/^\d{1,5}$/.test(val) || +val > 65535) throw new Error(`--port accepts an integer from 0 to 65535, got ${JSON.stringify(val)}`);
      opts.port = +val;
    } else if (arg === '--host') {
      if (!val || /[\s/]/.test(val)) throw new Error(`--host accepts a host name or IP address, got ${JSON.stringify(val)}`);
      opts.host = val;
    } else if (arg === '--collector') {
      let u;
      try { u = new URL(val); } catch { u = null; }
      if (!u || !/^https?:$/.test(u.protocol)) throw new Error(`--collector accepts an absolute http:// or https:// URL, got ${JSON.stringify(val)}`);
      opts.collectorUrl = val;
    } else if (arg === '--probe-dir') {
      if (!val) throw new Error('--probe-dir accepts a directory path, got an empty value');
      opts.probeDir = path.resolve(val);
    }
  }
  return opts;
}

const isMain = (() => {
  try { return process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url); } catch { return false; }
})();

if (isMain) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`demo/server.mjs: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (opts.help) {
    console.log(USAGE);
    process.exit(0);
  }
  try {
    const demo = await startDemo(opts);
    console.log(`demo portal on ${demo.url}`);
    const stop = () => { demo.close().finally(() => process.exit(0)); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (e) {
    console.error(`demo/server.mjs: cannot start: ${e.message}`);
    process.exit(1);
  }
}

// What no request to a collector may carry, checked on the raw requests (URL, every header,
// body bytes) that every end-to-end file records between the browser and the collector.
import assert from 'node:assert/strict';

/** Values the e2e citizens type and the demo portal pre-fills, in every test file. */
export const SECRETS = [
  // typed
  'Số 7 ngõ 15 phố Hàng Bông', '0912345678', 'minh.khai.test@example.vn', 'Bổ sung hồ sơ xin việc',
  'Lê Văn Một Trang', '0987654321',
  // pre-filled by the demo's population-database mock and the test pages
  'Nguyễn Thị Minh Khai', '001190012345', '1990-05-14', 'Trần Văn Bình',
];

/**
 * Asserts that every POST in `requests` is anonymous: sent to `path` with nothing after it, no
 * cookie, no Referer, none of `secrets`, no `@`, and no run of 9+ digits (citizen IDs, old ID
 * cards, phone numbers, tax and dossier codes) in any key or value — the probe's random ids
 * included, which are made so that they cannot hold one (`src/core/ids.rs`). JSON
 * bodies are walked, OTLP record bodies (JSON text inside JSON) too. Returns how many POSTs
 * were checked.
 * @param {Array<{method: string, url: string, headers: object, rawHeaders?: string[], body: string}>} requests
 */
export function assertAnonymous(requests, { path = '/v1/beacons', secrets = [], contentType = /^text\/plain/ } = {}) {
  const posts = requests.filter((r) => r.method === 'POST');
  for (const request of posts) {
    const raw = [request.url, (request.rawHeaders || Object.entries(request.headers).flat()).join('\n'), request.body].join('\n');
    for (const secret of [...SECRETS, ...secrets]) {
      for (const form of [secret, encodeURIComponent(secret)]) {
        assert.ok(!raw.includes(form), `a request carried ${JSON.stringify(secret)}:\n${raw}`);
      }
    }
    assert.equal(request.url, path, 'the collector URL carries nothing else');
    assert.equal(request.headers.cookie, undefined, 'no cookie');
    assert.equal(request.headers.referer, undefined, 'no Referer: the page URL stays in the browser');
    assert.match(request.headers['content-type'] || '', contentType);
    assert.ok(!request.body.includes('@'), `an @ in a request body:\n${request.body}`);
    walk(JSON.parse(request.body), null, (key, value) => {
      assert.ok(!/\d{9,}/.test(key), `a digit run in the key ${key}`);
      if (typeof value === 'string') {
        assert.ok(!/\d{9,}/.test(value), `a digit run in ${key}: ${value}`);
      }
    });
  }
  return posts.length;
}

/** Calls `visit(key, value)` for every property and array item below `value`. */
function walk(value, key, visit) {
  if (typeof value === 'string' && value.startsWith('{')) {
    try {
      return walk(JSON.parse(value), key, visit); // an OTLP record's body: a beacon as text
    } catch {
      // plain text that happens to start with a brace
    }
  }
  visit(key ?? '', value);
  if (Array.isArray(value)) value.forEach((item) => walk(item, key, visit));
  else if (value && typeof value === 'object') {
    // An OTLP attribute: {"key": "journey_probe.x", "value": {...}} — name the value by its key.
    if (typeof value.key === 'string' && value.value && typeof value.value === 'object') {
      for (const inner of Object.values(value.value)) walk(inner, value.key, visit);
      return undefined;
    }
    for (const [k, v] of Object.entries(value)) walk(v, k, visit);
  }
  return undefined;
}

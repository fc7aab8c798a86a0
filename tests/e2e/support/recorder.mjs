// A recording hop between the browser and the real collector: every request the browser
// sends is kept raw (method, URL, every header, body bytes) and forwarded unchanged, and the
// collector's answer is passed back unchanged. Tests assert on exactly what left the browser.
import http from 'node:http';

/**
 * @param {string} target base URL of the collector, e.g. http://127.0.0.1:8787
 * @returns {Promise<{ url: string, requests: Array<{method: string, url: string, headers: Record<string,string>, rawHeaders: string[], body: string}>, close: () => Promise<void> }>}
 */
export function startRecorder(target) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, body: body.toString('utf8') });
      const upstream = http.request(
        new URL(req.url, target),
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (answer) => {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        requests,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

// A recording hop between the browser and the real collector: every request the browser
// sends is kept raw (method, URL, every header, body bytes) and forwarded unchanged, and the
// collector's answer is passed back unchanged. Tests assert on exactly what left the browser.
//
// A test can also make the hop stand for a server that is misconfigured or stuck: set
// `respond` to a status (e.g. 404, a proxy route missing) to answer it instead of the
// collector — with the CORS header a real answer would carry, so the page can read it — or to
// 'hang' to accept requests and never answer them; back to null to forward again (requests
// left hanging stay so until close).
import http from 'node:http';

/**
 * @param {string} target base URL of the collector, e.g. http://127.0.0.1:8787
 * @returns {Promise<{ url: string, requests: Array<{method: string, url: string, headers: Record<string,string>, rawHeaders: string[], body: string, status?: number}>, respond: number | 'hang' | null, close: () => Promise<void> }>}
 */
export function startRecorder(target) {
  const requests = [];
  const hop = { respond: null };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const request = { method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, body: body.toString('utf8') };
      requests.push(request);
      const answer = (status, headers = {}) => {
        request.status = status;
        res.writeHead(status, headers);
      };
      if (hop.respond === 'hang') return; // accepted, never answered
      if (typeof hop.respond === 'number') {
        const origin = req.headers.origin ? { 'Access-Control-Allow-Origin': req.headers.origin, Vary: 'Origin' } : {};
        answer(hop.respond, { 'Content-Type': 'text/plain', ...origin });
        res.end(`answered ${hop.respond} by the test's hop`);
        return;
      }
      const upstream = http.request(
        new URL(req.url, target),
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (response) => {
          answer(response.statusCode, response.headers);
          response.pipe(res);
        },
      );
      upstream.on('error', () => {
        answer(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(Object.assign(hop, {
        url: `http://127.0.0.1:${server.address().port}`,
        requests,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      }));
    });
  });
}

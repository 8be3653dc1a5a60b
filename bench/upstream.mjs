// The fixed upstream of every proxy case: a plain node:http server answering any request with the same
// ~200-byte JSON body (content-length, keep-alive). Usage: node bench/upstream.mjs [port]
import http from 'node:http';

const body = Buffer.from(
  JSON.stringify({
    items: [
      { id: 1, name: 'Widget', price: 9.99, inStock: true },
      { id: 2, name: 'Gadget', price: 24.5, inStock: false },
      { id: 3, name: 'Doohickey', price: 3.25, inStock: true },
    ],
    total: 3,
    page: 1,
  }),
);
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

const server = http.createServer((req, res) => {
  // Drain any request body before answering, so keep-alive sockets stay reusable.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
});
// Longer than the proxies' idle pools, so the upstream never closes a socket a proxy is about to reuse.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`upstream listening on http://127.0.0.1:${server.address().port} (${body.length}-byte body)\n`);
});
const stop = () => server.close(() => process.exit(0)).closeAllConnections();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

#!/usr/bin/env node
// The example's inventory service: a tiny upstream that Portico proxies /inventory to.
// Usage: node upstream.mjs [port]   (default 4011, loopback only)
import { createServer } from 'node:http';

const stock = new Map([
  ['DOG-001', { sku: 'DOG-001', quantity: 12, warehouse: 'north' }],
  ['CAT-002', { sku: 'CAT-002', quantity: 0, warehouse: 'north' }],
  ['FSH-003', { sku: 'FSH-003', quantity: 140, warehouse: 'south' }],
]);

const send = (res, status, body, type = 'application/json') => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://upstream').pathname.replace(/^\/v1(?=\/)/, '');
  if (req.method !== 'GET') return send(res, 405, { title: 'Method Not Allowed', status: 405 }, 'application/problem+json');
  if (path === '/inventory') return send(res, 200, [...stock.values()]);
  const match = /^\/inventory\/([^/]+)$/.exec(path);
  if (match && stock.has(match[1])) return send(res, 200, stock.get(match[1]));
  return send(res, 404, { type: 'about:blank', title: 'Not Found', status: 404, detail: `no product at ${path}` }, 'application/problem+json');
});

const port = Number(process.argv[2] ?? process.env.PORT ?? 4011);
server.listen(port, '127.0.0.1', () => console.log(`inventory upstream on http://127.0.0.1:${server.address().port}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));

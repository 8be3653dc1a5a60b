// The reference proxy: http-proxy with a keep-alive agent and nothing else, i.e. the floor cost of the
// library Portico's proxy is built on; with `http-proxy-3` as third argument, the same with its maintained fork.
// Usage: node bench/bare-proxy.mjs <target URL> [port] [http-proxy|http-proxy-3]
import http from 'node:http';

const target = process.argv[2];
const library = process.argv[4] ?? 'http-proxy';
if (!target || !['http-proxy', 'http-proxy-3'].includes(library)) {
  process.stderr.write('usage: node bench/bare-proxy.mjs <target URL> [port] [http-proxy|http-proxy-3]\n');
  process.exit(2);
}
const httpProxy = (await import(library)).default;
const agent = new http.Agent({ keepAlive: true });
const proxy = httpProxy.createProxyServer({ agent });
proxy.on('error', (error, _req, res) => {
  if (res instanceof http.ServerResponse && !res.headersSent) {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`bad gateway: ${error.message}`);
  } else {
    res.destroy();
  }
});

const server = http.createServer((req, res) => proxy.web(req, res, { target }));
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`bare ${library} listening on http://127.0.0.1:${server.address().port} -> ${target}\n`);
});
const stop = () => {
  server.close(() => process.exit(0)).closeAllConnections();
  agent.destroy();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

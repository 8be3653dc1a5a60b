/**
 * Measures the mock and the request validator in-process, and optionally serves one mocked operation
 * over plain node:http for a load generator:
 *   node --import tsx gateway/mock/bench-mock.ts [spec] [METHOD] [path] [serve]
 *   npx autocannon -c 50 -d 10 -H accept=application/json http://127.0.0.1:4599/
 */
import { createServer } from 'node:http';
import { listOperations } from '../openapi/operations.js';
import { createRequestValidator } from '../validation/request.js';
import { designFromFile } from '../validation/test-support.js';
import { createMocker, prewarmMock } from './mocker.js';

const [spec = 'resources/fixtures/public-apis/petstore.3.1.json', method = 'GET', path = '/pet/findByStatus', serve] = process.argv.slice(2);
let t = performance.now();
const design = designFromFile(spec);
const parsed = performance.now() - t;
t = performance.now();
const operations = listOperations(design);
const mockers = operations.map((operation) => createMocker(design, operation));
const validators = operations.map((operation) => createRequestValidator(design, operation));
console.log(`parse ${parsed.toFixed(1)} ms; listOperations + createMocker + createRequestValidator for ${operations.length} operations: ${(performance.now() - t).toFixed(1)} ms`);
t = performance.now();
prewarmMock(design);
console.log(`prewarmMock: ${(performance.now() - t).toFixed(1)} ms`);
const index = operations.findIndex((o) => o.method === method && o.path === path);
const mock = mockers[index]!;
const validate = validators[index]!;
const request = { headers: { accept: 'application/json' } };
t = performance.now();
mock(request);
console.log(`first request (generate + compile + check): ${(performance.now() - t).toFixed(1)} ms`);
const N = 1_000_000;
t = performance.now();
for (let i = 0; i < N; i++) mock(request);
console.log(`deterministic mock: ${Math.round(N / ((performance.now() - t) / 1000))} calls/s`);
const dynamic = { headers: { accept: 'application/json', prefer: 'dynamic=true' } };
t = performance.now();
for (let i = 0; i < 2000; i++) mock(dynamic);
console.log(`dynamic mock: ${Math.round(2000 / ((performance.now() - t) / 1000))} calls/s`);
const query = new URLSearchParams('status=available');
t = performance.now();
for (let i = 0; i < 100_000; i++) validate({ pathParams: {}, query, headers: {} });
console.log(`request validation (params): ${Math.round(100_000 / ((performance.now() - t) / 1000))} calls/s`);

if (serve === 'serve') {
  createServer((req, res) => {
    const result = mock({ headers: req.headers });
    if ('problem' in result) {
      res.writeHead(result.problem.status, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify(result.problem));
      return;
    }
    res.writeHead(result.status, result.headers);
    res.end(result.body);
  }).listen(4599, '127.0.0.1', () => console.log('serving on http://127.0.0.1:4599/'));
}

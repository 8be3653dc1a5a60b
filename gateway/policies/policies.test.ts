import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryCounters } from '../pipeline/counters.js';
import { NEXT, type PolicyDefinition, type PolicyServices, type Reply, type RequestHandler } from '../pipeline/policy.js';
import { contextFor } from '../pipeline/test-support/context.js';
import apiKey from './api-key.js';
import cors from './cors.js';
import rateLimit from './rate-limit.js';

function handlerOf(definition: PolicyDefinition, config: unknown, services: Partial<PolicyServices> = {}): RequestHandler {
  const full: PolicyServices = { counters: new MemoryCounters(), consumers: { findByKey: () => undefined }, now: () => 1_000_000, ...services };
  const created = definition.create(definition.config.parse(config), full, { key: 'test', route: { method: 'GET', path: '/things' } });
  return typeof created === 'function' ? created : created.request!;
}

const asReply = (outcome: unknown) => {
  assert.notEqual(outcome, NEXT, 'expected a reply');
  return outcome as Reply;
};

test('api-key: header key of a known consumer passes and names the consumer', () => {
  const handle = handlerOf(apiKey, { in: 'header', name: 'X-API-Key' }, { consumers: { findByKey: (k) => (k === 'good' ? 'alice' : undefined) } });
  const ctx = contextFor({ headers: { 'x-api-key': 'good' } });
  assert.equal(handle(ctx), NEXT);
  assert.equal(ctx.consumer, 'alice');
});

test('api-key: missing, unknown and doubled keys get 401 problems with the reason kept for the log', () => {
  const handle = handlerOf(apiKey, { in: 'header', name: 'X-API-Key' }, { consumers: { findByKey: (k) => (k === 'good' ? 'alice' : undefined) } });
  const missing = asReply(handle(contextFor()));
  assert.equal(missing.status, 401);
  assert.equal(JSON.parse(String(missing.body)).status, 401);
  assert.match(missing.reason, /no API key/);
  assert.match(asReply(handle(contextFor({ headers: { 'x-api-key': 'bad' } }))).reason, /unknown API key/);
  assert.equal(asReply(handle(contextFor({ headers: { 'x-api-key': ['good', 'good'] as unknown as string } }))).status, 401);
});

test('api-key: query and cookie keys', () => {
  const consumers = { findByKey: (k: string) => (k === 'k1' ? 'bob' : undefined) };
  assert.equal(handlerOf(apiKey, { in: 'query', name: 'api_key' }, { consumers })(contextFor({ rawQuery: 'x=1&api_key=k1' })), NEXT);
  assert.equal(handlerOf(apiKey, { in: 'cookie', name: 'session' }, { consumers })(contextFor({ headers: { cookie: 'a=b; session=k1' } })), NEXT);
});

test('rate-limit: exactly `limit` requests pass per window, then 429 with Retry-After and RateLimit headers', () => {
  let now = 60_000 * 1000 + 15_000;
  const handle = handlerOf(rateLimit, { limit: 3, window: '1m' }, { now: () => now });
  const outcomes = Array.from({ length: 5 }, () => handle(contextFor()));
  assert.deepEqual(outcomes.slice(0, 3), [NEXT, NEXT, NEXT]);
  const refused = asReply(outcomes[3]);
  assert.equal(refused.status, 429);
  assert.equal(refused.headers?.['retry-after'], '45');
  const ctx = contextFor();
  handle(ctx);
  assert.equal(ctx.responseHeaders?.['ratelimit-limit'], '3');
  assert.equal(ctx.responseHeaders?.['ratelimit-remaining'], '0');
  now += 45_000; // next window
  assert.equal(handle(contextFor()), NEXT);
});

test('rate-limit: by consumer counts each consumer apart and anonymous clients by address', () => {
  const handle = handlerOf(rateLimit, { limit: 1, window: '10s', by: 'consumer' });
  const as = (consumer: string | undefined, ip = '10.0.0.1') => {
    const ctx = contextFor({ clientAddress: ip });
    ctx.consumer = consumer;
    return handle(ctx);
  };
  assert.equal(as('alice'), NEXT);
  assert.equal(as('bob'), NEXT);
  assert.notEqual(as('alice'), NEXT);
  assert.equal(as(undefined, '10.0.0.2'), NEXT);
  assert.notEqual(as(undefined, '10.0.0.2'), NEXT);
});

test('rate-limit: a client-sent X-Forwarded-For does not change who is counted', () => {
  const handle = handlerOf(rateLimit, { limit: 1, window: '1m' });
  assert.equal(handle(contextFor({ headers: { 'x-forwarded-for': '1.1.1.1' } })), NEXT);
  assert.notEqual(handle(contextFor({ headers: { 'x-forwarded-for': '2.2.2.2' } })), NEXT);
});

test('cors: preflight from an allowed origin is answered with the origin echoed, never * with credentials', () => {
  const handle = handlerOf(cors, { origins: ['*'], credentials: true, maxAge: '10m' });
  const reply = asReply(handle(contextFor({ method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } }, { preflight: true })));
  assert.equal(reply.status, 204);
  assert.equal(reply.headers?.['access-control-allow-origin'], 'https://app.example');
  assert.equal(reply.headers?.['access-control-allow-credentials'], 'true');
  assert.equal(reply.headers?.['access-control-allow-methods'], 'POST');
  assert.equal(reply.headers?.['access-control-allow-headers'], 'content-type');
  assert.equal(reply.headers?.['access-control-max-age'], '600');
  assert.match(String(reply.headers?.vary), /Origin/);
});

test('cors: unknown origins get no CORS headers; wildcard labels match subdomains only', () => {
  const handle = handlerOf(cors, { origins: ['https://*.example.com'] });
  const refused = asReply(handle(contextFor({ headers: { origin: 'https://evil.com', 'access-control-request-method': 'GET' } }, { preflight: true })));
  assert.equal(refused.headers?.['access-control-allow-origin'], undefined);
  const actual = contextFor({ headers: { origin: 'https://example.com.evil.com' } });
  assert.equal(handle(actual), NEXT);
  assert.equal(actual.responseHeaders?.['access-control-allow-origin'], undefined);
  assert.equal(actual.responseHeaders?.vary, 'Origin');
  const allowed = contextFor({ headers: { origin: 'https://app.example.com' } });
  handle(allowed);
  assert.equal(allowed.responseHeaders?.['access-control-allow-origin'], 'https://app.example.com');
});

test('cors: * without credentials answers *', () => {
  const handle = handlerOf(cors, { origins: ['*'] });
  const ctx = contextFor({ headers: { origin: 'https://a.example' } });
  handle(ctx);
  assert.equal(ctx.responseHeaders?.['access-control-allow-origin'], '*');
});

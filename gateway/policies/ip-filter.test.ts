import { test } from 'node:test';
import assert from 'node:assert/strict';
import ipFilter from './ip-filter.js';
import { asReply, configError, contextFor, NEXT, requestHandlerOf } from './test-support/harness.js';

const from = (clientAddress: string) => contextFor({ clientAddress });

test('ip-filter: allow lists IPv4 and IPv6 networks; everyone else gets 403', () => {
  const handle = requestHandlerOf(ipFilter, { allow: ['10.0.0.0/8', '192.168.1.7', '2001:db8::/32'] });
  assert.equal(handle(from('10.20.30.40')), NEXT);
  assert.equal(handle(from('192.168.1.7')), NEXT);
  assert.equal(handle(from('2001:db8:1::5')), NEXT);
  assert.equal(handle(from('::ffff:10.1.1.1')), NEXT, 'IPv4-mapped IPv6 matches the IPv4 network');
  const refused = asReply(handle(from('192.168.1.8')));
  assert.equal(refused.status, 403);
  assert.match(refused.reason, /192\.168\.1\.8 is not in the allow list/);
  assert.equal(asReply(handle(from('2001:db9::1'))).status, 403);
});

test('ip-filter: deny wins over allow', () => {
  const handle = requestHandlerOf(ipFilter, { allow: ['10.0.0.0/8'], deny: ['10.6.6.0/24', '::1'] });
  assert.equal(handle(from('10.6.5.1')), NEXT);
  assert.match(asReply(handle(from('10.6.6.6'))).reason, /deny list/);
  assert.equal(asReply(handle(from('::1'))).status, 403);
  const denyOnly = requestHandlerOf(ipFilter, { deny: ['127.0.0.0/8'] });
  assert.equal(asReply(denyOnly(from('127.0.0.1'))).status, 403);
  assert.equal(denyOnly(from('::1')), NEXT);
});

test('ip-filter: the socket address counts, never X-Forwarded-For', () => {
  const handle = requestHandlerOf(ipFilter, { allow: ['10.0.0.0/8'] });
  assert.equal(asReply(handle(contextFor({ clientAddress: '8.8.8.8', headers: { 'x-forwarded-for': '10.0.0.1' } }))).status, 403);
});

test('ip-filter: bad networks and an empty config are refused', () => {
  assert.match(configError(ipFilter, { allow: ['10.0.0.0/33'] }), /^allow\.0: .*CIDR/);
  assert.match(configError(ipFilter, { deny: ['not-an-ip'] }), /^deny\.0: /);
  assert.match(configError(ipFilter, { deny: ['::/129'] }), /^deny\.0: /);
  assert.match(configError(ipFilter, {}), /allow, deny/);
});

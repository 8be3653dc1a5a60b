import { test } from 'node:test';
import assert from 'node:assert/strict';
import basicAuth from './basic-auth.js';
import { asReply, configError, contextFor, NEXT, requestHandlerOf } from './test-support/harness.js';

const consumers = {
  findByKey: () => undefined,
  checkPassword: async (name: string, password: string) => name === 'alice' && password === 'correct: horse',
};
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;
const withAuth = (...values: string[]) => contextFor({ headers: { authorization: values[0]! }, rawHeaders: values.flatMap((v) => ['Authorization', v]) });

test('basic-auth: a consumer with the right password passes and is named (the password may contain a colon)', async () => {
  const handle = requestHandlerOf(basicAuth, {}, { consumers });
  const ctx = withAuth(basic('alice:correct: horse'));
  assert.equal(await handle(ctx), NEXT);
  assert.equal(ctx.consumer, 'alice');
});

test('basic-auth: missing, malformed, wrong and doubled credentials get 401 with a challenge; the reason stays in the log', async () => {
  const handle = requestHandlerOf(basicAuth, { realm: 'shop' }, { consumers });
  const missing = asReply(await handle(contextFor()));
  assert.equal(missing.status, 401);
  assert.equal(missing.headers?.['www-authenticate'], 'Basic realm="shop", charset="UTF-8"');
  assert.match(missing.reason, /no Authorization/);
  assert.doesNotMatch(String(missing.body), /Authorization header/);
  assert.match(asReply(await handle(withAuth('Bearer abc'))).reason, /not Basic/);
  assert.match(asReply(await handle(withAuth(basic('nocolon')))).reason, /malformed/);
  const wrong = asReply(await handle(withAuth(basic('alice:guess'))));
  assert.match(wrong.reason, /wrong password or unknown consumer "alice"/);
  assert.doesNotMatch(wrong.reason, /guess/, 'the password never reaches the log');
  assert.match(asReply(await handle(withAuth(basic('alice:correct: horse'), basic('bob:x')))).reason, /two Authorization headers/);
});

test('basic-auth: without a password store every request is refused', async () => {
  const handle = requestHandlerOf(basicAuth, {});
  assert.equal(asReply(await handle(withAuth(basic('alice:correct: horse')))).status, 401);
});

test('basic-auth: the realm cannot break the challenge header', () => {
  assert.match(configError(basicAuth, { realm: 'a"b' }), /^realm: /);
});

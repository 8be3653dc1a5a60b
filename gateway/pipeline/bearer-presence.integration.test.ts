import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway } from '../test-support/gateway.js';

/** A bearer-type scheme the design names no keys for: a token is required (not verified), never anonymous access. */
test('an unconfigured bearer or oauth2 scheme refuses requests without a token, with a Bearer challenge', async () => {
  const gw = await startTestGateway({
    'api.yaml': `openapi: 3.1.0
info: { title: bearer presence, version: '1' }
components:
  securitySchemes:
    token: { type: http, scheme: bearer }
    oauth: { type: oauth2, flows: { clientCredentials: { tokenUrl: https://idp.example/token, scopes: {} } } }
paths:
  /things:
    get:
      security: [{ token: [] }]
      responses: { '200': { description: ok, content: { application/json: { example: [] } } } }
  /others:
    get:
      security: [{ oauth: [] }]
      responses: { '200': { description: ok, content: { application/json: { example: [] } } } }
  /open:
    get:
      security: [{}, { token: [] }]
      responses: { '200': { description: ok, content: { application/json: { example: [] } } } }
`,
  });
  try {
    for (const path of ['/things', '/others']) {
      const refused = await fetch(gw.url + path);
      assert.equal(refused.status, 401, path);
      assert.equal(refused.headers.get('www-authenticate'), 'Bearer');
      assert.equal(refused.headers.get('content-type'), 'application/problem+json');
      assert.equal((await fetch(gw.url + path, { headers: { authorization: 'Basic abc' } })).status, 401, `${path}: not a bearer token`);
      assert.equal((await fetch(gw.url + path, { headers: { authorization: 'Bearer anything' } })).status, 200, `${path}: a token passes (unverified)`);
    }
    assert.equal((await fetch(gw.url + '/open')).status, 200, 'anonymous access is one of the options');
    const logged = (await gw.logged(7)).find((e) => e.status === 401)!;
    assert.equal(logged.mode, 'rejected');
    assert.match(logged.policy?.reason ?? '', /no bearer token/);
  } finally {
    await gw.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { shellQuote, toCurl } from './curl.ts';

test('quotes for a POSIX shell only what needs it', () => {
  assert.equal(shellQuote('http://127.0.0.1:8080/pets'), 'http://127.0.0.1:8080/pets');
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote('$(rm -rf ~) `x` "y" \\z'), "'$(rm -rf ~) `x` \"y\" \\z'");
});

test('a GET: no -X, headers kept except those curl sets itself', () => {
  const cmd = toCurl({ method: 'GET', url: '/pets?limit=2&tag=a b', headers: [['Host', 'x'], ['Accept', 'application/json'], ['Content-Length', '0']] }, 'http://127.0.0.1:4010/');
  assert.equal(cmd, "curl 'http://127.0.0.1:4010/pets?limit=2&tag=a b' \\\n  -H 'Accept: application/json'");
});

test('methods: POST with a body needs no -X; PUT and DELETE do; HEAD uses --head', () => {
  assert.match(toCurl({ method: 'POST', url: '/pets', headers: [], body: '{"name":"x"}' }), /^curl http:\/\/127\.0\.0\.1\/pets \\\n {2}--data-raw '\{"name":"x"\}'$/);
  assert.match(toCurl({ method: 'delete', url: '/pets/1', headers: [] }), /^curl -X DELETE /);
  assert.match(toCurl({ method: 'HEAD', url: '/', headers: [] }), /^curl --head /);
});

test('binary bodies come from base64 on stdin; truncation is noted', () => {
  const cmd = toCurl({ method: 'PUT', url: '/blob', headers: [], bodyBase64: 'AAEC/w==', truncated: { logged: 4, size: 9000 } });
  assert.equal(cmd.split('\n')[0], '# the body was truncated when logged: 4 of 9000 bytes');
  assert.match(cmd, /printf '%s' AAEC\/w== \| base64 -d \| curl -X PUT/);
  assert.match(cmd, /--data-binary @-$/);
});

test('the shell passes every argument through unchanged', { skip: process.platform === 'win32' }, () => {
  const nasty = `it's "quoted" $HOME \`id\` $(id) \\ ; | & * ? ~ \n newline`;
  const cmd = toCurl({ method: 'POST', url: `/x?q=${nasty}`, headers: [['X-Nasty', nasty]], body: nasty });
  // Replace curl by a function that prints its arguments, one per line, and run the command in sh.
  const out = execFileSync('sh', ['-c', `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${cmd}`], { encoding: 'utf8' });
  assert.deepEqual(out.split('\0').slice(0, -1), [`http://127.0.0.1/x?q=${nasty}`, '-H', `X-Nasty: ${nasty}`, '--data-raw', nasty]);
});

test('redacted secrets are named in a comment, so the command is not mistaken for a working one', () => {
  const cmd = toCurl({ method: 'GET', url: '/pets', headers: [['X-API-Key', '[REDACTED]'], ['Accept', '*/*']] });
  assert.equal(cmd.split('\n')[0], '# secrets were redacted when logged: fill in X-API-Key');
  assert.match(cmd, /-H 'X-API-Key: \[REDACTED\]'/);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createRedactor,
  DEFAULT_REDACTED_HEADERS,
  HeaderNameSet,
  REDACTED,
  redactHeaders,
  redactUrl,
} from './redact.js';

const defaults = createRedactor();

describe('redactHeaders', () => {
  it('redacts the default secret headers whatever their case', () => {
    const raw = [
      'authorization', 'Bearer abc',
      'PROXY-AUTHORIZATION', 'Basic xyz',
      'Cookie', 'a=1',
      'set-cookie', 'b=2',
      'X-Api-Key', 'k1',
      'Accept', 'application/json',
    ];
    assert.deepEqual(defaults.headers(raw), [
      'authorization', REDACTED,
      'PROXY-AUTHORIZATION', REDACTED,
      'Cookie', REDACTED,
      'set-cookie', REDACTED,
      'X-Api-Key', REDACTED,
      'Accept', 'application/json',
    ]);
    assert.equal(raw[1], 'Bearer abc', 'the input is not modified');
  });

  it('redacts every occurrence of a repeated header', () => {
    assert.deepEqual(defaults.headers(['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']), [
      'Set-Cookie', REDACTED, 'Set-Cookie', REDACTED,
    ]);
  });

  it('redacts extra names given, case-insensitively', () => {
    const redactor = createRedactor({ headers: ['X-Partner-Token'] });
    assert.deepEqual(redactor.headers(['x-partner-token', 's3cret', 'X-Other', 'v']), [
      'x-partner-token', REDACTED, 'X-Other', 'v',
    ]);
  });

  it('returns the same array when nothing is secret', () => {
    const raw = ['Host', 'example.com', 'Accept', '*/*'];
    assert.equal(defaults.headers(raw), raw);
  });

  it('works with a prebuilt name set', () => {
    assert.deepEqual(redactHeaders(['Authorization', 'x'], new HeaderNameSet(DEFAULT_REDACTED_HEADERS)), ['Authorization', REDACTED]);
  });

  it('redacts names of every length it is given, very long ones included, and nothing of the same length that differs', () => {
    const long = `X-${'Long'.repeat(80)}`; // 322 characters
    const redactor = createRedactor({ headers: ['A', long] });
    assert.deepEqual(redactor.headers(['a', '1', 'B', '2', long.toLowerCase(), '3', `${long}x`, '4', 'Cookie', '5', 'Cookiz', '6']), [
      'a', REDACTED, 'B', '2', long.toLowerCase(), REDACTED, `${long}x`, '4', 'Cookie', REDACTED, 'Cookiz', '6',
    ]);
  });
});

describe('anyHeaders', () => {
  it('returns a header object as it is when it holds no secret, else a redacted list', () => {
    const plain = { 'content-type': 'application/json', 'x-request-id': '7' };
    assert.equal(defaults.anyHeaders(plain), plain);
    assert.deepEqual(defaults.anyHeaders({ 'Content-Type': 'text/plain', 'Set-Cookie': ['a=1', 'b=2'] }), [
      'Content-Type', 'text/plain', 'Set-Cookie', REDACTED, 'Set-Cookie', REDACTED,
    ]);
  });
});

describe('anyHeaders on a wire head', () => {
  const head = (lines: string[]) => `HTTP/1.1 200 OK\r\n${lines.map((line) => `${line}\r\n`).join('')}\r\n`;

  it('returns the head as it is when no header of it is a secret, whatever the status line or values say', () => {
    const plain = head(['Content-Type: text/plain', 'X-Note: set-cookie: no, Authorization: no', 'X-Set-Cookie: not this one']);
    assert.equal(defaults.anyHeaders(plain), plain);
    assert.equal(defaults.anyHeaders('HTTP/1.1 200 Cookie: in the reason\r\n\r\n'), 'HTTP/1.1 200 Cookie: in the reason\r\n\r\n');
  });

  it('gives a redacted list when one is, in any case, the design’s names included, values kept byte for byte', () => {
    assert.deepEqual(defaults.anyHeaders(head(['content-type: text/plain', 'SET-COOKIE: a=1', 'set-cookie: b=2', 'X-Empty: ', 'X-Spaces:  two '])), [
      'content-type', 'text/plain', 'SET-COOKIE', REDACTED, 'set-cookie', REDACTED, 'X-Empty', '', 'X-Spaces', ' two ',
    ]);
    const withDesignNames = createRedactor({ headers: ['X-Team.Key'] });
    assert.deepEqual(withDesignNames.anyHeaders(head(['x-team.key: k', 'X-TeamAKey: not a pattern'])), ['x-team.key', REDACTED, 'X-TeamAKey', 'not a pattern']);
  });
});

describe('HeaderNameSet', () => {
  it('matches case-insensitively and only the names it holds', () => {
    const names = new HeaderNameSet(['X-Api-Key', 'authorization', 'set-cookie', '-odd']);
    for (const name of ['x-api-key', 'X-API-KEY', 'Authorization', 'AUTHORIZATION', 'Set-Cookie', 'SET-COOKIE', '-ODD']) assert.equal(names.has(name), true, name);
    // Same length and first letter, or same length only (Connection, User-Agent: 10, like set-cookie).
    for (const name of ['x-api-kez', 'x-api-keys', 'authorisation', '', 'accept', 'Connection', 'User-Agent', 'set-cookiz', '_odd', '@odd']) {
      assert.equal(names.has(name), false, name);
    }
    assert.equal(new HeaderNameSet(['']).has(''), true);
  });
});

describe('redactUrl', () => {
  it('redacts every default secret parameter', () => {
    for (const name of ['api_key', 'apikey', 'api-key', 'access_token', 'token', 'key', 'password', 'secret', 'client_secret']) {
      assert.equal(defaults.url(`/p?${name}=v1&x=1`), `/p?${name}=${REDACTED}&x=1`, name);
    }
  });

  it('keeps everything else byte-identical', () => {
    const url = '/a%20b/c?x=%E2%9C%93&&y=1+2&token=abc&z&empty=&key=&last=%zz#frag?token=t';
    assert.equal(
      defaults.url(url),
      `/a%20b/c?x=%E2%9C%93&&y=1+2&token=${REDACTED}&z&empty=&key=${REDACTED}&last=%zz#frag?token=t`,
    );
  });

  it('matches names case-insensitively and percent-decoded', () => {
    assert.equal(defaults.url('/p?API_KEY=1&api%5Fkey=2&Token=3'), `/p?API_KEY=${REDACTED}&api%5Fkey=${REDACTED}&Token=${REDACTED}`);
  });

  it('redacts repeated parameters and absolute URLs', () => {
    assert.equal(
      defaults.url('http://h:1/p?token=a&token=b'),
      `http://h:1/p?token=${REDACTED}&token=${REDACTED}`,
    );
  });

  it('does not touch names that merely contain a secret name', () => {
    const url = '/p?keyboard=1&tokens=2&monkey=3&x-token=4';
    assert.equal(defaults.url(url), url);
  });

  it('leaves bare flags and paths alone', () => {
    assert.equal(defaults.url('/token/key?token'), '/token/key?token');
    assert.equal(defaults.url('/no-query'), '/no-query');
  });

  it('redacts extra names given', () => {
    const redactor = createRedactor({ query: ['Partner_Key'] });
    assert.equal(redactor.url('/p?partner_key=1&token=2'), `/p?partner_key=${REDACTED}&token=${REDACTED}`);
  });

  it('works with a prebuilt set and returns the same string when nothing matched', () => {
    const url = '/p?a=1';
    assert.equal(redactUrl(url, new Set(['b'])), url);
  });
});

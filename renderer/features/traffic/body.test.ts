import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asText, bodyText, classifyBody, decodeBase64, encodeBase64, header, hexDump, prettyJson } from './body.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

test('base64 round trip', () => {
  const all = new Uint8Array(256).map((_, i) => i);
  assert.deepEqual(decodeBase64(encodeBase64(all)), all);
  assert.equal(encodeBase64(bytes('hi')), 'aGk=');
});

test('classifies by media type, then by content', () => {
  assert.equal(classifyBody('application/json; charset=utf-8', bytes('{"a":1}')), 'json');
  assert.equal(classifyBody('application/problem+json', bytes('{}')), 'json');
  assert.equal(classifyBody('application/xml', bytes('<a/>')), 'xml');
  assert.equal(classifyBody('application/atom+xml', bytes('<feed/>')), 'xml');
  assert.equal(classifyBody('text/html', bytes('<p>x</p>')), 'html');
  assert.equal(classifyBody('text/plain', bytes('hello')), 'text');
  assert.equal(classifyBody(undefined, bytes('[1,2]')), 'json');
  assert.equal(classifyBody(undefined, bytes('[not json')), 'text');
  assert.equal(classifyBody(undefined, bytes('<?xml version="1.0"?><a/>')), 'xml');
  assert.equal(classifyBody('image/png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1])), 'image');
  assert.equal(classifyBody('application/octet-stream', new Uint8Array([0, 1, 2, 255])), 'binary');
  assert.equal(classifyBody('application/json', new Uint8Array()), 'empty');
  // A truncated JSON capture is still shown as JSON (highlighted, not re-indented).
  assert.equal(classifyBody(undefined, bytes('{"a": [1, 2'), true), 'json');
});

test('a capture cut inside a multi-byte character is still text', () => {
  const cut = bytes('héllo €').subarray(0, 9); // the euro sign's 3 bytes, cut after the first
  assert.equal(asText(cut), null);
  assert.equal(asText(cut, true), 'héllo ');
});

test('pretty JSON, and text that does not parse kept as it is', () => {
  assert.equal(prettyJson('{"a":[1,{"b":2}]}'), '{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ]\n}');
  assert.equal(prettyJson('{"a":'), '{"a":');
  assert.equal(bodyText('application/json', bytes('{"a":1}')).text, '{\n  "a": 1\n}');
});

test('hex dump: offsets, two groups of eight, printable ASCII', () => {
  const dump = hexDump(bytes('Hello, binary world!\x00\x01\xff'));
  assert.equal(
    dump,
    [
      '00000000  48 65 6c 6c 6f 2c 20 62  69 6e 61 72 79 20 77 6f  |Hello, binary wo|',
      '00000010  72 6c 64 21 00 01 c3 bf                           |rld!....|',
    ].join('\n'),
  );
  assert.equal(hexDump(new Uint8Array(40), 16).split('\n').at(-1), '… 24 more bytes');
  assert.equal(bodyText('application/octet-stream', new Uint8Array([0, 255])).kind, 'binary');
});

test('header lookup is case-insensitive', () => {
  assert.equal(header([['Content-Type', 'text/plain']], 'content-type'), 'text/plain');
  assert.equal(header([], 'x'), undefined);
});

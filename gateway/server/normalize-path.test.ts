import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePath } from './normalize-path.js';

const ok = (raw: string) => {
  const result = normalizePath(raw);
  assert.ok(result.ok, `${raw} should be accepted`);
  return result.path;
};

test('ordinary paths pass through unchanged', () => {
  assert.equal(ok('/pets/42'), '/pets/42');
  assert.equal(ok('/'), '/');
  assert.equal(ok('/pets/'), '/pets/');
});

test('dot segments, encoded dots and duplicate slashes collapse to one spelling', () => {
  assert.equal(ok('/public/../admin'), '/admin');
  assert.equal(ok('/public/%2e%2e/admin'), '/admin');
  assert.equal(ok('/public/%2E%2E/admin'), '/admin');
  assert.equal(ok('/./admin/.'), '/admin');
  assert.equal(ok('//admin///users'), '/admin/users');
  assert.equal(ok('/../../admin'), '/admin');
  assert.equal(ok('/%61dmin'), '/admin');
});

test('reserved escapes stay escaped, in upper case', () => {
  assert.equal(ok('/files/a%3ab'), '/files/a%3Ab');
  assert.equal(ok('/files/a%20b'), '/files/a%20b');
});

test('encoded slashes, backslashes, NUL and broken escapes are refused', () => {
  for (const raw of ['/admin%2fusers', '/admin%2Fusers', '/admin%5cusers', '/admin\\users', '/a%00', '/a%zz', '/a%4', 'admin', '']) {
    assert.equal(normalizePath(raw).ok, false, raw);
  }
});

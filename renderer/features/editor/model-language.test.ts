import { test } from 'node:test';
import assert from 'node:assert/strict';
import { languageFor, modelLanguageFor, WORKERLESS_FROM_CHARS } from './model-language.ts';

test('files are JSON, YAML or plain text by their extension', () => {
  assert.equal(languageFor('openapi.json'), 'json');
  assert.equal(languageFor('a/b.YML'), 'yaml');
  assert.equal(languageFor('openapi.yaml'), 'yaml');
  assert.equal(languageFor('README.md'), 'plaintext');
});

test('JSON and YAML models from 10 MB get a language without a worker; smaller ones and other languages keep theirs', () => {
  assert.equal(modelLanguageFor('json', WORKERLESS_FROM_CHARS - 1), 'json');
  assert.equal(modelLanguageFor('yaml', 1_000), 'yaml');
  assert.equal(modelLanguageFor('json', WORKERLESS_FROM_CHARS), 'json-large');
  assert.equal(modelLanguageFor('yaml', 13_000_000), 'yaml-large');
  assert.equal(modelLanguageFor('plaintext', 13_000_000), 'plaintext');
});

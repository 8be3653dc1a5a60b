import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcError } from '../contract/index.js';
import { OverlayTexts } from './overlay-texts.js';

const disk = { 'openapi.json': { text: '{"a": 1}', version: 'v1' } } as Record<string, { text: string; version: string }>;
const files = { read: async (path: string) => disk[path] ?? Promise.reject(new Error('no such file')) };

test('overlays by reference: edits to the file on disk, then to a version sent before', async () => {
  const texts = new OverlayTexts(files);
  // Monaco's order: a change's offset is into the text as the earlier changes left it.
  const first = await texts.resolve({ 'openapi.json': { id: 'a', base: 'disk:v1', changes: [{ at: 6, remove: 1, text: '12' }, { at: 1, remove: 0, text: ' ' }] } });
  assert.deepEqual(first, { 'openapi.json': '{ "a": 12}' });
  assert.deepEqual(await texts.resolve({ 'openapi.json': { id: 'a' } }), first, 'an id names the same text again');
  assert.deepEqual(await texts.resolve({ 'openapi.json': { id: 'b', base: 'a', changes: [{ at: 8, remove: 1, text: '' }] } }), { 'openapi.json': '{ "a": 1}' });
  assert.deepEqual(await texts.resolve({ 'openapi.json': { id: 'c', text: 'whole' }, 'other.yaml': 'plain' }), { 'openapi.json': 'whole', 'other.yaml': 'plain' });
});

test('a version the engine does not have is a conflict (the UI sends the whole text)', async () => {
  const texts = new OverlayTexts(files);
  const conflict = (e: unknown) => e instanceof RpcError && e.code === 'conflict';
  await assert.rejects(texts.resolve({ 'openapi.json': { id: 'x' } }), conflict);
  await assert.rejects(texts.resolve({ 'openapi.json': { id: 'x', base: 'disk:v0', changes: [] } }), conflict, 'the disk has another version');
  await assert.rejects(texts.resolve({ 'openapi.json': { id: 'x', base: 'disk:v1', changes: [{ at: 100, remove: 1, text: '' }] } }), conflict, 'the change does not fit');
  // Only the last few versions are kept.
  for (const id of ['1', '2', '3', '4']) await texts.resolve({ 'openapi.json': { id, text: id } });
  await assert.rejects(texts.resolve({ 'openapi.json': { id: '5', base: '1', changes: [] } }), conflict);
  assert.deepEqual(await texts.resolve({ 'openapi.json': { id: '5', base: '4', changes: [] } }), { 'openapi.json': '4' });
});

test('two calls naming the same new version, in either order, both get it', async () => {
  const texts = new OverlayTexts(files);
  const edit = { id: 'a', base: 'disk:v1', changes: [{ at: 6, remove: 1, text: '2' }] };
  const [first, second] = await Promise.all([texts.resolve({ 'openapi.json': edit }), texts.resolve({ 'openapi.json': { id: 'a' } })]);
  assert.deepEqual([first, second], [{ 'openapi.json': '{"a": 2}' }, { 'openapi.json': '{"a": 2}' }]);
  assert.deepEqual(await texts.resolve({ 'openapi.json': edit }), { 'openapi.json': '{"a": 2}' }, 'the same reference again');
});

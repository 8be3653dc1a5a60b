import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyScope, inScope, mergeLint, sameJson, touched, unionScope, type DesignVersion, type Finding } from './lint-scope.js';

const ROOT = 'file:///ws/openapi.json';
const PATHS_FILE = 'file:///ws/paths/things.json';

/** A design version from values; texts are their JSON (what the worker compares first). */
function version(root: Record<string, unknown>, others: Record<string, unknown> = {}): DesignVersion {
  const values = new Map<string, unknown>([[ROOT, root], ...Object.entries(others)]);
  return { rootUrl: ROOT, root, values, texts: new Map([...values].map(([url, value]) => [url, JSON.stringify(value)])) };
}

const op = (schema: string) => ({ get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } } } } });
const base = () => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: {
    '/a': op('A'),
    '/b': op('B'),
    '/c': op('C'),
    '/d/{id}': { $ref: 'paths/things.json#/item' },
  },
  components: {
    schemas: {
      A: { type: 'object', properties: { owner: { $ref: '#/components/schemas/Owner' } } },
      B: { type: 'object', properties: { owner: { $ref: '#/components/schemas/Owner' } } },
      C: { type: 'string' },
      Owner: { type: 'object', properties: { name: { type: 'string' } } },
      Unused: { type: 'string' },
    },
  },
});
const things = () => ({ item: { get: { responses: { '204': { description: 'none' } } } } });

test('nothing to compare with: everything is in scope', () => {
  assert.equal(touched(undefined, version(base())).all, true);
});

test('an unchanged design touches nothing', () => {
  const scope = touched(version(base(), { [PATHS_FILE]: things() }), version(base(), { [PATHS_FILE]: things() }));
  assert.deepEqual(scope, emptyScope());
});

test('an edited path item is touched, and only it', () => {
  const after = base();
  (after.paths['/b'].get as Record<string, unknown>).summary = 'new';
  assert.deepEqual(touched(version(base()), version(after)).paths, ['/b']);
  // Added and removed path items too.
  const added = base() as { paths: Record<string, unknown> };
  added.paths['/e'] = op('C');
  delete added.paths['/a'];
  assert.deepEqual(touched(version(base()), version(added)).paths.sort(), ['/a', '/e']);
});

test('a changed component touches the path items that reach it, through other components', () => {
  const after = base();
  after.components.schemas.Owner.properties.name = { type: 'integer' } as never;
  const scope = touched(version(base()), version(after));
  assert.deepEqual(scope.components, ['/components/schemas/Owner']);
  assert.deepEqual(scope.paths.sort(), ['/a', '/b'], 'A and B refer to Owner; C does not');
  // A component nothing refers to: itself only.
  const unused = base();
  unused.components.schemas.Unused = { type: 'integer' };
  assert.deepEqual(touched(version(base()), version(unused)), { ...emptyScope(), components: ['/components/schemas/Unused'] });
});

test('an edit in another file touches the path items that reach it', () => {
  const edited = things();
  edited.item.get.responses['204'].description = 'nothing';
  const scope = touched(version(base(), { [PATHS_FILE]: things() }), version(base(), { [PATHS_FILE]: edited }));
  assert.deepEqual(scope, { paths: ['/d/{id}'], components: [], files: [PATHS_FILE], all: false });
});

test('scopes add up', () => {
  const a = { ...emptyScope(), paths: ['/a'] };
  const b = { ...emptyScope(), paths: ['/a', '/b'], components: ['/components/schemas/C'] };
  assert.deepEqual(unionScope(a, b), { paths: ['/a', '/b'], components: ['/components/schemas/C'], files: [], all: false });
});

test('sameJson compares values, key order included', () => {
  assert.ok(sameJson({ a: [1, { b: null }] }, { a: [1, { b: null }] }));
  assert.ok(!sameJson({ a: 1, b: 2 }, { b: 2, a: 1 }));
  assert.ok(!sameJson([1], { 0: 1 }));
});

test('inScope: touched path items and components, the rest of the root, changed files', () => {
  const scope = { paths: ['/a/{id}'], components: ['/components/schemas/Owner'], files: [PATHS_FILE], all: false };
  const fileOf = (url: string) => url.replace('file:///ws/', '');
  const at = (pointer: string, file = 'openapi.json'): Finding => ({ file, pointer, code: 'x' });
  const yes = (f: Finding) => inScope(scope, f, 'openapi.json', fileOf);
  assert.ok(yes(at('/paths/~1a~1{id}/get')));
  assert.ok(!yes(at('/paths/~1b/get')));
  assert.ok(yes(at('/components/schemas/Owner/properties')));
  assert.ok(!yes(at('/components/schemas/A')));
  assert.ok(yes(at('/info')), 'the pruned document keeps the rest of the root');
  assert.ok(yes(at('')));
  assert.ok(!yes(at('/webhooks/new')), 'webhooks are left to the full lint');
  assert.ok(yes(at('/item/get', 'paths/things.json')));
  assert.ok(!yes(at('/item', 'components/other.json')));
});

test('mergeLint: pruned findings inside the scope, full findings outside it, whole-document rules from the full lint', () => {
  const scope = { ...emptyScope(), paths: ['/a'] };
  const f = (pointer: string, code: string, from: string) => ({ file: 'openapi.json', pointer, code, from });
  const full = [f('/paths/~1a/get', 'operation-description', 'full'), f('/paths/~1b/get', 'operation-description', 'full'), f('/paths/~1a/get', 'operation-operationId-unique', 'full'), f('/info', 'info-contact', 'full')];
  const pruned = [f('/paths/~1a/get', 'operation-tags', 'pruned'), f('/paths/~1a/get', 'operation-operationId-unique', 'pruned'), f('/components/schemas/A', 'oas3-unused-component', 'pruned'), f('/components/schemas/Owner', 'x', 'pruned'), f('/info', 'info-contact', 'pruned')];
  const own = [f('/paths/~1a', 'x-portico', 'own')];
  const merged = mergeLint({ full, pruned, own, scope, rootFile: 'openapi.json', fileOf: (u) => u, isOwn: () => false });
  assert.deepEqual(
    merged.map((m) => `${m.from} ${m.code} ${m.pointer}`).sort(),
    [
      'full operation-description /paths/~1b/get', // outside the scope
      'full operation-operationId-unique /paths/~1a/get', // whole-document rule: the full lint's
      'own x-portico /paths/~1a',
      'pruned info-contact /info',
      'pruned operation-tags /paths/~1a/get',
    ].sort(),
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { policies } from './index.js';
import { policiesReference } from './reference.js';

test('docs/policies.md is the reference generated from the catalog', () => {
  const checkedIn = readFileSync(new URL('../../docs/policies.md', import.meta.url), 'utf8');
  assert.equal(checkedIn, policiesReference(policies), 'run `npm run docs:policies` to regenerate docs/policies.md');
});

test('every policy of the catalog has an example that its own config accepts', () => {
  for (const policy of policies) {
    assert.ok(policy.example !== undefined, `${policy.id} has an example`);
    assert.equal(policy.config.safeParse(policy.example).success, true, `${policy.id}'s example is valid`);
  }
});

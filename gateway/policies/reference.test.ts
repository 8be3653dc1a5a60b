import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { policiesDocument } from '../../scripts/policies-doc.js';
import { policies } from './index.js';

test('docs/policies.md is the reference generated from the catalog and the exporters\' reports', async () => {
  const checkedIn = readFileSync(new URL('../../docs/policies.md', import.meta.url), 'utf8');
  assert.equal(checkedIn, await policiesDocument(), 'run `node --import tsx scripts/write-policies-doc.ts` to regenerate docs/policies.md');
});

test('every policy of the catalog has an example that its own config accepts', () => {
  for (const policy of policies) {
    assert.ok(policy.example !== undefined, `${policy.id} has an example`);
    assert.equal(policy.config.safeParse(policy.example).success, true, `${policy.id}'s example is valid`);
  }
});

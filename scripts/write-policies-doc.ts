// Writes docs/policies.md from the policy catalog (`node --import tsx scripts/write-policies-doc.ts`); gateway/policies/reference.test.ts checks it.
import { writeFileSync } from 'node:fs';
import { policies } from '../gateway/policies/index.js';
import { policiesReference } from '../gateway/policies/reference.js';

const target = new URL('../docs/policies.md', import.meta.url);
writeFileSync(target, policiesReference(policies));
console.log(`wrote ${target.pathname}`);

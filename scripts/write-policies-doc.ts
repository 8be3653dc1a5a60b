// Writes docs/policies.md from the policy catalog and the exporters' reports (`node --import tsx scripts/write-policies-doc.ts`);
// gateway/policies/reference.test.ts checks it.
import { writeFileSync } from 'node:fs';
import { policiesDocument } from './policies-doc.js';

const target = new URL('../docs/policies.md', import.meta.url);
writeFileSync(target, await policiesDocument());
console.log(`wrote ${target.pathname}`);

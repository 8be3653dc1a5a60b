// Writes resources/schemas/x-portico.schema.json from the policies' zod configs (`npm run schema`).
import { writeFileSync } from 'node:fs';
import { extensionJsonSchema } from '../gateway/pipeline/extension.js';
import { policies } from '../gateway/policies/index.js';

const target = new URL('../resources/schemas/x-portico.schema.json', import.meta.url);
writeFileSync(target, JSON.stringify(extensionJsonSchema(policies), null, 2) + '\n');
console.log(`wrote ${target.pathname}`);

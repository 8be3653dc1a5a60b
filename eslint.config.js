// Lint, and the layering of ../shared/ARCHITECTURE.md checked by a machine rather than by memory.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const zone = (target, from, message) => ({ target, from, message });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'test-results/**', '**/*.tmp.ts', 'resources/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    // Layering binds the product's modules; tests may reach across layers to drive the real thing.
    ignores: ['**/*.test.ts', '**/*.test.tsx', '**/test-support/**'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone('./gateway/contract', './gateway', 'gateway/contract is a leaf: it imports only zod.'),
            { ...zone('./renderer', './gateway', 'The renderer reaches the engine only through gateway/contract.'), except: ['./contract'] },
            zone('./renderer', './electron', 'The renderer never imports the desktop shell.'),
            zone('./electron', './gateway/!(contract)/**', 'The shell reaches the engine through the process boundary; only gateway/contract is shared.'),
            zone('./gateway/policies', './gateway/!(pipeline|contract|policies)/**', 'Policies see requests through PolicyContext: no server, proxy or SQLite.'),
            zone('./gateway/pipeline', './gateway/!(pipeline|openapi|contract)/**', 'The pipeline compiles designs; it does not know servers, storage or policies by import.'),
            zone('./gateway/openapi', './gateway/!(openapi)/**', 'Loading a design depends on nothing else of ours.'),
            zone('./gateway/traffic', './gateway/!(traffic)/**', 'All SQL lives in gateway/traffic, which depends on nothing else of ours.'),
            zone('./gateway/proxy', './gateway/!(proxy|pipeline)/**', 'The proxy forwards; it knows nothing of designs or storage.'),
            zone('./gateway/mock', './gateway/!(mock|openapi|validation)/**', 'The mock answers from the design only.'),
            zone('./gateway/validation', './gateway/!(validation|openapi)/**', 'Validation knows designs only.'),
            zone('./gateway/export', './gateway/!(export|pipeline|openapi|policies|contract)/**', 'Exports are pure functions of a design: no HTTP server, SQLite or proxy.'),
            zone(['./gateway/openapi', './gateway/pipeline', './gateway/policies', './gateway/mock', './gateway/proxy', './gateway/traffic', './gateway/validation', './gateway/consumers', './gateway/export'], './gateway/services', 'services combine the parts; the parts do not call services.'),
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['**/*.test.ts', '**/test-support/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);

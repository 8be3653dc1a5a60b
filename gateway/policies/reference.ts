import { stringify } from 'yaml';
import { z } from 'zod';
import type { PolicyDefinition } from '../pipeline/policy.js';

/**
 * docs/policies.md, generated from the catalog (`node --import tsx scripts/write-policies-doc.ts`) and checked by a test, so the reference
 * cannot drift from the zod configs it describes.
 */

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  pattern?: string;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeOf))].join(' \\| ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'value'} list`;
  if (schema.type === 'object') return schema.properties ? 'object' : 'map';
  return Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'value');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function fieldRows(schema: JsonSchema, prefix = ''): string[] {
  const rows: string[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const required = schema.required?.includes(name) && field.default === undefined ? 'yes' : '';
    const fallback = field.default === undefined ? '' : `\`${JSON.stringify(field.default)}\``;
    rows.push(`| \`${prefix}${name}\` | ${typeOf(field)} | ${required} | ${fallback} | ${cell(field.description ?? '')} |`);
    if (field.type === 'object' && field.properties) rows.push(...fieldRows(field, `${prefix}${name}.`));
    for (const alternative of field.anyOf ?? []) if (alternative.type === 'object' && alternative.properties) rows.push(...fieldRows(alternative, `${prefix}${name}.`));
  }
  return rows;
}

/** Per policy id and export target: exported as is, approximately, or not (as the exporters report on a design that uses every policy). */
export type ExportSupport = Map<string, Record<string, 'yes' | 'approximate' | 'no'>>;

const SUPPORT_WORDS = { yes: 'yes', approximate: 'approximate', no: 'no' } as const;

export function policiesReference(policies: readonly PolicyDefinition[], exports?: { targets: string[]; support: ExportSupport }): string {
  const out: string[] = [
    '# Policy reference',
    '',
    '<!-- Generated from gateway/policies and the exporters\' reports by `node --import tsx scripts/write-policies-doc.ts`; a test keeps it in sync. Do not edit by hand. -->',
    '',
    'Policies are applied in `x-portico`: globally (`apply` at the document level, first) and per operation (`apply` in the operation), in order; the response phase runs in reverse. A policy is used in place (`{ use: <id>, with: { ... } }`) or as a named instance under `x-portico.policies`. `portico policies --json` prints the same catalog with the JSON Schema of each configuration. Durations are written `500ms`, `10s`, `1m`, `1h`, `1d`; sizes `512b`, `1kb`, `10mb`.',
    '',
    exports
      ? `Export targets: the table says, per policy, whether \`portico export\` expresses it in each target (${exports.targets.join(', ')}): **yes**, **approximate** (the export report says how it differs) or **no** (the export report says what to do instead). It is read from the exporters' own reports on \`resources/fixtures/export/every-policy.yaml\`, a design that uses every policy; a particular configuration may fare better or worse.`
      : 'Export targets: not computed.',
    '',
    '**Security schemes.** An operation whose `security` names a scheme is authenticated even without an explicit auth policy (`api-key`, `basic-auth` or `jwt` in its chain replaces this): `apiKey` → `api-key`; `http` `basic` → `basic-auth`; `openIdConnect` → `jwt` with the scheme\'s `openIdConnectUrl` (discovery on first use gives the keys and the issuer; an `x-portico` object on the scheme adds `jwt` settings such as `audience`); `http` `bearer` and `oauth2` → `jwt`, configured by an `x-portico` object on the scheme holding the `jwt` configuration (without it a request must still carry a bearer token, which is not verified, and start-up warns). Requirements are OR-ed, the schemes inside one requirement AND-ed.',
    '',
    '```yaml',
    'components:',
    '  securitySchemes:',
    '    idp:',
    '      type: openIdConnect',
    '      openIdConnectUrl: https://idp.example.com/.well-known/openid-configuration',
    '      x-portico: { audience: shop-api }',
    '```',
    '',
    `| id | title | phase |${exports ? exports.targets.map((t) => ` ${t} |`).join('') : ''}`,
    `| --- | --- | --- |${exports ? exports.targets.map(() => ' --- |').join('') : ''}`,
    ...policies.map((p) => `| [\`${p.id}\`](#${p.id}) | ${p.title} | ${p.phase} |${exports ? exports.targets.map((t) => ` ${SUPPORT_WORDS[exports.support.get(p.id)?.[t] ?? 'no']} |`).join('') : ''}`),
    '',
  ];
  for (const policy of policies) {
    const schema = z.toJSONSchema(policy.config, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    out.push(`## ${policy.id}`, '', `**${policy.title}** (${policy.phase} phase${policy.terminal ? ', terminal: must be last' : ''}${policy.preflight ? ', runs on CORS preflight' : ''}). ${policy.description}`, '');
    if (policy.replaysRequest) {
      out.push('Request bodies: held in memory when the Content-Length is within the body limit (`x-portico.limits.body`), so the request can be sent again; a larger or chunked body streams through and its request is not sent twice.', '');
    }
    if (exports) {
      const row = exports.support.get(policy.id) ?? {};
      out.push(`Exports: ${exports.targets.map((t) => `${t} ${SUPPORT_WORDS[row[t] ?? 'no']}`).join(', ')}.`, '');
    }
    const rows = fieldRows(schema);
    if (rows.length > 0) out.push('| field | type | required | default | meaning |', '| --- | --- | --- | --- | --- |', ...rows, '');
    if (policy.example !== undefined) {
      const example = stringify({ 'x-portico': { apply: [{ use: policy.id, with: policy.example }] } }, { lineWidth: 0 });
      out.push('```yaml', example.trimEnd(), '```', '');
    }
  }
  return out.join('\n');
}

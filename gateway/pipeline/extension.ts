import { z } from 'zod';
import { duration, size } from './units.js';
import type { PolicyDefinition } from './policy.js';

/**
 * The `x-portico` extension: the design is the gateway's config.
 * Field names are a contract with users' documents: add fields, never rename.
 */

const policyName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a policy name: letters, digits, _ . -');

/** A policy written in place: `{ use: rate-limit, with: { ... } }`. */
export const inlinePolicy = z
  .object({
    use: z.string().describe('Policy id from the catalog (`portico policies`).'),
    with: z.unknown().optional().describe("The policy's configuration."),
  })
  .strict();

/** An entry of an `apply` list: a named instance, or one written in place. */
export const policyReference = z.union([policyName, inlinePolicy]);

export const upstream = z
  .object({
    url: z.string().min(1).describe('http: or https: URL; ${ENV_VAR} is replaced from the environment.'),
    timeout: duration.default(30_000).describe('Time to the response headers, and idle limit while streaming.'),
    insecure: z.boolean().default(false).describe('Accept an https upstream whose certificate cannot be verified.'),
    preserveHost: z.boolean().default(false).describe("Send the client's Host header instead of the upstream's."),
  })
  .strict();

export const documentExtension = z
  .object({
    upstreams: z.record(policyName, upstream).optional(),
    policies: z.record(policyName, inlinePolicy).optional().describe('Named, reusable policy instances.'),
    apply: z.array(policyReference).optional().describe('Policies for every route, run before the route’s own.'),
    upstream: policyName.optional().describe('Upstream for operations that name none (otherwise they are mocked).'),
    limits: z
      .object({ body: size.default(10 * 1024 * 1024).describe('Largest request body read whole (mocking, validation); 413 beyond.') })
      .strict()
      .optional(),
  })
  .strict();

export const operationExtension = z
  .object({
    upstream: policyName.optional().describe('Proxy this operation to the named upstream.'),
    mock: z.boolean().optional().describe('Answer from the description even when an upstream is named.'),
    apply: z.array(policyReference).optional().describe('Policies for this route, after the global ones.'),
  })
  .strict();

export type DocumentExtension = z.output<typeof documentExtension>;
export type OperationExtension = z.output<typeof operationExtension>;
export type PolicyReference = z.output<typeof policyReference>;
export type UpstreamDefinition = z.output<typeof upstream>;

/**
 * JSON Schema of the extension for editors and docs, with each policy's own config schema,
 * so that `with:` completes and validates per `use:`.
 */
export function extensionJsonSchema(policies: readonly PolicyDefinition[]): Record<string, unknown> {
  const toSchema = (schema: z.ZodType) => {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  };
  const policyInstance = {
    oneOf: policies.map((policy) => ({
      type: 'object',
      title: policy.title,
      description: policy.description,
      properties: { use: { const: policy.id }, with: toSchema(policy.config) },
      required: ['use'],
      additionalProperties: false,
    })),
  };
  const reference = { anyOf: [{ type: 'string', description: 'Name of a policy in x-portico.policies' }, { $ref: '#/$defs/policyInstance' }] };
  const document = toSchema(documentExtension) as { properties: Record<string, unknown> };
  const operation = toSchema(operationExtension) as { properties: Record<string, unknown> };
  document.properties.policies = { type: 'object', additionalProperties: { $ref: '#/$defs/policyInstance' } };
  document.properties.apply = { type: 'array', items: reference };
  operation.properties.apply = { type: 'array', items: reference };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:portico:x-portico.schema.json',
    title: 'x-portico',
    description: 'Portico gateway configuration inside an OpenAPI document: at the document level and on each operation.',
    $defs: { document, operation, policyInstance },
    anyOf: [{ $ref: '#/$defs/document' }, { $ref: '#/$defs/operation' }],
  };
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addUriSchemePlugin } from '@hyperjump/browser';
import { setShouldValidateFormat, validate } from '@hyperjump/json-schema/openapi-3-1';
import '@hyperjump/json-schema/openapi-3-0';
import '@hyperjump/json-schema/formats';
import { BASIC } from '@hyperjump/json-schema/experimental';
import type { Design } from '../openapi/design.js';
import { listOperations } from '../openapi/operations.js';
import { designFromFile } from '../validation/test-support.js';
import { schemaCheck } from '../validation/ajv.js';
import { isJsonMediaType } from '../validation/media-type.js';
import { createRequestValidator } from '../validation/request.js';
import { generateValid } from './generate.js';
import { createMocker, WARNING_HEADER } from './mocker.js';
import { isXmlMediaType } from './xml.js';

/**
 * Every documented response of every operation of every fixture (and bundled example) is mocked with a
 * generated body (`Prefer: dynamic=true`, so documented examples do not stand in for the generator) and
 * checked by an independent validator: @hyperjump/json-schema with its OpenAPI 3.0/3.1 dialects.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const sources = [join(root, 'resources/fixtures/public-apis'), join(root, 'resources/examples')];

function specFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...specFiles(path));
    else if (/\.(json|ya?ml)$/.test(name)) out.push(path);
  }
  return out;
}

/** OpenAPI's rule that JSON Schema does not know: a required writeOnly property is required in requests only. */
function relaxWriteOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relaxWriteOnly);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = relaxWriteOnly(v);
  if (Array.isArray(out.required) && out.properties && typeof out.properties === 'object') {
    const properties = out.properties as Record<string, { writeOnly?: unknown }>;
    out.required = out.required.filter((name) => properties[name as string]?.writeOnly !== true);
  }
  return out;
}

/**
 * The validator reads the design's files as parsed (the same values the mock used, writeOnly relaxed),
 * under a scheme of their own so that relative `$ref`s between files resolve as they do on disk.
 */
const served = new Map<string, { value: unknown; contentType: string }>();
addUriSchemePlugin('portico-test', {
  retrieve: async (uri: string) => {
    const entry = served.get(uri.replace(/#.*$/, ''));
    if (!entry) return new Response('not found', { status: 404 });
    const response = new Response(JSON.stringify(entry.value), {
      headers: { 'content-type': entry.contentType },
    });
    Object.defineProperty(response, 'url', { value: uri.replace(/#.*$/, '') });
    return response;
  },
});

function serve(design: Design): string {
  // The root is an OpenAPI document; other files are fragments, read as schema documents of the OpenAPI dialect.
  const dialect = design.version === '3.1' ? 'https://spec.openapis.org/oas/3.1/dialect/base' : 'https://spec.openapis.org/oas/3.0/dialect';
  for (const [url, file] of design.files) {
    const contentType = url === design.rootUrl ? 'application/openapi+json' : `application/schema+json; schema="${dialect}"`;
    served.set(url.replace(/^file:/, 'portico-test:'), { value: relaxWriteOnly(file.value), contentType });
  }
  return design.rootUrl.replace(/^file:/, 'portico-test:');
}

async function load(file: string): Promise<Design> {
  try {
    const { loadDesign } = (await import('../openapi/load.js')) as { loadDesign(path: string): Promise<Design> };
    return await loadDesign(file);
  } catch {
    return designFromFile(file);
  }
}

test('generated mock bodies validate against their schemas (independent validator)', async () => {
  let checked = 0;
  let withoutBody = 0;
  let xmlBodies = 0;
  const failures: string[] = [];
  try {
    const files = sources.flatMap(specFiles);
    assert.ok(files.length >= 5, 'fixtures present');
    for (const file of files) {
      const first = readFileSync(file, 'utf8').slice(0, 2000);
      if (!/["']?openapi["']?\s*:/.test(first)) continue; // a file referenced by a design, not a design
      const design = await load(file);
      serve(design);
      // Formats are checked for 3.1 only: with format checks on, @hyperjump 1.18 rejects 3.0 documents
      // themselves (its 3.0 dialect checks `$ref` as a uri-reference and fails on "#/components/...").
      setShouldValidateFormat(design.version === '3.1');
      for (const operation of listOperations(design)) {
        const mock = createMocker(design, operation);
        for (const [key, response] of operation.responses) {
          const code = key === 'default' ? '599' : key.replace(/XX$/i, '00');
          const content = design.get<Record<string, unknown>>(response, 'content');
          const types = content && typeof content.value === 'object' && content.value ? Object.keys(content.value) : [];
          const where = `${relative(root, file)} ${operation.method} ${operation.path} ${key}`;
          if (types.length === 0) {
            const result = mock({ headers: { prefer: `code=${code}` } });
            assert.ok(!('problem' in result), where);
            assert.equal(result.body, undefined, where);
            withoutBody++;
            continue;
          }
          for (const type of types) {
            const media = design.get(content!, type)!;
            const schema = design.child(media, 'schema');
            const accept = type.includes('*') ? 'application/json' : type;
            const result = mock({ headers: { accept, prefer: `code=${code}, dynamic=true` } });
            if ('problem' in result) {
              failures.push(`${where} ${type}: problem ${JSON.stringify(result.problem)}`);
              continue;
            }
            if (!schema) continue;
            if (result.headers[WARNING_HEADER]) failures.push(`${where} ${type}: ${result.headers[WARNING_HEADER]}`);
            const text = result.body?.toString('utf8') ?? '';
            if (isXmlMediaType(result.contentType ?? '')) {
              // Written from a value Ajv checked against the schema (a failed check shows as the warning above);
              // here: XML, not JSON. xml.test.ts checks how the schema's xml hints shape it.
              if (!/^<\?xml version="1.0" encoding="UTF-8"\?>\n<[A-Za-z_]/.test(text) || text.includes('{"')) failures.push(`${where} ${type}: not an XML body: ${text.slice(0, 120)}`);
              xmlBodies++;
              continue;
            }
            let value: unknown;
            try {
              value = /json/i.test(result.contentType ?? '') ? JSON.parse(text) : text;
            } catch {
              failures.push(`${where} ${type}: body is not JSON`);
              continue;
            }
            if (typeof value === 'string' && !/json/i.test(result.contentType ?? '')) {
              // Non-JSON media: a string body stands for itself; JSON-serialized values are parsed back.
              try {
                value = JSON.parse(text);
              } catch {
                // plain text
              }
            }
            let output;
            try {
              output = await validate(`${schema.file.replace(/^file:/, 'portico-test:')}#${encodeURI(schema.pointer)}`, value as never);
            } catch (error) {
              failures.push(`${where} ${type}: validator error ${(error as Error).message} ${JSON.stringify((error as { output?: unknown }).output)?.slice(0, 600)}`);
              continue;
            }
            checked++;
            if (!output.valid) {
              const detail = await validate(`${schema.file.replace(/^file:/, 'portico-test:')}#${encodeURI(schema.pointer)}`, value as never, BASIC);
              failures.push(`${where} ${type}: ${text.slice(0, 200)} ${JSON.stringify((detail as { errors?: unknown[] }).errors?.slice(0, 4))}`);
            }
          }
        }
      }
    }
  } finally {
    served.clear();
  }
  console.log(`# mock bodies checked by @hyperjump/json-schema: ${checked} (and ${withoutBody} responses without a body, ${xmlBodies} XML bodies)`);
  assert.deepEqual(failures, []);
  assert.ok(checked >= 250, `only ${checked} bodies checked`);
});

/** Request bodies no value can satisfy under JSON Schema, on purpose in the fixtures (expected to have no valid sample). */
const UNSATISFIABLE = new Set([
  // allOf: [{type: string}, {type: integer}] — a "quirks" case of the ReadMe examples.
  'resources/fixtures/public-apis/schema-types.3.0.json PUT /anything/quirks/polymorphism',
  'resources/fixtures/public-apis/schema-types.3.0.json PATCH /anything/quirks/polymorphism',
  'resources/fixtures/public-apis/schema-types.3.1.json PUT /anything/quirks/polymorphism',
  'resources/fixtures/public-apis/schema-types.3.1.json PATCH /anything/quirks/polymorphism',
  // oneOf of two identical schemas told apart only by a discriminator, which JSON Schema's oneOf ignores.
  'resources/fixtures/public-apis/discriminators.3.0.json POST /potentially-undefined-formData',
]);

test('every request body schema of the fixtures compiles, and a generated request body passes the request validator', async () => {
  let bodies = 0;
  const failures: string[] = [];
  for (const file of sources.flatMap(specFiles)) {
    if (!/["']?openapi["']?\s*:/.test(readFileSync(file, 'utf8').slice(0, 2000))) continue;
    const design = await load(file);
    for (const operation of listOperations(design)) {
      const where = `${relative(root, file)} ${operation.method} ${operation.path}`;
      for (const parameter of operation.parameters) {
        const schema = design.child(parameter, 'schema');
        const error = schema && schemaCheck(design, schema, 'request').compileError;
        if (error) failures.push(`${where} parameter ${parameter.value.name}: ${error}`);
      }
      const content = operation.requestBody && design.get<Record<string, unknown>>(operation.requestBody, 'content');
      if (!content || typeof content.value !== 'object' || content.value === null) continue;
      const validate = createRequestValidator(design, operation, {});
      for (const type of Object.keys(content.value)) {
        if (!isJsonMediaType(type)) continue;
        const schema = design.child(design.get(content, type)!, 'schema');
        if (!schema) continue;
        const generated = generateValid(design, schema, 'request', 1);
        if (!generated.valid) {
          if (UNSATISFIABLE.has(where)) continue;
          failures.push(`${where} ${type}: no valid request body generated: ${generated.problems?.join('; ')}`);
          continue;
        }
        const pathParams = Object.fromEntries(operation.parameters.filter((p) => p.value.in === 'path').map((p) => [p.value.name, '1']));
        const verdict = validate({ pathParams, query: new URLSearchParams(), headers: {}, contentType: type, body: Buffer.from(JSON.stringify(generated.value)) });
        bodies++;
        if (!verdict.ok && verdict.errors.some((e) => e.in === 'body')) failures.push(`${where} ${type}: ${JSON.stringify(verdict.errors.filter((e) => e.in === 'body'))}`);
      }
    }
  }
  console.log(`# generated request bodies accepted by the request validator: ${bodies}`);
  assert.deepEqual(failures, []);
});

import type { IncomingHttpHeaders } from 'node:http';
import type { Design, Node } from '../openapi/design.js';
import type { Operation } from '../openapi/operations.js';
import { ajvFor, schemaCheck } from '../validation/ajv.js';
import { isJsonMediaType, parseMediaType } from '../validation/media-type.js';
import { isXmlMediaType, toXml } from './xml.js';
import { generateValid } from './generate.js';
import { negotiate, orderMediaTypes } from './negotiate.js';
import { parsePrefer } from './prefer.js';
import { hashSeed, warmPatternSampler } from './values.js';

/**
 * The mock of one operation: a response from the description alone.
 *
 * Status: `Prefer: code=NNN` when documented (exactly, by its range `NXX`, or by `default`); otherwise the
 * lowest documented 2xx code, then `2XX` (as 200), then `default` (as 200), then the lowest documented code.
 * Problems (answered as application/problem+json by the server):
 *   400 `Prefer: code` is not a status code · 404 the code or the named example is not documented ·
 *   406 none of the response's media types is acceptable · 500 the operation documents no response.
 * Body: `Prefer: example=name` → that entry of the media type's `examples`; else (unless `Prefer: dynamic=true`)
 * the first entry of `examples`, else the media type's `example`; else a value generated from the schema
 * (schema-level and nested examples are used only where they validate) that validates against it.
 * `dynamic=true` generates a fresh value on each request and ignores examples; otherwise everything is
 * deterministic and the serialized answer is cached per (status, media type, example).
 * Documented response headers get their example, or a value generated from their schema.
 * Returned objects are shared between requests: treat them as read-only.
 */

export interface MockRequest {
  headers: IncomingHttpHeaders;
  pathParams?: Record<string, string>;
}

export interface MockResponse {
  status: number;
  /** Response headers to send, content-type included when there is a body. */
  headers: Readonly<Record<string, string>>;
  body?: Buffer;
  contentType?: string;
}

export interface MockProblem {
  problem: { status: number; title: string; detail: string };
}

export type MockResult = MockResponse | MockProblem;

export type Mocker = (request: MockRequest) => MockResult;

/** Header set on answers whose body could not be made to match its schema, or whose documented example does not. */
export const WARNING_HEADER = 'x-portico-mock-warning';

interface Choice {
  status: number;
  key: string;
  node: Node<Record<string, unknown>>;
}

const FAST_CACHE_LIMIT = 256;

export function createMocker(design: Design, operation: Operation): Mocker {
  const opId = `${operation.method} ${operation.path}`;
  const prepared = new Map<string, MockResult>();
  /** Raw (Accept, Prefer) → answer, for the deterministic case: one Map lookup per request. */
  const fast = new Map<string, MockResult>();
  let defaultChoice: Choice | MockProblem | undefined;

  const choose = (code: number | undefined): Choice | MockProblem => {
    if (code === undefined) return (defaultChoice ??= chooseDefault(operation));
    if (Number.isNaN(code)) return problem(400, 'Invalid Prefer code', 'Prefer: code= must be a status code between 100 and 599.');
    const exact = operation.responses.get(String(code));
    if (exact) return { status: code, key: String(code), node: exact };
    const rangeKey = [...operation.responses.keys()].find((k) => k.toUpperCase() === `${String(code)[0]}XX`);
    if (rangeKey) return { status: code, key: rangeKey, node: operation.responses.get(rangeKey)! };
    const fallback = operation.responses.get('default');
    if (fallback) return { status: code, key: 'default', node: fallback };
    return problem(404, 'Response not documented', `${opId} documents no response for status ${code} (documented: ${[...operation.responses.keys()].join(', ') || 'none'}).`);
  };

  const answer = (request: MockRequest, dynamic: boolean): MockResult => {
    const prefer = parsePrefer(request.headers.prefer);
    const choice = choose(prefer.code);
    if ('problem' in choice) return choice;
    const content = design.get<Record<string, unknown>>(choice.node, 'content');
    const keys = content && typeof content.value === 'object' && content.value !== null ? Object.keys(content.value) : [];
    const fresh = dynamic && prefer.example === undefined;
    if (keys.length === 0) {
      return cached(`${choice.status}|`, fresh, () => ({ status: choice.status, headers: Object.freeze(headersOf(design, choice, opId, fresh)) }));
    }
    const accept = headerText(request.headers.accept);
    const negotiated = negotiate(accept, orderMediaTypes(keys));
    if (!negotiated) {
      return problem(406, 'Not Acceptable', `${opId} answers ${choice.status} with ${keys.join(', ')}; none matches Accept: ${accept ?? ''}.`);
    }
    const media = design.get<Record<string, unknown>>(content!, negotiated.key)!;
    const cacheKey = `${choice.status}|${negotiated.contentType}|${prefer.example ?? ''}`;
    return cached(cacheKey, fresh, () => {
      const built = buildBody(design, choice, media, negotiated.contentType, prefer.example, fresh, opId);
      if ('problem' in built) return built;
      const headers = headersOf(design, choice, opId, fresh);
      if (built.body !== undefined) headers['content-type'] = negotiated.contentType;
      if (built.warning) headers[WARNING_HEADER] = built.warning;
      return {
        status: choice.status,
        headers: Object.freeze(headers),
        ...(built.body !== undefined && { body: built.body, contentType: negotiated.contentType }),
      };
    });
  };

  const cached = (key: string, fresh: boolean, build: () => MockResult): MockResult => {
    if (fresh) return build();
    let result = prepared.get(key);
    if (!result) {
      result = build();
      prepared.set(key, result);
    }
    return result;
  };

  return (request) => {
    const prefer = headerText(request.headers.prefer);
    const dynamic = prefer !== undefined && /dynamic\s*=\s*"?true/i.test(prefer);
    if (dynamic) return answer(request, true);
    const fastKey = `${headerText(request.headers.accept) ?? ''}\n${prefer ?? ''}`;
    let result = fast.get(fastKey);
    if (!result) {
      result = answer(request, false);
      if (fast.size >= FAST_CACHE_LIMIT) fast.clear();
      fast.set(fastKey, result);
    }
    return result;
  };
}

/**
 * Optional: does now what the first mocked request would otherwise pay for (loading Ajv and the regex
 * sampler, adding the design's files to Ajv). Call it after the gateway listens, e.g. in `setImmediate`.
 */
export function prewarmMock(design: Design): void {
  warmPatternSampler();
  ajvFor(design, 'response');
}

function chooseDefault(operation: Operation): Choice | MockProblem {
  const exact = [...operation.responses.keys()].filter((k) => /^\d{3}$/.test(k)).sort();
  const success = exact.find((k) => k.startsWith('2'));
  const pickKey = (key: string, status: number): Choice => ({ status, key, node: operation.responses.get(key)! });
  if (success) return pickKey(success, Number(success));
  const range2 = [...operation.responses.keys()].find((k) => k.toUpperCase() === '2XX');
  if (range2) return pickKey(range2, 200);
  if (operation.responses.has('default')) return pickKey('default', 200);
  if (exact[0]) return pickKey(exact[0], Number(exact[0]));
  const range = [...operation.responses.keys()].filter((k) => /^[1-5]XX$/i.test(k)).sort()[0];
  if (range) return pickKey(range, Number(range[0]) * 100);
  return problem(500, 'No response documented', `${operation.method} ${operation.path} documents no response.`);
}

function problem(status: number, title: string, detail: string): MockProblem {
  return { problem: { status, title, detail } };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

interface Built {
  body?: Buffer;
  warning?: string;
}

function buildBody(
  design: Design,
  choice: Choice,
  media: Node<Record<string, unknown>>,
  contentType: string,
  exampleName: string | undefined,
  fresh: boolean,
  opId: string,
): Built | MockProblem {
  const schema = design.child(media, 'schema');
  const examples = design.get<Record<string, unknown>>(media, 'examples');
  const names = examples && typeof examples.value === 'object' && examples.value !== null ? Object.keys(examples.value) : [];

  let value: unknown;
  let found = false;
  let fromExample = false;
  if (exampleName !== undefined) {
    const example = names.includes(exampleName) ? exampleValue(design, examples!, exampleName) : undefined;
    if (!example) {
      return problem(404, 'Example not found', `${opId} ${choice.status} ${contentType} has no example "${exampleName}" (examples: ${names.join(', ') || 'none'}).`);
    }
    ({ value } = example);
    found = fromExample = true;
  } else if (!fresh) {
    for (const name of names) {
      const example = exampleValue(design, examples!, name);
      if (example) {
        ({ value } = example);
        found = fromExample = true;
        break;
      }
    }
    if (!found && Object.prototype.hasOwnProperty.call(media.value, 'example')) {
      value = media.value.example;
      found = fromExample = true;
    }
  }

  let warning: string | undefined;
  if (!found && schema) {
    const seed = fresh ? (Math.random() * 2 ** 32) >>> 0 : hashSeed(`${opId}|${choice.status}|${parseMediaType(contentType)}`);
    const generated = generateValid(design, schema, 'response', seed);
    value = generated.value;
    found = value !== undefined;
    if (!generated.valid) warning = `generated body does not match the schema: ${generated.problems?.join('; ') ?? ''}`;
  } else if (fromExample && schema && isJsonMediaType(contentType)) {
    const check = schemaCheck(design, schema, 'response');
    if (!check(value)) warning = `example does not match the schema (${check.errors.length} violation${check.errors.length === 1 ? '' : 's'})`;
  }
  if (!found) return {};
  // A value for an XML media type is written as XML: generated ones, and examples written as YAML/JSON data (an
  // example string is the XML itself).
  const xml = isXmlMediaType(contentType) && !Buffer.isBuffer(value) && (!fromExample || (value !== null && typeof value === 'object'));
  const body = xml ? Buffer.from(toXml(design, schema, value)) : serialize(value, contentType);
  return { body, ...(warning !== undefined && { warning }) };
}

function exampleValue(design: Design, examples: Node, name: string): { value: unknown } | undefined {
  const example = design.get<Record<string, unknown>>(examples, name);
  if (!example || typeof example.value !== 'object' || example.value === null) return undefined;
  if (!Object.prototype.hasOwnProperty.call(example.value, 'value')) return undefined;
  return { value: example.value.value };
}

export function serialize(value: unknown, contentType: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (isJsonMediaType(contentType)) return Buffer.from(JSON.stringify(value) ?? 'null');
  if (typeof value === 'string') return Buffer.from(value);
  return Buffer.from(JSON.stringify(value) ?? '');
}

function headersOf(design: Design, choice: Choice, opId: string, fresh: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const headers = design.get<Record<string, unknown>>(choice.node, 'headers');
  if (!headers || typeof headers.value !== 'object' || headers.value === null) return out;
  for (const name of Object.keys(headers.value)) {
    const lower = name.toLowerCase();
    if (lower === 'content-type' || lower === 'content-length' || lower === 'transfer-encoding') continue;
    const header = design.get<Record<string, unknown>>(headers, name);
    if (!header || typeof header.value !== 'object' || header.value === null) continue;
    let value: unknown;
    let found = false;
    if (!fresh && 'example' in header.value) {
      value = header.value.example;
      found = true;
    } else if (!fresh) {
      const examples = design.get<Record<string, unknown>>(header, 'examples');
      const first = examples && typeof examples.value === 'object' && examples.value ? Object.keys(examples.value)[0] : undefined;
      const example = first === undefined ? undefined : exampleValue(design, examples!, first);
      if (example) {
        value = example.value;
        found = true;
      }
    }
    if (!found) {
      const schema = design.child(header, 'schema') ?? schemaOfContent(design, header);
      if (!schema) continue;
      const seed = fresh ? (Math.random() * 2 ** 32) >>> 0 : hashSeed(`${opId}|${choice.status}|header:${lower}`);
      value = generateValid(design, schema, 'response', seed).value;
    }
    const text = headerValue(value);
    if (text !== undefined) out[lower] = text;
  }
  return out;
}

function schemaOfContent(design: Design, header: Node): Node | undefined {
  const content = design.get<Record<string, unknown>>(header, 'content');
  const first = content && typeof content.value === 'object' && content.value ? Object.keys(content.value)[0] : undefined;
  if (first === undefined) return undefined;
  const media = design.get(content!, first);
  return media && design.child(media, 'schema');
}

/** Style simple: arrays comma-separated, objects as k,v pairs; characters HTTP forbids in a header value replaced. */
function headerValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let text: string;
  if (Array.isArray(value)) text = value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
  else if (value !== null && typeof value === 'object') text = Object.entries(value).flatMap(([k, v]) => [k, String(v)]).join(',');
  else text = String(value);
  return text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

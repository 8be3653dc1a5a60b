import type { IncomingHttpHeaders } from 'node:http';
import type { Design, Node } from '../openapi/design.js';
import type { Operation } from '../openapi/operations.js';
import { describeError, schemaCheck, type SchemaCheck } from './ajv.js';
import { deserializeQuery, deserializeSingle, parseCookies, shapeOf, type ParamInput } from './params.js';
import { matchMediaType, isJsonMediaType, parseMediaType } from './media-type.js';

/**
 * Request validation against an operation of the design.
 *
 * Status rule (one, documented): 400 when anything about parameters is wrong (missing required, wrong type,
 * schema violation), when a required body is missing and when a JSON body does not parse; 415 when the
 * body's Content-Type is not one the operation accepts (or is missing while a body is sent); 422 when the
 * body parses but violates its schema. Every violation is reported, not just the first; when several kinds
 * occur the status is the first of 400, 415, 422.
 *
 * Schemas are compiled on the first request of each operation and cached (see ajv.ts).
 */

export interface Violation {
  in: 'path' | 'query' | 'header' | 'cookie' | 'body';
  name?: string;
  /** JSON pointer into the body or the parameter's value ('' for the whole). */
  pointer: string;
  message: string;
  keyword?: string;
}

export interface RequestToValidate {
  pathParams: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  contentType?: string;
  body?: Buffer;
}

export type RequestVerdict =
  | { ok: true; body?: unknown }
  | { ok: false; status: 400 | 415 | 422; errors: Violation[] };

export interface RequestValidatorOptions {
  /** Check the body against its schema (default true). Parameters are always checked. */
  validateBody?: boolean;
}

export type RequestValidator = (request: RequestToValidate) => RequestVerdict;

/** Headers OpenAPI says to ignore when declared as parameters. */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

interface ParamPlan extends ParamInput {
  location: Violation['in'];
  key: string;
  required: boolean;
  check?: SchemaCheck;
  /** Parameters described with `content` carry a serialized (JSON) value. */
  json: boolean;
}

interface BodyPlan {
  required: boolean;
  media: { type: string; json: boolean; form: boolean; text: boolean; check?: SchemaCheck; shape: ReturnType<typeof shapeOf> }[];
}

export function createRequestValidator(design: Design, operation: Operation, options: RequestValidatorOptions = {}): RequestValidator {
  let plan: { params: ParamPlan[]; body?: BodyPlan } | undefined;
  return (request) => {
    plan ??= buildPlan(design, operation, options);
    const errors: Violation[] = [];
    let status: 400 | 415 | 422 | undefined;
    const fail = (code: 400 | 415 | 422) => {
      if (status === undefined || code < status) status = code;
    };

    let cookies: URLSearchParams | undefined;
    for (const param of plan.params) {
      let value: unknown;
      if (param.location === 'path') {
        const raw = request.pathParams[param.key];
        value = raw === undefined ? undefined : param.json ? parseJson(raw) : deserializeSingle(raw, param);
      } else if (param.location === 'header') {
        const raw = request.headers[param.key];
        const text = Array.isArray(raw) ? raw.join(',') : raw;
        value = text === undefined ? undefined : param.json ? parseJson(text) : deserializeSingle(text, param);
      } else {
        const source = param.location === 'query' ? request.query : (cookies ??= parseCookies(headerText(request.headers.cookie)));
        if (param.json) {
          const raw = source.get(param.key);
          value = raw === null ? undefined : parseJson(raw);
        } else {
          value = deserializeQuery(source, param);
        }
      }
      if (value === undefined) {
        if (param.required) {
          errors.push({ in: param.location, name: param.parameter.name, pointer: '', message: `required ${param.location} parameter "${param.parameter.name}" is missing`, keyword: 'required' });
          fail(400);
        }
        continue;
      }
      if (value === INVALID_JSON) {
        errors.push({ in: param.location, name: param.parameter.name, pointer: '', message: 'is not valid JSON', keyword: 'content' });
        fail(400);
        continue;
      }
      if (param.check && !param.check(value)) {
        for (const error of param.check.errors) {
          const d = describeError(error);
          errors.push({ in: param.location, name: param.parameter.name, pointer: d.pointer, message: d.message, keyword: d.keyword });
        }
        fail(400);
      }
    }

    let parsedBody: unknown;
    const body = plan.body;
    const hasBody = request.body !== undefined && request.body.length > 0;
    if (body) {
      if (!hasBody) {
        if (body.required) {
          errors.push({ in: 'body', pointer: '', message: 'a request body is required', keyword: 'required' });
          fail(400);
        }
      } else {
        const contentType = request.contentType ?? headerText(request.headers['content-type']);
        const media = contentType === undefined ? undefined : matchMediaType(contentType, body.media);
        if (!media) {
          errors.push({
            in: 'body',
            pointer: '',
            message: contentType === undefined
              ? `a Content-Type is required; accepted: ${body.media.map((m) => m.type).join(', ')}`
              : `Content-Type "${parseMediaType(contentType)}" is not accepted; accepted: ${body.media.map((m) => m.type).join(', ')}`,
            keyword: 'contentType',
          });
          fail(415);
        } else {
          const parsed = parseBody(request.body!, media);
          if (parsed === INVALID_JSON) {
            errors.push({ in: 'body', pointer: '', message: 'the body is not valid JSON', keyword: 'parse' });
            fail(400);
          } else {
            parsedBody = parsed;
            if (media.check && options.validateBody !== false && !media.check(parsed)) {
              for (const error of media.check.errors) {
                const d = describeError(error);
                errors.push({ in: 'body', pointer: d.pointer, message: d.message, keyword: d.keyword });
              }
              fail(422);
            }
          }
        }
      }
    }

    if (status !== undefined) return { ok: false, status, errors };
    return parsedBody === undefined ? { ok: true } : { ok: true, body: parsedBody };
  };
}

const INVALID_JSON = Symbol('invalid JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function parseBody(raw: Buffer, media: BodyPlan['media'][number]): unknown {
  if (media.json) return parseJson(raw.toString('utf8'));
  if (media.form) {
    const form = new URLSearchParams(raw.toString('utf8'));
    const out: Record<string, unknown> = {};
    for (const key of new Set(form.keys())) {
      const property = media.shape.properties.get(key) ?? media.shape.additional;
      const input: ParamInput = { parameter: { name: key, in: 'query', style: 'form', explode: true }, shape: property ?? { types: new Set(), properties: new Map() } };
      out[key] = deserializeQuery(form, input);
    }
    return out;
  }
  if (media.text) return raw.toString('utf8');
  return raw;
}

function buildPlan(design: Design, operation: Operation, options: RequestValidatorOptions) {
  const params: ParamPlan[] = [];
  for (const node of operation.parameters) {
    const parameter = node.value;
    if (!parameter || typeof parameter.name !== 'string') continue;
    const location = parameter.in;
    if (location !== 'path' && location !== 'query' && location !== 'header' && location !== 'cookie') continue;
    if (location === 'header' && IGNORED_HEADERS.has(parameter.name.toLowerCase())) continue;
    let schemaNode = design.child(node, 'schema');
    let json = false;
    if (!schemaNode) {
      const content = design.child<Record<string, unknown>>(node, 'content');
      const first = content && typeof content.value === 'object' && content.value ? Object.keys(content.value)[0] : undefined;
      if (first !== undefined) {
        const media = design.get(content!, first);
        schemaNode = media && design.child(media, 'schema');
        json = isJsonMediaType(first);
      }
    }
    params.push({
      parameter,
      location,
      key: location === 'header' ? parameter.name.toLowerCase() : parameter.name,
      required: parameter.required === true || location === 'path',
      shape: shapeOf(design, schemaNode),
      json,
      ...(schemaNode && { check: schemaCheck(design, schemaNode, 'request') }),
    });
  }

  let body: BodyPlan | undefined;
  const requestBody = operation.requestBody;
  if (requestBody) {
    const content = design.get<Record<string, unknown>>(requestBody, 'content');
    const media: BodyPlan['media'] = [];
    if (content && typeof content.value === 'object' && content.value !== null) {
      for (const type of Object.keys(content.value)) {
        const mediaNode = design.get(content, type);
        const schemaNode = mediaNode && design.child(mediaNode, 'schema');
        const base = parseMediaType(type);
        const json = isJsonMediaType(base);
        const form = base === 'application/x-www-form-urlencoded';
        const text = base.startsWith('text/');
        const checkable = json || form || text;
        media.push({
          type,
          json,
          form,
          text,
          shape: shapeOf(design, schemaNode),
          ...(schemaNode && checkable && options.validateBody !== false && { check: schemaCheck(design, schemaNode as Node, 'request') }),
        });
      }
    }
    body = { required: (requestBody.value as { required?: unknown }).required === true, media };
  }
  return body ? { params, body } : { params };
}


import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Design, Node } from '../openapi/design.js';
import type { Operation, ParameterObject } from '../openapi/operations.js';
import type { ContractViolation } from '../pipeline/policy.js';
import { describeError, isJsonMediaType, matchMediaType, parseMediaType, schemaCheck } from '../validation/index.js';
import { deserializeSingle, shapeOf } from '../validation/params.js';

/**
 * A response checked against the operation's documented responses: the status (exact, then `2XX`-style, then
 * `default`), the Content-Type among the documented media types, required headers and header values against their
 * schemas, and a JSON body against its
 * schema (OpenAPI 3.0/3.1 semantics, response direction: writeOnly properties are not required).
 */
export type ResponseValidator = (status: number, headers: IncomingHttpHeaders | OutgoingHttpHeaders, body: Buffer) => ContractViolation[];

export function createResponseValidator(design: Design, operation: Operation): ResponseValidator {
  return (status, headers, body) => {
    const documented = responseFor(operation, status);
    if (!documented) return [{ in: 'status', pointer: '', message: `status ${status} is not documented (documented: ${[...operation.responses.keys()].join(', ') || 'none'})` }];
    const violations: ContractViolation[] = [];
    const declaredHeaders = design.get<Record<string, unknown>>(documented, 'headers');
    for (const name of Object.keys(declaredHeaders?.value ?? {})) {
      const header = design.get<{ required?: boolean; explode?: boolean }>(declaredHeaders!, name);
      if (!header) continue;
      const raw = headers[name.toLowerCase()];
      if (raw === undefined) {
        if (header.value.required === true) violations.push({ in: 'header', name, pointer: '', message: 'is required' });
        continue;
      }
      const schema = design.child(header, 'schema') as Node | undefined;
      if (!schema) continue;
      // Header values are style `simple`, the only style OpenAPI allows for headers.
      const parameter: ParameterObject = { name, in: 'header', style: 'simple', explode: header.value.explode ?? false };
      const value = deserializeSingle(Array.isArray(raw) ? raw.join(', ') : String(raw), { parameter, shape: shapeOf(design, schema) });
      const check = schemaCheck(design, schema, 'response');
      if (!check(value)) for (const error of check.errors) violations.push({ in: 'header', name, ...pick(describeError(error)) });
    }
    const content = design.get<Record<string, unknown>>(documented, 'content');
    const mediaTypes = Object.keys(content?.value ?? {});
    if (mediaTypes.length === 0) {
      if (body.length > 0) violations.push({ in: 'body', pointer: '', message: 'no body is documented for this status' });
      return violations;
    }
    if (body.length === 0) return violations;
    const contentType = headers['content-type'];
    const media = typeof contentType === 'string' ? matchMediaType(contentType, mediaTypes.map((type) => ({ type }))) : undefined;
    if (!media) {
      violations.push({ in: 'header', name: 'Content-Type', pointer: '', message: `${typeof contentType === 'string' ? `"${parseMediaType(contentType)}"` : 'no Content-Type'} is not documented; documented: ${mediaTypes.join(', ')}` });
      return violations;
    }
    const schema = design.child(design.get<Record<string, unknown>>(content!, media.type)!, 'schema') as Node | undefined;
    if (!schema || !isJsonMediaType(media.type)) return violations;
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      violations.push({ in: 'body', pointer: '', message: 'the body is not valid JSON' });
      return violations;
    }
    const check = schemaCheck(design, schema, 'response');
    if (!check(value)) for (const error of check.errors) violations.push({ in: 'body', ...pick(describeError(error)) });
    return violations;
  };
}

function pick(described: { pointer: string; message: string }): { pointer: string; message: string } {
  return { pointer: described.pointer, message: described.message };
}

function responseFor(operation: Operation, status: number): Node<Record<string, unknown>> | undefined {
  const exact = operation.responses.get(String(status));
  if (exact) return exact;
  for (const [key, node] of operation.responses) if (key.toUpperCase() === `${String(status)[0]}XX`) return node;
  return operation.responses.get('default');
}

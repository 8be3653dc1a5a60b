import type { Design, Node } from '../openapi/design.js';
import type { ParameterObject } from '../openapi/operations.js';

/**
 * Parameter deserialization: raw strings of a request → typed values a schema can check.
 * Styles (OpenAPI 3 defaults): query/cookie `form`, path/header `simple`; also path `label` and `matrix`,
 * query `spaceDelimited`, `pipeDelimited` and `deepObject`.
 * Coercion follows the parameter's schema: integer/number/boolean strings become numbers/booleans only
 * when the schema wants them (a value that does not convert stays a string, so the schema check reports it).
 */

export interface SchemaShape {
  /** Types the schema allows, refs and allOf followed; empty when it does not say. */
  types: Set<string>;
  items?: SchemaShape;
  properties: Map<string, SchemaShape>;
  additional?: SchemaShape;
}

const EMPTY: SchemaShape = { types: new Set(), properties: new Map() };

/** The types of a schema and of its items and properties, enough to coerce strings (depth-limited). */
export function shapeOf(design: Design, node: Node | undefined, depth = 0): SchemaShape {
  if (!node || depth > 4) return EMPTY;
  let current: Node;
  try {
    current = design.deref(node);
  } catch {
    return EMPTY;
  }
  const schema = current.value;
  if (schema === null || typeof schema !== 'object') return EMPTY;
  const s = schema as Record<string, unknown>;
  const shape: SchemaShape = { types: new Set(), properties: new Map() };
  if (typeof s.type === 'string') shape.types.add(s.type);
  else if (Array.isArray(s.type)) for (const t of s.type) if (typeof t === 'string') shape.types.add(t);
  if (s.nullable === true) shape.types.add('null');
  const items = design.child(current, 'items');
  if (items && !Array.isArray(items.value)) shape.items = shapeOf(design, items, depth + 1);
  const properties = design.child<Record<string, unknown>>(current, 'properties');
  if (properties && typeof properties.value === 'object' && properties.value !== null) {
    for (const name of Object.keys(properties.value)) {
      shape.properties.set(name, shapeOf(design, design.child(properties, name), depth + 1));
    }
  }
  const additional = design.child(current, 'additionalProperties');
  if (additional && typeof additional.value === 'object') shape.additional = shapeOf(design, additional, depth + 1);
  for (const combinator of ['allOf', 'oneOf', 'anyOf']) {
    const list = design.child<unknown[]>(current, combinator);
    if (!list || !Array.isArray(list.value)) continue;
    for (let i = 0; i < list.value.length; i++) merge(shape, shapeOf(design, design.child(list, i), depth + 1));
  }
  if (shape.types.size === 0) {
    if (shape.items) shape.types.add('array');
    else if (shape.properties.size > 0) shape.types.add('object');
  }
  return shape;
}

function merge(into: SchemaShape, from: SchemaShape): void {
  for (const t of from.types) into.types.add(t);
  if (from.items && !into.items) into.items = from.items;
  for (const [k, v] of from.properties) if (!into.properties.has(k)) into.properties.set(k, v);
  if (from.additional && !into.additional) into.additional = from.additional;
}

/** A scalar string converted to what the shape wants; left as is when it does not convert. */
export function coerceScalar(raw: string, shape: SchemaShape): unknown {
  const types = shape.types;
  if (types.size === 0 || types.has('string')) return raw;
  if ((types.has('integer') || types.has('number')) && raw.trim() !== '') {
    const n = Number(raw);
    if (Number.isFinite(n) && (types.has('number') || Number.isInteger(n))) return n;
  }
  if (types.has('boolean')) {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
  }
  if (types.has('null') && (raw === '' || raw === 'null')) return null;
  return raw;
}

function coerceList(parts: string[], shape: SchemaShape): unknown[] {
  const itemShape = shape.items ?? EMPTY;
  return parts.map((part) => coerceScalar(part, itemShape));
}

function coerceObject(pairs: [string, string][], shape: SchemaShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of pairs) out[key] = coerceScalar(raw, shape.properties.get(key) ?? shape.additional ?? EMPTY);
  return out;
}

/** Alternating "k,v,k,v" → pairs (simple/form with explode=false). */
function pairsOf(parts: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) pairs.push([parts[i]!, parts[i + 1]!]);
  return pairs;
}

/** "k=v,k2=v2" → pairs (simple/label/matrix with explode=true). */
function keyValues(parts: string[]): [string, string][] {
  return parts.map((part) => {
    const eq = part.indexOf('=');
    return eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
  });
}

export interface ParamInput {
  parameter: ParameterObject;
  shape: SchemaShape;
}

/** Path and header values (one string each): style simple, or label/matrix for path. */
export function deserializeSingle(raw: string, { parameter, shape }: ParamInput): unknown {
  const style = parameter.style ?? 'simple';
  const explode = parameter.explode ?? false;
  let text = raw;
  let separator = ',';
  if (style === 'label') {
    text = raw.startsWith('.') ? raw.slice(1) : raw;
    if (explode) separator = '.';
  } else if (style === 'matrix') {
    const prefix = `;${parameter.name}=`;
    if (shape.types.has('object') && explode) {
      return coerceObject(keyValues(raw.split(';').filter(Boolean)), shape);
    }
    if (shape.types.has('array') && explode) {
      return coerceList(raw.split(';').filter(Boolean).map((p) => p.slice(p.indexOf('=') + 1)), shape);
    }
    text = raw.startsWith(prefix) ? raw.slice(prefix.length) : raw.startsWith(';') ? raw.slice(1) : raw;
  }
  if (shape.types.has('array')) return text === '' ? [] : coerceList(text.split(separator), shape);
  if (shape.types.has('object')) {
    const parts = text.split(separator);
    return coerceObject(explode ? keyValues(parts) : pairsOf(parts), shape);
  }
  return coerceScalar(text, shape);
}

/** Query and cookie values: style form (default), spaceDelimited, pipeDelimited, deepObject. Undefined when absent. */
export function deserializeQuery(query: URLSearchParams, { parameter, shape }: ParamInput): unknown {
  const name = parameter.name;
  const style = parameter.style ?? 'form';
  const explode = parameter.explode ?? style === 'form';
  if (style === 'deepObject' || (shape.types.has('object') && explode && style === 'form')) {
    const pairs: [string, string][] = [];
    const prefix = `${name}[`;
    for (const [key, value] of query) {
      if (style === 'deepObject') {
        if (key.startsWith(prefix) && key.endsWith(']')) pairs.push([key.slice(prefix.length, -1), value]);
      } else if (shape.properties.has(key) || (shape.additional && key !== name)) {
        pairs.push([key, value]);
      }
    }
    if (pairs.length === 0) return query.has(name) ? coerceScalar(query.get(name)!, shape) : undefined;
    return coerceObject(pairs, shape);
  }
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  if (shape.types.has('array')) {
    if (explode && style === 'form') return coerceList(values, shape);
    const separator = style === 'spaceDelimited' ? ' ' : style === 'pipeDelimited' ? '|' : ',';
    return coerceList(values.flatMap((v) => (v === '' ? [] : v.split(separator))), shape);
  }
  if (shape.types.has('object')) return coerceObject(pairsOf(values[0]!.split(',')), shape);
  // A scalar given several times: report it as the list it is, so the type check says so.
  if (values.length > 1) return values.map((v) => coerceScalar(v, shape));
  return coerceScalar(values[0]!, shape);
}

/** Cookie header → name/value pairs (first occurrence wins). */
export function parseCookies(header: string | undefined): URLSearchParams {
  const out = new URLSearchParams();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep the raw value
    }
    if (name && !out.has(name)) out.append(name, value);
  }
  return out;
}

import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { Design, Node } from '../openapi/design.js';

/**
 * The one Ajv wiring of the gateway: request validation and the mock's self-check share it.
 *
 * One Ajv instance per design and direction, created on first use (nothing is compiled at load time).
 * Every file of the design is added whole under its URL, so schemas are compiled by reference
 * (`design.refUri(node)`) and Ajv resolves `$ref`s between them, circular ones included.
 *
 * Dialects: OpenAPI 3.0 schemas run on Ajv's draft-04 flavour (boolean `exclusiveMinimum`, `$ref` siblings
 * ignored) with Ajv's own support for `nullable`; 3.1 schemas run on the 2020-12 flavour.
 *
 * The files Ajv sees are adapted copies, never the design's own values:
 * - `required` drops properties that are `readOnly` (for requests) or `writeOnly` (for responses), as OpenAPI says;
 * - 3.0 `nullable` without a `type` is dropped (OpenAPI 3.0.3: it only widens an explicit `type`);
 * - 3.1 `nullable` is dropped: it is not a 3.1 keyword (`type: [T, 'null']` is), so it must not admit null;
 * - a `discriminator` selects its `oneOf`/`anyOf` branch by value (see applyDiscriminator).
 */

export type Direction = 'request' | 'response';

export interface SchemaCheck {
  (value: unknown): boolean;
  errors: ErrorObject[];
}

type AnyAjv = Ajv;

type AjvClass = new (options: object) => AnyAjv;
interface AjvModules {
  Ajv2020: AjvClass;
  AjvDraft04: AjvClass;
  addFormats: (ajv: AnyAjv) => AnyAjv;
}
let modules: AjvModules | undefined;

/** Ajv and its plugins (CommonJS) are required on first use, keeping ~40 ms off start-up. */
function ajvModules(): AjvModules {
  if (!modules) {
    const require = createRequire(import.meta.url);
    const main = (m: { default?: unknown }) => (m.default ?? m) as never;
    modules = {
      Ajv2020: main(require('ajv/dist/2020.js') as { default?: unknown }),
      AjvDraft04: main(require('ajv-draft-04') as { default?: unknown }),
      addFormats: main(require('ajv-formats') as { default?: unknown }),
    };
  }
  return modules;
}

interface Wiring {
  ajv: AnyAjv;
  validators: Map<string, SchemaCheck>;
}

const wirings = new WeakMap<Design, Partial<Record<Direction, Wiring>>>();

/** The Ajv instance for `design` and `direction`, with every file of the design added under its URL. */
export function ajvFor(design: Design, direction: Direction): AnyAjv {
  return wiringFor(design, direction).ajv;
}

/**
 * A compiled check of values against the schema at `node` (a schema's place in the design),
 * cached per design and direction. A schema Ajv cannot compile (invalid regex, malformed keyword)
 * gives a check that accepts everything and carries the reason in `compileError`.
 */
export function schemaCheck(design: Design, node: Pick<Node, 'file' | 'pointer'>, direction: Direction): SchemaCheck & { compileError?: string } {
  const wiring = wiringFor(design, direction);
  const uri = design.refUri(node);
  let check = wiring.validators.get(uri);
  if (!check) {
    check = compile(wiring.ajv, uri);
    wiring.validators.set(uri, check);
  }
  return check;
}

function compile(ajv: AnyAjv, uri: string): SchemaCheck & { compileError?: string } {
  let validate: ValidateFunction;
  try {
    validate = ajv.compile({ $ref: uri });
  } catch (error) {
    const accept = Object.assign(() => true, { errors: [] as ErrorObject[], compileError: (error as Error).message });
    return accept;
  }
  const check = Object.assign(
    (value: unknown): boolean => {
      const ok = validate(value) as boolean;
      check.errors = ok ? [] : [...(validate.errors ?? [])];
      return ok;
    },
    { errors: [] as ErrorObject[] },
  );
  return check;
}

function wiringFor(design: Design, direction: Direction): Wiring {
  let byDirection = wirings.get(design);
  if (!byDirection) {
    byDirection = {};
    wirings.set(design, byDirection);
  }
  let wiring = byDirection[direction];
  if (!wiring) {
    wiring = { ajv: createAjv(design, direction), validators: new Map() };
    byDirection[direction] = wiring;
  }
  return wiring;
}

const quiet = { log() {}, warn() {}, error: console.error.bind(console) };

function createAjv(design: Design, direction: Direction): AnyAjv {
  const options = {
    strict: false,
    allErrors: true,
    validateSchema: false,
    unicodeRegExp: false,
    logger: quiet,
    // Unknown formats are not errors: OpenAPI lets a description name any format.
    validateFormats: true,
    // OpenAPI's discriminator, as adaptFile rewrites it (see applyDiscriminator).
    discriminator: true,
  } as const;
  const { Ajv2020, AjvDraft04, addFormats } = ajvModules();
  const ajv: AnyAjv = design.version === '3.1' ? new Ajv2020(options) : new AjvDraft04(options);
  addFormats(ajv);
  for (const [file, source] of design.files) {
    const adapted = adaptFile(source.value, design.version, direction);
    ajv.addSchema(adapted as object, file, undefined, false);
  }
  return ajv;
}

/**
 * A deep copy of a file's value with the OpenAPI rules JSON Schema does not know applied.
 * Walks every object (schemas can stand anywhere a `$ref` reaches); only schema-shaped objects change.
 */
export function adaptFile(value: unknown, version: Design['version'], direction: Direction): unknown {
  const skip = direction === 'request' ? 'readOnly' : 'writeOnly';
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, undefined));
    if (node === null || typeof node !== 'object') return node;
    // Examples are data, not schemas: copy them untouched.
    if (key !== undefined && DATA_KEYS.has(key)) return node;
    const source = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    // Under a map of names (properties, schemas, ...), a key is a name, never a keyword.
    const isMap = key !== undefined && NAME_MAPS.has(key);
    for (const k of Object.keys(source)) {
      // Examples are annotations: validation never reads them, and Ajv walks every key of what it is given, taking an
      // `id` inside an example for a schema id (GitHub's description has three `"id": "12,"`: "resolves to more than
      // one schema", and every mock of that design failed).
      if (!isMap && ANNOTATION_KEYS.has(k)) continue;
      out[k] = walk(source[k], isMap ? undefined : k);
    }
    if (Array.isArray(out.required) && out.properties && typeof out.properties === 'object') {
      const properties = out.properties as Record<string, unknown>;
      out.required = (out.required as unknown[]).filter((name) => {
        const property = properties[name as string];
        return !(property && typeof property === 'object' && (property as Record<string, unknown>)[skip] === true);
      });
    }
    if (out.discriminator !== undefined) applyDiscriminator(out);
    if (version === '3.0' && 'nullable' in out && out.type === undefined) delete out.nullable;
    // 3.1 has no `nullable` (type: [..., 'null'] instead); Ajv would otherwise honour it.
    if (version === '3.1' && typeof out.nullable === 'boolean') delete out.nullable;
    if (version === '3.0' && out.nullable === false && out.type === 'null') delete out.nullable;
    return out;
  };
  return walk(value, undefined);
}

/**
 * OpenAPI's `discriminator` picks the branch of a `oneOf`/`anyOf` by a property's value (through `mapping`, or the
 * schema's name in components), which JSON Schema does not know: with open object branches a valid Dog also matches
 * Cat, and `oneOf` refused it. Each branch gets the values that select it as an `enum` on that property, so the
 * branches exclude each other; for `oneOf`, Ajv's own `discriminator` keyword (which takes no `mapping`) then validates
 * only the selected branch and reports only its errors. A discriminator that cannot be expressed so (a branch no value
 * selects) is dropped: the plain `oneOf`/`anyOf` applies, as before.
 */
function applyDiscriminator(schema: Record<string, unknown>): void {
  const discriminator = schema.discriminator as { propertyName?: unknown; mapping?: unknown } | null;
  delete schema.discriminator;
  if (!discriminator || typeof discriminator.propertyName !== 'string') return;
  const tag = discriminator.propertyName;
  const kind = Array.isArray(schema.oneOf) ? 'oneOf' : Array.isArray(schema.anyOf) ? 'anyOf' : undefined;
  if (!kind) return;
  const branches = schema[kind] as unknown[];
  const refOf = (branch: unknown) => (branch && typeof branch === 'object' && typeof (branch as { $ref?: unknown }).$ref === 'string' ? normalizeRef((branch as { $ref: string }).$ref) : undefined);
  const explicit = new Map<string, string[]>();
  if (discriminator.mapping && typeof discriminator.mapping === 'object') {
    for (const [value, target] of Object.entries(discriminator.mapping as Record<string, unknown>)) {
      if (typeof target !== 'string') continue;
      // A bare name stands for the schema of that name in components (OpenAPI 3.0.3 §4.7.25).
      const ref = normalizeRef(/[#/]/.test(target) ? target : `#/components/schemas/${target}`);
      explicit.set(ref, [...(explicit.get(ref) ?? []), value]);
    }
  }
  const values = branches.map((branch) => {
    const ref = refOf(branch);
    if (ref === undefined) return [];
    return explicit.get(ref) ?? [decodeURIComponent(ref.slice(ref.lastIndexOf('/') + 1))];
  });
  const all = values.flat();
  if (values.some((v) => v.length === 0) || new Set(all).size !== all.length) return;
  schema[kind] = branches.map((branch, i) => ({ properties: { [tag]: { enum: values[i] } }, required: [tag], allOf: [branch] }));
  if (kind === 'oneOf') schema.discriminator = { propertyName: tag };
}

const normalizeRef = (ref: string) => ref.replace(/^\.\//, '');

const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const', 'x-examples']);
const ANNOTATION_KEYS = new Set(['example', 'examples', 'x-examples']);
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'schemas', 'dependentSchemas']);

/** Ajv's errors in the gateway's terms: a JSON pointer into the value and a readable message. */
export function describeError(error: ErrorObject): { pointer: string; message: string; keyword: string } {
  let pointer = error.instancePath;
  let message = error.message ?? 'is invalid';
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    pointer = `${pointer}/${escape(params.missingProperty)}`;
    message = 'is required';
  } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    pointer = `${pointer}/${escape(params.additionalProperty)}`;
    message = 'is not allowed (no such property)';
  } else if (error.keyword === 'discriminator' && typeof params.tag === 'string') {
    pointer = `${pointer}/${escape(params.tag)}`;
    message = params.error === 'mapping' ? `${JSON.stringify(params.tagValue)} selects none of the schemas (discriminator)` : 'must be a string that selects the schema (discriminator)';
  } else if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return { pointer, message, keyword: error.keyword };
}

function escape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

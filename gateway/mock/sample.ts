import type { Design, Node } from '../openapi/design.js';
import { refOf } from '../openapi/design.js';
import { formatString, integerBetween, patternString, pick, plainString, seededRandom, type Random } from './values.js';

/**
 * Schema sampling: a value for a schema of the design, built from the schema itself (refs followed in place,
 * allOf merged, one branch of oneOf/anyOf chosen, discriminator values set), deterministic for a seed.
 * The sampler aims at valid values; the caller checks them with Ajv and retries with other settings
 * (see generate.ts), so the sampler may stay simple where the check can decide.
 *
 * Recursion: a `$ref` already open twice on the current path, or nesting past MAX_DEPTH, switches to
 * "shallow" mode: only required properties, arrays of minItems, null where allowed.
 */

export interface SampleSettings {
  direction: 'request' | 'response';
  seed: number;
  /** Use `example`/`examples`/`default` written inside schemas. */
  useExamples: boolean;
  /** Include optional properties (above the recursion limit). */
  optional: boolean;
  /** Rotates the oneOf/anyOf branch choices between attempts. */
  branchShift: number;
  /**
   * Make a oneOf's other branches fail on purpose: where open object branches all accept the same value,
   * add a property another branch defines with a type it refuses. Used only on retries.
   */
  exclusive?: boolean;
}

const MAX_DEPTH = 12;
const HARD_DEPTH = 40;

interface Merged {
  types?: Set<string>;
  nullable: boolean;
  hasType: boolean;
  enum?: unknown[];
  const?: { value: unknown };
  example?: { value: unknown };
  default?: { value: unknown };
  properties: Map<string, Node[]>;
  required: Set<string>;
  additional: Node[] | false | undefined;
  items: Node[];
  prefixItems?: Node[];
  contains?: Node;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  minProperties?: number;
  maxProperties?: number;
  minLength?: number;
  maxLength?: number;
  patterns: string[];
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  groups: { kind: 'oneOf' | 'anyOf'; branches: Node[]; discriminator?: Discriminator }[];
  discriminator?: Discriminator;
  readOnly: boolean;
  writeOnly: boolean;
  /** Names of the schemas reached by $ref at this level, outermost first (for discriminator values). */
  names: string[];
  refs: string[];
  /** Property values fixed by a discriminator. */
  fixed: Map<string, unknown>;
  impossible: boolean;
}

interface Discriminator {
  propertyName: string;
  mapping: Map<string, string>;
  file: string;
}

class Sampler {
  private readonly random: Random;
  private readonly v31: boolean;

  constructor(
    private readonly design: Design,
    private readonly settings: SampleSettings,
  ) {
    this.random = seededRandom(settings.seed);
    this.v31 = design.version === '3.1';
  }

  sample(nodes: Node[], stack: string[], propertyName?: string): unknown {
    const merged = this.collect(nodes);
    this.resolveGroups(merged);
    const nextStack = stack.concat(merged.refs);
    const shallow = stack.length > MAX_DEPTH || merged.refs.some((ref) => count(stack, ref) >= 2);
    if (stack.length > HARD_DEPTH) return merged.nullable || merged.types?.has('null') ? null : undefined;
    return this.value(merged, nextStack, shallow, propertyName);
  }

  /** Walks the nodes: follows $ref, merges allOf, records oneOf/anyOf groups. */
  private collect(nodes: Node[], into: Merged = emptyMerged()): Merged {
    for (const node of nodes) this.collectOne(node, into, new Set());
    return into;
  }

  private collectOne(node: Node, m: Merged, seen: Set<string>): void {
    const current = node;
    const schema = current.value;
    if (schema === false) {
      m.impossible = true;
      return;
    }
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return;
    const ref = refOf(schema);
    if (ref !== undefined) {
      const target = this.design.resolveRef(current.file, ref);
      if (target) {
        const key = `${target.file}#${target.pointer}`;
        if (!seen.has(key)) {
          seen.add(key);
          m.refs.push(key);
          const name = target.pointer.split('/').pop();
          if (name) m.names.push(name);
          this.collectOne(target, m, seen);
        }
      }
      // OpenAPI 3.0: siblings of $ref are ignored; 3.1: they apply alongside.
      if (!this.v31) return;
    }
    const s = schema as Record<string, unknown>;
    const child = (key: string) => this.design.child(current, key)!;

    if (typeof s.type === 'string' || Array.isArray(s.type)) {
      const types = new Set<string>(typeof s.type === 'string' ? [s.type] : (s.type as string[]));
      if (types.has('integer') && m.types?.has('number') && !m.types.has('integer')) m.types.add('integer');
      if (m.types?.has('integer') && types.has('number')) types.add('integer');
      m.types = m.types ? new Set([...m.types].filter((t) => types.has(t))) : types;
      m.hasType = true;
    }
    if (s.nullable === true && !this.v31) m.nullable = true;
    if (Array.isArray(s.enum)) m.enum = m.enum ? m.enum.filter((v) => (s.enum as unknown[]).some((w) => same(v, w))) : [...s.enum];
    if ('const' in s && this.v31) m.const = { value: s.const };
    if (m.example === undefined) {
      if (this.v31 && Array.isArray(s.examples) && s.examples.length > 0) m.example = { value: s.examples[0] };
      else if ('example' in s) m.example = { value: s.example };
    }
    if (m.default === undefined && 'default' in s) m.default = { value: s.default };
    if (s.readOnly === true) m.readOnly = true;
    if (s.writeOnly === true) m.writeOnly = true;

    if (s.properties && typeof s.properties === 'object') {
      const properties = child('properties');
      for (const name of Object.keys(s.properties)) {
        const list = m.properties.get(name) ?? [];
        list.push(this.design.child(properties, name)!);
        m.properties.set(name, list);
      }
    }
    if (Array.isArray(s.required)) for (const name of s.required) if (typeof name === 'string') m.required.add(name);
    if (s.additionalProperties === false) m.additional = false;
    else if (s.additionalProperties !== undefined && s.additionalProperties !== true && m.additional !== false) {
      m.additional = [...(m.additional ?? []), child('additionalProperties')];
    }
    if (s.items !== undefined) {
      if (Array.isArray(s.items)) m.prefixItems ??= (s.items as unknown[]).map((_, i) => this.design.child(child('items'), i)!);
      else if (s.items !== true) m.items.push(child('items'));
    }
    if (Array.isArray(s.prefixItems)) m.prefixItems ??= (s.prefixItems as unknown[]).map((_, i) => this.design.child(child('prefixItems'), i)!);
    if (s.contains !== undefined && this.v31) m.contains ??= child('contains');
    m.minItems = max(m.minItems, num(s.minItems));
    m.maxItems = min(m.maxItems, num(s.maxItems));
    if (s.uniqueItems === true) m.uniqueItems = true;
    m.minProperties = max(m.minProperties, num(s.minProperties));
    m.maxProperties = min(m.maxProperties, num(s.maxProperties));
    m.minLength = max(m.minLength, num(s.minLength));
    m.maxLength = min(m.maxLength, num(s.maxLength));
    if (typeof s.pattern === 'string') m.patterns.push(s.pattern);
    if (typeof s.format === 'string') m.format ??= s.format;
    m.minimum = max(m.minimum, num(s.minimum));
    m.maximum = min(m.maximum, num(s.maximum));
    if (s.exclusiveMinimum === true && typeof s.minimum === 'number') m.exclusiveMinimum = max(m.exclusiveMinimum, s.minimum);
    else m.exclusiveMinimum = max(m.exclusiveMinimum, num(s.exclusiveMinimum));
    if (s.exclusiveMaximum === true && typeof s.maximum === 'number') m.exclusiveMaximum = min(m.exclusiveMaximum, s.maximum);
    else m.exclusiveMaximum = min(m.exclusiveMaximum, num(s.exclusiveMaximum));
    if (typeof s.multipleOf === 'number' && s.multipleOf > 0) m.multipleOf = m.multipleOf === undefined ? s.multipleOf : lcm(m.multipleOf, s.multipleOf);

    const discriminator = this.discriminatorOf(current);
    if (discriminator) m.discriminator ??= discriminator;
    if (Array.isArray(s.allOf)) {
      const list = child('allOf');
      for (let i = 0; i < s.allOf.length; i++) this.collectOne(this.design.child(list, i)!, m, seen);
    }
    for (const kind of ['oneOf', 'anyOf'] as const) {
      const branches = s[kind];
      if (!Array.isArray(branches) || branches.length === 0) continue;
      const list = child(kind);
      m.groups.push({
        kind,
        branches: branches.map((_, i) => this.design.child(list, i)!),
        ...(discriminator && { discriminator }),
      });
    }
  }

  private discriminatorOf(node: Node): Discriminator | undefined {
    const d = (node.value as Record<string, unknown>).discriminator;
    if (!d || typeof d !== 'object') return undefined;
    const { propertyName, mapping } = d as { propertyName?: unknown; mapping?: unknown };
    if (typeof propertyName !== 'string') return undefined;
    const map = new Map<string, string>();
    if (mapping && typeof mapping === 'object') {
      for (const [key, target] of Object.entries(mapping)) if (typeof target === 'string') map.set(key, target);
    }
    return { propertyName, mapping: map, file: node.file };
  }

  /** Chooses one branch per oneOf/anyOf group and merges it in (branches may add groups of their own). */
  private resolveGroups(m: Merged): void {
    let guard = 0;
    while (m.groups.length > 0 && guard++ < 32) {
      const group = m.groups.shift()!;
      const n = group.branches.length;
      const index = (Math.floor(this.random() * n) + this.settings.branchShift) % n;
      const branch = group.branches[index]!;
      const before = m.refs.length;
      this.collectOne(branch, m, new Set(m.refs));
      if (group.discriminator) {
        const value = this.discriminatorValue(group.discriminator, m.refs.slice(before), m.names);
        if (value !== undefined) m.fixed.set(group.discriminator.propertyName, value);
      }
      if (this.settings.exclusive && group.kind === 'oneOf' && m.additional !== false) {
        for (const other of group.branches) if (other !== branch) this.excludeBranch(m, other);
      }
    }
    if (m.discriminator && !m.fixed.has(m.discriminator.propertyName)) {
      const value = this.discriminatorValue(m.discriminator, m.refs, m.names);
      if (value !== undefined) m.fixed.set(m.discriminator.propertyName, value);
    }
  }

  /** Adds to `m` a property that `other` defines and types differently, so a value of `m` fails `other`. */
  private excludeBranch(m: Merged, other: Node): void {
    const rival = this.collect([other]);
    for (const [name, nodes] of rival.properties) {
      if (m.properties.has(name) || m.fixed.has(name)) continue;
      const types = this.collect(nodes).types;
      if (!types || types.size === 0) continue;
      const poison = !types.has('string') ? 'x' : !types.has('number') && !types.has('integer') ? 0 : !types.has('boolean') ? false : undefined;
      if (poison === undefined) continue;
      m.fixed.set(name, poison);
      return;
    }
  }

  /** The discriminator value naming the schema reached: a mapping key whose target is that schema, else its name. */
  private discriminatorValue(d: Discriminator, refs: string[], names: string[]): string | undefined {
    for (const ref of refs) {
      for (const [key, target] of d.mapping) {
        const resolved = target.includes('#') || target.includes('/') ? this.design.resolveRef(d.file, target) : this.design.resolveRef(d.file, `#/components/schemas/${target}`);
        if (resolved && `${resolved.file}#${resolved.pointer}` === ref) return key;
      }
    }
    const first = refs[0];
    if (first !== undefined) return first.split('/').pop();
    return names[0];
  }

  private value(m: Merged, stack: string[], shallow: boolean, propertyName: string | undefined): unknown {
    if (m.const) return m.const.value;
    if (this.settings.useExamples && m.example !== undefined) return m.example.value;
    const nullAllowed = m.types ? m.types.has('null') || (m.nullable && m.hasType) : true;
    if (m.enum) {
      const candidates = m.enum.filter((v) => v !== null || nullAllowed);
      if (candidates.length > 0) return pick(this.random, candidates);
      return m.enum[0];
    }
    if (this.settings.useExamples && m.default !== undefined) return m.default.value;
    const type = this.chooseType(m, shallow, nullAllowed);
    switch (type) {
      case 'null':
        return null;
      case 'object':
        return this.object(m, stack, shallow);
      case 'array':
        return this.array(m, stack, shallow);
      case 'integer':
      case 'number':
        return this.number(m, type === 'integer');
      case 'boolean':
        return this.random() < 0.5;
      default:
        return this.string(m, propertyName);
    }
  }

  private chooseType(m: Merged, shallow: boolean, nullAllowed: boolean): string {
    if (shallow && nullAllowed && m.hasType && (m.properties.size > 0 || m.items.length > 0)) return 'null';
    if (m.types) {
      const concrete = [...m.types].filter((t) => t !== 'null');
      if (concrete.length === 0) return 'null';
      if (m.fixed.size > 0 || m.properties.size > 0) if (concrete.includes('object')) return 'object';
      return concrete[0]!;
    }
    if (m.properties.size > 0 || m.required.size > 0 || m.additional !== undefined || m.fixed.size > 0 || m.minProperties !== undefined) return 'object';
    if (m.items.length > 0 || m.prefixItems || m.minItems !== undefined) return 'array';
    if (m.minimum !== undefined || m.maximum !== undefined || m.multipleOf !== undefined || m.exclusiveMinimum !== undefined) return 'number';
    return 'string';
  }

  private excluded(nodes: Node[]): boolean {
    const flags = this.collect(nodes);
    return this.settings.direction === 'response' ? flags.writeOnly : flags.readOnly;
  }

  private object(m: Merged, stack: string[], shallow: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let budget = m.maxProperties ?? Infinity;
    const required = [...m.required];
    for (const name of required) {
      if (budget <= 0) break;
      if (m.fixed.has(name)) {
        out[name] = m.fixed.get(name);
        budget--;
        continue;
      }
      const nodes = m.properties.get(name) ?? (m.additional || []);
      if (nodes.length > 0 && this.excluded(nodes)) continue;
      const value = this.sample(nodes, stack, name);
      if (value !== undefined) {
        out[name] = value;
        budget--;
      }
    }
    for (const [name, value] of m.fixed) {
      if (!(name in out) && budget > 0) {
        out[name] = value;
        budget--;
      }
    }
    if (this.settings.optional && !shallow) {
      for (const [name, nodes] of m.properties) {
        if (name in out || m.required.has(name) || budget <= 0) continue;
        if (this.excluded(nodes)) continue;
        const value = this.sample(nodes, stack, name);
        if (value !== undefined) {
          out[name] = value;
          budget--;
        }
      }
    }
    let extra = 1;
    while (Object.keys(out).length < (m.minProperties ?? 0) && m.additional !== false && extra < 50) {
      const name = `property${extra++}`;
      if (name in out || m.properties.has(name)) continue;
      out[name] = this.sample(m.additional ?? [], stack, name) ?? null;
    }
    return out;
  }

  private array(m: Merged, stack: string[], shallow: boolean): unknown[] {
    const out: unknown[] = [];
    const min = m.minItems ?? 0;
    const max = m.maxItems ?? Infinity;
    const prefix = m.prefixItems ?? [];
    let target = shallow ? min : Math.max(min, Math.min(max, Math.max(1, prefix.length)));
    if (target > max) target = max;
    const seen = new Set<string>();
    let attempts = 0;
    if (m.contains && target > 0 && prefix.length === 0) {
      const value = this.sample([m.contains], stack);
      out.push(value);
      seen.add(JSON.stringify(value));
    }
    while (out.length < target && attempts++ < target * 10 + 10) {
      const nodes = out.length < prefix.length ? [prefix[out.length]!] : m.items;
      const value = this.sample(nodes, stack);
      if (value === undefined) break;
      if (m.uniqueItems) {
        const key = JSON.stringify(value);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(value);
    }
    return out;
  }

  private number(m: Merged, integer: boolean): number {
    const format = m.format;
    let lo = m.minimum ?? (format === 'int32' ? -2147483648 : undefined);
    let hi = m.maximum ?? (format === 'int32' ? 2147483647 : undefined);
    const step = m.multipleOf;
    const unit = integer ? 1 : step ?? 0.01;
    if (m.exclusiveMinimum !== undefined && (lo === undefined || m.exclusiveMinimum >= lo)) lo = m.exclusiveMinimum + (integer && Number.isInteger(m.exclusiveMinimum) ? 1 : unit);
    if (m.exclusiveMaximum !== undefined && (hi === undefined || m.exclusiveMaximum <= hi)) hi = m.exclusiveMaximum - (integer && Number.isInteger(m.exclusiveMaximum) ? 1 : unit);
    if (lo === undefined && hi === undefined) {
      lo = 1;
      hi = 1000;
    } else if (lo === undefined) lo = hi! - 1000;
    else if (hi === undefined) hi = lo + 1000;
    if (integer) {
      lo = Math.ceil(lo!);
      hi = Math.floor(hi!);
    }
    if (step !== undefined) {
      const stepInt = integer && !Number.isInteger(step) ? lcm(step, 1) : step;
      const first = Math.ceil(lo! / stepInt);
      const last = Math.floor(hi! / stepInt);
      if (last >= first) {
        const decimals = decimalsOf(stepInt);
        for (let tries = 0; tries < 5; tries++) {
          const k = integerBetween(this.random, first, Math.min(last, first + 100));
          const value = Number((k * stepInt).toFixed(decimals));
          if (Number.isInteger(value / stepInt) || tries === 4) return value;
        }
      }
      return Number((first * stepInt).toFixed(decimalsOf(stepInt)));
    }
    if (integer) return integerBetween(this.random, lo!, Math.max(lo!, Math.min(hi!, lo! + 10000)));
    const value = lo! + this.random() * (Math.min(hi!, lo! + 10000) - lo!);
    const rounded = Math.round(value * 100) / 100;
    return rounded < lo! || rounded > hi! ? value : rounded;
  }

  private string(m: Merged, propertyName: string | undefined): string {
    const minLength = m.minLength ?? 0;
    const maxLength = m.maxLength ?? Infinity;
    let text: string | undefined;
    if (m.patterns.length > 0) {
      const pattern = m.patterns[0]!;
      for (let tries = 0; tries < 10; tries++) {
        try {
          text = patternString(this.random, pattern);
        } catch {
          text = undefined;
          break;
        }
        if (text.length >= minLength && text.length <= maxLength && m.patterns.every((p) => safeTest(p, text!))) return text;
      }
      if (text !== undefined) return fitLength(text, minLength, maxLength, this.random);
    }
    if (m.format) text = formatString(this.random, m.format);
    text ??= plainString(this.random, propertyName);
    return fitLength(text, minLength, maxLength, this.random);
  }
}

function fitLength(text: string, minLength: number, maxLength: number, random: Random): string {
  let out = text;
  while (out.length < minLength) out += ` ${pick(random, ['lorem', 'ipsum', 'dolor', 'sit', 'amet'])}`;
  if (out.length > maxLength) out = out.slice(0, maxLength);
  if (out.length < minLength) out = out.padEnd(minLength, 'x');
  return out;
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return true;
  }
}

function emptyMerged(): Merged {
  return {
    nullable: false,
    hasType: false,
    properties: new Map(),
    required: new Set(),
    additional: undefined,
    items: [],
    uniqueItems: false,
    patterns: [],
    groups: [],
    readOnly: false,
    writeOnly: false,
    names: [],
    refs: [],
    fixed: new Map(),
    impossible: false,
  };
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function max(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function min(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function count(list: string[], item: string): number {
  let n = 0;
  for (const x of list) if (x === item) n++;
  return n;
}

function decimalsOf(n: number): number {
  const text = String(n);
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : Math.min(text.length - dot - 1, 12);
}

function lcm(a: number, b: number): number {
  const scale = 10 ** Math.max(decimalsOf(a), decimalsOf(b));
  const x = Math.round(a * scale);
  const y = Math.round(b * scale);
  const gcd = (p: number, q: number): number => (q === 0 ? p : gcd(q, p % q));
  return (x / gcd(x, y)) * y / scale;
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** One sample of the schema at `node` (undefined when the schema admits nothing). */
export function sampleSchema(design: Design, node: Node, settings: SampleSettings): unknown {
  return new Sampler(design, settings).sample([node], []);
}

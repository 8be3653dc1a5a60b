import { createRequire } from 'node:module';

/**
 * Leaf values for the sampler: a seeded PRNG, strings for formats and patterns, readable words.
 * json-schema-faker is used only for its regex sampler (randexp), loaded synchronously on the first
 * `pattern` met (about 30 ms once), so start-up never pays for it.
 */

export type Random = () => number;

/** mulberry32: small, fast, good enough for sample data; the same seed gives the same sequence. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: seeds from (operation, status, media type). */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function pick<T>(random: Random, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

export function integerBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

const WORDS = ['alpha', 'bravo', 'cedar', 'delta', 'ember', 'falcon', 'garnet', 'harbor', 'indigo', 'juniper', 'kestrel', 'lumen', 'maple', 'nova', 'orbit', 'pine', 'quartz', 'river', 'sierra', 'tango', 'umber', 'violet', 'willow', 'xenon', 'yarrow', 'zephyr'];
const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson'];

export function word(random: Random): string {
  return pick(random, WORDS);
}

/** A plain string, shaped by the property name when it hints at what it holds. */
export function plainString(random: Random, propertyName: string | undefined): string {
  const name = (propertyName ?? '').toLowerCase();
  if (/e-?mail/.test(name)) return `${pick(random, FIRST).toLowerCase()}@example.com`;
  if (/(url|uri|href|link)$/.test(name)) return `https://example.com/${word(random)}`;
  if (/^(first_?name|given_?name)$/.test(name)) return pick(random, FIRST);
  if (/^(last_?name|family_?name|surname)$/.test(name)) return pick(random, LAST);
  if (/(^|_)name$|^name|fullname/.test(name)) return `${pick(random, FIRST)} ${pick(random, LAST)}`;
  if (/phone/.test(name)) return `+1-555-01${integerBetween(random, 10, 99)}`;
  return `${word(random)} ${word(random)}`;
}

function hex(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

const BASE_TIME = Date.UTC(2024, 0, 1);

function isoDate(random: Random): Date {
  return new Date(BASE_TIME + Math.floor(random() * 730) * 86_400_000 + Math.floor(random() * 86_400) * 1000);
}

/** A string for a known `format`, or undefined for formats we do not know (the caller falls back to words). */
export function formatString(random: Random, format: string): string | undefined {
  switch (format) {
    case 'date-time':
      return isoDate(random).toISOString().replace(/\.\d{3}Z$/, 'Z');
    case 'date':
      return isoDate(random).toISOString().slice(0, 10);
    case 'time': {
      const d = isoDate(random);
      return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
    }
    case 'duration':
      return `P${integerBetween(random, 1, 30)}DT${integerBetween(random, 1, 23)}H`;
    case 'email':
    case 'idn-email':
      return `${pick(random, FIRST).toLowerCase()}.${pick(random, LAST).toLowerCase()}@example.com`;
    case 'hostname':
    case 'idn-hostname':
      return `${word(random)}.example.com`;
    case 'ipv4':
      return [integerBetween(random, 1, 223), integerBetween(random, 0, 255), integerBetween(random, 0, 255), integerBetween(random, 1, 254)].join('.');
    case 'ipv6':
      return `2001:db8:${hex(random, 4)}:${hex(random, 4)}::${hex(random, 3)}`;
    case 'uri':
    case 'url':
    case 'iri':
      return `https://example.com/${word(random)}/${integerBetween(random, 1, 999)}`;
    case 'uri-reference':
    case 'iri-reference':
      return `/${word(random)}/${integerBetween(random, 1, 999)}`;
    case 'uri-template':
      return `https://example.com/${word(random)}/{id}`;
    case 'uuid':
    case 'guid':
      return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-${pick(random, ['8', '9', 'a', 'b'])}${hex(random, 3)}-${hex(random, 12)}`;
    case 'byte':
      return Buffer.from(`${word(random)} ${word(random)}`).toString('base64');
    case 'binary':
      return `${word(random)}-${word(random)}`;
    case 'password':
      return `${word(random)}-${integerBetween(random, 1000, 9999)}!`;
    case 'json-pointer':
      return `/${word(random)}/${integerBetween(random, 0, 9)}`;
    case 'relative-json-pointer':
      return `1/${word(random)}`;
    case 'regex':
      return '^[a-z]+$';
    default:
      return undefined;
  }
}

interface RandExpSource {
  JSONSchemaFaker: { option(options: object): void; random: { randexp(pattern: string): string } };
}
let faker: RandExpSource['JSONSchemaFaker'] | undefined;

function loadFaker(): RandExpSource['JSONSchemaFaker'] {
  faker ??= (createRequire(import.meta.url)('json-schema-faker') as RandExpSource).JSONSchemaFaker;
  return faker;
}

/** Loads the regex sampler now rather than on the first `pattern` met (call after start-up, off the hot path). */
export function warmPatternSampler(): void {
  loadFaker();
}

/** A string matching `pattern` (ECMAScript regex, unanchored as JSON Schema reads it), drawn with `random`. */
export function patternString(random: Random, pattern: string): string {
  const jsf = loadFaker();
  jsf.option({ random, defaultRandExpMax: 8 });
  return jsf.random.randexp(pattern);
}

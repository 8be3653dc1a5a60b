import type { Design, Node } from '../openapi/design.js';
import { parseMediaType } from '../validation/media-type.js';

/**
 * A generated mock value as XML, shaped by the schema's OpenAPI `xml` objects: element names (`xml.name`, else the
 * property's name, else the component's name for the root), attributes (`xml.attribute`), wrapped arrays
 * (`xml.wrapped`), namespaces and prefixes. The value already validates against the schema; this only writes it.
 */

export function isXmlMediaType(contentType: string): boolean {
  const base = parseMediaType(contentType);
  return base === 'application/xml' || base === 'text/xml' || base.endsWith('+xml');
}

interface XmlHints {
  name?: string;
  namespace?: string;
  prefix?: string;
  attribute?: boolean;
  wrapped?: boolean;
}

export function toXml(design: Design, schema: Node | undefined, value: unknown): string {
  const root = schema ? rootName(schema) : undefined;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(design, schema, value, root ?? 'root', true)}\n`;
}

/** The root element's default name: the name of the component schema the media type refers to. */
function rootName(schema: Node): string | undefined {
  const ref = (schema.value as { $ref?: unknown } | null)?.$ref;
  if (typeof ref !== 'string') return undefined;
  const name = decodeURIComponent(ref.slice(ref.lastIndexOf('/') + 1));
  return isXmlName(name) ? name : undefined;
}

function element(design: Design, schemaNode: Node | undefined, value: unknown, fallbackName: string, root = false): string {
  const schema = schemaNode ? resolved(design, schemaNode) : undefined;
  const hints = hintsOf(schema);
  const name = qualified(hints, hints.name ?? fallbackName);
  const xmlns = hints.namespace !== undefined ? ` xmlns${hints.prefix ? `:${hints.prefix}` : ''}="${escape(hints.namespace)}"` : '';
  if (Array.isArray(value)) {
    const items = schema ? design.child(schema, 'items') : undefined;
    const itemName = hintsOf(items && resolved(design, items)).name ?? hints.name ?? fallbackName;
    const children = value.map((item) => element(design, items, item, itemName)).join('');
    // An array is a list of sibling elements; wrapped (and at the root, where one element is needed) inside its own.
    return hints.wrapped || root ? `<${name}${xmlns}>${children}</${name}>` : children;
  }
  if (value !== null && typeof value === 'object') {
    let attributes = '';
    let children = '';
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const property = schema ? design.child(schema, 'properties', key) : undefined;
      const propertyHints = hintsOf(property && resolved(design, property));
      if (propertyHints.attribute && (child === null || typeof child !== 'object')) {
        attributes += ` ${qualified(propertyHints, propertyHints.name ?? key)}="${escape(text(child))}"`;
      } else {
        children += element(design, property, child, isXmlName(key) ? key : 'property');
      }
    }
    return `<${name}${xmlns}${attributes}>${children}</${name}>`;
  }
  if (value === null || value === undefined) return `<${name}${xmlns}/>`;
  return `<${name}${xmlns}>${escape(text(value))}</${name}>`;
}

function resolved(design: Design, node: Node): Node {
  try {
    return design.deref(node);
  } catch {
    return node; // a circular or broken ref: write the value without hints
  }
}

function hintsOf(schema: Node | undefined): XmlHints {
  const xml = (schema?.value as { xml?: unknown } | null | undefined)?.xml;
  if (!xml || typeof xml !== 'object') return {};
  const hints = xml as Record<string, unknown>;
  return {
    ...(typeof hints.name === 'string' && isXmlName(hints.name) && { name: hints.name }),
    ...(typeof hints.namespace === 'string' && { namespace: hints.namespace }),
    ...(typeof hints.prefix === 'string' && isXmlName(hints.prefix) && { prefix: hints.prefix }),
    ...(hints.attribute === true && { attribute: true }),
    ...(hints.wrapped === true && { wrapped: true }),
  };
}

function qualified(hints: XmlHints, name: string): string {
  return hints.prefix ? `${hints.prefix}:${name}` : name;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Names a design may use for elements; anything else falls back to a safe default. */
function isXmlName(name: string): boolean {
  return /^[A-Za-z_][\w.-]*$/.test(name) && !/^xml/i.test(name);
}

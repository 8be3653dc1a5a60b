import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { Design } from '../openapi/design.js';

/**
 * Designs for tests, without the loader: one in-memory document, or one file parsed with `yaml`
 * (JSON is YAML). Multi-file designs are not needed by these tests.
 */

export function designFromValue(value: unknown, url = 'file:///test/openapi.yaml'): Design {
  return new Design(url, new Map([[url, { url, value, locate: () => ({ line: 1, column: 1 }) }]]));
}

export function designFromFile(path: string): Design {
  const url = pathToFileURL(path).href;
  return designFromValue(parse(readFileSync(path, 'utf8'), { maxAliasCount: -1 }) as unknown, url);
}

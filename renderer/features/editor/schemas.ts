// Validation and completion for the design: the OpenAPI 3.0/3.1 JSON Schemas plus the x-portico extension.
import { configureMonacoYaml, type MonacoYaml, type SchemasSettings } from 'monaco-yaml';
import oas30 from '../../../resources/schemas/openapi-3.0.schema.json';
import oas31 from '../../../resources/schemas/openapi-3.1.schema.json';
import xPortico from '../../../resources/schemas/x-portico.schema.json';
import { m, uriFor } from './monaco';
import type { editor } from 'monaco-editor';

type Schema = SchemasSettings['schema'];
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The root document's schema: OpenAPI's own, with the x-portico definitions merged into its definitions (refs
 * rewritten to point there), checked at the top level and on every operation.
 */
function designSchema(version: '3.0' | '3.1'): Schema {
  const base: Json = structuredClone(version === '3.0' ? oas30 : oas31);
  const defsKey = version === '3.0' ? 'definitions' : '$defs';
  const name = (def: string) => `x-portico-${def}`;
  const extension = JSON.parse(JSON.stringify(hoistDefs((xPortico as Json).$defs as Json)).replace(/"#\/\$defs\/([^"]+)"/g, (_, def: string) => `"#/${defsKey}/${name(def)}"`)) as Json;
  for (const [def, schema] of Object.entries(extension)) base[defsKey][name(def)] = schema;
  const ref = (def: string) => ({ $ref: `#/${defsKey}/${name(def)}` });
  base.properties = { ...base.properties, 'x-portico': ref('document') };
  const operation: Json = base[defsKey][version === '3.0' ? 'Operation' : 'operation'];
  operation.properties = { ...operation.properties, 'x-portico': ref('operation') };
  // yaml-language-server reads `unevaluatedProperties: false` like `additionalProperties: false`, ignoring what
  // `$ref`ed subschemas allow (every path item `$ref` would be flagged): drop it; Spectral checks the rest.
  if (version === '3.1') dropUnevaluated(base);
  return base as Schema;
}

/**
 * The generated x-portico schema may nest `$defs` inside a policy's config schema while its refs say `#/$defs/...`
 * (the document's root): lift nested definitions to the top, where those refs look, and drop them where they were
 * (yaml-language-server resolves such refs against the nearest `$defs` and reports them unresolved).
 */
function hoistDefs(defs: Json): Json {
  const out: Json = structuredClone(defs);
  const lifted: Json = {};
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (!Array.isArray(node) && (node as Json).$defs && typeof (node as Json).$defs === 'object') {
      for (const [key, value] of Object.entries((node as Json).$defs as Json)) lifted[key] ??= value;
      delete (node as Json).$defs;
    }
    for (const child of Object.values(node)) walk(child);
  };
  walk(out);
  for (const [key, value] of Object.entries(lifted)) out[key] ??= value;
  return out;
}

function dropUnevaluated(node: unknown) {
  if (!node || typeof node !== 'object') return;
  if (!Array.isArray(node)) delete (node as Json).unevaluatedProperties;
  for (const child of Object.values(node)) dropUnevaluated(child);
}

let yaml: MonacoYaml | null = null;
let configured = '';

/** 3.0 or 3.1, from the root's `openapi:` line: found by Monaco's line search (stops at the first match, near the top). */
export function openapiVersion(model: Pick<editor.ITextModel, 'findMatches'>): '3.0' | '3.1' {
  const found = model.findMatches('^\\s*["\']?openapi["\']?\\s*:\\s*["\']?3\\.(\\d)', false, true, false, null, true, 1)[0];
  return found?.matches?.[1] === '0' ? '3.0' : '3.1';
}

/**
 * Points the schemas at the workspace's root document; other files are fragments and get no document schema.
 * Only when the root or its version changed: new options restart Monaco's JSON/YAML workers, which then re-read and
 * re-validate the whole model (seconds, and a 13 MB copy, per call on GitHub's description).
 */
export function configureSchemas(specPath: string, version: '3.0' | '3.1') {
  const key = `${specPath}\n${version}`;
  if (key === configured) return;
  configured = key;
  const fileMatch = [uriFor(specPath).toString()];
  const schemas: SchemasSettings[] = [{ uri: `portico://schemas/openapi-${version}.json`, fileMatch, schema: designSchema(version) }];
  const options = { enableSchemaRequest: false, validate: true, completion: true, hover: true, schemas };
  if (yaml) void yaml.update(options);
  else yaml = configureMonacoYaml(m as never, options);
  m.languages.json.jsonDefaults.setDiagnosticsOptions({ validate: true, enableSchemaRequest: false, allowComments: false, schemas });
}

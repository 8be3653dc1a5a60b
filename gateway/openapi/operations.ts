import type { Design, Node } from './design.js';

/** One operation of the design, with the references a reader needs already followed. */
export interface Operation {
  /** Upper case: GET, POST, ... */
  method: string;
  /** Path template as written under `paths`, e.g. /pets/{id}. */
  path: string;
  operationId?: string;
  pathItem: Node<Record<string, unknown>>;
  node: Node<Record<string, unknown>>;
  /** Path-level and operation-level parameters merged (the operation's win on the same name and `in`), refs followed. */
  parameters: Node<ParameterObject>[];
  requestBody?: Node<Record<string, unknown>>;
  /** Response objects by status key as written ('200', '2XX', 'default'), refs followed, in document order. */
  responses: Map<string, Node<Record<string, unknown>>>;
  /** Effective security requirements: the operation's own, else the document's; undefined when neither says. */
  security?: Node<Record<string, string[]>[]>;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: unknown;
  content?: Record<string, unknown>;
  style?: string;
  explode?: boolean;
  [key: string]: unknown;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function listOperations(design: Design): Operation[] {
  const operations: Operation[] = [];
  const paths = design.child<Record<string, unknown>>(design.root, 'paths');
  if (!paths || typeof paths.value !== 'object' || paths.value === null) return operations;
  const rootSecurity = design.child<Record<string, string[]>[]>(design.root, 'security');

  for (const path of Object.keys(paths.value)) {
    if (!path.startsWith('/')) continue;
    const pathItem = design.get<Record<string, unknown>>(paths, path);
    if (!pathItem || typeof pathItem.value !== 'object' || pathItem.value === null) continue;
    const shared = parametersOf(design, pathItem);

    for (const method of HTTP_METHODS) {
      const node = design.get<Record<string, unknown>>(pathItem, method);
      if (!node || typeof node.value !== 'object' || node.value === null) continue;
      const own = parametersOf(design, node);
      const ownKeys = new Set(own.map((p) => `${p.value.in}:${p.value.name}`));
      const parameters = [...shared.filter((p) => !ownKeys.has(`${p.value.in}:${p.value.name}`)), ...own];

      const responses = new Map<string, Node<Record<string, unknown>>>();
      const responsesNode = design.get<Record<string, unknown>>(node, 'responses');
      if (responsesNode && typeof responsesNode.value === 'object' && responsesNode.value !== null) {
        for (const status of Object.keys(responsesNode.value)) {
          if (status.startsWith('x-')) continue;
          const response = design.get<Record<string, unknown>>(responsesNode, status);
          if (response) responses.set(status, response);
        }
      }

      const operationId = typeof node.value.operationId === 'string' ? node.value.operationId : undefined;
      const requestBody = design.get<Record<string, unknown>>(node, 'requestBody');
      const security = design.child<Record<string, string[]>[]>(node, 'security') ?? rootSecurity;
      operations.push({
        method: method.toUpperCase(),
        path,
        ...(operationId !== undefined && { operationId }),
        pathItem,
        node,
        parameters,
        ...(requestBody && { requestBody }),
        responses,
        ...(security && { security }),
      });
    }
  }
  return operations;
}

function parametersOf(design: Design, owner: Node): Node<ParameterObject>[] {
  const list = design.child<unknown[]>(owner, 'parameters');
  if (!list || !Array.isArray(list.value)) return [];
  const out: Node<ParameterObject>[] = [];
  for (let i = 0; i < list.value.length; i++) {
    const parameter = design.get<ParameterObject>(list, i);
    if (parameter && typeof parameter.value === 'object' && parameter.value !== null) out.push(parameter);
  }
  return out;
}

import { z } from 'zod';
import { definePolicy, type PolicyContext, type ResponseBodyContext } from '../pipeline/policy.js';
import { problem } from '../pipeline/problem.js';
import { copyPath, expand, get, parsePointer, remove, set, type Json } from './lib/json-pointer.js';

const pointer = z.string().regex(/^(\/([^~]|~[01])*)+$/, 'a JSON pointer such as /user/name (* for every element: /items/*/id)');
const json: z.ZodType<Json> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]));

const ops = z
  .object({
    pick: z.array(pointer).min(1).optional().describe('Keep only these members (everything else is dropped).'),
    omit: z.array(pointer).min(1).optional().describe('Drop these members.'),
    rename: z.record(pointer, pointer).optional().describe('Move members: { /old/place: /new/place }.'),
    set: z.record(pointer, json).optional().describe('Set members to fixed JSON values.'),
  })
  .strict();

export const config = z
  .object({
    request: ops.optional().describe('Applied to JSON request bodies before they go on.'),
    response: ops.optional().describe("Applied to JSON 2xx response bodies (the upstream's, the mock's, a cached one) before they are sent."),
  })
  .strict()
  .refine((cfg) => cfg.request !== undefined || cfg.response !== undefined, 'give request, response, or both');

type Ops = z.output<typeof ops>;

/** The operations, in a fixed order: pick, omit, rename, set. Returns the new document. */
export function transform(doc: Json, plan: Ops): Json {
  let out = doc;
  if (plan.pick) {
    const picked: Json = Array.isArray(doc) ? [] : {};
    for (const p of plan.pick) for (const path of expand(doc, parsePointer(p))) copyPath(doc, picked, path);
    out = picked;
  }
  // Removing from the end keeps the indexes of earlier array elements valid.
  for (const p of plan.omit ?? []) for (const path of expand(out, parsePointer(p)).reverse()) remove(out, path);
  for (const [from, to] of Object.entries(plan.rename ?? {})) {
    const value = get(out, parsePointer(from));
    if (value === undefined) continue;
    remove(out, parsePointer(from));
    set(out, parsePointer(to), value);
  }
  for (const [p, value] of Object.entries(plan.set ?? {})) {
    const tokens = parsePointer(p);
    // With `*` in the parent, set in each element that exists; otherwise create the parents as needed.
    const parentTokens = tokens.slice(0, -1);
    const parents = parentTokens.includes('*') ? expand(out, parentTokens) : [parentTokens];
    for (const parent of parents) set(out, [...parent, tokens[tokens.length - 1]!], structuredClone(value));
  }
  return out;
}

const isJson = (contentType: unknown) => typeof contentType === 'string' && /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType);

/** Deterministic JSON reshaping of request and response bodies with JSON pointers: pick, omit, rename, set. */
export default definePolicy({
  id: 'transform-body',
  title: 'Transform body',
  description: 'Reshapes JSON request and response bodies with JSON pointers: pick, omit, rename, set (deterministic, no code).',
  phase: 'both',
  config,
  example: { response: { omit: ['/internalId', '/items/*/cost'], rename: { '/desc': '/description' }, set: { '/version': 2 } } },
  describe: (cfg) => [cfg.request && 'request', cfg.response && 'response'].filter(Boolean).join(' + '),
  create: (cfg, _services, instance) => {
    const label = `transform-body${instance.name ? ` ${instance.name}` : ''}`;
    const invalidJson = problem(400, 'invalid-json', 'Bad Request', 'The request body is not valid JSON.');
    const request = cfg.request;
    const response = cfg.response;
    return {
      ...(response && {
        request: (ctx: PolicyContext) => {
          // A compressed response cannot be reshaped: ask the upstream for identity.
          if (ctx.request.headers['accept-encoding'] !== undefined) ctx.setRequestHeader('accept-encoding', undefined);
          return ctx.next();
        },
      }),
      ...(request && {
        requestBody: (ctx: PolicyContext) => {
          const body = ctx.requestBody();
          if (body === undefined || body.length === 0 || !isJson(ctx.request.headers['content-type'])) return ctx.next();
          let doc: Json;
          try {
            doc = JSON.parse(body.toString('utf8')) as Json;
          } catch {
            return ctx.problem(invalidJson, { reason: `${label}: the request body is not valid JSON` });
          }
          ctx.setRequestBody(Buffer.from(JSON.stringify(transform(doc, request))));
          return ctx.next();
        },
      }),
      ...(response && {
        responseBody: (ctx: ResponseBodyContext) => {
          if (ctx.source === 'policy' || ctx.status < 200 || ctx.status > 299 || ctx.body.length === 0 || !isJson(ctx.headers['content-type'])) return;
          const encoding = ctx.headers['content-encoding'];
          if (encoding !== undefined && encoding !== 'identity') return;
          let doc: Json;
          try {
            doc = JSON.parse(ctx.body.toString('utf8')) as Json;
          } catch {
            ctx.report({ id: 'transform-body', ...(instance.name !== undefined && { name: instance.name }), reason: `${label}: the response body is not valid JSON; sent unchanged` });
            return;
          }
          ctx.body = Buffer.from(JSON.stringify(transform(doc, response)));
        },
      }),
    };
  },
});
